"""``medcloud preview STACK``: run the Pulumi program offline under the SDK's mocks.

Prints the resource tree (default) or a ``pulumi preview --json`` shaped
document.  Exit 0 no mandatory policy violation, 1 mandatory violation(s),
2 bad input — including a program `pulumi preview` (the providers' checks) or
`pulumi up` (the clouds' APIs) would refuse: one stderr line per problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "preview",
        help="preview a stack offline (no Pulumi CLI, no credentials): resource tree or preview JSON",
        description=(
            "Execute the real Pulumi program (__main__.py) under the Pulumi SDK's mock engine and print "
            "what `pulumi preview` would create. Output is byte-identical across runs. "
            "Exit 0 ok, 1 mandatory policy violation(s), 2 bad input or a resource the providers' checks or "
            "the clouds' APIs would refuse (one stderr line per problem: URN: property: value: allowed [source])."
        ),
    )
    parser.add_argument("stack", metavar="STACK", help="stack name (dev, ref002) or stack file")
    parser.add_argument("--format", choices=("tree", "json"), default="tree")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write here (atomically) instead of stdout")
    parser.set_defaults(handler=handle, audit_action="preview")


def handle(args: argparse.Namespace) -> int:
    from medcloud import signals
    from medcloud.console import FILE_WIDTH, terminal_console
    from medcloud.escape import terminal
    from medcloud.preview import conformance, preview, render
    from medcloud.yamlio import check_output_file, write_atomic

    args.audit_target = args.stack
    if args.out is not None:
        check_output_file(args.out)
    result = preview(args.stack)
    if args.out is not None:
        width, color_system = FILE_WIDTH, None
    else:
        # The terminal's width (else COLUMNS, else 80); colour only on a terminal without NO_COLOR.
        console = terminal_console()
        width, color_system = console.width, (console.color_system if console.is_terminal else None)
    text, violations = render(result, args.format, width=width, color_system=color_system)
    report = conformance(result)
    signals.checkpoint()  # an interrupt the SDK swallowed still means: no output
    if args.out is not None:
        write_atomic(args.out, text)
    else:
        sys.stdout.write(text)
    # One line per resource property the providers' checks or the clouds' APIs would refuse.
    for line in report.lines():
        sys.stderr.write(f"conformance: {terminal(line)}\n")
    for kind in report.unchecked:
        sys.stderr.write(f"conformance: {terminal(kind)}: no provider rule data (not checked)\n")
    if report.findings:
        sys.stderr.write(f"conformance: {len(report.findings)} problem(s) `pulumi preview`/`up` would refuse\n")
        return 2
    mandatory = [v for v in violations if v.get("enforcement", v.get("enforcementLevel")) == "mandatory"]
    return 1 if mandatory else 0
