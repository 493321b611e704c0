"""Render switch intents with the jinja2 template set of their vendor family.

Also reads a parsed configuration back into the few facts the intent is
about (:func:`summarise`): VLANs, VNIs and the M-LAG peer.  Tests use it to
prove a rendered file says what the model says, independently of the
template text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from medcloud.provision import configs
from medcloud.provision.switch.intent import SwitchIntent, VendorFamily
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
        loader=jinja2.PackageLoader("medcloud.provision.switch", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # device configuration, not HTML
    )
    env.filters["id_ranges"] = id_ranges
    return env


def render(intent: SwitchIntent) -> str:
    return _environment().get_template(f"{intent.family.value}/config.j2").render(s=intent)


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


def summarise(tree: ConfigNode, family: VendorFamily) -> Summary:
    """The VLANs, VNIs and M-LAG pairing a parsed configuration declares."""
    vlans: set[int] = set()
    vnis: set[int] = set()
    vni_vlan: dict[int, int] = {}
    keepalive = None
    peer_link = False
    for node in tree.find("vlan"):
        words = node.line.split()
        if len(words) == 2 and words[1].isdigit():
            vlans.add(int(words[1]))
    if family is VendorFamily.HUAWEI_CE:
        for bd in tree.find("bridge-domain"):
            vni = next((int(c.line.split()[-1]) for c in bd.find("vxlan vni")), None)
            vlan = next((int(c.line.split()[-1]) for c in bd.find("l2 binding vlan")), None)
            if vni is not None:
                vnis.add(vni)
                if vlan is not None:
                    vni_vlan[vni] = vlan
        for dfs in tree.find("dfs-group"):
            for c in dfs.find("source ip"):
                keepalive = c.line.split()[-1]
        peer_link = any(c.line == "peer-link 1" for i in tree.find("interface") for c in i.children)
    else:
        vsi_vni: dict[str, int] = {}
        for vsi in tree.find("vsi"):
            vni = next((int(c.line.split()[-1]) for c in vsi.find("vxlan")), None)
            if vni is not None:
                vnis.add(vni)
                vsi_vni[vsi.line.split()[1]] = vni
        for iface in tree.find("interface"):
            for si in iface.find("service-instance"):
                vlan = next((int(c.line.split()[-1]) for c in si.find("encapsulation s-vid")), None)
                vsi_name = next((c.line.split()[-1] for c in si.find("xconnect vsi")), None)
                if vlan is not None and vsi_name in vsi_vni:
                    vni_vlan[vsi_vni[vsi_name]] = vlan
        for node in tree.find("m-lag keepalive"):
            words = node.line.split()
            keepalive = words[words.index("destination") + 1] if "destination" in words else None
        peer_link = any(c.line == "port m-lag peer-link 1" for i in tree.find("interface") for c in i.children)
    return Summary(frozenset(vlans), frozenset(vnis), vni_vlan, keepalive, peer_link)
