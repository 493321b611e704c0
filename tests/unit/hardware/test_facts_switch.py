"""SNMP fact parsers over snmpsim-data recordings of Huawei, H3C and Ruijie devices (R-HW-06)."""

from __future__ import annotations

from pathlib import Path

import pytest
from medcloud.hardware.facts import switch
from medcloud.hardware.facts.base import ParseError
from medcloud.hardware.transports import snmprec

from medcloud.errors import SourceError


def load(fixtures: Path, name: str) -> switch.SwitchFacts:
    return switch.parse_switch(snmprec.load(fixtures / "snmp" / f"{name}.snmprec"))


def test_huawei_s5720_system_group_and_enterprise(fixtures: Path) -> None:
    facts = load(fixtures, "huawei-s5720")
    assert facts.system.enterprise == 2011
    assert "V200R007C00SPC500" in facts.system.descr
    assert facts.system.name == "DUMSYS-05"


def test_huawei_s12704_entity_chassis_and_vlans(fixtures: Path) -> None:
    facts = load(fixtures, "huawei-s12704")
    chassis = [e for e in facts.entities if e.cls == "chassis"]
    assert chassis[0].name == "HUAWEI S12704 chassis"
    assert "V200R012C00SPC500" in chassis[0].software
    assert {1, 400, 401} <= {v.id for v in facts.vlans}
    assert any(e.cls == "powerSupply" for e in facts.entities)


def test_h3c_interfaces_speed_and_status(fixtures: Path) -> None:
    facts = load(fixtures, "h3c-comware-7-1-075")
    assert facts.system.enterprise == 25506
    tengig = [i for i in facts.interfaces if i.name.startswith("Ten-GigabitEthernet")]
    assert tengig and all(i.speed_mbps == 10000 for i in tengig)
    assert {i.oper_status for i in facts.interfaces} <= set(switch.IF_OPER_STATUS.values())


def test_h3c_lldp_neighbour_with_hex_encoded_names(fixtures: Path) -> None:
    facts = load(fixtures, "h3c-e528-1")
    assert facts.lldp_walked
    [neighbour] = facts.lldp
    assert neighbour.local_port_num == 24
    assert (neighbour.remote_system, neighbour.remote_port) == ("WRD-Huiju-2", "GigabitEthernet1/0/33")
    assert neighbour.remote_chassis == "38:91:d5:fb:74:2c"


def test_ruijie_many_lldp_neighbours_and_mac_port_ids(fixtures: Path) -> None:
    facts = load(fixtures, "ruijie-n18010")
    assert facts.system.enterprise == 4881
    assert len(facts.lldp) == 151
    by_port = {n.local_port: n for n in facts.lldp}
    assert by_port["Gi2/1/14"].remote_port == "Gi0/47"
    # A port ID of subtype macAddress arrives as six raw bytes.
    assert any(n.remote_port.count(":") == 5 for n in facts.lldp)


def test_switch_without_lldp_data(fixtures: Path) -> None:
    facts = load(fixtures, "huawei-s5720")
    assert not facts.lldp_walked
    assert facts.lldp == ()


def test_system_group_missing_is_parse_error() -> None:
    with pytest.raises(ParseError, match="sysDescr"):
        switch.parse_system([])


def test_snmprec_tags_and_encodings() -> None:
    vbs = list(snmprec.parse([
        "1.3.6.1.2.1.1.1.0|4x|48656c6c6f",
        "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2011.2.23.276",
        "1.3.6.1.2.1.1.3.0|67:numeric|rate=100",
        "1.3.6.1.2.1.4.20.1.1.10.0.0.1|64x|0a000001",
        "1.3.6.1.2.1.31.1.1.1.6.1|70|18446744073709551615",
        "# a comment",
    ]))
    assert [(v.kind, v.value) for v in vbs] == [
        ("OctetString", b"Hello"), ("ObjectIdentifier", "1.3.6.1.4.1.2011.2.23.276"),
        ("TimeTicks", 0), ("IpAddress", "10.0.0.1"), ("Counter64", 18446744073709551615),
    ]


def test_snmprec_bad_line_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.snmprec"
    bad.write_text("1.3.6.1.2.1.1.1.0|4|ok\nnot a record\n")
    with pytest.raises(SourceError, match=r"bad\.snmprec:2: .*oid\|tag\|value"):
        snmprec.load(bad)


def test_octet_strings_in_gb18030_decode() -> None:
    # Ruijie's sysLocation in the recording is GB18030 ("中文").
    assert switch.text(bytes.fromhex("d6d0cec4")) == "中文"


def test_down_ports_count_at_their_nominal_speed(fixtures: Path) -> None:
    facts = load(fixtures, "h3c-e528-1")
    gig = [i for i in facts.interfaces if i.name.startswith("GigabitEthernet")]
    assert len(gig) == 28
    assert [i.speed_mbps for i in gig].count(0) == 27  # the agent reports 0 for ports that are down
    assert all(i.capacity_mbps == 1000 for i in gig)


@pytest.mark.parametrize(("name", "mbps"), [
    ("XGigabitEthernet0/0/1", 10_000), ("100GE1/0/1", 100_000), ("Ten-GigabitEthernet1/0/0/1", 10_000),
    ("TFGigabitEthernet 0/1", 25_000), ("GigabitEthernet 1/1/1", 1_000), ("Vlan-interface1", None),
])
def test_nominal_speed_by_vendor_port_names(name: str, mbps: int | None) -> None:
    assert switch.nominal_speed_mbps(name) == mbps


@pytest.mark.parametrize(("a", "b"), [
    ("Gi2/1/14", "GigabitEthernet 2/1/14"), ("GE1/0/1", "GigabitEthernet1/0/1"),
    ("Te1/0/1", "Ten-GigabitEthernet1/0/1"), ("XGE0/0/1", "XGigabitEthernet0/0/1"), ("eth0", "ETH0"),
])
def test_port_names_compare_across_vendor_spellings(a: str, b: str) -> None:
    assert switch.canonical_port(a) == switch.canonical_port(b)


def test_different_ports_stay_different() -> None:
    assert switch.canonical_port("Gi0/47") != switch.canonical_port("Gi0/48")
    assert switch.canonical_port("Te1/0/1") != switch.canonical_port("Gi1/0/1")
