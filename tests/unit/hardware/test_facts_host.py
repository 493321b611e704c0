"""NVMe join and NIC port rules (R-HW-02); parsers run on real captures in test_fact_cases."""

from __future__ import annotations

from pathlib import Path

from medcloud.hardware.facts import nic, nvme
from medcloud.hardware.transports.base import CommandResult


def test_nvme_id_ctrl_json_vid_is_decimal() -> None:
    # nvme-cli's JSON prints vid as a decimal number; 7263 == 0x1c5f (Memblaze).
    two = '{"vid":7263,"sn":"A","mn":"M","fr":"F","tnvmcap":3840755982336}\n{"vid":6629,"sn":"B","mn":"N","fr":"G"}'
    first, second = nvme.parse_id_ctrl(two)
    assert (first.vendor, second.vendor) == ("memblaze", "huawei")


def test_nvme_merge_joins_by_serial_and_reads_link_width(fixtures: Path) -> None:
    results = {
        "nvme-id-ctrl": CommandResult((fixtures / "nvme/micron-9200-id-ctrl.txt").read_text()),
        "nvme-list": CommandResult('{"Devices":[{"DevicePath":"/dev/nvme3n1","SerialNumber":"18161E7964B7",'
                                   '"PhysicalSize":1600321314816}]}'),
        "nvme-link": CommandResult("nvme3 4\n"),
    }
    [drive] = nvme.FACT.parse(results)
    assert (drive.vendor, drive.pcie_width) == ("micron", 4)


def test_ip_link_physical_and_virtual_ports(fixtures: Path) -> None:
    links = nic.parse_ip_link((fixtures / "nic/build-host-ip-link.json").read_text())
    speeds = nic.parse_speeds((fixtures / "nic/build-host-speeds.txt").read_text())
    ports = {p.name: p for p in nic.ports(links, speeds)}
    assert "lo" not in ports  # loopback is not a NIC
    assert ports["eth0"].up and ports["eth0"].physical
    assert ports["eth0"].speed_mbps is None  # the VM's NIC reports -1
    assert not ports["ifb0"].physical  # ifb devices carry linkinfo
