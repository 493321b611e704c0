"""Cloud-neutral component arguments, derived purely from the region model.

Every component takes one of these frozen dataclasses; backends map them to
provider resources.  ``props()`` turns them into the component's Pulumi
inputs, so the policy pack and reviewers see exactly what a component was
asked to build.  Nothing here imports a provider.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, Literal

Direction = Literal["ingress", "egress"]
Protocol = Literal["tcp", "udp", "icmp", "any"]
ReplicaRole = Literal["primary", "same_city", "remote_dr", "backup"]


def props(args: Any) -> dict[str, Any]:
    """A dataclass as plain JSON-able component inputs."""
    # The JSON round trip turns tuples into lists, the shape Pulumi serialises.
    raw: dict[str, Any] = json.loads(json.dumps(dataclasses.asdict(args)))
    return {k: v for k, v in raw.items() if v is not None}


@dataclass(frozen=True)
class PoolLabels:
    """The pool metadata R-TOP-07 requires on every resource serving the pool."""

    pool: str
    az: str
    tier: str
    security_domain: str
    dr_domain: str
    cost_tag: str
    xinchuang: bool
    dedicated: bool
    cpu_arch: str

    def tags(self) -> dict[str, str]:
        """R-TOP-07 labels as provider tags (OpenStack renders them as ``key=value`` strings)."""
        return {
            "medcloud-pool": self.pool,
            "medcloud-tier": self.tier,
            "medcloud-security-domain": self.security_domain,
            "medcloud-dr-domain": self.dr_domain,
            "medcloud-cost-tag": self.cost_tag,
            "medcloud-xinchuang": str(self.xinchuang).lower(),
        }


@dataclass(frozen=True)
class SubnetArgs:
    key: str
    az: str | None
    security_domain: str
    cidr: str
    pools: tuple[str, ...]


@dataclass(frozen=True)
class FlowRule:
    """One allowed flow on a pool's security group (R-NET-02 micro-segmentation).

    Exactly one of ``remote_pool`` (a security group in the same VPC) and
    ``remote_cidr`` (a peer centre's subnet) is set; there is never a
    0.0.0.0/0 source or destination.
    """

    pool: str
    direction: Direction
    protocol: Protocol
    port_min: int | None
    port_max: int | None
    remote_pool: str | None
    remote_cidr: str | None
    reason: str


@dataclass(frozen=True)
class VpcArgs:
    region: str
    centre: str
    cloud: str
    cloud_region: str
    cidr: str
    subnets: tuple[SubnetArgs, ...]
    pools: tuple[PoolLabels, ...]
    rules: tuple[FlowRule, ...]
    #: the network the centre's router takes as its gateway (OpenStack: a Neutron external network's name)
    external_network: str | None = None
    #: the inside address of the centre's SM-suite IPsec appliance on the transit subnet
    appliance_address: str | None = None


@dataclass(frozen=True)
class EncryptionArgs:
    """At-rest encryption a centre must offer (R-DC-01, R-SEC-02, R-SEC-03)."""

    required: bool
    algorithm: str
    #: strongest scope any system placed here asks for: volume, hardware…
    scope: str
    max_data_level: int
    rotation_days: int


@dataclass(frozen=True)
class ReplicationTarget:
    """Where a centre's object buckets replicate to (R-BC-02)."""

    centre: str
    cloud: str
    cloud_region: str
    bucket: str
    max_lag_s: int


@dataclass(frozen=True)
class ReplicationSource:
    """A centre whose object buckets replicate into this one (R-BC-02)."""

    centre: str
    cloud: str


@dataclass(frozen=True)
class StorageArgs:
    region: str
    centre: str
    cloud: str
    cloud_region: str
    tiers: tuple[str, ...]
    block_replicas: int
    block_rack_spread: int
    qos_iops: int
    qos_mbps: int
    object_replicas: int | None
    object_ec_data: int | None
    object_ec_parity: int | None
    object_rack_spread: int
    archive_worm: bool
    archive_retention_years: int
    snapshot_times: tuple[str, ...]
    snapshot_retention_days: int
    encryption: EncryptionArgs
    objects_bucket: str
    archive_bucket: str
    snapshot_bucket: str
    replicate_to: ReplicationTarget | None
    replicated_from: tuple[ReplicationSource, ...] = ()


@dataclass(frozen=True)
class ReplicaArgs:
    """One copy of a business system in one pool of one centre."""

    centre: str
    cloud: str
    cloud_region: str
    pool: str
    az: str
    tier: str
    role: ReplicaRole
    #: added by the class table (R-BC-01) rather than declared in the model
    derived: bool


@dataclass(frozen=True)
class PlacementArgs:
    region: str
    system: str
    kind: str
    business_class: str
    data_level: int
    block_gib: int
    encryption_required: bool
    algorithm: str
    rpo_s: float
    rto_s: float
    same_city_mode: str
    remote_mode: str
    replicas: tuple[ReplicaArgs, ...]


@dataclass(frozen=True)
class VolumeArgs:
    """A block volume for one replica: what the backend creates."""

    system: str
    replica: ReplicaArgs
    size_gib: int
    encrypted: bool
    labels: dict[str, str]


@dataclass(frozen=True)
class LinkSideArgs:
    centre: str
    cloud: str
    cloud_region: str
    az: str | None
    cidr: str
    transit_cidr: str
    #: the link's edge address in the transit subnet: the carrier's edge router for a plain
    #: circuit, the IPsec appliance's inside address for an SM-suite tunnel (the next hop)
    next_hop: str
    #: the IPsec appliance's public address when this side terminates an SM-suite tunnel on one
    appliance_address: str | None = None


@dataclass(frozen=True)
class DrLinkArgs:
    region: str
    link: str
    kind: str
    purpose: str
    carrier: str
    route_id: str
    members: int
    bandwidth_gbps: float
    rtt_ms: float
    loss_pct: float
    fec: bool
    retransmission: bool
    cross_institution: bool
    encryption_protocol: str
    cipher_suite: str | None
    a: LinkSideArgs
    b: LinkSideArgs

    @property
    def ipsec(self) -> bool:
        return self.encryption_protocol == "ipsec" or self.kind == "ipsec_vpn"

    @property
    def psk_needed(self) -> bool:
        """Whether an end authenticates with the link's pre-shared key: a cloud VPN gateway or
        Neutron VPNaaS does; two SM-suite appliances use their SM2 certificates instead."""
        return self.ipsec and (self.a.appliance_address is None or self.b.appliance_address is None)

    @property
    def suite(self) -> str:
        """The IPsec cipher suite: ``sm`` unless the model says ``international`` (R-NET-04, R-SEC-01)."""
        return self.cipher_suite or "sm"

    def description(self) -> str:
        """The link facts, for providers whose resources only take a description."""
        return (
            f"medcloud link {self.link}: {self.kind} {self.members}x{self.bandwidth_gbps:g}G "
            f"{self.carrier} route {self.route_id} rtt {self.rtt_ms:g}ms"
        )

    def tags(self) -> dict[str, str]:
        return {
            "medcloud-link": self.link,
            "medcloud-link-kind": self.kind,
            "medcloud-carrier": self.carrier,
            "medcloud-route-id": self.route_id,
            "medcloud-bandwidth-gbps": f"{self.bandwidth_gbps * self.members:g}",
            "medcloud-rtt-ms": f"{self.rtt_ms:g}",
        }


# --- compute (R-TOP-07, R-TOP-08, R-HW-07, R-CMP-01, R-CMP-02) ---------------------------
@dataclass(frozen=True)
class FlavorArgs:
    """One VM size a pool offers: SCU-shaped (R-POOL-01), at most 64 vCPU / 256 GiB (R-CMP-01)."""

    name: str
    vcpus: int
    memory_gib: int


@dataclass(frozen=True)
class PoolComputeArgs:
    """A pool as schedulable capacity: its hosts, its metadata and the flavors bound to it."""

    labels: PoolLabels
    cpu_family: str
    #: R-HW-07: the instruction-set baseline of the pool's clusters, None = host CPU model
    cpu_compat_level: str | None
    hugepages_gib: int
    #: the model's nodes: the hosts of the pool's aggregate (OpenStack) or its dedicated hosts
    hosts: tuple[str, ...]
    #: hosts the pool needs at least: its nodes, else what the largest server group needs (R-CMP-02)
    host_count: int
    flavors: tuple[FlavorArgs, ...]


@dataclass(frozen=True)
class ComputeArgs:
    region: str
    centre: str
    cloud: str
    cloud_region: str
    #: AZ name → every host of the AZ
    azs: dict[str, tuple[str, ...]]
    pools: tuple[PoolComputeArgs, ...]

    def pool(self, name: str) -> PoolComputeArgs:
        return next(p for p in self.pools if p.labels.pool == name)


@dataclass(frozen=True)
class ServerGroupArgs:
    """One copy of a system in one centre: its VMs spread one per host (R-CMP-02)."""

    system: str
    replica: ReplicaArgs
    instances: int
    #: the smallest flavor of the pool that fits the system's VM (R-CMP-01)
    flavor: str
    labels: dict[str, str]


# --- traffic (R-NET-04, R-NET-05, R-BC-06) -----------------------------------------------
@dataclass(frozen=True)
class ListenerArgs:
    """One listener of a system's load balancer."""

    #: tcp, udp, http, https, http2, websocket
    protocol: str
    port: int
    #: 4 or 7 (R-NET-05)
    layer: int
    #: TLS versions offered where TLS ends at the balancer (R-NET-04), e.g. ("1.3",); () = no TLS here
    tls_versions: tuple[str, ...]


@dataclass(frozen=True)
class HealthArgs:
    """How the balancer probes the system's VMs."""

    interval_s: int
    timeout_s: int
    healthy_threshold: int
    unhealthy_threshold: int
    path: str


@dataclass(frozen=True)
class LoadBalancerArgs:
    """The system's front door in one centre (R-NET-05)."""

    region: str
    system: str
    replica: ReplicaArgs
    #: subnet key (``az.domain``) of the pool the system runs in: where the VIP lives
    subnet: str
    #: subnet keys of the same security domain in every AZ of the centre (zone mappings)
    zone_subnets: tuple[str, ...]
    listeners: tuple[ListenerArgs, ...]
    health: HealthArgs
    #: session persistence (R-BC-06: emergency and registration systems)
    sticky: bool
    labels: dict[str, str]


@dataclass(frozen=True)
class GslbPoolArgs:
    """One centre's load balancer as a GSLB address pool."""

    centre: str
    cloud: str
    role: ReplicaRole
    #: serves traffic by default (primary, same-city active-active); else a failover pool
    active: bool


@dataclass(frozen=True)
class GslbArgs:
    """The system's global record: pools in the centres its class requires (R-BC-06, R-BC-01)."""

    region: str
    system: str
    business_class: str
    #: private zone the record lives in, e.g. ``dev.medcloud.internal.``
    zone: str
    record: str
    ttl_s: int
    #: what R-BC-06 asks of the health probe; the backend records what it could configure
    probe_interval_s: float
    switch_max_s: float
    #: port the probes connect to: the system's first listener
    probe_port: int
    pools: tuple[GslbPoolArgs, ...]
    #: manual override (R-BC-06): auto (probes decide), active (force the active pools),
    #: failover (force the failover pools)
    mode: str
