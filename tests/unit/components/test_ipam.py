"""IPAM (R-NET-01): deterministic, non-overlapping, and stable when centres or subnets are added.

Property-style: each property is checked over a few hundred seeded random
name sets (bounded count, reproducible by seed), no extra libraries.
"""

from __future__ import annotations

import random
import string
from ipaddress import IPv4Network

import pytest

from medcloud.ipam import (
    LEVEL_BITS,
    IpamError,
    allocate,
    edge_hops,
    home_slot,
    overlaps,
    plan,
    subnet_keys,
)
from medcloud.model import Region
from medcloud.stacks import load

TRIALS = 300
SLOTS = 1 << LEVEL_BITS


def _names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choices(string.ascii_lowercase + "-", k=rng.randint(3, 12))).strip("-") or "x")
    return sorted(names, key=lambda _: rng.random())


@pytest.fixture(scope="module")
def dev_region() -> Region:
    return load("dev").region


def test_home_slot_is_a_stable_hash_not_pythons_seeded_one() -> None:
    # sha256("gz-prod") fixed: the same slot on every machine, every run.
    assert home_slot("gz-prod", 48) == home_slot("gz-prod", 48)
    assert [home_slot(n, 48) for n in ("gz-prod", "fs-aa", "cd-dr")] == [
        int.from_bytes(__import__("hashlib").sha256(n.encode()).digest()[:8], "big") % 48
        for n in ("gz-prod", "fs-aa", "cd-dr")
    ]


def test_slots_are_distinct_and_in_range() -> None:
    rng = random.Random(1)
    for _ in range(TRIALS):
        names = _names(rng, rng.randint(1, 20))
        slots = allocate(names, SLOTS).slots
        assert set(slots) == set(names)
        assert len(set(slots.values())) == len(names)
        assert all(0 <= s < SLOTS for s in slots.values())


def test_appending_names_never_renumbers_existing_ones() -> None:
    rng = random.Random(2)
    for _ in range(TRIALS):
        names = _names(rng, rng.randint(1, 24))
        cut = rng.randint(0, len(names))
        before = allocate(names[:cut], SLOTS).slots
        after = allocate(names, SLOTS).slots
        assert {n: after[n] for n in before} == before


def test_inserting_anywhere_moves_only_the_holder_of_the_newcomers_home() -> None:
    rng = random.Random(3)
    homes = SLOTS * 3 // 4
    for _ in range(TRIALS):
        names = _names(rng, rng.randint(2, 24))
        new = names.pop(rng.randrange(len(names)))
        before = allocate(names, SLOTS)
        moved_off_home = {c.name for c in before.collisions}
        grown = list(names)
        grown.insert(rng.randint(0, len(grown)), new)
        after = allocate(grown, SLOTS).slots
        for name, slot in before.slots.items():
            if name not in moved_off_home and home_slot(name, homes) != home_slot(new, homes):
                assert after[name] == slot, (name, names, new)


def test_collisions_are_recorded_with_their_holder() -> None:
    rng = random.Random(4)
    seen = 0
    for _ in range(TRIALS):
        names = _names(rng, 16)
        result = allocate(names, SLOTS, scope="t")
        homes = SLOTS * 3 // 4
        for collision in result.collisions:
            seen += 1
            assert home_slot(collision.name, homes) == collision.home
            assert result.slots[collision.holder] == collision.home
            assert result.slots[collision.name] == collision.slot >= homes
    assert seen > 0, "16 names in 48 home slots collide in most trials"


def test_full_space_is_an_input_error() -> None:
    with pytest.raises(IpamError, match="no free slot"):
        allocate([f"c{i}" for i in range(SLOTS + 1)], SLOTS, scope="region")


def test_a_too_small_address_space_is_refused(dev_region: Region) -> None:
    small = dev_region.model_copy(update={"address_space": IPv4Network("10.0.0.0/20")})
    with pytest.raises(IpamError, match="too small"):
        plan(small)


def test_dev_plan_covers_every_subnet_without_overlap(dev_region: Region) -> None:
    addresses = plan(dev_region)
    assert set(addresses.centres) == {c.name for c in dev_region.centres}
    for centre in dev_region.centres:
        cplan = addresses.centres[centre.name]
        assert list(cplan.subnets) == subnet_keys(dev_region, centre.name)
        assert all(net.subnet_of(cplan.cidr) for net in cplan.subnets.values())
    assert overlaps(addresses.all_cidrs()) == []
    assert overlaps([(c, p.cidr) for c, p in addresses.centres.items()]) == []
    assert plan(dev_region) == addresses


def test_adding_a_centre_keeps_every_existing_cidr(dev_region: Region) -> None:
    before = plan(dev_region)
    extra = dev_region.centres[1].model_copy(update={"name": "sz-extra"})
    after = plan(dev_region.model_copy(update={"centres": [*dev_region.centres, extra]}))
    for name, cplan in before.centres.items():
        assert after.centres[name] == cplan
    assert overlaps(after.all_cidrs()) == []


def test_adding_a_security_domain_keeps_every_existing_subnet(dev_region: Region) -> None:
    before = plan(dev_region)
    centre = dev_region.centres[0]
    az = centre.azs[0]
    pool = az.pools[0].model_copy(update={"name": "dmz-silver", "security_domain": "dmz"})
    grown_az = az.model_copy(update={"pools": [pool, *az.pools]})  # inserted first, not appended
    grown = centre.model_copy(update={"azs": [grown_az, *centre.azs[1:]]})
    region = dev_region.model_copy(update={"centres": [grown, *dev_region.centres[1:]]})
    after = plan(region)
    moved = {c.name for c in before.collisions}
    homes = SLOTS * 3 // 4
    for key, net in before.centres[centre.name].subnets.items():
        if key not in moved and home_slot(key, homes) != home_slot("az1.dmz", homes):
            assert after.centres[centre.name].subnets[key] == net, key
    assert "az1.dmz" in after.centres[centre.name].subnets
    assert overlaps(after.all_cidrs()) == []


def test_overlap_detection_finds_nested_and_partial_overlaps() -> None:
    nets = [("a", IPv4Network("10.0.0.0/16")), ("b", IPv4Network("10.1.0.0/16")),
            ("c", IPv4Network("10.0.5.0/24")), ("d", IPv4Network("10.0.200.0/24"))]
    assert overlaps(nets) == [("a", "c"), ("a", "d")]
    assert overlaps(nets[1:]) == []


def test_edge_hops_are_distinct_and_stable_when_links_are_added() -> None:
    transit = IPv4Network("10.64.10.0/24")
    before = edge_hops(transit, ["wdm-north", "wdm-south"])
    after = edge_hops(transit, ["wdm-north", "wdm-south", "telecom"])
    assert {k: after[k] for k in before} == before
    assert len(set(after.values())) == 3
    assert all(hop in transit and hop not in (transit.network_address, transit.broadcast_address)
               for hop in after.values())
