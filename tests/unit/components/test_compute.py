"""The compute layer of both reference stacks (full graph) and its pure derivations:
pools as host groups with flavors (R-TOP-07, R-TOP-08, R-HW-07, R-CMP-01, R-POOL-01) and
anti-affinity server groups per system and centre (R-CMP-02)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from medcloud.components.backends.alicloud.compute import FAMILIES, instance_type
from medcloud.components.derive import (
    PlacementError,
    compute_args,
    fitting_flavor,
    flavor_ladder,
    replicas,
    server_group_args,
)

from medcloud.errors import SourceError
from medcloud.model import Cloud, Compute, Pool, Region
from medcloud.model.standards import SCU_MEMORY_GIB, VM_MAX_MEMORY_GIB, VM_MAX_VCPUS
from medcloud.stacks import load, load_region_file

from .conftest import ROOT, Graph

OS_AGGREGATE = "openstack:compute/aggregateV2:AggregateV2"
OS_FLAVOR = "openstack:compute/flavor:Flavor"
OS_SERVER_GROUP = "openstack:compute/serverGroup:ServerGroup"
ALI_CLUSTER = "alicloud:ecs/ecsDedicatedHostCluster:EcsDedicatedHostCluster"
ALI_HOST = "alicloud:ecs/dedicatedHost:DedicatedHost"
ALI_DEPLOYMENT_SET = "alicloud:ecs/ecsDeploymentSet:EcsDeploymentSet"
R_TOP_07_KEYS = ("medcloud-tier", "medcloud-security-domain", "medcloud-dr-domain", "medcloud-cost-tag",
                 "medcloud-xinchuang", "medcloud-dedicated", "medcloud-cpu-family")
#: Nova's validators (nova/api/validation/extra_specs): the enums of the hw: keys we set.
NOVA_ENUMS = {"hw:cpu_policy": {"dedicated", "shared", "mixed"}}
NOVA_PAGE_SIZE = re.compile(r"^(large|small|any|\d+([kKMGT]i?)?(b|bit|B)?)$")


def _by_centre(graph: Graph, token: str) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = defaultdict(list)
    for step in graph.of_type(token):
        out[str(graph.centre_of(step))].append(step.inputs)
    return out


def test_every_openstack_pool_is_an_aggregate_of_its_nodes_with_r_top_07_metadata(graph: Graph) -> None:
    """R-TOP-07: the aggregate lists the pool's nodes and carries its metadata."""
    aggregates = _by_centre(graph, OS_AGGREGATE)
    for centre in graph.region.centres:
        if centre.cloud != Cloud.OPENSTACK:
            continue
        by_pool = {a["metadata"].get("medcloud-pool"): a for a in aggregates[centre.name]}  # type: ignore[union-attr]
        zones = {a["zone"]: a for a in aggregates[centre.name] if a.get("zone")}
        for az in centre.azs:
            assert sorted(zones[az.name]["hosts"]) == sorted(n.name for p in az.pools for n in p.nodes)  # type: ignore[arg-type]
            for pool in az.pools:
                meta = by_pool[pool.name]["metadata"]
                assert sorted(by_pool[pool.name].get("hosts", [])) == sorted(n.name for n in pool.nodes)  # type: ignore[arg-type]
                for key in R_TOP_07_KEYS:
                    assert key in meta, (centre.name, pool.name, key)  # type: ignore[operator]
                assert meta["medcloud-tier"] == pool.tier.value  # type: ignore[index]
                assert meta["medcloud-dedicated"] == str(pool.dedicated).lower()  # type: ignore[index]
                if pool.cpu_compat_level:
                    assert meta["medcloud-cpu-compat-level"] == pool.cpu_compat_level  # type: ignore[index]


