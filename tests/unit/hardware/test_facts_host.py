"""DMI, NVMe, NIC and os-release parsers over real captures (R-HW-02…04)."""

from __future__ import annotations

from pathlib import Path

import pytest
from medcloud.hardware.facts import dmi, nic, nvme, os_release
from medcloud.hardware.facts.base import ParseError
from medcloud.hardware.transports.base import CommandResult


def test_dmidecode_single_bit_ecc_and_size(fixtures: Path) -> None:
    facts = dmi.parse_dmidecode((fixtures / "dmi/dasharo-glk-memory.txt").read_text())
    assert facts.error_correction == ("Single-bit ECC",)
    assert facts.ecc
    assert (facts.total_memory_gib, facts.modules) == (4.0, 1)


def test_dmidecode_without_ecc_and_with_a_psu_record(fixtures: Path) -> None:
    facts = dmi.parse_dmidecode((fixtures / "dmi/desktop-psu-no-ecc.txt").read_text())
    assert not facts.ecc
    assert [(p.present, p.ok) for p in facts.power_supplies] == [(True, True)]


def test_dmidecode_failure_names_the_reason() -> None:
    result = CommandResult("", "/sys/firmware/dmi/tables/smbios_entry_point: Permission denied", 1)
    with pytest.raises(ParseError, match="Permission denied"):
        dmi.FACT.parse({"dmidecode": result})


def test_nvme_id_ctrl_text_maps_vid_to_vendor(fixtures: Path) -> None:
    [ctrl] = nvme.parse_id_ctrl((fixtures / "nvme/micron-9200-id-ctrl.txt").read_text())
    assert ctrl.vendor_id == 0x1344
    assert ctrl.vendor == "micron"
    assert ctrl.capacity_bytes == 1600321314816
    assert ctrl.model == "Micron_9200_MTFDHAL1T6TCU"


def test_nvme_id_ctrl_json_vid_is_decimal() -> None:
    # nvme-cli's JSON prints vid as a decimal number; 7263 == 0x1c5f (Memblaze).
    two = '{"vid":7263,"sn":"A","mn":"M","fr":"F","tnvmcap":3840755982336}\n{"vid":6629,"sn":"B","mn":"N","fr":"G"}'
    first, second = nvme.parse_id_ctrl(two)
    assert (first.vendor, second.vendor) == ("memblaze", "huawei")


def test_nvme_list_json_negative_size_bug(fixtures: Path) -> None:
    [ns] = nvme.parse_list_json((fixtures / "nvme/intel-p4510-list.json").read_text())
    assert ns.path == "/dev/nvme0n1"
    assert ns.size_bytes == 0  # nvme-cli 2.4 printed -2147483648; id-ctrl's tnvmcap is used instead


def test_nvme_merge_joins_by_serial_and_reads_link_width(fixtures: Path) -> None:
    results = {
        "nvme-id-ctrl": CommandResult((fixtures / "nvme/micron-9200-id-ctrl.txt").read_text()),
        "nvme-list": CommandResult('{"Devices":[{"DevicePath":"/dev/nvme3n1","SerialNumber":"18161E7964B7",'
                                   '"PhysicalSize":1600321314816}]}'),
        "nvme-link": CommandResult("nvme3 4\n"),
    }
    [drive] = nvme.FACT.parse(results)
    assert (drive.vendor, drive.pcie_width) == ("micron", 4)


def test_os_release_domestic_ids(fixtures: Path) -> None:
    ids = {p.name: os_release.parse_os_release(p.read_text()).id for p in (fixtures / "os").iterdir()}
    assert ids == {
        "openeuler-24.03.txt": "openeuler", "kylin-v10-server.txt": "kylin", "uos-server-20.txt": "uos",
        "kylin-v10-sp1-desktop.txt": "kylin", "build-host-os-release.txt": ids["build-host-os-release.txt"],
    }
    assert ids["build-host-os-release.txt"] not in {"openeuler", "kylin", "uos"}


def test_os_release_unicode_values(fixtures: Path) -> None:
    facts = os_release.parse_os_release((fixtures / "os/kylin-v10-sp1-desktop.txt").read_text())
    assert facts.pretty_name == "Kylin V10 SP1"


def test_ip_link_physical_and_virtual_ports(fixtures: Path) -> None:
    links = nic.parse_ip_link((fixtures / "nic/build-host-ip-link.json").read_text())
    speeds = nic.parse_speeds((fixtures / "nic/build-host-speeds.txt").read_text())
    ports = {p.name: p for p in nic.ports(links, speeds)}
    assert "lo" not in ports  # loopback is not a NIC
    assert ports["eth0"].up and ports["eth0"].physical
    assert ports["eth0"].speed_mbps is None  # the VM's NIC reports -1
    assert not ports["ifb0"].physical  # ifb devices carry linkinfo


def test_ip_link_rejects_non_json() -> None:
    with pytest.raises(ParseError, match="invalid JSON"):
        nic.parse_ip_link("1: lo: <LOOPBACK,UP> mtu 65536")


@pytest.mark.parametrize(("name", "vendor", "vid", "capacity"), [
    ("huawei-es3000v5-smartctl.txt", "huawei", 0x19E5, 3_200_631_791_616),
    ("ymtc-pc300-smartctl.txt", "ymtc", 0x1E49, 1_024_209_543_168),
])
def test_domestic_nvme_from_smartctl(fixtures: Path, name: str, vendor: str, vid: int, capacity: int) -> None:
    [ctrl] = nvme.parse_smartctl((fixtures / "nvme" / name).read_text())
    assert (ctrl.vendor, ctrl.vendor_id, ctrl.capacity_bytes) == (vendor, vid, capacity)


def test_nvme_fact_falls_back_to_smartctl_when_nvme_cli_is_missing(fixtures: Path) -> None:
    both = "\n".join((fixtures / "nvme" / n).read_text()
                     for n in ("huawei-es3000v5-smartctl.txt", "ymtc-pc300-smartctl.txt"))
    missing = CommandResult("", "sudo: nvme: command not found", 1)
    drives = nvme.FACT.parse({"nvme-id-ctrl": missing, "nvme-list": missing,
                              "nvme-smartctl": CommandResult(both), "nvme-link": CommandResult("nvme0 4\nnvme1 4\n")})
    assert [(d.vendor, d.model, d.pcie_width) for d in drives] == [
        ("huawei", "HWE52P433T2M005N", 4), ("ymtc", "YMTC PC300-1TB-B", 4)]


def test_smartctl_of_a_sata_disk_is_rejected() -> None:
    with pytest.raises(ParseError, match="no NVMe identify section"):
        nvme.parse_smartctl("=== START OF INFORMATION SECTION ===\nDevice Model: KINGMAX SSD 120GB\n")
