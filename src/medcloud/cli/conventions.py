"""One set of flag conventions for every command, applied to the whole parser in one place (issue 17).

- The same long flag has the same short alias everywhere (:data:`SHORT`): ``-o/--out``,
  ``-f/--format``, ``-l/--limit``, ``-n/--dry-run``, ``-s/--stack``, ``-t/--timeout``,
  ``-j/--concurrency``.  A command whose parser already uses that letter for something
  else keeps it (the test in ``tests/unit/cli/test_conventions.py`` says which, if any).
- Output files and directories are ``--out``; an old spelling (``--output``) keeps working
  as a hidden alias (:data:`HIDDEN`) that neither ``--help``, the man page nor completion shows.
- ``--format`` values name the same thing the same way: ``text`` is the human form (the old
  ``table``/``tree`` stay accepted, :data:`FORMAT_ALIASES`), ``json`` the machine form,
  ``junit``/``sarif`` CI reports.
- A file argument of ``-`` is standard input (``medcloud.yamlio.read_stdin``); the help of
  such arguments says so.

The man page and the shell completion are generated from the parser after this ran, so
they show exactly these spellings.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator

#: Long flag → its short alias, the same in every command.
SHORT = {
    "--out": "-o",
    "--format": "-f",
    "--limit": "-l",
    "--dry-run": "-n",
    "--stack": "-s",
    "--timeout": "-t",
    "--concurrency": "-j",
}
#: Old spellings kept working, hidden: old → canonical long flag.
HIDDEN = {"--output": "--out"}
#: ``--format`` values that mean the human form, under the one name every command uses.
FORMAT_ALIASES = {"table": "text", "tree": "text"}
#: The ``--format`` values a command may offer, in the order they are listed.
FORMATS = ("text", "json", "markdown", "junit", "sarif", "svg", "dot", "png")


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """``parser`` and every sub-command parser below it."""
    todo = [parser]
    while todo:
        current = todo.pop()
        yield current
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo.extend(action.choices.values())


def _format_type(inner: Callable[[str], object] | None) -> Callable[[str], object]:
    def parse(text: str) -> object:
        value = FORMAT_ALIASES.get(text, text)
        return inner(value) if inner is not None else value
    return parse


#: File arguments that ``-`` may stand for (standard input), by metavar.
STDIN_ARGUMENTS = {"STACK": "a region file", "INVENTORY": "the inventory"}


def apply(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Give every command of ``parser`` the conventions above; returns ``parser``."""
    for command in parsers(parser):
        for action in list(command._actions):
            what = STDIN_ARGUMENTS.get(str(action.metavar)) if not action.option_strings else None
            if what is not None and action.help and "standard input" not in action.help:
                action.help += f"; - reads {what} from standard input"
            longs = [o for o in action.option_strings if o.startswith("--")]
            for old, new in HIDDEN.items():
                if old in longs and new not in command._option_string_actions:
                    # Renamed in place: the canonical flag is shown, the old one still parses.
                    action.option_strings = [new if o == old else o for o in action.option_strings]
                    command._option_string_actions[new] = action
                    longs = [new if o == old else o for o in longs]
            for long in longs:
                short = SHORT.get(long)
                if short is not None and short not in command._option_string_actions:
                    action.option_strings = [short, *action.option_strings]
                    command._option_string_actions[short] = action
            if "--format" in longs and action.choices is not None:
                choices = [FORMAT_ALIASES.get(str(c), str(c)) for c in action.choices]
                action.choices = sorted(dict.fromkeys(choices), key=_format_order)
                if isinstance(action.default, str):
                    action.default = FORMAT_ALIASES.get(action.default, action.default)
                action.type = _format_type(action.type)  # type: ignore[arg-type]
    return parser


def _format_order(name: str) -> int:
    return FORMATS.index(name) if name in FORMATS else len(FORMATS)


def add_format(parser: argparse.ArgumentParser, *machine: str, help: str | None = None) -> None:
    """``-f/--format text|json|…``: ``text`` for people (the default), the others for programs."""
    parser.add_argument("-f", "--format", choices=("text", *(machine or ("json",))), default="text",
                        help=help or "json: one JSON object on stdout (errors too)")

