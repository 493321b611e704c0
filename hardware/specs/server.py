"""Server spec profile (R-HW-01 CPU, R-HW-02 cores/memory/NVMe/NIC, R-HW-03 redundancy, R-HW-04 OS)."""

from __future__ import annotations

from typing import Literal

from medcloud.hardware.specs.nvme import NvmeSpec
from pydantic import Field, field_validator, model_validator

from medcloud.model import standards
from medcloud.model.base import Model, Regex

CpuFamily = Literal["kunpeng", "phytium", "hygon", "zhaoxin", "loongson"]


class CpuSpec(Model):
    family: CpuFamily
    #: Regular expression the CPU model name must match (case-insensitive), e.g. ``Kunpeng.?920``.
    model_pattern: Regex
    min_physical_cores: int = standards.NODE_MIN_PHYSICAL_CORES
    sockets: int | None = Field(default=None, ge=1, le=8)

    @field_validator("min_physical_cores")
    @classmethod
    def _not_below_standard(cls, value: int) -> int:
        if value < standards.NODE_MIN_PHYSICAL_CORES:
            raise ValueError(f"R-HW-02 requires at least {standards.NODE_MIN_PHYSICAL_CORES} physical cores")
        return value

    @property
    def architecture(self) -> str:
        return standards.DOMESTIC_CPU_FAMILIES[self.family]


class MemorySpec(Model):
    min_gib: float = Field(gt=0)
    ecc: bool = True

    @field_validator("ecc")
    @classmethod
    def _ecc_required(cls, value: bool) -> bool:
        if not value:
            raise ValueError("R-HW-02 requires ECC memory")
        return value


class NicSpec(Model):
    #: Ports at or above ``min_speed_gbps`` that must be up.
    min_ports: int = Field(ge=1)
    min_speed_gbps: float = standards.NODE_MIN_STORAGE_GBPS


class PowerSpec(Model):
    min_psus: int = standards.MIN_REDUNDANT_PSUS
    min_fans: int = standards.MIN_REDUNDANT_FANS

    @model_validator(mode="after")
    def _redundant(self) -> PowerSpec:
        if self.min_psus < standards.MIN_REDUNDANT_PSUS or self.min_fans < standards.MIN_REDUNDANT_FANS:
            raise ValueError("R-HW-03 requires redundant power supplies and fans")
        return self


class BmcSpec(Model):
    min_firmware: str = Field(min_length=1)
    #: Length of the passwords ``medcloud bmc apply`` generates for this model's BMC accounts:
    #: 16 fits every IPMI BMC; 17-20 needs IPMI 2.0's 20-byte passwords.
    password_length: int = Field(default=16, ge=12, le=20)


class OsSpec(Model):
    #: os-release IDs accepted; by default every domestic server OS R-HW-04 names or means
    #: ("and similar": :data:`medcloud.model.standards.DOMESTIC_OS`).  A profile may narrow it.
    ids: tuple[str, ...] = Field(default=tuple(sorted(standards.DOMESTIC_OS_IDS)), min_length=1)

    @field_validator("ids")
    @classmethod
    def _domestic(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        lowered = tuple(v.lower() for v in value)
        foreign = [v for v in lowered if v not in standards.DOMESTIC_OS_IDS]
        if foreign:
            raise ValueError(f"R-HW-04: not a domestic server OS: {', '.join(foreign)}")
        return lowered


class ServerProfile(Model):
    kind: Literal["server"]
    name: str
    description: str = ""
    cpu: CpuSpec
    memory: MemorySpec
    nvme: NvmeSpec
    nics: NicSpec
    #: R-HW-05: storage nodes need this much between them (checked when the server has role storage).
    storage_min_gbps: float = standards.STORAGE_NODE_MIN_GBPS
    power: PowerSpec = PowerSpec()
    bmc: BmcSpec
    os: OsSpec = OsSpec()
