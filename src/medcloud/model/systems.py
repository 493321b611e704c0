"""Business systems: what runs where, and the continuity they declare (R-BC-*, R-DC-01)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from medcloud.model.base import Model, Name
from medcloud.model.standards import (
    ANTI_AFFINITY_MIN_INSTANCES,
    IMAGING_SYSTEM_KINDS,
    SENSITIVE_DATA_LEVEL,
    SENSITIVE_SYSTEM_KINDS,
    SESSION_PERSISTENCE_KINDS,
    VM_MAX_MEMORY_GIB,
    VM_MAX_VCPUS,
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
    EMERGENCY = "emergency"
    REGISTRATION = "registration"
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


class DbConsistency(StrEnum):
    """How a core database commits across the same-city pair (R-BC-05)."""

    RAFT = "raft"
    PAXOS = "paxos"
    SHARED_STORAGE_DUAL_WRITE = "shared_storage_dual_write"
    PRIMARY_STANDBY = "primary_standby"
    NONE = "none"


class Replication(Model):
    same_city: ReplicationMode = ReplicationMode.NONE
    remote: ReplicationMode = ReplicationMode.NONE
    remote_lag_s: float | None = Field(default=None, ge=0, description="remote async lag, seconds")
    object_lag_s: float | None = Field(default=None, ge=0, description="object replication lag")
    write_replicas: int | None = Field(default=None, ge=1, description="synchronous write copies (R-BC-05)")
    database: DbConsistency | None = Field(
        default=None, description="core database commit protocol across the pair (R-BC-05)",
    )


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


class Compute(Model):
    """The VMs one copy of the system runs in each centre (R-CMP-01, R-CMP-02)."""

    vcpus: int = Field(default=8, ge=1, le=VM_MAX_VCPUS, description="per VM (R-CMP-01: at most 64)")
    memory_gib: int = Field(default=32, ge=1, le=VM_MAX_MEMORY_GIB, description="per VM (R-CMP-01: at most 256)")
    instances: int = Field(
        default=ANTI_AFFINITY_MIN_INSTANCES, ge=1,
        description="VMs per centre copy, each on its own host (primary and standby, R-CMP-02)",
    )


class ListenerProtocol(StrEnum):
    """What a front door listens for (R-NET-05: L4 TCP/UDP, L7 HTTP/HTTPS/HTTP2/websocket)."""

    TCP = "tcp"
    UDP = "udp"
    HTTP = "http"
    HTTPS = "https"
    HTTP2 = "http2"
    WEBSOCKET = "websocket"

    @property
    def layer(self) -> int:
        return 4 if self in (ListenerProtocol.TCP, ListenerProtocol.UDP) else 7


class Listener(Model):
    protocol: ListenerProtocol
    port: int = Field(ge=1, le=65535)


class FrontDoor(Model):
    """How clients reach the system: load balancer listeners and the GSLB record (R-NET-05, R-BC-06)."""

    listeners: list[Listener] = Field(
        default_factory=lambda: [Listener(protocol=ListenerProtocol.HTTPS, port=443)], min_length=1,
    )
    health_path: str = Field(default="/health", pattern=r"^/[\x21-\x7e]*$", description="HTTP health URL path")
    session_persistence: bool | None = Field(
        default=None, description="sticky sessions; default: emergency and registration systems (R-BC-06)",
    )


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
    compute: Compute = Field(default_factory=Compute)
    front_door: FrontDoor = Field(default_factory=FrontDoor)

    @property
    def sticky(self) -> bool:
        """Session persistence at the load balancer (R-BC-06): declared, else by kind."""
        declared = self.front_door.session_persistence
        return declared if declared is not None else self.kind.value in SESSION_PERSISTENCE_KINDS

    @property
    def carries_imaging(self) -> bool:
        return self.imaging if self.imaging is not None else self.kind.value in IMAGING_SYSTEM_KINDS

    @property
    def sensitive(self) -> bool:
        """Sensitive by kind (HIS, PACS…) or by data level ≥ 4 (R-TOP-08)."""
        return self.kind.value in SENSITIVE_SYSTEM_KINDS or self.data_level >= SENSITIVE_DATA_LEVEL
