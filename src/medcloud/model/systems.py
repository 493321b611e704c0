"""Business systems: what runs where, and the continuity they declare (R-BC-*, R-DC-01)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from medcloud.model.base import Model, Name
from medcloud.model.standards import (
    IMAGING_SYSTEM_KINDS,
    SENSITIVE_DATA_LEVEL,
    SENSITIVE_SYSTEM_KINDS,
    AccessControl,
    AuditFrequency,
    BusinessClass,
    EncryptionScope,
)


class SystemKind(StrEnum):
    HIS = "his"
    EMR = "emr"
    PACS = "pacs"
    LIS = "lis"
    RIS = "ris"
    RESEARCH = "research"
    ANALYTICS = "analytics"
    PORTAL = "portal"
    OTHER = "other"


class ReplicationMode(StrEnum):
    SYNC = "sync"
    ASYNC = "async"
    NONE = "none"


class Algorithm(StrEnum):
    SM4 = "sm4"
    AES256 = "aes256"
    NONE = "none"


class Placement(Model):
    """A copy of the system in one pool of one centre."""

    centre: Name
    pool: Name


class Replication(Model):
    same_city: ReplicationMode = ReplicationMode.NONE
    remote: ReplicationMode = ReplicationMode.NONE
    remote_lag_s: float | None = Field(default=None, ge=0, description="remote async lag, seconds")
    object_lag_s: float | None = Field(default=None, ge=0, description="object replication lag")
    write_replicas: int | None = Field(default=None, ge=1, description="synchronous write copies (R-BC-05)")


Clock = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class SnapshotPolicy(Model):
    times: list[Clock] = Field(min_length=1, description="daily snapshot times, HH:MM local")
    retention_days: int = Field(ge=1)


class Protection(Model):
    """How the system's data is protected (R-DC-01, R-SEC-01)."""

    algorithm: Algorithm = Algorithm.SM4
    encryption: EncryptionScope = EncryptionScope.VOLUME
    tls_min: str = Field(default="1.3", pattern=r"^1\.[0-3]$")
    access: AccessControl = AccessControl.ROLE
    audit: AuditFrequency = AuditFrequency.DAILY


class Storage(Model):
    block_gib: int = Field(default=0, ge=0)
    object_tib: float = Field(default=0, ge=0)
    archive_years: int = Field(default=0, ge=0, description="WORM archive retention; 0 = no archive")


class System(Model):
    name: Name
    kind: SystemKind
    business_class: BusinessClass
    data_level: int = Field(ge=1, le=5)
    imaging: bool | None = Field(default=None, description="carries medical imaging; default from kind")
    placements: list[Placement] = Field(min_length=1)
    rpo_s: float = Field(ge=0, description="declared recovery point objective, seconds")
    rto_s: float = Field(ge=0, description="declared recovery time objective, seconds")
    replication: Replication = Field(default_factory=Replication)
    snapshots: SnapshotPolicy | None = Field(default=None, description="default: the region's")
    protection: Protection = Field(default_factory=Protection)
    storage: Storage = Field(default_factory=Storage)

    @property
    def carries_imaging(self) -> bool:
        return self.imaging if self.imaging is not None else self.kind.value in IMAGING_SYSTEM_KINDS

    @property
    def sensitive(self) -> bool:
        """Sensitive by kind (HIS, PACS…) or by data level ≥ 4 (R-TOP-08)."""
        return self.kind.value in SENSITIVE_SYSTEM_KINDS or self.data_level >= SENSITIVE_DATA_LEVEL
