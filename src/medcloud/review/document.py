"""Preview documents: ``pulumi preview --json`` (display.PreviewDigest) and medcloud's offline preview.

Both carry ``steps``: ``op``, ``urn``, and ``oldState`` / ``newState`` in the
``apitype.ResourceV3`` shape (``type``, ``custom``, ``parent``, ``inputs``,
``outputs``, ``provider``…).  A real preview lists the steps against the
deployed stack and, unless ``--show-sames`` was given, leaves unchanged
resources out; the offline preview runs on an empty state, so every resource
appears (as ``create``).  :class:`PreviewDocument` records which of the two it
read (``complete``), so a review never mistakes an omitted resource for a
deleted one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medcloud.errors import SourceError
from medcloud.yamlio import load_json, source_name

#: Ops whose newState is the resource the program wants (display.StepOp labels).
LIVE_OPS = frozenset({
    "same", "create", "update", "replace", "create-replacement", "read", "read-replacement",
    "import", "import-replacement", "refresh",
})
#: Ops that remove the resource from the stack.
DELETE_OPS = frozenset({"delete", "discard"})
#: Steps of a replacement that restate the resource a replace step already names.
REPLACEMENT_PARTS = frozenset({"create-replacement", "delete-replaced", "discard-replaced",
                               "read-replacement", "import-replacement", "remove-pending-replace"})
KNOWN_OPS = LIVE_OPS | DELETE_OPS | REPLACEMENT_PARTS
#: Ops the engine turns into a physical replacement.
REPLACE_OPS = frozenset({"replace", "create-replacement", "delete-replaced", "read-replacement",
                         "import-replacement"})

STACK_TYPE = "pulumi:pulumi:Stack"


def urn_name(urn: str) -> str:
    """The resource name: everything after the fourth ``::``-separated part."""
    parts = urn.split("::", 3)
    return parts[3] if len(parts) == 4 else urn


@dataclass(frozen=True)
class ResourceState:
    """One resource as a step's newState or oldState describes it."""

    urn: str
    type: str
    custom: bool
    parent: str | None
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    provider: str | None = None
    protect: bool = False
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return urn_name(self.urn)


@dataclass(frozen=True)
class Step:
    op: str
    urn: str
    old: ResourceState | None
    new: ResourceState | None
    diff_reasons: tuple[str, ...] = ()
    replace_reasons: tuple[str, ...] = ()
    #: property path → (kind, inputDiff); kind is add/delete/update, with "-replace" when it forces one.
    detailed_diff: Mapping[str, tuple[str, bool]] | None = None


@dataclass
class PreviewDocument:
    source: str
    steps: list[Step]
    #: Every resource of the program is present (offline preview, or --show-sames).
    complete: bool
    #: Violations the document itself recorded (medcloud's offline preview), as JSON objects.
    recorded_violations: list[dict[str, Any]] | None = None
    #: urn → the state the program wants / the state deployed before the preview.
    desired: dict[str, ResourceState] = field(default_factory=dict)
    prior: dict[str, ResourceState] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    by_urn: dict[str, Step] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for step in self.steps:
            if step.old is not None:
                self.prior.setdefault(step.urn, step.old)
            if step.op in LIVE_OPS and step.new is not None:
                self.desired[step.urn] = step.new
            elif step.op in DELETE_OPS:
                self.deleted.add(step.urn)
            # The logical step (replace, update…) speaks for the resource; parts only fill gaps.
            if step.op not in REPLACEMENT_PARTS or step.urn not in self.by_urn:
                self.by_urn[step.urn] = step
        for urn in self.desired:
            self.deleted.discard(urn)

    def resources(self) -> list[ResourceState]:
        """The resources the program wants, in step order (what policies see)."""
        return list(self.desired.values())


def _fail(source: str, reason: str, field_name: str | None = None) -> SourceError:
    return SourceError(source, reason, field=field_name)


