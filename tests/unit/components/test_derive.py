"""Pure derivations from the model: replicas by class (R-BC-01), encryption (R-DC-01),
segmentation (R-NET-02), bucket names."""

from __future__ import annotations

import pytest
from medcloud.components.args import props
from medcloud.components.derive import (
    BUCKET_NAME_MAX,
    PlacementError,
    bucket_name,
    centre_encryption,
    placement_args,
    replicas,
    storage_args,
)
from medcloud.components.segmentation import CROSS_DOMAIN_FLOWS, centre_rules, cross_domain_any

from medcloud.ipam import plan
from medcloud.model import BusinessClass, Placement, Region
from medcloud.stacks import load


@pytest.fixture(scope="module")
def dev() -> Region:
    return load("dev").region


def _with_system(region: Region, name: str, **update: object) -> Region:
    systems = [s.model_copy(update=update) if s.name == name else s for s in region.systems]
    return region.model_copy(update={"systems": systems})


def test_declared_a_class_placements_are_kept_as_declared(dev: Region) -> None:
    his = next(s for s in dev.systems if s.name == "his")
    got = replicas(dev, his)
    assert [(r.centre, r.role, r.derived) for r in got] == [
        ("gz-prod", "primary", False), ("fs-aa", "same_city", False), ("cd-dr", "remote_dr", False),
    ]


def test_a_class_without_a_remote_copy_gets_one_in_a_same_domain_pool_r_bc_01(dev: Region) -> None:
    """R-BC-01."""
    region = _with_system(dev, "his", placements=[
        Placement(centre="gz-prod", pool="core-gold"), Placement(centre="fs-aa", pool="core-gold"),
    ])
    his = next(s for s in region.systems if s.name == "his")
    derived = [r for r in replicas(region, his) if r.derived]
    assert [(r.centre, r.pool, r.role) for r in derived] == [("cd-dr", "core-gold", "remote_dr")]


def test_b_class_needs_same_city_but_not_remote_r_bc_01(dev: Region) -> None:
    """R-BC-01."""
    region = _with_system(dev, "pacs", placements=[Placement(centre="gz-prod", pool="imaging-gold")])
    pacs = next(s for s in region.systems if s.name == "pacs")
    got = replicas(region, pacs)
    assert [(r.centre, r.role, r.derived) for r in got] == [
        ("gz-prod", "primary", False), ("fs-aa", "same_city", True),
    ]


def test_c_class_gets_nothing_it_did_not_declare(dev: Region) -> None:
    research = next(s for s in dev.systems if s.name == "research")
    assert [r.derived for r in replicas(dev, research)] == [False]


def test_a_required_copy_with_no_matching_pool_is_an_input_error(dev: Region) -> None:
    region = _with_system(dev, "pacs", business_class=BusinessClass.A, placements=[
        Placement(centre="gz-prod", pool="imaging-gold"), Placement(centre="fs-aa", pool="imaging-gold"),
    ])
    pacs = next(s for s in region.systems if s.name == "pacs")
    with pytest.raises(PlacementError, match=r"pacs: class A needs a remote_dr copy in cd-dr.*imaging.*R-BC-01"):
        replicas(region, pacs)


def test_encryption_follows_the_data_level_r_dc_01(dev: Region) -> None:
    """R-DC-01."""
    gz = dev.centre("gz-prod")
    assert gz is not None
    enc = centre_encryption(dev, gz)
    assert enc.required and enc.algorithm == "sm4" and enc.scope == "hardware"  # emr is level 5
    assert {s.name: placement_args(dev, s).encryption_required for s in dev.systems} == {
        "his": True, "emr": True, "pacs": True, "research": False,
    }
    # With only the level-2 research system left, nothing in gz-prod needs SM4 at rest.
    research_only = dev.model_copy(update={"systems": [s for s in dev.systems if s.name == "research"]})
    assert not centre_encryption(research_only, gz).required


def test_storage_args_carry_the_region_profile(dev: Region) -> None:
    gz = dev.centre("gz-prod")
    assert gz is not None
    args = storage_args(dev, gz)
    assert args.snapshot_times == ("00:00", "06:00", "12:00", "18:00")
    assert args.replicate_to is not None and args.replicate_to.centre == "cd-dr"
    assert args.tiers == ("gold", "bronze", "silver")
    assert props(args)["encryption"]["algorithm"] == "sm4"


def test_bucket_names_stay_dns_safe_and_unique() -> None:
    short = bucket_name("dev", "gz-prod", "objects")
    assert short == "dev-gz-prod-objects"
    long_a = bucket_name("r" * 40, "c" * 30, "objects")
    long_b = bucket_name("r" * 40, "c" * 31, "objects")
    assert len(long_a) <= BUCKET_NAME_MAX and len(long_b) <= BUCKET_NAME_MAX and long_a != long_b


def test_no_any_to_any_between_security_domains_r_net_02(dev: Region) -> None:
    """R-NET-02."""
    addresses = plan(dev)
    for centre in dev.centres:
        rules = centre_rules(dev, centre, addresses)
        domains = {p.name: p.security_domain for p in centre.pools}
        assert cross_domain_any(rules, domains) == []
        for rule in rules:
            assert (rule.remote_pool is None) != (rule.remote_cidr is None)
            if rule.remote_pool and domains[rule.pool] != domains[rule.remote_pool]:
                assert rule.protocol in ("tcp", "udp") and rule.port_min == rule.port_max
                assert rule.reason.startswith("R-NET-02")


def test_cross_domain_flows_are_mirrored_ingress_and_egress(dev: Region) -> None:
    gz = dev.centre("gz-prod")
    assert gz is not None
    rules = centre_rules(dev, gz, plan(dev))
    ingress = {(r.remote_pool, r.pool, r.protocol, r.port_min) for r in rules if r.direction == "ingress"}
    egress = {(r.pool, r.remote_pool, r.protocol, r.port_min) for r in rules if r.direction == "egress"}
    assert {k for k in ingress if k[0]} == {k for k in egress if k[1]}
    # The management pool reaches core-gold on SSH only; research never reaches core-gold.
    assert ("mgmt-silver", "core-gold", "tcp", 22) in ingress
    assert not [k for k in ingress if k[0] == "research-bronze" and k[1] == "core-gold"]
    assert all(flow.protocol != "any" for flow in CROSS_DOMAIN_FLOWS)


def test_detector_catches_a_cross_domain_any_rule(dev: Region) -> None:
    from medcloud.components.args import FlowRule

    bad = FlowRule("core-gold", "ingress", "any", None, None, "research-bronze", None, "oops")
    assert cross_domain_any((bad,), {"core-gold": "core-medical", "research-bronze": "research"}) == [bad]
