"""Result types: one :class:`CheckResult` per check per device, rolled up into a :class:`Report`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Outcome of a check, worst last (a device's status is its worst check's)."""

    PASS = "pass"
    SKIPPED = "skipped"
    FAIL = "fail"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return list(Status).index(self)


@dataclass(frozen=True)
class CheckResult:
    check: str
    requirement: str
    title: str
    status: Status
    expected: str = ""
    actual: str = ""
    #: Why it failed, errored or was skipped (empty on pass).
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "requirement": self.requirement, "title": self.title,
                "status": self.status.value, "expected": self.expected, "actual": self.actual,
                "reason": self.reason}


@dataclass
class DeviceResult:
    name: str
    kind: str
    profile: str
    centre: str
    room: str
    rack: str
    unit: int | None
    checks: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def status(self) -> Status:
        if not self.checks:
            return Status.ERROR
        return max(self.checks, key=lambda c: c.status.rank).status

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for check in self.checks:
            out[check.status.value] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "kind": self.kind, "profile": self.profile,
            "location": {"centre": self.centre, "room": self.room, "rack": self.rack, "unit": self.unit},
            "status": self.status.value, "counts": self.counts(), "seconds": round(self.seconds, 3),
            "checks": [c.to_json() for c in self.checks],
        }


REPORT_FORMAT = "medcloud-verify/1"


@dataclass
class Report:
    inventory: str
    started_at: str
    finished_at: str
    complete: bool
    devices: list[DeviceResult]
    #: Devices that never finished (interrupted run), by name.
    not_run: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Complete, nothing failed or errored, and every device proved something.

        A device whose checks were all skipped proved nothing, so it cannot pass.
        """
        return self.complete and bool(self.devices) and all(
            d.status in (Status.PASS, Status.SKIPPED) and any(c.status is Status.PASS for c in d.checks)
            for d in self.devices)

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for device in self.devices:
            for key, value in device.counts().items():
                out[key] += value
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT, "inventory": self.inventory,
            "started_at": self.started_at, "finished_at": self.finished_at,
            "complete": self.complete, "passed": self.passed, "counts": self.counts(),
            "devices": [d.to_json() for d in self.devices], "not_run": list(self.not_run),
        }
