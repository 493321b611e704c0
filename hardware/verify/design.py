"""One model from design to delivery: each server against the region node of the same name.

When an inventory names its stack (``stack: dev``), the region of that stack is loaded and
every delivered server is compared with the node of the same name in the region model
(R-TOP-07 puts nodes at the bottom of the centre → AZ → pool → cluster → node tree): the
CPU model the design chose (R-HW-01), and at least the cores, memory and NVMe capacity it
planned (R-HW-02).  A delivered server the design does not have is a finding of its own.

The region's ``nvme_tib`` is read as the drives' nominal capacity, as the region files
write it (4 x 3.84 TB drives are ``nvme_tib: 15.36``): decimal terabytes, which is how
drive capacities are compared with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medcloud.hardware.facts.cpu import CpuFacts
from medcloud.hardware.facts.nvme import NvmeDrive
from medcloud.hardware.verify.checks import Check, Skip
from medcloud.hardware.verify.expect import AtLeast, Equals
from medcloud.hardware.verify.results import CheckResult, Status

if TYPE_CHECKING:  # the region model is loaded with a stack (``stack:``), not by every verify run
    from medcloud.model import Region
    from medcloud.model.pools import Node

#: A SKU number in a CPU model ("7260" in "Kunpeng 920 7260"): four or more digits.
_SKU = re.compile(r"^\d{4,}$")


@dataclass(frozen=True)
class DesignContext:
    region: str
    node: Node


def find_node(region: Region, name: str) -> Node | None:
    for centre in region.centres:
        for pool in centre.pools:
            for node in pool.nodes:
                if node.name == name:
                    return node
    return None


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^0-9a-z]+", text.lower()) if t]


def cpu_model_matches(design: str, cpu: CpuFacts) -> tuple[bool, str]:
    """Whether the delivered CPU is the design's: every word of the design's model is reported
    (vendor, model or firmware name).  A SKU number is only required of a CPU that reports one:
    lscpu names a Kunpeng 920 "Kunpeng-920" whatever its SKU."""
    reported = f"{cpu.vendor} {cpu.model_name} {cpu.bios_model_name}".strip()
    have = set(_tokens(reported))
    want = _tokens(design)
    if not any(_SKU.match(t) for t in have):
        want = [t for t in want if not _SKU.match(t)]
        reported += " (no SKU reported)"
    return all(t in have for t in want), reported


def _cpu_model(cpu: CpuFacts, ctx: DesignContext) -> object:
    ok, reported = cpu_model_matches(ctx.node.cpu_model, cpu)
    return ctx.node.cpu_model if ok else reported


def _nvme_tb(drives: tuple[NvmeDrive, ...], ctx: DesignContext) -> object:
    if ctx.node.nvme_tib == 0:
        return Skip(f"node {ctx.node.name} plans no NVMe capacity")
    return round(sum(d.capacity_bytes for d in drives) / 1e12, 2)


CHECKS: tuple[Check, ...] = (
    Check("design.cpu_model", "R-HW-01", "CPU model as the region designs it", "cpu",
          _cpu_model, lambda c: Equals(c.node.cpu_model),
          explain=lambda a: f"the server reports {a}"),
    Check("design.physical_cores", "R-HW-02", "physical cores the region designs", "cpu",
          lambda f, c: f.physical_cores, lambda c: AtLeast(c.node.physical_cores, "cores")),
    Check("design.sockets", "R-HW-02", "CPU sockets the region designs", "cpu",
          lambda f, c: f.sockets if f.source != "cpuinfo" else Skip("/proc/cpuinfo cannot count ARM sockets"),
          lambda c: Equals(c.node.sockets)),
    Check("design.memory", "R-HW-02", "memory the region designs", "dmi",
          lambda f, c: f.total_memory_gib, lambda c: AtLeast(c.node.memory_gib, "GiB"),
          show=lambda v: f"{v:g} GiB"),
    Check("design.nvme", "R-HW-02", "NVMe capacity the region designs", "nvme",
          _nvme_tb, lambda c: AtLeast(c.node.nvme_tib, "TB"), show=lambda v: f"{v:g} TB"),
)


def missing_node(server: str, region: str) -> CheckResult:
    return CheckResult("design.node", "R-TOP-07", "server is a node of the region's design", Status.FAIL,
                       expected=f"a node {server} in region {region}", actual="none",
                       reason=f"region {region} has no node named {server}: delivered but not designed "
                              "(or named differently in the inventory)")
