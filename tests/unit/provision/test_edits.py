"""Edits of distribution files: TLS floor in openssl.cnf (R-NET-04), sshd drop-ins first."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from medcloud.provision.os.edits import BEGIN, openssl_tls_floor, section_names, sshd_include_first

from .conftest import FIXTURES

OPENSSL = (FIXTURES / "os" / "debian12-openssl.cnf").read_text()
SSHD = (FIXTURES / "os" / "debian12-sshd_config").read_text()


def test_tls_floor_hooks_into_openssl_init_and_is_idempotent() -> None:
    once = openssl_tls_floor(OPENSSL, tls13_only=True)
    assert openssl_tls_floor(once, tls13_only=True) == once
    lines = once.splitlines()
    init = lines.index("[openssl_init]")
    assert lines[init + 1] == "ssl_conf = medcloud_ssl_sect  # medcloud"
    assert "MinProtocol = TLSv1.3" in lines
    assert section_names(once)[-2:] == ["medcloud_ssl_sect", "medcloud_system_default_sect"]


def test_tls_floor_removal_restores_the_distribution_file() -> None:
    assert openssl_tls_floor(OPENSSL, tls13_only=False) == OPENSSL
    with_floor = openssl_tls_floor(OPENSSL, tls13_only=True)
    restored = openssl_tls_floor(with_floor, tls13_only=False)
    assert BEGIN not in restored
    assert "medcloud" not in restored
    assert restored.rstrip("\n") == OPENSSL.rstrip("\n")


def test_tls_floor_is_valid_openssl_config(tmp_path: Path) -> None:
    # The host's OpenSSL parses the edited file: a broken config would break every TLS client.
    path = tmp_path / "openssl.cnf"
    path.write_text(openssl_tls_floor(OPENSSL, tls13_only=True))
    openssl = subprocess.run(["openssl", "version"], capture_output=True, check=False, timeout=10)
    if openssl.returncode != 0:
        pytest.skip("openssl binary not available")
    done = subprocess.run(["openssl", "ciphers", "-s", "-tls1_3"], capture_output=True, text=True,
                          env={"OPENSSL_CONF": str(path), "PATH": "/usr/bin:/bin"}, check=False, timeout=10)
    assert done.returncode == 0, done.stderr
    assert "TLS_AES_256_GCM_SHA384" in done.stdout


def test_sshd_include_already_first_is_left_alone() -> None:
    assert sshd_include_first(SSHD) == SSHD


def test_sshd_include_is_moved_in_front() -> None:
    rpm_style = "Port 22\nPasswordAuthentication yes\nInclude /etc/ssh/sshd_config.d/*.conf\n"
    edited = sshd_include_first(rpm_style)
    assert edited.splitlines() == ["Include /etc/ssh/sshd_config.d/*.conf", "Port 22", "PasswordAuthentication yes"]
    assert sshd_include_first(edited) == edited
