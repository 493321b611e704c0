"""The preview as Pulumi's CLI shows a plan: a resource tree coloured by operation, then counts.

Rendered with rich at a given width: a label too long for its line folds onto
the next (names break at spaces first, and only a name longer than the whole
line is folded mid-word), nothing is cropped; counts per centre and per type are
:mod:`medcloud.tables` tables (records where a table would not fit).  Values the
engine knows only after apply show as ``(known after apply)``.  With no colour
system the text carries no escape at all.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from medcloud.escape import terminal
from medcloud.operations import OPS_ORDER, REGION_WIDE, STYLE, SYMBOL, centre_of
from medcloud.preview.document import provider_urn
from medcloud.preview.engine import UNKNOWN

if TYPE_CHECKING:
    from medcloud.preview.document import Preview
    from medcloud.preview.engine import Registration

#: How the tree shows a value the engine knows only after apply (ids, addresses), as Pulumi does.
KNOWN_AFTER_APPLY = "(known after apply)"

#: Inputs worth showing under a resource in the tree, in this order.
TREE_INPUTS = (
    "cidr", "cidrBlock", "zoneId", "destinationCidr", "nextHop", "direction", "protocol", "ipProtocol",
    "portRangeMin", "portRangeMax", "portRange", "remoteIpPrefix", "cidrIp", "size", "volumeType",
    "category", "encrypted", "keySpec", "protectionLevel", "encryptionAlgorithm", "authAlgorithm",
    "vpnType", "networkType", "storageClass", "storagePolicy", "retentionPeriodInDays", "timePoints",
    "retentionDays", "peerAddress",
)

LEVEL_STYLE = {"mandatory": "bold red", "advisory": "yellow", "remediate": "cyan", "disabled": "dim"}


def known(value: Any, unknown: str) -> Any:
    """``value`` with the engine's unknown marker shown as :data:`KNOWN_AFTER_APPLY` (never as an id)."""
    if value == unknown:
        return KNOWN_AFTER_APPLY
    if isinstance(value, dict):
        return {k: known(v, unknown) for k, v in value.items()}
    if isinstance(value, list):
        return [known(v, unknown) for v in value]
    return value


def _short(value: Any, unknown: str) -> str:
    if value == unknown:
        return KNOWN_AFTER_APPLY
    if isinstance(value, list):
        return ",".join(_short(v, unknown) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def inline_inputs(reg: Registration, unknown: str) -> str:
    """The inputs of :data:`TREE_INPUTS` the resource has, as ``key=value`` words."""
    return " ".join(f"{key}={_short(reg.inputs[key], unknown)}" for key in TREE_INPUTS if key in reg.inputs)


class PlanTree:
    """A preview's steps arranged as Pulumi arranges them: children under parents, an operation each."""

    def __init__(self, preview: Preview, ops: Mapping[str, str] | None = None) -> None:
        self.preview = preview
        self.registrations = preview.run.registrations
        #: The operation per URN; an offline preview reads no deployed state, so every step is a create.
        self.ops = {reg.urn: (ops or {}).get(reg.urn, "create") for reg in preview.steps}
        self.children: dict[str, list[Registration]] = {}
        self.roots: list[Registration] = []
        for reg in preview.steps:
            if reg.parent and reg.parent in self.registrations:
                self.children.setdefault(reg.parent, []).append(reg)
            else:
                self.roots.append(reg)

    def _chain(self, urn: str) -> Iterator[Registration]:
        seen: set[str] = set()
        while urn in self.registrations and urn not in seen:
            seen.add(urn)
            reg = self.registrations[urn]
            yield reg
            urn = reg.parent

    def centre(self, reg: Registration) -> str:
        """Where the resource is deployed: its provider's centre, else the nearest centre above it."""
        provider = provider_urn(reg.provider)
        if provider in self.registrations:
            centre = centre_of(self._chain(provider))
            if centre != REGION_WIDE:
                return centre
        return centre_of(self._chain(reg.urn))

    def counts_by_centre(self) -> Counter[tuple[str, str]]:
        return Counter((self.centre(reg), self.ops[reg.urn]) for reg in self.preview.steps)

    def counts_by_type(self) -> Counter[tuple[str, str]]:
        return Counter((reg.type, self.ops[reg.urn]) for reg in self.preview.steps)

    # --- rendering ----------------------------------------------------------------------

    def _label(self, reg: Registration) -> Text:
        op = self.ops[reg.urn]
        label = Text(overflow="fold")
        label.append(f"{SYMBOL[op]} ", style=f"bold {STYLE[op]}")
        label.append(terminal(reg.type), style=STYLE[op])
        label.append(" ")
        label.append(terminal(reg.name), style="bold")
        inputs = inline_inputs(reg, UNKNOWN)
        if inputs:
            label.append("\n")
            label.append(terminal(inputs), style="dim")
        return label

    def _branch(self, tree: Tree, reg: Registration) -> None:
        for kid in self.children.get(reg.urn, []):
            self._branch(tree.add(self._label(kid)), kid)

    def trees(self) -> list[Tree]:
        out = []
        for root in self.roots:
            tree = Tree(self._label(root), guide_style="dim")
            self._branch(tree, root)
            out.append(tree)
        return out

    @staticmethod
    def _count_table(header: str, counts: Counter[tuple[str, str]], keys: list[str]) -> Table:
        """Counts per operation, then the key: the numbers never wrap, a key too long for the line folds."""
        ops = [op for op in OPS_ORDER if any(o == op for _, o in counts)]
        table = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 2, 0, 0), header_style="bold")
        for op in ops:
            table.add_column(f"{SYMBOL[op]} {op}", justify="right", no_wrap=True, style=STYLE[op])
        table.add_column(header, overflow="fold")
        for key in keys:
            table.add_row(*(str(counts.get((key, op), 0)) for op in ops), terminal(key))
        return table

    def summary(self) -> list[RenderableType]:
        steps = self.preview.steps
        custom = sum(1 for s in steps if s.custom)
        by_op = Counter(self.ops.values())
        head = Text("Resources:", style="bold")
        parts: list[RenderableType] = [Text(""), head]
        for op in OPS_ORDER:
            if by_op.get(op):
                line = Text("    ")
                line.append(f"{SYMBOL[op]} {by_op[op]} to {op}", style=STYLE[op])
                parts.append(line)
        parts.append(Text(f"    ({custom} cloud resources, {len(steps) - custom} components and stack)"))
        by_centre = self.counts_by_centre()
        centres = sorted({c for c, _ in by_centre}, key=lambda c: (c == REGION_WIDE, c))
        by_type = self.counts_by_type()
        types = sorted({t for t, _ in by_type})
        parts += [Text(""), Padding(self._count_table("centre", by_centre, centres), (0, 0, 0, 4)),
                  Text(""), Padding(self._count_table("type", by_type, types), (0, 0, 0, 4))]
        return parts


