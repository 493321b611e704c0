"""Findings and the check registry.

A check is a pure function ``Region -> Iterable[Finding]`` registered under
the requirement it enforces.  No I/O, no Pulumi: the CLI, the Pulumi program
and the policy pack all call the same functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from medcloud.model import Region
from medcloud.yamlio import describe_loc

Loc = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"  # a violation: the region is not compliant
    WARNING = "warning"  # compliant, but act soon (e.g. scale out a link)
    #: The check could not run (e.g. no remote DR centre to measure); says why instead of passing silently.
    SKIPPED = "skipped"
    #: Only a declaration backs the fact (a marker, an operator-measured figure, a drill report):
    #: never compliant, never a violation; the finding names the evidence it rests on.
    DECLARED = "declared"
    #: A deployed resource's real setting was compared with the model and meets the requirement.
    VERIFIED = "verified"
    #: Information that changes no status, e.g. which figure a conflict between seeds applied.
    NOTE = "note"


class Status(StrEnum):
    """A requirement's status in a report, worst first (see :func:`requirement_status`)."""

    VIOLATION = "violation"
    DECLARED = "declared"
    SKIPPED = "skipped"
    WAIVED = "waived"
    COMPLIANT = "compliant"


def requirement_status(findings: Iterable[Finding]) -> Status:
    """Violation beats declared beats skipped beats waived; a requirement only a declaration backs
    is ``declared``, never compliant."""
    found = list(findings)
    if any(f.severity == Severity.ERROR and not f.waived for f in found):
        return Status.VIOLATION
    if any(f.severity == Severity.DECLARED and not f.waived for f in found):
        return Status.DECLARED
    if any(f.severity == Severity.SKIPPED for f in found):
        return Status.SKIPPED
    return Status.WAIVED if any(f.waived for f in found) else Status.COMPLIANT


@dataclass(frozen=True)
class Finding:
    requirement: str
    severity: Severity
    message: str
    loc: Loc = ()
    #: Set when a region waiver covers the finding: its reason and expiry.
    waived: str | None = None
    #: URN of the deployed resource the finding compared (resource joins, medcloud.compliance).
    resource: str | None = None
    #: What a declared finding rests on: markers, measured figures, evidence documents.
    evidence: tuple[str, ...] = ()
    #: A conflict between seeds (C1–C6) this finding resolved: which figure applied and why.
    conflict: str | None = None
    #: Produced by a join of the model to deployed resources (``medcloud.compliance``), not by a model check.
    joined: bool = False

    def path(self, data: Any = None) -> str:
        """``centres[2](dr-xian).location`` — the model path, list items named from ``data``.

        ``data`` is the region's ``model_dump(mode="json")``; callers dump it once per
        report (see ``ComplianceReport.data``), not once per finding.
        """
        return describe_loc(self.loc, data)

    def to_json(self, data: Any = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "requirement": self.requirement,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path(data),
        }
        if self.waived:
            out["waived"] = self.waived
        if self.resource:
            out["resource"] = self.resource
        if self.evidence:
            out["evidence"] = list(self.evidence)
        if self.conflict:
            out["conflict"] = self.conflict
        return out


CheckFn = Callable[[Region], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    requirement: str
    title: str
    fn: CheckFn = field(compare=False)


REGISTRY: list[Check] = []


def check(requirement: str, title: str) -> Callable[[CheckFn], CheckFn]:
    """Register a model check for ``requirement``."""

    def register(fn: CheckFn) -> CheckFn:
        REGISTRY.append(Check(requirement, title, fn))
        return fn

    return register


def error(requirement: str, message: str, *loc: str | int) -> Finding:
    return Finding(requirement, Severity.ERROR, message, tuple(loc))


def warning(requirement: str, message: str, *loc: str | int) -> Finding:
    return Finding(requirement, Severity.WARNING, message, tuple(loc))


def skipped(requirement: str, reason: str, *loc: str | int) -> Finding:
    return Finding(requirement, Severity.SKIPPED, reason, tuple(loc))


def declared(requirement: str, message: str, *loc: str | int, evidence: tuple[str, ...] = (),
             resource: str | None = None) -> Finding:
    return Finding(requirement, Severity.DECLARED, message, tuple(loc), resource=resource, evidence=evidence)


def note(requirement: str, message: str, *loc: str | int, conflict: str | None = None) -> Finding:
    return Finding(requirement, Severity.NOTE, message, tuple(loc), conflict=conflict)


def apply_waivers(
    region: Region, findings: Iterable[Finding], today: dt.date | None = None, data: Any = None,
) -> list[Finding]:
    """Mark findings covered by an unexpired waiver; expired waivers cover nothing.

    ``data``: the region's JSON dump when the caller already has it.
    """
    today = today or dt.date.today()
    if data is None:
        data = region.model_dump(mode="json")
    out: list[Finding] = []
    for finding in findings:
        path = describe_loc(finding.loc, data)
        waiver = next(
            (w for w in region.waivers
             if w.requirement == finding.requirement and path.startswith(w.path) and w.expires >= today),
            None,
        )
        if waiver is not None:
            reason = f"{waiver.reason} (approved by {waiver.approved_by}, until {waiver.expires})"
            finding = replace(finding, waived=reason)  # noqa: PLW2901
        out.append(finding)
    return out
