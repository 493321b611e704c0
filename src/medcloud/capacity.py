"""Capacity from the pool model, as pure functions: the flavors a pool can offer (R-CMP-01),
standard capacity units (R-POOL-01) and what the nodes of a centre add up to (R-TOP-06).

One SCU is 1 vCPU, 4 GiB, 1000 IOPS and 1 Gbps (R-POOL-01).  The node model records cores and
memory but neither IOPS nor a data-network bandwidth, so SCU here are counted over vCPU and
memory only; counts are per node (a VM lives on one host) and conservative (physical cores,
no overcommit — dedicated pools pin their CPUs anyway).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from medcloud.model import Centre, Node, Pool
from medcloud.model.standards import SCU_MEMORY_GIB, SCU_VCPU, VM_MAX_MEMORY_GIB, VM_MAX_VCPUS


def flavor_sizes(pool: Pool) -> list[tuple[int, int]]:
    """(vCPU, GiB) the pool offers: powers of two vCPUs at one SCU each, up to R-CMP-01's maximum
    or the pool's smallest node, whichever is smaller (a flavor no host holds never schedules).
    A pool without declared nodes (a public cloud's) gets the whole ladder."""
    max_vcpus = min([VM_MAX_VCPUS, *(n.vcpus for n in pool.nodes)])
    max_memory = min([VM_MAX_MEMORY_GIB, *(n.memory_gib for n in pool.nodes)])
    steps = sorted({1 << k for k in range(VM_MAX_VCPUS.bit_length())} | {VM_MAX_VCPUS})
    return [(v, v * SCU_MEMORY_GIB) for v in steps if v <= max_vcpus and v * SCU_MEMORY_GIB <= max_memory]


def fitting_size(sizes: list[tuple[int, int]], vcpus: int, memory_gib: int) -> tuple[int, int] | None:
    """The smallest size holding ``vcpus`` and ``memory_gib``, or None."""
    return min((s for s in sizes if s[0] >= vcpus and s[1] >= memory_gib), default=None)


def scu(vcpus: int, memory_gib: int) -> int:
    """Whole SCU a host (or VM) of this size holds: the scarcer of its vCPU and memory."""
    return min(vcpus // SCU_VCPU, memory_gib // SCU_MEMORY_GIB)


def vm_scu(vcpus: int, memory_gib: int) -> int:
    """SCU a VM of this size takes: the larger of its vCPU and memory shares, rounded up."""
    return max(math.ceil(vcpus / SCU_VCPU), math.ceil(memory_gib / SCU_MEMORY_GIB))


def node_scu(node: Node) -> int:
    return scu(node.vcpus, node.memory_gib)


@dataclass(frozen=True)
class Totals:
    """What a set of nodes adds up to."""

    hosts: int
    vcpus: int
    memory_gib: int
    nvme_tib: float
    scu: int

    @classmethod
    def of(cls, nodes: list[Node]) -> Totals:
        return cls(len(nodes), sum(n.vcpus for n in nodes), sum(n.memory_gib for n in nodes),
                   sum(n.nvme_tib for n in nodes), sum(node_scu(n) for n in nodes))


def pool_totals(pool: Pool) -> Totals:
    return Totals.of(pool.nodes)


def centre_totals(centre: Centre) -> Totals:
    return Totals.of([n for pool in centre.pools for n in pool.nodes])
