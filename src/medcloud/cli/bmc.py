"""``medcloud bmc plan|apply|pxe INVENTORY``: BMC users, password policy, network, boot and power.

``plan`` reads every BMC and lists the changes (exit 1 when any is pending or a BMC
failed); ``apply`` makes them, reads back and seals new passwords into the inventory
(exit 0 when every BMC is confirmed); ``pxe`` sets the next boot to the network and
power-cycles (R-POOL-02).  Every run is audited as a privileged action, and each BMC's
changes get their own records (R-SEC-05, R-SEC-07).  Passwords are never printed.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medcloud.cli.argtypes import positive
from medcloud.cli.jsonout import print_json

if TYPE_CHECKING:
    from medcloud.hardware.bmc.engine import DeviceResult
    from medcloud.hardware.bmc.plan import Change


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "bmc", help="plan and apply BMC users, password policy, network and boot (R-SEC-04); PXE boot",
        description="Bring every server's BMC to the state its inventory entry describes. "
                    "Exit 0 done, 1 changes pending (plan) or a BMC failed, 2 bad input.")
    verbs = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    for verb, text in (("plan", "read each BMC and list the changes; change nothing"),
                       ("apply", "make the changes, read back, seal new passwords into the inventory"),
                       ("pxe", "next boot from the network (once), then power-cycle (R-POOL-02)")):
        command = verbs.add_parser(verb, help=text, description=text + ".")
        command.add_argument("inventory", metavar="INVENTORY", type=Path, help="inventory YAML file" + (
            " (a file, never standard input: apply writes the new sealed passwords into it)" if verb == "apply"
            else ""))
        command.add_argument("--limit", action="append", default=[], metavar="SERVER",
                             required=verb == "pxe", help="only this server (repeatable)")
        command.add_argument("--format", choices=("text", "json"), default="text")
        # 64: a BMC's session is mostly waiting on the BMC (200 lab BMCs: 13.2-13.7 s against 13.9-17.4 s
        # with 32, same CPU); each BMC still has one session at a time.
        command.add_argument("--concurrency", type=positive(int, maximum=4096), default=64, metavar="N",
                             help="BMCs handled at once (default and most: 64)")
        command.add_argument("--timeout", type=positive(float, maximum=86400), default=30.0, metavar="S",
                             help="seconds one session with one BMC may take (default 30)")
        command.add_argument("--profiles", type=Path, action="append", default=[], metavar="DIR",
                             help="extra spec-profile directory (repeatable)")
        command.add_argument("--stack", metavar="STACK",
                             help="stack or region file whose centres give the BMCs' NTP servers")
        command.set_defaults(handler=handle, verb=verb, audit_action=f"bmc-{verb}", audit_category="privileged")


def handle(args: argparse.Namespace) -> int:
    from medcloud.errors import InputError
    from medcloud.hardware.bmc.engine import Engine, Limits
    from medcloud.hardware.bmc.ipmi import PyghmiManagement
    from medcloud.hardware.inventory import load_inventory
    from medcloud.hardware.specs import load_catalogue
    from medcloud.hardware.specs.server import ServerProfile
    from medcloud.secrets import load_key, unseal

    if args.verb == "apply" and str(args.inventory) == "-":
        raise InputError("bmc apply writes the new sealed passwords into the inventory: give its file, not -")
    if args.concurrency > 64:
        raise InputError("--concurrency: at most 64 BMCs at once")
    catalogue = load_catalogue(args.profiles)
    inventory = load_inventory(args.inventory, catalogue.names())
    key = load_key()
    profiles = {name: p for name, p in catalogue.profiles.items() if isinstance(p, ServerProfile)}
    ntp: dict[str, tuple[str, ...]] = {}
    if args.stack:
        from medcloud.stacks import load

        region = load(args.stack).region
        ntp = {centre.name: tuple(centre.ntp_servers) for centre in region.centres}
        missing = sorted({s.location.centre for s in inventory.servers} - set(ntp))
        if missing:
            raise InputError(f"{args.inventory}: centre(s) {', '.join(missing)} not in the region of {args.stack}")
    engine = Engine(inventory, args.inventory, PyghmiManagement(workers=args.concurrency),
                    opener=lambda sealed, where: unseal(sealed, key, where=where), key=key, profiles=profiles,
                    limits=Limits(args.concurrency, args.timeout),
                    audit=_auditor(args) if args.verb != "plan" else None, ntp=ntp)
    run = {"plan": engine.plan, "apply": engine.apply, "pxe": engine.pxe}[args.verb]
    results = asyncio.run(run(args.limit))
    _print(args, results)
    failed = [r.name for r in results if r.status in ("failed", "error")]
    pending = [r.name for r in results if r.status == "pending"]
    args.audit_detail = {"bmcs": len(results), "failed": failed, "pending": pending,
                         "changed": [r.name for r in results if r.status == "changed"]}
    return 1 if failed or pending else 0


def _auditor(args: argparse.Namespace) -> Any:
    from medcloud.audit import Category, Event, Outcome, append_all

    def record(entries: list[tuple[str, str, DeviceResult, list[Change]]]) -> None:
        events = []
        for server, category, result, touched in entries:
            applied = [str(c) for c in touched if c in result.applied]
            events.append(Event(
                action=f"bmc-{args.verb}-change", target=server, category=Category(category),
                parameters={"inventory": str(args.inventory), "changes": [str(c) for c in touched]},
                outcome=Outcome.OK if len(applied) == len(touched) else Outcome.FAILED,
                detail={"applied": applied, "not_applied": [str(c) for c in touched if c in result.not_applied],
                        "unknown": str(result.unknown) if result.unknown in touched else None,
                        "confirmed": result.confirmed},
                error=result.error))
        append_all(events)
    return record


def _print(args: argparse.Namespace, results: list[DeviceResult]) -> None:
    if args.format == "json":
        print_json({"action": args.verb, "bmcs": [r.to_json() for r in results]})
        return
    from medcloud.escape import terminal

    def out(line: str) -> None:
        # Account names and errors come from the BMC: shown, never obeyed by the terminal.
        print(terminal(line))

    verb = {"plan": "would change", "apply": "changed", "pxe": "changed"}[args.verb]
    for result in results:
        if result.status == "error" and not result.applied:
            out(f"{result.name}: error: {result.error}")
        else:
            count = len(result.applied) if args.verb != "plan" else len(result.plan.changes if result.plan else ())
            confirmed = {True: ", read back: confirmed", False: ", read back: DIFFERS", None: ""}[result.confirmed]
            out(f"{result.name}: {result.status}: {verb} {count}{confirmed}")
            if result.error:
                out(f"  error: {result.error}")
        marks = ((result.plan.changes if args.verb == "plan" and result.plan else result.applied), "~"), (
            result.not_applied if args.verb != "plan" else [], "not applied:"), (
            [result.unknown] if result.unknown else [], "unknown (under way when it failed):"), (
            result.remaining, "still differs:")
        for changes, mark in marks:
            for change in changes:
                out(f"  {mark} {change}")
        for note in result.notes:
            out(f"  note: {note}")
        for gap in result.gaps:
            out(f"  ! {gap}")
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    print(f"{args.verb}: {len(results)} BMC(s): " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
