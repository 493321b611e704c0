"""Network port facts from ``ip -j link`` and sysfs speeds (R-HW-02 ≥ 10 Gbps, R-HW-05)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from medcloud.hardware.facts.base import ParseError, SSHFact, output
from medcloud.hardware.transports.base import Command, CommandResult


@dataclass(frozen=True)
class NicPort:
    name: str
    mac: str
    up: bool
    #: Mb/s as the kernel reports it; None when unknown (link down, virtual device).
    speed_mbps: int | None
    physical: bool


def parse_ip_link(text: str) -> list[dict[str, object]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"ip -j link: invalid JSON: {exc.msg}") from None
    if not isinstance(document, list):
        raise ParseError("ip -j link: expected a JSON array")
    return [item for item in document if isinstance(item, dict)]


def parse_speeds(text: str) -> dict[str, int | None]:
    """``<ifname> <speed>`` lines; an empty or negative speed (link down: -1) means unknown."""
    speeds: dict[str, int | None] = {}
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        value = parts[1] if len(parts) > 1 else ""
        speeds[parts[0]] = int(value) if value.isdigit() and int(value) > 0 else None
    return speeds


def ports(links: list[dict[str, object]], speeds: Mapping[str, int | None]) -> tuple[NicPort, ...]:
    out = []
    for link in links:
        name = str(link.get("ifname", ""))
        if link.get("link_type") != "ether" or not name:
            continue
        flags = link.get("flags")
        up = str(link.get("operstate", "")).upper() == "UP" or (
            isinstance(flags, list) and "LOWER_UP" in flags)
        # Virtual links (veth, bridges, bonds) carry link_info or a parent; physical NICs do not.
        physical = "linkinfo" not in link and "link" not in link and "link_index" not in link
        out.append(NicPort(name=name, mac=str(link.get("address", "")), up=up,
                           speed_mbps=speeds.get(name), physical=physical))
    return tuple(out)


def _parse(results: Mapping[str, CommandResult]) -> tuple[NicPort, ...]:
    text = output(results, "ip-link")
    if text is None:
        raise ParseError("ip -j link gave no output (iproute2 too old for -j?)")
    speeds_text = output(results, "nic-speed")
    return ports(parse_ip_link(text), parse_speeds(speeds_text) if speeds_text else {})


FACT: SSHFact[tuple[NicPort, ...]] = SSHFact(
    "nics",
    (
        Command("ip-link", "ip -j -d link show"),
        Command("nic-speed", "for i in /sys/class/net/*; do echo ${i##*/} $(cat $i/speed 2>/dev/null); done"),
    ),
    _parse,
)
