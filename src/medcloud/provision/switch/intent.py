"""What a switch should be configured as, vendor-neutral, from the region and the inventory.

The region says which security domains each centre hosts (pools carry
``security_domain``, R-TOP-07); R-NET-02 wants them isolated by VLAN, R-NET-03
wants the fabric built from VXLAN, EVPN and M-LAG.  The inventory says which
switches exist, their VLAN plan, cabling, fabric role and credentials.
:func:`build_intents` joins the two and refuses inconsistent input with a
one-line :class:`IntentError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from medcloud.errors import IntentError as IntentError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.hardware.inventory import Inventory, SNMPv3Credential, SSHCredential, Switch
from medcloud.model import Region
from medcloud.provision.switch import drivers
from medcloud.provision.switch.placeholders import marker

#: VXLAN network identifiers are VNI_BASE + VLAN id, the same on every switch of a region,
#: so a security domain keeps one VNI across centres.
VNI_BASE = 10000
#: First Eth-Trunk / Bridge-Aggregation number used for server-facing M-LAG bundles.
SERVER_TRUNK_BASE = 10
PEER_LINK_TRUNK = 1


@dataclass(frozen=True)
class VlanIntent:
    id: int
    name: str
    vni: int


@dataclass(frozen=True)
class TrunkIntent:
    id: int
    description: str
    members: tuple[str, ...]
    #: M-LAG group id for dual-homed bundles; None for the peer-link.
    mlag_id: int | None = None


@dataclass(frozen=True)
class MlagIntent:
    domain: int
    peer: str
    primary: bool
    local_keepalive: str
    peer_keepalive: str
    #: Shared by both peers (H3C ``m-lag system-mac``, Huawei NVE ``mac-address``).
    system_mac: str
    peer_link: TrunkIntent


@dataclass(frozen=True)
class BgpPeer:
    address: str
    name: str


@dataclass(frozen=True)
class SnmpIntent:
    user: str
    auth_protocol: str
    priv_protocol: str
    auth_key: str
    priv_key: str


@dataclass(frozen=True)
class AdminIntent:
    user: str
    password: str


@dataclass(frozen=True)
class SwitchIntent:
    name: str
    #: The driver folder that renders it (``provision/switch/drivers/<driver>``).
    driver: str
    model: str
    centre: str
    role: str
    management: str
    loopback: str
    vtep: str
    asn: int
    vlans: tuple[VlanIntent, ...]
    mlag: MlagIntent | None
    trunks: tuple[TrunkIntent, ...]
    bgp_peers: tuple[BgpPeer, ...]
    route_reflector: bool
    ntp_servers: tuple[str, ...]
    syslog_hosts: tuple[str, ...]
    snmp: SnmpIntent
    admin: AdminIntent | None


#: What may reach a configuration line from the inventory: one token, no spaces or control
#: characters, so no value can end a command early or smuggle in another.
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./:-]{0,62}$")
#: VLAN names: VRP and Comware both cap them at 31 characters.
_VLAN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,30}$")


def _system_mac(domain: int, pair: tuple[str, str]) -> str:
    # Locally administered (0x02) and derived from the pair, so both peers compute the same value.
    seed = sum(ord(c) * (i + 1) for i, c in enumerate("|".join(sorted(pair)))) & 0xFFFF
    return f"0200-{seed:04x}-{domain:04x}"


def build_intents(region: Region, inventory: Inventory, source: Path | str) -> list[SwitchIntent]:
    """An intent for every switch of ``inventory`` that has a fabric section."""
    by_name = {s.name: s for s in inventory.switches}
    servers = {s.name for s in inventory.servers}
    intents = []
    for switch in inventory.switches:
        if switch.fabric is None:
            continue
        intents.append(_intent(region, inventory, switch, by_name, servers, source))
    return intents


def _intent(
    region: Region, inventory: Inventory, switch: Switch, by_name: dict[str, Switch],
    servers: set[str], source: Path | str,
) -> SwitchIntent:
    fabric = switch.fabric
    assert fabric is not None

    def fail(field: str, reason: str) -> IntentError:
        return IntentError(source, switch.name, field, reason)

    for field, value in (("model", switch.model), *((f"cabling[{i}].port", c.port)
                                                    for i, c in enumerate(switch.cabling))):
        if not _TOKEN.match(value):
            raise fail(field, f"{value!r} is not a single configuration token")
    for i, vlan in enumerate(switch.vlans):
        if vlan.name and not _VLAN_NAME.match(vlan.name):
            raise fail(f"vlans[{i}].name", f"{vlan.name!r}: letters, digits, '_', '.', '-', at most 31")
    driver = drivers.for_switch(switch)
    if driver is None:
        known = "; ".join(d.description for d in drivers.drivers())
        raise fail("model", f"no switch driver renders {switch.vendor} {switch.model} (drivers: {known})")
    centre = region.centre(switch.location.centre)
    if centre is None:
        raise fail("location.centre", f"region {region.name} has no centre {switch.location.centre!r}")

    # R-NET-02: every security domain the centre hosts needs its own VLAN on its switches.
    vlan_names = {v.name for v in switch.vlans}
    needed = {pool.security_domain for pool in centre.pools} if fabric.role != "spine" else set()
    for domain in sorted(needed):
        if domain not in vlan_names:
            raise fail("vlans", f"R-NET-02: security domain {domain!r} of centre {centre.name} has no VLAN")
    vlans = tuple(VlanIntent(v.id, v.name or f"vlan{v.id}", VNI_BASE + v.id)
                  for v in sorted(switch.vlans, key=lambda v: v.id))

    mlag = None
    peer_link_ports: tuple[str, ...] = ()
    if fabric.mlag_peer is not None:
        peer = by_name.get(fabric.mlag_peer)
        if peer is None or peer.fabric is None:
            raise fail("fabric.mlag_peer", f"no switch {fabric.mlag_peer!r} with a fabric section")
        if peer.fabric.mlag_peer != switch.name:
            raise fail("fabric.mlag_peer", f"{peer.name} does not name {switch.name} as its M-LAG peer")
        if {v.id for v in peer.vlans} != {v.id for v in switch.vlans}:
            raise fail("vlans", f"M-LAG peers {switch.name} and {peer.name} must carry the same VLANs")
        if (peer.fabric.vtep or peer.fabric.loopback) != (fabric.vtep or fabric.loopback):
            raise fail("fabric.vtep", f"M-LAG peers {switch.name} and {peer.name} must share one VTEP address")
        peer_link_ports = tuple(c.port for c in switch.cabling if c.remote_device == peer.name)
        if not peer_link_ports:
            raise fail("cabling", f"no cable to M-LAG peer {peer.name} to form the peer-link")
        mlag = MlagIntent(
            domain=fabric.mlag_domain,
            peer=peer.name,
            primary=switch.name < peer.name,
            local_keepalive=str(switch.management.address),
            peer_keepalive=str(peer.management.address),
            system_mac=_system_mac(fabric.mlag_domain, (switch.name, peer.name)),
            peer_link=TrunkIntent(PEER_LINK_TRUNK, f"peer-link to {peer.name}", peer_link_ports),
        )

    # One dual-homed bundle per server cabled to this switch.
    members: dict[str, list[str]] = {}
    for cable in switch.cabling:
        if cable.remote_device in servers:
            members.setdefault(cable.remote_device, []).append(cable.port)
    trunks = tuple(
        TrunkIntent(SERVER_TRUNK_BASE + i, server, tuple(ports),
                    mlag_id=(SERVER_TRUNK_BASE + i) if mlag else None)
        for i, (server, ports) in enumerate(sorted(members.items()))
    )

    # EVPN: leaves and borders peer with the spines of their centre, which reflect routes;
    # a centre without spines runs a full iBGP mesh between its leaves.
    same_centre = [s for s in by_name.values()
                   if s.fabric is not None and s.location.centre == switch.location.centre and s.name != switch.name]
    spines = [s for s in same_centre if s.fabric is not None and s.fabric.role == "spine"]
    if fabric.role == "spine":
        peers = [s for s in same_centre if s.fabric is not None and s.fabric.role != "spine"]
    else:
        peers = spines or same_centre
    for other in peers:
        assert other.fabric is not None
        if other.fabric.asn != fabric.asn:
            raise fail("fabric.asn", f"iBGP EVPN needs one AS per centre; {other.name} has {other.fabric.asn}")
    bgp_peers = tuple(BgpPeer(str(s.fabric.loopback), s.name) for s in sorted(peers, key=lambda s: s.name)
                      if s.fabric is not None)

    cred = inventory.credentials.get(switch.management.credential)
    if not isinstance(cred, SNMPv3Credential):
        raise fail("management.credential", "needs an snmpv3 credential")
    if not _TOKEN.match(cred.username):
        raise fail("management.credential", f"SNMPv3 user name {cred.username!r} is not a single token")
    snmp = SnmpIntent(
        user=cred.username, auth_protocol=cred.auth_protocol, priv_protocol=cred.priv_protocol,
        auth_key=marker(switch.management.credential, "auth_key"),
        priv_key=marker(switch.management.credential, "priv_key"),
    )
    admin = None
    if fabric.admin_credential is not None:
        admin_cred = inventory.credentials.get(fabric.admin_credential)
        if not isinstance(admin_cred, SSHCredential) or admin_cred.password is None:
            raise fail("fabric.admin_credential", "needs an ssh credential with a sealed password")
        if not _TOKEN.match(admin_cred.username):
            raise fail("fabric.admin_credential", f"user name {admin_cred.username!r} is not a single token")
        admin = AdminIntent(admin_cred.username, marker(fabric.admin_credential, "password"))

    if not centre.ntp_servers:
        raise fail("location.centre", f"centre {centre.name} has no ntp_servers to give the switch")
    return SwitchIntent(
        name=switch.name, driver=driver.name, model=switch.model, centre=centre.name, role=fabric.role,
        management=str(switch.management.address), loopback=str(fabric.loopback),
        vtep=str(fabric.vtep or fabric.loopback), asn=fabric.asn, vlans=vlans, mlag=mlag, trunks=trunks,
        bgp_peers=bgp_peers, route_reflector=fabric.role == "spine",
        ntp_servers=tuple(centre.ntp_servers), syslog_hosts=tuple(str(h) for h in fabric.syslog_hosts),
        snmp=snmp, admin=admin,
    )
