"""``medcloud lab down`` trusts nothing in state.json (issue 16): pids, names and paths are checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from medcloud.hardware.lab.runner import STATE, Lab, Peer

from medcloud.cli import main


def _forge(run_dir: Path, **state: object) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    document = {"run_dir": str(run_dir), "scenario": "default", "inventory": str(run_dir / "inventory.yaml"),
                "started": 0.0, "peers": [], "netns": [], "veths": [], "faults": {}, **state}
    (run_dir / STATE).write_text(json.dumps(document))


def test_down_leaves_a_stranger_pid_and_a_foreign_file_alone(tmp_path: Path) -> None:
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    precious = tmp_path / "precious.yaml"
    precious.write_text("not the lab's\n")
    run_dir = tmp_path / "lab"
    try:
        _forge(run_dir, inventory=str(precious), netns=["default"], veths=["eth0"],
               peers=[{"kind": "bmc", "name": "x", "pid": stranger.pid, "address": "127.0.0.1", "ports": [1],
                       "log": "/etc/shadow"}])
        assert Lab(run_dir).down() == []
        assert stranger.poll() is None, "down killed a process the lab did not start"
        assert precious.read_text() == "not the lab's\n"
        assert not (run_dir / STATE).exists()
    finally:
        stranger.kill()
        stranger.wait()


def test_a_peer_is_owned_only_while_pid_start_time_and_command_line_match(tmp_path: Path) -> None:
    from medcloud.hardware.lab import runner

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    try:
        ticks, digest = runner._identity(child.pid) or (0, "")
        peer = Peer("bmc", "x", child.pid, "127.0.0.1", [1], "log", start_ticks=ticks, cmdline_sha=digest)
        assert peer.owned() and peer.alive()
        assert not Peer("bmc", "x", child.pid, "127.0.0.1", [1], "log", start_ticks=ticks + 1,
                        cmdline_sha=digest).owned()
        assert not Peer("bmc", "x", child.pid, "127.0.0.1", [1], "log", start_ticks=ticks,
                        cmdline_sha="0" * 64).owned()
        assert Peer("bmc", "x", child.pid, "127.0.0.1", [1], "log", start_ticks=ticks).owned()  # still starting
        assert not Peer("bmc", "x", child.pid, "127.0.0.1", [1], "log").owned()  # an old or forged state
    finally:
        child.kill()
        child.wait()


@pytest.mark.parametrize("content", [
    "[]", '{"peers": 7}', '{"peers": [{"pid": 1}]}', "Infinity", '{"peers": [], "run_dir": 5}',
    json.dumps({"run_dir": "x", "scenario": "d", "inventory": "i", "started": 0, "netns": [], "veths": [],
                "faults": {}, "peers": [{"kind": "bmc", "name": "x", "pid": True, "address": "a", "ports": [],
                                         "log": "l"}]}),
    "{" * 10_000,
])
def test_a_malformed_state_file_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    run_dir = tmp_path / "lab"
    run_dir.mkdir()
    (run_dir / STATE).write_text(content)
    assert main(["lab", "--dir", str(run_dir), "status"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "state.json" in err
