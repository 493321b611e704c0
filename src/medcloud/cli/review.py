"""``medcloud review BASE HEAD`` / ``medcloud review --git REV1 REV2 STACK`` / ``medcloud review
--git REV STACK`` (REV against the working tree): a changes-only review of two previews, with the
compliance delta.  Exit 1 when the change introduces a
mandatory policy violation, 0 otherwise, 2 on bad input."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

from medcloud.cli.argtypes import positive
from medcloud.errors import InputError


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "review",
        help="review the changes between two stack previews, with their compliance delta",
        description=(
            "Compare two preview JSON files (`pulumi preview --json` or `medcloud preview STACK --format json`), "
            "or preview STACK at two git revisions, or at one revision and the working tree "
            "(uncommitted edits and untracked files included). Prints creates, updates, replaces and deletes "
            "grouped by centre and component, property diffs, risk flags and the policy violations introduced "
            "or fixed. "
            "Exit 0 no new mandatory violation, 1 new mandatory violation(s), 2 bad input."
        ),
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="BASE HEAD",
                        help="the two preview JSON files (one of them may be - for standard input)")
    parser.add_argument("--git", nargs="+", metavar="REV1 [REV2] STACK",
                        help="preview STACK at two revisions of this repository (REV1 REV2 STACK), or at REV1 "
                             "and the working tree (REV1 STACK): offline previews")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    # Shown as -o/--out like every command's output; --output still parses (cli.conventions).
    parser.add_argument("--output", type=Path, metavar="FILE", help="write the review here (atomically)")
    parser.add_argument("--policy-config", type=Path, metavar="FILE",
                        help="policy pack config JSON (as for pulumi --policy-pack-config)")
    parser.add_argument("--timeout", type=positive(float, maximum=86400), default=600.0, metavar="SECONDS",
                        help="limit for each offline preview in --git mode (default 600)")
    parser.set_defaults(handler=handle, audit_action="review")


def handle(args: argparse.Namespace) -> int:
    from medcloud import signals
    from medcloud.console import file_console, terminal_console
    from medcloud.policy.config import PackConfig
    from medcloud.review.document import load_document
    from medcloud.review.engine import review
    from medcloud.review.render import render
    from medcloud.yamlio import check_output_file, write_atomic

    if args.git and args.paths:
        raise InputError("review takes either BASE HEAD or --git REV1 REV2 STACK, not both")
    if sum(str(p) == "-" for p in args.paths) > 1:
        raise InputError("only one of BASE and HEAD can be - (standard input)")
    if args.output is not None:
        check_output_file(args.output, "--out")
    config = PackConfig.load(args.policy_config) if args.policy_config else None
    if args.git:
        from medcloud.review.revisions import preview_at

        if len(args.git) not in (2, 3):
            raise InputError(f"--git takes REV1 REV2 STACK or REV STACK (got {len(args.git)} value(s))")
        *revs, stack = args.git
        rev1, rev2 = (revs[0], revs[1]) if len(revs) == 2 else (revs[0], None)
        base, head = preview_at(rev1, stack, args.timeout), preview_at(rev2, stack, args.timeout)
    elif len(args.paths) == 2:
        base, head = load_document(args.paths[0]), load_document(args.paths[1])
    else:
        raise InputError(f"review needs BASE and HEAD preview files (got {len(args.paths)}) or --git REV1 REV2 STACK")
    result = review(base, head, config)
    # What the providers' Check or the clouds' APIs would refuse in HEAD and BASE had not (issue 11).
    from medcloud.conformance import introduced
    from medcloud.review.engine import resolved

    _, refused = introduced(resolved(base, head), resolved(head, base))
    for finding in refused:
        sys.stderr.write(f"conformance: {finding.line()}\n")
    args.audit_target = f"{result.base} -> {result.head}"
    args.audit_detail = {**result.summary, "introduced": len(result.compliance.introduced),
                         "blocking": len(result.compliance.blocking)}
    signals.checkpoint()  # interrupted (even if something swallowed it): no output
    if args.output is not None:
        buffer = io.StringIO()
        text = render(result, args.format, file_console(buffer))
        write_atomic(args.output, text if text is not None else buffer.getvalue())
    else:
        text = render(result, args.format, terminal_console(soft_wrap=True))
        if text is not None:
            sys.stdout.write(text)
    return 1 if result.blocking or refused else 0