def test_dedicated_pools_never_share_hosts_with_shared_ones_r_top_08(graph: Graph) -> None:
    """R-TOP-08: a host is in one pool aggregate; dedicated aggregates require their own trait."""
    for centre, aggregates in _by_centre(graph, OS_AGGREGATE).items():
        pools = [a for a in aggregates if not a.get("zone")]
        seen: dict[str, str] = {}
        for aggregate in pools:
            meta = aggregate["metadata"]
            for host in aggregate.get("hosts", []):  # type: ignore[attr-defined]
                assert host not in seen, f"{centre}: {host} in {seen.get(host)} and {meta['medcloud-pool']}"  # type: ignore[index]
                seen[host] = meta["medcloud-pool"]  # type: ignore[index]
            traits = [k for k in meta if k.startswith("trait:CUSTOM_MEDCLOUD_POOL_")]  # type: ignore[attr-defined]
            assert len(traits) == (1 if meta["medcloud-dedicated"] == "true" else 0)  # type: ignore[index]
    dedicated_pools = {p.name for c in graph.region.centres for p in c.pools if p.dedicated}
    for cluster in graph.inputs(ALI_CLUSTER):
        assert cluster["tags"]["medcloud-pool"] in dedicated_pools
    for host in graph.inputs(ALI_HOST):
        assert host["autoPlacement"] == "off" and host["tags"]["medcloud-dedicated"] == "true"


def test_flavors_bind_to_their_pool_with_valid_nova_extra_specs(graph: Graph) -> None:
    """R-TOP-08, R-HW-07, R-POOL-01: flavor specs name the pool; dedicated pools pin CPUs."""
    pools = {(c.name, p.name): p for c in graph.region.centres for p in c.pools}
    flavors = _by_centre(graph, OS_FLAVOR)
    assert flavors
    for centre, items in flavors.items():
        for flavor in items:
            specs: dict[str, str] = flavor["extraSpecs"]  # type: ignore[assignment]
            pool = pools[(centre, specs["aggregate_instance_extra_specs:medcloud-pool"])]
            for key, value in specs.items():
                assert key.split(":", 1)[0] in ("aggregate_instance_extra_specs", "hw", "trait"), key
                if key in NOVA_ENUMS:
                    assert value in NOVA_ENUMS[key]
                if key.startswith("trait:"):
                    assert re.fullmatch(r"trait:CUSTOM_[A-Z0-9_]+", key) and value == "required"
            assert specs["hw:cpu_policy"] == ("dedicated" if pool.dedicated else "shared")
            assert ("trait:" + "CUSTOM_MEDCLOUD_POOL_" + pool.name.upper().replace("-", "_") in specs) == pool.dedicated
            if pool.hugepages_gib:
                assert NOVA_PAGE_SIZE.match(specs["hw:mem_page_size"])
            if pool.cpu_compat_level:
                assert specs["aggregate_instance_extra_specs:medcloud-cpu-compat-level"] == pool.cpu_compat_level
            assert flavor["ram"] == int(flavor["vcpus"]) * SCU_MEMORY_GIB * 1024  # type: ignore[call-overload]
            assert int(flavor["vcpus"]) <= VM_MAX_VCPUS and flavor["disk"] == 0  # type: ignore[call-overload]


def test_every_pool_offers_flavors_up_to_the_r_cmp_01_maximum_its_nodes_allow(graph: Graph) -> None:
    """R-CMP-01: 64 vCPU / 256 GiB wherever the pool's smallest node holds it."""
    for centre in graph.region.centres:
        args = compute_args(graph.region, centre)
        for pool, model in zip(args.pools, centre.pools, strict=True):
            assert pool.flavors, (centre.name, model.name)
            largest = max(pool.flavors, key=lambda f: f.vcpus)
            fits = all(n.vcpus >= VM_MAX_VCPUS and n.memory_gib >= VM_MAX_MEMORY_GIB for n in model.nodes)
            assert ((largest.vcpus, largest.memory_gib) == (VM_MAX_VCPUS, VM_MAX_MEMORY_GIB)) == fits
            if centre.cloud == Cloud.ALICLOUD:
                family = FAMILIES[model.cpu_arch.value][0]
                assert instance_type(family, largest) == f"{family}.16xlarge"


def test_every_system_has_an_anti_affinity_group_in_every_centre_it_runs_in_r_cmp_02(graph: Graph) -> None:
    """R-CMP-02: primary and standby never share a host."""
    for system in graph.region.systems:
        centres = {r.centre for r in replicas(graph.region, system)}
        groups = {}
        for step in graph.of_type(OS_SERVER_GROUP) + graph.of_type(ALI_DEPLOYMENT_SET):
            name = step.inputs.get("name") or step.inputs.get("deploymentSetName")
            if str(name).startswith(f"{system.name}-"):
                groups[step.name] = step
        placement = next(s for s in graph.of_type("medcloud:placement:SystemPlacement")
                         if s.inputs["system"] == system.name)
        assert {g["replica"]["centre"] for g in placement.inputs["serverGroups"]} == centres
        assert len(groups) == len(centres), system.name
        for step in groups.values():
            if step.type == OS_SERVER_GROUP:
                assert step.inputs["policies"] == "anti-affinity"
                assert step.inputs["rules"] == {"maxServerPerHost": 1}
            else:
                assert step.inputs["strategy"] == "Availability" and step.inputs["granularity"] == "Host"


