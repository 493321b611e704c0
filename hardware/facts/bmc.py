"""BMC facts from the pyghmi capture (R-HW-03 redundancy and health, BMC firmware).

Everything here reads :class:`~medcloud.hardware.transports.base.IPMICapture`
sections; a section the BMC could not answer is listed in ``capture.errors``
and the dependent fact raises :class:`ParseError` with that message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medcloud.hardware.facts.base import ParseError
from medcloud.hardware.transports.base import IPMICapture

#: pyghmi.constants.Health bits.
HEALTH_WARNING, HEALTH_CRITICAL, HEALTH_FAILED = 1, 2, 4
HEALTH_NAMES = {0: "ok", 1: "warning", 2: "critical", 4: "failed"}


def health_name(bits: int) -> str:
    for bit in (HEALTH_FAILED, HEALTH_CRITICAL, HEALTH_WARNING):
        if bits & bit:
            return HEALTH_NAMES[bit]
    return "ok"


@dataclass(frozen=True)
class Sensor:
    name: str
    type: str
    value: float | None
    units: str
    health: int
    states: tuple[str, ...]
    unavailable: bool

    @property
    def ok(self) -> bool:
        """Healthy and, for a power supply, present.

        An absent PSU is not unhealthy to IPMI (sensor type 08h simply does not
        assert offset 0 "Present"), but it is no redundancy either.
        """
        if self.health != 0 or self.unavailable:
            return False
        if self.type.lower() == "power supply":
            return "Present" in self.states
        return True


@dataclass(frozen=True)
class SelEvent:
    timestamp: str
    component: str
    event: str
    severity: int
    deasserted: bool


@dataclass(frozen=True)
class BmcFacts:
    power_state: str | None
    manufacturer: str
    product: str
    #: FRU product serial; the chassis and board serials and the asset tag as the FRU holds them.
    serial: str
    bmc_firmware: str | None
    firmware: dict[str, str]
    sensors: tuple[Sensor, ...]
    health: int
    bad_readings: tuple[str, ...]
    sel: tuple[SelEvent, ...]
    chassis_serial: str = ""
    board_serial: str = ""
    asset_tag: str = ""

    def sensors_of(self, kind: str) -> tuple[Sensor, ...]:
        return tuple(s for s in self.sensors if s.type.lower() == kind.lower())

    @property
    def open_critical_events(self) -> tuple[SelEvent, ...]:
        return tuple(e for e in self.sel if e.severity >= HEALTH_CRITICAL and not e.deasserted)


def _section(capture: IPMICapture, name: str) -> Any:
    value = getattr(capture, name)
    if value is None:
        reason = capture.errors.get(name, "not captured")
        raise ParseError(f"IPMI {name}: {reason}")
    return value


def _sensor(raw: Any) -> Sensor:
    if not isinstance(raw, dict) or "name" not in raw:
        raise ParseError("IPMI sensors: a reading without a name")
    value = raw.get("value")
    return Sensor(
        name=str(raw["name"]), type=str(raw.get("type", "")),
        value=float(value) if isinstance(value, int | float) else None,
        units=str(raw.get("units") or ""), health=int(raw.get("health") or 0),
        states=tuple(str(s) for s in raw.get("states") or ()), unavailable=bool(raw.get("unavailable")),
    )


def parse_bmc(capture: IPMICapture) -> BmcFacts:
    power = capture.power.get("powerstate") if isinstance(capture.power, dict) else None
    inventory = _section(capture, "inventory")
    if not isinstance(inventory, dict):
        raise ParseError("IPMI inventory: expected a mapping of FRU name to fields")
    system = inventory.get("System") or {}
    sensors = tuple(_sensor(s) for s in _section(capture, "sensors"))
    health = capture.health if isinstance(capture.health, dict) else {}
    firmware_raw = capture.firmware if isinstance(capture.firmware, dict) else {}
    firmware = {str(k): str(v.get("version", "")) for k, v in firmware_raw.items() if isinstance(v, dict)}
    bmc_version = next((v for k, v in firmware.items() if k.lower().startswith("bmc")), None)
    sel = tuple(
        SelEvent(
            timestamp=str(e.get("timestamp", "")), component=str(e.get("component", "")),
            event=str(e.get("event", "")), severity=int(e.get("severity") or 0),
            deasserted=bool(e.get("deassertion")),
        )
        for e in (capture.sel or ()) if isinstance(e, dict)
    )
    return BmcFacts(
        power_state=str(power) if power is not None else None,
        manufacturer=str(system.get("Manufacturer") or system.get("Board manufacturer") or ""),
        product=str(system.get("Product name") or system.get("Board product name") or ""),
        serial=str(system.get("Serial Number") or system.get("Board serial number") or ""),
        bmc_firmware=bmc_version, firmware=firmware, sensors=sensors,
        health=int(health.get("health") or 0),
        bad_readings=tuple(str(r.get("name")) for r in health.get("badreadings") or () if isinstance(r, dict)),
        sel=sel,
        chassis_serial=str(system.get("Chassis serial number") or ""),
        board_serial=str(system.get("Board serial number") or ""),
        asset_tag=str(system.get("Asset Number") or ""),
    )
