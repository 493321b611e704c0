"""Server checks (R-HW-01…05) as a table over CPU, DMI, NVMe, NIC, OS and BMC facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from medcloud.hardware.facts.bmc import BmcFacts, health_name
from medcloud.hardware.facts.nic import NicPort
from medcloud.hardware.facts.nvme import NvmeDrive
from medcloud.hardware.inventory import Server
from medcloud.hardware.specs.server import ServerProfile
from medcloud.hardware.verify.checks import Check, Skip, declared
from medcloud.hardware.verify.expect import AllIn, AtLeast, Equals, Expectation, Matches, OneOf, VersionAtLeast
from medcloud.hardware.verify.results import CheckResult, FollowUp

from medcloud.model import standards


@dataclass(frozen=True)
class ServerContext:
    server: Server
    profile: ServerProfile


def _fast_ports(nics: tuple[NicPort, ...], min_gbps: float) -> list[NicPort]:
    return [n for n in nics if n.physical and n.up and (n.speed_mbps or 0) >= min_gbps * 1000]


def _redundancy(kind: str) -> Callable[[BmcFacts, ServerContext], object]:
    def actual(bmc: BmcFacts, ctx: ServerContext) -> object:
        sensors = bmc.sensors_of(kind)
        if not sensors:
            return Skip(f"cannot tell: the BMC reports no {kind} sensors",
                        FollowUp("site engineer", f"count the healthy {kind.lower()} units on the chassis"))
        # Only healthy units count towards redundancy.
        return sum(1 for s in sensors if s.ok)
    return actual


def _unhealthy(kind: str) -> Callable[[object], str]:
    def explain(_: object) -> str:
        return f"healthy {kind} units below the minimum (failed or absent units do not count)"
    return explain


def _nvme_vendors(drives: tuple[NvmeDrive, ...], ctx: ServerContext) -> object:
    if not drives:
        return Skip("no NVMe drives found (see nvme.count)")
    return [d.vendor or f"unknown vid 0x{d.vendor_id or 0:04x}" for d in drives]


def _nvme_min_capacity(drives: tuple[NvmeDrive, ...], ctx: ServerContext) -> object:
    if not drives:
        return Skip("no NVMe drives found (see nvme.count)")
    return min(d.capacity_bytes for d in drives) / 1e9


def _nvme_min_width(drives: tuple[NvmeDrive, ...], ctx: ServerContext) -> object:
    if not drives:
        return Skip("no NVMe drives found (see nvme.count)")
    widths = [d.pcie_width for d in drives]
    if any(w is None for w in widths):
        raise ValueError("a drive's PCIe link width is unknown")
    return min(w for w in widths if w is not None)


def _storage_bandwidth(nics: tuple[NicPort, ...], ctx: ServerContext) -> object:
    if "storage" not in ctx.server.roles:
        return Skip("not a storage node (roles: " + ", ".join(ctx.server.roles) + ")")
    return sum((n.speed_mbps or 0) for n in nics if n.physical and n.up) / 1000


def _expect_if(value: object, make: Expectation, reason: str) -> Expectation | Skip:
    return make if value is not None else Skip(reason)


CHECKS: tuple[Check, ...] = (
    Check("cpu.architecture", "R-HW-01", "CPU architecture", "cpu",
          lambda f, c: f.architecture, lambda c: OneOf([c.profile.cpu.architecture])),
    Check("cpu.family", "R-HW-01", "domestic CPU family", "cpu",
          lambda f, c: f.family or "unrecognised", lambda c: Equals(c.profile.cpu.family)),
    Check("cpu.model", "R-HW-01", "CPU model", "cpu",
          lambda f, c: f"{f.vendor} {f.model_name}".strip(), lambda c: Matches(c.profile.cpu.model_pattern)),
    Check("cpu.physical_cores", "R-HW-02", "physical cores per node", "cpu",
          lambda f, c: f.physical_cores, lambda c: AtLeast(c.profile.cpu.min_physical_cores, "cores")),
    Check("cpu.sockets", "R-HW-02", "CPU sockets", "cpu",
          lambda f, c: f.sockets if f.source != "cpuinfo" else Skip("/proc/cpuinfo cannot count ARM sockets"),
          lambda c: _expect_if(c.profile.cpu.sockets, Equals(c.profile.cpu.sockets),
                               "the profile fixes no socket count")),
    Check("memory.ecc", "R-HW-02", "ECC memory", "dmi",
          lambda f, c: f.ecc, lambda c: Equals(True),
          explain=lambda a: "memory arrays report no error correction"),
    Check("memory.size", "R-HW-02", "installed memory", "dmi",
          lambda f, c: f.total_memory_gib, lambda c: AtLeast(c.profile.memory.min_gib, "GiB"),
          show=lambda v: f"{v:g} GiB"),
    Check("nvme.count", "R-HW-02", "NVMe drives", "nvme",
          lambda f, c: len(f), lambda c: AtLeast(c.profile.nvme.min_count, "drives")),
    Check("nvme.capacity", "R-HW-02", "smallest NVMe drive", "nvme",
          _nvme_min_capacity, lambda c: AtLeast(c.profile.nvme.min_capacity_gb, "GB"),
          show=lambda v: f"{v:.0f} GB"),
    Check("nvme.vendor", "R-HW-02", "NVMe vendors", "nvme",
          _nvme_vendors, lambda c: AllIn(c.profile.nvme.vendors), show=", ".join),
    Check("nvme.pcie_width", "R-HW-02", "NVMe PCIe link width", "nvme",
          _nvme_min_width,
          lambda c: _expect_if(c.profile.nvme.min_pcie_width, AtLeast(c.profile.nvme.min_pcie_width or 0, "lanes"),
                               "the profile sets no PCIe width")),
    Check("nic.fast_ports", "R-HW-02", "network ports up at the required speed", "nics",
          lambda f, c: len(_fast_ports(f, c.profile.nics.min_speed_gbps)),
          lambda c: AtLeast(c.profile.nics.min_ports, f"ports >= {c.profile.nics.min_speed_gbps:g} Gbps")),
    Check("nic.storage_bandwidth", "R-HW-05", "storage-node bandwidth", "nics",
          _storage_bandwidth, lambda c: AtLeast(c.profile.storage_min_gbps, "Gbps"),
          show=lambda v: f"{v:g} Gbps"),
    Check("os.id", "R-HW-04", "domestic server OS", "os",
          lambda f, c: f.id, lambda c: OneOf(c.profile.os.ids)),
    Check("power.psus", "R-HW-03", "redundant power supplies", "bmc",
          _redundancy("Power Supply"), lambda c: AtLeast(c.profile.power.min_psus, "healthy PSUs"),
          explain=_unhealthy("power supply")),
    Check("power.fans", "R-HW-03", "redundant fans", "bmc",
          _redundancy("Fan"), lambda c: AtLeast(c.profile.power.min_fans, "healthy fans"),
          explain=_unhealthy("fan")),
    Check("bmc.health", "R-HW-03", "BMC health summary", "bmc",
          lambda f, c: health_name(f.health), lambda c: Equals("ok"),
          explain=lambda a: f"BMC health is {a}"),
    Check("bmc.sel", "R-HW-03", "no open critical events in the SEL", "bmc",
          lambda f, c: len(f.open_critical_events), lambda c: Equals(0), show=lambda v: f"{v} open"),
    Check("bmc.firmware", "R-HW-03", "BMC firmware version", "bmc",
          lambda f, c: f.bmc_firmware or "", lambda c: VersionAtLeast(c.profile.bmc.min_firmware)),
    Check("bmc.power", "R-HW-03", "chassis powered on", "bmc",
          lambda f, c: f.power_state or "unknown", lambda c: Equals("on")),
)


def declared_results() -> list[CheckResult]:
    """R-HW requirements no device query can prove; listed so nobody mistakes silence for a pass."""
    return [
        declared("power.mtbf", "R-HW-03", f"MTBF >= {standards.MTBF_MIN_HOURS} h",
                 "a vendor declaration, not measurable on the device: attach the datasheet",
                 FollowUp("supplier", f"hand over the datasheet stating MTBF >= {standards.MTBF_MIN_HOURS} h "
                          "for this model; the acceptance engineer attaches it to the report")),
        declared("nvme.nvmeof", "R-HW-05", "NVMe-oF capable",
                 "needs an NVMe-oF target to connect to; verified in the storage acceptance run",
                 FollowUp("storage engineer", "connect the node to an NVMe-oF target in the storage acceptance "
                          "run and record the session")),
    ]

