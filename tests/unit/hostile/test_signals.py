"""Ctrl-C and SIGTERM at random moments of each long command (issue 16, R-SEC-05).

Every command runs as the installed ``medcloud`` console script.  The signal is sent a
random delay after the signal policy is in force (the process catches SIGTERM), once or
twice.  Whatever the moment: the exit code is one of 0/1/2/3/130/143 (130/143 whenever
the command was still running), stderr has no traceback, no temporary file is left,
no secret appears anywhere, an interrupted ``verify`` still writes its partial report
(even after a second signal) and the audit record says ``interrupted``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcloud.secrets import new_key_hex, seal

from .conftest import TRACEBACK

ROOT = Path(__file__).resolve().parents[3]
MEDCLOUD = Path(sys.executable).with_name("medcloud")
EXIT_CODES = {0, 1, 2, 3, 130, 143}
PASSWORDS = ("Bmc-Pl41n-pass", "Ssh-Pl41n-pass", "Snmp-auth-Pl41n", "Snmp-priv-Pl41n")
#: Examples per command: each starts a process (~1–3 s), so few; the delays still spread.
SIGNAL_EXAMPLES = int(os.environ.get("MEDCLOUD_SIGNAL_EXAMPLES", "5"))


def _catches_sigterm(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(int(line.split()[1], 16) for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(caught & (1 << (signal.SIGTERM - 1)))


@pytest.fixture(scope="module")
def silent_peer() -> Iterator[int]:
    """A TCP port on 127.0.0.1 that accepts connections and never says a word (a hung SSH server)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield server.getsockname()[1]


def _verify_files(tmp: Path, port: int) -> tuple[list[str], dict[str, str]]:
    key = new_key_hex()
    raw = bytes.fromhex(key)
    inventory = tmp / "site.yaml"
    bmc, ssh, auth, priv = (seal(p, raw) for p in PASSWORDS)
    inventory.write_text(f"""\
credentials:
  bmc: {{kind: ipmi, username: admin, password: "{bmc}"}}
  ssh: {{kind: ssh, username: accept, password: "{ssh}"}}
  snmp: {{kind: snmpv3, username: medcloud, auth_key: "{auth}", priv_key: "{priv}"}}
servers:
""" + "".join(f"""\
  - name: kp-node-{i:02d}
    profile: kunpeng-920-compute
    location: {{centre: prod, room: r1, rack: a1, unit: {i}}}
    ssh: {{address: 127.0.0.1, port: {port}, credential: ssh}}
    bmc: {{address: 127.0.9.{i}, credential: bmc}}
""" for i in range(1, 9)) + """\
switches:
  - name: leaf-01
    profile: h3c-comware
    vendor: h3c
    model: S6850
    location: {centre: prod, room: r1, rack: a2, unit: 40}
    management: {address: 127.0.9.200, credential: snmp}
""")
    return (["verify", str(inventory), "--out", str(tmp / "out"), "--timeout", "6", "--format", "json"],
            {"MEDCLOUD_SECRET_KEY": key})


def _command(name: str, tmp: Path, port: int) -> tuple[list[str], dict[str, str]]:
    if name == "verify":
        return _verify_files(tmp, port)
    return {
        "validate": (["validate", "ref002"], {}),
        "preview": (["preview", "dev", "--format", "json", "--out", str(tmp / "out" / "dev.json")], {}),
        "review": (["review", str(ROOT / "tests/fixtures/review/offline_base.json"),
                    str(ROOT / "tests/fixtures/review/offline_head.json"), "--format", "markdown",
                    "--output", str(tmp / "out" / "review.md")], {}),
        "secret-scan": (["secret", "scan", str(ROOT / "stacks"), str(ROOT / "inventories")], {}),
    }[name]


def _run_and_signal(argv: list[str], env: dict[str, str], delay: float, signum: int, twice: bool,
                    cwd: Path) -> tuple[int, str, str, bool]:
    process = subprocess.Popen([str(MEDCLOUD), *argv], cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not _catches_sigterm(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(delay)
    sent = process.poll() is None
    if sent:
        process.send_signal(signum)
        if twice:
            time.sleep(0.05)
            if process.poll() is None:
                process.send_signal(signum)
    try:
        out, err = process.communicate(timeout=45)  # GRACE_SECONDS is 20: a hang fails here
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"medcloud {argv[0]} hung after the signal: {err[-2000:]}")
    return process.returncode, out, err, sent


@pytest.mark.parametrize("command", ["validate", "preview", "review", "secret-scan", "verify"])
@settings(max_examples=SIGNAL_EXAMPLES)
@given(delay=st.floats(min_value=0.0, max_value=2.5), signum=st.sampled_from([signal.SIGINT, signal.SIGTERM]),
       twice=st.booleans())
def test_a_signal_at_any_moment_ends_the_command_cleanly(
    tmp_path_factory: pytest.TempPathFactory, silent_peer: int, command: str, delay: float, signum: int,
    twice: bool,
) -> None:
    tmp = tmp_path_factory.mktemp(command)
    argv, extra = _command(command, tmp, silent_peer)
    log = tmp / "audit.jsonl"
    env = {**os.environ, "MEDCLOUD_AUDIT_LOG": str(log), "MEDCLOUD_HOME": str(ROOT), **extra}
    env.pop("MEDCLOUD_SIGNING_KEY_FILE", None)
    code, out, err, sent = _run_and_signal(argv, env, delay, signum, twice, tmp)

    assert code in EXIT_CODES, (code, err[-2000:])
    assert not TRACEBACK.search(err), err[-2000:]
    if sent and code not in (0, 1, 2):
        assert code == 128 + signum, err
    out_dir = tmp / "out"
    leftovers = [p.name for p in out_dir.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"] \
        if out_dir.exists() else []
    assert leftovers == []
    texts = [out, err] + [p.read_text(errors="replace") for p in tmp.rglob("*") if p.is_file()]
    assert not any(secret in text for secret in PASSWORDS for text in texts)
    if code in (130, 143) and log.exists():
        records = [json.loads(line) for line in log.read_text().splitlines()]
        assert records[-1]["outcome"] == "interrupted" and records[-1]["exit_code"] == code
    if command == "verify" and code in (130, 143) and "partial report written" in err:
        reports = sorted(out_dir.glob("site-*-incomplete.*"))
        assert [p.suffix for p in reports] == [".html", ".json"], err
        assert json.loads(reports[1].read_text())["complete"] is False
    if command == "preview" and code in (130, 143) and (tmp / "out" / "dev.json").exists():
        # Only when the signal came after the atomic rename (the command was finishing): whole.
        assert json.loads((tmp / "out" / "dev.json").read_text())["steps"]
