"""The ``medcloud`` command line.

Each sub-command lives in its own module exposing ``register(subparsers)``;
heavy imports (Pulumi, pysnmp, pyghmi…) happen inside the command, so
``medcloud --help`` stays fast.  Exit codes everywhere: 0 success/compliant,
1 violations or failures, 2 bad input (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from medcloud import __version__
from medcloud.errors import InputError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

#: Sub-command modules, in the order --help lists them.
COMMANDS = [
    # infrastructure teams and reviewers
    "validate",
    "preview",
    "review",
    "graph",
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
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"medcloud.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        if getattr(args, "audit_action", None):
            # Commands that set audit_action get one SM3-chained audit record (R-SEC-05).
            from medcloud.audit.command import run_audited

            return run_audited(args, handler)
        return handler(args)
    except InputError as exc:
        print(f"medcloud: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("medcloud: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
