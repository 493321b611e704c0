"""The terminal summary: one line per device, then what failed and why."""

from __future__ import annotations

from medcloud.hardware.reports.html import attention, racks
from medcloud.hardware.verify.results import Report, Status
from rich.console import Console
from rich.table import Table
from rich.text import Text

STYLE = {Status.PASS: "green", Status.SKIPPED: "dim", Status.FAIL: "bold red", Status.ERROR: "bold magenta"}


def render(report: Report, console: Console) -> None:
    table = Table(title=f"hardware acceptance: {report.inventory}", expand=False)
    for column in ("device", "rack", "profile", "status", "pass", "fail", "error", "skipped"):
        table.add_column(column, no_wrap=column != "profile", overflow="fold")
    for rack in racks(report):
        for device in rack.devices:
            counts = device.counts()
            table.add_row(device.name, f"{device.centre}/{device.room}/{device.rack}", device.profile,
                          Text(device.status.value, style=STYLE[device.status]),
                          *(str(counts[s]) for s in ("pass", "fail", "error", "skipped")))
    console.print(table)
    for device, check in attention(report):
        line = Text(f"{device.name} ", style="bold")
        line.append(f"[{check.status.value}] ", style=STYLE[check.status])
        line.append(f"{check.check} ({check.requirement}): ")
        line.append(check.reason or f"expected {check.expected}, got {check.actual}")
        console.print(line)
    counts = report.counts()
    if not report.complete:
        console.print(f"[yellow]INCOMPLETE[/]: interrupted, {len(report.not_run)} device(s) not verified: "
                      + ", ".join(report.not_run))
    elif report.passed:
        console.print(f"[green]ACCEPTED[/]: {len(report.devices)} device(s), {counts['pass']} checks passed")
    else:
        console.print(f"[bold red]NOT ACCEPTED[/]: {counts['fail']} failed, {counts['error']} errors "
                      f"over {len(report.devices)} device(s)")
