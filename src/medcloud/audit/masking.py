"""Masking of sensitive fields before anything is logged or shown (R-SEC-06).

Two layers, as the standard asks: field names that look sensitive have their
whole value replaced, and free text is scanned with regular expressions for
``password=…``-style pairs, credentials in URLs and sealed values.  Replaced
values become *tokens*: ``tok:`` plus a keyed SM3 digest, so the same value
always maps to the same token (an auditor can see that two runs used the
same credential) without the value being recoverable from the log.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from medcloud.crypto import sm3
from medcloud.secrets import SEALED_PATTERN, Secret
from medcloud.secrets.scan import SENSITIVE_NAME
from medcloud.yamlio import write_atomic

_PAIR = re.compile(
    r"(?i)\b(?P<name>pass(?:word|wd|phrase)?|pwd|secret|token|community|api[_-]?key|"
    r"auth[_-]?key|priv[_-]?key)(?P<sep>\s*[=:]\s*)(?P<value>[^\s,;&'\"]+)"
)
# Greedy up to the last "@" of the authority: a careless unescaped "@" in a password stays masked.
_URL_CREDENTIAL = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^\s:/@]+:)(?P<value>[^\s/]+)(?P<tail>@[^\s@/]*)")


class Tokeniser:
    """Maps sensitive values to stable, irreversible tokens with a per-installation salt."""

    def __init__(self, salt: bytes) -> None:
        self._salt = salt

    @classmethod
    def for_log(cls, log: Path) -> Tokeniser:
        """The salt lives next to the log (mode 0600) so tokens are stable for that log only."""
        path = log.with_name(log.name + ".salt")
        try:
            return cls(path.read_bytes())
        except FileNotFoundError:
            pass
        salt = os.urandom(32)
        try:
            # Atomic and exclusive: a concurrent reader never sees an empty, half-written salt.
            write_atomic(path, salt, exclusive=True)
        except FileExistsError:
            # Another process created it between our read and our create: use theirs.
            return cls(path.read_bytes())
        return cls(salt)

    def token(self, value: str) -> str:
        return "tok:" + sm3.hexdigest(self._salt + value.encode("utf-8"))[:12]

    def text(self, value: str) -> str:
        """Mask sensitive substrings of free text."""
        value = SEALED_PATTERN.sub(lambda m: f"<sealed:{m['kid']}>", value)
        value = _URL_CREDENTIAL.sub(lambda m: m["head"] + self.token(m["value"]) + m["tail"], value)
        return _PAIR.sub(lambda m: m["name"] + m["sep"] + self.token(m["value"]), value)

    def value(self, value: Any, *, name: str = "") -> Any:
        """Mask a JSON-able structure: sensitive names wholesale, everything else by regex."""
        if isinstance(value, Secret):
            return self.token(value.reveal())
        # A flag carries no secret (and tokenising one would not hide its single bit).
        if name and SENSITIVE_NAME.search(name) and value not in (None, "", [], {}) and not isinstance(value, bool):
            if isinstance(value, str) and SEALED_PATTERN.fullmatch(value):
                return f"<sealed:{SEALED_PATTERN.fullmatch(value)['kid']}>"  # type: ignore[index]
            return self.token(str(value))
        if isinstance(value, Mapping):
            return {str(k): self.value(v, name=str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v, name=name) for v in value]
        if isinstance(value, str):
            return self.text(value)
        if value is None or isinstance(value, bool | int | float):
            return value
        return self.text(str(value))
