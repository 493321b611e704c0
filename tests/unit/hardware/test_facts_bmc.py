"""BMC fact parser (R-HW-03) over captures pyghmi took from ipmi_sim, and over
constructed captures for states the lab BMC cannot show (a failed, not absent, PSU;
a critical SEL event).  The constructed ones follow pyghmi's documented shapes.
"""

from __future__ import annotations

from typing import Any

import pytest
from medcloud.hardware.facts.base import ParseError
from medcloud.hardware.facts.bmc import parse_bmc
from medcloud.hardware.transports.base import IPMICapture

from .captures import bmc


def capture(**over: Any) -> IPMICapture:
    data: dict[str, Any] = {
        "power": {"powerstate": "on"},
        "inventory": {"System": {"Manufacturer": "Huawei", "Product name": "TaiShan 200 (Model 2280)",
                                 "Serial Number": "2102312TSJ10K8000123"}},
        "sensors": [
            {"name": "PSU1 Status", "type": "Power Supply", "value": None, "units": "", "health": 0,
             "states": ["Present"], "unavailable": 0},
            {"name": "PSU2 Status", "type": "Power Supply", "value": None, "units": "", "health": 2,
             "states": ["Present", "Failure detected"], "unavailable": 0},
            {"name": "Fan1 Speed", "type": "Fan", "value": 5400.0, "units": "RPM", "health": 0, "states": [],
             "unavailable": 0},
        ],
        "health": {"health": 2, "badreadings": [{"name": "PSU2 Status"}]},
        "firmware": {"BMC Version": {"version": "3.5.0"}, "BIOS": {"version": "1.76"}},
        "sel": [{"timestamp": "2026-11-20T10:00:00", "component": "PSU2 Status", "event": "Failure detected",
                 "severity": 2, "deassertion": False}],
        "errors": {},
    }
    data.update(over)
    return IPMICapture.from_json(data)


def test_lab_capture_two_psus_four_fans() -> None:
    facts = parse_bmc(bmc())
    assert (facts.power_state, facts.manufacturer, facts.bmc_firmware) == ("on", "Huawei", "6.57")
    assert facts.product == "TaiShan 200 (Model 2280)"
    assert [s.ok for s in facts.sensors_of("Power Supply")] == [True, True]
    assert len(facts.sensors_of("Fan")) == 4
    assert facts.health == 0 and facts.open_critical_events == ()


def test_lab_capture_absent_psu_is_not_ok() -> None:
    facts = parse_bmc(bmc(psu2_absent=True))
    psus = {s.name: s for s in facts.sensors_of("Power Supply")}
    # IPMI reports no fault for a missing PSU: only the missing "Present" state shows it.
    assert psus["PSU2 Status"].health == 0 and psus["PSU2 Status"].states == ()
    assert not psus["PSU2 Status"].ok
    assert psus["PSU1 Status"].ok


def test_parse_everything() -> None:
    facts = parse_bmc(capture())
    assert facts.power_state == "on"
    assert facts.product.startswith("TaiShan")
    assert facts.bmc_firmware == "3.5.0"
    assert [s.ok for s in facts.sensors_of("power supply")] == [True, False]
    assert facts.bad_readings == ("PSU2 Status",)
    assert len(facts.open_critical_events) == 1


def test_missing_section_reports_the_bmc_error() -> None:
    with pytest.raises(ParseError, match="IPMI sensors: SDR repository not supported"):
        parse_bmc(capture(sensors=None, errors={"sensors": "SDR repository not supported"}))


def test_capture_round_trips_through_json() -> None:
    original = capture()
    assert IPMICapture.from_json(original.to_json()) == original


def test_unknown_capture_section_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown IPMI capture sections: bogus"):
        IPMICapture.from_json({"bogus": 1})
