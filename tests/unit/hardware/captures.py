"""Device captures for verification tests, assembled from the real fixture files.

Where no public capture fits (a 25GE port that is up) the input is written
here and says so; fact parsers are tested on real output
in the test_facts_* modules.
"""

from __future__ import annotations

import json
from pathlib import Path

from medcloud.hardware.transports import snmprec
from medcloud.hardware.transports.base import CommandResult, IPMICapture, SNMPCapture

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hardware"

#: Synthetic: one 25GE port up (ip -j link shape), since the build host only has a VM NIC.
IP_LINK_25G = json.dumps([
    {"ifindex": 1, "ifname": "lo", "link_type": "loopback", "operstate": "UNKNOWN", "address": "00:00:00:00:00:00"},
    {"ifindex": 2, "ifname": "enp1s0f0", "link_type": "ether", "operstate": "UP",
     "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"], "address": "b4:05:5d:00:00:01"},
])


def server_ssh(**override: CommandResult) -> dict[str, CommandResult]:
    """A Phytium FT-2000+/64 with ECC memory, a Micron NVMe and Kylin V10 (real captures)."""
    results = {
        "lscpu": CommandResult((FIXTURES / "cpu/phytium-ft2000plus-lscpu.txt").read_text()),
        "cpuinfo": CommandResult((FIXTURES / "cpu/phytium-ft2000-4-cpuinfo.txt").read_text()),
        "dmidecode": CommandResult((FIXTURES / "dmi/dasharo-glk-memory.txt").read_text()),
        "nvme-id-ctrl": CommandResult((FIXTURES / "nvme/micron-9200-id-ctrl.txt").read_text()),
        "nvme-list": CommandResult('{"Devices":[{"DevicePath":"/dev/nvme0n1","SerialNumber":"18161E7964B7",'
                                   '"PhysicalSize":1600321314816}]}'),
        "nvme-link": CommandResult("nvme0 4\n"),
        "ip-link": CommandResult(IP_LINK_25G),
        "nic-speed": CommandResult("enp1s0f0 25000\nlo\n"),
        "os-release": CommandResult((FIXTURES / "os/kylin-v10-server.txt").read_text()),
    }
    results.update(override)
    return results


def bmc(*, psu2_absent: bool = False) -> IPMICapture:
    """The lab TaiShan 2280 BMC as pyghmi read it from ipmi_sim (two PSUs, or PSU2 pulled)."""
    name = "taishan-2280-psu2-absent-ipmi-sim.json" if psu2_absent else "taishan-2280-ipmi-sim.json"
    return IPMICapture.from_json(json.loads((FIXTURES / "ipmi" / name).read_text()))


def h3c_e528() -> SNMPCapture:
    return SNMPCapture(snmprec.load(FIXTURES / "snmp/h3c-e528-1.snmprec"))
