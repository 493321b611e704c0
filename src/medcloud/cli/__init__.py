"""The ``medcloud`` command line.

Each sub-command lives in its own module exposing ``register(subparsers)``;
heavy imports (Pulumi, pysnmp, pyghmi…) happen inside the command, so
``medcloud --help`` stays fast.  Exit codes everywhere (README "Exit codes"):
0 success/compliant, 1 violations or failures, 2 bad input (one line on stderr,
no traceback), 3 a device or service unreachable, 130/143 interrupted by
SIGINT/SIGTERM.  The exception tree decides the code, in one place
(:data:`medcloud.errors.EXIT_CODES`); signals follow :mod:`medcloud.signals`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from medcloud import __version__, signals
from medcloud.errors import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREACHABLE,
    MedcloudError,
    SourceErrors,
    UsageError,
    error_record,
    exit_code,
)
from medcloud.escape import terminal

__all__ = ["EXIT_BAD_INPUT", "EXIT_FINDINGS", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_UNREACHABLE", "main", "run"]

#: Ctrl-C; SIGTERM ends with 143 (128 + the signal number, see medcloud.signals).
EXIT_INTERRUPTED = 130
#: Set to 1 to see the traceback of an unexpected error (a bug: please report it).
ENV_DEBUG = "MEDCLOUD_DEBUG"

#: Sub-command modules, in the order --help lists them.
COMMANDS = [
    # infrastructure teams and reviewers
    "validate",
    "preview",
    "review",
    "graph",
    "cloud",
    # hardware acceptance and provisioning
    "lab",
    "verify",
    "provision",
    "switch",
    "bmc",
    "appliance",
    # secrets and evidence
    "secret",
    "audit",
    "report",
    # the command line itself
    "manual",
]

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    from medcloud.cli.manual import environment_epilog

    parser = argparse.ArgumentParser(
        prog="medcloud",
        description="Infrastructure as code for regional medical hybrid clouds on xinchuang hardware.",
        epilog=environment_epilog() + "\n\nEvery command has --help with examples; `medcloud man | man -l -`.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"medcloud {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more detail on stderr (-v: medcloud's progress, -vv: debug and libraries' logs)")
    parser.add_argument("-q", "--quiet", action="store_true", help="errors only on stderr")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"medcloud.cli.{name}")
        module.register(sub)
    from medcloud.cli.conventions import apply

    return apply(parser)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every outcome is an exit code, never a traceback (unless ``MEDCLOUD_DEBUG``)."""
    args: argparse.Namespace | None = None
    try:
        parser = build_parser()
        args = _parse(parser, list(sys.argv[1:] if argv is None else argv))
        from medcloud.logsetup import configure

        configure(-1 if args.quiet else args.verbose)
        handler: Handler = args.handler
        code: int
        if getattr(args, "audit_action", None):
            # Commands that set audit_action get one SM3-chained audit record (R-SEC-05).
            from medcloud.audit.command import run_audited

            code = run_audited(args, handler)
        else:
            code = handler(args)
        if signals.received() is not None and not signals.settled():
            # Interrupted, even if a library swallowed the KeyboardInterrupt: never "finished".
            # (Settled: the audit record already said how the command ended, and the exit status
            # follows the record, even when a signal came while it was being written.)
            if code not in (128 + s for s in signals.SIGNALS):
                print("medcloud: interrupted", file=sys.stderr)
            return signals.exit_code()
        return code
    except KeyboardInterrupt:
        print("medcloud: interrupted", file=sys.stderr)
        return signals.exit_code()
    except Exception as exc:
        if signals.received() is not None and not signals.settled():
            # Whatever the interrupt became on its way up (Python wraps it in some places).
            print("medcloud: interrupted", file=sys.stderr)
            return signals.exit_code()
        if isinstance(exc, MedcloudError):
            wants = getattr(args, "format", None) == "json" if args is not None else isinstance(exc, UsageError)
            return report_error(exc, json_output=wants)
        return _unexpected(exc)


def _wants_json(argv: list[str]) -> bool:
    """Whether the command line asks for ``--format json`` (also ``-f json``, ``--format=json``, ``-fjson``)."""
    return any(a in ("--format=json", "-fjson") or (a in ("--format", "-f") and b == "json")
               for a, b in zip(argv, [*argv[1:], ""], strict=True))


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """``parser.parse_args``; under ``--format json`` a usage error is a :class:`UsageError` (so JSON too)."""
    if not _wants_json(argv):
        return parser.parse_args(argv)
    import contextlib
    import io

    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            return parser.parse_args(argv)
    except SystemExit as exit_:
        if exit_.code != EXIT_BAD_INPUT:
            sys.stderr.write(captured.getvalue())
            raise
        lines = captured.getvalue().strip().splitlines()
        raise UsageError(lines[-1] if lines else "invalid command line") from None


def report_error(exc: MedcloudError, *, json_output: bool = False) -> int:
    """Tell the user what was wrong, the one way every command does; return the exit code.

    Text: one ``medcloud: error: file:line:col: field: reason`` line per problem on stderr.
    Under ``--format json`` the same, as the one object :func:`medcloud.errors.error_record`
    builds, goes to stdout (where the command's result would have gone).
    """
    if json_output:
        from medcloud.cli.jsonout import print_json

        print_json(error_record(exc))
        return exit_code(exc)
    problems = exc.problems if isinstance(exc, SourceErrors) else [exc]
    for problem in problems:
        print(f"medcloud: error: {terminal(str(problem))}", file=sys.stderr)
    if len(problems) > 1:
        print(f"medcloud: {len(problems)} problems", file=sys.stderr)
    return exit_code(exc)


def _unexpected(exc: Exception) -> int:
    if isinstance(exc, BrokenPipeError):
        # The reader went away (`medcloud … | head`): not an error of ours.
        _silence_stdout()
        return EXIT_OK
    if os.environ.get(ENV_DEBUG):
        raise exc
    # A bug, not the user's mistake: one line naming the kind; the text may carry anything.
    print(f"medcloud: internal error ({type(exc).__name__}); run with {ENV_DEBUG}=1 for details", file=sys.stderr)
    return EXIT_BAD_INPUT


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run() -> None:
    """Console-script entry point (kept for old installs; new ones use :func:`medcloud.launch.run`)."""
    from medcloud.launch import run as launch

    launch()