def test_each_system_group_names_a_flavor_of_its_pool_that_fits() -> None:
    region = load("dev", ROOT).region
    for system in region.systems:
        for group in server_group_args(region, system):
            centre = region.centre(group.replica.centre)
            assert centre is not None
            pool = centre.pool(group.replica.pool)
            assert pool is not None
            flavor = next(f for f in flavor_ladder(pool) if f.name == group.flavor)
            assert flavor.vcpus >= system.compute.vcpus and flavor.memory_gib >= system.compute.memory_gib


def test_ladder_stops_at_the_smallest_node_and_fitting_picks_the_smallest_flavor() -> None:
    region = load("dev", ROOT).region
    centre = region.centre("gz-prod")
    assert centre is not None
    mgmt = centre.pool("mgmt-silver")  # Loongson nodes: 32 cores, 256 GiB
    assert mgmt is not None
    ladder = flavor_ladder(mgmt)
    assert max(f.vcpus for f in ladder) == 32
    assert [f.name for f in ladder][:2] == ["mgmt-silver.silver.1c4g", "mgmt-silver.silver.2c8g"]
    assert fitting_flavor(ladder, 3, 4) == next(f for f in ladder if f.vcpus == 4)
    assert fitting_flavor(ladder, 2, 100) == next(f for f in ladder if f.vcpus == 32)
    assert fitting_flavor(ladder, 33, 4) is None


def test_a_system_too_big_for_its_pool_is_a_placement_error() -> None:
    region = load("dev", ROOT).region
    research = next(s for s in region.systems if s.name == "research")
    big = research.model_copy(update={"compute": Compute(vcpus=64, memory_gib=256)})
    small_nodes = region.model_copy(update={"systems": [big]})
    centre = small_nodes.centre("gz-prod")
    assert centre is not None
    pool = centre.pool("research-bronze")
    assert pool is not None and max(f.vcpus for f in flavor_ladder(pool)) == 64
    shrunk = pool.model_copy(update={"clusters": [
        c.model_copy(update={"nodes": [n.model_copy(update={"physical_cores": 16}) for n in c.nodes]})
        for c in pool.clusters
    ]})
    assert max(f.vcpus for f in flavor_ladder(shrunk)) == 16
    with pytest.raises(PlacementError, match=r"R-CMP-01"):
        server_group_args(_replace_pool(small_nodes, "gz-prod", shrunk), big)


def _replace_pool(region: Region, centre_name: str, pool: Pool) -> Region:
    centres = []
    for centre in region.centres:
        azs = [az.model_copy(update={"pools": [pool if p.name == pool.name else p for p in az.pools]})
               for az in centre.azs]
        centres.append(centre.model_copy(update={"azs": azs}) if centre.name == centre_name else centre)
    return region.model_copy(update={"centres": centres})


@pytest.mark.parametrize(("old", "new", "reason"), [
    ("gz-ls-01, cpu_model: Loongson", "gz-kp-01, cpu_model: Loongson", r"node 'gz-kp-01' already serves pool"),
    ("              - name: ft-a\n                cpu_compat_level: phytium-s2500\n                nodes:\n",
     "              - name: ft-b\n                cpu_compat_level: phytium-d2000\n                nodes:\n"
     "                  - {name: gz-ft-02, cpu_model: Phytium D2000, physical_cores: 64, memory_gib: 512}\n"
     "              - name: ft-a\n                cpu_compat_level: phytium-s2500\n                nodes:\n",
     r"different CPU compatibility levels"),
])
def test_a_node_in_two_pools_or_mixed_compat_levels_is_rejected_with_its_line(
    tmp_path: Path, old: str, new: str, reason: str,
) -> None:
    """R-TOP-08 (one host, one pool), R-HW-07 (one baseline per pool)."""
    text = (ROOT / "stacks" / "regions" / "dev.yaml").read_text()
    assert old in text
    path = tmp_path / "region.yaml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(SourceError, match=reason) as info:
        load_region_file(path)
    assert "region.yaml" in str(info.value)
