"""``medcloud appliance render|diff STACK``: SM-suite IPsec appliance configurations (R-NET-04)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from medcloud.cli.conventions import add_format
from medcloud.cli.jsonout import print_json


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "appliance",
        help="render SM-suite IPsec appliance configurations, diff them with running ones",
        description="Configurations of the IPsec appliances that terminate OpenStack centres' SM-suite "
                    "links (GM/T 0022: SM4, SM3, SM2 certificates), from the region model.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    render = actions.add_parser(
        "render", help="write one intended configuration per appliance",
        description="Render every appliance into DIR/<appliance>.cfg. Exit 0, or 2 on bad input.",
    )
    render.add_argument("stack", metavar="STACK", help="stack name, stack file or region file")
    render.add_argument("--out", required=True, type=Path, metavar="DIR", help="directory for the .cfg files")
    _common(render)
    render.set_defaults(handler=handle_render, audit_action="appliance-render")
    diff = actions.add_parser(
        "diff", help="compare intended configurations with saved running configurations",
        description="Compare section by section with DIR/<appliance>.cfg (display current-configuration "
                    "output). Exit 0 no drift, 1 drift or missing running config, 2 bad input.",
    )
    diff.add_argument("stack", metavar="STACK", help="stack name, stack file or region file")
    diff.add_argument("--running", required=True, type=Path, metavar="DIR",
                      help="directory of saved running configurations, <appliance>.cfg")
    _common(diff)
    diff.set_defaults(handler=handle_diff, audit_action="appliance-diff")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoints", type=Path, metavar="FILE",
        help="JSON of `pulumi stack output drLinkEndpoints --json` (or of `pulumi stack output --json`): "
             "the cloud VPN gateways' addresses, needed for tunnels to AliCloud; - reads it from standard input",
    )
    add_format(parser)


def load_endpoints(path: Path | None) -> dict[str, dict[str, str]]:
    """Link → centre → gateway address, from a stack-output file."""
    from medcloud.errors import InputError
    from medcloud.yamlio import load_json

    if path is None:
        return {}
    data = load_json(path)  # the input boundary: regular file or -, size, depth, finite numbers
    if isinstance(data, dict) and "drLinkEndpoints" in data:
        data = data["drLinkEndpoints"]
    if not isinstance(data, dict) or not all(
        isinstance(v, dict) and all(isinstance(a, str) for a in v.values()) for v in data.values()
    ):
        raise InputError(f"{path}: --endpoints: expected {{link: {{centre: address}}}} (drLinkEndpoints)")
    return data


def _intents(args: argparse.Namespace) -> list[Any]:
    from medcloud.errors import InputError
    from medcloud.ipam import plan
    from medcloud.provision.appliance.intent import build_intents
    from medcloud.stacks import load

    region = load(args.stack).region
    intents = build_intents(region, plan(region), load_endpoints(args.endpoints))
    if not intents:
        raise InputError(f"{args.stack}: no OpenStack centre declares an ipsec_appliance")
    return intents


def handle_render(args: argparse.Namespace) -> int:
    from medcloud.provision.appliance.render import write_all
    from medcloud.yamlio import check_output_dir

    check_output_dir(args.out)  # before the work
    intents = _intents(args)
    written = [str(path) for path in write_all(intents, args.out)]
    if args.format == "json":
        print_json({"written": written})
    else:
        print("\n".join(written))
    args.audit_detail = f"rendered {len(intents)} appliance configuration(s) into {args.out}"
    return 0


def handle_diff(args: argparse.Namespace) -> int:
    from medcloud.provision.appliance.render import OWNED_FAMILIES, render
    from medcloud.provision.configs import diff_saved

    lines, drifted = diff_saved(((i.name, render(i)) for i in _intents(args)), args.running, OWNED_FAMILIES)
    if args.format == "json":
        print_json({"drifted": drifted, "diff": lines})
    else:
        print("\n".join(lines))
    args.audit_detail = f"{drifted} appliance(s) drifted"
    return 1 if drifted else 0
