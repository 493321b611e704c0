"""Shared helpers for hardware unit tests: fixture paths and a throwaway secret key."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hardware"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def secret_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SM4 key in MEDCLOUD_SECRET_KEY, as the CLI reads it."""
    from medcloud.secrets import new_key_hex

    key = new_key_hex()
    monkeypatch.setenv("MEDCLOUD_SECRET_KEY", key)
    return key


def inventory_yaml(key: str, *, password: str = "s3cret-bmc", extra_server: str = "", cabling: str = "") -> str:
    """An inventory with one server and one switch whose secrets are sealed under ``key``."""
    from medcloud.secrets import seal

    raw = bytes.fromhex(key)
    return f"""\
credentials:
  bmc-admin: {{kind: ipmi, username: admin, password: "{seal(password, raw)}"}}
  ssh-accept: {{kind: ssh, username: accept, password: "{seal('ssh-pass-42', raw)}"}}
  snmp-ro:
    kind: snmpv3
    username: medcloud
    auth_key: "{seal('auth-key-123', raw)}"
    priv_key: "{seal('priv-key-456', raw)}"
servers:
  - name: ph-node-01
    profile: test-phytium
    location: {{centre: prod-hz, room: r101, rack: a01, unit: 10}}
    ssh: {{address: 127.0.0.11, credential: ssh-accept}}
    bmc: {{address: 127.0.1.11, credential: bmc-admin}}
{extra_server}switches:
  - name: leaf-01
    profile: test-h3c
    vendor: h3c
    model: E528
    location: {{centre: prod-hz, room: r101, rack: a02, unit: 42}}
    management: {{address: 127.0.2.1, credential: snmp-ro}}
{cabling}    vlans: [{{id: 1, name: default}}, {{id: 2}}]
"""


TEST_PROFILES = {
    # Relaxed to what the public captures show, so a run over them can pass;
    # the shipped profiles keep the delivery figures.
    "test-phytium.yaml": """\
kind: server
name: test-phytium
cpu: {family: phytium, model_pattern: "Phytium", min_physical_cores: 64, sockets: 1}
memory: {min_gib: 4}
nvme: {min_count: 1, min_capacity_gb: 1600, vendors: [micron, memblaze], min_pcie_width: 4}
nics: {min_ports: 1, min_speed_gbps: 25}
bmc: {min_firmware: "3.2.0"}
os: {ids: [kylin, openEuler]}
""",
    "test-h3c.yaml": """\
kind: switch
name: test-h3c
enterprises: [25506]
model_pattern: "H3C"
version_pattern: "Version (\\\\d+\\\\.\\\\d+)"
min_os_version: "5.20"
ports: [{count: 24, speed_gbps: 1}]
min_psus: 0
min_fans: 0
""",
}


@pytest.fixture
def profiles_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "profiles"
    directory.mkdir()
    for name, text in TEST_PROFILES.items():
        (directory / name).write_text(text)
    return directory
