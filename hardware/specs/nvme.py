"""NVMe drive spec (part of a server profile; R-HW-02, R-HW-05)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from medcloud.model.base import Model

#: Vendors by PCI vendor ID (``vid`` in NVMe Identify Controller), from the PCI-SIG
#: assignments as listed in pci.ids; domestic vendors first.
NVME_VENDORS: dict[int, str] = {
    0x1C5F: "memblaze", 0x1D78: "dera", 0x19E5: "huawei", 0x1E49: "ymtc", 0x1E3B: "dapustor",
    0x1DBE: "inspur", 0x1CC4: "umis",
    0x144D: "samsung", 0x8086: "intel", 0x1344: "micron", 0x15B7: "sandisk", 0x1179: "kioxia",
    0x1E0F: "kioxia", 0x1C58: "wdc", 0x1BB1: "seagate", 0x126F: "siliconmotion",
}

VendorName = Literal[
    "memblaze", "dera", "huawei", "ymtc", "dapustor", "inspur", "umis",
    "samsung", "intel", "micron", "sandisk", "kioxia", "wdc", "seagate", "siliconmotion",
]


class NvmeSpec(Model):
    min_count: int = Field(ge=1)
    #: Decimal gigabytes as drive vendors count them.
    min_capacity_gb: float = Field(gt=0)
    vendors: tuple[VendorName, ...] = Field(min_length=1)
    #: Negotiated PCIe link width (lanes); ``None`` skips the check.
    min_pcie_width: int | None = Field(default=None, ge=1, le=16)
