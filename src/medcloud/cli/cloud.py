"""``medcloud cloud up|status|down``: a real OpenStack control plane on 127.0.0.1.

``up`` starts Keystone, Neutron (router, VPNaaS), Cinder, Barbican and Swift
from Debian's packages (``scripts/cloud-packages``) and writes a clouds.yaml
with one entry per OpenStack centre of the stacks; point the program, the
``openstack`` CLI or openstacksdk at it with the two variables it prints.
Exit 0 ok, 1 a service is down (status), 2 bad input or cannot start.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medcloud.cli.conventions import add_format
from medcloud.cli.jsonout import print_json
from medcloud.escape import rich_markup, terminal

if TYPE_CHECKING:  # rich loads in the handlers: building the parser imports every command
    from rich.console import Console
    from rich.text import Text


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "cloud",
        help="start/inspect/stop a local OpenStack control plane (Keystone, Neutron+VPNaaS, Cinder, Barbican, Swift)",
        description="A real OpenStack control plane on loopback. Exit 0 ok, 1 a service is down, 2 cannot start.",
    )
    parser.add_argument("--dir", type=Path, default=None,
                        help="state folder (default $MEDCLOUD_CLOUD_DIR or .cloud in the checkout)")
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    up = actions.add_parser("up", help="start the plane (idempotent) and write its clouds.yaml")
    up.add_argument("--stack", action="append", default=[], metavar="STACK",
                    help="a stack whose OpenStack centres get a project and a clouds.yaml entry "
                         "(repeatable; default every stack in stacks/)")
    up.set_defaults(handler=handle_up)
    status = actions.add_parser("status", help="show what runs")
    add_format(status)
    status.set_defaults(handler=handle_status)
    down = actions.add_parser("down", help="stop what `up` started (checked by pid, command line and start time)")
    down.set_defaults(handler=handle_down)


def _plane(args: argparse.Namespace) -> Any:
    from medcloud.cloud import ControlPlane, default_state_dir

    return ControlPlane(args.dir or default_state_dir())


def handle_up(args: argparse.Namespace) -> int:
    from medcloud.cloud.plane import stack_centres
    from medcloud.console import terminal_console
    from medcloud.stacks import project_root

    console = terminal_console()
    plane = _plane(args)
    centres = stack_centres(args.stack, project_root())
    was_running = plane.running(centres)
    state = plane.up(centres)
    _print_state(console, plane, state)
    console.print(f"cloud {'already running' if was_running else f'started in {state.up_s:g} s'}: "
                  f"{', '.join(state.running())} for {len(centres)} centre(s); clouds.yaml {plane.clouds_yaml}")
    console.print("use it: export " + " ".join(f"{k}={v}" for k, v in plane.environment().items()))
    return 0


def handle_status(args: argparse.Namespace) -> int:
    from medcloud.console import terminal_console

    console = terminal_console()
    plane = _plane(args)
    state = plane.state()
    if args.format == "json":
        print_json(_state_json(state))
        return 1 if state is not None and any(not p.alive() for p in state.processes) else 0
    if state is None:
        console.print("no cloud running (medcloud cloud up starts one)")
        return 0
    _print_state(console, plane, state)
    down = [p for p in state.processes if not p.alive()]
    if down:
        console.print(f"[bold red]{len(down)} process(es) down[/]; `medcloud cloud up` restarts the plane")
        return 1
    return 0


def handle_down(args: argparse.Namespace) -> int:
    from medcloud.console import terminal_console

    stopped, foreign = _plane(args).down()
    console = terminal_console()
    for line in foreign:
        console.print(f"[yellow]{rich_markup(line)}[/]")
    console.print(f"stopped {len(stopped)} process(es)" if stopped else "no cloud was running")
    return 0


def _state_json(state: Any) -> dict[str, Any]:
    """``cloud status --format json``: each service's process, region, port and state (no argv: it may hold
    the services' own credentials)."""
    if state is None:
        return {"running": False, "processes": []}
    return {"running": True, "state_dir": state.state_dir, "regions": state.regions,
            "centres": [{"name": c.get("name"), "region": c.get("region")} for c in state.centres],
            "processes": [{"service": p.service, "name": p.name, "region": p.region, "pid": p.pid,
                           "listens": f"127.0.0.1:{p.port}", "alive": p.alive(),
                           "ready_after_s": state.ready_after_s.get(p.service)} for p in state.processes],
            "not_started": state.not_started}


def _print_state(console: Console, plane: Any, state: Any) -> None:
    """One row per process: names, pids and addresses whole at any width (medcloud.tables)."""
    from rich.text import Text

    from medcloud.tables import Column, fitted

    columns = (Column("service", atom=True), Column("process", atom=True), Column("region", atom=True),
               Column("pid", atom=True), Column("listens", atom=True), Column("state"))
    rows: list[tuple[str | Text, ...]] = []
    for process in state.processes:
        alive = Text("running", style="green") if process.alive() else Text("down", style="bold red")
        ready = state.ready_after_s.get(process.service)
        if ready is not None:
            alive.append(f" (ready after {ready} s)", style="default")
        rows.append((process.service, process.name, process.region or "all", str(process.pid),
                     f"127.0.0.1:{process.port}", alive))
    for service, reason in sorted(state.not_started.items()):
        why = Text("not running", style="yellow")
        why.append(f": {terminal(reason)}", style="default")
        rows.append((service, "-", "-", "-", "-", why))
    title = f"cloud in {terminal(state.state_dir)} (regions {', '.join(map(terminal, state.regions))})"
    console.print(fitted(title, columns, rows, console.width))
    centres = ", ".join(f"{c['name']} ({c['region']})" for c in state.centres) or "none"
    console.print(f"clouds.yaml entries: medcloud-admin, {centres}")
