"""The five-level pool model below a centre: AZ → resource pool → cluster → node (R-TOP-07)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from medcloud.model.base import Model, Name
from medcloud.model.standards import DOMESTIC_CPU_FAMILIES


class Tier(StrEnum):
    GOLD = "gold"
    SILVER = "silver"
    BRONZE = "bronze"


class CpuArch(StrEnum):
    """Instruction-set architecture of a pool's nodes (R-HW-01)."""

    X86_64 = "x86_64"
    AARCH64 = "aarch64"
    LOONGARCH64 = "loongarch64"


class CpuFamily(StrEnum):
    """CPU vendor family; decides the architecture and whether it is domestic (信创)."""

    KUNPENG = "kunpeng"
    PHYTIUM = "phytium"
    HYGON = "hygon"
    ZHAOXIN = "zhaoxin"
    LOONGSON = "loongson"
    INTEL = "intel"
    AMD = "amd"

    @property
    def arch(self) -> CpuArch:
        # The domestic families' architectures are the standard's table (R-HW-01); the rest are x86-64.
        return CpuArch(DOMESTIC_CPU_FAMILIES.get(self.value, CpuArch.X86_64))

    @property
    def domestic(self) -> bool:
        return self.value in DOMESTIC_CPU_FAMILIES


class Node(Model):
    """One physical server."""

    name: Name
    cpu_model: str = Field(min_length=1, description="e.g. 'Kunpeng 920 7260'")
    sockets: int = Field(default=2, ge=1, le=8)
    physical_cores: int = Field(ge=1, description="physical cores across all sockets")
    memory_gib: int = Field(ge=1)
    nvme_tib: float = Field(default=0, ge=0, description="raw NVMe capacity")
    storage_gbps: float = Field(default=25, gt=0, description="storage network bandwidth")

    @property
    def vcpus(self) -> int:
        # Two hardware threads per core on x86 SMT; ARM/LoongArch parts have one.
        # Capacity maths uses physical cores to stay conservative.
        return self.physical_cores


class Cluster(Model):
    """A set of identical nodes sharing a CPU compatibility level (R-HW-07)."""

    name: Name
    cpu_compat_level: str | None = Field(
        default=None, description="instruction-set baseline offered to guests, e.g. 'kunpeng-920'",
    )
    nodes: list[Node] = Field(min_length=1)


class Pool(Model):
    """A resource pool and the metadata R-TOP-07 requires it to carry."""

    name: Name
    tier: Tier
    security_domain: Name = Field(description="e.g. core-medical, dmz, research, management")
    dr_domain: Name
    cost_tag: str = Field(min_length=1)
    cpu_family: CpuFamily
    xinchuang: bool = Field(description="domestic (信创) pool: domestic CPU, OS and software stack")
    dedicated: bool = Field(description="physically dedicated (true) or a shared logical pool (false)")
    hugepages_gib: int = Field(default=0, ge=0, description="hugepages reserved per node")
    clusters: list[Cluster] = Field(default_factory=list)

    @property
    def cpu_arch(self) -> CpuArch:
        return self.cpu_family.arch

    @model_validator(mode="after")
    def _xinchuang_needs_domestic_cpu(self) -> Pool:
        if self.xinchuang and not self.cpu_family.domestic:
            raise ValueError(f"a xinchuang pool cannot use {self.cpu_family.value} CPUs")
        return self

    @property
    def cpu_compat_level(self) -> str | None:
        """The instruction-set baseline its clusters offer guests (R-HW-07); the loader rejects a mix."""
        return next((c.cpu_compat_level for c in self.clusters if c.cpu_compat_level), None)

    @property
    def nodes(self) -> list[Node]:
        return [node for cluster in self.clusters for node in cluster.nodes]


class AvailabilityZone(Model):
    name: Name
    pools: list[Pool] = Field(min_length=1)
