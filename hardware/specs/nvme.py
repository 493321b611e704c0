"""NVMe drive spec (part of a server profile; R-HW-02, R-HW-05)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from medcloud.model.base import Model

#: PCI vendor IDs (``vid`` in NVMe Identify Controller) → (medcloud's short name, the vendor
#: as the PCI ID repository names it).  The second column is checked against pci.ids (Debian
#: package ``pci.ids``) by the tests, so an ID can never again be filed under the wrong company.
#: Domestic vendors first.
PCI_VENDORS: dict[int, tuple[str, str]] = {
    0x1C5F: ("memblaze", "Beijing Memblaze Technology Co. Ltd."),
    0x1D78: ("dera", "DERA Storage"),
    0x19E5: ("huawei", "Huawei Technologies Co., Ltd."),
    0x1E49: ("ymtc", "Yangtze Memory Technologies Co.,Ltd"),
    0x1E3B: ("dapustor", "DapuStor Corporation"),
    0x1DBE: ("innogrit", "INNOGRIT Corporation"),
    0x1CC4: ("umis", "Shenzhen Unionmemory Information System Ltd."),
    0x1E4B: ("maxio", "MAXIO Technology (Hangzhou) Ltd."),
    0x1F40: ("netac", "Netac Technology Co.,Ltd"),
    0x144D: ("samsung", "Samsung Electronics Co Ltd"),
    0x8086: ("intel", "Intel Corporation"),
    0x1344: ("micron", "Micron Technology Inc"),
    0x15B7: ("sandisk", "Sandisk Corp"),
    0x1179: ("toshiba", "Toshiba Corporation"),
    0x1E0F: ("kioxia", "KIOXIA Corporation"),
    0x1C58: ("hgst", "HGST, Inc."),
    0x1BB1: ("seagate", "Seagate Technology PLC"),
    0x126F: ("siliconmotion", "Silicon Motion, Inc."),
}
#: PCI vendor ID → short name, as profiles list vendors.
NVME_VENDORS: dict[int, str] = {vid: short for vid, (short, _) in PCI_VENDORS.items()}


def _known_vendor(value: str) -> str:
    if value not in NVME_VENDORS.values():
        raise ValueError(f"unknown NVMe vendor {value!r} (known: {', '.join(sorted(set(NVME_VENDORS.values())))})")
    return value


VendorName = Annotated[str, AfterValidator(_known_vendor)]


class NvmeSpec(Model):
    min_count: int = Field(ge=1)
    #: Decimal gigabytes as drive vendors count them.
    min_capacity_gb: float = Field(gt=0)
    vendors: tuple[VendorName, ...] = Field(min_length=1)
    #: Negotiated PCIe link width (lanes); ``None`` skips the check.
    min_pcie_width: int | None = Field(default=None, ge=1, le=16)
