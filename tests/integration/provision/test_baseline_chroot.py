"""The OS baseline applied to a real root, twice (R-HW-04, R-NET-04, R-SEC-05, R-SEC-07).

The root is Debian 12, the base of UOS server, provisioned as the UOS family.
Runtime steps (service reloads) are left out for a chroot; the files,
packages and policy are real and checked with the target's own tools.
"""

from __future__ import annotations

import hashlib
import socket
import ssl
import subprocess
import time
from functools import partial
from pathlib import Path

import pytest

from medcloud.cli import main
from medcloud.model import Region
from medcloud.provision.os.baseline import plan_baseline
from medcloud.provision.runner import Target, run
from medcloud.stacks import load

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
EXPECTED_FIRST_RUN = {
    "package sources (uos)",
    "sysctl: storage, network, 64 GiB hugepages",
    "NVMe: I/O scheduler none",
    "NVMe: native multipath",
    "chrony: 10.64.0.10, 10.64.0.11",
    "auditd: R-SEC-05/R-SEC-07 rules",
    "sshd: hardening",
    "openssl: TLS 1.3 only",
}


@pytest.fixture(scope="module")
def region() -> Region:
    return load("dev", ROOT).region


def _target(region: Region, root: Path) -> Target:
    return Target("gz-kp-01", f"@chroot{root}", partial(plan_baseline, region, "gz-kp-01"), None, runtime=False)


def _chroot(root: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["chroot", str(root), *command], capture_output=True, text=True, timeout=60, check=False)


def test_apply_then_second_run_reports_no_changes(region: Region, target_root: Path) -> None:
    [first] = run([_target(region, target_root)], dry_run=False)
    assert first.error is None
    assert {c.label for c in first.changes} == EXPECTED_FIRST_RUN

    [second] = run([_target(region, target_root)], dry_run=False)
    assert second.error is None
    assert second.changes == []
    assert second.unchanged == len(EXPECTED_FIRST_RUN) + 2  # + packages, sshd include (already first)

    [planned] = run([_target(region, target_root)], dry_run=True)
    assert planned.changes == []


def test_applied_files_are_accepted_by_the_target_tools(region: Region, target_root: Path) -> None:
    [result] = run([_target(region, target_root)], dry_run=False)
    assert result.error is None
    (target_root / "run" / "sshd").mkdir(parents=True, exist_ok=True)
    sshd = _chroot(target_root, "/usr/sbin/sshd", "-T")
    assert sshd.returncode == 0, sshd.stderr
    effective = sshd.stdout.splitlines()
    assert "passwordauthentication no" in effective
    assert "permitrootlogin without-password" in effective  # sshd's spelling of prohibit-password
    chrony = _chroot(target_root, "chronyd", "-p")
    assert chrony.returncode == 0, chrony.stderr
    servers = [line for line in chrony.stdout.splitlines() if line.startswith("server ")]
    assert servers == ["server 10.64.0.10 iburst", "server 10.64.0.11 iburst"]
    rules = (target_root / "etc/audit/rules.d/90-medcloud.rules").read_text()
    assert "-k medcloud-privileged" in rules and "-k medcloud-network" in rules
    sysctl = (target_root / "etc/sysctl.d/90-medcloud.conf").read_text()
    assert "vm.nr_hugepages = " in sysctl


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _handshake(port: int, version: ssl.TLSVersion) -> str | None:
    """The negotiated protocol with the client pinned to ``version``, or None if refused."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = context.maximum_version = version
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, \
                context.wrap_socket(raw) as tls:
            return tls.version()
    except (ssl.SSLError, ConnectionError):
        return None


def _server_versions(root: Path) -> tuple[str | None, str | None]:
    """TLS 1.2 and 1.3 results against an OpenSSL server running inside the root with its system config."""
    made = _chroot(root, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                   "-nodes", "-keyout", "/tmp/k.pem", "-out", "/tmp/c.pem", "-subj", "/CN=medcloud-test", "-days", "1")
    assert made.returncode == 0, made.stderr
    port = _free_port()
    server = subprocess.Popen(
        ["chroot", str(root), "openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", "/tmp/c.pem",
         "-key", "/tmp/k.pem", "-quiet"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("openssl s_server did not start within 10 s")
        return _handshake(port, ssl.TLSVersion.TLSv1_2), _handshake(port, ssl.TLSVersion.TLSv1_3)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_r_net_04_tls13_only_after_the_baseline(region: Region, target_root: Path) -> None:
    before = _server_versions(target_root)
    assert before == ("TLSv1.2", "TLSv1.3")  # Debian's default still speaks TLS 1.2
    [result] = run([_target(region, target_root)], dry_run=False)
    assert result.error is None
    assert _server_versions(target_root) == (None, "TLSv1.3")


def _tree_digest(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted((root / "etc").rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def test_cli_dry_run_lists_changes_and_touches_nothing(target_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _tree_digest(target_root)
    argv = ["provision", str(ROOT / "inventories" / "dev-fabric.yaml"), "--dry-run", "--limit", "gz-kp-01",
            "--via", f"gz-kp-01=@chroot{target_root}"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("gz-kp-01: would change 8, unchanged 2\n")
    assert "  ~ openssl: TLS 1.3 only\n      upload /etc/ssl/openssl.cnf" in out
    assert _tree_digest(target_root) == before


def test_cli_apply_twice(target_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["provision", str(ROOT / "inventories" / "dev-fabric.yaml"), "--limit", "gz-kp-01",
            "--via", f"gz-kp-01=@chroot{target_root}"]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("gz-kp-01: changed 8, unchanged 2\n")
    assert main(argv) == 0
    assert capsys.readouterr().out == "gz-kp-01: changed 0, unchanged 10\n"
