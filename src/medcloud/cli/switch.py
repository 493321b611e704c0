"""``medcloud switch render|diff INVENTORY``: switch configurations from the model (R-NET-03, R-HW-06)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from medcloud.cli.conventions import add_format
from medcloud.cli.jsonout import print_json


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "switch",
        help="render intended switch configurations, diff them with running ones",
        description="Switch configurations (Huawei CloudEngine, H3C Comware 7) from the region and inventory.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    render = actions.add_parser(
        "render", help="write one intended configuration per switch",
        description="Render every switch with a fabric section into DIR/<switch>.cfg. Exit 0, or 2 on bad input.",
    )
    render.add_argument("inventory", metavar="INVENTORY", help="inventory file (inventories/*.yaml)")
    render.add_argument("--out", required=True, type=Path, metavar="DIR", help="directory for the .cfg files")
    _common(render)
    render.set_defaults(handler=handle_render, audit_action="switch-render")

    diff = actions.add_parser(
        "diff", help="compare intended configurations with saved running configurations",
        description="Compare section by section with DIR/<switch>.cfg (display current-configuration "
                    "output). Exit 0 no drift, 1 drift or missing running config, 2 bad input.",
    )
    diff.add_argument("inventory", metavar="INVENTORY", help="inventory file (inventories/*.yaml)")
    diff.add_argument("--running", required=True, type=Path, metavar="DIR",
                      help="directory of saved running configurations, <switch>.cfg")
    _common(diff)
    diff.set_defaults(handler=handle_diff, audit_action="switch-diff")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", metavar="STACK",
                        help="stack or region file (default: the stack whose region has the inventory's centres)")
    parser.add_argument("--switch", action="append", default=[], metavar="NAME", help="only this switch (repeatable)")
    add_format(parser)


def _intents(args: argparse.Namespace) -> list[Any]:
    from medcloud.errors import InputError
    from medcloud.provision.inputs import load_inputs
    from medcloud.provision.switch.intent import build_intents

    inputs = load_inputs(args.inventory, args.stack)
    intents = build_intents(inputs.loaded.region, inputs.inventory, inputs.inventory_path)
    if not intents:
        raise InputError(f"{args.inventory}: switches: no switch has a fabric section to render")
    known = {i.name for i in intents}
    for name in args.switch:
        if name not in known:
            raise InputError(f"{args.inventory}: switches: no switch {name!r} with a fabric section (--switch)")
    return [i for i in intents if not args.switch or i.name in args.switch]


def handle_render(args: argparse.Namespace) -> int:
    from medcloud.provision.switch.render import write_all
    from medcloud.yamlio import check_output_dir

    check_output_dir(args.out)  # before the work
    intents = _intents(args)
    written = [str(path) for path in write_all(intents, args.out)]
    if args.format == "json":
        print_json({"written": written})
    else:
        print("\n".join(written))
    args.audit_detail = f"rendered {len(intents)} switch configuration(s) into {args.out}"
    return 0


def handle_diff(args: argparse.Namespace) -> int:
    from medcloud.provision.configs import diff_saved
    from medcloud.provision.switch import drivers
    from medcloud.provision.switch.render import render

    # Each switch is diffed with the command families its own driver owns.
    lines: list[str] = []
    drifted = 0
    for intent in _intents(args):
        found, count = diff_saved([(intent.name, render(intent))], args.running,
                                  owned=drivers.by_name(intent.driver).owned_families())
        lines += found
        drifted += count
    if args.format == "json":
        print_json({"drifted": drifted, "diff": lines})
    else:
        print("\n".join(lines))
    args.audit_detail = f"{drifted} switch(es) drifted"
    return 1 if drifted else 0
