"""The terminal summary: one line per device, then what failed and why."""

from __future__ import annotations

from medcloud.hardware.reports.html import attention, racks
from medcloud.hardware.verify.results import Report, Status
from rich.console import Console
from rich.text import Text

from medcloud.escape import rich_markup, terminal
from medcloud.tables import Cell, Column, fitted

#: Check counts per device, in the summary's order.
COUNTED = ("pass", "fail", "error", "skipped")
STYLE = {Status.PASS: "green", Status.SKIPPED: "dim", Status.FAIL: "bold red", Status.ERROR: "bold magenta"}


#: The summary's columns: every one an atom (names, racks, profiles, counts are never split or cropped).
COLUMNS = (Column("device", atom=True), Column("rack", atom=True), Column("profile", atom=True),
           Column("status", atom=True), *(Column(s, atom=True, justify="right") for s in COUNTED))


def render(report: Report, console: Console) -> None:
    rows: list[tuple[Cell, ...]] = []
    for rack in racks(report):
        for device in rack.devices:
            counts = device.counts()
            rows.append((Text(terminal(device.name)), Text(terminal(f"{device.centre}/{device.room}/{device.rack}")),
                         Text(terminal(device.profile)), Text(device.status.value, style=STYLE[device.status]),
                         *(str(counts[s]) for s in COUNTED)))
    # A table when it fits the terminal, else one record per device: at 80 columns nothing is cropped.
    console.print(fitted(f"hardware acceptance: {terminal(report.inventory)}", COLUMNS, rows, console.width))
    for device, check in attention(report):
        # Values a device reported (an LLDP neighbour, a model string) reach the terminal escaped.
        line = Text(f"{terminal(device.name)} ", style="bold")
        line.append(f"[{check.status.value}] ", style=STYLE[check.status])
        line.append(terminal(f"{check.check} ({check.requirement}): "))
        line.append(terminal(check.reason or f"expected {check.expected}, got {check.actual}"))
        console.print(line)
    # Manual follow-ups, one line per task (the same datasheet for 200 servers is one line).
    tasks: dict[tuple[str, str, str, str], list[str]] = {}
    for device, check in report.follow_ups():
        assert check.follow_up is not None
        key = (check.check, check.requirement, check.follow_up.who, check.follow_up.what)
        tasks.setdefault(key, []).append(device.name)
    for (check_id, requirement, who, what), names in tasks.items():
        line = Text("[manual] ", style="cyan")
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        line.append(terminal(f"{check_id} ({requirement}): {who}: {what} — {shown}"))
        console.print(line)
    console.print(banner(report))


def banner(report: Report) -> str:
    """The one-line verdict (rich markup): outcome, counts, manual follow-ups."""
    counts = report.counts()
    manual = f"; {counts['manual_follow_ups']} manual follow-up(s)" if counts["manual_follow_ups"] else ""
    if report.outcome == "incomplete":
        return (f"[yellow]INCOMPLETE[/]: interrupted, {len(report.not_run)} device(s) not verified: "
                + rich_markup(", ".join(report.not_run)))
    if report.outcome == "accepted":
        return f"[green]ACCEPTED[/]: {len(report.devices)} device(s), {counts['pass']} checks passed{manual}"
    failed = sum(1 for _, c in report.findings() if c.status is Status.FAIL)
    errors = counts["findings"] - failed
    verdict = "NOT ACCEPTED" if report.outcome == "failed" else "NOT VERIFIED"
    return (f"[bold red]{verdict}[/]: {failed} failed, {errors} could not be checked (unreachable or unreadable) "
            f"over {len(report.devices)} device(s){manual}")
