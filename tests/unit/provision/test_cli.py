"""``medcloud switch render|diff`` and ``medcloud provision --dry-run`` end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medcloud.cli import main

from .conftest import FIXTURES, REFERENCE

DEV = str(REFERENCE["dev"])


def test_switch_render_writes_one_file_per_switch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["switch", "render", DEV, "--out", str(tmp_path / "cfg")]) == 0
    names = sorted(p.name for p in (tmp_path / "cfg").iterdir())
    assert names == ["fs-leaf-01.cfg", "fs-leaf-02.cfg", "gz-leaf-01.cfg", "gz-leaf-02.cfg", "gz-spine-01.cfg"]
    assert (tmp_path / "cfg" / "gz-leaf-01.cfg").read_text() == (
        FIXTURES / "golden" / "dev" / "gz-leaf-01.cfg").read_text()
    assert "gz-spine-01.cfg" in capsys.readouterr().out


def test_switch_render_infers_the_region_and_takes_an_explicit_stack(tmp_path: Path) -> None:
    assert main(["switch", "render", str(REFERENCE["ref002"]), "--out", str(tmp_path)]) == 0
    assert main(["switch", "render", str(REFERENCE["ref002"]), "--stack", "ref002", "--out", str(tmp_path),
                 "--switch", "hp-leaf-01"]) == 0
    assert (tmp_path / "hp-leaf-01.cfg").is_file()


def test_switch_diff_in_sync_then_drift(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    running = tmp_path / "running"
    running.mkdir()
    for name in ("gz-leaf-01", "fs-leaf-01"):
        shutil.copy(FIXTURES / "running" / f"{name}.cfg", running)
    args = ["switch", "diff", DEV, "--running", str(running), "--switch", "gz-leaf-01", "--switch", "fs-leaf-01"]
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines() == ["gz-leaf-01: in sync", "fs-leaf-01: in sync"]

    path = running / "fs-leaf-01.cfg"
    path.write_text(path.read_text().replace(" ntp-service unicast-server 10.80.0.10\n", ""))
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "fs-leaf-01: 1 difference(s)" in out
    assert "- [top level] ntp-service unicast-server 10.80.0.10" in out
    assert "$c$3$" not in out  # cipher values never reach the report


def test_switch_diff_without_running_config_is_drift(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["switch", "diff", DEV, "--running", str(tmp_path), "--switch", "gz-spine-01"]) == 1
    assert "gz-spine-01: no running configuration" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    (["switch", "diff", DEV, "--running", "/nonexistent/dir"], "/nonexistent/dir: --running: not a directory"),
    (["switch", "render", DEV, "--out", "OUT", "--switch", "nope"], "no switch 'nope' with a fabric section"),
    (["switch", "render", "missing.yaml", "--out", "OUT"], "missing.yaml: file not found"),
    (["provision", DEV, "--dry-run", "--limit", "nope"], "servers: no server named 'nope' (--limit)"),
    (["provision", DEV, "--dry-run", "--limit", "gz-kp-01", "--via", "fs-kp-01=@fake/x"],
     "--via names 'fs-kp-01', which is not a selected server"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          argv: list[str], message: str) -> None:
    argv = [str(tmp_path / a) if a == "OUT" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_unknown_server_in_inventory_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = REFERENCE["dev"].read_text().replace("gz-hg-01", "gz-xx-09")
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(text)
    assert main(["provision", str(inventory), "--stack", "dev", "--dry-run"]) == 2
    assert "servers[2](gz-xx-09): region dev: no node named 'gz-xx-09'" in capsys.readouterr().err


def test_provision_dry_run_lists_changes_per_host(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from pyinfra.connectors.base import DataMeta
    from pyinfra.connectors.fake import FakeConnector

    # The fake connector sleeps ~0.5 s per command to look like a real deploy; not here.
    for key in ("fake_delay", "fake_delay_jitter"):
        monkeypatch.setitem(FakeConnector.data_meta, key, DataMeta(key, default=0.0))
    argv = ["provision", DEV, "--dry-run", "--os", "openeuler", "--limit", "gz-kp-01", "--limit", "fs-hg-01",
            "--via", "gz-kp-01=@fake/gz-kp-01", "--via", "fs-hg-01=@fake/fs-hg-01"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "gz-kp-01: would change" in out and "fs-hg-01: would change" in out
    assert "  ~ chrony: 10.64.0.10, 10.64.0.11" in out
    assert "  ~ chrony: 10.80.0.10" in out
    assert "      dnf install -y chrony audit openssh-server nvme-cli crypto-policies" in out
    assert "sysctl: storage, network, 64 GiB hugepages" in out.split("fs-hg-01:")[0]
