"""Seed one bad value of each kind into the real dev preview; each is reported with its source.

Kinds: a provider enum, a provider range, a provider conflict, and a cloud rule
across resources (issue 11, done-when).  The same checks then run on the same
resources as a ``pulumi preview --json`` document given to ``medcloud review``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from medcloud.cli import main
from medcloud.conformance import check, nodes_from_states
from medcloud.preview import preview, render
from medcloud.review.document import parse_document

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    text, _ = render(preview("dev", ROOT), "json")
    doc: dict[str, Any] = json.loads(text)
    return doc


def _first(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(s["newState"] for s in doc["steps"] if s["newState"]["type"] == kind)


def seeded(doc: dict[str, Any]) -> dict[str, Any]:
    bad = copy.deepcopy(doc)
    _first(bad, "alicloud:vpn/gateway:Gateway")["inputs"]["vpnType"] = "Quantum"           # enum
    _first(bad, "alicloud:kms/key:Key")["inputs"]["pendingWindowInDays"] = 3                 # range
    disk = _first(bad, "alicloud:ecs/ecsDisk:EcsDisk")["inputs"]
    disk["availabilityZone"] = disk["zoneId"]                                                 # conflict
    _first(bad, "alicloud:kms/key:Key")["inputs"].pop("dkmsInstanceId")                      # cloud rule
    return bad


def test_the_dev_preview_is_clean(document: dict[str, Any]) -> None:
    report = check(nodes_from_states(parse_document(document, "dev").resources()))
    assert [f.line() for f in report.findings] == []


def test_each_kind_of_seeded_problem_is_reported_with_its_source(document: dict[str, Any]) -> None:
    report = check(nodes_from_states(parse_document(seeded(document), "seeded").resources()))
    got = {(f.type.split(":")[1], f.property, f.rule): f for f in report.findings}
    enum = got[("vpn/gateway", "vpnType", "in")]
    assert enum.value == "Quantum" and "resource_alicloud_vpn_gateway.go:" in enum.source
    rng = got[("kms/key", "pendingWindowInDays", "range")]
    assert rng.allowed == "int 7..366" and "resource_alicloud_kms_key.go:" in rng.source
    conflict = got[("ecs/ecsDisk", "availabilityZone", "conflicts_with")]
    assert "resource_alicloud_ecs_disk.go:" in conflict.source
    cloud = got[("kms/key", "keySpec", "alicloud-kms-key-spec-instance")]
    assert cloud.kind == "cloud" and "key types and specifications" in cloud.source
    assert len(report.findings) == 5  # the zone conflict is reported from both sides, as Terraform does


def test_review_runs_the_same_checks_on_a_preview_document(
        document: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base, head = tmp_path / "base.json", tmp_path / "head.json"
    base.write_text(json.dumps(document))
    head.write_text(json.dumps(seeded(document)))
    code = main(["review", str(base), str(head)])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("conformance: urn:")]
    assert code == 1 and len(lines) == 5
    assert any("vpnType: Quantum" in line for line in lines)
