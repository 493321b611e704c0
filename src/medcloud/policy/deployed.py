"""Stack policies on deployed resources: the compliance joins (``medcloud.compliance``) in the pack.

For each requirement a join table covers, ``r-xxx-nn-deployed`` (mandatory)
reports the violations found on the resources — the message names the
model path, the report names the resource URN.  For every requirement,
``r-xxx-nn-declared`` (advisory) reports what rests only on a declaration,
so the pack counts declared findings apart from violations and never as a
pass.  All of them share one evaluation per stack validation.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from medcloud.checks import ComplianceReport
from medcloud.checks.findings import Severity
from medcloud.compliance import TABLES, evaluate, from_policy, requirement_checks
from medcloud.policy.registry import Enforcement, Report, stack_policy
from medcloud.policy.residency import _region_model

#: One evaluation per stack validation: every policy gets the same resources list.
_REPORTS: OrderedDict[int, tuple[object, ComplianceReport | None]] = OrderedDict()
_CACHE_SIZE = 4


def stack_report(resources: Any) -> ComplianceReport | None:
    """The compliance report of a stack validation's resources (None: no Region component)."""
    key = id(resources)
    hit = _REPORTS.get(key)
    if hit is not None and hit[0] is resources:
        return hit[1]
    region = _region_model(resources)
    report = evaluate(region, from_policy(resources), source="stack policy") if region is not None else None
    _REPORTS[key] = (resources, report)
    if len(_REPORTS) > _CACHE_SIZE:
        _REPORTS.popitem(last=False)
    return report


def _deployed_policy(requirement: str, title: str) -> None:
    def validate(args: Any, report: Report) -> None:
        found = stack_report(args.resources)
        if found is None:
            return
        for finding in found.for_requirement(requirement):
            if finding.severity == Severity.ERROR and finding.joined and not finding.waived:
                report(f"{requirement}: {finding.message} [{found.path(finding)}]", finding.resource)

    stack_policy(f"{requirement.lower()}-deployed", requirement,
                 f"{requirement}: {title} (model joined to the deployed resources)")(validate)


def _declared_policy(requirement: str, title: str) -> None:
    def validate(args: Any, report: Report) -> None:
        found = stack_report(args.resources)
        if found is None:
            return
        for finding in found.for_requirement(requirement):
            if finding.severity == Severity.DECLARED and not finding.waived:
                rests = f"; rests on {finding.evidence[0]}" if finding.evidence else ""
                report(f"{requirement}: declared, not verified: {finding.message} [{found.path(finding)}]{rests}",
                       finding.resource)

    stack_policy(f"{requirement.lower()}-declared", requirement,
                 f"{requirement}: {title} — only declared (reported apart from violations, never a pass)",
                 enforcement=Enforcement.ADVISORY)(validate)


for _table in {t.requirement: t for t in TABLES}.values():
    _deployed_policy(_table.requirement, _table.title)
for _check in {c.requirement: c for c in reversed(requirement_checks())}.values():
    _declared_policy(_check.requirement, _check.title)
