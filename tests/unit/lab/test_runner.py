"""Lab bookkeeping: ports, generated inventory, key handling, state, CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from medcloud.hardware.inventory import load_inventory
from medcloud.hardware.lab import host as hostlab
from medcloud.hardware.lab import runner
from medcloud.hardware.lab.runner import Lab, LabError, LabState, Peer, free_udp_ports
from medcloud.hardware.lab.scenario import default, scaled
from medcloud.hardware.specs import load_catalogue

from medcloud.cli import main
from medcloud.secrets import seal, unseal
from medcloud.secrets.keys import parse_key

KEY_HEX = "00112233445566778899aabbccddeeff"


def test_free_ports_are_distinct_loopback_ports() -> None:
    ports = free_udp_ports(50)
    assert len(set(ports)) == 50 and all(1024 < p < 65536 for p in ports)


def test_generated_inventory_validates_against_the_shipped_profiles(tmp_path: Path) -> None:
    lab = Lab(tmp_path, default())
    key = parse_key(KEY_HEX, "test")
    scenario = default()
    bmc_ports = {s.name: 40000 + i for i, s in enumerate(scenario.servers)}
    snmp_ports = {s.name: 41000 + i for i, s in enumerate(scenario.switches)}
    # Each SSH target as `lab up` pins it: its address and its host public key.
    ssh_pins = {
        s.name: (f"10.213.0.{4 * i + 2}", hostlab.openssh_keypair()[1])
        for i, s in enumerate(scenario.servers)
    }
    sealed = {name: seal(f"plain-{name}", key) for name in ("bmc", "auth", "priv", "ssh")}
    text = lab._inventory(bmc_ports, snmp_ports, ssh_pins, sealed)
    assert "plain-" not in text
    path = tmp_path / "lab.yaml"
    path.write_text(text)
    catalogue = load_catalogue()
    inventory = load_inventory(path, known_profiles=frozenset(catalogue.names()))
    assert {s.name for s in inventory.servers} == {s.name for s in scenario.servers}
    kp = next(s for s in inventory.servers if s.name == "kp-node-01")
    assert kp.ssh.known_hosts_line(22) == f"{kp.ssh.address} {ssh_pins['kp-node-01'][1]}"
    leaf = next(s for s in inventory.switches if s.name == "leaf-01")
    assert leaf.management.context == "leaf-01" and leaf.management.port == snmp_ports["leaf-01"]
    assert unseal(inventory.credentials["bmc-admin"].password, key).reveal() == "plain-bmc"  # type: ignore[union-attr]


def test_every_fault_is_declared_once() -> None:
    scenario = default()
    faults = [s.fault for s in scenario.servers if s.fault] + [s.fault for s in scenario.switches if s.fault]
    assert sorted(faults) == sorted(["dead-bmc", "wrong-password", "below-spec", "slow-agent", "mis-cabled"])
    assert len(scenario.faults) == 5
    assert set(scenario.fault_peers) == set(scenario.faults)
    miscabled = [c for s in scenario.switches for c in s.cabling if c.actual_port]
    assert len(miscabled) == 1


def test_scaled_lab_has_no_faults_and_no_ssh() -> None:
    scenario = scaled(200, 20)
    assert len(scenario.servers) == 200 and len(scenario.switches) == 20
    assert not any(s.ssh or s.fault for s in scenario.servers)
    with pytest.raises(ValueError, match="1-1000"):
        scaled(0, 1)


def test_key_file_is_created_0600_when_no_key_is_configured(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MEDCLOUD_SECRET_KEY", "MEDCLOUD_SECRET_KEY_FILE", "MEDCLOUD_KEYSTORE"):
        monkeypatch.delenv(name, raising=False)
    key, created = runner._load_key(tmp_path)
    assert created == str(tmp_path / "secret.key")
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    assert runner._load_key(tmp_path) == (key, created)


def test_a_configured_but_broken_key_is_not_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from medcloud.errors import SecretError

    monkeypatch.setenv("MEDCLOUD_SECRET_KEY", "not-hex")
    with pytest.raises(SecretError):
        runner._load_key(tmp_path)
    assert not (tmp_path / "secret.key").exists()


def test_state_round_trips_and_dead_peers_show(tmp_path: Path) -> None:
    ticks, digest = runner._identity(os.getpid()) or (0, "")
    state = LabState(str(tmp_path), "s", str(tmp_path / "i.yaml"), 0.0,
                     [Peer("bmc", "a", os.getpid(), "127.0.0.1", [1], "log", start_ticks=ticks, cmdline_sha=digest),
                      Peer("bmc", "b", 2 ** 22 + 7, "127.0.0.1", [2], "log")], [], [], {})
    back = LabState.from_json(state.to_json())
    assert [p.alive() for p in back.peers] == [True, False]


def test_unreadable_state_is_a_clear_input_error(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("{not json")
    with pytest.raises(LabError, match="unreadable lab state"):
        Lab(tmp_path).state()


def test_missing_privileges_for_ssh_targets_stop_up_with_a_hint(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hostlab, "missing_requirements", lambda: "SSH targets need root")
    with pytest.raises(LabError, match="--no-ssh"):
        Lab(tmp_path / "lab").up()
    assert not (tmp_path / "lab").exists()


def test_cli_status_and_down_without_a_lab(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lab", "--dir", str(tmp_path), "status"]) == 0
    assert "no lab running" in capsys.readouterr().out
    assert main(["lab", "--dir", str(tmp_path), "down"]) == 0
    assert "no lab was running" in capsys.readouterr().out


def test_cli_reports_a_broken_state_file_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "state.json").write_text("[]")
    assert main(["lab", "--dir", str(tmp_path), "status"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "state.json" in err


def test_status_at_80_columns_never_splits_an_address_or_a_pid() -> None:
    """`lab status` in a pipe or CI log: `10.213.0.2:2` / `2` was a real split; addresses stay whole."""
    from types import SimpleNamespace

    from rich.console import Console

    from medcloud.cli.lab import _print_state

    def peer(kind: str, name: str, serves: list[str], address: str, ports: list[int]) -> SimpleNamespace:
        return SimpleNamespace(kind=kind, name=name, serves=serves, address=address, ports=ports, pid=4194303,
                               alive=lambda: True)

    peers = [peer("bmc", f"taishan-2280-node-{i:02d}", [f"taishan-2280-node-{i:02d}"], "127.0.0.1", [62300 + i])
             for i in range(3)]
    peers.append(peer("ssh", "gw-ft2500-phytium-s2500-node-01", ["gw-ft2500-phytium-s2500-node-01"],
                      "10.213.0.2", [22, 2222]))
    state = SimpleNamespace(scenario="default", run_dir="/work/main/.lab/run-20261129T235959Z-with-a-long-name",
                            peers=peers, absent=["ls-node-01"], faults={"ls-node-01": "dead BMC (R-HW-03)"},
                            fault_peers={})
    console = Console(width=80, record=True, color_system=None)
    _print_state(console, state)
    lines = console.export_text().splitlines()
    assert all(len(line) <= 80 for line in lines)
    for needle in ("127.0.0.1:62300", "10.213.0.2:22", "10.213.0.2:2222", "4194303", "ls-node-01"):
        assert any(needle in line for line in lines), needle
    assert "…" not in "\n".join(lines)


def test_delivery_lab_cables_every_server_to_two_leaves() -> None:
    """`medcloud lab up --servers N --switches M`: a whole delivery, nothing injected (R-HW-06 cabling)."""
    from medcloud.hardware.lab.scenario import delivery

    scenario = delivery(40, 2)
    assert len(scenario.servers) == 40 and len(scenario.switches) == 2 and scenario.faults == {}
    assert {s.rack for s in scenario.servers} == {"r001", "r002"}
    cabled = [(c.server, c.nic) for sw in scenario.switches for c in sw.cabling]
    # 16 servers per leaf and NIC fit the 32 10GE ports: 32 servers dual-homed, 8 left uncabled.
    assert len(cabled) == len(set(cabled)) == 64
    for switch in scenario.switches:
        ports = [c.port for c in switch.cabling]
        assert len(ports) == len(set(ports)) == 32
    with pytest.raises(ValueError, match="1-1000 servers"):
        delivery(0, 1)


def test_lab_up_rejects_bad_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    from medcloud.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["lab", "up", "--servers", "0"])
    assert exit_info.value.code == 2
    assert "must be between 1 and 1000" in capsys.readouterr().err
