"""``medcloud provision --dry-run`` over real SSH to a lab server (sshd in a network namespace).

The lab's SSH target (:mod:`medcloud.hardware.lab.host`) serves the recorded
TaiShan 2280 / Kunpeng 920 openEuler host: its ``/etc/os-release`` is the
recording, so the dry run must detect the openEuler family by itself.  Proves
the SSH path end to end: the sealed private key from the inventory is opened
only for the run (its temporary file removed after), the host key is checked
strictly against a known_hosts file, pyinfra gathers facts over the session —
and nothing changes.  The namespace separates the network only, so this test
never applies: applying is the chroot test's job.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from medcloud.hardware.lab import host as lab
from medcloud.hardware.lab.runner import machine_lock

from medcloud.cli import main
from medcloud.secrets import new_key_hex, seal
from medcloud.secrets.keys import parse_key

pytestmark = pytest.mark.integration

RECORDING = "taishan-2280-kunpeng920"
START_TIMEOUT_S = 10.0
#: Files the dry run would write if it were not a dry run; none may appear or change.
WATCHED = ("/etc/sysctl.d/90-medcloud.conf", "/etc/audit/rules.d/90-medcloud.rules",
           "/etc/ssh/sshd_config.d/90-medcloud.conf", "/etc/ssl/openssl.cnf", "/etc/chrony.conf",
           "/etc/yum.repos.d/medcloud-openeuler.repo")


@dataclass(frozen=True)
class SshServer:
    address: str
    private_key: str
    known_hosts: Path


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SshServer]:
    reason = lab.missing_requirements()
    if reason:
        pytest.skip(reason)
    tag = f"mcp{os.getpid() % 100000}"
    with machine_lock():
        [link] = lab.free_links(1, lab.used_links())
        target = lab.HostInstance("gz-kp-01", RECORDING, f"{tag}ns", f"{tag}h", link, tmp_path / "sshd")
        private, public = lab.openssh_keypair()
        known_hosts = tmp_path / "known_hosts"
        known_hosts.write_text(target.prepare(public) + "\n")
        target.plumb()
    process = None
    try:
        process = subprocess.Popen(target.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            listening = subprocess.run(["ip", "netns", "exec", target.netns, "ss", "-Hltn", "sport = :22"],
                                       capture_output=True, text=True, timeout=5, check=False)
            if listening.stdout.strip():
                break
            if process.poll() is not None:
                pytest.fail(f"sshd exited with {process.returncode}")
            time.sleep(0.1)
        else:
            pytest.fail(f"sshd did not listen within {START_TIMEOUT_S:g} s")
        yield SshServer(target.address, private, known_hosts)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        target.unplumb()


def _inventory(tmp_path: Path, address: str, private_key: str, key: bytes) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(f"""credentials:
  root-key: {{kind: ssh, username: root, private_key: "{seal(private_key, key)}"}}
  bmc: {{kind: ipmi, username: admin, password: "{seal('unused', key)}"}}
servers:
  - name: gz-kp-01
    profile: kunpeng-920-compute
    location: {{centre: gz-prod, room: dc1, rack: a01}}
    ssh: {{address: {address}, credential: root-key}}
    bmc: {{address: 127.0.0.1, credential: bmc}}
""")
    return path


def _digest(paths: tuple[str, ...]) -> dict[str, str | None]:
    return {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() if Path(p).is_file() else None for p in paths}


@pytest.fixture
def secret_key(monkeypatch: pytest.MonkeyPatch) -> bytes:
    key_hex = new_key_hex()
    monkeypatch.setenv("MEDCLOUD_SECRET_KEY", key_hex)
    return parse_key(key_hex, "test")


def test_dry_run_over_ssh_detects_openeuler_and_changes_nothing(
    server: SshServer, secret_key: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    inventory = _inventory(tmp_path, server.address, server.private_key, secret_key)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    before = _digest(WATCHED)
    argv = ["provision", str(inventory), "--stack", "dev", "--dry-run", "--known-hosts", str(server.known_hosts),
            "--format", "json"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    [host] = json.loads(out)["hosts"]
    assert host["host"] == "gz-kp-01" and host["error"] is None
    planned = {c["step"]: c["commands"] for c in host["changes"]}
    assert "package sources (openeuler)" in planned  # family read from the recorded os-release
    assert "crypto policy: TLS 1.3 only" in planned
    assert _digest(WATCHED) == before
    # The unsealed key lived in a private directory for the run only, and never reached the output.
    assert not list(tmp_path.glob("medcloud-ssh-*"))
    assert "PRIVATE KEY" not in out


def test_unknown_host_key_is_refused(server: SshServer, secret_key: bytes, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    inventory = _inventory(tmp_path, server.address, server.private_key, secret_key)
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    argv = ["provision", str(inventory), "--stack", "dev", "--dry-run", "--known-hosts", str(empty)]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert f"gz-kp-01: error: unreachable ({server.address})" in out
    assert "No host key" in out
