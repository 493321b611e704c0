"""A hierarchical parser for VRP and Comware configurations.

Both vendors print ``display current-configuration`` as blocks separated by
``#`` lines; inside a block a command opens a view and its children are
indented one more space.  Comware indents global (view-less) commands by one
space too, so indentation is relative to the first line of each block: a
column-0 ``#`` closes every view, a deeper ``#`` (BGP address families)
closes nothing.  ``!`` lines (VRP's header comments) and ``return`` end
nothing and carry nothing.

Secrets are compared by presence: a device re-encrypts every stored password
with a fresh salt, so :func:`normalise` replaces cipher values and medcloud
markers with ``<secret>`` and drops the ``simple``/``cipher`` keyword that
says how it was typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from medcloud.provision.switch.drivers import cipher_forms
from medcloud.provision.switch.placeholders import is_marker

SECRET = "<secret>"
#: Device cipher forms, as every driver declares them (``drivers/*/driver.yaml``: VRP's
#: %^%#…%^%#, Comware's $c$3$…).
_CIPHER_VALUE = cipher_forms()
_SECRET_KEYWORDS = frozenset({"simple", "cipher", "irreversible-cipher", "hash"})


@dataclass
class ConfigNode:
    """One command line and the commands of the view it opens."""

    line: str
    children: list[ConfigNode] = field(default_factory=list)
    #: 1-based line number in the source, for messages.
    lineno: int = 0

    def child(self, line: str) -> ConfigNode | None:
        return next((c for c in self.children if c.line == line), None)

    def find(self, prefix: str) -> list[ConfigNode]:
        """Children whose command starts with ``prefix`` (word-aligned)."""
        return [c for c in self.children if c.line == prefix or c.line.startswith(prefix + " ")]

    def walk(self, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], ConfigNode]]:
        for c in self.children:
            yield (*path, c.line), c
            yield from c.walk((*path, c.line))


def _is_secret(token: str) -> bool:
    return is_marker(token) or _CIPHER_VALUE.match(token) is not None


def normalise(line: str) -> str:
    """Collapse whitespace and mask secrets so intended and running lines compare equal."""
    tokens = line.split()
    if tokens[:2] == ["snmp-agent", "community"] and len(tokens) > 3:
        # A community string is a password even when the device shows it in plain text:
        # `snmp-agent community read|write [cipher|simple] NAME [acl …]`.
        rest = [t for t in tokens[3:] if t not in _SECRET_KEYWORDS]
        return " ".join([*tokens[:3], SECRET, *rest[1:]])
    if not any(_is_secret(t) for t in tokens):
        return " ".join(tokens)
    return " ".join(SECRET if _is_secret(t) else t for t in tokens if t not in _SECRET_KEYWORDS)


def parse(text: str) -> ConfigNode:
    """Parse a VRP or Comware configuration into a tree rooted at an empty node."""
    root = ConfigNode("")
    # Stack of (indent, node); the root sits below any indent.
    stack: list[tuple[int, ConfigNode]] = [(-1, root)]
    block_base: int | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        stripped = raw.strip()
        if stripped.startswith("!") or stripped == "return":
            continue
        if stripped.startswith("#"):
            if indent == 0:
                stack = [(-1, root)]
                block_base = None
            continue
        if block_base is None:
            block_base = indent
        # Lines at or left of the block's first line are top level, whatever their column.
        level = max(indent, block_base)
        while len(stack) > 1 and stack[-1][0] >= level:
            stack.pop()
        if len(stack) == 1:
            level = block_base
        node = ConfigNode(normalise(stripped), lineno=lineno)
        stack[-1][1].children.append(node)
        stack.append((level, node))
    return root
