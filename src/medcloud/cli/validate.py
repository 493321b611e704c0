"""``medcloud validate STACK``: the region's compliance, per requirement.

A stack is checked on the model *and* on the resources its program
registers: the program runs under the Pulumi SDK's mock engine (the offline
preview) and the join tables compare each model fact with the resource that
realises it (``medcloud.compliance``).  ``--model-only`` (or a bare region
file) skips the program: every joined fact is then reported ``declared``.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from medcloud.cli.jsonout import print_json

if TYPE_CHECKING:  # every command's module is imported to build the parser: checks and rich load in the handler
    from rich.console import Console
    from rich.text import Text

    from medcloud.checks import ComplianceReport
    from medcloud.stacks import LoadedRegion

STATUS_STYLE = {"compliant": "green", "violation": "bold red", "declared": "cyan", "waived": "yellow",
                "skipped": "magenta"}
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "waived": "yellow", "skipped": "magenta",
                  "declared": "cyan", "verified": "green", "note": "blue"}


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "validate",
        help="check a region and the resources it deploys against the standards",
        description="Validate a region: the model checks plus, for a stack, the resources its program "
                    "registers (run offline under the mock engine). Per requirement: compliant, declared, "
                    "violation, waived or skipped. Exit 0 no violation, 1 violations, 2 bad input.",
    )
    parser.add_argument("stack", metavar="STACK", help="stack name (dev), stack file or region file")
    parser.add_argument("--format", choices=("table", "json", "junit", "sarif"), default="table",
                        help="junit/sarif: for CI systems (one case per requirement finding, at file:line)")
    parser.add_argument("--model-only", action="store_true",
                        help="do not run the program: joined requirements report declared")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from medcloud.compliance.engine import evaluate_stack
    from medcloud.console import terminal_console
    from medcloud.stacks import LoadedRegion, display_path

    report, loaded = evaluate_stack(args.stack, model_only=args.model_only)
    assert isinstance(loaded, LoadedRegion)
    if args.format in ("json", "junit", "sarif"):
        document = report.to_json()
        for req in document["requirements"]:
            for finding, raw in zip(req["findings"], report.for_requirement(req["requirement"]), strict=True):
                finding["source"] = loaded.position(raw.loc)
        if args.format == "json":
            print_json(document)
        else:
            from medcloud.ciformats import junit, sarif, validate_cases

            cases, rules = validate_cases(document, display_path(loaded.ref.region_file))
            print(junit(cases, name=f"medcloud validate {report.region.name}") if args.format == "junit"
                  else sarif(cases, rules=rules), end="")
    else:
        render_table(report, loaded, terminal_console())
    return 0 if not report.violations else 1


def verdict(report: ComplianceReport) -> str:
    """``dev: 3 violation(s), 12 declared, 1 waived, 0 skipped, 10 compliant`` (requirements per status)."""
    counts = report.counts()
    return (f"{report.region.name}: {counts['violation']} violation(s), {counts['declared']} declared, "
            f"{counts['waived']} waived, {counts['skipped']} skipped, {counts['compliant']} compliant "
            f"({report.resources})")


def render_table(report: ComplianceReport, loaded: LoadedRegion, console: Console) -> None:
    from rich.text import Text

    from medcloud.checks.findings import Severity
    from medcloud.tables import Column, fitted

    region = report.region
    columns = (Column("requirement", atom=True), Column("status", atom=True), Column("finding"),
               Column("source", atom=True))
    rows: list[tuple[str | Text, ...]] = []
    for req, title in report.requirements:
        found = [f for f in report.for_requirement(req) if f.severity != Severity.VERIFIED]
        verified = [f for f in report.for_requirement(req) if f.severity == Severity.VERIFIED]
        status = report.status(req)
        lines: list[tuple[Text, str]] = []
        if not found:
            lines.append((Text(title, style="dim"), ""))
        for finding in found:
            label = finding.severity.value if not finding.waived else "waived"
            message = Text(f"{label}: ", style=SEVERITY_STYLE[label])
            message.append(finding.message, style="default")
            message.append(f"\n{report.path(finding)}", style="dim")
            if finding.resource:
                message.append(f"\nresource: {finding.resource}", style="dim")
            for item in finding.evidence:
                message.append(f"\nevidence: {item}", style="cyan")
            if finding.conflict:
                message.append(f"\nconflict {finding.conflict}", style="blue")
            if finding.waived:
                message.append(f"\nwaiver: {finding.waived}", style="yellow")
            lines.append((message, loaded.position(finding.loc)))
        if verified:
            lines.append((Text(f"verified on {len(verified)} resource(s)", style="green"), ""))
        for i, (message, source) in enumerate(lines):
            rows.append((req if i == 0 else "", Text(status, style=STATUS_STYLE[status]) if i == 0 else "",
                         message, Text(source, style="cyan")))
    title = f"region {region.name}: {len(region.centres)} centres, {len(region.systems)} systems — {report.resources}"
    console.print(fitted(title, columns, rows, console.width))
    console.print(verdict(report))
