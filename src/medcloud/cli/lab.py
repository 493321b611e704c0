"""``medcloud lab up|status|down``: the embedded acceptance lab (real IPMI, SNMP and SSH peers).

``up`` starts BMCs (ipmi_sim), switches (snmpsim) and SSH targets (sshd in
network namespaces) on this machine and writes an inventory pointing at
them, by default ``inventories/lab.yaml``; then ``medcloud verify
inventories/lab.yaml`` runs acceptance against them.  Exit 0 ok, 1 a peer is
down (status), 2 bad input or the lab cannot start.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medcloud.cli.conventions import add_format
from medcloud.cli.jsonout import print_json

if TYPE_CHECKING:  # rich loads in the handlers: building the parser imports every command
    from rich.console import Console
    from rich.text import Text


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "lab",
        help="start/inspect/stop the embedded hardware lab (ipmi_sim, snmpsim, sshd)",
        description="The embedded acceptance lab. Exit 0 ok, 1 a lab peer is down, 2 cannot start.",
    )
    parser.add_argument("--dir", type=Path, default=None,
                        help="lab run directory (default $MEDCLOUD_LAB_DIR or .lab in the checkout)")
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    up = actions.add_parser("up", help="start the lab (idempotent) and write its inventory")
    up.add_argument("--inventory", type=Path, default=None,
                    help="where to write the inventory (default inventories/lab.yaml in the checkout)")
    up.add_argument("--no-ssh", action="store_true", help="BMCs and switches only (no root needed)")
    up.add_argument("--servers", type=_count(1, 1000), default=None, metavar="N",
                    help="a whole delivery instead of the fault scenario: N servers (1-1000) of the four "
                         "lab models in turn, 20 to a rack, nothing injected")
    up.add_argument("--switches", type=_count(0, 100), default=None, metavar="M",
                    help="with --servers: M Comware 7 leaf switches (0-100; default 2)")
    up.set_defaults(handler=handle_up)
    status = actions.add_parser("status", help="show what runs")
    add_format(status)
    status.set_defaults(handler=handle_status)
    down = actions.add_parser("down", help="stop everything the lab started")
    down.set_defaults(handler=handle_down)


def _count(low: int, high: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value
    return parse


def _home() -> Path:
    return Path(os.environ.get("MEDCLOUD_HOME") or ".")


def _lab(args: argparse.Namespace, **kwargs: Any) -> Any:
    from medcloud.hardware.lab.runner import Lab, default_run_dir

    scenario = kwargs.pop("scenario", None)
    return Lab(args.dir or default_run_dir(), scenario, **kwargs)


def handle_up(args: argparse.Namespace) -> int:
    from medcloud import signals
    from medcloud.console import terminal_console
    from medcloud.yamlio import check_output_file

    console = terminal_console()
    inventory = args.inventory or _home() / "inventories" / "lab.yaml"
    check_output_file(inventory, "--inventory")  # before any peer starts
    scenario = None
    if args.servers is not None or args.switches is not None:
        from medcloud.hardware.lab.scenario import delivery

        scenario = delivery(args.servers or 4, 2 if args.switches is None else args.switches)
    lab = _lab(args, ssh=not args.no_ssh, inventory=inventory, scenario=scenario)
    running = lab.state()
    if running is not None and scenario is not None and running.scenario != scenario.name:
        console.print(f"a lab of scenario {running.scenario} is running; `medcloud lab down` it first")
        return 2
    was_running = lab.running()
    state, key_file = lab.up()
    try:
        _print_state(console, state)
        verb = "already running" if was_running else "started"
        console.print(f"lab {verb}: {len(state.peers)} processes; inventory {state.inventory}")
        if key_file:
            console.print(f"no secret key was configured: created {key_file} (0600). "
                          f"Run [bold]export MEDCLOUD_SECRET_KEY_FILE={key_file}[/] before `medcloud verify`.")
        console.print(f"next: medcloud verify {state.inventory}")
    finally:
        # Interrupted once the lab was up (while reporting it): the command stops what it started.
        if signals.received() is not None and not was_running:
            with signals.shielded():
                lab.down()
    return 0


def handle_status(args: argparse.Namespace) -> int:
    from medcloud.console import terminal_console

    console = terminal_console()
    state = _lab(args).state()
    if args.format == "json":
        print_json(_state_json(state))
        return 1 if state is not None and any(not p.alive() for p in state.peers) else 0
    if state is None:
        console.print("no lab running (medcloud lab up starts one)")
        return 0
    _print_state(console, state)
    down = [p for p in state.peers if not p.alive()]
    if down:
        console.print(f"[bold red]{len(down)} lab process(es) down[/]; `medcloud lab up` restarts the lab")
        return 1
    return 0


def handle_down(args: argparse.Namespace) -> int:
    from medcloud.console import terminal_console

    lab = _lab(args)
    stopped = lab.down()
    terminal_console().print(f"stopped {len(stopped)} lab process(es)" if stopped else "no lab was running")
    return 0


def _state_json(state: Any) -> dict[str, Any]:
    """``lab status --format json``: what runs, where, and the faults injected."""
    if state is None:
        return {"running": False, "peers": []}
    return {"running": True, "scenario": state.scenario, "run_dir": state.run_dir, "inventory": state.inventory,
            "peers": [{"kind": p.kind, "name": p.name, "serves": p.serves, "pid": p.pid,
                       "listens": [f"{p.address}:{port}" for port in p.ports], "alive": p.alive(),
                       "faults": {d: state.faults[d] for d in p.serves if d in state.faults}} for p in state.peers],
            "absent": state.absent}


def _print_state(console: Console, state: Any) -> None:
    from rich.text import Text

    from medcloud.tables import Column, fitted

    columns = (Column("peer", atom=True), Column("serves"), Column("pid", atom=True), Column("listens", atom=True),
               Column("state", atom=True), Column("injected fault"))
    rows: list[tuple[str | Text, ...]] = []
    for peer in state.peers:
        faults = "; ".join(state.faults[d] for d in peer.serves
                           if d in state.faults and state.fault_peers.get(d, peer.kind) == peer.kind)
        # One address:port per line: an address is never split across lines.
        listens = "\n".join(f"{peer.address}:{p}" for p in peer.ports)
        alive = Text("running", style="green") if peer.alive() else Text("down", style="bold red")
        rows.append((f"{peer.kind} {peer.name}", ", ".join(peer.serves), str(peer.pid), listens, alive, faults))
    for name in state.absent:
        rows.append(("bmc " + name, name, "-", "-", Text("not started", style="yellow"), state.faults.get(name, "")))
    console.print(fitted(f"lab {state.scenario} in {state.run_dir}", columns, rows, console.width))
