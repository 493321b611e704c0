"""The review engine on fixture pairs: offline previews, and a real ``pulumi preview --json`` document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medcloud.errors import SourceError
from medcloud.review.document import load_document, parse_document
from medcloud.review.engine import REGION_WIDE, Change, Review, review

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "review"
P = "urn:pulumi:dev::medcloud::"


@pytest.fixture(scope="module")
def offline() -> Review:
    return review(load_document(FIXTURES / "offline_base.json"), load_document(FIXTURES / "offline_head.json"))


@pytest.fixture(scope="module")
def real() -> Review:
    return review(load_document(FIXTURES / "offline_base.json"), load_document(FIXTURES / "pulumi_head.json"))


def by_name(result: Review) -> dict[str, Change]:
    return {c.name: c for c in result.changes}


EXPECTED_OPS = {
    "dev-gz-prod-vpc-core-gold-ingress-debug": "create",
    "dev-gz-prod-vpc-core-medical": "replace",
    "dev": "update",
    "dev-his": "update",
    "dev-gz-cd-telecom-vpn": "update",
    "dev-his-remote_dr": "delete",
}


@pytest.mark.parametrize("name", ["offline", "real"])
def test_operations_are_changes_only(name: str, request: pytest.FixtureRequest) -> None:
    result: Review = request.getfixturevalue(name)
    assert {n: c.op for n, c in by_name(result).items()} == EXPECTED_OPS
    assert result.summary == {"create": 1, "update": 3, "replace": 1, "delete": 1}


def test_offline_replacement_is_predicted_from_the_provider_schema(offline: Review) -> None:
    subnet = by_name(offline)["dev-gz-prod-vpc-core-medical"]
    assert subnet.predicted
    [cidr] = subnet.properties
    assert (cidr.path, cidr.kind, cidr.old, cidr.new) == ("cidr", "update", "10.64.1.0/24", "10.64.2.0/24")


def test_real_replacement_is_the_engines_verdict(real: Review) -> None:
    subnet = by_name(real)["dev-gz-prod-vpc-core-medical"]
    assert not subnet.predicted
    [cidr] = subnet.properties
    assert cidr.replace


def test_real_preview_omitting_unchanged_resources_deletes_nothing(real: Review) -> None:
    # pulumi_head.json leaves out the providers, centres, VPC, HTTPS rule, bucket and volume.
    assert [c.name for c in real.changes if c.op == "delete"] == ["dev-his-remote_dr"]


def test_property_paths_use_pulumi_syntax(offline: Review) -> None:
    region = by_name(offline)["dev"]
    assert [(p.path, p.kind) for p in region.properties] == [
        ("model.centres[2].location.lat", "update"),
        ("model.centres[2].location.lon", "update"),
        ("model.systems[0].placements[2]", "delete"),
    ]


def test_secret_changes_are_shown_without_values(real: Review) -> None:
    vpn = by_name(real)["dev-gz-cd-telecom-vpn"]
    psk = next(p for p in vpn.properties if p.path == "ikeConfig.psk")
    assert psk.secret
    assert psk.to_json() == {"path": "ikeConfig.psk", "kind": "update", "secret": True}


def test_grouped_by_centre_then_component(offline: Review) -> None:
    groups = offline.grouped()
    assert list(groups) == ["gz-prod", REGION_WIDE]
    assert [c.name for c in groups["gz-prod"]["Vpc dev-gz-prod-vpc"]] == [
        "dev-gz-prod-vpc-core-gold-ingress-debug", "dev-gz-prod-vpc-core-medical"]
    assert [c.op for c in groups[REGION_WIDE]["SystemPlacement dev-his"]] == ["update", "delete"]


def test_risk_flags(offline: Review) -> None:
    risks = {c.name: c.risks for c in offline.risky}
    assert risks == {
        "dev-his-remote_dr": ("stateful-delete",),
        "dev-gz-cd-telecom-vpn": ("dr-link",),
        "dev-gz-prod-vpc-core-gold-ingress-debug": ("security-rule",),
    }


@pytest.mark.parametrize("name", ["offline", "real"])
def test_compliance_delta(name: str, request: pytest.FixtureRequest) -> None:
    result: Review = request.getfixturevalue(name)
    introduced = {(v.policy, v.requirement) for v in result.compliance.introduced}
    assert introduced == {
        ("r-top-03-region-model", "R-TOP-03"),      # DR centre 150 km away
        ("r-bc-01-region-model", "R-BC-01"),        # A-class HIS lost its remote DR copy…
        ("r-bc-01-component-replicas", "R-BC-01"),  # …and its remote replica
        ("r-net-02-no-any-to-any", "R-NET-02"),     # debug rule
    }
    # HEAD deletes HIS's DR disk: what the base's disk got wrong on the resource goes with it.
    assert {(v.policy, v.urn.split("::")[-1]) for v in result.compliance.fixed} == {
        ("r-net-04-ipsec-sm-suite", "dev-gz-cd-telecom-vpn"),
        ("r-dc-01-deployed", "dev-his-remote_dr"), ("r-sec-02-deployed", "dev-his-remote_dr"),
        ("r-bc-03-deployed", "dev-his-remote_dr"), ("r-st-03-deployed", "dev-his-remote_dr")}
    # The fixtures' region predates the declarations these newer model checks read: present on both sides
    # (and its one-node pools cannot hold a two-VM anti-affinity group, R-CMP-02).
    # The joins to the fixtures' resources (``-deployed``/``-declared``) find the same on both sides too.
    assert {v.requirement for v in result.compliance.unchanged if not v.policy.endswith(("-deployed", "-declared"))
            } <= {"R-BAK-01", "R-BC-05", "R-BC-08", "R-CMP-02", "R-DC-03", "R-HW-07", "R-NET-06", "R-ST-04",
                  "R-ST-05"}
    assert result.blocking
    top03 = next(v for v in result.compliance.introduced if v.requirement == "R-TOP-03")
    assert "150.2 km" in top03.message and top03.mandatory


def test_review_of_a_preview_against_itself_is_empty() -> None:
    head = load_document(FIXTURES / "pulumi_head.json")
    result = review(head, head)
    assert result.changes == []
    assert not result.compliance.introduced and not result.compliance.fixed
    assert not result.blocking


def test_moved_figures_keep_a_violation_unchanged() -> None:
    base = json.loads((FIXTURES / "offline_head.json").read_text())
    head = json.loads((FIXTURES / "offline_head.json").read_text())
    region = next(s for s in head["steps"] if s["urn"] == f"{P}medcloud:region:Region::dev")
    region["newState"]["inputs"]["model"]["centres"][2]["location"]["lat"] = 24.2
    result = review(parse_document(base, "base"), parse_document(head, "head"))
    assert not any(v.requirement == "R-TOP-03" for v in result.compliance.introduced)
    assert any(v.requirement == "R-TOP-03" and "119.1 km" in v.message for v in result.compliance.unchanged)


def test_json_document_shape(offline: Review) -> None:
    data = offline.to_json()
    assert data["summary"] == offline.summary and data["blocking"] is True
    assert {"introduced", "fixed", "unchanged", "notRun"} <= set(data["compliance"])
    json.dumps(data)


@pytest.mark.parametrize(("data", "reason"), [
    ([], "a preview document is a JSON object with steps"),
    ({"steps": {}}, "steps: must be a list"),
    ({"steps": [{"op": "explode", "urn": f"{P}x:y:Z::a"}]}, "steps[0].op: unknown op 'explode'"),
    ({"steps": [{"op": "create", "urn": "arn:aws:x"}]}, "steps[0].urn: not a Pulumi URN: 'arn:aws:x'"),
    ({"steps": [{"op": "create", "urn": f"{P}x:y:Z::a"}]}, "steps[0]: a create step needs newState"),
    ({"steps": [{"op": "create", "urn": f"{P}x:y:Z::a", "newState": {"type": "x:y:Z", "inputs": []}}]},
     "steps[0].newState.inputs: must be an object"),
])
def test_malformed_documents_fail_with_one_line(data: object, reason: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_document(data, "head.json")
    assert str(info.value) == f"head.json: {reason}"


def test_unreadable_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  \"steps\": [,]\n}")
    with pytest.raises(SourceError, match=r"bad\.json:2:13: invalid JSON: Expecting value"):
        load_document(bad)
    with pytest.raises(SourceError, match="file not found"):
        load_document(tmp_path / "missing.json")


def test_memoised_evaluation_equals_a_fresh_one() -> None:
    from medcloud.policy.evaluate import evaluate
    from medcloud.review.engine import resolved

    base = load_document(FIXTURES / "offline_base.json")
    head = load_document(FIXTURES / "offline_head.json")
    result = review(base, head)
    assert result.compliance.head.violations == evaluate(resolved(head, base)).violations
    assert result.compliance.base.violations == evaluate(resolved(base, head)).violations


@pytest.mark.parametrize("name", ["offline_base.json", "offline_head.json", "pulumi_head.json"])
def test_the_fixtures_carry_a_region_model_that_validates(name: str) -> None:
    """A stale fixture (the model gained a rule since it was built) turned every region policy into
    'does not validate' on both sides, and the review tests then compared nothing (rebuild: build.py)."""
    result = review(load_document(FIXTURES / name), load_document(FIXTURES / name))
    assert result.compliance.unchanged
    assert not [v for v in result.compliance.unchanged if "does not validate" in v.message]


def test_a_dangling_name_in_the_carried_region_is_a_violation_not_a_crash(tmp_path: Path) -> None:
    """Found by the loader fuzzer: a pool renamed in the region model left placements pointing at no
    pool, and the checks (which assume the loader's cross-reference checks) raised StopIteration."""
    text = (FIXTURES / "offline_head.json").read_text(encoding="utf-8")
    assert '"imaging-gold"' in text
    (tmp_path / "head.json").write_text(text.replace('"imaging-gold"', '"maging-gold"', 1), encoding="utf-8")
    result = review(load_document(FIXTURES / "offline_base.json"), load_document(tmp_path / "head.json"))
    messages = [v.message for v in result.compliance.introduced]
    assert any("does not validate" in m and "no pool named 'imaging-gold'" in m for m in messages), messages
