"""``medcloud validate STACK``: run the model checks and print a compliance report."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from medcloud.checks import ComplianceReport, run_checks
from medcloud.stacks import LoadedRegion, display_path, load

STATUS_STYLE = {"compliant": "green", "violated": "bold red", "waived": "yellow", "skipped": "magenta"}
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "waived": "yellow", "skipped": "magenta"}


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "validate",
        help="check a region against the standards (R-TOP, R-BC, R-DC, R-ST)",
        description="Validate a region model. Exit 0 compliant, 1 violations, 2 bad input.",
    )
    parser.add_argument("stack", metavar="STACK", help="stack name (dev), stack file or region file")
    parser.add_argument("--format", choices=("table", "json", "junit", "sarif"), default="table",
                        help="junit/sarif: for CI systems (one case per requirement finding, at file:line)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    loaded = load(args.stack)
    report = run_checks(loaded.region)
    if args.format in ("json", "junit", "sarif"):
        document = report.to_json()
        for req in document["requirements"]:
            for finding, raw in zip(req["findings"], report.for_requirement(req["requirement"]), strict=True):
                finding["source"] = loaded.position(raw.loc)
        if args.format == "json":
            print(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            from medcloud.ciformats import junit, sarif, validate_cases

            cases, rules = validate_cases(document, display_path(loaded.ref.region_file))
            print(junit(cases, name=f"medcloud validate {report.region.name}") if args.format == "junit"
                  else sarif(cases, rules=rules), end="")
    else:
        render_table(report, loaded, Console())
    return 0 if report.compliant else 1


def render_table(report: ComplianceReport, loaded: LoadedRegion, console: Console) -> None:
    region = report.region
    table = Table(title=f"region {region.name}: {len(region.centres)} centres, {len(region.systems)} systems",
                  show_lines=False, expand=False)
    table.add_column("requirement", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("finding")
    table.add_column("source", overflow="fold", style="cyan")
    for chk in sorted(report.checks, key=lambda c: c.requirement):
        found = report.for_requirement(chk.requirement)
        status = report.status(chk.requirement)
        if not found:
            table.add_row(chk.requirement, Text(status, style=STATUS_STYLE[status]), Text(chk.title, style="dim"), "")
            continue
        for i, finding in enumerate(found):
            label = finding.severity.value if not finding.waived else "waived"
            message = Text(f"{label}: ", style=SEVERITY_STYLE[label])
            message.append(finding.message, style="default")
            message.append(f"\n{report.path(finding)}", style="dim")
            if finding.waived:
                message.append(f"\nwaiver: {finding.waived}", style="yellow")
            table.add_row(
                chk.requirement if i == 0 else "",
                Text(status, style=STATUS_STYLE[status]) if i == 0 else "",
                message,
                loaded.position(finding.loc),
            )
    console.print(table)
    count = len(report.violations)
    verdict = "[green]compliant[/]" if report.compliant else f"[bold red]{count} violation(s)[/]"
    console.print(f"{region.name}: {verdict}")
