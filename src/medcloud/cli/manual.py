"""``medcloud completion bash|zsh`` and ``medcloud man``: shell completion and a man page, both
generated from the argument parser itself, so they can never drift from the commands.

The environment variables medcloud reads are data here (:data:`ENVIRONMENT`):
``medcloud --help``, the man page and the README list the same ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
from collections.abc import Iterator
from typing import Any

#: Every environment variable medcloud reads, and what for.
ENVIRONMENT: dict[str, str] = {
    "MEDCLOUD_HOME": "the project folder (Pulumi.yaml and stacks/) when not run from inside it",
    "MEDCLOUD_SECRET_KEY": "SM4 key (hex) that opens sealed credentials in inventories and stacks",
    "MEDCLOUD_SECRET_KEY_FILE": "file holding that key (e.g. .lab/secret.key); preferred over the variable",
    "MEDCLOUD_KEYSTORE": "a key-store plug-in (module:factory) that supplies the key instead",
    "MEDCLOUD_SIGNING_KEY_FILE": "SM2 key that signs acceptance reports",
    "MEDCLOUD_AUDIT_LOG": "the SM3-chained audit log (default $XDG_STATE_HOME/medcloud/audit.jsonl)",
    "MEDCLOUD_LAB_DIR": "state folder of `medcloud lab` (default .lab/)",
    "MEDCLOUD_REGION_DIRS": "extra directories (':'-separated) a stack's region file may lie in, besides stacks/",
    "MEDCLOUD_DEBUG": "set to 1 to see the traceback of an unexpected internal error",
    "MEDCLOUD_CLOUD_DIR": "state folder of `medcloud cloud` (default .cloud/); the contract test uses a plane there",
    "NO_COLOR": "any value turns colour off (https://no-color.org)",
}

EXIT_STATUS: dict[int, str] = {
    0: "success; compliant; accepted",
    1: "findings: violations, failed checks",
    2: "bad input: one line naming the file, field and reason",
    130: "interrupted (Ctrl-C); a partial result is written where the command promises one",
}


def environment_epilog() -> str:
    width = max(map(len, ENVIRONMENT))
    lines = [f"  {name:<{width}}  {text}" for name, text in ENVIRONMENT.items()]
    return "environment:\n" + "\n".join(lines)


def register(sub: Any) -> None:
    completion: argparse.ArgumentParser = sub.add_parser(
        "completion", help="print a shell completion script (bash, zsh)",
        description="Print a completion script generated from medcloud's own parser.",
        epilog="examples:\n  medcloud completion bash > /etc/bash_completion.d/medcloud\n"
               "  source <(medcloud completion zsh)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    completion.add_argument("shell", choices=("bash", "zsh"))
    completion.set_defaults(handler=handle_completion)
    manual: argparse.ArgumentParser = sub.add_parser(
        "man", help="print the man page (roff); `medcloud man | man -l -`",
        description="Print medcloud(1) in roff, generated from the parser.",
        epilog="examples:\n  medcloud man | man -l -\n  medcloud man > /usr/local/share/man/man1/medcloud.1",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    manual.set_defaults(handler=handle_man)


def _root() -> argparse.ArgumentParser:
    from medcloud.cli import build_parser

    return build_parser()


def handle_completion(args: argparse.Namespace) -> int:
    sys.stdout.write(bash_completion(_root(), zsh=args.shell == "zsh"))
    return 0


def handle_man(args: argparse.Namespace) -> int:
    sys.stdout.write(man_page(_root()))
    return 0


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """name → parser of every sub-command (one level, in --help order)."""
    for action in parser._actions:  # argparse keeps no public list of sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices.items())
    return {}


def commands(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """``("secret rotate", parser)``…: every command and action at every level, in --help order."""
    for name, sub in subcommands(parser).items():
        path = f"{prefix} {name}".strip()
        yield path, sub
        yield from commands(sub, path)


def options(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    for action in parser._actions:
        if action.option_strings:
            yield action


def positionals(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    for action in parser._actions:
        if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
            yield action


def bash_completion(parser: argparse.ArgumentParser, *, zsh: bool = False) -> str:
    """A bash (or zsh via bashcompinit) completion function: commands, their options, option choices."""
    top_level = subcommands(parser)
    cases = []
    for name, sub in top_level.items():
        # A command's flags, choices and words include its actions' (`secret rotate --to`).
        levels = [sub, *(nested for _, nested in commands(sub))]
        flags = " ".join(dict.fromkeys(opt for level in levels for action in options(level)
                                       for opt in action.option_strings))
        choices = list(dict.fromkeys(
            f"{opt}) COMPREPLY=($(compgen -W {shlex.quote(' '.join(map(str, action.choices)))} "
            f'-- "$cur")); return;;'
            for level in levels for action in options(level) if action.choices for opt in action.option_strings))
        words = " ".join(dict.fromkeys([
            *(str(c) for level in levels for action in positionals(level) if action.choices for c in action.choices),
            *(path.split()[-1] for path, _ in commands(sub))]))
        cases.append(
            f"    {name})\n"
            f'      case "$prev" in\n' + "".join(f"        {c}\n" for c in choices) + "      esac\n"
            f'      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W {shlex.quote(flags)} -- "$cur"));\n'
            f"      else COMPREPLY=($(compgen -W {shlex.quote(words)} -- \"$cur\") "
            f'$(compgen -W "$(__medcloud_stacks)" -- "$cur") $(compgen -f -- "$cur")); fi;;\n'
        )
    top = " ".join([*top_level, "--help", "--version"])
    head = "#compdef medcloud\nautoload -U +X bashcompinit && bashcompinit\n" if zsh else ""
    return (
        f"{head}# medcloud completion, generated by `medcloud completion` from the parser.\n"
        "__medcloud_stacks() {\n"
        "  local d=\"${MEDCLOUD_HOME:-.}/stacks\" f\n"
        "  for f in \"$d\"/Pulumi.*.yaml; do [[ -e $f ]] && { f=${f##*/Pulumi.}; echo \"${f%.yaml}\"; }; done\n"
        "}\n"
        "_medcloud() {\n"
        "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]}\n"
        f"  if (( COMP_CWORD == 1 )); then COMPREPLY=($(compgen -W {shlex.quote(top)} -- \"$cur\")); return; fi\n"
        '  case "$cmd" in\n' + "".join(cases) + "  esac\n}\n"
        "complete -o filenames -F _medcloud medcloud\n"
    )


def _roff(text: str) -> str:
    """Escape text for roff: backslashes, leading dots/quotes, hyphens in option names."""
    out = []
    for line in text.replace("\\", "\\e").splitlines():
        out.append("\\&" + line if line.startswith((".", "'")) else line)
    return "\n".join(out)


def _flag(action: argparse.Action) -> str:
    names = ", ".join(f"\\fB{o.replace('-', chr(92) + '-')}\\fR" for o in action.option_strings)
    if action.nargs == 0:
        return names
    metavar = action.metavar or (("{" + ",".join(map(str, action.choices)) + "}") if action.choices
                                 else action.dest.upper())
    return f"{names} \\fI{_roff(str(metavar))}\\fR"


def man_page(parser: argparse.ArgumentParser, *, today: dt.date | None = None) -> str:
    """medcloud(1) in roff (man macros)."""
    from medcloud import __version__

    date = (today or dt.date.today()).isoformat()
    parts = [
        f'.TH MEDCLOUD 1 "{date}" "medcloud {__version__}" "User Commands"',
        ".SH NAME", "medcloud \\- " + _roff(parser.description or ""),
        ".SH SYNOPSIS", "\\fBmedcloud\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]",
        ".SH COMMANDS",
    ]
    for name, sub in commands(parser):
        args = " ".join(f"\\fI{_roff(str(a.metavar or a.dest))}\\fR" for a in positionals(sub))
        parts += [".SS " + f"medcloud {name} {args}".strip(), _roff(sub.description or "")]
        for action in options(sub):
            if action.dest == "help":
                continue
            parts += [".TP", _flag(action), _roff(action.help or "")]
        if sub.epilog:
            parts += [".PP", ".nf", _roff(sub.epilog), ".fi"]
    parts.append(".SH EXIT STATUS")
    for code, text in EXIT_STATUS.items():
        parts += [".TP", f"\\fB{code}\\fR", _roff(text)]
    parts.append(".SH ENVIRONMENT")
    for name, text in ENVIRONMENT.items():
        parts += [".TP", f"\\fB{name}\\fR", _roff(text)]
    return "\n".join(parts) + "\n"
