"""YAML loading that remembers where every value came from.

Stack, region and inventory files are validated by pydantic models; when a
model rejects a value the user needs ``file:line:col`` and the field, not a
traceback.  We compose the YAML node graph (which carries marks), build plain
Python data from it and record the position of every mapping key and sequence
item, keyed by the same ``loc`` tuples pydantic reports.

Reading goes through libyaml's event parser (fast, and the events carry the marks); editing a
user's file in place, comments and layout kept, goes through ruamel.yaml's round-trip mode
(:class:`RoundTrip`), after the same boundary.  ``benchmarks/yaml_load.py`` measures both.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import stat
import sys
import tempfile
import types
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from medcloud.errors import OutputError, SourceError, SourceErrors

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


#: The input boundary every user-supplied YAML or JSON file crosses (issue 16).  Limits are
#: far above any real region, inventory, preview or report, and far below what exhausts the
#: machine: a 342-byte alias bomb, a 100,000-deep nesting or a 4 GB file is refused, by name.
MAX_INPUT_BYTES = 256 * 1024 * 1024
#: Nesting of mappings and sequences (a region is ~8 deep, a Pulumi property rarely 20).
MAX_DEPTH = 64
#: Values a YAML document may hold once its aliases are expanded.
MAX_VALUES = 2_000_000
#: Values that aliases may add beyond the document's own: 10× its own values plus this.
ALIAS_ALLOWANCE = 10_000
#: Integers beyond 64 bits are nobody's port, size or count; they only break arithmetic.
MAX_INT = 2**63 - 1

_SCALARS = yaml.SafeLoader("")
#: libyaml's parser when PyYAML was built with it: several times faster on large
#: regions and inventories, with the same events, tags and marks.
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: YAML's merge key (https://yaml.org/type/merge.html) and its tag.
MERGE_KEY = "<<"
MERGE_TAG = "tag:yaml.org,2002:merge"
#: The only scalar tags a document may carry, explicitly or resolved (YAML 1.1 core types).
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in
                         ("null", "bool", "int", "float", "str", "timestamp", "binary"))


def _refuse(path: Path | str, reason: str, mark: Any = None, field: str | None = None) -> SourceError:
    """A :class:`SourceError` at a libyaml mark (0-based) or at no particular place."""
    return SourceError(path, reason, line=mark.line + 1 if mark else None,
                       column=mark.column + 1 if mark else None, field=field)


def check_number(value: Any) -> Any:
    """``value`` if it is no number, a finite float or an integer within 64 bits; else :class:`ValueError`."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} is not a finite number")
    if isinstance(value, int) and not isinstance(value, bool) and not -MAX_INT - 1 <= value <= MAX_INT:
        raise ValueError("integer out of range (more than 64 bits)")
    return value


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    loc: Loc
    anchor: str | None
    mark: Any
    size: int = 1
    key: str | None = None
    #: The mapping's ``<<`` values (mappings, or lists of them), merged when it ends.
    merges: list[tuple[Any, Any]] = field(default_factory=list)
    merging: bool = False


