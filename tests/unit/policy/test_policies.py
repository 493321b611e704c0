"""Every policy, called directly through pulumi_policy's own argument objects, on a violating
and a compliant fixture."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from medcloud.policy import REGISTRY, Kind, spec

from .conftest import call_resource, call_stack, edit, fixture

REGION_TYPE = "medcloud:region:Region"
RESOURCES = fixture("resources.yaml")
STACKS = fixture("stacks.yaml")
REGION_EDITS = fixture("region_edits.yaml")


def test_every_policy_has_a_violating_and_a_compliant_fixture() -> None:
    # ``-deployed`` / ``-declared`` policies adapt medcloud.compliance: test_deployed.py checks each against the
    # engine's findings on the dev preview, and tests/unit/compliance the violating cases per requirement.
    joined = {s.name for s in REGISTRY if s.name.endswith(("-deployed", "-declared"))}
    covered = set(RESOURCES) | set(STACKS) | set(REGION_EDITS) | joined
    missing = sorted(s.name for s in REGISTRY if s.name not in covered)
    assert not missing, f"policies without fixtures: {missing}"
    for name, cases in (RESOURCES | STACKS).items():
        assert cases.get("violating") and cases.get("compliant"), name
    for name in REGION_EDITS:
        assert spec(name).kind == Kind.RESOURCE  # compliant case: the dev and ref002 regions


def test_every_policy_names_its_requirement() -> None:
    for item in REGISTRY:
        assert item.name.startswith(item.requirement.lower())
        assert item.requirement in item.description


RESOURCE_CASES = [
    pytest.param(name, verdict, case, id=f"{name}-{verdict}-{case['name']}")
    for name, cases in RESOURCES.items() for verdict in ("violating", "compliant") for case in cases[verdict]
]


@pytest.mark.parametrize(("name", "verdict", "case"), RESOURCE_CASES)
def test_resource_policy(name: str, verdict: str, case: dict[str, Any]) -> None:
    item = spec(name)
    messages = call_resource(item, case["type"], case["name"], case["inputs"], case.get("config"))
    if verdict == "compliant":
        assert messages == []
    else:
        assert messages, f"{name} let {case['name']} pass"
        assert all(m.startswith(f"{item.requirement}: ") for m in messages)


def test_resource_policies_ignore_other_types() -> None:
    for item in REGISTRY:
        if item.kind == Kind.RESOURCE:
            assert call_resource(item, "random:index/randomId:RandomId", "x", {"byteLength": 8}) == []


STACK_CASES = [
    pytest.param(name, verdict, resources, id=f"{name}-{verdict}-{i}")
    for name, cases in STACKS.items() for verdict in ("violating", "compliant")
    for i, resources in enumerate(cases[verdict])
]


@pytest.mark.parametrize(("name", "verdict", "resources"), STACK_CASES)
def test_stack_policy(name: str, verdict: str, resources: list[dict[str, Any]], dev_model: dict[str, Any]) -> None:
    region = {"type": REGION_TYPE, "name": "dev", "inputs": {"model": dev_model}}
    reports = call_stack(spec(name), [region, *resources])
    if verdict == "compliant":
        assert reports == []
    else:
        assert reports
        for message, urn in reports:
            assert message.startswith(spec(name).requirement)
            assert urn and urn.startswith("urn:pulumi:")


def test_cidr_overlap_names_both_blocks() -> None:
    """R-NET-01: overlapping subnets are reported with both blocks named."""
    reports = call_stack(spec("r-net-01-no-cidr-overlap"), STACKS["r-net-01-no-cidr-overlap"]["violating"][1])
    assert len(reports) == 1
    message, urn = reports[0]
    assert "10.64.1.128/25 overlaps 10.64.1.0/24" in message
    assert urn is not None and urn.endswith("::fs-aa-core")


REGION_POLICIES = sorted(REGION_EDITS)


@pytest.mark.parametrize("name", REGION_POLICIES)
def test_region_policy_compliant_on_reference_regions(
    name: str, dev_model: dict[str, Any], ref002_model: dict[str, Any],
) -> None:
    assert call_resource(spec(name), REGION_TYPE, "dev", {"model": dev_model}) == []
    found = call_resource(spec(name), REGION_TYPE, "ref002", {"model": ref002_model})
    # ref002's honest findings: Gui'an's one node is 30 % of production (R-TOP-06, from the nodes), and
    # LIS (class B) writes to the same-city room asynchronously (R-BC-05), and three one-node pools
    # cannot hold a two-VM anti-affinity group (R-CMP-02).
    assert found == [] or name in REF002_MODEL_VIOLATIONS, found


REF002_MODEL_VIOLATIONS = {"r-top-06-region-model", "r-bc-05-region-model", "r-cmp-02-region-model"}


@pytest.mark.parametrize("name", REGION_POLICIES)
def test_region_policy_violating_edit(name: str, dev_model: dict[str, Any]) -> None:
    model = copy.deepcopy(dev_model)
    for step in REGION_EDITS[name]:
        edit(model, step["path"], step["set"])
    messages = call_resource(spec(name), REGION_TYPE, "dev", {"model": model})
    assert messages, f"{name}: the edit {REGION_EDITS[name]} went unnoticed"
    assert all(m.startswith(f"{spec(name).requirement}: ") for m in messages)


def test_dr_centre_150_km_away_is_r_top_03(dev_model: dict[str, Any]) -> None:
    model = copy.deepcopy(dev_model)
    for step in REGION_EDITS["r-top-03-region-model"]:
        edit(model, step["path"], step["set"])
    [message] = call_resource(spec("r-top-03-region-model"), REGION_TYPE, "dev", {"model": model})
    assert "remote DR centre 'cd-dr' is 150.2 km from production 'gz-prod' (at least 300 km)" in message
    assert "centres[2](cd-dr).location" in message


def test_interop_exception_comes_from_policy_config(dev_model: dict[str, Any]) -> None:
    """R-SEC-01: international ciphers only on links the policy config lists as interop exceptions."""
    model = copy.deepcopy(dev_model)
    edit(model, "links.3.encryption.suite", "international")
    item = spec("r-sec-01-region-algorithms")
    assert call_resource(item, REGION_TYPE, "dev", {"model": model})
    assert call_resource(item, REGION_TYPE, "dev", {"model": model}, {"interopExceptions": ["gz-cd-unicom"]}) == []


def test_region_without_model_is_reported() -> None:
    [message] = call_resource(spec("r-bc-01-region-model"), REGION_TYPE, "dev", {"name": "dev"})
    assert "carries no region model" in message


def test_invalid_region_model_is_reported(dev_model: dict[str, Any]) -> None:
    model = copy.deepcopy(dev_model)
    model["systems"][0]["data_level"] = 9
    [message] = call_resource(spec("r-dc-01-region-model"), REGION_TYPE, "dev", {"model": model})
    assert "does not validate: systems.0.data_level" in message


def test_waived_findings_are_not_violations(dev_model: dict[str, Any]) -> None:
    model = copy.deepcopy(dev_model)
    edit(model, "storage.block.replicas", 2)
    model["waivers"] = [{"requirement": "R-ST-01", "path": "storage.block", "reason": "migration window to 3 replicas",
                         "approved_by": "cio", "expires": "2999-12-31"}]
    assert call_resource(spec("r-st-01-region-model"), REGION_TYPE, "dev", {"model": model}) == []


def test_declared_types_never_hide_a_violation() -> None:
    # The offline evaluator skips resources outside a policy's declared types; that is only
    # sound if the policy really ignores them. Every fixture resource against every policy:
    for cases in RESOURCES.values():
        for case in cases["violating"] + cases["compliant"]:
            for item in REGISTRY:
                if item.kind == Kind.RESOURCE and not item.applies_to(case["type"]):
                    assert call_resource(item, case["type"], case["name"], case["inputs"]) == [], item.name
