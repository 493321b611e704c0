"""Render switch intents with the template of their driver (``drivers/<name>/config.j2``).

Also reads a parsed configuration back into the few facts the intent is
about (:func:`summarise`): VLANs, VNIs and the M-LAG peer, with the readers the
driver declares as data.  Tests use it to prove a rendered file says what the
model says, independently of the template text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from medcloud.provision import configs
from medcloud.provision.switch import drivers
from medcloud.provision.switch.intent import SwitchIntent
from medcloud.provision.switch.parser import ConfigNode


def id_ranges(ids: list[int]) -> str:
    """VLAN lists the way VRP and Comware print them: runs as ``A to B``, e.g. ``110 to 112 120``.

    Rendering the device's own form keeps a saved running configuration
    line-for-line comparable with the intent.
    """
    out: list[str] = []
    ordered = sorted(set(ids))
    start = prev = ordered[0] if ordered else 0
    for value in [*ordered[1:], None]:
        if value is not None and value == prev + 1:
            prev = value
            continue
        out.append(str(start) if start == prev else f"{start} to {prev}")
        if value is not None:
            start = prev = value
    return " ".join(out) if ordered else ""


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(drivers.ROOT),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # device configuration, not HTML
    )
    env.filters["id_ranges"] = id_ranges
    return env


def render(intent: SwitchIntent) -> str:
    return _environment().get_template(drivers.by_name(intent.driver).template).render(s=intent)


def filename(intent: SwitchIntent) -> str:
    return configs.filename(intent.name)


def write_all(intents: list[SwitchIntent], out: Path) -> list[Path]:
    """Render every intent into ``out``, one file per switch, each written atomically."""
    return configs.write_configs(((i.name, render(i)) for i in intents), out)


@dataclass(frozen=True)
class Summary:
    vlans: frozenset[int]
    vnis: frozenset[int]
    #: VLAN id bound to each VNI.
    vni_vlan: dict[int, int]
    mlag_peer_keepalive: str | None
    peer_link: bool


def summarise(tree: ConfigNode, driver: str) -> Summary:
    """The VLANs, VNIs and M-LAG pairing a parsed configuration declares, read as ``driver`` says."""
    readers = drivers.by_name(driver).summary
    vni_vlan = {int(r["vni"]): int(r["vlan"]) for r in drivers.read(tree, readers.vni_vlan)}
    keepalive = next((r["keepalive"] for r in drivers.read(tree, readers.keepalive)), None)
    return Summary(
        vlans=frozenset(int(r["vlan"]) for r in drivers.read(tree, readers.vlans)),
        vnis=frozenset(int(r["vni"]) for r in drivers.read(tree, readers.vnis)),
        vni_vlan=vni_vlan, mlag_peer_keepalive=keepalive,
        peer_link=bool(drivers.read(tree, readers.peer_link)),
    )
