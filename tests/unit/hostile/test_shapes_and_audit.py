"""Strict shapes and an audit trail that cannot be side-stepped (issue 16; R-SEC-05, R-SEC-06, R-HW-01)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import types
from pathlib import Path

import pytest
from medcloud.hardware.inventory import load_inventory

from medcloud.audit import Event, append, verify_log
from medcloud.audit.command import run_audited
from medcloud.cli import main
from medcloud.errors import AuditError, SecretError, SourceError
from medcloud.secrets import load_key, new_key_hex, seal, set_keystore

PLAINTEXT = "Pl41n-T3xt-BMC-p@ss"


def _inventory(tmp_path: Path, *, port: str = "22", address: str = "10.0.0.11") -> Path:
    key = bytes.fromhex(new_key_hex())
    path = tmp_path / "site.yaml"
    path.write_text(f"""\
credentials:
  ssh: {{kind: ssh, username: accept, password: "{seal('x', key)}"}}
  bmc: {{kind: ipmi, username: admin, password: "{seal('y', key)}"}}
servers:
  - name: kp-node-01
    profile: kunpeng-920-compute
    location: {{centre: prod, room: r1, rack: a1, unit: 1}}
    ssh: {{address: {address}, port: {port}, credential: ssh}}
    bmc: {{address: 10.1.0.11, credential: bmc}}
switches: []
""")
    return path


def test_inventory_accepts_real_addresses_and_names(tmp_path: Path) -> None:
    for address in ("10.0.0.11", "fd00::11", "node-01.dc1.example", "kp01"):
        assert load_inventory(_inventory(tmp_path, address=address), ["kunpeng-920-compute"])


@pytest.mark.parametrize(("port", "address", "field"), [
    ("true", "10.0.0.11", "port"),            # used to become port 1
    ('"22"', "10.0.0.11", "port"),            # a string is no number
    ("22.5", "10.0.0.11", "port"),
    ("22", "999.1.1.1", "address"),           # no IPv4 address, and no host name either
    ("22", "10.0.0", "address"),
    ("22", "-bad-.example", "address"),
    ("22", "a..b", "address"),
])
def test_r_hw_01_inventory_types_are_strict(tmp_path: Path, port: str, address: str, field: str) -> None:
    with pytest.raises(SourceError, match=field):
        load_inventory(_inventory(tmp_path, port=port, address=address), ["kunpeng-920-compute"])


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "1e9", "abc"])
@pytest.mark.parametrize("argv", [["verify", "inv.yaml", "--timeout"], ["verify", "inv.yaml", "--concurrency"],
                                  ["review", "a.json", "b.json", "--timeout"]])
def test_numeric_options_are_finite_positive_and_bounded(
    capsys: pytest.CaptureFixture[str], argv: list[str], value: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error: argument" in err


class _Failing:
    name = "hsm"

    def load_key(self) -> bytes:
        raise OSError(f"slot 0 PIN {PLAINTEXT} rejected")


@pytest.mark.parametrize("stage", ["import", "factory", "load_key", "not-bytes"])
def test_r_sec_03_a_failing_key_store_is_a_secret_error_without_its_message(
    monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    module = types.ModuleType("hostile_keystore")

    def factory() -> object:
        if stage == "factory":
            raise RuntimeError(f"PIN {PLAINTEXT}")
        if stage == "not-bytes":
            return types.SimpleNamespace(name="hsm", load_key=lambda: PLAINTEXT)
        return _Failing()

    module.factory = factory  # type: ignore[attr-defined]
    if stage == "import":
        module.__getattr__ = lambda name: (_ for _ in ()).throw(ValueError(PLAINTEXT))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hostile_keystore", module)
    for name in ("MEDCLOUD_SECRET_KEY", "MEDCLOUD_SECRET_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDCLOUD_KEYSTORE", "hostile_keystore:factory" if stage != "import" else "hostile_keystore:x")
    set_keystore(None)
    with pytest.raises(SecretError) as info:
        load_key()
    assert PLAINTEXT not in str(info.value)


def test_r_sec_05_a_symlinked_log_cannot_hide_a_removed_last_record(tmp_path: Path) -> None:
    real = tmp_path / "real" / "audit.jsonl"
    link = tmp_path / "elsewhere" / "audit.jsonl"
    real.parent.mkdir()
    link.parent.mkdir()
    link.symlink_to(real)
    for i in range(3):
        append(Event(action="verify", target=f"n{i}"), real if i == 0 else link)
    assert verify_log(link).intact and verify_log(real).intact
    real.write_bytes(b"".join(real.read_bytes().splitlines(keepends=True)[:-1]))
    for path in (link, real):
        result = verify_log(path)
        assert not result.intact and {p.kind.value for p in result.problems} == {"truncated"}


@pytest.mark.parametrize("where", ["/dev/full", "directory", "read-only-dir"])
def test_r_sec_05_an_unusable_log_stops_the_command_before_any_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, where: str
) -> None:
    if where == "/dev/full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    log = Path(where)
    if where == "directory":
        log = tmp_path / "log.jsonl"
        log.mkdir()
    elif where == "read-only-dir":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only directories")
        (tmp_path / "ro").mkdir()
        log = tmp_path / "ro" / "audit.jsonl"
        log.write_text("")
        (tmp_path / "ro").chmod(0o500)
    monkeypatch.setenv("MEDCLOUD_AUDIT_LOG", str(log))
    worked = []
    with pytest.raises(AuditError, match="refusing to run"):
        run_audited(argparse.Namespace(audit_action="verify"), lambda a: worked.append(1) or 0)
    assert worked == []


def test_r_sec_06_a_plain_text_value_given_to_decrypt_never_reaches_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDCLOUD_SECRET_KEY", new_key_hex())
    assert main(["secret", "decrypt", PLAINTEXT, "--force"]) == 2
    sealed = seal("other", bytes.fromhex(os.environ["MEDCLOUD_SECRET_KEY"]))
    assert main(["secret", "decrypt", sealed, "--force"]) == 0
    log = Path(os.environ["MEDCLOUD_AUDIT_LOG"]).read_text()
    assert PLAINTEXT not in log and PLAINTEXT not in capsys.readouterr().err
    first, second = (json.loads(line) for line in log.splitlines())
    assert first["parameters"]["value"].startswith("tok:")
    assert second["parameters"]["value"].startswith("<sealed:")
