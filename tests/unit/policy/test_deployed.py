"""The pack's ``-deployed`` and ``-declared`` stack policies report exactly what the compliance engine finds
on the resources (one evaluation, medcloud.compliance), against the URN of the resource compared."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from medcloud.checks.findings import Severity
from medcloud.compliance import evaluate, from_states
from medcloud.policy import REGISTRY, Kind
from medcloud.policy.evaluate import evaluate as run_pack
from medcloud.preview import preview
from medcloud.review.document import ResourceState, parse_document
from medcloud.stacks import load

ROOT = Path(__file__).resolve().parents[3]
DEPLOYED = sorted(s.name for s in REGISTRY if s.name.endswith("-deployed"))
#: the stack policies adapting the compliance engine's declared findings (the resource policies
#: ``r-…-marker-declared`` name OpenStack markers one resource at a time: test below)
DECLARED = sorted(s.name for s in REGISTRY if s.name.endswith("-declared") and s.kind == Kind.STACK)
MARKERS = sorted(s.name for s in REGISTRY if s.name.endswith("-marker-declared"))


@pytest.fixture(scope="module")
def states() -> list[ResourceState]:
    document = preview("dev", ROOT).to_json([])
    document.pop("policyViolations")
    return parse_document(document, "preview").resources()


@pytest.fixture(scope="module")
def pack_and_engine(states: list[ResourceState]) -> tuple[Any, Any]:
    specs = [s for s in REGISTRY if s.name in set(DEPLOYED) | set(DECLARED)]
    return run_pack(states, specs=specs), evaluate(load("dev", ROOT).region, from_states(states))


@pytest.mark.parametrize("name", DEPLOYED)
def test_deployed_policy_reports_the_joined_violations(name: str, pack_and_engine: tuple[Any, Any]) -> None:
    pack, report = pack_and_engine
    requirement = next(s.requirement for s in REGISTRY if s.name == name)
    reported = sorted((v.urn, v.message) for v in pack.violations if v.policy == name)
    expected = sorted((f.resource or "", f"{requirement}: {f.message} [{report.path(f)}]") for f in report.violations
                      if f.requirement == requirement and f.joined)
    assert reported == expected
    assert all(v.mandatory for v in pack.violations if v.policy == name)


@pytest.mark.parametrize("name", DECLARED)
def test_declared_policy_is_advisory_and_counts_declared_findings(name: str, pack_and_engine: tuple[Any, Any]) -> None:
    pack, report = pack_and_engine
    requirement = next(s.requirement for s in REGISTRY if s.name == name)
    found = [v for v in pack.violations if v.policy == name]
    assert len(found) == len(report.declared and [f for f in report.declared if f.requirement == requirement])
    assert all(not v.mandatory and "declared, not verified" in v.message for v in found)


def test_dev_stack_violations_on_resources_block_the_pack(pack_and_engine: tuple[Any, Any]) -> None:
    """R-TOP-05: dev's 1000 Mbps VPN gateways fail the pack, named by URN; R-BC-01: nothing replicates HIS."""
    pack, _ = pack_and_engine
    top05 = [v for v in pack.mandatory if v.policy == "r-top-05-deployed"]
    assert {v.urn.rsplit("::", 1)[-1] for v in top05} == {"dev-gz-cd-telecom-cd-dr-vpn", "dev-gz-cd-unicom-cd-dr-vpn"}
    assert any(v.policy == "r-bc-01-deployed" and "'his' block data" in v.message for v in pack.mandatory)


def test_a_bandwidth_raised_to_the_link_figure_passes(states: list[ResourceState]) -> None:
    """R-TOP-05: the same gateways at 10240 Mbps: no r-top-05-deployed violation."""
    gateway = "alicloud:vpn/gateway:Gateway"
    raised = [dataclasses.replace(s, inputs={**s.inputs, "bandwidth": 10240}) if s.type == gateway else s
              for s in states]
    pack = run_pack(raised, specs=[s for s in REGISTRY if s.name == "r-top-05-deployed"])
    assert pack.violations == []


def test_no_region_component_no_finding(states: list[ResourceState]) -> None:
    bare = [s for s in states if not s.type.endswith(":Region")]
    pack = run_pack(bare, specs=[s for s in REGISTRY if s.name in set(DEPLOYED) | set(DECLARED)])
    assert pack.violations == []


def test_unknown_values_are_not_read_as_absent() -> None:
    """A KMS key id unknown until apply leaves the rest of the bucket's encryption rule readable (R-DC-01)."""
    from pulumi_policy.proxy import unknown_checking_proxy

    from medcloud.compliance.resources import UNKNOWN, from_policy

    class Res:
        resource_type = "alicloud:oss/bucket:Bucket"
        urn = "urn:x"
        parent = None
        dependencies = ()
        provider = None
        props = unknown_checking_proxy({"serverSideEncryptionRule": {"sseAlgorithm": "KMS", "kmsDataEncryption": "SM4",
                                                                     "kmsMasterKeyId": UNKNOWN}})

    [res] = from_policy([Res()])
    assert res.props["serverSideEncryptionRule"]["kmsDataEncryption"] == "SM4"
    assert Severity.DECLARED.value == "declared"


def test_openstack_markers_are_declared_never_compliant_r_dc_01_r_dc_02_r_bc_02(states: list[ResourceState]) -> None:
    """SM4 at rest (R-DC-01), WORM (R-DC-02) and Swift → OSS replication (R-BC-02) on OpenStack rest on
    metadata nothing enforces: on the dev preview each such resource is reported as declared by an
    advisory policy, and none of them passes as compliant."""
    from medcloud.components.backends.openstack import types as os_

    assert MARKERS == ["r-bc-02-replica-marker-declared", "r-dc-01-volume-marker-declared",
                       "r-dc-02-worm-marker-declared"]
    pack = run_pack(states, specs=[s for s in REGISTRY if s.name in MARKERS])
    reported = {(v.policy, v.urn) for v in pack.violations}
    assert all(not v.mandatory and "declared, not verified" in v.message for v in pack.violations)

    def marked(kind: str, field: str, key: str, value: str | None = None) -> set[str]:
        return {s.urn for s in states if s.type == kind and key in (s.inputs.get(field) or {})
                and (value is None or str(s.inputs[field][key]).lower() == value)}

    sm4_types = marked(os_.VOLUME_TYPE, "extraSpecs", os_.VOLUME_ENCRYPTION_SPEC, "sm4")
    worm = marked(os_.CONTAINER, "metadata", os_.WORM_META, "true")
    to_oss = marked(os_.CONTAINER, "metadata", os_.DECLARED_REPLICA_META)
    assert sm4_types and worm and to_oss  # dev has all three
    assert {u for p, u in reported if p == "r-dc-01-volume-marker-declared"} == sm4_types
    assert {u for p, u in reported if p == "r-dc-02-worm-marker-declared"} == worm
    assert {u for p, u in reported if p == "r-bc-02-replica-marker-declared"} == to_oss
