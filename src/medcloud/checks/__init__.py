"""Model checks: pure functions from a :class:`~medcloud.model.Region` to findings.

Each check is registered under the requirement ID it enforces (see
../shared/REQUIREMENTS.md).  :func:`run_checks` runs them all and returns a
:class:`ComplianceReport` listing every requirement, compliant or not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from medcloud.checks import continuity, topology  # noqa: F401  (registers the checks)
from medcloud.checks.findings import REGISTRY, Check, Finding, Severity, apply_waivers
from medcloud.model import Region


@dataclass(frozen=True)
class ComplianceReport:
    region: Region
    checks: tuple[Check, ...]
    findings: tuple[Finding, ...]
    #: ``region.model_dump(mode="json")``, dumped once: waivers and finding paths name list items from it.
    data: Any = field(default=None, compare=False, repr=False)

    def path(self, finding: Finding) -> str:
        """The finding's model path, e.g. ``centres[2](dr-xian).location``."""
        return finding.path(self.data)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.ERROR and not f.waived]

    @property
    def compliant(self) -> bool:
        return not self.violations

    def for_requirement(self, requirement: str) -> list[Finding]:
        return [f for f in self.findings if f.requirement == requirement]

    def status(self, requirement: str) -> str:
        """``violated``, ``skipped`` (could not be checked), ``waived`` or ``compliant``."""
        found = self.for_requirement(requirement)
        if any(f.severity == Severity.ERROR and not f.waived for f in found):
            return "violated"
        if any(f.severity == Severity.SKIPPED for f in found):
            return "skipped"
        return "waived" if any(f.waived for f in found) else "compliant"

    def to_json(self) -> dict[str, Any]:
        requirements = []
        for chk in self.checks:
            found = self.for_requirement(chk.requirement)
            requirements.append({
                "requirement": chk.requirement,
                "title": chk.title,
                "status": self.status(chk.requirement),
                "findings": [f.to_json(self.data) for f in found],
            })
        return {
            "region": self.region.name,
            "compliant": self.compliant,
            "summary": {
                "requirements": len(self.checks),
                "violations": len(self.violations),
                "warnings": sum(1 for f in self.findings if f.severity == Severity.WARNING),
                "waived": sum(1 for f in self.findings if f.waived),
                "skipped": sum(1 for f in self.findings if f.severity == Severity.SKIPPED),
            },
            "requirements": requirements,
        }


def run_checks(region: Region, *, today: dt.date | None = None) -> ComplianceReport:
    """Run every registered check on ``region`` and apply its waivers."""
    findings: list[Finding] = []
    for chk in REGISTRY:
        findings.extend(chk.fn(region))
    data = region.model_dump(mode="json")
    return ComplianceReport(region, tuple(REGISTRY), tuple(apply_waivers(region, findings, today, data)), data)


__all__ = ["REGISTRY", "Check", "ComplianceReport", "Finding", "Severity", "run_checks"]
