"""CPU family rules (R-HW-01); the parsers themselves run on real captures in test_fact_cases."""

from __future__ import annotations

import pytest
from medcloud.hardware.facts import cpu


@pytest.mark.parametrize(("vendor", "model", "x86_family", "family"), [
    ("  Shanghai  ", "", 7, "zhaoxin"),
    ("CentaurHauls", "ZHAOXIN KaiXian KX-U6780A@2.7GHz", 7, "zhaoxin"),
    ("CentaurHauls", "", 7, "zhaoxin"),            # a Zhaoxin core with its name hidden
    ("CentaurHauls", "VIA Nano U3500@1000MHz", 6, None),
    ("CentaurHauls", "VIA Eden Processor 1000MHz", 6, None),
    ("CentaurHauls", "", None, None),              # no family number: cannot call it Zhaoxin
    ("GenuineIntel", "", 6, None),
])
def test_centaur_vendor_string_is_zhaoxin_only_from_family_7(vendor: str, model: str, x86_family: int | None,
                                                             family: str | None) -> None:
    assert cpu.detect_family(vendor, model, cpu_family=x86_family) == family


def test_lscpu_dash_means_unknown() -> None:
    facts = cpu.parse_lscpu("Architecture: aarch64\nCPU(s): 4\nVendor ID: -\nModel name: -\n")
    assert (facts.vendor, facts.model_name, facts.family) == ("", "", None)
