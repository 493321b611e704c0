"""R-HW-06 switch checks on real recordings of every domestic vendor's agent.

Each recording is checked against the shipped profile of its vendor: what the agent
proves passes or fails, what it does not expose is "cannot tell" (skipped or error
with the reason), never a fabricated 0.
"""

from __future__ import annotations

import pytest
from medcloud.hardware.facts.switch import parse_switch
from medcloud.hardware.inventory import Switch
from medcloud.hardware.specs import SwitchProfile, load_catalogue
from medcloud.hardware.transports import snmprec
from medcloud.hardware.verify import Status
from medcloud.hardware.verify import switch as switch_checks
from medcloud.hardware.verify.checks import evaluate

from .captures import FIXTURES

CATALOGUE = load_catalogue()


def verify(recording: str, vendor: str, model: str, profile: str) -> dict[str, tuple[Status, str, str]]:
    switch = Switch.model_validate({
        "name": "sw-01", "profile": profile, "vendor": vendor, "model": model,
        "location": {"centre": "gz-prod", "room": "r1", "rack": "a01"},
        "management": {"address": "127.0.2.1", "credential": "snmp-ro"},
    })
    spec = CATALOGUE[profile]
    assert isinstance(spec, SwitchProfile)
    facts = {"switch": parse_switch(snmprec.load(FIXTURES / "snmp" / f"{recording}.snmprec"))}
    context = switch_checks.SwitchContext(switch, spec)
    return {r.check: (r.status, r.actual, r.reason)
            for r in (evaluate(c, facts, context) for c in switch_checks.checks_for(spec))}


@pytest.mark.parametrize(("recording", "vendor", "model", "profile"), [
    ("maipu-sm4200-16gef8ge-ac", "maipu", "SM4200-16GEF8GE-AC", "maipu-mypower"),
    ("bdcom-s5612", "bdcom", "S5612", "bdcom"),
    ("dcrs-5980-28t-dc", "dcn", "DCRS-5980-28T-DC", "dcn"),
    ("dcn-s4600-system-only", "dcn", "S4600-52P-SI", "dcn"),
    ("dptech-dpx800-a5", "dptech", "DPX8000-A5", "dptech"),
    ("zte-zxr10-5250", "zte", "ZXR10 5250-52TM-H", "zte-zxr10"),
])
def test_domestic_vendor_model_and_version_stand_on_the_system_group(
        recording: str, vendor: str, model: str, profile: str) -> None:
    results = verify(recording, vendor, model, profile)
    for check in ("switch.vendor", "switch.model", "switch.model_delivered", "switch.os_version"):
        assert results[check][0] is Status.PASS, (check, results[check])


def test_missing_entity_rows_are_cannot_tell_not_zero() -> None:
    results = verify("maipu-sm4200-16gef8ge-ac", "maipu", "SM4200-16GEF8GE-AC", "maipu-mypower")
    assert results["switch.psus"][0] is Status.SKIPPED and "cannot tell" in results["switch.psus"][2]
    huawei = verify("huawei-s5720", "huawei", "S5720-36C-EI-AC", "huawei-campus")
    # ENTITY-MIB answers (chassis, ports) but lists no power supply: still cannot tell.
    assert huawei["switch.psus"][0] is Status.SKIPPED
    assert "no powerSupply entities" in huawei["switch.psus"][2]


def test_port_counts_without_interface_table_or_speeds_say_why() -> None:
    system_only = verify("dcn-s4600-system-only", "dcn", "S4600-52P-SI", "dcn")
    assert system_only["switch.ports.1g"][0] is Status.ERROR
    assert "no IF-MIB interface table" in system_only["switch.ports.1g"][2]
    maipu = verify("maipu-sm4200-16gef8ge-ac", "maipu", "SM4200-16GEF8GE-AC", "maipu-mypower")
    # One port up at 1 Gb/s, 23 down reporting speed 0 under names that imply none.
    assert maipu["switch.ports.1g"][0] is Status.ERROR
    assert "cannot tell: 23 ports report no speed" in maipu["switch.ports.1g"][2]


def test_down_ports_count_by_reported_speed_and_vendor_names() -> None:
    bdcom = verify("bdcom-s5612", "bdcom", "S5612", "bdcom")
    # 12 TGigaEthernet (11 of them down, named for 10 Gb/s) and six GigaEthernet at >= 1 Gb/s (0/7 down,
    # named for 1 Gb/s); 0/1 and 0/2 run at 100 Mb/s.
    assert bdcom["switch.ports.1g"][:2] == (Status.PASS, "18")


def test_ifspeed_counts_where_ifhighspeed_is_missing() -> None:
    zte = verify("zte-zxr10-5250", "zte", "ZXR10 5250-52TM-H", "zte-zxr10")
    # ZTE's agent has no ifHighSpeed: ifSpeed says 28 ports are up at >= 100 Mb/s; the 24 down
    # ones (reporting 10 Mb/s, named "1/2") could make up no shortfall, so the count stands.
    assert zte["switch.ports.0.1g"][:2] == (Status.PASS, "28")


def test_comware_5_version_is_read_and_compared() -> None:
    results = verify("h3c-e528-1", "h3c", "E528", "h3c-comware")
    assert results["switch.os_version"][:2] == (Status.FAIL, "5.20, 1513P62")


def test_foreign_vendor_cannot_be_named_in_an_inventory() -> None:
    with pytest.raises(ValueError, match="not a domestic switch vendor: 'cisco'"):
        Switch.model_validate({
            "name": "sw-01", "profile": "x", "vendor": "cisco", "model": "C9300",
            "location": {"centre": "gz-prod", "room": "r1", "rack": "a01"},
            "management": {"address": "127.0.2.1", "credential": "snmp-ro"},
        })


def test_shipped_profiles_cover_every_domestic_vendor() -> None:
    from medcloud.model import standards

    covered = {e for p in CATALOGUE.profiles.values() if isinstance(p, SwitchProfile) for e in p.enterprises}
    assert covered == set(standards.DOMESTIC_SWITCH_ENTERPRISES)

