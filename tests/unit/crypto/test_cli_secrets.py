"""The `secret`, `audit` and `report` commands end to end: exit codes, guards, no leaks (R-SEC-01..07)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from medcloud.audit import default_path, verify_log
from medcloud.cli import main
from medcloud.secrets import key_id, seal, unseal

from .conftest import PLAINTEXT, assert_no_plaintext

INVENTORY = """\
# lab inventory — comments, quoting and order must survive rotation
nodes:
  - name: n1
    bmc:
      address: 10.0.0.11
      user: admin
      password: {a}   # sealed
  - name: n2
    bmc: {{address: 10.0.0.12, user: admin, password: "{b}"}}
snmp:\r
  auth_key: '{c}'\r
"""


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str | None = None,
        monkeypatch: pytest.MonkeyPatch | None = None, tty: bool = False) -> tuple[int, str, str]:
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin or ""))
        if tty:
            monkeypatch.setattr("sys.stdout", Tty())
    code = main(argv)
    out, err = capsys.readouterr()
    if tty and monkeypatch is not None:
        import sys

        out = sys.stdout.getvalue()  # type: ignore[attr-defined]
    return code, out, err


def test_r_sec_02_encrypt_reads_stdin_and_prints_sealed(
    data_key: bytes, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(["secret", "encrypt"], capsys, PLAINTEXT + "\n", monkeypatch)
    assert code == 0 and err == ""
    assert_no_plaintext(out)
    assert unseal(out.strip(), data_key).reveal() == PLAINTEXT


def test_decrypt_guard_refuses_pipes_without_force(
    data_key: bytes, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sealed = seal(PLAINTEXT)
    code, out, err = run(["secret", "decrypt", sealed], capsys, None, monkeypatch)
    assert code == 2 and out == "" and "--force" in err
    code, out, _ = run(["secret", "decrypt", "--force"], capsys, sealed + "\n", monkeypatch)
    assert code == 0 and out == PLAINTEXT + "\n"
    code, out, _ = run(["secret", "decrypt", sealed], capsys, None, monkeypatch, tty=True)
    assert code == 0 and out == PLAINTEXT + "\n"
    # Opening a secret is a privileged act and is audited — without the value (R-SEC-07).
    log = default_path().read_text()
    assert '"action":"secret-decrypt"' in log and '"category":"privileged"' in log
    assert_no_plaintext(log)


@pytest.mark.parametrize("setup", ["missing", "wrong", "malformed"])
def test_wrong_or_missing_key_exit_2_one_line_no_output(
    setup: str, no_key: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sealed = seal(PLAINTEXT, bytes(range(16)))
    if setup == "wrong":
        monkeypatch.setenv("MEDCLOUD_SECRET_KEY", "11" * 16)
    elif setup == "malformed":
        monkeypatch.setenv("MEDCLOUD_SECRET_KEY", "xyz")
    cases: list[tuple[list[str], str | None]] = [(["secret", "decrypt", "--force", sealed], None)]
    if setup != "wrong":  # any well-formed key can seal; only opening needs the right one
        cases.append((["secret", "encrypt"], PLAINTEXT))
    for argv, stdin in cases:
        code, out, err = run(argv, capsys, stdin, monkeypatch)
        assert code == 2
        assert out == ""
        assert err.startswith("medcloud: error: ") and err.count("\n") == 1
        assert "Traceback" not in err
        assert_no_plaintext(out, err)


def write_inventory(tmp_path: Path, key: bytes) -> tuple[Path, bytes]:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / ".git").mkdir()
    text = INVENTORY.format(a=seal(PLAINTEXT, key), b=seal(PLAINTEXT + "2", key), c=seal("snmp-key", key))
    path = tree / "sub" / "lab.yaml"
    path.write_bytes(text.encode())
    path.chmod(0o640)
    (tree / "plain.yml").write_text("nothing: sealed\n")
    (tree / ".git" / "ignored.yaml").write_text(f"x: {seal('git', key)}\n")
    return path, text.encode()


def test_r_sec_03_rotate_preserves_everything_but_the_sealed_values(
    data_key: bytes, key_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, before = write_inventory(tmp_path, data_key)
    new_key = bytes.fromhex(key_file.read_text())
    code, out, err = run(["secret", "rotate", str(tmp_path / "tree"), "--to", str(key_file)], capsys)
    assert code == 0, err
    assert "re-sealed 3 secret(s) in 1 file(s)" in out
    after = path.read_bytes()
    old_id, new_id = key_id(data_key), key_id(new_key)
    # Byte for byte, apart from the sealed spans: comments, quotes, CRLF line ends.
    import re

    pattern = re.compile(rb"sm4gcm:v1:[0-9a-f]{16}:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+")
    assert pattern.sub(b"S", after) == pattern.sub(b"S", before)
    assert old_id.encode() not in after and after.count(new_id.encode()) == 3
    assert b"\r\n" in after
    values = [m.decode() for m in pattern.findall(after)]
    assert [unseal(v, new_key).reveal() for v in values] == [PLAINTEXT, PLAINTEXT + "2", "snmp-key"]
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    assert old_id in (tmp_path / "tree" / ".git" / "ignored.yaml").read_text()
    # The key-change log (R-SEC-03) is the audit record.
    record = json.loads(default_path().read_bytes().splitlines()[-1])
    assert record["category"] == "key-change" and record["outcome"] == "ok"
    assert record["detail"]["old_key_id"] == old_id and record["detail"]["new_key_id"] == new_id
    assert record["detail"]["resealed"] == 3
    # Running again is harmless: everything is already on the new key.
    code, out, _ = run(["secret", "rotate", str(tmp_path / "tree"), "--to", str(key_file),
                        "--from", str(key_file)], capsys)
    assert code == 2  # same key both sides is refused
    assert_no_plaintext(out, after, default_path().read_bytes())


def test_rotate_with_a_foreign_secret_changes_nothing(
    data_key: bytes, key_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, before = write_inventory(tmp_path, data_key)
    first = tmp_path / "tree" / "a-first.yaml"
    first.write_text(f"pw: {seal('x', data_key)}\n")
    first_before = first.read_bytes()
    (tmp_path / "tree" / "z-foreign.yaml").write_text(f"pw: {seal('x', bytes(16))}\n")
    code, out, err = run(["secret", "rotate", str(tmp_path / "tree"), "--to", str(key_file)], capsys)
    assert code == 2 and out == ""
    assert "z-foreign.yaml:1: sealed with key" in err
    assert path.read_bytes() == before and first.read_bytes() == first_before
    record = json.loads(default_path().read_bytes().splitlines()[-1])
    assert record["outcome"] == "error"


def test_r_sec_03_rotate_failing_midway_restores_the_files_already_written(
    data_key: bytes, key_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R-SEC-03: a write failure on the second file leaves every file on the old key, exit 2, one line."""
    from medcloud.secrets import rotation

    path, before = write_inventory(tmp_path, data_key)
    first = tmp_path / "tree" / "a-first.yaml"
    first.write_text(f"pw: {seal('x', data_key)}\n")
    first_before = first.read_bytes()
    real_write = rotation.write_atomic

    def full_disk(target: Path, content: str | bytes, **kwargs: bool) -> None:
        if target == path and content != before:
            raise OSError(28, "No space left on device")
        real_write(target, content, **kwargs)

    monkeypatch.setattr(rotation, "write_atomic", full_disk)
    code, out, err = run(["secret", "rotate", str(tmp_path / "tree"), "--to", str(key_file)], capsys)
    assert code == 2 and out == ""
    assert err.strip().endswith("lab.yaml: cannot write: No space left on device; no file was rotated")
    assert first.read_bytes() == first_before and path.read_bytes() == before
    assert_no_plaintext(err)


