"""Lab switch recordings: recorded rows kept byte for byte, LLDP/VLAN rows added, OID order."""

from __future__ import annotations

import pytest
from medcloud.hardware.facts.switch import parse_lldp, parse_vlans
from medcloud.hardware.lab.switch import (
    SERVED_ROOTS,
    Neighbour,
    SwitchRecording,
    mac_for,
    oid_key,
    read_recording,
)
from medcloud.hardware.transports.snmprec import parse

H3C = "network/switch/h3c-comware-7-1-075"
PORT = "Ten-GigabitEthernet1/0/0/{}"


@pytest.fixture(scope="module")
def recorded() -> list[str]:
    return read_recording(H3C)


def _compose(**kwargs: object) -> list[str]:
    neighbours = (
        Neighbour(PORT.format(1), "kp-node-01", "enp125s0f0", mac_for("kp-node-01", "enp125s0f0")),
        Neighbour(PORT.format(8), "ls-node-01", "enp5s0f0", mac_for("ls-node-01", "enp5s0f0")),
    )
    recording = SwitchRecording(H3C, neighbours, ((1, "default"), (110, "his")), **kwargs)  # type: ignore[arg-type]
    return recording.compose().splitlines()


def test_recorded_rows_are_kept_unchanged(recorded: list[str]) -> None:
    composed = set(_compose())
    assert all(line in composed for line in recorded)
    assert all(any(line.startswith(r + ".") for r in SERVED_ROOTS) for line in recorded)


def test_lines_are_sorted_by_oid() -> None:
    keys = [oid_key(line.split("|", 1)[0]) for line in _compose()]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))


def test_lldp_rows_show_the_cabled_neighbours() -> None:
    """R-HW-06: what LLDP-MIB shows is what the cabling scenario put there."""
    neighbours = {(n.local_port, n.remote_system, n.remote_port) for n in parse_lldp(list(parse(_compose())))}
    assert neighbours == {(PORT.format(1), "kp-node-01", "enp125s0f0"), (PORT.format(8), "ls-node-01", "enp5s0f0")}


def test_only_missing_vlans_are_added(recorded: list[str]) -> None:
    """R-NET-02: VLAN 110 is added; VLAN 1 is recorded and keeps its recorded name."""
    vlans = {v.id: v.name for v in parse_vlans(list(parse(_compose())))}
    assert vlans[110] == "his"
    recorded_vlans = {v.id: v.name for v in parse_vlans(list(parse(recorded)))}
    assert vlans[1] == recorded_vlans[1] != "default"


def test_unknown_port_is_refused() -> None:
    with pytest.raises(ValueError, match="no interface named"):
        SwitchRecording(H3C, (Neighbour("Eth9/9", "x", "eth0", b"\x02" * 6),)).compose()


def test_slow_agent_delays_sysdescr_with_the_same_value() -> None:
    lines = _compose(delay_ms=1234)
    delayed = [line for line in lines if ":delay|" in line]
    assert len(delayed) == 1 and delayed[0].startswith("1.3.6.1.2.1.1.1.0|4:delay|hexvalue=")
    plain = next(line for line in read_recording(H3C) if line.startswith("1.3.6.1.2.1.1.1.0|"))
    assert plain.split("|")[2] in delayed[0] and delayed[0].endswith(",wait=1234")
    # Every other row is exactly as without the fault.
    assert [line for line in lines if ":delay|" not in line] == [
        line for line in _compose() if not line.startswith("1.3.6.1.2.1.1.1.0|")]


def test_missing_recording_is_a_clear_error() -> None:
    from medcloud.errors import SourceError

    with pytest.raises(SourceError, match="no such snmpsim-data recording"):
        read_recording("network/switch/no-such-device")
