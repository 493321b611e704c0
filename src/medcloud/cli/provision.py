"""``medcloud provision INVENTORY``: bring servers to the OS baseline with pyinfra (R-HW-04).

Audited as a privileged action (R-SEC-07), dry run included: it logs in to servers.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from medcloud.cli.jsonout import print_json


def _via(value: str) -> tuple[str, str]:
    name, sep, connector = value.partition("=")
    if not sep or not name or not connector:
        raise argparse.ArgumentTypeError(f"{value!r}: expected SERVER=CONNECTOR, e.g. kp-01=@chroot/srv/root")
    return name, connector


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "provision",
        help="apply the OS baseline to servers (NVMe, sysctl, hugepages, chrony, auditd, SSH, TLS)",
        description="Bring the inventory's servers to the OS baseline planned from the region. "
                    "Exit 0 done (or nothing to do), 1 a host failed, 2 bad input.",
    )
    parser.add_argument("inventory", metavar="INVENTORY", help="inventory file (inventories/*.yaml)")
    parser.add_argument("--dry-run", action="store_true",
                        help="read facts only and list the changes per host; change nothing")
    parser.add_argument("--stack", metavar="STACK",
                        help="stack or region file (default: the stack whose region has the inventory's centres)")
    parser.add_argument("--limit", action="append", default=[], metavar="SERVER", help="only this server (repeatable)")
    parser.add_argument("--via", action="append", default=[], type=_via, metavar="SERVER=CONNECTOR",
                        help="reach SERVER through a pyinfra connector instead of SSH, e.g. @chroot/DIR")
    parser.add_argument("--os", choices=("openeuler", "kylin", "uos"),
                        help="OS family (default: read from each host's /etc/os-release)")
    parser.add_argument("--repo-mirror", metavar="URL", help="package mirror (default: the vendor's public one)")
    parser.add_argument("--known-hosts", type=Path, metavar="FILE",
                        help="check SSH host keys strictly against FILE (default: ~/.ssh/known_hosts, accept-new)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=handle, audit_action="provision")


def handle(args: argparse.Namespace) -> int:
    from medcloud.errors import InputError
    from medcloud.escape import terminal
    from medcloud.provision.hosts import targets
    from medcloud.provision.inputs import load_inputs
    from medcloud.provision.os.families import OsFamily
    from medcloud.provision.runner import run

    if args.known_hosts is not None and not args.known_hosts.is_file():
        raise InputError(f"{args.known_hosts}: --known-hosts: no such file")
    inputs = load_inputs(args.inventory, args.stack)
    family = OsFamily(args.os) if args.os else None
    with targets(inputs.loaded.region, inputs.inventory, inputs.inventory_path, limit=args.limit,
                 via=dict(args.via), family=family, repo_mirror=args.repo_mirror,
                 known_hosts=args.known_hosts) as chosen:
        results = run(chosen, dry_run=args.dry_run)
    if args.format == "json":
        print_json({"dry_run": args.dry_run, "hosts": [r.to_json() for r in results]})
    else:
        # Host names, errors and notes may carry what a server said (an SSH banner, a command's output).
        verb = "would change" if args.dry_run else "changed"
        for result in results:
            if result.error:
                print(terminal(f"{result.name}: error: {result.error}"))
                continue
            print(terminal(f"{result.name}: {verb} {len(result.changes)}, unchanged {result.unchanged}"))
            for note in result.notes:
                print(terminal(f"  ! {note}"))
            for change in result.changes:
                after = f" (after {change.after})" if change.after else ""
                print(terminal(f"  ~ {change.label}{after}"))
                for command in change.commands:
                    print(terminal(f"      {command}"))
    failed = [r.name for r in results if r.error]
    mode = "dry run" if args.dry_run else "apply"
    args.audit_detail = f"{mode}: {len(results)} host(s), {sum(len(r.changes) for r in results)} change(s)" + (
        f", failed: {', '.join(failed)}" if failed else "")
    return 1 if failed else 0
