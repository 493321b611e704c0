"""Spec profiles and inventories: loading, validation errors with file:line:field, no plain secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from medcloud.hardware.inventory import load_inventory
from medcloud.hardware.specs import load_catalogue, version_key
from medcloud.hardware.specs.server import ServerProfile

from medcloud.errors import SourceError

from .conftest import inventory_yaml


def test_shipped_profiles_load() -> None:
    catalogue = load_catalogue()
    assert {"kunpeng-920-compute", "phytium-s2500-compute", "hygon-c86-compute",
            "loongson-3c5000-compute", "huawei-campus", "h3c-comware", "ruijie-rgos"} <= catalogue.names()
    kunpeng = catalogue["kunpeng-920-compute"]
    assert isinstance(kunpeng, ServerProfile)
    assert kunpeng.cpu.architecture == "aarch64"


def test_profile_below_r_hw_02_core_floor_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "weak.yaml").write_text(
        "kind: server\nname: weak\ncpu: {family: hygon, model_pattern: Hygon, min_physical_cores: 16}\n"
        "memory: {min_gib: 64}\nnvme: {min_count: 1, min_capacity_gb: 960, vendors: [dera]}\n"
        "nics: {min_ports: 2}\nbmc: {min_firmware: '1.0'}\nos: {ids: [kylin]}\n")
    with pytest.raises(SourceError, match=r"weak\.yaml:3:\d+: cpu\.min_physical_cores: R-HW-02 requires at least 32"):
        load_catalogue([tmp_path])


def test_profile_with_foreign_os_is_rejected_r_hw_04(tmp_path: Path) -> None:
    (tmp_path / "foreign.yaml").write_text(
        "kind: server\nname: foreign\ncpu: {family: kunpeng, model_pattern: Kunpeng}\n"
        "memory: {min_gib: 64}\nnvme: {min_count: 1, min_capacity_gb: 960, vendors: [huawei]}\n"
        "nics: {min_ports: 2}\nbmc: {min_firmware: '1.0'}\nos: {ids: [ubuntu]}\n")
    with pytest.raises(SourceError, match="R-HW-04: not a domestic server OS: ubuntu"):
        load_catalogue([tmp_path])


def test_switch_profile_with_foreign_vendor_is_rejected_r_hw_06(tmp_path: Path) -> None:
    (tmp_path / "cisco.yaml").write_text(
        "kind: switch\nname: cisco\nenterprises: [9]\nversion_pattern: 'Version (\\S+)'\nmin_os_version: '15'\n")
    with pytest.raises(SourceError, match=r"cisco\.yaml:3:\d+: enterprises: R-HW-06"):
        load_catalogue([tmp_path])


def test_version_ordering_across_vendor_spellings() -> None:
    assert version_key("V200R019C10SPC500") > version_key("V200R007C00SPC500")
    assert version_key("7.1.075") > version_key("7.1.045")


def test_inventory_loads_and_resolves_ports(tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(inventory_yaml(secret_key))
    catalogue = load_catalogue([profiles_dir])
    inventory = load_inventory(path, catalogue.names())
    server = inventory.servers[0]
    assert inventory.port(server.bmc, "bmc") == 623
    assert inventory.port(inventory.switches[0].management, "management") == 161
    assert [v.id for v in inventory.switches[0].vlans] == [1, 2]


def test_plain_password_is_rejected_and_never_echoed(tmp_path: Path, secret_key: str) -> None:
    """R-SEC-03, R-SEC-06: credentials are stored sealed only, and a plain one is never echoed back."""
    text = inventory_yaml(secret_key)
    start = text.index('password: "sm4gcm')
    end = text.index('"', start + len('password: "'))
    text = text[:start] + 'password: "hunter2-plain"' + text[end + 1:]
    path = tmp_path / "inv.yaml"
    path.write_text(text)
    with pytest.raises(SourceError) as caught:
        load_inventory(path)
    message = str(caught.value)
    assert "inv.yaml:2:" in message
    assert "credentials.bmc-admin.password" in message
    assert "hunter2" not in message


def test_unknown_credential_reference_names_the_field(tmp_path: Path, secret_key: str) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(inventory_yaml(secret_key).replace("credential: bmc-admin", "credential: nobody"))
    with pytest.raises(SourceError, match=r"inv\.yaml:\d+:\d+: servers\[0\]\(ph-node-01\)\.bmc\.credential: "
                                          r"no credential named 'nobody'"):
        load_inventory(path)


def test_misspelt_credential_reference_gets_a_suggestion(tmp_path: Path, secret_key: str) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(inventory_yaml(secret_key).replace("credential: bmc-admin", "credential: bmc-admn"))
    with pytest.raises(SourceError, match=r"no credential named 'bmc-admn'; did you mean 'bmc-admin'\?"):
        load_inventory(path)


def test_credential_of_the_wrong_kind(tmp_path: Path, secret_key: str) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(inventory_yaml(secret_key).replace("credential: bmc-admin", "credential: ssh-accept"))
    with pytest.raises(SourceError, match="credential 'ssh-accept' is ssh, bmc needs ipmi"):
        load_inventory(path)


def test_unknown_profile(tmp_path: Path, secret_key: str) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(inventory_yaml(secret_key))
    with pytest.raises(SourceError, match=r"servers\[0\]\(ph-node-01\)\.profile: unknown profile 'test-phytium'"):
        load_inventory(path, load_catalogue().names())


def test_cable_to_unknown_device(tmp_path: Path, secret_key: str) -> None:
    cabling = "    cabling:\n      - {port: GigabitEthernet1/0/24, remote_device: ghost, remote_port: eth0}\n"
    path = tmp_path / "inv.yaml"
    path.write_text(inventory_yaml(secret_key, cabling=cabling))
    with pytest.raises(SourceError, match=r"cabling\[0\]\.remote_device: no device named 'ghost'"):
        load_inventory(path)


def test_duplicate_device_name(tmp_path: Path, secret_key: str) -> None:
    extra = ("  - name: ph-node-01\n    profile: test-phytium\n"
             "    location: {centre: prod-hz, room: r101, rack: a01}\n"
             "    ssh: {address: 127.0.0.12, credential: ssh-accept}\n"
             "    bmc: {address: 127.0.1.12, credential: bmc-admin}\n")
    path = tmp_path / "inv.yaml"
    path.write_text(inventory_yaml(secret_key, extra_server=extra))
    with pytest.raises(SourceError, match=r"servers\[1\]\(ph-node-01\)\.name: device name 'ph-node-01' is used twice"):
        load_inventory(path)


def test_nvme_vendor_table_matches_pci_ids() -> None:
    """R-HW-02: every PCI vendor ID medcloud names is the company the PCI ID repository names.

    pci.ids comes from the Debian package ``pci.ids`` (scripts/bootstrap installs it).
    """
    from medcloud.hardware.specs.nvme import PCI_VENDORS

    pci_ids = Path("/usr/share/misc/pci.ids")
    assert pci_ids.is_file(), "install the Debian package pci.ids (scripts/bootstrap does)"
    vendors = {}
    for line in pci_ids.read_text("utf-8", errors="replace").splitlines():
        if line[:4].strip() and len(line) > 6 and line[4:6] == "  " and all(c in "0123456789abcdef" for c in line[:4]):
            vendors[int(line[:4], 16)] = line[6:].strip()
    wrong = {f"0x{vid:04x}": (name, vendors.get(vid)) for vid, (_, name) in PCI_VENDORS.items()
             if vendors.get(vid) != name}
    assert not wrong, f"PCI vendor names differ from pci.ids: {wrong}"
