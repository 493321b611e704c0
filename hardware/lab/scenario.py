"""What a lab contains: servers, switches, cabling, VLANs and the injected faults.

The default scenario is the acceptance rehearsal ``medcloud lab up`` builds:
four domestic servers (Kunpeng, Phytium, Hygon, Loongson) cabled to two H3C
leaves, plus an out-of-band Ruijie switch, with exactly one of each fault
acceptance must catch:

=================  ==============  ===============================================
fault              device          what the lab does
=================  ==============  ===============================================
dead BMC           ls-node-01      its port is allocated, no ``ipmi_sim`` listens
wrong password     ft-node-01      the BMC's password differs from the inventory's
slow agent         oob-01          sysDescr is answered after ``SLOW_AGENT_MS``
mis-cabled port    leaf-01         ls-node-01's NIC shows up on another port
below spec         hg-node-01      an 8-core Hygon 3250 where the profile wants 64
=================  ==============  ===============================================

:func:`scaled` builds the benchmark lab (many BMCs and switches, no faults).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from medcloud.hardware.lab.catalogue import MODELS

ServerFault = Literal["dead-bmc", "wrong-password", "below-spec"]
SwitchFault = Literal["slow-agent", "mis-cabled"]

#: How long the slow agent holds each sysDescr answer: beyond any default transport
#: timeout (connect 5 s x 2 tries), so verification must report a timeout.
SLOW_AGENT_MS = 30_000


@dataclass(frozen=True)
class LabServer:
    name: str
    model: str
    profile: str
    rack: str
    unit: int
    #: NIC names as the host recording's ``ip link`` shows them.
    nics: tuple[str, str]
    fault: ServerFault | None = None
    #: Whether an SSH target runs for this server (benchmark labs have BMCs only).
    ssh: bool = True

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"unknown lab server model {self.model!r}")


@dataclass(frozen=True)
class LabCable:
    """``port`` of the switch goes to ``nic`` of ``server`` (the design's cabling)."""

    port: str
    server: str
    nic: str
    #: Mis-cabled: where the cable really is (LLDP shows the neighbour there).
    actual_port: str | None = None


@dataclass(frozen=True)
class LabSwitch:
    name: str
    recording: str
    vendor: Literal["huawei", "h3c", "ruijie", "zte"]
    model: str
    profile: str
    rack: str
    unit: int
    cabling: tuple[LabCable, ...] = ()
    vlans: tuple[tuple[int, str], ...] = ()
    fault: SwitchFault | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    servers: tuple[LabServer, ...]
    switches: tuple[LabSwitch, ...]
    centre: str = "lab"
    room: str = "r101"
    faults: dict[str, str] = field(default_factory=dict)
    #: Which peer of the device carries its fault: "bmc", "ssh" or "snmp".
    fault_peers: dict[str, str] = field(default_factory=dict)

    def server(self, name: str) -> LabServer:
        for server in self.servers:
            if server.name == name:
                return server
        raise KeyError(name)


_H3C = "network/switch/h3c-comware-7-1-075"
_RUIJIE = "network/switch/ruijie-s5750-24gt12sfp"
_H3C_ACCESS = "network/switch/h3c-e528-1"
_TEN_GE = "Ten-GigabitEthernet1/0/0/{}"
#: The design's VLANs (R-NET-02: one per business system).
DESIGN_VLANS = ((110, "his"), (120, "pacs"), (130, "emr"))


#: The lab's out-of-band management network: where its BMCs' own LAN settings must point
#: (``medcloud bmc apply`` sets them; the lab's BMCs start on DHCP, as delivered).
BMC_SUBNET = "10.200.{block}.{host}"
BMC_NETMASK = "255.255.255.0"
BMC_GATEWAY_HOST = 1
BMC_VLAN = 100


def bmc_network(index: int) -> dict[str, object]:
    """The inventory's ``bmc.network`` for the ``index``-th lab server (250 per /24)."""
    block, host = divmod(index, 250)
    return {"source": "static", "address": BMC_SUBNET.format(block=block, host=host + 4),
            "netmask": BMC_NETMASK, "gateway": BMC_SUBNET.format(block=block, host=BMC_GATEWAY_HOST),
            "vlan": BMC_VLAN}


def default() -> Scenario:
    servers = (
        LabServer("kp-node-01", "taishan-2280", "kunpeng-920-compute", "a01", 10,
                  ("enp125s0f0", "enp125s0f1")),
        LabServer("ft-node-01", "gw-ft2500", "phytium-s2500-compute", "a01", 14,
                  ("enp1s0f0", "enp1s0f1"), fault="wrong-password"),
        LabServer("hg-node-01", "sugon-h620", "hygon-c86-compute", "a02", 10,
                  ("ens1f0", "ens1f1"), fault="below-spec"),
        LabServer("ls-node-01", "ls-3c5000", "loongson-3c5000-compute", "a02", 14,
                  ("enp5s0f0", "enp5s0f1"), fault="dead-bmc"),
    )
    leaf1 = tuple(
        LabCable(_TEN_GE.format(i + 1), s.name, s.nics[0],
                 actual_port=_TEN_GE.format(8) if s.name == "ls-node-01" else None)
        for i, s in enumerate(servers)
    )
    leaf2 = tuple(LabCable(_TEN_GE.format(i + 1), s.name, s.nics[1]) for i, s in enumerate(servers))
    switches = (
        LabSwitch("leaf-01", _H3C, "h3c", "SR8808-X", "h3c-comware", "a01", 42, leaf1, DESIGN_VLANS,
                  fault="mis-cabled"),
        LabSwitch("leaf-02", _H3C, "h3c", "SR8808-X", "h3c-comware", "a02", 42, leaf2, DESIGN_VLANS),
        LabSwitch("oob-01", _RUIJIE, "ruijie", "S5750-24GT/12SFP", "ruijie-rgos", "a01", 41,
                  fault="slow-agent"),
    )
    return Scenario("acceptance", servers, switches, faults={
        "ls-node-01": "dead BMC (nothing listens on its IPMI port)",
        "ft-node-01": "BMC password differs from the inventory's",
        "oob-01": f"slow SNMP agent (sysDescr answered after {SLOW_AGENT_MS // 1000} s)",
        "leaf-01": "ls-node-01 cabled to Ten-GigabitEthernet1/0/0/8 instead of 1/0/0/4",
        "hg-node-01": "8-core Hygon C86 3250 below the 64-core profile (R-HW-02)",
    }, fault_peers={"ls-node-01": "bmc", "ft-node-01": "bmc", "oob-01": "snmp", "leaf-01": "snmp",
                    "hg-node-01": "ssh"})


def scaled(bmcs: int, switches: int) -> Scenario:
    """A benchmark lab: ``bmcs`` healthy BMCs (no SSH targets) and ``switches`` H3C leaves."""
    if not 1 <= bmcs <= 1000 or not 0 <= switches <= 100:
        raise ValueError("a scaled lab has 1-1000 BMCs and 0-100 switches")
    keys = sorted(MODELS)
    profiles = {"taishan-2280": "kunpeng-920-compute", "gw-ft2500": "phytium-s2500-compute",
                "sugon-h620": "hygon-c86-compute", "ls-3c5000": "loongson-3c5000-compute"}
    servers = tuple(
        LabServer(f"bench-{i:04d}", keys[i % len(keys)], profiles[keys[i % len(keys)]],
                  f"r{i // 20:03d}", 1 + (i % 20) * 2, ("eth0", "eth1"), ssh=False)
        for i in range(bmcs)
    )
    # A 28-port H3C access switch (1,980 rows under the walked roots): what a rack row has.
    leaves = tuple(
        LabSwitch(f"bench-sw-{j:03d}", _H3C_ACCESS, "h3c", "E528", "h3c-comware", f"r{j:03d}", 42,
                  vlans=DESIGN_VLANS)
        for j in range(switches)
    )
    return Scenario(f"bench-{bmcs}x{switches}", servers, leaves)


def delivery(servers: int, switches: int) -> Scenario:
    """A whole delivery to rehearse acceptance on (``medcloud lab up --servers N --switches M``).

    ``servers`` servers of the four lab models in turn (20 to a rack, SSH targets and BMCs)
    and ``switches`` Comware 7 leaves, each server's first NIC cabled to one leaf and its
    second to the next (16 servers per leaf and NIC, as the 32 10GE ports allow; servers
    beyond that are left uncabled); nothing injected.  The servers are what their host
    recordings are: the Sugon H620's is an 8-core Hygon C86 3250, below the 64-core Hygon
    profile, so every fourth server fails R-HW-02 as such a unit would on delivery.
    """
    if not 1 <= servers <= 1000 or not 0 <= switches <= 100:
        raise ValueError("a delivery lab has 1-1000 servers and 0-100 switches")
    keys = sorted(MODELS)
    profiles = {"taishan-2280": "kunpeng-920-compute", "gw-ft2500": "phytium-s2500-compute",
                "sugon-h620": "hygon-c86-compute", "ls-3c5000": "loongson-3c5000-compute"}
    nics = {"taishan-2280": ("enp125s0f0", "enp125s0f1"), "gw-ft2500": ("enp1s0f0", "enp1s0f1"),
            "sugon-h620": ("ens1f0", "ens1f1"), "ls-3c5000": ("enp5s0f0", "enp5s0f1")}
    members = tuple(
        LabServer(f"node-{i + 1:04d}", keys[i % len(keys)], profiles[keys[i % len(keys)]],
                  f"r{i // 20 + 1:03d}", 1 + (i % 20) * 2, nics[keys[i % len(keys)]])
        for i in range(servers)
    )
    # The recording's 32 10GE ports: the first 16 take first NICs, the other 16 second NICs.
    ports = [f"Ten-GigabitEthernet{a}/{b}/0/{p}" for a in (1, 2) for b in (0, 1) for p in range(1, 9)]
    cables: list[list[LabCable]] = [[] for _ in range(switches)]
    for i, server in enumerate(members if switches else ()):
        slot = i // switches
        if slot >= 16:
            continue
        cables[i % switches].append(LabCable(ports[slot], server.name, server.nics[0]))
        if switches > 1:
            cables[(i + 1) % switches].append(LabCable(ports[16 + slot], server.name, server.nics[1]))
    leaves = tuple(
        LabSwitch(f"leaf-{j + 1:03d}", _H3C, "h3c", "SR8808-X", "h3c-comware", f"r{j + 1:03d}", 42,
                  tuple(cables[j]), DESIGN_VLANS)
        for j in range(switches)
    )
    return Scenario(f"delivery-{servers}x{switches}", members, leaves)
