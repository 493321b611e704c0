"""Property-level diffs of resource inputs, in Pulumi's property-path syntax, secrets masked.

Paths read like ``detailedDiff`` keys: ``tags.env``, ``rules[2].port_min``,
``tags["medcloud.io/pool"]``.  A value Pulumi blinded (``[secret]``), a secret
envelope, or any value under a secret-looking key is never shown: the diff
says that it changed, not what it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from medcloud.secrets.scan import SENSITIVE_NAME

SECRET = "[secret]"
#: The envelope Pulumi's wire format puts around secrets (sdk/go/common/resource/sig).
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
#: Provider inputs named ``credential…`` hold the secret itself; inventories use the word for a
#: reference to a named credential, so the shared pattern (SENSITIVE_NAME) leaves it out.
_CREDENTIAL_KEY = re.compile(r"credential", re.IGNORECASE)
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAX_SHOWN = 120


@dataclass(frozen=True)
class PropertyChange:
    path: str
    kind: str  # add | delete | update
    old: Any = None
    new: Any = None
    #: The engine (or the provider schema) replaces the resource for this change.
    replace: bool = False
    secret: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "kind": self.kind}
        if self.secret:
            out["secret"] = True
        else:
            if self.kind != "add":
                out["old"] = self.old
            if self.kind != "delete":
                out["new"] = self.new
        if self.replace:
            out["replace"] = True
        return out

    def shown(self, value: Any) -> str:
        return SECRET if self.secret else show(value)


def is_secret(value: Any) -> bool:
    return value == SECRET or (isinstance(value, Mapping) and value.get(SECRET_SIG_KEY) == SECRET_SIG)


#: pulumi's unknown-value sentinels (sdk/go/common/resource/plugin/rpc.go): known only after the update.
UNKNOWNS = {
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7": "output<bool>", "3eeb2bf0-c639-47a8-9e75-3b44932eb421": "output<number>",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9": "output<string>", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2": "output<array>",
    "030794c1-ac77-496b-92df-f27374a8bd58": "output<asset>", "e48ece36-62e2-4504-bad9-02848725956a": "output<archive>",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff": "output<object>",
}


def _displayable(value: Any) -> Any:
    if isinstance(value, str):
        return UNKNOWNS.get(value, value)
    if isinstance(value, Mapping):
        return {k: _displayable(v) for k, v in value.items()}
    if _is_list(value):
        return [_displayable(v) for v in value]
    return value


def show(value: Any) -> str:
    """A compact one-line rendering of a value, cut at a readable length; unknowns as ``output<T>``."""
    if isinstance(value, str) and value in UNKNOWNS:
        return UNKNOWNS[value]
    text = json.dumps(_displayable(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN - 1] + "…"


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _PLAIN_KEY.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def top_key(path: str) -> str:
    """The top-level property a path starts with (``tags["a"].b`` → ``tags``)."""
    match = re.match(r'^([^.\[]+)|^\["((?:[^"\\]|\\.)*)"\]', path)
    if not match:
        return path
    return match.group(1) if match.group(1) is not None else json.loads(f'"{match.group(2)}"')


def diff_values(old: Any, new: Any, path: str = "", secret: bool = False) -> Iterator[PropertyChange]:
    """Every leaf-level difference between two JSON values."""
    if old == new:
        return
    hidden = secret or is_secret(old) or is_secret(new)
    if hidden:
        yield PropertyChange(path, "update", None, None, secret=True)
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new), key=str):
            sub = join(path, str(key))
            key_secret = bool(SENSITIVE_NAME.search(str(key)) or _CREDENTIAL_KEY.search(str(key)))
            if key not in new:
                yield PropertyChange(sub, "delete", None if key_secret else old[key], secret=key_secret)
            elif key not in old:
                yield PropertyChange(sub, "add", new=None if key_secret else new[key], secret=key_secret)
            else:
                yield from diff_values(old[key], new[key], sub, key_secret)
        return
    if _is_list(old) and _is_list(new):
        for i in range(max(len(old), len(new))):
            sub = join(path, i)
            if i >= len(new):
                yield PropertyChange(sub, "delete", old[i])
            elif i >= len(old):
                yield PropertyChange(sub, "add", new=new[i])
            else:
                yield from diff_values(old[i], new[i], sub)
        return
    yield PropertyChange(path, "update", old, new)


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def diff_inputs(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[PropertyChange]:
    return list(diff_values(dict(old), dict(new)))


_PATH_PART = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')


def lookup(value: Any, path: str) -> tuple[bool, Any]:
    """The value at a property path (``a.b[0]["c.d"]``), and whether it exists."""
    node, pos = value, 0
    while pos < len(path):
        match = _PATH_PART.match(path, pos)
        if match is None:
            return False, None
        name, index, quoted = match.groups()
        if index is not None:
            if not (_is_list(node) and int(index) < len(node)):
                return False, None
            node = node[int(index)]
        else:
            key = json.loads(f'"{quoted}"') if quoted is not None else name
            if not (isinstance(node, Mapping) and key in node):
                return False, None
            node = node[key]
        pos = match.end()
    return True, node
