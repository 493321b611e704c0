"""Lab SSH targets: shims answer the recorded commands, links never overlap."""

from __future__ import annotations

import ipaddress
import json
import subprocess
from pathlib import Path

import pytest
from medcloud.hardware.lab import host as hostlab
from medcloud.hardware.lab.catalogue import MODELS


def _run(shim: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(shim), *args], capture_output=True, text=True, timeout=10, check=False)


@pytest.mark.parametrize("key", sorted(MODELS))
def test_every_model_has_a_complete_host_recording(key: str) -> None:
    """Each recording answers what the fact commands run (lscpu -J, nvme, ip, dmidecode, os-release)."""
    base = hostlab.HOSTS_DATA / MODELS[key].host_recording
    assert (base / "files" / "etc" / "os-release").read_text().count("ID=") >= 1
    assert list((base / "files" / "sys" / "class" / "net").glob("*/speed"))
    lscpu = json.loads((base / "out" / "lscpu-J.json").read_text())
    assert lscpu["lscpu"][0]["field"] == "Architecture:"


def test_shims_print_the_recording_and_refuse_the_unknown(tmp_path: Path) -> None:
    recording = MODELS["taishan-2280"].host_recording
    hostlab.write_shims(recording, tmp_path)
    lscpu = _run(tmp_path / "lscpu", "-J")
    assert lscpu.returncode == 0
    assert lscpu.stdout == (hostlab.HOSTS_DATA / recording / "out" / "lscpu-J.json").read_text()
    other = _run(tmp_path / "lscpu", "--extended")
    assert other.returncode == 1 and "no recording" in other.stderr
    nvme = _run(tmp_path / "nvme", "id-ctrl", "-o", "json", "/dev/nvme1")
    assert json.loads(nvme.stdout)["vid"] == 0x19E5


def test_free_links_skip_taken_ones() -> None:
    taken = {ipaddress.IPv4Network("10.213.0.0/30"), ipaddress.IPv4Network("10.213.0.8/30")}
    links = hostlab.free_links(3, taken)
    assert [str(n) for n in links] == ["10.213.0.4/30", "10.213.0.12/30", "10.213.0.16/30"]
    assert not set(links) & taken


def test_keypair_is_openssh_ed25519() -> None:
    private, public = hostlab.openssh_keypair()
    assert private.startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert public.startswith("ssh-ed25519 ")


def test_sshd_runs_in_the_namespace_with_the_recorded_view(tmp_path: Path) -> None:
    instance = hostlab.HostInstance("kp", MODELS["taishan-2280"].host_recording, "mclab-x-0", "mclx0h",
                                    ipaddress.IPv4Network("10.213.0.0/30"), tmp_path)
    argv = instance.command()
    assert argv[:4] == ["ip", "netns", "exec", "mclab-x-0"]
    script = argv[-1]
    assert "/usr/local/sbin" in script and "/etc/os-release" in script and "/sys/class" in script
    assert instance.address == "10.213.0.2" and instance.host_address == "10.213.0.1"
    known = instance.prepare("ssh-ed25519 AAAA test")
    assert known.startswith("10.213.0.2 ssh-ed25519 ")
    assert (tmp_path / "ssh_host_ed25519_key").stat().st_mode & 0o077 == 0
    config = (tmp_path / "sshd_config").read_text()
    assert "PasswordAuthentication no" in config and "ListenAddress 10.213.0.2:22" in config
