"""Model checks: pure functions from a :class:`~medcloud.model.Region` to findings.

Each check is registered under the requirement ID it enforces (see
../shared/REQUIREMENTS.md).  :func:`run_checks` runs them all and returns a
:class:`ComplianceReport` listing every requirement, compliant or not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from medcloud.checks import continuity, topology  # noqa: F401  (registers the checks)
from medcloud.checks.findings import REGISTRY, Check, Finding, Severity, apply_waivers
from medcloud.model import Region


@dataclass(frozen=True)
class ComplianceReport:
    region: Region
    checks: tuple[Check, ...]
    findings: tuple[Finding, ...]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.ERROR and not f.waived]

    @property
    def compliant(self) -> bool:
        return not self.violations

    def for_requirement(self, requirement: str) -> list[Finding]:
        return [f for f in self.findings if f.requirement == requirement]

    def to_json(self) -> dict[str, Any]:
        requirements = []
        for chk in self.checks:
            found = self.for_requirement(chk.requirement)
            errors = [f for f in found if f.severity == Severity.ERROR and not f.waived]
            requirements.append({
                "requirement": chk.requirement,
                "title": chk.title,
                "status": "violated" if errors else ("waived" if any(f.waived for f in found) else "compliant"),
                "findings": [f.to_json(self.region) for f in found],
            })
        return {
            "region": self.region.name,
            "compliant": self.compliant,
            "summary": {
                "requirements": len(self.checks),
                "violations": len(self.violations),
                "warnings": sum(1 for f in self.findings if f.severity == Severity.WARNING),
                "waived": sum(1 for f in self.findings if f.waived),
            },
            "requirements": requirements,
        }


def run_checks(region: Region, *, today: dt.date | None = None) -> ComplianceReport:
    """Run every registered check on ``region`` and apply its waivers."""
    findings: list[Finding] = []
    for chk in REGISTRY:
        findings.extend(chk.fn(region))
    return ComplianceReport(region, tuple(REGISTRY), tuple(apply_waivers(region, findings, today)))


__all__ = ["REGISTRY", "Check", "ComplianceReport", "Finding", "Severity", "run_checks"]