def test_rotate_dry_run_writes_nothing(
    data_key: bytes, key_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, before = write_inventory(tmp_path, data_key)
    code, out, _ = run(["secret", "rotate", str(path), "--to", str(key_file), "--dry-run"], capsys)
    assert code == 0 and "would re-seal 3" in out
    assert path.read_bytes() == before


def test_keygen_makes_private_files_and_refuses_overwrite(
    data_key: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "k"
    code, out, _ = run(["secret", "keygen", "--out", str(out_file)], capsys)
    assert code == 0 and oct(out_file.stat().st_mode & 0o777) == "0o600"
    assert out_file.read_text().strip() not in out
    code, _, err = run(["secret", "keygen", "--out", str(out_file)], capsys)
    assert code == 2 and "refusing to overwrite" in err
    code, out, _ = run(["secret", "keygen", "--signing", "--out", str(tmp_path / "s.yaml")], capsys)
    assert code == 0 and "public key: 04" in out


def test_report_and_audit_commands(
    data_key: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    signing = tmp_path / "s.yaml"
    run(["secret", "keygen", "--signing", "--out", str(signing)], capsys)
    monkeypatch.setenv("MEDCLOUD_SIGNING_KEY_FILE", str(signing))
    report = tmp_path / "r.json"
    report.write_text(json.dumps({"node": "n1", "bmc_password": seal(PLAINTEXT)}))
    assert run(["report", "sign", str(report)], capsys)[0] == 0
    code, out, _ = run(["report", "verify", str(report), "--trust", str(signing)], capsys)
    assert code == 0 and "VALID" in out
    report.write_text(report.read_text().replace('"n1"', '"n2"'))
    code, out, _ = run(["report", "verify", str(report)], capsys)
    assert code == 1 and "TAMPERED" in out
    code, _, err = run(["report", "verify", str(tmp_path / "none.json")], capsys)
    assert code == 2 and err.count("\n") == 1

    log = default_path()
    code, out, _ = run(["audit", "verify"], capsys)
    assert code == 0 and "intact" in out
    lines = log.read_bytes().splitlines()
    lines[1], lines[2] = lines[2], lines[1]
    log.write_bytes(b"".join(line + b"\n" for line in lines))
    code, out, _ = run(["audit", "verify", str(log)], capsys)
    assert code == 1 and "reordered" in out and "TAMPERED" in out
    code, _, err = run(["audit", "verify", str(tmp_path / "nope.jsonl")], capsys)
    assert code == 2 and "not found" in err
    assert not verify_log(log).intact


def test_no_secret_in_any_file_we_wrote(
    data_key: bytes, key_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scan everything a session leaves behind for the plain text (R-SEC-06)."""
    write_inventory(tmp_path, data_key)
    signing = tmp_path / "s.yaml"
    outputs = [run(["secret", "keygen", "--signing", "--out", str(signing)], capsys)]
    monkeypatch.setenv("MEDCLOUD_SIGNING_KEY_FILE", str(signing))
    outputs.append(run(["secret", "encrypt"], capsys, PLAINTEXT, monkeypatch))
    outputs.append(run(["secret", "rotate", str(tmp_path / "tree"), "--to", str(key_file)], capsys))
    outputs.append(run(["secret", "decrypt", seal(PLAINTEXT)], capsys, None, monkeypatch))
    report = tmp_path / "r.html"
    report.write_text(f"<p>{seal(PLAINTEXT, data_key)}</p>")
    outputs.append(run(["report", "sign", str(report)], capsys))
    # The decrypt went to a pipe without --force: refused (2); everything else succeeded.
    assert [code for code, _, _ in outputs] == [0, 0, 0, 2, 0]
    for _, out, err in outputs:
        assert "Traceback" not in err
        assert_no_plaintext(out, err)
    for path in [*tmp_path.rglob("*"), default_path()]:
        if path.is_file():
            assert_no_plaintext(path.read_bytes())


def test_r_sec_03_status_reports_key_age(
    no_key: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "k"
    assert run(["secret", "status"], capsys)[0] == 2
    run(["secret", "keygen", "--out", str(key)], capsys)
    monkeypatch.setenv("MEDCLOUD_SECRET_KEY_FILE", str(key))
    code, out, _ = run(["secret", "status"], capsys)
    assert code == 0 and "(0 days); rotate within 365 days" in out
    # Age the key-change record by 400 days: the key is now overdue.
    log = default_path()
    lines = log.read_text().splitlines()
    record = json.loads(lines[-1])
    assert record["action"] == "secret-keygen"
    record["time"] = "2020-01-01T00:00:00.000Z"
    log.write_text("\n".join([*lines[:-1], json.dumps(record)]) + "\n")
    code, out, _ = run(["secret", "status"], capsys)
    assert code == 1 and "ROTATION OVERDUE" in out
    log.write_text("")
    code, out, _ = run(["secret", "status"], capsys)
    assert code == 1 and "age is unknown" in out


def _tamper_lines(lines: list[bytes], how: str, at: int) -> None:
    if how == "changed byte":
        lines[at] = lines[at][:-3] + bytes([lines[at][-3] ^ 0x01]) + lines[at][-2:]
    elif how == "deleted line":
        del lines[at]
    elif how == "inserted line":
        lines.insert(at, lines[at - 1])
    else:
        lines[at], lines[at + 1] = lines[at + 1], lines[at]


@pytest.mark.parametrize("how", ["changed byte", "deleted line", "inserted line", "swapped pair"])
def test_r_sec_05_cli_detects_each_tampering(
    how: str, data_key: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    signing = tmp_path / "s.yaml"
    run(["secret", "keygen", "--signing", "--out", str(signing)], capsys)
    monkeypatch.setenv("MEDCLOUD_SIGNING_KEY_FILE", str(signing))
    report = tmp_path / "r.html"
    report.write_text("<html><body>\n<p>n1 pass</p>\n<p>n2 fail</p>\n<p>n3 pass</p>\n</body></html>\n")
    run(["report", "sign", str(report)], capsys)
    for _ in range(3):
        run(["report", "verify", str(report)], capsys)
    assert run(["audit", "verify"], capsys)[0] == 0
    assert run(["report", "verify", str(report)], capsys)[0] == 0

    log = default_path()
    lines = log.read_bytes().splitlines()
    _tamper_lines(lines, how, 2)
    log.write_bytes(b"".join(line + b"\n" for line in lines))
    code, out, _ = run(["audit", "verify"], capsys)
    assert code == 1 and "TAMPERED" in out

    lines = report.read_bytes().splitlines()
    _tamper_lines(lines, how, 2)
    report.write_bytes(b"".join(line + b"\n" for line in lines))
    code, out, _ = run(["report", "verify", str(report)], capsys)
    assert code == 1 and "TAMPERED" in out