def _compose(text: str, path: Path) -> Document:
    """Build plain data and positions from libyaml's event stream, without recursion.

    Anchored values are shared, never copied, and counted at their expanded size, so an
    alias bomb is refused before it costs memory; an alias to an unfinished anchor (a
    cycle), nesting beyond :data:`MAX_DEPTH`, a non-finite or oversized number and an
    unknown tag are refused at their position.  Merge keys (``<<: *defaults``) are expanded
    as the YAML merge spec says when their mapping ends, each merged key keeping the position
    where it was written.
    """
    positions: dict[Loc, tuple[int, int]] = {}
    anchors: dict[str, tuple[Any, int]] = {}
    #: Where each composed mapping was written (by identity), so merged keys keep their positions.
    origins: dict[int, Loc] = {}
    stack: list[_Frame] = []
    root: list[Any] = []
    own = expanded = documents = 0

    def at(mark: Any) -> tuple[int, int]:
        return (mark.line + 1, mark.column + 1)

    def attach(value: Any, size: int, mark: Any, anchor: str | None, *, scalar_key: str | None = None,
               merge: bool = False) -> None:
        if anchor is not None:
            anchors[anchor] = (value, size)
        if not stack:
            positions.setdefault((), at(mark))
            root.append(value)
            return
        top = stack[-1]
        if isinstance(top.container, list):
            loc = (*top.loc, len(top.container))
            positions.setdefault(loc, at(mark))
            top.container.append(value)
        elif top.key is None:
            if scalar_key is None:
                raise _refuse(path, "mapping keys must be plain strings", mark)
            if scalar_key in top.container or (scalar_key == MERGE_KEY and merge and top.merges):
                raise _refuse(path, f"duplicate key {scalar_key!r}", mark, _dotted((*top.loc, scalar_key)))
            positions[(*top.loc, scalar_key)] = at(mark)
            top.key = scalar_key
            top.merging = merge
            return
        elif top.merging:
            top.merges.append((value, mark))
            top.key = None
            top.merging = False
        else:
            top.container[top.key] = value
            top.key = None
        top.size += size

    def merge_into(frame: _Frame) -> None:
        """YAML's merge key: keys the mapping lacks come from ``<<``'s mappings, earlier ones first."""
        assert isinstance(frame.container, dict)
        for value, mark in frame.merges:
            sources = value if isinstance(value, list) else [value]
            if not sources or not all(isinstance(source, dict) for source in sources):
                raise _refuse(path, "a merge key (<<) takes a mapping or a list of mappings", mark,
                              _dotted((*frame.loc, MERGE_KEY)))
            for source in sources:
                origin = origins.get(id(source))
                for key, item in source.items():
                    if key in frame.container:
                        continue
                    frame.container[key] = item
                    found = positions.get((*origin, key)) if origin is not None else None
                    positions[(*frame.loc, key)] = found or at(mark)

    def scalar(event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = _SCALARS.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
        constructor = _SCALARS.yaml_constructors.get(tag)
        if tag not in _SCALAR_TAGS or constructor is None:
            raise _refuse(path, f"unknown YAML tag {tag}", event.start_mark)
        if tag == "tag:yaml.org,2002:int" and len(event.value) > 40:
            raise _refuse(path, "integer out of range (more than 64 bits)", event.start_mark)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return check_number(constructor(_SCALARS, node))
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            raise _refuse(path, f"invalid {tag.rsplit(':', 1)[-1]}: {exc}", event.start_mark) from None

    for event in yaml.parse(text, Loader=_PARSER):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _refuse(path, "expected a single document in the stream", event.start_mark)
        elif isinstance(event, yaml.ScalarEvent):
            own += 1
            key = event.value if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None else None
            # `<<` plain (or tagged !!merge) is YAML's merge key; quoted, it is an ordinary key.
            merge = key == MERGE_KEY and (event.tag == MERGE_TAG or (event.tag is None and event.implicit[0]))
            attach(scalar(event) if key is None else key, 1, event.start_mark, event.anchor, scalar_key=key,
                   merge=merge)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise _refuse(path, f"alias *{event.anchor} refers to no finished anchor (undefined or recursive)",
                             event.start_mark)
            value, size = anchors[event.anchor]
            expanded += size
            if expanded > 10 * own + ALIAS_ALLOWANCE or own + expanded > MAX_VALUES:
                raise _refuse(path, f"aliases expand the document beyond {MAX_VALUES:,} values or 10x its own size "
                             "(an alias bomb?)", event.start_mark)
            attach(value, size, event.start_mark, None)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            own += 1
            if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                raise _refuse(path, f"unknown YAML tag {event.tag}", event.start_mark)
            if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
                raise _refuse(path, "mapping keys must be plain strings", event.start_mark)
            if len(stack) >= MAX_DEPTH:
                raise _refuse(path, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
            if own > MAX_VALUES:
                raise _refuse(path, f"more than {MAX_VALUES:,} values", event.start_mark)
            parent = stack[-1] if stack else None
            loc: Loc = ()
            if parent is not None:
                loc = (*parent.loc, parent.key if isinstance(parent.container, dict) and parent.key is not None
                       else len(parent.container))
            positions.setdefault(loc, at(event.start_mark))
            container: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
            stack.append(_Frame(container, loc, event.anchor, event.start_mark))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = stack.pop()
            if frame.merges:
                merge_into(frame)
            origins[id(frame.container)] = frame.loc
            attach(frame.container, frame.size, frame.mark, frame.anchor)
    if not root:
        raise _refuse(path, "file is empty")
    return Document(path=path, data=root[0], positions=positions)


def read_bytes(path: Path, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a user's file, which must be a regular file of at most ``limit`` bytes.

    A FIFO, device, socket or directory is refused without blocking on it (``O_NONBLOCK``),
    and so are a symlink loop, a missing or unreadable file: each a :class:`SourceError`.
    ``-`` is standard input (see :func:`read_stdin`).
    """
    if is_stdin(path):
        return read_stdin(limit=limit)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise SourceError(path, "file not found") from None
    except OSError as exc:
        raise SourceError(path, f"cannot read file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(path, "not a regular file")
        if info.st_size > limit:
            raise SourceError(path, f"file is larger than {limit // 2**20} MiB")
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise SourceError(path, f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise SourceError(path, f"file is larger than {limit // 2**20} MiB")
    return data


#: How a file argument of ``-`` (standard input) is named in documents and messages.
STDIN_NAME = "<stdin>"
#: (the stream, its bytes): read once per stream object.
_stdin_cache: list[tuple[object, bytes]] = []


def is_stdin(path: Path | str) -> bool:
    """Whether a file argument means standard input (``-``, the convention of every command)."""
    return str(path) in ("-", STDIN_NAME)


def source_name(path: Path | str) -> Path:
    """``path`` as messages and documents name it: ``<stdin>`` for ``-``."""
    return Path(STDIN_NAME) if is_stdin(path) else Path(path)


def read_stdin(*, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Standard input, read once (bounded by ``limit``) and kept, so a command may load ``-`` twice.

    A terminal is refused rather than waited on: ``-`` means a file piped or redirected in.
    """
    stream = sys.stdin
    if _stdin_cache and _stdin_cache[0][0] is stream:
        return _stdin_cache[0][1]
    if stream is None or stream.closed:
        raise SourceError(STDIN_NAME, "standard input is closed")
    if stream.isatty():
        raise SourceError(STDIN_NAME, "'-' reads the file from standard input, which is a terminal; "
                                      "pipe or redirect the file in (… < file.yaml)")
    buffer = getattr(stream, "buffer", None)
    try:  # a text stream (tests' StringIO) has no buffer
        data = buffer.read(limit + 1) if buffer is not None else stream.read(limit + 1).encode("utf-8")
    except OSError as exc:
        raise SourceError(STDIN_NAME, f"cannot read standard input: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise SourceError(STDIN_NAME, f"input is larger than {limit // 2**20} MiB")
    _stdin_cache[:] = [(stream, data)]
    return data


def read_text(path: Path, *, limit: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of a user's file (see :func:`read_bytes`); bad UTF-8 is a :class:`SourceError`."""
    try:
        return read_bytes(path, limit=limit).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(source_name(path), f"not UTF-8 text (byte {exc.start})") from None


def parse_json(text: str | bytes, source: Path | str) -> Any:
    """Parse JSON a user handed in: finite numbers, 64-bit integers, :data:`MAX_DEPTH` levels at most.

    Every failure is a :class:`SourceError` naming ``source`` (and the line and column
    when the text itself is malformed).
    """
    def constant(name: str) -> Any:
        raise _refuse(source, f"{name} is not a finite number")

    def number(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise _refuse(source, f"{text} is not a finite number")
        return value

    def integer(text: str) -> int:
        if len(text) > 40:
            raise _refuse(source, "integer out of range (more than 64 bits)")
        try:
            return int(check_number(int(text)))
        except ValueError as exc:
            raise _refuse(source, str(exc)) from None

    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")  # strictly: json.loads(bytes) would pass lone surrogates
        data = json.loads(text, parse_constant=constant, parse_float=number, parse_int=integer)
    except json.JSONDecodeError as exc:
        raise SourceError(source, f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise SourceError(source, f"nested more than {MAX_DEPTH} levels deep") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(source, f"invalid JSON: {exc}") from None
    _check_depth(data, source)
    return data


def _check_depth(data: Any, source: Path | str) -> None:
    todo: list[tuple[Any, int]] = [(data, 1)]
    while todo:
        value, depth = todo.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth >= MAX_DEPTH:
                    raise SourceError(source, f"nested more than {MAX_DEPTH} levels deep")
                todo.append((child, depth + 1))


def load_json(path: Path) -> Any:
    """Read and parse a user's JSON file through the boundary (:func:`read_bytes`, :func:`parse_json`)."""
    return parse_json(read_text(path), source_name(path))


def load_document(path: Path) -> Document:
    """Read and compose ``path``; raise :class:`SourceError` on unreadable, malformed or hostile YAML."""
    return parse_yaml(read_text(path), source_name(path))


def parse_yaml(text: str, path: Path) -> Document:
    """Compose YAML ``text`` (read from ``path``) through the boundary (see :func:`_compose`)."""
    try:
        return _compose(text, path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = f"invalid YAML: {exc.problem or exc.context}"
        if mark is None:
            raise SourceError(path, reason) from None
        raise SourceError(path, reason, line=mark.line + 1, column=mark.column + 1) from None
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else int.from_bytes(exc.character[:1] or b"\0")
        raise SourceError(path, f"invalid YAML: character #x{code:04x} is not allowed "
                                f"(at character {exc.position})") from None
    except yaml.YAMLError as exc:
        raise SourceError(path, f"invalid YAML: {exc}") from None


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


def problem(document: Document, loc: Loc, reason: str) -> SourceError:
    """A :class:`SourceError` at ``loc`` of ``document``: ``file:line:col: field: reason``."""
    where = document.position(loc)
    return SourceError(document.path, reason, line=where[0] if where else None,
                       column=where[1] if where else None, field=describe_loc(loc, document.data) or None)


def raise_problems(problems: list[SourceError]) -> None:
    """Raise every problem at once, in file order (one :class:`SourceError`, or :class:`SourceErrors`)."""
    if not problems:
        return
    unique = list({(p.line, p.column, p.field, p.reason): p for p in problems}.values())
    unique.sort(key=lambda p: (p.line is None, p.line or 0, p.column or 0))
    raise SourceErrors.of(unique)


def validate(model: type[M], document: Document, *, context: dict[str, Any] | None = None) -> M:
    """Validate ``document`` against ``model``; every error becomes one problem of a :class:`SourceError`.

    Validation is pydantic's *strict JSON* mode: strings still become enums, addresses and
    dates, lists tuples, but ``true`` is no port number and ``"22"`` no integer.  An unknown
    field gets a "did you mean" from the model's field names and aliases at that place.
    """
    try:
        return model.model_validate_json(json.dumps(document.data, default=str), strict=True, context=context)
    except ValidationError as exc:
        errors = [(_data_loc(tuple(error["loc"]), document.data), error) for error in exc.errors()]
        missing = {loc for loc, error in errors if error.get("type") == "missing"}
        problems, explained = [], set()
        for loc, error in errors:
            # pydantic adds union/tagged-union member names to loc; _data_loc kept only data keys.
            reason = _pydantic_reason(error)
            if error.get("type") in ("enum", "literal_error") and isinstance(error.get("input"), str):
                # A misspelt choice (`role: produktion`): the closest of the values pydantic lists.
                expected = re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", "")))
                reason += did_you_mean(error["input"], expected)
            elif error.get("type") == "extra_forbidden" and loc and isinstance(loc[-1], str):
                close = suggest(loc[-1], field_names(model, loc[:-1]))
                if close is not None:
                    reason += f"; did you mean {close!r}?"
                    if (*loc[:-1], close) in missing:  # the misspelling is why it is missing: one problem
                        explained.add((*loc[:-1], close))
                        reason += " (a required field)"
            problems.append((loc, reason, error.get("type")))
        raise_problems([problem(document, loc, reason) for loc, reason, kind in problems
                        if not (kind == "missing" and loc in explained)])
        raise AssertionError("unreachable") from None


def suggest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to a misspelt ``name`` (difflib), or None when none is close."""
    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'gz-prod'?"`` for a misspelt reference to a known name, else ``""``."""
    close = suggest(name, known)
    return f"; did you mean {close!r}?" if close is not None and close != name else ""


def field_names(model: type[BaseModel], loc: Loc) -> set[str]:
    """The field names and aliases of the model(s) that may stand at ``loc`` under ``model``.

    The annotations are followed through unions, ``Annotated``, lists, tuples and dict values;
    where a union allows several models, the names of all of them are returned.
    """
    current: list[Any] = [model]
    for part in loc:
        following: list[Any] = []
        for annotation in _expand(current):
            origin = get_origin(annotation)
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                if isinstance(part, str):
                    following.extend(info.annotation for name, info in annotation.model_fields.items()
                                     if part in (name, info.alias, info.validation_alias))
            elif origin in (list, tuple, set, frozenset, Sequence) and isinstance(part, int):
                following.extend(a for a in get_args(annotation) if a is not Ellipsis)
            elif origin in (dict, Mapping):
                args = get_args(annotation)
                if len(args) == 2:
                    following.append(args[1])
        current = following
    names: set[str] = set()
    for annotation in _expand(current):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for name, info in annotation.model_fields.items():
                names.add(name)
                names.update(a for a in (info.alias, info.validation_alias) if isinstance(a, str))
    return names


def _expand(annotations: list[Any]) -> list[Any]:
    """Unwrap ``Annotated`` and unions (``X | None``, ``Union[...]``) into their members."""
    out: list[Any] = []
    todo = list(annotations)
    while todo and len(out) < 1000:
        annotation = todo.pop()
        origin = get_origin(annotation)
        if origin is Annotated:
            todo.append(get_args(annotation)[0])
        elif origin in (Union, types.UnionType):
            todo.extend(get_args(annotation))
        else:
            out.append(annotation)
    return out


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


class RoundTrip:
    """A user's YAML file opened for editing: change :attr:`data`, then :meth:`dump` keeps the rest.

    ruamel.yaml's round-trip mode keeps comments, key order, quoting, flow or block style,
    anchors, aliases and merge keys of everything the edit does not touch.  The text is first
    composed through the boundary (:func:`parse_yaml`: size, alias, depth, tag and number
    limits), so a hostile file is refused before ruamel.yaml builds anything from it.
    """

    def __init__(self, path: Path, text: str | None = None) -> None:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        self.path = source_name(path)
        source = read_text(path) if text is None else text
        parse_yaml(source, self.path)
        self._yaml = YAML(typ="rt")
        self._yaml.preserve_quotes = True
        self._yaml.indent(**_indentation(source))
        self._yaml.width = 4096  # never re-fold a long line the user wrote (sealed values are long)
        try:
            with warnings.catch_warnings():
                # A re-used anchor is valid YAML (the boundary took it): no warning on the user's terminal.
                warnings.simplefilter("ignore")
                self.data: Any = self._yaml.load(source)
        except YAMLError as exc:  # the boundary accepted what ruamel.yaml refuses: still the user's file
            raise SourceError(self.path, f"invalid YAML: {' '.join(str(exc).split())}") from None

    @staticmethod
    def styled(old: Any, new: str) -> str:
        """``new`` written in ``old``'s quoting (a double-quoted value stays double-quoted)."""
        from ruamel.yaml.scalarstring import ScalarString

        return type(old)(new) if isinstance(old, ScalarString) else new

    def dump(self) -> str:
        """The file's text with :attr:`data`'s changes and everything else as it was."""
        import io

        def ignore_aliases(data: Any) -> bool:
            # Anchors the user wrote stay; a value our edit shares (one date) is written out, not &id001.
            anchor = getattr(data, "anchor", None)
            return getattr(anchor, "value", None) is None

        self._yaml.representer.ignore_aliases = ignore_aliases
        out = io.StringIO()
        self._yaml.dump(self.data, out)
        return out.getvalue()


def _indentation(text: str) -> dict[str, int]:
    """The file's own block indentation, for ruamel.yaml's emitter (``indent(mapping, sequence, offset)``).

    The first nested block key gives the mapping indent; the first block sequence item under a
    ``key:`` line gives the dash's offset (``  - item`` or ``- item``).  Read from the text: a
    second ruamel.yaml parse (``load_yaml_guess_indent``) would double the cost of opening.
    """
    mapping, offset = 0, -1
    previous = ""
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        column, parent = len(line) - len(stripped), len(previous) - len(previous.lstrip(" "))
        opens = previous.rstrip().endswith(":")
        if opens and column > parent and not mapping and not stripped.startswith("- ") \
                and not previous.lstrip(" ").startswith("- "):
            mapping = column - parent
        if opens and offset < 0 and stripped.startswith("- ") and not previous.lstrip(" ").startswith("- "):
            offset = column - parent
        if mapping and offset >= 0:
            break
        previous = line
    mapping = mapping or 2
    offset = max(offset, 0)
    return {"mapping": mapping, "sequence": offset + 2, "offset": offset}


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return Path("/")


def _check_creatable(path: Path, flag: str, what: str) -> None:
    base = _nearest_existing(path.parent)
    if not base.is_dir():
        raise OutputError(f"{flag} {path}: {base} is not a directory")
    if not os.access(base, os.W_OK | os.X_OK):
        raise OutputError(f"{flag} {path}: cannot create {what} in {base} (permission denied)")


def check_output_file(path: Path, flag: str = "--out") -> None:
    """Fail *before the work* if ``path`` cannot receive an atomic write (:func:`write_atomic`).

    A directory, a FIFO or device, a parent that is a file, or a directory we cannot write
    into are refused with an :class:`OutputError` naming the option and the path.
    """
    if path.is_dir():
        raise OutputError(f"{flag} {path}: is a directory; give a file name")
    if path.exists() and not path.is_file():
        raise OutputError(f"{flag} {path}: not a regular file")
    _check_creatable(path, flag, "the file")


def check_output_dir(path: Path, flag: str = "--out") -> None:
    """Fail before the work if files cannot be written into directory ``path`` (created if missing)."""
    if path.exists():
        if not path.is_dir():
            raise OutputError(f"{flag} {path}: not a directory")
        if not os.access(path, os.W_OK | os.X_OK):
            raise OutputError(f"{flag} {path}: cannot write into the directory (permission denied)")
        return
    _check_creatable(path / "x", flag, "the directory")


def _unwritable(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"{path}: cannot write: {exc.strerror or type(exc).__name__}")


def write_atomic(path: Path, content: str | bytes, *, exclusive: bool = False) -> None:
    """Write ``content`` to ``path`` so readers see the old file or the new one, never half.

    The file is created mode 0600 (``mkstemp``).  ``exclusive`` refuses to replace an
    existing file (``FileExistsError``) without a check-then-write race: the finished
    temporary file is hard-linked into place, which fails if the name is taken.
    Any other failure to write is an :class:`OutputError` naming the path (exit 2).
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _unwritable(path, exc) from None
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
    except FileExistsError:  # exclusive and the name is taken: the caller's to word
        Path(tmp).unlink(missing_ok=True)
        raise
    except OSError as exc:  # a full disk, a name that became a directory: one line, not a traceback
        Path(tmp).unlink(missing_ok=True)
        raise _unwritable(path, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
