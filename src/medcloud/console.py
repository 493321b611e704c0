"""The one way a command makes a rich console, so colour follows the same rules everywhere.

- Colour and every other escape (bold, underline) only on a terminal: a pipe, a
  file or a CI log gets plain text.
- ``NO_COLOR`` (any non-empty value, https://no-color.org) turns all of them off,
  on a terminal too — rich alone would keep bold and underline escapes.
- Width: the terminal's, else ``COLUMNS``, else 80 (rich's rule); a file written
  with ``--out`` gets :data:`FILE_WIDTH` so it reads the same wherever it is opened.
- Nothing is cropped: rich folds long text (``overflow="fold"``); tables go
  through :mod:`medcloud.tables`.
"""

from __future__ import annotations

import os
from typing import IO

from rich.console import Console

#: Width of text rendered for a file rather than a terminal.
FILE_WIDTH = 120


def terminal_console(*, stderr: bool = False, soft_wrap: bool = False) -> Console:
    """A console for a command's stdout (or stderr): escapes only on a terminal without ``NO_COLOR``."""
    if os.environ.get("NO_COLOR", ""):
        return Console(stderr=stderr, soft_wrap=soft_wrap, highlight=False, color_system=None)
    return Console(stderr=stderr, soft_wrap=soft_wrap, highlight=False)


def file_console(file: IO[str], width: int = FILE_WIDTH) -> Console:
    """A console writing plain text (no escapes) at ``width`` into ``file``."""
    return Console(file=file, width=width, color_system=None, highlight=False, force_terminal=False)
