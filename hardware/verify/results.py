"""Result types: one :class:`CheckResult` per check per device, rolled up into a :class:`Report`.

A device *passes* when nothing failed or errored and at least one check passed: checks
skipped for a stated reason do not hold it back.  Those a person must still do (the MTBF
datasheet, an NVMe-oF session, the SDN controller, a chassis to look at) carry a
:class:`FollowUp` and are listed as manual follow-ups.  A protocol that fails (dead BMC,
wrong password, SNMP timeout) is *one* finding per device and protocol; the checks it
blocked name it as their ``cause`` instead of each being a finding of its own.
"""

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
        return _RANKS[self]


_RANKS = {status: rank for rank, status in enumerate(Status)}


@dataclass(frozen=True)
class FollowUp:
    """A skipped check a person has to do: who (role) does what."""

    who: str
    what: str

    def to_json(self) -> dict[str, str]:
        return {"who": self.who, "what": self.what}


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
    #: The finding that kept this check from running (``bmc.reachable``…), empty if none.
    cause: str = ""
    #: For a skipped check a person must still do.
    follow_up: FollowUp | None = None

    @property
    def finding(self) -> bool:
        """A failure or error in its own right (not one blocked by another finding)."""
        return self.status in (Status.FAIL, Status.ERROR) and not self.cause

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "check": self.check, "requirement": self.requirement, "title": self.title,
            "status": self.status.value, "expected": self.expected, "actual": self.actual, "reason": self.reason}
        if self.cause:
            out["cause"] = self.cause
        if self.follow_up is not None:
            out["follow_up"] = self.follow_up.to_json()
        return out


@dataclass(frozen=True)
class PortCabling:
    """One switch port in the cabling view (R-HW-06): the plan's neighbour against what LLDP sees.

    A port the plan does not list has no ``expected``; a mis-cabled port names the ports of the
    same switch where its expected neighbour was seen instead (``expected_seen_on``).
    """

    port: str
    status: Status
    #: "device port" as the plan states it; empty for a port the plan does not list.
    expected: str = ""
    #: The neighbours LLDP sees on this port ("system port").
    seen: tuple[str, ...] = ()
    expected_seen_on: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"port": self.port, "status": self.status.value, "expected": self.expected, "seen": list(self.seen),
                "expected_seen_on": list(self.expected_seen_on)}


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
    #: What the device says it is: serial numbers, asset tag, model (see the engine).
    identity: dict[str, Any] = field(default_factory=dict)
    #: A switch's ports, planned and seen (empty without a cabling plan or LLDP data).
    cabling: list[PortCabling] = field(default_factory=list)

    @property
    def status(self) -> Status:
        """FAIL if it failed a check (the spec verdict), else ERROR if a check could not run,
        else PASS if any check passed (skips do not hold a device back), else SKIPPED."""
        present = {c.status for c in self.checks}
        if not self.checks:
            return Status.ERROR
        for status in (Status.FAIL, Status.ERROR, Status.PASS):
            if status in present:
                return status
        return Status.SKIPPED

    @property
    def findings(self) -> list[CheckResult]:
        return [c for c in self.checks if c.finding]

    @property
    def follow_ups(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status is Status.SKIPPED and c.follow_up is not None]

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for check in self.checks:
            out[check.status] += 1  # a StrEnum member finds its value's key
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "kind": self.kind, "profile": self.profile,
            "location": {"centre": self.centre, "room": self.room, "rack": self.rack, "unit": self.unit},
            "status": self.status.value, "counts": self.counts(), "seconds": round(self.seconds, 3),
            "identity": self.identity, "checks": [c.to_json() for c in self.checks],
            **({"cabling": [p.to_json() for p in self.cabling]} if self.cabling else {}),
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
        """Complete, and every device passed: nothing failed or errored, something proved.

        A device whose checks were all skipped proved nothing, so it cannot pass.
        """
        return self.complete and bool(self.devices) and all(d.status is Status.PASS for d in self.devices)

    @property
    def outcome(self) -> str:
        """``accepted``; ``failed`` (a device failed its spec); ``unverified`` (nothing failed, but a
        device could not be reached or read); ``incomplete`` (interrupted)."""
        if not self.complete:
            return "incomplete"
        if self.passed:
            return "accepted"
        if any(d.status is Status.FAIL for d in self.devices):
            return "failed"
        return "unverified"

    def findings(self) -> list[tuple[DeviceResult, CheckResult]]:
        """Every failure and root error (errors a finding caused are listed under it), errors first."""
        items = [(d, c) for d in self.devices for c in d.findings]
        return sorted(items, key=lambda dc: (-dc[1].status.rank, dc[0].rack, dc[0].name, dc[1].check))

    def follow_ups(self) -> list[tuple[DeviceResult, CheckResult]]:
        return [(d, c) for d in self.devices for c in d.follow_ups]

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for device in self.devices:
            for key, value in device.counts().items():
                out[key] += value
        out["findings"] = sum(len(d.findings) for d in self.devices)
        out["manual_follow_ups"] = sum(len(d.follow_ups) for d in self.devices)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT, "inventory": self.inventory,
            "started_at": self.started_at, "finished_at": self.finished_at,
            "complete": self.complete, "passed": self.passed, "outcome": self.outcome, "counts": self.counts(),
            "devices": [d.to_json() for d in self.devices], "not_run": list(self.not_run),
            "manual_follow_ups": [
                {"device": d.name, "check": c.check, "requirement": c.requirement, "title": c.title,
                 "reason": c.reason, **(c.follow_up.to_json() if c.follow_up else {})}
                for d, c in self.follow_ups()],
        }
