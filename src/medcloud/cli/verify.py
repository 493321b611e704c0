"""``medcloud verify INVENTORY``: hardware acceptance against spec profiles (R-HW-01…06).

Writes a JSON and an HTML report (signed when a signing key is configured),
prints a summary (or the JSON with ``--format json``).  Exit 0 accepted, 1 a device
failed its spec, 3 nothing failed but a device could not be reached or read (so it is
not verified), 2 bad input, 130/143 interrupted by SIGINT/SIGTERM (a partial report
marked incomplete is still written, and a second signal does not stop that).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medcloud import signals
from medcloud.cli.argtypes import positive
from medcloud.cli.jsonout import print_json
from medcloud.errors import EXIT_UNREACHABLE

if TYPE_CHECKING:
    from medcloud.hardware.transports.base import Transports
    from medcloud.hardware.verify.results import Report

EXIT_INTERRUPTED = 130
#: Report outcome → exit code (``incomplete`` exits 130/143 via the interrupt path).
EXIT_CODES = {"accepted": 0, "failed": 1, "unverified": EXIT_UNREACHABLE, "incomplete": EXIT_INTERRUPTED}


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "verify",
        help="verify delivered servers and switches against their spec profiles (R-HW)",
        description="Hardware acceptance: query every device in INVENTORY (SSH, IPMI, SNMPv3) and compare "
                    "with its spec profile. Exit 0 accepted, 1 a device failed its spec, 3 a device could not be "
                    "reached or read (nothing failed), 2 bad input, 130/143 interrupted (partial report written).",
    )
    parser.add_argument("inventory", metavar="INVENTORY", type=Path, help="inventory YAML file")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="stdout: a summary (text) or the full JSON report")
    parser.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR",
                        help="directory for the JSON and HTML reports (default: ./reports)")
    parser.add_argument("--concurrency", type=positive(int, maximum=4096), default=16, metavar="N",
                        help="devices verified at once (default 16)")
    parser.add_argument("--timeout", type=positive(float, maximum=86400), default=120.0, metavar="S",
                        help="seconds each device protocol may take before it counts as dead (default 120)")
    parser.add_argument("--profiles", type=Path, action="append", default=[], metavar="DIR",
                        help="extra spec-profile directory (repeatable; same name overrides a shipped one)")
    parser.add_argument("--lang", choices=("en", "zh-CN"), default="en",
                        help="language of the HTML report's frame: headings, verdict, sign-off (default en)")
    parser.add_argument("--replay", type=Path, metavar="DIR",
                        help="verify recorded captures (DIR/<device>/ssh.json, ipmi.json, snmp.snmprec) "
                             "instead of querying devices")
    parser.set_defaults(handler=handle, audit_action="verify")


def handle(args: argparse.Namespace) -> int:
    from medcloud.hardware.inventory import load_inventory
    from medcloud.hardware.specs import load_catalogue
    from medcloud.hardware.transports.base import real_transports
    from medcloud.hardware.transports.fake import load_replay
    from medcloud.yamlio import check_output_dir

    check_output_dir(args.out)
    catalogue = load_catalogue(args.profiles)
    inventory = load_inventory(args.inventory, catalogue.names())
    args.region = None
    if inventory.stack is not None:
        from medcloud import stacks
        from medcloud.errors import StackNotFoundError

        # STACK as every command takes it: a stack of the inventory's project (else of the working
        # directory's), or a stack or region file.
        try:
            root: Path | None = stacks.project_root(args.inventory.resolve().parent)
        except StackNotFoundError:
            root = None
        args.region = stacks.load(inventory.stack, root).region
    transports = load_replay(args.replay, inventory) if args.replay is not None else real_transports()
    try:
        report, interrupted = run(args, inventory, catalogue, transports)
    finally:
        close = getattr(transports.snmp, "close", None)
        if callable(close):
            close()
    # Check counts by outcome; "pass" is spelt out so the audit trail does not take it for a password.
    counts = {("passed" if k == "pass" else k): v for k, v in report.counts().items()}
    args.audit_detail = {"complete": report.complete, "passed": report.passed, "outcome": report.outcome,
                         "counts": counts}
    stem = "stdin" if str(args.inventory) == "-" else args.inventory.stem  # `verify -`: reports/stdin.json
    document, paths = write_reports(report, args.out, stem, lang=args.lang)
    if args.format == "json":
        print_json(document)
    else:
        from medcloud.console import terminal_console
        from medcloud.hardware.reports import text

        console = terminal_console()
        text.render(report, console)
        console.print("reports: " + ", ".join(str(p) for p in paths))
    if interrupted:
        print("medcloud: interrupted; partial report written (marked incomplete)", file=sys.stderr)
        return signals.exit_code()
    return EXIT_CODES[report.outcome]


def may_be_terminal(stream: Any) -> bool:
    """Whether rich could take ``stream`` for a terminal: a TTY, or ``TTY_COMPATIBLE=1`` or
    ``FORCE_COLOR`` set (rich's own rule decides the rest).  When it cannot, the progress bar
    would be disabled anyway, and rich (a tenth of a second of imports) is not loaded for it.
    """
    if os.environ.get("TTY_COMPATIBLE") == "1" or os.environ.get("FORCE_COLOR"):
        return True
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _progress(total: int) -> tuple[AbstractContextManager[Any], Callable[[Any], None] | None]:
    """The progress bar on stderr (a context) and the callback that advances it; none off a terminal."""
    if not may_be_terminal(sys.stderr):
        return contextlib.nullcontext(), None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from medcloud.console import terminal_console

    stderr = terminal_console(stderr=True)
    progress = Progress(TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.description}"), console=stderr, transient=True,
                        disable=not stderr.is_terminal)
    task_id = progress.add_task("", total=total)

    def done(result: Any) -> None:
        progress.update(task_id, advance=1, description=f"{result.name}: {result.status.value}")

    return progress, done


def run(args: argparse.Namespace, inventory: Any, catalogue: Any, transports: Transports) -> tuple[Report, bool]:
    """Run the verification; SIGINT cancels it and yields the partial report."""
    from medcloud.gcpause import gc_paused
    from medcloud.hardware.transports.base import Timeouts
    from medcloud.hardware.verify.engine import Limits, Verification

    progress, done = _progress(len(inventory.devices()))
    limits = Limits(concurrency=args.concurrency, device_timeout=args.timeout,
                    timeouts=Timeouts(operation=min(20.0, args.timeout)))
    verification = Verification(inventory, catalogue, transports, inventory_name=str(args.inventory),
                                limits=limits, on_done=done, region=getattr(args, "region", None))

    async def main() -> tuple[Report, bool]:
        # SIGINT and SIGTERM cancel the run; the partial report is returned (medcloud.signals).
        with signals.cancel_on_signal():
            try:
                return await verification.run(), False
            except asyncio.CancelledError:
                return verification.report(complete=False), True

    # Read every device without the cyclic collector walking the heap again and again (medcloud.gcpause).
    with progress, gc_paused(freeze=True):
        try:
            return asyncio.run(main())
        except KeyboardInterrupt:
            # SIGINT before the loop installed its handler (or after it left).
            return verification.report(complete=False), True


def write_reports(report: Report, out: Path, stem: str, *,
                  lang: str = "en") -> tuple[dict[str, Any], tuple[Path, Path]]:
    """Write ``<stem>-<time>.json`` and ``.html`` atomically, signed if a key is configured.

    The HTML shows the JSON report's signature (signer, key id, SM3 digest) and whether it
    verifies, and carries its own evidence comment.
    """
    from medcloud.evidence import verify_report, write_html, write_json
    from medcloud.hardware.reports import html

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = "" if report.complete else "-incomplete"
    json_path = out / f"{stem}-{stamp}{suffix}.json"
    html_path = out / f"{stem}-{stamp}{suffix}.html"
    signed = write_json(json_path, report.to_json())
    evidence = signed["evidence"]
    valid = verify_report(json_path).valid if evidence.get("status") == "signed" else None
    write_html(html_path, html.render(report, lang=lang, evidence=evidence, evidence_valid=valid,
                                      json_name=json_path.name))
    return signed, (json_path, html_path)