def _outputs(outputs: Mapping[str, Any], unknown: str) -> list[RenderableType]:
    if not outputs:
        return []
    parts: list[RenderableType] = [Text(""), Text("Outputs:", style="bold")]
    for key, value in sorted(outputs.items()):
        line = Text(overflow="fold")
        line.append(f"{terminal(key)}: ", style="bold")
        line.append(terminal(json.dumps(known(value, unknown), sort_keys=True, ensure_ascii=False)))
        parts.append(Padding(line, (0, 0, 0, 4)))
    return parts


def _violations(violations: list[dict[str, Any]]) -> list[RenderableType]:
    declared = sum(1 for v in violations if str(v.get("policy", "")).endswith("-declared"))
    mandatory = sum(1 for v in violations
                    if v.get("enforcement", v.get("enforcementLevel", "mandatory")) == "mandatory")
    # Declared findings (``r-…-declared``, advisory) are counted apart: only a declaration backs them.
    head = Text("Policy violations: ", style="bold")
    head.append(f"{len(violations)} ({mandatory} mandatory, {declared} declared only, not verified)",
                style="bold red" if mandatory else "")
    parts: list[RenderableType] = [Text(""), head]
    for violation in violations:
        level = str(violation.get("enforcement", violation.get("enforcementLevel", "mandatory")))
        name = str(violation.get("policy", violation.get("policyName", "?")))
        line = Text(overflow="fold")
        line.append(f"[{terminal(level)}] ", style=LEVEL_STYLE.get(level, ""))
        line.append(terminal(name), style="bold")
        line.append(f": {terminal(violation.get('message', ''))}")
        urn = violation.get("urn", "")
        if urn:
            line.append("\n")
            line.append(terminal(urn), style="dim")
        parts.append(Padding(line, (0, 0, 0, 4)))
    return parts


def render(preview: Preview, violations: list[dict[str, Any]], *, width: int,
           color_system: str | None = None) -> str:
    """The tree, outputs, counts and policy violations as text ``width`` columns wide.

    ``color_system`` (rich's: ``standard``, ``256``, ``truecolor``) adds colour; ``None``
    gives plain text with no escape sequence.
    """
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=color_system,  # type: ignore[arg-type]
                      force_terminal=color_system is not None, highlight=False, emoji=False,
                      legacy_windows=False, no_color=False)
    plan = PlanTree(preview)
    title = Text(f"Previewing stack {terminal(preview.run.project)}/{terminal(preview.run.stack)}", style="bold")
    title.append(" (offline, mock engine)")
    note = Text("No deployed state is read: every resource is a create.", style="dim")
    parts: list[RenderableType] = [title, note, Text("")]
    parts += plan.trees()
    stack_outputs = next((preview.run.outputs[r.urn] for r in plan.roots if r.urn in preview.run.outputs), {})
    parts += _outputs(stack_outputs, UNKNOWN)
    parts += plan.summary()
    parts += _violations(violations)
    console.print(Group(*parts), crop=False)
    text = buffer.getvalue()
    # rich pads each line of a padded block to the width; plain text keeps no trailing blanks.
    return text if color_system else "".join(line.rstrip() + "\n" for line in text.splitlines())
