"""SNMP helpers for switch facts (R-HW-06): recordings, encodings, port names; parsers run in test_fact_cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from medcloud.hardware.facts import switch
from medcloud.hardware.facts.base import ParseError
from medcloud.hardware.transports import snmprec

from medcloud.errors import SourceError


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



def test_columns_index_each_cell_under_its_own_column_r_hw_06() -> None:
    """Column 1 is not a prefix of column 15; multi-part indexes keep their dots; other OIDs are left out."""
    from medcloud.hardware.transports.base import Varbind

    vbs = [Varbind(f"{switch.IFX_TABLE}.1.3", "OctetString", b"ge1"),
           Varbind(f"{switch.IFX_TABLE}.15.3", "Gauge32", 1000),
           Varbind(f"{switch.LLDP_REM}.9.0.7.1", "OctetString", b"peer"),
           Varbind(f"{switch.IF_TABLE}.2", "OctetString", b"not a cell"),
           Varbind("1.3.6.1.2.1.2.2.10.1", "Integer32", 1)]
    indexed = switch.Columns(vbs)
    assert switch._column(indexed, switch.IFX_TABLE, 1) == {"3": vbs[0]}
    assert switch._column(indexed, switch.IFX_TABLE, 15) == {"3": vbs[1]}
    assert switch._column(indexed, switch.LLDP_REM, 9) == {"0.7.1": vbs[2]}
    assert switch._column(indexed, switch.IF_TABLE, 2) == {}
    assert switch._column(vbs, switch.IFX_TABLE, 1) == switch._column(indexed, switch.IFX_TABLE, 1)