def _strings(raw: Any, source: str, where: str) -> tuple[str, ...]:
    """A JSON list of strings (absent or null: empty); any other shape is a :class:`SourceError`."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise _fail(source, "must be a list of strings", where)
    return tuple(raw)


def _flag(raw: Mapping[str, Any], key: str, source: str, where: str) -> bool:
    value = raw.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _fail(source, "must be true or false", f"{where}.{key}")
    return value


def _text(raw: Mapping[str, Any], key: str, source: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _fail(source, "must be a string", f"{where}.{key}")
    return value


def _state(raw: Any, source: str, where: str) -> ResourceState | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise _fail(source, "must be an object", where)
    kind = raw.get("type")
    if not isinstance(kind, str) or not kind:
        raise _fail(source, "type is missing", f"{where}.type")
    for key in ("inputs", "outputs"):
        if raw.get(key) is not None and not isinstance(raw.get(key), Mapping):
            raise _fail(source, "must be an object", f"{where}.{key}")
    deps = raw.get("propertyDependencies")
    if deps is not None and not isinstance(deps, Mapping):
        raise _fail(source, "must be an object", f"{where}.propertyDependencies")
    return ResourceState(
        urn=_text(raw, "urn", source, where) or "", type=kind,
        custom=_flag(raw, "custom", source, where),
        parent=_text(raw, "parent", source, where),
        inputs=raw.get("inputs") or {}, outputs=raw.get("outputs") or {},
        provider=_text(raw, "provider", source, where),
        protect=_flag(raw, "protect", source, where),
        dependencies=_strings(raw.get("dependencies"), source, f"{where}.dependencies"),
        property_dependencies={str(k): _strings(v, source, f"{where}.propertyDependencies.{k}")
                               for k, v in (deps or {}).items()},
    )


def parse_document(data: Any, source: str) -> PreviewDocument:
    """Validate and read a preview document; a malformed one raises :class:`SourceError`."""
    if not isinstance(data, Mapping):
        raise _fail(source, "a preview document is a JSON object with steps")
    raw_steps = data.get("steps", [])
    if not isinstance(raw_steps, list):
        raise _fail(source, "must be a list", "steps")
    steps: list[Step] = []
    for i, raw in enumerate(raw_steps):
        where = f"steps[{i}]"
        if not isinstance(raw, Mapping):
            raise _fail(source, "must be an object", where)
        op, urn = raw.get("op"), raw.get("urn")
        if op not in KNOWN_OPS:
            raise _fail(source, f"unknown op {op!r}", f"{where}.op")
        if not isinstance(urn, str) or not urn.startswith("urn:pulumi:"):
            raise _fail(source, f"not a Pulumi URN: {urn!r}", f"{where}.urn")
        new = _state(raw.get("newState"), source, f"{where}.newState")
        old = _state(raw.get("oldState"), source, f"{where}.oldState")
        if op in LIVE_OPS and new is None:
            raise _fail(source, f"a {op} step needs newState", where)
        new = _with_urn(new, urn)
        old = _with_urn(old, urn)
        detailed = raw.get("detailedDiff")
        diff: dict[str, tuple[str, bool]] | None = None
        if detailed is not None and not isinstance(detailed, Mapping):
            raise _fail(source, "must be an object", f"{where}.detailedDiff")
        if isinstance(detailed, Mapping):
            diff = {}
            for path, entry in detailed.items():
                if not isinstance(entry, Mapping):
                    raise _fail(source, "must be an object", f"{where}.detailedDiff.{path}")
                # PropertyDiff serialises its kind as "kind"; some tools write "diffKind".
                kind = entry.get("kind", entry.get("diffKind", "update"))
                if not isinstance(kind, str):
                    raise _fail(source, "must be a string", f"{where}.detailedDiff.{path}.kind")
                diff[str(path)] = (kind, _flag(entry, "inputDiff", source, f"{where}.detailedDiff.{path}"))
        steps.append(Step(
            op=str(op), urn=urn, old=old, new=new,
            diff_reasons=_strings(raw.get("diffReasons"), source, f"{where}.diffReasons"),
            replace_reasons=_strings(raw.get("replaceReasons"), source, f"{where}.replaceReasons"),
            detailed_diff=diff,
        ))
    recorded = data.get("policyViolations")
    if recorded is not None and not (isinstance(recorded, list)
                                     and all(isinstance(v, Mapping) for v in recorded)):
        raise _fail(source, "must be a list of objects", "policyViolations")
    # Offline previews say so; a real preview that shows sames is complete too.
    offline = bool(data.get("offline")) or data.get("generator") == "medcloud"
    complete = offline or all(s.old is None for s in steps) or any(s.op == "same" for s in steps
                                                                   if s.new and s.new.type != STACK_TYPE)
    return PreviewDocument(source, steps, complete, recorded)


def _with_urn(state: ResourceState | None, urn: str) -> ResourceState | None:
    if state is None or state.urn:
        return state
    return ResourceState(urn, state.type, state.custom, state.parent, state.inputs, state.outputs,
                         state.provider, state.protect, state.dependencies, state.property_dependencies)


def load_document(path: Path) -> PreviewDocument:
    """Read a preview JSON file (``-`` is not accepted: reviews name their inputs)."""
    return parse_document(load_json(path), str(source_name(path)))
