"""One evaluation for validate, preview, review and the policy pack.

:func:`evaluate` runs the model checks, the join tables over the deployed
resources (or, without resources, reports every joined fact as declared),
the declarations table, the seed conflicts and the evidence documents, and
applies the region's waivers: one :class:`~medcloud.checks.ComplianceReport`.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from medcloud.checks import REGISTRY, Check, ComplianceReport
from medcloud.checks.findings import Finding, Severity, apply_waivers, declared, skipped
from medcloud.compliance.conflicts import conflicts
from medcloud.compliance.declared import DECLARATIONS
from medcloud.compliance.evidence import cite, digest_problems
from medcloud.compliance.joins import NA, TABLES, Backing, JoinTable, Undecided
from medcloud.compliance.resources import Graph, Resource
from medcloud.model import Region


def _noop(_region: Region) -> Iterable[Finding]:
    return ()


def requirement_checks() -> tuple[Check, ...]:
    """Every requirement a report lists: the model checks', the join tables' and the declarations'."""
    out = list(REGISTRY)
    known = {c.requirement for c in out}
    for table in TABLES:
        if table.requirement not in known:
            out.append(Check(table.requirement, table.title, _noop))
            known.add(table.requirement)
    for decl in DECLARATIONS:
        if decl.requirement not in known:
            out.append(Check(decl.requirement, decl.rests_on, _noop))
            known.add(decl.requirement)
    return tuple(out)


def join(table: JoinTable, region: Region, graph: Graph | None) -> Iterator[Finding]:
    """One table over the resources: verified, violation or declared per (element, resource)."""
    req = table.requirement
    for element in table.elements(region):
        if graph is None:
            yield declared(req, f"{element.label}: {table.fact} — model only, no resources examined",
                           *element.loc, evidence=("the region file",))
            continue
        matched = []
        for res in table.candidates(graph, element):
            for probe in table.probes:
                if fnmatch.fnmatchcase(res.type, probe.type):
                    value = probe.read(graph, res, element)
                    if value is not NA:
                        matched.append((probe, res, value))
        if not matched:
            kinds = ", ".join(t.split(":")[-1] for t in table.types)
            why = f" ({table.missing_why})" if table.missing_why else ""
            message = f"{element.label}: no resource realises it (looked for {kinds}){why}"
            if table.missing == Severity.SKIPPED:
                yield skipped(req, message, *element.loc)
            else:
                yield Finding(req, table.missing, message, element.loc)
            continue
        for probe, res, value in matched:
            if probe.backing != Backing.SETTING:
                shown = f"{probe.prop}={value}" if value is not None else probe.prop
                yield declared(req, f"{element.label}: rests on {shown} of {res.type.split(':')[-1]} — {probe.why}",
                               *element.loc, evidence=(f"{shown} on {res.urn}",), resource=res.urn)
            elif value is None:
                yield Finding(req, Severity.ERROR, f"{element.label}: {res.type.split(':')[-1]} sets no "
                              f"{probe.prop}", element.loc, resource=res.urn)
            elif isinstance(problem := table.accept(value, element), Undecided):
                yield declared(req, f"{element.label}: {res.type.split(':')[-1]} {probe.prop}: {problem}",
                               *element.loc, evidence=(f"{probe.prop} on {res.urn}",), resource=res.urn)
            elif problem is not None:
                yield Finding(req, Severity.ERROR, f"{element.label}: {res.type.split(':')[-1]} {probe.prop}: "
                              f"{problem}", element.loc, resource=res.urn)
            else:
                yield Finding(req, Severity.VERIFIED, f"{element.label}: {res.type.split(':')[-1]} "
                              f"{probe.prop} = {_show(value)}", element.loc, resource=res.urn)


def _show(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def joined_findings(region: Region, resources: Iterable[Resource] | None) -> list[Finding]:
    graph = Graph(resources) if resources is not None else None
    return [replace(f, joined=True) for table in TABLES for f in join(table, region, graph)]


def declared_findings(region: Region) -> list[Finding]:
    return [declared(d.requirement, f"{text} (declared)", *loc, evidence=(d.rests_on,))
            for d in DECLARATIONS for loc, text in d.elements(region)]


def evaluate(region: Region, resources: Iterable[Resource] | None = None, *, base_dir: Path | None = None,
             today: dt.date | None = None, source: str | None = None) -> ComplianceReport:
    """The region's compliance: model checks plus the deployed ``resources`` (None: the model alone)."""
    findings: list[Finding] = []
    for chk in REGISTRY:
        findings.extend(chk.fn(region))
    findings += joined_findings(region, resources)
    findings += declared_findings(region)
    findings += conflicts(region)
    findings += digest_problems(region, base_dir)
    data = region.model_dump(mode="json")
    findings = cite(region, findings, data, base_dir)
    described = source or ("model only" if resources is None else "resources")
    return ComplianceReport(region, requirement_checks(), tuple(apply_waivers(region, findings, today, data)),
                            data, described)


def preview_resources(document: dict[str, object]) -> list[Resource]:
    """The resources of a preview document (offline or ``pulumi preview --json``)."""
    from medcloud.compliance.resources import from_states
    from medcloud.review.document import parse_document

    body = {k: v for k, v in document.items() if k != "policyViolations"}
    return from_states(parse_document(body, "preview").resources())


def evaluate_stack(stack_arg: str, *, model_only: bool = False, root: Path | None = None,
                   today: dt.date | None = None) -> tuple[ComplianceReport, object]:
    """Load STACK; unless ``model_only`` (or given a bare region file), run the program under the mock
    engine (the offline preview) and evaluate the model with the resources it registers.

    Returns the report and the :class:`~medcloud.stacks.LoadedRegion` (for file positions).
    """
    from medcloud.stacks import load

    loaded = load(stack_arg, root)
    base_dir = loaded.ref.region_file.parent
    if model_only or loaded.ref.stack_file is None:
        why = "model only" if model_only else "model only (a region file: no stack to preview)"
        return evaluate(loaded.region, None, base_dir=base_dir, today=today, source=why), loaded
    from medcloud.preview import preview

    result = preview(stack_arg, root)
    resources = preview_resources(result.to_json([]))
    source = f"offline preview of stack {loaded.ref.name}: {len(resources)} resources"
    return evaluate(loaded.region, resources, base_dir=base_dir, today=today, source=source), loaded


#: Status order, best first: a move to the right is a regression a review flags.
STATUS_RANK = {"compliant": 0, "waived": 1, "skipped": 2, "declared": 3, "violation": 4}


def statuses_of(resources: Iterable[Resource]) -> dict[str, str] | None:
    """Requirement → status for a preview's resources, the region model read from its Region component."""
    from medcloud.policy.model import REGION_TYPE, find_model, region_report

    items = list(resources)
    for res in items:
        if REGION_TYPE.match(res.type):
            model = find_model(res.props)
            region = region_report(model).region if model is not None else None
            if isinstance(region, Region):
                report = evaluate(region, items)
                return {req: report.status(req) for req, _ in report.requirements}
    return None


def status_changes(base: dict[str, str] | None, head: dict[str, str] | None) -> list[tuple[str, str, str, bool]]:
    """(requirement, base status, head status, regression) for every requirement whose status moved."""
    if base is None or head is None:
        return []
    out = []
    for req in sorted(set(base) | set(head)):
        before, after = base.get(req, "compliant"), head.get(req, "compliant")
        if before != after:
            out.append((req, before, after, STATUS_RANK.get(after, 0) > STATUS_RANK.get(before, 0)))
    return out
