"""JSON on stdout: indented for a person at a terminal, compact for a pipe or a file.

``json.dumps(indent=…)`` runs Python's pure-Python encoder; without an indent
the C encoder does the same work several times faster.  A verify report of 220
devices is ~2 MB: indented, its printing cost ``medcloud verify --format json``
~0.4 s of CPU that nobody reading it through ``jq`` or a CI parser needed.
The data is the same either way.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(document: Any) -> None:
    """``document`` on stdout (UTF-8 text, not ``\\u`` escapes), indented only when stdout is a terminal."""
    if sys.stdout.isatty():
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
