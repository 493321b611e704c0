"""Address plan: non-overlapping VPC and subnet CIDRs carved from ``region.address_space`` (R-NET-01).

Renumbering a live VPC means rebuilding every instance in it, so the plan is
designed for one property above all: *adding a centre or a subnet never
moves an existing one*.  Slots are keyed by name, not by list position:

* A block is split into ``2**bits`` equal slots.  The first three quarters are
  *home* slots; the last quarter is *overflow*.
* Every name has a home slot, ``sha256(name) mod homes``, independent of
  every other name, of list order and of Python's hash seed.
* When two names share a home, the one listed first keeps it; the others take
  overflow slots in list order.  Each such collision is recorded in the plan
  (and shown in the preview) so a reviewer sees which names moved off home.

Consequences, tested property-style in ``tests/unit/components/test_ipam.py``:

* appending names (at the end of the model's lists) never moves anything;
* inserting a name anywhere moves no name that holds its home slot, except
  the one whose home the newcomer shares and precedes — and names already
  recorded as collisions may shift within overflow.

So the rule for operators is "append new centres, AZs and pools"; anything
else is visible in the preview (the ``cidrPlan`` output and its
``collisions``) before ``pulumi up`` renumbers it.

Centres get a ``/(space+6)`` block each (64 slots); within a centre each
(availability zone, security domain) pair and the transit subnet get a
``/(centre+6)`` subnet (64 slots).  A ``/12`` space therefore gives ``/18``
centres and ``/24`` subnets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Any

from medcloud.errors import IpamError as IpamError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.model import Region

#: Bits added to the prefix at each level: 64 slots for centres, 64 for subnets.
LEVEL_BITS = 6
#: Smallest subnet we hand out: a /28 leaves 11 usable addresses after cloud reservations.
MAX_SUBNET_PREFIX = 28
#: Key of the subnet that terminates inter-centre links (VPN gateways, WDM next hops).
TRANSIT = "transit"


@dataclass(frozen=True)
class Collision:
    """A name that lost its home slot to an earlier name and went to overflow."""

    scope: str
    name: str
    home: int
    holder: str
    slot: int


@dataclass(frozen=True)
class Allocation:
    slots: dict[str, int]
    collisions: tuple[Collision, ...]


def home_slot(name: str, homes: int) -> int:
    """The slot a name prefers: a stable hash, the same on every machine and run."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % homes


