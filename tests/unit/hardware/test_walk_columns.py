"""The switch query list (``WALK_ROOTS``) is exactly what the parsers read (R-HW-06).

A switch is walked column by column, not table by table; these tests hold the
two halves of the fact together: parsing only the walked columns of a real
recording gives the same facts as parsing the whole recording, and a parser
that reads a column nobody walks fails loudly instead of seeing an empty table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from medcloud.hardware.facts import switch
from medcloud.hardware.transports import snmprec

RECORDINGS = ("h3c-comware-7-1-075", "h3c-e528-1", "huawei-s12704", "huawei-s5720", "ruijie-n18010")


@pytest.mark.parametrize("name", RECORDINGS)
def test_walked_columns_give_the_facts_of_the_whole_recording_r_hw_06(fixtures: Path, name: str) -> None:
    path = fixtures / "snmp" / f"{name}.snmprec"
    everything = snmprec.load(path)
    walked = snmprec.load(path, switch.WALK_ROOTS)
    # The fixtures were trimmed to what the parsers read when captured; walked never exceeds them.
    assert len(walked) <= len(everything)
    assert switch.parse_switch(walked) == switch.parse_switch(everything)


def test_walk_is_far_smaller_than_the_tables_on_the_benchmark_switch() -> None:
    """The untrimmed snmpsim-data E528 the benchmark lab serves: ~2,000 table rows, ~400 in the columns."""
    from medcloud.hardware.lab.switch import SERVED_ROOTS, read_recording

    tables = read_recording("network/switch/h3c-e528-1", SERVED_ROOTS)
    columns = read_recording("network/switch/h3c-e528-1", switch.WALK_ROOTS)
    assert len(columns) * 4 < len(tables)
    entity = [line.split("|", 1)[0] for line in columns if line.startswith(switch.ENTITY + ".")]
    assert {oid.split(".")[11] for oid in entity} == {str(c) for c in switch.ENTITY_COLUMNS}


def test_roots_are_distinct_columns_under_the_declared_tables() -> None:
    assert len(set(switch.WALK_ROOTS)) == len(switch.WALK_ROOTS)
    assert switch.WALK_ROOTS[0] == switch.SYSTEM
    for root in switch.WALK_ROOTS[1:]:
        table, column = root.rsplit(".", 1)
        assert table in {switch.IF_TABLE, switch.IFX_TABLE, switch.ENTITY, switch.LLDP_LOC_PORT,
                         switch.LLDP_REM, switch.QBRIDGE_STATIC}
        assert column.isdigit()


def test_reading_an_unwalked_column_is_an_error_not_an_empty_table() -> None:
    with pytest.raises(AssertionError, match="not in WALK_ROOTS"):
        switch._column([], switch.IF_TABLE, 10)
