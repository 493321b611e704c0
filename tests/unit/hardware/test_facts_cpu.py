"""CPU fact parsers over real captures (R-HW-01, R-HW-02); see tests/fixtures/hardware/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from medcloud.hardware.facts import cpu
from medcloud.hardware.facts.base import ParseError
from medcloud.hardware.transports.base import CommandResult


def test_kunpeng_920_from_cpuinfo_by_hisilicon_implementer(fixtures: Path) -> None:
    facts = cpu.parse_cpuinfo((fixtures / "cpu/kunpeng920-cpuinfo.txt").read_text())
    assert (facts.architecture, facts.vendor, facts.model_name) == ("aarch64", "HiSilicon", "Kunpeng-920")
    assert facts.family == "kunpeng"
    assert facts.logical_cpus == 4  # the excerpt lists processors 46-49
    assert facts.source == "cpuinfo"


def test_phytium_from_cpuinfo_by_implementer_0x70(fixtures: Path) -> None:
    facts = cpu.parse_cpuinfo((fixtures / "cpu/phytium-ft2000-4-cpuinfo.txt").read_text())
    assert facts.family == "phytium"
    assert facts.vendor == "Phytium"
    assert facts.physical_cores == 4


def test_phytium_lscpu_with_numeric_vendor_id(fixtures: Path) -> None:
    # Old util-linux prints "Vendor ID: 0x70" and no model name for Phytium.
    facts = cpu.parse_lscpu((fixtures / "cpu/phytium-ft2000plus-lscpu.txt").read_text())
    assert facts.family == "phytium"
    assert (facts.sockets, facts.cores_per_socket, facts.physical_cores) == (1, 64, 64)


def test_phytium_lscpu_nested_layout(fixtures: Path) -> None:
    facts = cpu.parse_lscpu((fixtures / "cpu/phytium-d2000-lscpu.txt").read_text())
    assert (facts.vendor, facts.model_name, facts.family) == ("Phytium", "FTC663", "phytium")
    assert facts.physical_cores == 8


def test_hygon_from_cpuinfo_counts_cores_not_threads(fixtures: Path) -> None:
    facts = cpu.parse_cpuinfo((fixtures / "cpu/hygon-c86-7285-cpuinfo.txt").read_text())
    assert facts.vendor == "HygonGenuine"
    assert facts.family == "hygon"
    assert facts.model_name == "Hygon C86 7285 32-core Processor"
    assert (facts.cores_per_socket, facts.threads_per_core) == (32, 2)


def test_loongson_cpuinfo_model_name_field(fixtures: Path) -> None:
    facts = cpu.parse_cpuinfo((fixtures / "cpu/loongson-3c6000-cpuinfo.txt").read_text())
    assert (facts.architecture, facts.model_name, facts.family) == ("loongarch64", "Loongson-3C6000/D", "loongson")


def test_loongson_lscpu(fixtures: Path) -> None:
    facts = cpu.parse_lscpu((fixtures / "cpu/loongson-3a6000-lscpu.txt").read_text())
    assert (facts.architecture, facts.family, facts.physical_cores) == ("loongarch64", "loongson", 8)


def test_lscpu_json_from_util_linux_2_38(fixtures: Path) -> None:
    facts = cpu.parse_lscpu((fixtures / "cpu/build-host-lscpu.json").read_text())
    assert facts.architecture == "x86_64"
    assert facts.family is None  # an AMD EPYC VM is not a domestic CPU
    assert facts.logical_cpus == facts.sockets * facts.cores_per_socket * facts.threads_per_core


def test_fact_falls_back_to_cpuinfo_when_lscpu_fails(fixtures: Path) -> None:
    results = {
        "lscpu": CommandResult("", "lscpu: command not found", 127),
        "cpuinfo": CommandResult((fixtures / "cpu/kunpeng920-cpuinfo.txt").read_text()),
    }
    assert cpu.FACT.parse(results).family == "kunpeng"


def test_fact_without_any_output_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="neither lscpu nor /proc/cpuinfo"):
        cpu.FACT.parse({"lscpu": CommandResult("", "", 127), "cpuinfo": CommandResult("", "denied", 1)})


@pytest.mark.parametrize(("vendor", "family"), [("CentaurHauls", "zhaoxin"), ("  Shanghai  ", "zhaoxin"),
                                                ("GenuineIntel", None)])
def test_zhaoxin_vendor_strings(vendor: str, family: str | None) -> None:
    assert cpu.detect_family(vendor, "") == family


def test_garbage_cpuinfo_is_rejected() -> None:
    with pytest.raises(ParseError):
        cpu.parse_cpuinfo("hello: world\n")


def test_zhaoxin_from_cpuinfo_by_centaurhauls(fixtures: Path) -> None:
    facts = cpu.parse_cpuinfo((fixtures / "cpu/zhaoxin-kx-u6780a-cpuinfo.txt").read_text())
    assert (facts.architecture, facts.vendor, facts.family) == ("x86_64", "CentaurHauls", "zhaoxin")
    assert facts.model_name.startswith("ZHAOXIN KaiXian KX-U6780A")
    assert facts.cores_per_socket == 8
