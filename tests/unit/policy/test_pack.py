"""The pack entry point, its configuration, and the offline evaluator's faithfulness to the analyzer."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from medcloud.errors import SourceError
from medcloud.policy import PACK_NAME, REGISTRY, Enforcement, PackConfig, spec
from medcloud.policy.evaluate import attach_violations, evaluate
from medcloud.review.document import ResourceState

ROOT = Path(__file__).resolve().parents[3]
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # pulumi_policy's unknown-string sentinel


def test_importing_the_policies_never_serves() -> None:
    # grpc.server is what PolicyPack(...) calls to serve; make it fatal, then import and evaluate.
    code = (
        "import grpc\n"
        "def boom(*a, **k): raise SystemExit('a policy server was started')\n"
        "grpc.server = boom\n"
        "import medcloud.policy, medcloud.policy.evaluate, medcloud.review\n"
        "from medcloud.review.document import ResourceState\n"
        "r = ResourceState('urn:pulumi:d::p::alicloud:kms/key:Key::k', 'alicloud:kms/key:Key', True, None,"
        " {'keySpec': 'RSA_3072', 'dkmsInstanceId': 'kst-1'}, {})\n"
        "print(len(medcloud.policy.evaluate.evaluate([r]).violations))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3"  # R-DC-01 spec, R-SEC-01 spec, R-SEC-01 software protection


def test_pack_entry_point_builds_one_pack_with_every_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    import pulumi_policy

    built: list[dict[str, Any]] = []

    class FakePack:
        def __init__(self, **kwargs: Any) -> None:
            built.append(kwargs)

    monkeypatch.setattr(pulumi_policy, "PolicyPack", FakePack)
    runpy.run_path(str(ROOT / "policy" / "__main__.py"), run_name="__main__")
    [pack] = built
    assert pack["name"] == PACK_NAME
    assert pack["enforcement_level"] == pulumi_policy.EnforcementLevel.MANDATORY
    assert sorted(p.name for p in pack["policies"]) == sorted(s.name for s in REGISTRY)


def test_pack_project_files() -> None:
    import yaml

    project = yaml.safe_load((ROOT / "policy" / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert "pulumi-policy" in (ROOT / "policy" / "requirements.txt").read_text()
    # The example config is valid for this pack.
    PackConfig.load(ROOT / "policy" / "config.example.json")


def _kms(name: str = "k", **inputs: Any) -> ResourceState:
    # In a KMS instance, as AliCloud requires for Aliyun_SM4 (the r-sec-02 cloud API rule).
    inputs.setdefault("dkmsInstanceId", "kst-1")
    return ResourceState(f"urn:pulumi:dev::medcloud::alicloud:kms/key:Key::{name}", "alicloud:kms/key:Key", True,
                         None, inputs, {})


def test_enforcement_levels_from_config() -> None:
    key = _kms(keySpec="Aliyun_SM4", protectionLevel="SOFTWARE")
    [violation] = evaluate([key]).violations
    assert (violation.policy, violation.requirement, violation.enforcement) == \
        ("r-sec-01-key-algorithms", "R-SEC-01", Enforcement.MANDATORY)
    assert violation.urn == key.urn
    advisory = PackConfig.from_mapping({"r-sec-01-key-algorithms": "advisory"}, "cfg")
    assert [v.enforcement for v in evaluate([key], advisory).violations] == [Enforcement.ADVISORY]
    assert evaluate([key], PackConfig.from_mapping({"all": "disabled"}, "cfg")).violations == []
    # remediate reports as mandatory, as the analyzer does for a violation that remains.
    remediate = PackConfig.from_mapping({"r-sec-01-key-algorithms": {"enforcementLevel": "remediate"}}, "cfg")
    assert [v.enforcement for v in evaluate([key], remediate).violations] == [Enforcement.MANDATORY]


def test_unknown_values_are_not_violations() -> None:
    rule = ResourceState("urn:pulumi:dev::medcloud::openstack:networking/secGroupRule:SecGroupRule::r",
                         "openstack:networking/secGroupRule:SecGroupRule", True, None,
                         {"direction": "ingress", "remoteIpPrefix": UNKNOWN_STRING}, {})
    result = evaluate([rule])
    assert result.violations == []
    assert result.unknown == [("r-net-02-no-any-to-any", rule.urn, "string value at .remoteIpPrefix can't be known "
                                                                   "during preview")]


def test_stack_policy_not_applicable_without_region() -> None:
    provider = ResourceState("urn:pulumi:dev::medcloud::pulumi:providers:alicloud::hk", "pulumi:providers:alicloud",
                             True, None, {"region": "cn-hongkong"}, {})
    result = evaluate([provider])
    assert ("r-top-09-provider-residency", "no Region component with a valid region model in the stack") \
        in result.not_applicable


def test_attach_violations_records_them_in_the_document() -> None:
    document: dict[str, Any] = {"steps": [{
        "op": "create", "urn": "urn:pulumi:dev::medcloud::alicloud:ecs/ecsDisk:EcsDisk::d",
        "newState": {"type": "alicloud:ecs/ecsDisk:EcsDisk", "custom": True, "inputs": {"encrypted": False}},
    }]}
    attach_violations(document)
    assert document["policyViolations"] == [{
        "policy": "r-dc-01-encryption-at-rest", "requirement": "R-DC-01",
        "urn": "urn:pulumi:dev::medcloud::alicloud:ecs/ecsDisk:EcsDisk::d",
        "message": "R-DC-01: disk is not encrypted (SM4, volume level)", "enforcement": "mandatory",
    }]


@pytest.mark.parametrize(("content", "reason"), [
    ({"r-nope": "mandatory"}, "cfg.json: r-nope: unknown policy 'r-nope'"),
    ({"all": "sometimes"}, "cfg.json: all: enforcement level 'sometimes' is not one of advisory, mandatory, "
                           "remediate, disabled"),
    ({"r-sec-01-key-algorithms": {"interopExceptions": "hl7"}},
     "cfg.json: r-sec-01-key-algorithms.interopExceptions: must be of type array"),
    ({"r-net-02-no-any-to-any": {"colour": "red"}},
     "cfg.json: r-net-02-no-any-to-any.colour: policy r-net-02-no-any-to-any has no config property 'colour'"),
    ([1, 2], "cfg.json: policy config is a JSON object keyed by policy name"),
])
def test_bad_config_is_one_clear_line(tmp_path: Path, content: Any, reason: str) -> None:
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(content))
    with pytest.raises(SourceError) as info:
        PackConfig.load(path)
    assert str(info.value) == reason.replace("cfg.json", str(path), 1)


def test_config_defaults_come_from_the_schema() -> None:
    item = spec("r-sec-01-key-algorithms")
    assert PackConfig().config_for(item) == {"interopExceptions": []}
    config = PackConfig.from_mapping({"r-sec-01-key-algorithms": {"interopExceptions": ["a"]}}, "cfg")
    assert config.config_for(item) == {"interopExceptions": ["a"]}
