"""Compute placement checks from the pools' nodes and flavors (R-CMP-01, R-CMP-02, R-POOL-01):
the VMs the program places fit their pools, beside :mod:`.capacity` (R-TOP-06 and the SCU shape
of the nodes).

The maths is :mod:`medcloud.capacity`; which copies of a system run where (declared placements
plus the copies its class requires, R-BC-01) is :func:`medcloud.components.derive.replicas`,
the same function the Pulumi program places server groups with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from medcloud.capacity import centre_totals, fitting_size, flavor_sizes, pool_totals, vm_scu
from medcloud.checks.findings import Finding, check, error
from medcloud.model import Region, System
from medcloud.model import standards as std


@dataclass(frozen=True)
class PoolDemand:
    """What the server groups placed on one pool ask of it."""

    centre: str
    pool: str
    #: SCU the VMs take, at the flavor each is given
    scu: int
    #: the most VMs one server group spreads one per host (R-CMP-02)
    widest_group: int
    #: systems too big for every flavor of the pool
    unplaceable: tuple[str, ...]


def _copies(region: Region, system: System) -> list[tuple[str, str]]:
    """(centre, pool) of every copy the program builds; the declared ones where the class's copies
    cannot be placed (R-BC-01 reports that)."""
    from medcloud.components.derive import PlacementError, replicas

    try:
        return [(r.centre, r.pool) for r in replicas(region, system)]
    except PlacementError:
        return [(p.centre, p.pool) for p in system.placements]


def pool_demands(region: Region) -> dict[tuple[str, str], PoolDemand]:
    """Per (centre, pool): the SCU and hosts its systems' server groups need."""
    raw: dict[tuple[str, str], tuple[int, int, list[str]]] = {}
    for system in region.systems:
        for centre_name, pool_name in _copies(region, system):
            centre = region.centre(centre_name)
            pool = centre.pool(pool_name) if centre else None
            if pool is None:
                continue  # the loader rejects dangling names; a hand-built model may still have them
            scu, widest, unplaceable = raw.get((centre_name, pool_name), (0, 0, []))
            size = fitting_size(flavor_sizes(pool), system.compute.vcpus, system.compute.memory_gib)
            if size is None:
                unplaceable.append(system.name)
            else:
                scu += system.compute.instances * vm_scu(*size)
            raw[(centre_name, pool_name)] = (scu, max(widest, system.compute.instances), unplaceable)
    return {key: PoolDemand(key[0], key[1], s, w, tuple(u)) for key, (s, w, u) in raw.items()}


def capacity_summary(region: Region) -> dict[str, dict[str, float | int]]:
    """Per centre: what its nodes hold and what its systems take, in SCU (R-POOL-01).

    A centre without nodes (a public cloud's) shows ``hosts: 0``: its capacity is not counted.
    """
    demands = pool_demands(region)
    out: dict[str, dict[str, float | int]] = {}
    for centre in region.centres:
        totals = centre_totals(centre)
        out[centre.name] = {
            "hosts": totals.hosts, "vcpus": totals.vcpus, "memoryGib": totals.memory_gib,
            "nvmeTib": round(totals.nvme_tib, 2), "scu": totals.scu,
            "demandScu": sum(d.scu for (c, _), d in demands.items() if c == centre.name),
        }
    return out


@check("R-CMP-02", "every server group has as many hosts in its pool as VMs (anti-affinity); the VMs placed "
       "on a pool fit its nodes in SCU (R-POOL-01)")
def pool_capacity(region: Region) -> Iterator[Finding]:
    demands = pool_demands(region)
    for ci, centre in enumerate(region.centres):
        for ai, az in enumerate(centre.azs):
            for pi, pool in enumerate(az.pools):
                loc = ("centres", ci, "azs", ai, "pools", pi)
                demand = demands.get((centre.name, pool.name))
                totals = pool_totals(pool)
                if demand is None:
                    continue
                for system in demand.unplaceable:
                    yield error("R-CMP-01", f"{system}'s VM fits no flavor of {centre.name}/{pool.name} "
                                f"(its nodes cap flavors at {max(flavor_sizes(pool), default=(0, 0))})", *loc)
                if not pool.nodes:
                    continue  # a public cloud's pool: its capacity is what the cloud sells (summary: no nodes)
                if demand.scu > totals.scu:
                    yield error("R-POOL-01", f"{centre.name}/{pool.name}: its VMs take {demand.scu} SCU, its "
                                f"{totals.hosts} nodes hold {totals.scu} SCU", *loc, "clusters")
                if demand.widest_group > totals.hosts:
                    yield error("R-CMP-02", f"{centre.name}/{pool.name}: a server group of {demand.widest_group} "
                                f"VMs needs as many hosts (anti-affinity), the pool has {totals.hosts}",
                                *loc, "clusters")


@check("R-CMP-01", "every centre that runs systems offers the largest VM (64 vCPU / 256 GiB) in some pool")
def largest_vm(region: Region) -> Iterator[Finding]:
    used = {key[0] for key in pool_demands(region)}
    largest = (std.VM_MAX_VCPUS, std.VM_MAX_MEMORY_GIB)
    for ci, centre in enumerate(region.centres):
        if centre.name in used and not any(largest in flavor_sizes(p) for p in centre.pools):
            yield error("R-CMP-01", f"no pool of {centre.name} has nodes that hold a {largest[0]} vCPU / "
                        f"{largest[1]} GiB VM", "centres", ci, "azs")
