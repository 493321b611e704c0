"""YAML loading that remembers where every value came from.

Stack, region and inventory files are validated by pydantic models; when a
model rejects a value the user needs ``file:line:col`` and the field, not a
traceback.  We compose the YAML node graph (which carries marks), build plain
Python data from it and record the position of every mapping key and sequence
item, keyed by the same ``loc`` tuples pydantic reports.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from medcloud.errors import SourceError

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass
class Document:
    """Plain data from one YAML file plus the position of each value."""

    path: Path
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Iterable[str | int]) -> tuple[int, int] | None:
        """Line and column (1-based) of ``loc``, or of its nearest known parent."""
        key = tuple(loc)
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key[:-1]
        return self.positions.get((), None)


def _construct(node: yaml.Node, loc: Loc, positions: dict[Loc, tuple[int, int]], path: Path) -> Any:
    positions.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceError(
                    path, "mapping keys must be plain strings",
                    line=key_node.start_mark.line + 1, column=key_node.start_mark.column + 1,
                )
            key = str(key_node.value)
            if key in result:
                raise SourceError(
                    path, f"duplicate key {key!r}",
                    line=key_node.start_mark.line + 1, column=key_node.start_mark.column + 1,
                    field=_dotted((*loc, key)),
                )
            child = (*loc, key)
            positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _construct(value_node, child, positions, path)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*loc, i), positions, path) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    if node.tag.startswith("!") and not node.tag.startswith("tag:yaml.org"):
        raise SourceError(
            path, f"unknown YAML tag {node.tag}",
            line=node.start_mark.line + 1, column=node.start_mark.column + 1, field=_dotted(loc),
        )
    # compose() has already resolved the tag (int, bool, null, str for quoted…).
    constructor = _SCALARS.yaml_constructors.get(node.tag)
    return node.value if constructor is None else constructor(_SCALARS, node)


_SCALARS = yaml.SafeLoader("")
#: libyaml's composer when PyYAML was built with it: several times faster on large
#: regions and inventories, with the same nodes, tags and marks.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text(path: Path) -> str:
    """The UTF-8 text of a user's file; a missing or unreadable file is a :class:`SourceError`."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"cannot read file: {exc}") from None


def load_json(path: Path) -> Any:
    """Parse a user's JSON file; errors name the file, line and column."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(path, f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None


def load_document(path: Path) -> Document:
    """Read and compose ``path``; raise :class:`SourceError` on unreadable or malformed YAML."""
    text = read_text(path)
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = f"invalid YAML: {exc.problem or exc.context}"
        if mark is None:
            raise SourceError(path, reason) from None
        raise SourceError(path, reason, line=mark.line + 1, column=mark.column + 1) from None
    except yaml.YAMLError as exc:
        raise SourceError(path, f"invalid YAML: {exc}") from None
    if node is None:
        raise SourceError(path, "file is empty")
    positions: dict[Loc, tuple[int, int]] = {}
    data = _construct(node, (), positions, path)
    return Document(path=path, data=data, positions=positions)


def _dotted(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def describe_loc(loc: Iterable[str | int], data: Any) -> str:
    """``centres[2](dr-xian).location`` — indices annotated with the item's name."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            name = None
            if isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                name = node.get("name") if isinstance(node, Mapping) else None
            else:
                node = None
            out += f"[{part}]" + (f"({name})" if name else "")
        else:
            node = node.get(part) if isinstance(node, Mapping) else None
            out += f".{part}" if out else part
    return out


def _pydantic_reason(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "field required"
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


def validate(model: type[M], document: Document, *, context: dict[str, Any] | None = None) -> M:
    """Validate ``document`` against ``model``; the first error becomes a :class:`SourceError`."""
    try:
        return model.model_validate(document.data, context=context)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        # pydantic adds union/tagged-union member names to loc; keep only data keys.
        loc = _data_loc(tuple(first["loc"]), document.data)
        line_col = document.position(loc)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise SourceError(
            document.path,
            _pydantic_reason(first) + more,
            line=line_col[0] if line_col else None,
            column=line_col[1] if line_col else None,
            field=describe_loc(loc, document.data) or None,
        ) from None


def _data_loc(loc: Loc, data: Any) -> Loc:
    """Keep the loc parts that index into ``data``.

    pydantic inserts union member tags into ``loc``; those are dropped.  A
    final part that is not in the data (a missing field) is kept so the
    message still names it.
    """
    kept: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if _indexes(node, part):
            node = node[part]
        elif i == len(loc) - 1:
            node = None
        else:
            continue
        kept.append(part)
    return tuple(kept)


def _indexes(node: Any, part: str | int) -> bool:
    if isinstance(node, Mapping):
        return isinstance(part, str) and part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def load_model(model: type[M], path: Path, *, context: dict[str, Any] | None = None) -> M:
    """Load ``path`` and validate it as ``model`` in one step."""
    return validate(model, load_document(path), context=context)


def write_atomic(path: Path, content: str | bytes, *, exclusive: bool = False) -> None:
    """Write ``content`` to ``path`` so readers see the old file or the new one, never half.

    The file is created mode 0600 (``mkstemp``).  ``exclusive`` refuses to replace an
    existing file (``FileExistsError``) without a check-then-write race: the finished
    temporary file is hard-linked into place, which fails if the name is taken.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, path)
            Path(tmp).unlink()
        else:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
