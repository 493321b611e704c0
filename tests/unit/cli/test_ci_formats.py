"""JUnit XML and SARIF for CI systems, from `validate` (requirement findings at file:line) and from verify
reports (one case per device check).  A declared-only requirement is never a passed test case."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from medcloud.hardware.verify.results import REPORT_FORMAT

from medcloud.ciformats import junit, sarif, validate_cases, verify_cases
from medcloud.cli import main

VERIFY_REPORT = {
    "format": REPORT_FORMAT, "inventory": "inventories/site.yaml", "complete": False, "passed": False,
    "devices": [
        {"name": "kp-node-01", "checks": [
            {"check": "cpu.cores", "requirement": "R-HW-02", "title": "≥ 32 cores", "status": "pass",
             "expected": 32, "actual": 64, "reason": None},
            {"check": "power.redundant", "requirement": "R-HW-03", "title": "2 PSUs", "status": "fail",
             "expected": 2, "actual": 1, "reason": None},
        ]},
        {"name": "ls-node-01", "checks": [
            {"check": "bmc.reachable", "requirement": "R-HW-03", "title": "BMC", "status": "error",
             "expected": None, "actual": None, "reason": "timed out after 5 s"},
            {"check": "mtbf", "requirement": "R-HW-03", "title": "MTBF", "status": "skipped",
             "expected": None, "actual": None, "reason": "needs the datasheet"},
        ]},
    ],
    "not_run": ["hg-node-07"],
}


def test_validate_junit_names_each_requirement_and_marks_a_waiver_skipped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """R-TOP-04 (ref002's waived 2×10G same-city fibre) is a skipped case at its file:line, not a pass.

    ref002 exits 1 on the model alone: Gui'an's nodes are 30 % of production's (R-TOP-06).
    """
    assert main(["validate", "ref002", "--model-only", "--format", "junit"]) == 1
    root = ET.fromstring(capsys.readouterr().out)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert "R-TOP-01" in cases and cases["R-TOP-01"].find("failure") is None
    waived = next(c for name, c in cases.items() if name and name.startswith("R-TOP-04")
                  and (c.find("skipped") is not None))
    skipped = waived.find("skipped")
    assert skipped is not None and skipped.get("message", "").startswith("waived: R-TOP-04")
    assert waived.get("file") == "stacks/regions/ref002.yaml" and waived.get("line", "").isdigit()


def test_validate_sarif_has_one_rule_per_requirement_and_locations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "ref002", "--model-only", "--format", "sarif"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {"R-TOP-01", "R-TOP-04", "R-BC-01"} <= rules
    waived = [r for r in run["results"] if r["ruleId"] == "R-TOP-04" and r["properties"]["status"] == "waived"]
    assert waived[0]["level"] == "note"
    assert waived[0]["locations"][0]["physicalLocation"]["region"]["startLine"] > 0


def test_a_declared_finding_is_a_failure_not_a_pass() -> None:
    document = {"region": "r", "requirements": [
        {"requirement": "R-BC-07", "title": "drills", "status": "declared", "findings": [
            {"requirement": "R-BC-07", "severity": "declared", "message": "drill report only", "path": "drills",
             "source": "stacks/regions/r.yaml:12:3"}]},
    ]}
    cases, _ = validate_cases(document)
    root = ET.fromstring(junit(cases, name="x"))
    failure = root.find(".//testcase/failure")
    assert failure is not None and failure.get("type") == "declared"
    result = json.loads(sarif(cases, rules={"R-BC-07": "drills"}))["runs"][0]["results"][0]
    assert result["level"] == "warning"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 3}


def test_verify_report_converts_every_check_and_the_devices_never_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    report = tmp_path / "site.json"
    report.write_text(json.dumps(VERIFY_REPORT))
    out = tmp_path / "verify.xml"
    assert main(["report", "convert", str(report), "--format", "junit", "--out", str(out)]) == 0
    root = ET.parse(out).getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert suites["kp-node-01"].get("failures") == "1"
    assert suites["ls-node-01"].get("errors") == "1" and suites["ls-node-01"].get("skipped") == "1"
    assert suites["hg-node-07"].get("errors") == "1"
    assert main(["report", "convert", str(report), "--format", "sarif"]) == 0
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert [r["level"] for r in results] == ["none", "error", "error", "note", "error"]


def test_convert_refuses_what_is_not_a_verify_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"format": "something-else"}')
    assert main(["report", "convert", str(bad), "--format", "junit"]) == 2
    assert "format: not a verify report" in capsys.readouterr().err


def test_control_characters_from_devices_do_not_break_the_xml() -> None:
    cases, _ = verify_cases({"devices": [{"name": "sw\x1b[31m", "checks": [
        {"check": "lldp", "status": "fail", "reason": "neighbour \x00\x07 evil"}]}]})
    ET.fromstring(junit(cases, name="n"))  # parses: illegal characters were replaced