def allocate(names: Sequence[str], total: int, *, scope: str = "") -> Allocation:
    """Give each name a slot in ``range(total)``; see the module docstring for the rules."""
    if len(set(names)) != len(names):
        raise IpamError(f"{scope or 'ipam'}: duplicate names in {list(names)}")
    homes = max(1, total * 3 // 4)
    slots: dict[str, int] = {}
    holder: dict[int, str] = {}
    losers: list[str] = []
    for name in names:
        home = home_slot(name, homes)
        if home in holder:
            losers.append(name)
        else:
            holder[home] = name
            slots[name] = home
    overflow = iter(range(homes, total))
    collisions = []
    for name in losers:
        slot = next(overflow, None)
        if slot is None:
            raise IpamError(
                f"{scope or 'ipam'}: no free slot for {name!r} "
                f"({total} slots, {len(names)} names); widen address_space"
            )
        slots[name] = slot
        home = home_slot(name, homes)
        collisions.append(Collision(scope, name, home, holder[home], slot))
    return Allocation(slots, tuple(collisions))


def _subdivide(block: IPv4Network, bits: int, slot: int) -> IPv4Network:
    new_prefix = block.prefixlen + bits
    size = 1 << (32 - new_prefix)
    return IPv4Network((int(block.network_address) + slot * size, new_prefix))


@dataclass(frozen=True)
class CentrePlan:
    centre: str
    cidr: IPv4Network
    #: subnet key (``az.security_domain`` or ``transit``) → CIDR
    subnets: dict[str, IPv4Network]

    def subnet(self, az: str, security_domain: str) -> IPv4Network:
        return self.subnets[subnet_key(az, security_domain)]

    @property
    def transit(self) -> IPv4Network:
        return self.subnets[TRANSIT]


@dataclass(frozen=True)
class AddressPlan:
    space: IPv4Network
    centres: dict[str, CentrePlan]
    collisions: tuple[Collision, ...] = field(default=())

    def all_cidrs(self) -> list[tuple[str, IPv4Network]]:
        """Every subnet with a label, for overlap checks and reports."""
        return [
            (f"{c.centre}/{key}", net)
            for c in self.centres.values()
            for key, net in c.subnets.items()
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "space": str(self.space),
            "centres": {
                name: {"cidr": str(c.cidr), "subnets": {k: str(v) for k, v in c.subnets.items()}}
                for name, c in self.centres.items()
            },
            "collisions": [
                {"scope": k.scope, "name": k.name, "home": k.home, "holder": k.holder, "slot": k.slot}
                for k in self.collisions
            ],
        }


def subnet_key(az: str, security_domain: str) -> str:
    return f"{az}.{security_domain}"


def subnet_keys(region: Region, centre_name: str) -> list[str]:
    """Subnets a centre needs, in model order: one per (AZ, security domain), then transit."""
    centre = region.centre(centre_name)
    keys: list[str] = []
    if centre is not None:
        for az in centre.azs:
            for pool in az.pools:
                key = subnet_key(az.name, pool.security_domain)
                if key not in keys:
                    keys.append(key)
    keys.append(TRANSIT)
    return keys


def plan(region: Region) -> AddressPlan:
    """The region's address plan; raises :class:`IpamError` if the space is too small."""
    space = region.address_space
    if space.prefixlen + 2 * LEVEL_BITS > MAX_SUBNET_PREFIX:
        raise IpamError(
            f"region {region.name}: address_space {space} is too small; "
            f"need a /{MAX_SUBNET_PREFIX - 2 * LEVEL_BITS} or larger"
        )
    total = 1 << LEVEL_BITS
    top = allocate([c.name for c in region.centres], total, scope=f"{region.name}")
    centres: dict[str, CentrePlan] = {}
    collisions = list(top.collisions)
    for centre in region.centres:
        block = _subdivide(space, LEVEL_BITS, top.slots[centre.name])
        inner = allocate(subnet_keys(region, centre.name), total, scope=centre.name)
        collisions.extend(inner.collisions)
        subnets = {key: _subdivide(block, LEVEL_BITS, slot) for key, slot in inner.slots.items()}
        centres[centre.name] = CentrePlan(centre.name, block, subnets)
    return AddressPlan(space, centres, tuple(collisions))


def edge_hops(transit: IPv4Network, links: Sequence[str]) -> dict[str, IPv4Address]:
    """Each circuit's edge router address, counted down from the top of the transit subnet.

    Keyed by link name with the same slot rules as subnets, so adding a link
    never readdresses another link's edge router (and two links to one peer
    centre get distinct next hops: ECMP over diverse routes).
    """
    total = min(1 << LEVEL_BITS, transit.num_addresses // 2)
    slots = allocate(list(links), total, scope=f"transit {transit}").slots
    top = transit.broadcast_address - 1
    return {name: top - slot for name, slot in slots.items()}


def overlaps(cidrs: Sequence[tuple[str, IPv4Network]]) -> list[tuple[str, str]]:
    """Pairs of labels whose networks overlap (R-NET-01); empty when the plan is sound."""
    ordered = sorted(cidrs, key=lambda item: (int(item[1].network_address), -item[1].num_addresses))
    found: list[tuple[str, str]] = []
    # Sweep: any later network starting before the furthest end seen so far overlaps it.
    reach: tuple[str, IPv4Network] | None = None
    for label, net in ordered:
        if reach is not None and int(net.network_address) <= int(reach[1].broadcast_address):
            found.append((reach[0], label))
        if reach is None or int(net.broadcast_address) > int(reach[1].broadcast_address):
            reach = (label, net)
    return found
