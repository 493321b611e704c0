"""Capacity checks on the nodes the region lists (R-TOP-06, R-HW-07, R-POOL-01).

R-TOP-06 compares what the nodes of the remote DR centre provide with what
production's nodes provide; the ``capacity`` a centre types in is only a
declaration, reported as such when no nodes back it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from medcloud.checks.findings import Finding, check, declared, error, warning
from medcloud.checks.topology import not_checkable, one
from medcloud.model import Centre, CentreRole, Region
from medcloud.model import standards as std

#: R-TOP-06: (what, node-derived field, typed capacity field, minimum ratio of production).
CAPACITY_RATIOS = (
    ("CPU cores", "cores", "vcpus", std.DR_MIN_CPU_RATIO),
    ("memory GiB", "memory_gib", "memory_gib", std.DR_MIN_MEMORY_RATIO),
    ("storage TiB", "storage_tib", "storage_tib", std.DR_MIN_STORAGE_RATIO),
)


@dataclass(frozen=True)
class NodeCapacity:
    """What a centre's listed nodes provide: physical cores, memory and raw NVMe."""

    nodes: int
    cores: float
    memory_gib: float
    storage_tib: float


def node_capacity(centre: Centre) -> NodeCapacity:
    nodes = [n for pool in centre.pools for n in pool.nodes]
    return NodeCapacity(len(nodes), float(sum(n.physical_cores for n in nodes)),
                        float(sum(n.memory_gib for n in nodes)), sum(n.nvme_tib for n in nodes))


def ratio_gaps(dr: NodeCapacity | Centre, prod: NodeCapacity | Centre,
               ) -> Iterator[tuple[str, str, float, float, float]]:
    """R-TOP-06: (what, typed field, have, base, ratio) for each dimension below its ratio."""
    for what, node_field, typed_field, ratio in CAPACITY_RATIOS:
        if isinstance(dr, NodeCapacity):
            have, base = getattr(dr, node_field), getattr(prod, node_field)
        else:
            assert isinstance(prod, Centre)
            have, base = float(getattr(dr.capacity, typed_field)), float(getattr(prod.capacity, typed_field))
        if have < base * ratio:
            yield what, typed_field, have, base, ratio


@check("R-TOP-06", "remote DR capacity from its nodes: CPU and memory ≥ 50 %, storage ≥ 120 % of production")
def dr_capacity(region: Region) -> Iterator[Finding]:
    prod, dr = one(region, CentreRole.PRODUCTION), one(region, CentreRole.REMOTE_DR)
    if prod is None or dr is None:
        yield not_checkable("R-TOP-06", CentreRole.PRODUCTION, CentreRole.REMOTE_DR)
        return
    di = region.centres.index(dr)
    for what, typed_field, have, base, ratio in ratio_gaps(dr, prod):
        yield error("R-TOP-06", f"remote DR {what} typed as {have:g}, {have / base:.0%} of production's {base:g} "
                    f"(needs ≥ {ratio:.0%})" if base else f"remote DR {what} typed as {have:g}",
                    "centres", di, "capacity", typed_field)
    dr_nodes, prod_nodes = node_capacity(dr), node_capacity(prod)
    if not dr_nodes.nodes or not prod_nodes.nodes:
        bare = [c.name for c, n in ((prod, prod_nodes), (dr, dr_nodes)) if not n.nodes]
        yield declared("R-TOP-06", f"{' and '.join(bare)} list(s) no nodes: the DR ratio rests on the typed "
                       "capacity figures only", "centres", di, "capacity",
                       evidence=(f"centres[{di}].capacity (typed)",))
        return
    for what, _typed, have, base, ratio in ratio_gaps(dr_nodes, prod_nodes):
        yield error("R-TOP-06", f"remote DR {dr.name!r} nodes provide {have:g} {what}, {have / base:.0%} of "
                    f"production's {base:g} from its nodes (needs ≥ {ratio:.0%})", "centres", di, "azs")
    for centre, nodes in ((prod, prod_nodes), (dr, dr_nodes)):
        ci = region.centres.index(centre)
        if centre.capacity.vcpus > nodes.cores * 2 or centre.capacity.memory_gib > nodes.memory_gib:
            yield warning("R-TOP-06", f"{centre.name!r} types {centre.capacity.vcpus} vCPUs / "
                          f"{centre.capacity.memory_gib} GiB but its nodes provide {nodes.cores:g} cores / "
                          f"{nodes.memory_gib:g} GiB", "centres", ci, "capacity")


@check("R-HW-07", "CPU instruction-set compatibility level configured per cluster")
def cpu_compat(region: Region) -> Iterator[Finding]:
    for ci, centre in enumerate(region.centres):
        for ai, az in enumerate(centre.azs):
            for pi, pool in enumerate(az.pools):
                for ki, cluster in enumerate(pool.clusters):
                    loc = ("centres", ci, "azs", ai, "pools", pi, "clusters", ki, "cpu_compat_level")
                    if not cluster.cpu_compat_level:
                        yield error("R-HW-07", f"cluster {centre.name}/{pool.name}/{cluster.name} sets no CPU "
                                    "compatibility level", *loc)
                    else:
                        # Nothing deploys it yet (no host aggregate / cpu_models resource): a declaration.
                        yield declared("R-HW-07", f"cluster {centre.name}/{pool.name}/{cluster.name} declares "
                                       f"compatibility level {cluster.cpu_compat_level!r}; that it covers the last "
                                       "three generations rests on the platform's CPU model list", *loc)


@check("R-POOL-01", "nodes and volume QoS carve into standard capacity units (1 vCPU · 4 GiB · 1000 IOPS · 1 Gbps)")
def capacity_units(region: Region) -> Iterator[Finding]:
    for ci, centre in enumerate(region.centres):
        for ai, az in enumerate(centre.azs):
            for pi, pool in enumerate(az.pools):
                for ki, cluster in enumerate(pool.clusters):
                    for ni, node in enumerate(cluster.nodes):
                        if node.memory_gib < node.vcpus * std.SCU_MEMORY_GIB:
                            yield error(
                                "R-POOL-01", f"node {node.name!r}: {node.memory_gib} GiB for {node.vcpus} vCPUs "
                                f"strands cores (one SCU is {std.SCU_VCPU} vCPU with {std.SCU_MEMORY_GIB} GiB)",
                                "centres", ci, "azs", ai, "pools", pi, "clusters", ki, "nodes", ni, "memory_gib",
                            )
    if region.storage.block.qos_iops < std.SCU_IOPS:
        yield error("R-POOL-01", f"block QoS {region.storage.block.qos_iops} IOPS is below one SCU "
                    f"({std.SCU_IOPS} IOPS)", "storage", "block", "qos_iops")
