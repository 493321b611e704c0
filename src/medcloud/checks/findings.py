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


@dataclass(frozen=True)
class Finding:
    requirement: str
    severity: Severity
    message: str
    loc: Loc = ()
    #: Set when a region waiver covers the finding: its reason and expiry.
    waived: str | None = None

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
