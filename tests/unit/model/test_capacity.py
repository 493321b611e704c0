"""Capacity from nodes and flavors (R-POOL-01, R-CMP-01, R-CMP-02)."""

from __future__ import annotations

from medcloud.capacity import centre_totals, fitting_size, flavor_sizes, scu, vm_scu
from medcloud.checks import run_checks
from medcloud.checks.compute import capacity_summary, pool_demands
from medcloud.model import Region
from medcloud.model.standards import SCU_MEMORY_GIB, VM_MAX_MEMORY_GIB, VM_MAX_VCPUS
from medcloud.stacks import load


def test_scu_is_the_scarcer_of_vcpu_and_memory_r_pool_01() -> None:
    assert scu(128, 1024) == 128  # Kunpeng 920 7260: cores bound it
    assert scu(64, 128) == 32  # memory bounds it
    assert vm_scu(8, 32) == 8 and vm_scu(2, 64) == 16 and vm_scu(3, 4) == 3


def test_flavor_ladder_reaches_r_cmp_01_only_where_nodes_hold_it() -> None:
    region = load("dev").region
    centre = region.centre("gz-prod")
    assert centre is not None
    sizes = {p.name: flavor_sizes(p) for p in centre.pools}
    assert (VM_MAX_VCPUS, VM_MAX_MEMORY_GIB) in sizes["core-gold"]
    assert max(sizes["mgmt-silver"]) == (32, 32 * SCU_MEMORY_GIB)  # Loongson 3C5000: 32 cores
    assert all(m == v * SCU_MEMORY_GIB for v, m in sizes["core-gold"])
    assert fitting_size(sizes["core-gold"], 6, 20) == (8, 32)


def test_summary_per_centre_counts_nodes_and_the_server_groups_on_them() -> None:
    region = load("dev").region
    summary = capacity_summary(region)
    assert set(summary) == {c.name for c in region.centres}
    gz = summary["gz-prod"]
    centre = region.centre("gz-prod")
    assert centre is not None
    assert gz["scu"] == centre_totals(centre).scu and gz["hosts"] == len([n for p in centre.pools for n in p.nodes])
    # his, emr (core-gold), pacs (imaging-gold), research: two 8 vCPU / 32 GiB VMs each.
    assert gz["demandScu"] == 4 * 2 * 8
    assert summary["cd-dr"]["hosts"] == 0  # public cloud: capacity not counted from nodes
    assert pool_demands(region)[("gz-prod", "core-gold")].widest_group == 2


def test_a_server_group_wider_than_its_pool_is_r_cmp_02() -> None:
    data = load("dev").region.model_dump(mode="json")
    data["systems"][2]["compute"] = {"vcpus": 4, "memory_gib": 16, "instances": 3}  # pacs on 2 Hygon nodes
    found = [f.message for f in run_checks(Region.model_validate(data)).violations if f.requirement == "R-CMP-02"]
    assert any("server group of 3 VMs needs as many hosts" in m and "imaging-gold" in m for m in found), found


def test_ref002_single_node_pools_cannot_hold_a_two_vm_group_r_cmp_02() -> None:
    """ref002's hospital PACS and LIS pools and Gui'an's HIS pool list one node each."""
    found = [f.message for f in run_checks(load("ref002").region).violations if f.requirement == "R-CMP-02"]
    assert len(found) == 3 and all("needs as many hosts" in m and "has 1" in m for m in found), found
