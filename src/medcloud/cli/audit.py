"""``medcloud audit verify [LOG]``: check the SM3 chain of the audit trail (R-SEC-05)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from medcloud.cli.conventions import add_format
from medcloud.cli.jsonout import print_json


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "audit", help="check the tamper-evident audit trail (R-SEC-05)",
        description="Audit records are JSON lines chained by SM3.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    ver = actions.add_parser(
        "verify", help="detect edited, deleted, inserted or reordered records",
        description="Exit 0 intact, 1 tampered, 2 log missing or unreadable.",
    )
    ver.add_argument("log", nargs="?", type=Path, metavar="LOG",
                     help="audit log (default: MEDCLOUD_AUDIT_LOG or $XDG_STATE_HOME/medcloud/audit.jsonl)")
    add_format(ver)
    ver.set_defaults(handler=handle_verify)


def handle_verify(args: argparse.Namespace) -> int:
    from medcloud.audit import default_path, verify_log

    log: Path = args.log or default_path()
    result = verify_log(log)
    if args.format == "json":
        print_json({"log": str(log), "records": result.records, "intact": result.intact,
                    "problems": [{"line": p.line, "kind": p.kind.value, "message": p.message}
                                 for p in result.problems]})
        return 0 if result.intact else 1
    if result.intact:
        print(f"{log}: {result.records} record(s), SM3 chain intact")
        return 0
    for problem in result.problems:
        print(f"{log}:{problem}")
    print(f"{log}: TAMPERED: {len(result.problems)} problem(s) in {result.records} record(s)")
    return 1
