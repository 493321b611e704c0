"""Escaping for each output medium, in one place (issue 16).

Names, messages and values that reach an output may come from anyone: a resource
name in a preview, a centre in a region file, an LLDP neighbour a switch reports,
an error quoting a file.  Every renderer passes them through the function for its
medium:

- :func:`terminal`: control characters (ESC, CSI, BEL, backspace, C1 codes) and
  bidirectional overrides become visible ``\\x1b``-style escapes, so nothing can
  move the cursor, recolour, retitle or hide text on an operator's terminal;
  :func:`rich_markup` does the same for strings rich parses as markup;
- :func:`markdown_text`, :func:`markdown_code`, :func:`markdown_fence`: text,
  inline code and fenced blocks that no backtick, pipe, bracket, angle bracket or
  newline in the value can leave (no link, image or raw HTML in a PR comment);
- :func:`html_text`: HTML text and attribute values (``& < > " '``).

Line breaks are kept only where the medium's function says so; one-line fields stay
one line.
"""

from __future__ import annotations

import html
import re

#: C0 controls but tab and newline, DEL, C1 controls, and the bidirectional
#: embedding/override/isolate characters (a "Trojan source" name reads backwards).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NEWLINES = re.compile(r"[\t\n]")
#: Characters that open inline markup in CommonMark/GFM text: code, emphasis, strikethrough,
#: links and images (``[``, ``]``, ``!``), table cells (``|``) and escapes; ``<`` and ``&``
#: become entities.  Block markup (``#``, ``-``, ``>``) only counts at a line start, which a
#: one-line value never reaches.
_MARKDOWN = re.compile(r"([\\`*_\[\]|~!])")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: object, *, multiline: bool = False) -> str:
    """``text`` safe to write to a terminal: controls shown as ``\\xNN``, one line unless ``multiline``."""
    value = _CONTROL.sub(_visible, str(text))
    return value if multiline else _NEWLINES.sub(_visible, value)


def rich_markup(text: object) -> str:
    """``text`` for a rich markup string (``console.print(f"...")``): terminal-safe and no ``[tag]``."""
    from rich.markup import escape  # imported here: the CLI imports this module before any command runs

    return escape(terminal(text))


def html_text(text: object) -> str:
    """``text`` for HTML content or a quoted attribute value."""
    return html.escape(terminal(text, multiline=True), quote=True)


def markdown_text(text: object) -> str:
    """``text`` as literal Markdown inline text (also inside a GFM table cell): one line, no markup."""
    return _MARKDOWN.sub(r"\\\1", html.escape(terminal(text), quote=False))


def markdown_code(text: object) -> str:
    """``text`` as a Markdown code span that nothing in it can close (safe in a GFM table cell)."""
    value = terminal(text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith(("`", " ")) or value.endswith(("`", " ")) or not value else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def markdown_fence(lines: list[str], info: str = "", indent: str = "") -> list[str]:
    """A fenced code block holding ``lines`` verbatim; its fence is longer than any backtick run inside."""
    body = [terminal(line) for line in lines]
    longest = max((len(run) for line in body for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{indent}{fence}{info}", *(f"{indent}{line}" for line in body), f"{indent}{fence}"]
