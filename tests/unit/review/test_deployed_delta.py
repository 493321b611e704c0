"""``review`` flags what a change does to compliance on the deployed resources: a gateway lowered below its
link's requirement (R-TOP-05), a replication removed (R-BC-01), a verified requirement turned declared."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from medcloud.compliance.engine import status_changes
from medcloud.preview import preview
from medcloud.review.document import PreviewDocument, parse_document
from medcloud.review.engine import Review, review

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def dev_document() -> dict[str, Any]:
    document = preview("dev", ROOT).to_json([])
    document.pop("policyViolations")
    return document


def edited(document: dict[str, Any], type_: str, change: Any) -> PreviewDocument:
    doc = copy.deepcopy(document)
    for step in doc["steps"]:
        if step["newState"]["type"] == type_:
            change(step["newState"]["inputs"])
    return parse_document(doc, "preview")


def _bandwidth(mbps: int) -> Any:
    def change(inputs: dict[str, Any]) -> None:
        inputs["bandwidth"] = mbps
    return change


def test_gateway_lowered_below_the_link_requirement_is_flagged_and_blocks(dev_document: dict[str, Any]) -> None:
    """R-TOP-05: 10240 Mbps gateways (base) lowered to 1000 Mbps (head)."""
    base = edited(dev_document, "alicloud:vpn/gateway:Gateway", _bandwidth(10240))
    head = edited(dev_document, "alicloud:vpn/gateway:Gateway", _bandwidth(1000))
    result: Review = review(base, head)
    introduced = [v for v in result.compliance.introduced if v.policy == "r-top-05-deployed"]
    assert len(introduced) == 2 and all(v.mandatory and v.urn.endswith("-cd-dr-vpn") for v in introduced)
    assert result.blocking
    assert ("R-TOP-05", "declared", "violation", True) in result.compliance.statuses
    assert result.to_json()["compliance"]["statusChanges"]


def test_replication_removed_is_flagged(dev_document: dict[str, Any]) -> None:
    """R-BC-01: the Swift containers stop naming their DR replica; HIS's remote object copy has no resource left."""
    def drop(inputs: dict[str, Any]) -> None:
        inputs.get("metadata", {}).pop("medcloud-replica-declared", None)

    base = parse_document(copy.deepcopy(dev_document), "preview")
    head = edited(dev_document, "openstack:objectstorage/container:Container", drop)
    result = review(base, head)
    assert any(v.policy == "r-bc-01-deployed" and "'his' object data gz-prod → cd-dr" in v.message
               for v in result.compliance.introduced)
    assert result.blocking


def test_verified_turned_declared_is_a_regression() -> None:
    changes = status_changes({"R-DC-02": "compliant", "R-TOP-05": "violation"},
                             {"R-DC-02": "declared", "R-TOP-05": "declared"})
    assert changes == [("R-DC-02", "compliant", "declared", True), ("R-TOP-05", "violation", "declared", False)]
