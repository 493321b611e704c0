"""The review: what a change does between two previews, and what it does to compliance.

``review(base, head)`` compares the resources each preview wants.  For a
resource a partial (real) preview leaves out, the deployed state its steps
recorded stands in, so an omitted resource is "unchanged", never "deleted".
Operations come out as create, update, replace or delete; a replacement is
the engine's verdict when the HEAD preview says so (``replace`` steps,
``*-replace`` detailed diffs) and the provider schema's otherwise.  The
compliance delta runs the current policy pack over both sides, so old and new
violations are judged by the same rules.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from medcloud.operations import OPS_ORDER as OPS_ORDER  # noqa: PLC0414 -- re-export
from medcloud.operations import REGION_WIDE as REGION_WIDE  # noqa: PLC0414 -- re-export
from medcloud.operations import centre_of
from medcloud.policy.config import PackConfig
from medcloud.policy.evaluate import Evaluation, Memo, Violation, evaluate
from medcloud.review.diff import PropertyChange, diff_inputs, is_secret, lookup, top_key
from medcloud.review.document import (
    REPLACE_OPS,
    STACK_TYPE,
    PreviewDocument,
    ResourceState,
    Step,
    urn_name,
)
from medcloud.review.risk import forces_replacement, risk_flags


@dataclass(frozen=True)
class Change:
    op: str
    urn: str
    type: str
    name: str
    custom: bool
    centre: str
    component: str
    properties: tuple[PropertyChange, ...]
    risks: tuple[str, ...]
    #: Replacement predicted from the provider schema rather than stated by the engine.
    predicted: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "op": self.op, "urn": self.urn, "type": self.type, "name": self.name, "centre": self.centre,
            "component": self.component, "properties": [p.to_json() for p in self.properties],
            "risks": list(self.risks),
        }
        if self.predicted:
            out["predicted"] = True
        return out


def _key(v: Violation) -> tuple[str, str, str]:
    # Figures in messages move (150.2 km → 149.8 km); the finding is the same one.
    return v.policy, v.urn, re.sub(r"\d+(\.\d+)?", "#", v.message)


@dataclass
class ComplianceDelta:
    introduced: list[Violation] = field(default_factory=list)
    fixed: list[Violation] = field(default_factory=list)
    unchanged: list[Violation] = field(default_factory=list)
    base: Evaluation = field(default_factory=Evaluation)
    head: Evaluation = field(default_factory=Evaluation)
    #: (requirement, base status, head status, regression): compliant → declared → violation moves are
    #: regressions (a verified requirement now only declared, a replication removed, a gateway too slow).
    statuses: list[tuple[str, str, str, bool]] = field(default_factory=list)

    @property
    def regressions(self) -> list[tuple[str, str, str, bool]]:
        return [s for s in self.statuses if s[3]]

    @classmethod
    def of(cls, base: Evaluation, head: Evaluation) -> ComplianceDelta:
        base_keys = {_key(v) for v in base.violations}
        head_keys = {_key(v) for v in head.violations}
        return cls(
            introduced=[v for v in head.violations if _key(v) not in base_keys],
            fixed=[v for v in base.violations if _key(v) not in head_keys],
            unchanged=[v for v in head.violations if _key(v) in base_keys],
            base=base, head=head,
        )

    @property
    def blocking(self) -> list[Violation]:
        """Mandatory violations the change introduces: these fail the review."""
        return [v for v in self.introduced if v.mandatory]

    def to_json(self) -> dict[str, Any]:
        return {
            "introduced": [v.to_json() for v in self.introduced],
            "fixed": [v.to_json() for v in self.fixed],
            "unchanged": [v.to_json() for v in self.unchanged],
            "notRun": [{"policy": p, "urn": u, "reason": r} for p, u, r in self.head.unknown],
            "statusChanges": [{"requirement": r, "base": b, "head": h, "regression": g}
                              for r, b, h, g in self.statuses],
        }


@dataclass
class Review:
    base: str
    head: str
    changes: list[Change]
    compliance: ComplianceDelta

    @property
    def summary(self) -> dict[str, int]:
        counts = Counter(c.op for c in self.changes)
        return {op: counts.get(op, 0) for op in OPS_ORDER}

    @property
    def risky(self) -> list[Change]:
        return [c for c in self.changes if c.risks]

    @property
    def blocking(self) -> bool:
        return bool(self.compliance.blocking)

    def grouped(self) -> dict[str, dict[str, list[Change]]]:
        """centre → component → changes, centres and components in name order."""
        out: dict[str, dict[str, list[Change]]] = {}
        for change in sorted(self.changes, key=lambda c: (c.centre == REGION_WIDE, c.centre, c.component,
                                                         OPS_ORDER.index(c.op), c.urn)):
            out.setdefault(change.centre, {}).setdefault(change.component, []).append(change)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base, "head": self.head,
            "summary": self.summary,
            "blocking": self.blocking,
            "changes": [c.to_json() for c in self.changes],
            "risks": [{"urn": c.urn, "op": c.op, "risks": list(c.risks)} for c in self.risky],
            "compliance": self.compliance.to_json(),
        }


class _Hierarchy:
    """Parents and inputs of every resource either side knows, to name centres and components."""

    def __init__(self, *maps: dict[str, ResourceState]) -> None:
        self.states: dict[str, ResourceState] = {}
        for states in maps:
            for urn, state in states.items():
                self.states.setdefault(urn, state)

    def chain(self, state: ResourceState) -> list[ResourceState]:
        out, seen = [state], {state.urn}
        while out[-1].parent and out[-1].parent in self.states and out[-1].parent not in seen:
            parent = self.states[out[-1].parent]
            seen.add(parent.urn)
            out.append(parent)
        return out

    def centre(self, state: ResourceState) -> str:
        return centre_of(self.chain(state))

    def component(self, state: ResourceState) -> str:
        for item in self.chain(state):
            if item.type.startswith("medcloud:") and not item.type.endswith((":Region", ":Centre")):
                return f"{item.type.rsplit(':', 1)[-1]} {item.name}"
        if state.type.startswith("medcloud:"):
            return f"{state.type.rsplit(':', 1)[-1]} {state.name}"
        return "(no component)"


def _resolve(doc: PreviewDocument, other: PreviewDocument, urn: str) -> ResourceState | None:
    if urn in doc.desired:
        return doc.desired[urn]
    if doc.complete or urn in doc.deleted:
        return None
    # A partial preview leaves unchanged resources out: they stay as deployed, and
    # with no record of the deployed state the other side's view is the best one.
    return doc.prior.get(urn) or other.prior.get(urn) or other.desired.get(urn)


def _engine_replaces(head: Step | None, base: Step | None) -> bool:
    if head is None or head.op not in REPLACE_OPS:
        return False
    # Both sides replacing for the same reasons: the replacement is not this change's doing.
    return not (base is not None and base.op in REPLACE_OPS and base.replace_reasons == head.replace_reasons)


def _replace_paths(step: Step | None) -> set[str]:
    if step is None:
        return set()
    paths = {p for p, (kind, _) in (step.detailed_diff or {}).items() if kind.endswith("-replace")}
    return paths | set(step.replace_reasons)


def _engine_only(step: Step, before: ResourceState, after: ResourceState, seen: set[str]) -> list[PropertyChange]:
    """Detailed-diff entries the inputs cannot show: blinded secrets and output-only drift."""
    out = []
    for path, (kind, _) in sorted((step.detailed_diff or {}).items()):
        if path in seen:
            continue
        found_old, old = lookup({**before.outputs, **before.inputs}, path)
        found_new, new = lookup({**after.outputs, **after.inputs}, path)
        secret = (found_old and is_secret(old)) or (found_new and is_secret(new))
        out.append(PropertyChange(path, kind.removesuffix("-replace"), None if secret else old,
                                  None if secret else new, kind.endswith("-replace"), secret))
    return out


def _changes(base: PreviewDocument, head: PreviewDocument) -> list[Change]:
    hierarchy = _Hierarchy(head.desired, base.desired, head.prior, base.prior)
    urns = list(dict.fromkeys([*base.desired, *head.desired, *base.deleted, *head.deleted]))
    out: list[Change] = []
    for urn in urns:
        before, after = _resolve(base, head, urn), _resolve(head, base, urn)
        state = after or before
        if state is None or state.type == STACK_TYPE:
            continue
        head_step, base_step = head.by_urn.get(urn), base.by_urn.get(urn)
        predicted = False
        if before is None:
            op, props = "create", tuple(diff_inputs({}, state.inputs))
        elif after is None:
            op, props = "delete", ()
        else:
            props = tuple(diff_inputs(before.inputs, after.inputs))
            if head_step is not None and head_step.op in ("update", "replace") and head_step.detailed_diff \
                    and (base_step is None or base_step.op != head_step.op):
                props = props + tuple(_engine_only(head_step, before, after, {p.path for p in props}))
            if not props and before.type == after.type:
                continue
            replace_paths = _replace_paths(head_step)
            props = tuple(
                PropertyChange(p.path, p.kind, p.old, p.new, p.replace or p.path in replace_paths
                               or top_key(p.path) in replace_paths, p.secret)
                for p in props
            )
            changed_keys = {top_key(p.path) for p in props}
            if before.type != after.type or _engine_replaces(head_step, base_step):
                op = "replace"
            elif after.custom and forces_replacement(after.type, changed_keys) and \
                    (head_step is None or head_step.op not in ("update", "same")):
                op, predicted = "replace", True
            else:
                op = "update"
        out.append(Change(
            op=op, urn=urn, type=state.type, name=urn_name(urn), custom=state.custom,
            centre=hierarchy.centre(state), component=hierarchy.component(state),
            properties=props, risks=tuple(risk_flags(state.type, op, state.inputs, (before or state).protect)),
            predicted=predicted,
        ))
    return out


def resolved(doc: PreviewDocument, other: PreviewDocument) -> list[ResourceState]:
    """Every resource ``doc`` leaves in the stack, omitted-but-deployed ones included."""
    urns = dict.fromkeys([*doc.desired, *doc.prior, *other.desired, *other.prior])
    return [state for urn in urns if (state := _resolve(doc, other, urn)) is not None]


def review(base: PreviewDocument, head: PreviewDocument, config: PackConfig | None = None) -> Review:
    """The changes-only review of going from ``base`` to ``head``."""
    from medcloud.compliance import from_states
    from medcloud.compliance.engine import status_changes, statuses_of

    memo = Memo()
    base_states, head_states = resolved(base, head), resolved(head, base)
    delta = ComplianceDelta.of(evaluate(base_states, config, memo=memo), evaluate(head_states, config, memo=memo))
    # Per requirement, on the deployed resources (medcloud.compliance): what got worse is flagged.
    delta.statuses = status_changes(statuses_of(from_states(base_states)), statuses_of(from_states(head_states)))
    return Review(base.source, head.source, _changes(base, head), delta)
