"""Review output: a terminal view (rich), Markdown for a pull-request comment, and JSON."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.text import Text

from medcloud import escape as md
from medcloud.operations import STYLE, SYMBOL
from medcloud.policy.evaluate import Violation
from medcloud.review.diff import PropertyChange
from medcloud.review.engine import Change, Review
from medcloud.review.risk import RISK_TEXT

#: A created resource lists its inputs; past this many the rest are counted, not shown.
MAX_PROPERTIES = 12


def to_json(review: Review) -> str:
    return json.dumps(review.to_json(), indent=2, ensure_ascii=False) + "\n"


def _verdict(review: Review) -> str:
    blocking = review.compliance.blocking
    if blocking:
        return f"blocked: {len(blocking)} new mandatory violation(s)"
    return "no new mandatory violations"


def _summary(review: Review) -> str:
    s = review.summary
    return ", ".join(f"{s[op]} to {op}" for op in s)


def _property_line(prop: PropertyChange) -> str:
    replace = "  (forces replacement)" if prop.replace else ""
    if prop.kind == "add":
        return f"+ {prop.path}: {prop.shown(prop.new)}{replace}"
    if prop.kind == "delete":
        return f"- {prop.path}: {prop.shown(prop.old)}{replace}"
    if prop.secret:
        return f"~ {prop.path}: [secret] changed{replace}"
    return f"~ {prop.path}: {prop.shown(prop.old)} → {prop.shown(prop.new)}{replace}"


def _properties(change: Change) -> tuple[list[str], int]:
    props = list(change.properties)
    if change.op == "create" and len(props) > MAX_PROPERTIES:
        return [_property_line(p) for p in props[:MAX_PROPERTIES]], len(props) - MAX_PROPERTIES
    return [_property_line(p) for p in props], 0


def _violation_line(v: Violation) -> str:
    where = v.urn.split("::")[-1] if v.urn else "stack"
    return f"[{v.requirement}] {v.message} — {where} ({v.policy}, {v.enforcement.value})"


# --- terminal ---------------------------------------------------------------------------


def render_text(review: Review, console: Console) -> None:
    title = Text("medcloud review ", style="bold")
    title.append(f"{md.terminal(review.base)} → {md.terminal(review.head)}")
    console.print(title)
    verdict = _verdict(review)
    console.print(Text(verdict, style="bold red" if review.blocking else "bold green"))
    console.print(Text(_summary(review)))
    delta = review.compliance
    console.print(Text(f"compliance: {len(delta.introduced)} introduced, {len(delta.fixed)} fixed, "
                       f"{len(delta.unchanged)} unchanged", style="bold"))
    for label, items, style in (("new", delta.introduced, "red"), ("fixed", delta.fixed, "green")):
        for v in items:
            line = Text(f"  {label:5} ", style=style)
            line.append(md.terminal(_violation_line(v)))
            console.print(line)
    for req, before, after, regression in delta.statuses:
        line = Text("  ! " if regression else "    ", style="bold red" if regression else "green")
        line.append(f"{req}: {before} → {after}" + ("  (regression on the deployed resources)" if regression else ""))
        console.print(line)
    if delta.head.unknown:
        console.print(Text(f"  {len(delta.head.unknown)} policy check(s) could not run: values unknown until the "
                           "update (see --format json, compliance.notRun)", style="dim"))
    if review.risky:
        console.print(Text("risks:", style="bold"))
        for change in review.risky:
            for flag in change.risks:
                line = Text("  ! ", style="bold yellow")
                line.append(md.terminal(f"{change.op} {change.name} ({change.type}): {RISK_TEXT[flag]}"))
                console.print(line)
    for centre, components in review.grouped().items():
        console.print(Text(f"\n{md.terminal(centre)}", style="bold underline"))
        for component, changes in components.items():
            console.print(Text(f"  {md.terminal(component)}", style="bold"))
            for change in changes:
                line = Text(f"    {SYMBOL[change.op]:2} {change.op:7} ", style=STYLE[change.op])
                line.append(md.terminal(f"{change.type} {change.name}"))
                if change.predicted:
                    line.append("  (replacement predicted from the provider schema)", style="dim")
                console.print(line)
                lines, more = _properties(change)
                for text in lines:
                    console.print(Text(f"         {md.terminal(text)}", style="dim" if change.op == "create" else ""))
                if more:
                    console.print(Text(f"         … {more} more input(s)", style="dim"))
    if not review.changes:
        console.print(Text("no resource changes", style="dim"))


# --- Markdown ------------------------------------------------------------------------------


def _violation_rows(items: list[Violation], status: str) -> list[str]:
    # Every value from the previews goes through medcloud.escape: nothing in a name can leave its cell.
    return [
        f"| {status} | {md.markdown_text(v.requirement)} | {md.markdown_code(v.policy)} "
        f"| {md.markdown_code(v.urn.split('::')[-1] or 'stack')} "
        f"| {md.markdown_text(v.message)} | {md.markdown_text(v.enforcement.value)} |"
        for v in items
    ]


def render_markdown(review: Review) -> str:
    out: list[str] = []
    icon = "❌" if review.blocking else "✅"
    out.append(f"## medcloud review: {md.markdown_code(review.base)} → {md.markdown_code(review.head)}")
    out.append("")
    out.append(f"{icon} **{_verdict(review)}**")
    out.append("")
    s = review.summary
    out.append("| create | update | replace | delete |")
    out.append("|---:|---:|---:|---:|")
    out.append(f"| {s['create']} | {s['update']} | {s['replace']} | {s['delete']} |")
    delta = review.compliance
    out.append("")
    out.append(f"### Compliance: {len(delta.introduced)} introduced, {len(delta.fixed)} fixed, "
               f"{len(delta.unchanged)} unchanged")
    if delta.introduced or delta.fixed:
        out.append("")
        out.append("| | requirement | policy | resource | message | enforcement |")
        out.append("|---|---|---|---|---|---|")
        out.extend(_violation_rows(delta.introduced, "🆕 new"))
        out.extend(_violation_rows(delta.fixed, "✔️ fixed"))
    if delta.statuses:
        out.append("")
        out.append("| requirement | base | head | |")
        out.append("|---|---|---|---|")
        out.extend(f"| {req} | {before} | {after} | {'⚠️ regression' if regression else 'improved'} |"
                   for req, before, after, regression in delta.statuses)
    if delta.unchanged:
        out.append("")
        out.append(f"<details><summary>{len(delta.unchanged)} violation(s) already present in the base</summary>")
        out.append("")
        out.append("| | requirement | policy | resource | message | enforcement |")
        out.append("|---|---|---|---|---|---|")
        out.extend(_violation_rows(delta.unchanged, "unchanged"))
        out.append("")
        out.append("</details>")
    if delta.head.unknown:
        out.append("")
        out.append(f"_{len(delta.head.unknown)} policy check(s) could not run: values unknown until the update._")
    if review.risky:
        out.append("")
        out.append("### Risks")
        out.append("")
        for change in review.risky:
            for flag in change.risks:
                out.append(f"- ⚠️ **{change.op}** {md.markdown_code(change.name)} ({md.markdown_code(change.type)}): "
                           f"{RISK_TEXT[flag]}")
    if review.changes:
        out.append("")
        out.append("### Changes")
    for centre, components in review.grouped().items():
        count = sum(len(c) for c in components.values())
        out.append("")
        out.append(f"<details><summary><b>{md.html_text(centre)}</b> "
                   f"({count} change{'s' if count != 1 else ''})</summary>")
        out.append("")
        for component, changes in components.items():
            out.append(f"#### {md.markdown_text(component)}")
            out.append("")
            for change in changes:
                note = " _(replacement predicted from the provider schema)_" if change.predicted else ""
                out.append(f"- **{change.op}** {md.markdown_code(change.type)} {md.markdown_code(change.name)}{note}")
                lines, more = _properties(change)
                if lines:
                    out.append("")
                    out.extend(md.markdown_fence([*lines, *([f"… {more} more input(s)"] if more else [])],
                                                 "diff", "  "))
            out.append("")
        out.append("</details>")
    return "\n".join(out).rstrip() + "\n"


def render(review: Review, fmt: str, console: Console | None = None) -> str | None:
    """Markdown and JSON come back as text; the terminal view prints to ``console``."""
    if fmt == "json":
        return to_json(review)
    if fmt == "markdown":
        return render_markdown(review)
    render_text(review, console or Console())
    return None


__all__: list[Any] = ["render", "render_markdown", "render_text", "to_json"]
