"""Operating-system facts from ``/etc/os-release`` (R-HW-04 domestic OS)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass

from medcloud.hardware.facts.base import ParseError, SSHFact, output
from medcloud.hardware.transports.base import Command, CommandResult


@dataclass(frozen=True)
class OsRelease:
    #: ``ID`` lower-cased (openEuler writes "openEuler", Kylin "kylin").
    id: str
    name: str
    version_id: str
    pretty_name: str


def parse_os_release(text: str) -> OsRelease:
    """The freedesktop.org os-release format: ``KEY=value`` with shell quoting."""
    fields: dict[str, str] = {}
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, raw = line.partition("=")
        try:
            parts = shlex.split(raw)
        except ValueError:
            raise ParseError(f"os-release: bad quoting in {key}") from None
        fields[key.strip()] = parts[0] if parts else ""
    if "ID" not in fields and "NAME" not in fields:
        raise ParseError("os-release: neither ID nor NAME")
    return OsRelease(
        id=fields.get("ID", fields.get("NAME", "")).lower(), name=fields.get("NAME", ""),
        version_id=fields.get("VERSION_ID", ""), pretty_name=fields.get("PRETTY_NAME", ""),
    )


def _parse(results: Mapping[str, CommandResult]) -> OsRelease:
    text = output(results, "os-release")
    if text is None:
        raise ParseError("/etc/os-release could not be read")
    return parse_os_release(text)


FACT: SSHFact[OsRelease] = SSHFact("os", (Command("os-release", "cat /etc/os-release"),), _parse)
