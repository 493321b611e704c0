"""Findings for CI systems: JUnit XML and SARIF 2.1.0, from the JSON documents the commands print.

``validate`` and ``verify`` each turn their JSON document into :class:`Case`
rows (one per requirement finding, one per device check); :func:`junit` and
:func:`sarif` write those rows in the two formats CI systems show natively
(test reports; code-scanning annotations at ``file:line``).  Working from the
JSON documents keeps one source of truth: the formats cannot say more or less
than ``--format json`` does.

Statuses: ``pass``, ``fail``, ``error`` (could not be checked: a device that
did not answer), ``skipped``, ``declared`` (only a declaration backs it: never
a pass), ``waived``, ``warning``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from medcloud import __version__

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: status → SARIF result level (``none`` results are recorded but not annotated as problems).
SARIF_LEVEL = {"fail": "error", "error": "error", "declared": "warning", "warning": "warning",
               "waived": "note", "skipped": "note", "pass": "none"}
#: XML 1.0 forbids most control characters; device output can carry them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Case:
    suite: str  # region or device
    name: str  # requirement or check
    status: str
    message: str = ""
    rule: str = ""  # requirement ID
    file: str = ""
    line: int | None = None
    column: int | None = None


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def junit(cases: Iterable[Case], *, name: str) -> str:
    """JUnit XML (the Ant/Surefire dialect GitLab, Jenkins and GitHub reporters read)."""
    suites: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        suites[case.suite].append(case)
    root = ET.Element("testsuites", name=_clean(name))
    for suite_name, rows in suites.items():
        suite = ET.SubElement(root, "testsuite", name=_clean(suite_name), tests=str(len(rows)),
                              failures=str(sum(r.status in {"fail", "declared"} for r in rows)),
                              errors=str(sum(r.status == "error" for r in rows)),
                              skipped=str(sum(r.status in {"skipped", "waived"} for r in rows)))
        for row in rows:
            element = ET.SubElement(suite, "testcase", classname=_clean(suite_name), name=_clean(row.name))
            if row.file:
                element.set("file", _clean(row.file))
            if row.line is not None:
                element.set("line", str(row.line))
            message = _clean(f"{row.rule}: {row.message}" if row.rule else row.message)
            if row.status == "fail":
                ET.SubElement(element, "failure", message=message, type="violation").text = message
            elif row.status == "declared":
                # A declaration is not a verification: CI must not count it as passed.
                ET.SubElement(element, "failure", message=message, type="declared").text = message
            elif row.status == "error":
                ET.SubElement(element, "error", message=message, type="unreachable").text = message
            elif row.status in {"skipped", "waived"}:
                ET.SubElement(element, "skipped", message=f"{row.status}: {message}")
            elif row.status == "warning":
                ET.SubElement(element, "system-out").text = f"warning: {message}"
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def sarif(cases: Iterable[Case], *, rules: dict[str, str]) -> str:
    """SARIF 2.1.0 with one rule per requirement ID; results at ``file:line:col`` where known."""
    results = []
    for case in cases:
        result: dict[str, Any] = {
            "ruleId": case.rule or case.name,
            "level": SARIF_LEVEL.get(case.status, "warning"),
            "kind": "pass" if case.status == "pass" else "informational" if case.status in {"skipped", "waived"}
            else "fail",
            "message": {"text": f"{case.suite}: {case.name}: {case.status}" + (f": {case.message}" if case.message
                                                                              else "")},
            "properties": {"status": case.status, "subject": case.suite},
        }
        if case.file:
            region = {"startLine": case.line} if case.line is not None else {}
            if region and case.column is not None:
                region["startColumn"] = case.column
            location: dict[str, Any] = {"artifactLocation": {"uri": case.file}}
            if region:
                location["region"] = region
            result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "medcloud", "version": __version__,
                "rules": [{"id": rule, "shortDescription": {"text": title}} for rule, title in sorted(rules.items())],
            }},
            "results": results,
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_SOURCE = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(?::(?P<col>\d+))?$")


def _where(source: str | None) -> tuple[str, int | None, int | None]:
    match = _SOURCE.match(source or "")
    if not match:
        return source or "", None, None
    col = match.group("col")
    return match.group("file"), int(match.group("line")), int(col) if col else None


#: ``validate`` requirement status → case status (a finding's own severity decides inside a requirement).
_FINDING_STATUS = {"error": "fail", "warning": "warning", "skipped": "skipped", "declared": "declared",
                   "verified": "pass", "note": "pass"}


def validate_cases(document: dict[str, Any], region_file: str = "") -> tuple[list[Case], dict[str, str]]:
    """Cases and rules from ``medcloud validate --format json``: a passing case per clean requirement,
    one case per finding otherwise."""
    cases: list[Case] = []
    rules: dict[str, str] = {}
    region = str(document.get("region", ""))
    for requirement in document.get("requirements", []):
        rule = str(requirement.get("requirement", ""))
        rules[rule] = str(requirement.get("title", ""))
        findings = requirement.get("findings") or []
        if not findings:
            status = "pass" if requirement.get("status") == "compliant" else str(requirement.get("status"))
            cases.append(Case(region, rule, status, str(requirement.get("title", "")), rule, region_file))
            continue
        for finding in findings:
            status = "waived" if finding.get("waived") else _FINDING_STATUS.get(str(finding.get("severity")), "fail")
            file, line, column = _where(finding.get("source"))
            message = str(finding.get("message", ""))
            if finding.get("waived"):
                message += f" (waived: {finding['waived']})"
            cases.append(Case(region, f"{rule} {finding.get('path', '')}".strip(), status, message, rule,
                              file or region_file, line, column))
    return cases, rules


#: ``verify`` check status → case status.
_CHECK_STATUS = {"pass": "pass", "fail": "fail", "error": "error", "skipped": "skipped"}


def verify_cases(report: dict[str, Any], inventory_file: str = "") -> tuple[list[Case], dict[str, str]]:
    """Cases and rules from a ``medcloud verify`` JSON report: one case per device check."""
    cases: list[Case] = []
    rules: dict[str, str] = {}
    for device in report.get("devices", []):
        for check in device.get("checks", []):
            rule = str(check.get("requirement") or check.get("check", ""))
            rules.setdefault(rule, str(check.get("title", "")))
            detail = check.get("reason") or (
                f"expected {check.get('expected')}, got {check.get('actual')}"
                if check.get("expected") is not None else "")
            cases.append(Case(str(device.get("name", "")), str(check.get("check", "")),
                              _CHECK_STATUS.get(str(check.get("status")), "error"), str(detail), rule,
                              inventory_file))
    for name in report.get("not_run", []):
        cases.append(Case(str(name), "run", "error", "interrupted before this device finished", "", inventory_file))
    return cases, rules
