"""Provider conformance and cloud rules on a real ``pulumi preview --json`` document (issue 11, done-when).

A CI job runs ``pulumi preview --json`` on a pull request against the deployed
dev stack and gives it to ``medcloud review`` with the preview of main.  That
document (``display.PreviewDigest``, pulumi/pkg/backend/display/json.go) is not
medcloud's offline preview, and each difference is one the checks must survive:

- only the changed resources are listed (no ``--show-sames``); unchanged ones
  stay as deployed and appear in no step;
- an ``update`` step carries ``oldState`` (deployed inputs, ``id``, outputs) and
  ``newState``, ``diffReasons`` and ``detailedDiff``;
- inputs built from other resources' outputs are *known* (the deployed ids and
  addresses), where the offline preview has the unknown sentinel;
- lookups the offline preview answers with a placeholder carry the cloud's
  answer (an external network id, an Express Connect access point);
- secrets are shown as ``[secret]`` (``stateForJSONOutput``), provider
  references as ``URN::<uuid>``, and there is no ``policyViolations``.

The test builds such a document from the dev program (each resource given a
deployed id and address), seeds one bad value of each kind into a few updates,
and expects ``medcloud review`` to report exactly those, each with its source —
and nothing for a harmless update of the same resources.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from medcloud.components.backends.alicloud import types as ali

from medcloud.cli import main
from medcloud.preview import preview, render
from medcloud.preview.engine import PLACEHOLDER_LOOKUP
from medcloud.review.document import parse_document

ROOT = Path(__file__).resolve().parents[3]
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: What the clouds answered the program's lookups with, by the input that carries the answer.
LOOKED_UP = {"accessPointId": "ap-cn-chengdu-jh-A", "externalNetworkId": "6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c"}


def deployed_id(urn: str, kind: str) -> str:
    """The id a cloud gave the resource: a UUID on OpenStack, ``<kind>-<suffix>`` on AliCloud."""
    digest = hashlib.sha256(urn.encode()).hexdigest()
    if kind.startswith("openstack:"):
        return str(uuid.UUID(digest[:32]))
    return f"{kind.split(':')[1].rsplit('/', 1)[-1].lower()}-{digest[:20]}"


def deployed_address(urn: str, kind: str) -> str:
    """An address a load balancer got: a VIP on OpenStack, a DNS name for an AliCloud ALB/NLB."""
    digest = hashlib.sha256(urn.encode()).digest()
    if kind.startswith("openstack:"):
        return f"10.250.{digest[0]}.{digest[1] % 250 + 2}"
    return f"{deployed_id(urn, kind)}.cn-chengdu.alb.aliyuncs.com"


def _known(state: dict[str, Any], kinds: dict[str, str]) -> dict[str, Any]:
    """``state`` as a deployed stack holds it: every input from another resource's output is known."""
    out = copy.deepcopy(state)
    deps = out.get("propertyDependencies", {})

    def resolve(value: Any, key: str, leaf: str, used: list[str]) -> Any:
        """The deployed value of an input; the n-th unknown under ``key`` comes from its n-th dependency."""
        if isinstance(value, dict):
            return {k: resolve(v, key, k, used) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v, key, leaf, used) for v in value]
        if isinstance(value, str) and PLACEHOLDER_LOOKUP in value:
            return LOOKED_UP[key]
        if value != UNKNOWN or not deps.get(key):
            return value
        source = deps[key][min(len(used), len(deps[key]) - 1)]
        used.append(source)
        if leaf in ("address", "records"):
            return deployed_address(source, kinds[source])
        return deployed_id(source, kinds[source])

    out["inputs"] = {k: resolve(v, k, k, []) for k, v in out["inputs"].items()}
    if "provider" in out:
        urn = out["provider"].rsplit("::", 1)[0]
        out["provider"] = f"{urn}::{uuid.UUID(hashlib.sha256(urn.encode()).hexdigest()[:32])}"
    if out.get("custom"):
        out["id"] = deployed_id(out["urn"], out["type"])
        out["outputs"] = {**out["inputs"], "id": out["id"]}
    return out


@pytest.fixture(scope="module")
def deployed() -> dict[str, dict[str, Any]]:
    """urn → the state of each dev resource after ``pulumi up`` of today's program."""
    text, _ = render(preview("dev", ROOT), "json")
    states = [s["newState"] for s in json.loads(text)["steps"]]
    kinds = {s["urn"]: s["type"] for s in states}
    return {s["urn"]: _known(s, kinds) for s in states}


