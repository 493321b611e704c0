"""Intended vs running configuration, section by section (R-NET-03, R-HW-06).

The intended configuration is authoritative for what it declares:

- every intended line must be in the running tree at the same path
  (*missing* otherwise);
- inside a view medcloud owns (``bgp 65010``, ``interface Eth-Trunk10``),
  a running child medcloud does not declare is *unexpected*; inside other
  views (a physical port) only missing lines count, since devices add their
  own per-port defaults;
- at top level, a running line is *unexpected* only if it belongs to a family
  medcloud owns (another ``vlan``, ``ntp-service unicast-server``,
  ``snmp-agent usm-user`` …); the device's own defaults are not drift.

Order does not matter: both vendors print views in their own order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from medcloud.provision.switch.drivers import all_owned
from medcloud.provision.switch.parser import ConfigNode

#: Top-level command families whose every instance medcloud manages: every switch
#: driver's (``drivers/*/driver.yaml``); pass a driver's own to diff one vendor's files.
OWNED_FAMILIES = all_owned()


class DriftKind(StrEnum):
    MISSING = "missing"
    UNEXPECTED = "unexpected"


@dataclass(frozen=True)
class Drift:
    kind: DriftKind
    path: tuple[str, ...]
    line: str

    def __str__(self) -> str:
        where = " > ".join(self.path) if self.path else "top level"
        sign = "-" if self.kind is DriftKind.MISSING else "+"
        return f"{sign} [{where}] {self.line}"


def diff(intended: ConfigNode, running: ConfigNode,
         owned: tuple[re.Pattern[str], ...] = OWNED_FAMILIES) -> list[Drift]:
    """Drift of ``running`` from ``intended``; empty when the device matches.

    ``owned``: the top-level command families medcloud manages every instance of
    (a switch's by default; an IPsec appliance passes its own).
    """
    out: list[Drift] = []
    _compare(intended, running, (), out, top=True, strict=False, owned=owned)
    return out


def _compare(
    want: ConfigNode, have: ConfigNode, path: tuple[str, ...], out: list[Drift], *, top: bool, strict: bool,
    owned: tuple[re.Pattern[str], ...],
) -> None:

    def _owned(line: str) -> bool:
        return any(p.search(line) for p in owned)

    have_by_line: dict[str, ConfigNode] = {}
    for child in have.children:
        have_by_line.setdefault(child.line, child)
    want_lines = {c.line for c in want.children}
    for child in want.children:
        match = have_by_line.get(child.line)
        if match is None:
            out.append(Drift(DriftKind.MISSING, path, child.line))
            continue
        if child.children or match.children:
            _compare(child, match, (*path, child.line), out, top=False,
                     strict=strict or (top and _owned(child.line)), owned=owned)
    for child in have.children:
        if child.line in want_lines:
            continue
        if (top and not _owned(child.line)) or (not top and not strict):
            continue
        out.append(Drift(DriftKind.UNEXPECTED, path, child.line))
