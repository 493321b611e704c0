"""Find plain-text secrets in YAML files: fields named like a secret whose value is not sealed.

Inventories and stack files are loaded with positions so each finding reads
``file:line:col: field: plain-text secret; …`` — and never shows the value.
Names are matched by :data:`SENSITIVE_NAME`; a name that ends in a word for
metadata (``auth_protocol``, ``private_key_path``, ``password_id``) is not a secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medcloud.secrets.sealing import is_sealed
from medcloud.yamlio import Document, describe_loc, is_stdin, load_document

#: Field names that hold secrets (shared with the audit masking, R-SEC-06).  "credential" is
#: left out on purpose: inventories use it for a *reference* to a named credential.
SENSITIVE_NAME = re.compile(
    r"(?i)(pass(words?|wds?|phrases?)?(?![a-z])|pwd|secret|token|community|psk|pre[_-]?shared|"
    r"auth[_-]?key|priv(ate)?[_-]?key|api[_-]?key|access[_-]?key|signing[_-]?key|sync[_-]?key|^key$)"
)
_METADATA = re.compile(r"(?i)([_-]?(path|file|id|ref|name|protocol|algorithm|length|type|policy|expiry|"
                       r"expires|age|days)|Path|File|Id|Ref|Name|Protocol|Algorithm)$")
PLAIN_TEXT_REASON = "plain-text secret; seal it with `medcloud secret encrypt`"


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int | None
    column: int | None
    field: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else str(self.path)
        return f"{where}: {self.field}: {PLAIN_TEXT_REASON}"


def is_secret_name(name: str) -> bool:
    return bool(SENSITIVE_NAME.search(name)) and not _METADATA.search(name)


def _walk(node: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            child = (*loc, key)
            if is_secret_name(key) and isinstance(value, str | int | float) and not isinstance(value, bool):
                if value != "" and not (isinstance(value, str) and is_sealed(value.strip())):
                    yield child
            else:
                yield from _walk(value, child)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, (*loc, i))


def scan_document(document: Document) -> list[Finding]:
    findings = []
    for loc in _walk(document.data, ()):
        position = document.position(loc)
        findings.append(Finding(document.path, position[0] if position else None,
                                position[1] if position else None, describe_loc(loc, document.data)))
    return findings


def scan(paths: Iterable[Path]) -> list[Finding]:
    """Every plain-text secret in the YAML files under ``paths`` (``-``: a document on standard input)."""
    from medcloud.secrets.rotation import yaml_files

    paths = list(paths)
    findings: list[Finding] = []
    if any(is_stdin(path) for path in paths):
        findings.extend(scan_document(load_document(Path("-"))))
    for path in yaml_files(p for p in paths if not is_stdin(p)):
        findings.extend(scan_document(load_document(path)))
    return findings
