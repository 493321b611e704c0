"""``medcloud provision --dry-run`` over real SSH to an sshd in a network namespace.

Proves the SSH path end to end: the sealed private key from the inventory is
opened only for the run (and its temporary file removed after), the host key
is checked strictly against a known_hosts file, pyinfra gathers facts over the
session — and a dry run changes nothing.  The sshd serves this machine's own
filesystem (a namespace separates the network only), which is why this test
is a dry run: applying belongs to the chroot test.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from medcloud.cli import main
from medcloud.secrets import new_key_hex, seal
from medcloud.secrets.keys import parse_key

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
#: One /30 per test run, outside the hardware lab's 10.213.0.0/16.
NET = f"10.215.{os.getpid() % 250}"
NS = f"mcprov{os.getpid()}"
START_TIMEOUT_S = 10.0
#: Files the dry run would write if it were not a dry run; none may appear or change.
WATCHED = ("/etc/sysctl.d/90-medcloud.conf", "/etc/audit/rules.d/90-medcloud.rules",
           "/etc/ssh/sshd_config.d/90-medcloud.conf", "/etc/ssl/openssl.cnf", "/etc/chrony/chrony.conf",
           "/etc/apt/sources.list.d/medcloud-uos.list")


def _run(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True, timeout=15)


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "ssh-keygen", "/usr/sbin/sshd"):
        if shutil.which(tool) is None:
            return f"{tool} not installed (openssh-server, iproute2)"
    return None


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """An sshd on ``NET.2:22`` inside a fresh namespace: (address, client key, known_hosts)."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    host_key, client_key = tmp_path / "host_ed25519", tmp_path / "client_ed25519"
    for key in (host_key, client_key):
        _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key))
    (tmp_path / "authorized_keys").write_text((tmp_path / "client_ed25519.pub").read_text())
    address = f"{NET}.2"
    config = tmp_path / "sshd_config"
    config.write_text(
        f"ListenAddress {address}\nHostKey {host_key}\nAuthorizedKeysFile {tmp_path}/authorized_keys\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\nStrictModes no\nUsePAM no\n"
        f"PidFile {tmp_path}/sshd.pid\n"
    )
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(f"{address} {(tmp_path / 'host_ed25519.pub').read_text().split(' ')[0]} "
                           f"{(tmp_path / 'host_ed25519.pub').read_text().split(' ')[1]}\n")
    Path("/run/sshd").mkdir(exist_ok=True)
    _run("ip", "netns", "add", NS)
    server = None
    try:
        _run("ip", "link", "add", f"{NS}h", "type", "veth", "peer", "name", f"{NS}n")
        _run("ip", "link", "set", f"{NS}n", "netns", NS)
        _run("ip", "addr", "add", f"{NET}.1/30", "dev", f"{NS}h")
        _run("ip", "link", "set", f"{NS}h", "up")
        _run("ip", "-n", NS, "addr", "add", f"{address}/30", "dev", f"{NS}n")
        _run("ip", "-n", NS, "link", "set", f"{NS}n", "up")
        _run("ip", "-n", NS, "link", "set", "lo", "up")
        server = subprocess.Popen(["ip", "netns", "exec", NS, "/usr/sbin/sshd", "-D", "-e", "-f", str(config)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            probe = subprocess.run(["ip", "netns", "exec", NS, "ss", "-Hltn", "sport = :22"],
                                   capture_output=True, text=True, timeout=5, check=False)
            if probe.stdout.strip():
                break
            if server.poll() is not None:
                pytest.fail(f"sshd exited: {server.stderr.read().decode() if server.stderr else ''}")
            time.sleep(0.1)
        else:
            pytest.fail(f"sshd did not listen within {START_TIMEOUT_S:g} s")
        yield address, client_key, known_hosts
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
            if server.stderr is not None:
                server.stderr.close()
        subprocess.run(["ip", "link", "del", f"{NS}h"], capture_output=True, timeout=15, check=False)
        subprocess.run(["ip", "netns", "del", NS], capture_output=True, timeout=15, check=False)


def _digest(paths: tuple[str, ...]) -> dict[str, str | None]:
    return {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() if Path(p).is_file() else None for p in paths}


def test_dry_run_over_ssh_with_sealed_key(sshd: tuple[str, Path, Path], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    address, client_key, known_hosts = sshd
    key_hex = new_key_hex()
    monkeypatch.setenv("MEDCLOUD_SECRET_KEY", key_hex)
    sealed = seal(client_key.read_text(), parse_key(key_hex, "test"))
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(f"""credentials:
  root-key: {{kind: ssh, username: root, private_key: "{sealed}"}}
  bmc: {{kind: ipmi, username: admin, password: "{seal('unused', parse_key(key_hex, 'test'))}"}}
servers:
  - name: gz-kp-01
    profile: kunpeng-920-compute
    location: {{centre: gz-prod, room: dc1, rack: a01}}
    ssh: {{address: {address}, credential: root-key}}
    bmc: {{address: 127.0.0.1, credential: bmc}}
""")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    before = _digest(WATCHED)
    argv = ["provision", str(inventory), "--stack", "dev", "--dry-run", "--os", "uos",
            "--known-hosts", str(known_hosts), "--format", "json"]
    assert main(argv) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    [host] = json.loads(out)["hosts"]
    assert host["host"] == "gz-kp-01" and host["error"] is None
    planned = {c["step"] for c in host["changes"]}
    assert "auditd: R-SEC-05/R-SEC-07 rules" in planned
    assert _digest(WATCHED) == before
    # The unsealed key lived in a private directory for the run only.
    assert not list(tmp_path.glob("medcloud-ssh-*"))
    assert "BEGIN OPENSSH PRIVATE KEY" not in out


def test_unknown_host_key_is_refused(sshd: tuple[str, Path, Path], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    address, client_key, _ = sshd
    key_hex = new_key_hex()
    monkeypatch.setenv("MEDCLOUD_SECRET_KEY", key_hex)
    key = parse_key(key_hex, "test")
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(f"""credentials:
  root-key: {{kind: ssh, username: root, private_key: "{seal(client_key.read_text(), key)}"}}
  bmc: {{kind: ipmi, username: admin, password: "{seal('unused', key)}"}}
servers:
  - name: gz-kp-01
    profile: kunpeng-920-compute
    location: {{centre: gz-prod, room: dc1, rack: a01}}
    ssh: {{address: {address}, credential: root-key}}
    bmc: {{address: 127.0.0.1, credential: bmc}}
""")
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    argv = ["provision", str(inventory), "--stack", "dev", "--dry-run", "--os", "uos", "--known-hosts", str(empty)]
    assert main(argv) == 1
    assert f"gz-kp-01: error: unreachable ({address})" in capsys.readouterr().out
