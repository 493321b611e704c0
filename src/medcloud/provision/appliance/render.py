"""Render appliance intents with their vendor's template; parse and diff with the switch machinery.

The running configuration is compared as a switch's is (section by section,
secrets by presence), with the command families an appliance owns: another
IPsec policy entry, IKE profile or proposal on the device is drift.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jinja2

from medcloud.provision import configs
from medcloud.provision.appliance.intent import ApplianceIntent
from medcloud.provision.switch.diff import Drift, diff
from medcloud.provision.switch.parser import parse

#: Top-level command families whose every instance medcloud manages on an appliance.
OWNED_FAMILIES = tuple(re.compile(p) for p in (
    r"^ike proposal \d+$", r"^ike profile ", r"^ike keychain ", r"^ipsec transform-set ",
    r"^ipsec policy medcloud ", r"^acl advanced 3\d{3}$",
))


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("medcloud.provision.appliance", "templates"),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, autoescape=False,  # device configuration, not HTML
    )


def render(intent: ApplianceIntent) -> str:
    return _environment().get_template(f"{intent.vendor.value}/config.j2").render(a=intent)


def filename(intent: ApplianceIntent) -> str:
    return configs.filename(intent.name)


def write_all(intents: list[ApplianceIntent], out: Path) -> list[Path]:
    """Render every intent into ``out``, one file per appliance, each written atomically."""
    return configs.write_configs(((i.name, render(i)) for i in intents), out)


def drift(intent: ApplianceIntent, running: str) -> list[Drift]:
    """How ``running`` (``display current-configuration``) differs from the intent."""
    return diff(parse(render(intent)), parse(running), owned=OWNED_FAMILIES)
