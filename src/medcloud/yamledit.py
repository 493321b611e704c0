"""Edit a user's YAML file in place by rewriting only the values that changed.

:class:`Edit` opens a file through the input boundary (:func:`medcloud.yamlio.parse_yaml`), hands
out its data as plain Python, and :meth:`Edit.dump` returns the file's text with the data's
changes made *in the text*: a changed scalar is replaced where it stands (in its own quoting), an
entry added to a mapping is written after its last entry (in the style of its siblings: a flow
mapping among flow mappings, the same quoting), a removed entry's text is cut out.  Every other
byte — comments, blank lines, order, quoting, anchors, flow or block layout — stays as it was.
libyaml's composer gives each node's span, so this costs two C parses of the file, where
ruamel.yaml's round trip (:class:`medcloud.yamlio.RoundTrip`) rebuilds and re-emits the whole
document in Python: 0.3-0.6 s each time for a 200-server inventory, which ``bmc apply`` paid
twice on its critical path.

The result is checked, never trusted: it is parsed again and must give exactly the edited data
(types included).  An edit the splicer does not do (a merge key or an alias in the way, a block
sequence growing or shrinking, a value changing between block and scalar form) or a check that
fails falls back to ruamel.yaml's round trip, whose result is checked the same way; a mismatch
there is an error, never a written file.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from medcloud.errors import SourceError, UnsplicableEdit
from medcloud.yamlio import Document, RoundTrip, _indentation, parse_yaml, read_text, source_name

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: A string written without quotes: a word of these characters that YAML reads back as that string.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.@/+-]*\Z")


def identical(a: Any, b: Any) -> bool:
    """``a == b`` with types compared too (``1``, ``1.0`` and ``True`` are different YAML)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(identical(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


class Edit:
    """A user's YAML file opened for editing: change :attr:`data` (plain Python), then :meth:`dump`."""

    def __init__(self, path: Path, text: str | None = None) -> None:
        self.path = source_name(path)
        self._text = read_text(path) if text is None else text
        self.document: Document = parse_yaml(self._text, self.path)
        #: The data as :attr:`_text` holds it (edits go to :attr:`data`, a copy).
        self._original: Any = self.document.data
        self.data: Any = copy.deepcopy(self._original)

    def dump(self) -> str:
        """The text with :attr:`data`'s changes, everything else as it was; checked by parsing it again.

        The returned text becomes the base of the next :meth:`dump`, and :attr:`document`
        its parse (for validation without a third read).
        """
        try:
            text = _splice(self._text, self._original, self.data)
            document = parse_yaml(text, self.path)
            if not identical(document.data, self.data):
                raise UnsplicableEdit("the spliced text reads back differently")
        except (UnsplicableEdit, SourceError):
            text = self._round_trip()
            document = parse_yaml(text, self.path)
            if not identical(document.data, self.data):
                raise SourceError(self.path, "internal error: the edited file would not hold the intended "
                                             "values; nothing written") from None
        self._text, self.document, self._original = text, document, document.data
        return text

    def _round_trip(self) -> str:
        editor = RoundTrip(self.path, self._text)
        editor.data = _sync(editor.data, self.data)
        return editor.dump()


def _sync(target: Any, new: Any) -> Any:
    """Make ruamel.yaml's ``target`` equal ``new`` in place where both are containers; the new value otherwise."""
    if isinstance(target, dict) and isinstance(new, dict):
        for key in [k for k in target if k not in new]:
            del target[key]
        for key, value in new.items():
            target[key] = _sync(target[key], value) if key in target else value
        return target
    if isinstance(target, list) and isinstance(new, list) and len(target) == len(new):
        for index, value in enumerate(new):
            target[index] = _sync(target[index], value)
        return target
    if isinstance(new, str) and isinstance(target, str):
        return RoundTrip.styled(target, new)
    return new


# --- the splicer ---------------------------------------------------------------------------


def _splice(text: str, old: Any, new: Any) -> str:
    root = yaml.compose(text, Loader=_LOADER)
    if root is None:
        raise UnsplicableEdit("empty document")
    edits: list[tuple[int, int, str]] = []
    _Splicer(text, edits).diff(root, old, new, flow=False)
    edits.sort(key=lambda edit: (edit[0], edit[1]))
    out: list[str] = []
    at = 0
    for start, end, replacement in edits:
        if start < at:
            raise UnsplicableEdit("two edits touch the same text (an alias?)")
        out += [text[at:start], replacement]
        at = end
    out.append(text[at:])
    return "".join(out)


class _Splicer:
    def __init__(self, text: str, edits: list[tuple[int, int, str]]) -> None:
        self.text = text
        self.edits = edits
        self.step = _indentation(text)["mapping"]

    def diff(self, node: Any, old: Any, new: Any, *, flow: bool) -> None:
        if identical(old, new):
            return
        if isinstance(node, yaml.MappingNode) and isinstance(old, dict) and isinstance(new, dict):
            self._mapping(node, old, new, flow=flow)
        elif isinstance(node, yaml.SequenceNode) and isinstance(old, list) and isinstance(new, list) \
                and len(old) == len(new) == len(node.value):
            for item, before, after in zip(node.value, old, new, strict=True):
                self.diff(item, before, after, flow=flow or bool(node.flow_style))
        elif (isinstance(node, yaml.ScalarNode) and node.style not in ("|", ">")) or (
                isinstance(node, yaml.CollectionNode) and node.flow_style):
            start, end = node.start_mark.index, node.end_mark.index
            written = _inline(new, _style(node), None)
            self.edits.append((start, end, written if end > start else " " + written))
        else:
            raise UnsplicableEdit("a block value changes form")

    def _mapping(self, node: yaml.MappingNode, old: dict[Any, Any], new: dict[Any, Any], *, flow: bool) -> None:
        if len(node.value) != len(old) or any(
                not isinstance(k, yaml.ScalarNode) or k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value):
            raise UnsplicableEdit("merge keys")
        pairs = dict(zip(old, node.value, strict=True))
        flow = flow or bool(node.flow_style)
        removed = [key for key in old if key not in new]
        if removed and flow:  # one line (or a few): written again whole, each value in its own quoting
            self.edits.append((node.start_mark.index, node.end_mark.index, _inline(new, None, node)))
            return
        if removed and len(removed) == len(old):
            raise UnsplicableEdit("every entry removed")
        for key in removed:
            self._remove(pairs, key)
        for key, value in new.items():
            if key in old:
                self.diff(pairs[key][1], old[key], value, flow=flow)
        added = [(key, value) for key, value in new.items() if key not in old]
        if added:
            kept = [pairs[key] for key in old if key in new] or list(node.value)
            self._add(node, kept[-1], added, flow=flow)

    def _line_end(self, index: int) -> int:
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end

    def _remove(self, pairs: dict[Any, tuple[Any, Any]], key: Any) -> None:
        """Cut a block mapping's entry: its lines, from its key to the end of its value."""
        key_node, value = pairs[key]
        line_start = self.text.rfind("\n", 0, key_node.start_mark.index) + 1
        if self.text[line_start:key_node.start_mark.index].strip():
            raise UnsplicableEdit("the entry shares its line")
        end = self._line_end(_content_end(value))
        self.edits.append((line_start, min(end + 1, len(self.text)), ""))

    def _add(self, node: yaml.MappingNode, last: tuple[Any, Any], added: list[tuple[Any, Any]], *,
             flow: bool) -> None:
        last_key, last_value = last
        habit = _habit(node)
        if flow:
            at = _content_end(last_value)
            self.edits.append((at, at, "".join(
                f", {_key(key)}: {_inline(value, None, _like(node, value), habit=habit)}" for key, value in added)))
            return
        column = last_key.start_mark.column
        lines = []
        for key, value in added:
            lines += self._block_entry(key, value, _like(node, value) or last_value, column, habit)
        # At the start of the line after the mapping's last entry as written (entries removed from
        # it end there too, so the edits meet without overlapping).
        at = self._line_end(_content_end(node.value[-1][1]))
        if at < len(self.text):
            self.edits.append((at + 1, at + 1, "".join(line + "\n" for line in lines)))
        else:
            self.edits.append((at, at, "".join("\n" + line for line in lines)))

    def _block_entry(self, key: Any, value: Any, like: Any, column: int, habit: str | None) -> list[str]:
        pad = " " * column
        if isinstance(value, dict) and value and isinstance(like, yaml.MappingNode) and not like.flow_style:
            inner = _habit(like) or habit
            lines = [f"{pad}{_key(key)}:"]
            for k, v in value.items():
                lines += self._block_entry(k, v, _value_of(like, k), column + self.step, inner)
            return lines
        return [f"{pad}{_key(key)}: {_inline(value, None, like, habit=habit)}"]


def _content_end(node: Any) -> int:
    """Where ``node``'s own text ends (a block collection's end mark lies at the next token)."""
    if isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _content_end(last[1] if isinstance(node, yaml.MappingNode) else last)
    return int(node.end_mark.index)


def _value_of(node: Any, key: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                return v
    return None


def _like(node: yaml.MappingNode, value: Any) -> Any:
    """The sibling a new mapping value is written like: the one sharing most of its keys (a copy's source)."""
    if not isinstance(value, dict):
        return None
    keys = set(value)
    siblings = [v for _, v in node.value if isinstance(v, yaml.MappingNode)]
    return max(siblings, default=None, key=lambda v: len(keys & {k.value for k, _ in v.value}))


def _habit(node: Any) -> str | None:
    """The quoting a mapping's string values use: a new value there is written the same way."""
    styles = {v.style for _, v in node.value if isinstance(v, yaml.ScalarNode) and v.style in ('"', "'")} \
        if isinstance(node, yaml.MappingNode) else set()
    return '"' if '"' in styles else "'" if styles else None


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise UnsplicableEdit("a new key that is not a string")
    return _inline(key, None, None)


def _inline(value: Any, style: str | None, like: Any, *, habit: str | None = None) -> str:
    """``value`` as YAML text that fits on the rest of a line (flow collections for containers)."""
    if isinstance(value, dict):
        inner = _habit(like) or habit
        return "{" + ", ".join(f"{_key(k)}: {_inline(v, _style(_value_of(like, k)), _value_of(like, k), habit=inner)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v, None, None, habit=habit) for v in value) + "]"
    if isinstance(value, str):
        style = habit if style is None else style
        if style == "'" and value.isprintable():
            return "'" + value.replace("'", "''") + "'"
        if not style and _PLAIN.match(value) and yaml.load(value, Loader=_LOADER) == value:
            return value
        return _double_quoted(value)
    if value is None or isinstance(value, bool | int | float | dt.date):
        text = yaml.safe_dump(value, default_flow_style=True, width=1 << 20)
        return text.removesuffix("\n").removesuffix("\n...")
    raise UnsplicableEdit(f"a {type(value).__name__} value")


def _double_quoted(value: str) -> str:
    """YAML's double-quoted form; anything not printable as an escape (YAML refuses it raw)."""
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _style(node: Any) -> str | None:
    """A scalar node's quoting: ``'"'``, ``"'"`` or ``""`` (plain); ``None`` when there is no scalar."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    return node.style if node.style in ('"', "'") else ""
