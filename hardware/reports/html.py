"""The HTML acceptance report: one self-contained page, failures first, grouped by rack.

No external assets (fonts, scripts, stylesheets): the file is archived as
evidence and must render the same offline years later.  Every value is
escaped by Jinja2's autoescape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from medcloud.hardware.verify.results import CheckResult, DeviceResult, Report, Status

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class Rack:
    centre: str
    room: str
    rack: str
    devices: list[DeviceResult] = field(default_factory=list)

    @property
    def status(self) -> Status:
        return max((d.status for d in self.devices), key=lambda s: s.rank, default=Status.SKIPPED)


def _device_order(device: DeviceResult) -> tuple[int, int, str]:
    return (-device.status.rank, device.unit or 0, device.name)


def racks(report: Report) -> list[Rack]:
    """Racks with the worst status first; inside a rack, worst devices first, then by unit."""
    grouped: dict[tuple[str, str, str], Rack] = {}
    for device in report.devices:
        key = (device.centre, device.room, device.rack)
        grouped.setdefault(key, Rack(*key)).devices.append(device)
    for rack in grouped.values():
        rack.devices.sort(key=_device_order)
    return sorted(grouped.values(), key=lambda r: (-r.status.rank, r.centre, r.room, r.rack))


def attention(report: Report) -> list[tuple[DeviceResult, CheckResult]]:
    """Every finding (failures, and root errors: a dead BMC once, not once per BMC check), errors first."""
    return report.findings()


def sorted_checks(device: DeviceResult) -> list[CheckResult]:
    return sorted(device.checks, key=lambda c: -c.status.rank)


def render(report: Report) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    template = env.get_template("report.html.j2")
    return template.render(report=report, racks=racks(report), attention=attention(report),
                           sorted_checks=sorted_checks, counts=report.counts(), Status=Status)