def real_preview(deployed: dict[str, dict[str, Any]], edits: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``pulumi preview --json`` of the program with ``edits`` (urn → inputs to set, None = remove)."""
    steps = []
    for urn, change in edits.items():
        old = deployed[urn]
        new = copy.deepcopy(old)
        for key, value in change.items():
            if value is None:
                new["inputs"].pop(key, None)
            else:
                new["inputs"][key] = value
        new.pop("outputs")
        steps.append({
            "op": "update", "urn": urn, "provider": old["provider"], "oldState": old, "newState": new,
            "diffReasons": sorted(change),
            "detailedDiff": {key: {"kind": "delete" if value is None else "update", "inputDiff": True}
                             for key, value in change.items()},
        })
    return {
        "config": {"medcloud:region": "regions/dev.yaml", "medcloud:ipsecPsk-gz-cd-telecom": "[secret]"},
        "steps": steps,
        "diagnostics": [{"message": "Previewing update (dev)", "severity": "info"}],
        "duration": 38120000000,
        "changeSummary": {"same": len(deployed) - len(steps), "update": len(steps)},
    }


def _urn(deployed: dict[str, dict[str, Any]], kind: str) -> str:
    return next(urn for urn, state in deployed.items() if state["type"] == kind)


def _review(tmp_path: Path, capsys: pytest.CaptureFixture[str], base: dict[str, Any],
            head: dict[str, Any]) -> tuple[int, list[str]]:
    (tmp_path / "base.json").write_text(json.dumps(base), encoding="utf-8")
    (tmp_path / "head.json").write_text(json.dumps(head), encoding="utf-8")
    code = main(["review", str(tmp_path / "base.json"), str(tmp_path / "head.json")])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.startswith("conformance: ")]


def test_the_document_is_the_shape_pulumi_prints(deployed: dict[str, dict[str, Any]]) -> None:
    gateway = _urn(deployed, ali.VPN_GATEWAY)
    doc = parse_document(real_preview(deployed, {gateway: {"description": "moved"}}), "pulumi preview --json")
    assert not doc.complete and [s.op for s in doc.steps] == ["update"]
    state = deployed[gateway]
    # known ids where the offline preview had unknowns; the provider reference is URN::uuid
    assert state["inputs"]["vswitchId"].startswith("switch-") and state["inputs"]["disasterRecoveryVswitchId"]
    inputs = json.dumps([s["inputs"] for s in deployed.values() if s["custom"]])
    assert UNKNOWN not in inputs and PLACEHOLDER_LOOKUP not in inputs
    assert uuid.UUID(state["provider"].rsplit("::", 1)[1])


def test_review_of_a_harmless_real_preview_reports_no_conformance_problem(
        deployed: dict[str, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The deployed stack itself, as main's `pulumi preview --json --show-sames` shows it, against a PR
    # that only re-describes the resources the seeded test touches: every check runs on known ids.
    base = {"steps": [{"op": "same", "urn": u, "oldState": s, "newState": s} for u, s in deployed.items()],
            "changeSummary": {"same": len(deployed)}, "diagnostics": []}
    edits = {_urn(deployed, kind): {"description": "reviewed"} for kind in
             (ali.VPN_GATEWAY, ali.KMS_KEY, ali.ECS_DISK)}
    code, lines = _review(tmp_path, capsys, base, real_preview(deployed, edits))
    assert lines == [] and code == 0


def test_each_kind_of_problem_in_a_real_preview_is_reported_with_its_source(
        deployed: dict[str, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An enum, a range and a conflict from the Terraform provider's validators (what ``pulumi preview``'s
    Check refuses, whatever the requirement), and a cloud API rule: R-SEC-02, SM4 keys need a KMS instance."""
    base = {"steps": [{"op": "same", "urn": u, "oldState": s, "newState": s} for u, s in deployed.items()],
            "changeSummary": {"same": len(deployed)}, "diagnostics": []}
    disk = _urn(deployed, ali.ECS_DISK)
    head = real_preview(deployed, {
        _urn(deployed, ali.VPN_GATEWAY): {"vpnType": "Quantum"},                            # enum
        _urn(deployed, ali.KMS_KEY): {"pendingWindowInDays": 3, "dkmsInstanceId": None},    # range, cloud rule
        disk: {"availabilityZone": deployed[disk]["inputs"]["zoneId"]},                     # conflict
    })
    code, lines = _review(tmp_path, capsys, base, head)
    assert code == 1
    expected = [
        ("vpn/gateway:Gateway::", ": vpnType: Quantum: ", "[provider: ", "resource_alicloud_vpn_gateway.go:"),
        ("kms/key:Key::", ": pendingWindowInDays: 3: int 7..366 ", "[provider: ", "resource_alicloud_kms_key.go:"),
        ("ecs/ecsDisk:EcsDisk::", ": availabilityZone: ", "[provider: ", "resource_alicloud_ecs_disk.go:"),
        ("kms/key:Key::", ": keySpec: Aliyun_SM4: ", "[cloud: ", "key types and specifications"),
    ]
    for parts in expected:
        assert any(all(p in line for p in parts) for line in lines), (parts, lines)
    # the zone conflict is reported from both sides, as Terraform does; nothing else
    assert len(lines) == 5, lines
