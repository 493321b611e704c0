"""Model checks: pure functions from a :class:`~medcloud.model.Region` to findings.

Each check is registered under the requirement ID it enforces (see
../shared/REQUIREMENTS.md).  :func:`run_checks` runs them all and returns a
:class:`ComplianceReport` listing every requirement with its status:
compliant, declared (only a declaration backs it), violation, waived or
skipped.  :func:`medcloud.compliance.evaluate` adds the findings on deployed
resources to the same report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from medcloud.checks import capacity, compute, continuity, operations, topology  # noqa: F401  (registers)
from medcloud.checks.findings import (
    REGISTRY,
    Check,
    Finding,
    Severity,
    Status,
    apply_waivers,
    requirement_status,
)
from medcloud.model import Region


@dataclass(frozen=True)
class ComplianceReport:
    region: Region
    checks: tuple[Check, ...]
    findings: tuple[Finding, ...]
    #: ``region.model_dump(mode="json")``, dumped once: waivers and finding paths name list items from it.
    data: Any = field(default=None, compare=False, repr=False)
    #: Whether deployed resources were examined (``medcloud.compliance``) or the model alone.
    resources: str = "model only"

    def path(self, finding: Finding) -> str:
        """The finding's model path, e.g. ``centres[2](dr-xian).location``."""
        return finding.path(self.data)

    @property
    def requirements(self) -> list[tuple[str, str]]:
        """(requirement, title) of every requirement the report covers, in ID order."""
        titles: dict[str, str] = {}
        for chk in self.checks:
            titles.setdefault(chk.requirement, chk.title)
        return sorted(titles.items())

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.ERROR and not f.waived]

    @property
    def declared(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.DECLARED and not f.waived]

    @property
    def compliant(self) -> bool:
        """No violation and nothing that rests on a declaration alone."""
        return not self.violations and not self.declared

    def for_requirement(self, requirement: str) -> list[Finding]:
        return [f for f in self.findings if f.requirement == requirement]

    def status(self, requirement: str) -> str:
        """``violation``, ``declared``, ``skipped``, ``waived`` or ``compliant``."""
        return requirement_status(self.for_requirement(requirement)).value

    def counts(self) -> dict[str, int]:
        """Requirements per status."""
        found = Counter(self.status(req) for req, _ in self.requirements)
        return {s.value: found.get(s.value, 0) for s in Status}

    def to_json(self) -> dict[str, Any]:
        requirements = []
        for req, title in self.requirements:
            requirements.append({
                "requirement": req,
                "title": title,
                "status": self.status(req),
                "findings": [f.to_json(self.data) for f in self.for_requirement(req)],
            })
        return {
            "region": self.region.name,
            "compliant": self.compliant,
            "resources": self.resources,
            "summary": {
                "requirements": len(self.requirements),
                "status": self.counts(),
                "violations": len(self.violations),
                "declared": len(self.declared),
                "warnings": sum(1 for f in self.findings if f.severity == Severity.WARNING),
                "waived": sum(1 for f in self.findings if f.waived),
                "skipped": sum(1 for f in self.findings if f.severity == Severity.SKIPPED),
            },
            "requirements": requirements,
        }


def run_checks(region: Region, *, today: dt.date | None = None) -> ComplianceReport:
    """Run every registered model check on ``region`` and apply its waivers."""
    findings: list[Finding] = []
    for chk in REGISTRY:
        findings.extend(chk.fn(region))
    data = region.model_dump(mode="json")
    return ComplianceReport(region, tuple(REGISTRY), tuple(apply_waivers(region, findings, today, data)), data)


__all__ = ["REGISTRY", "Check", "ComplianceReport", "Finding", "Severity", "Status", "run_checks"]
