"""Pure functions from the region model (and its address plan) to component arguments.

Every decision that does not need a cloud lives here — which replicas a
system needs (R-BC-01), whether a centre must encrypt (R-DC-01), where its
objects replicate to (R-BC-02) — so it is testable without Pulumi.
"""

from __future__ import annotations

import hashlib
from ipaddress import IPv4Address

from medcloud.components.args import (
    ComputeArgs,
    DrLinkArgs,
    EncryptionArgs,
    FlavorArgs,
    GslbArgs,
    GslbPoolArgs,
    HealthArgs,
    LinkSideArgs,
    ListenerArgs,
    LoadBalancerArgs,
    PlacementArgs,
    PoolComputeArgs,
    PoolLabels,
    ReplicaArgs,
    ReplicaRole,
    ReplicationSource,
    ReplicationTarget,
    ServerGroupArgs,
    StorageArgs,
    SubnetArgs,
    VpcArgs,
)
from medcloud.components.segmentation import centre_rules

from medcloud.capacity import fitting_size, flavor_sizes
from medcloud.errors import PlacementError as PlacementError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.errors import TrafficError as TrafficError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.ipam import TRANSIT, AddressPlan, edge_hops, subnet_key
from medcloud.model import Centre, CentreRole, CipherSuite, Link, Pool, Region, System
from medcloud.model.standards import (
    ANTI_AFFINITY_MIN_INSTANCES,
    BUSINESS_CLASSES,
    DATA_LEVELS,
    GSLB_PROBE_INTERVAL_MAX_S,
    GSLB_SWITCH_MAX_S,
    KEY_ROTATION_MAX_DAYS,
    OBJECT_REPLICATION_LAG_MAX_S,
    EncryptionScope,
    Need,
)

#: OSS and Swift both cap bucket/container names at 63 characters.
BUCKET_NAME_MAX = 63

ROLE_OF: dict[CentreRole, ReplicaRole] = {
    CentreRole.PRODUCTION: "primary",
    CentreRole.SAME_CITY: "same_city",
    CentreRole.REMOTE_DR: "remote_dr",
    CentreRole.BACKUP: "backup",
}


def bucket_name(region: str, centre: str, purpose: str) -> str:
    """A globally unique, DNS-safe bucket name; long names keep a hash so they stay unique."""
    name = f"{region}-{centre}-{purpose}"
    if len(name) <= BUCKET_NAME_MAX:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:BUCKET_NAME_MAX - 9]}-{digest}"


def pool_labels(centre: Centre) -> tuple[PoolLabels, ...]:
    return tuple(
        PoolLabels(
            pool=pool.name, az=az.name, tier=pool.tier.value, security_domain=pool.security_domain,
            dr_domain=pool.dr_domain, cost_tag=pool.cost_tag, xinchuang=pool.xinchuang,
            dedicated=pool.dedicated, cpu_arch=pool.cpu_arch.value,
        )
        for az in centre.azs
        for pool in az.pools
    )


def vpc_args(region: Region, centre: Centre, plan: AddressPlan) -> VpcArgs:
    cplan = plan.centres[centre.name]
    subnets = []
    for key, cidr in cplan.subnets.items():
        if key == TRANSIT:
            subnets.append(SubnetArgs(key, centre.azs[0].name if centre.azs else None, "transit", str(cidr), ()))
            continue
        az_name, domain = key.split(".", 1)
        az = next(z for z in centre.azs if z.name == az_name)
        members = tuple(p.name for p in az.pools if p.security_domain == domain)
        subnets.append(SubnetArgs(key, az_name, domain, str(cidr), members))
    return VpcArgs(
        region=region.name, centre=centre.name, cloud=centre.cloud.value, cloud_region=centre.cloud_region,
        cidr=str(cplan.cidr), subnets=tuple(subnets), pools=pool_labels(centre),
        rules=centre_rules(region, centre, plan),
        external_network=centre.openstack.external_network if centre.openstack else None,
        appliance_address=str(inside) if (inside := appliance_inside_address(region, centre, plan)) else None,
    )


def replicas(region: Region, system: System) -> tuple[ReplicaArgs, ...]:
    """Declared placements plus the copies the class table requires (R-BC-01).

    A class whose same-city (or remote) copy is *required* but not declared
    gets one in the first pool of that centre with the primary's security
    domain; with no such pool the system cannot be placed and we say so.
    """
    out: list[ReplicaArgs] = []
    for placement in system.placements:
        centre = region.centre(placement.centre)
        assert centre is not None  # reference_errors() rejected dangling names at load
        out.append(_replica(centre, placement.pool, derived=False))
    spec = BUSINESS_CLASSES[system.business_class]
    primary = out[0]
    domain = _pool_domain(region, primary.centre, primary.pool)
    for role, need in ((CentreRole.SAME_CITY, spec.same_city), (CentreRole.REMOTE_DR, spec.remote_dr)):
        if need != Need.REQUIRED or any(r.role == ROLE_OF[role] for r in out):
            continue
        targets = region.centres_with(role)
        if not targets:
            raise PlacementError(
                f"system {system.name}: class {system.business_class.value} needs a {role.value} copy "
                f"but region {region.name} has no {role.value} centre (R-BC-01)"
            )
        centre = targets[0]
        pool = next((p for p in centre.pools if p.security_domain == domain), None)
        if pool is None:
            raise PlacementError(
                f"system {system.name}: class {system.business_class.value} needs a {role.value} copy "
                f"in {centre.name}, which has no {domain} pool (R-BC-01)"
            )
        out.append(_replica(centre, pool.name, derived=True))
    return tuple(out)


def _pool_domain(region: Region, centre_name: str, pool_name: str) -> str:
    centre = region.centre(centre_name)
    pool = centre.pool(pool_name) if centre else None
    assert pool is not None
    return pool.security_domain


def _replica(centre: Centre, pool_name: str, *, derived: bool) -> ReplicaArgs:
    az = next(z for z in centre.azs if any(p.name == pool_name for p in z.pools))
    pool = next(p for p in az.pools if p.name == pool_name)
    return ReplicaArgs(
        centre=centre.name, cloud=centre.cloud.value, cloud_region=centre.cloud_region, pool=pool_name,
        az=az.name, tier=pool.tier.value, role=ROLE_OF[centre.role], derived=derived,
    )


def encryption_required(system: System) -> bool:
    """SM4 at rest is mandatory from data level 3 up (R-DC-01), or when the system asks for it."""
    return DATA_LEVELS[system.data_level].encryption_required or system.protection.encryption.at_least(
        EncryptionScope.FILE
    )


def placement_args(region: Region, system: System) -> PlacementArgs:
    return PlacementArgs(
        region=region.name, system=system.name, kind=system.kind.value,
        business_class=system.business_class.value, data_level=system.data_level,
        block_gib=system.storage.block_gib, encryption_required=encryption_required(system),
        algorithm=system.protection.algorithm.value, rpo_s=system.rpo_s, rto_s=system.rto_s,
        same_city_mode=system.replication.same_city.value, remote_mode=system.replication.remote.value,
        replicas=replicas(region, system),
    )


def centre_encryption(region: Region, centre: Centre) -> EncryptionArgs:
    """What the centre's key and volume types must provide for the systems placed in it."""
    placed = [s for s in region.systems if any(r.centre == centre.name for r in replicas(region, s))]
    needing = [s for s in placed if encryption_required(s)]
    scope = max((s.protection.encryption for s in needing), key=lambda e: e.rank, default=EncryptionScope.NONE)
    return EncryptionArgs(
        required=bool(needing), algorithm="sm4", scope=scope.value,
        max_data_level=max((s.data_level for s in placed), default=1),
        rotation_days=KEY_ROTATION_MAX_DAYS,
    )


def replication_target(region: Region, centre: Centre) -> ReplicationTarget | None:
    """Production and same-city centres replicate objects to the remote DR centre (R-BC-02)."""
    if centre.role not in (CentreRole.PRODUCTION, CentreRole.SAME_CITY):
        return None
    targets = region.centres_with(CentreRole.REMOTE_DR)
    if not targets:
        return None
    dr = targets[0]
    return ReplicationTarget(
        centre=dr.name, cloud=dr.cloud.value, cloud_region=dr.cloud_region,
        bucket=bucket_name(region.name, dr.name, "objects"), max_lag_s=OBJECT_REPLICATION_LAG_MAX_S,
    )


def replication_sources(region: Region, centre: Centre) -> tuple[ReplicationSource, ...]:
    """The centres whose objects replicate into ``centre`` (the inverse of :func:`replication_target`)."""
    return tuple(
        ReplicationSource(other.name, other.cloud.value)
        for other in region.centres
        if (target := replication_target(region, other)) is not None and target.centre == centre.name
    )


def storage_args(region: Region, centre: Centre) -> StorageArgs:
    profile = region.storage
    tiers = tuple(dict.fromkeys(pool.tier.value for pool in centre.pools))
    return StorageArgs(
        region=region.name, centre=centre.name, cloud=centre.cloud.value, cloud_region=centre.cloud_region,
        tiers=tiers,
        block_replicas=profile.block.replicas, block_rack_spread=profile.block.rack_spread,
        qos_iops=profile.block.qos_iops, qos_mbps=profile.block.qos_mbps,
        object_replicas=profile.object.replicas, object_ec_data=profile.object.ec_data,
        object_ec_parity=profile.object.ec_parity, object_rack_spread=profile.object.rack_spread,
        archive_worm=profile.archive.worm, archive_retention_years=profile.archive.retention_years,
        snapshot_times=tuple(profile.snapshots.times), snapshot_retention_days=profile.snapshots.retention_days,
        encryption=centre_encryption(region, centre),
        objects_bucket=bucket_name(region.name, centre.name, "objects"),
        archive_bucket=bucket_name(region.name, centre.name, "archive"),
        snapshot_bucket=bucket_name(region.name, centre.name, "snapshots"),
        replicate_to=replication_target(region, centre),
        replicated_from=replication_sources(region, centre),
    )


def inter_centre_links(region: Region) -> list[Link]:
    """Links whose two ends are different centres: the ones that become cloud resources."""
    centres = {c.name for c in region.centres}
    return [k for k in region.links if k.a in centres and k.b in centres and not k.local]


def appliance_key(name: str) -> str:
    """The IPsec appliance's slot among a centre's edge addresses (apart from any link's name)."""
    return f"appliance:{name}"


def edge_addresses(region: Region, centre: Centre, plan: AddressPlan) -> dict[str, IPv4Address]:
    """The centre's edge addresses on its transit subnet, by link name and :func:`appliance_key`.

    Each inter-centre link's carrier edge router gets one, and so does the
    centre's IPsec appliance: its inside address, the next hop of every
    SM-suite link it terminates.  Slots are stable: adding a link or an
    appliance moves no other address.
    """
    names = [k.name for k in inter_centre_links(region) if centre.name in k.endpoints]
    appliance = centre.openstack.ipsec_appliance if centre.openstack else None
    if appliance is not None:
        names.append(appliance_key(appliance.name))
    return edge_hops(plan.centres[centre.name].transit, names)


def appliance_inside_address(region: Region, centre: Centre, plan: AddressPlan) -> IPv4Address | None:
    """The inside address of the centre's IPsec appliance, if it has one."""
    appliance = centre.openstack.ipsec_appliance if centre.openstack else None
    return edge_addresses(region, centre, plan)[appliance_key(appliance.name)] if appliance else None


def link_args(region: Region, link: Link, plan: AddressPlan) -> DrLinkArgs:

    def side(centre_name: str, az: str | None) -> LinkSideArgs:
        centre = region.centre(centre_name)
        assert centre is not None
        cplan = plan.centres[centre_name]
        transit = cplan.transit
        hops = edge_addresses(region, centre, plan)
        appliance = centre.openstack.ipsec_appliance if centre.openstack else None
        if appliance is not None and link.ipsec and link.suite == CipherSuite.SM:
            hop, public = hops[appliance_key(appliance.name)], str(appliance.uplink(link.carrier)[1])
        else:
            hop, public = hops[link.name], None
        return LinkSideArgs(
            centre=centre_name, cloud=centre.cloud.value, cloud_region=centre.cloud_region,
            az=az, cidr=str(cplan.cidr), transit_cidr=str(transit), next_hop=str(hop), appliance_address=public,
        )

    enc = link.encryption
    return DrLinkArgs(
        region=region.name, link=link.name, kind=link.kind.value, purpose=link.purpose.value,
        carrier=link.carrier, route_id=link.route_id, members=link.members,
        bandwidth_gbps=link.bandwidth_gbps, rtt_ms=link.rtt_ms, loss_pct=link.loss_pct, fec=link.fec,
        retransmission=link.retransmission, cross_institution=link.cross_institution,
        encryption_protocol=enc.protocol if enc else "none", cipher_suite=enc.suite.value if enc else None,
        a=side(link.a, link.a_az), b=side(link.b, link.b_az),
    )


# --- compute -----------------------------------------------------------------------------


def flavor_ladder(pool: Pool) -> tuple[FlavorArgs, ...]:
    """The pool's flavors (:func:`medcloud.capacity.flavor_sizes`), named ``<pool>.<tier>.<v>c<m>g``."""
    return tuple(
        FlavorArgs(name=f"{pool.name}.{pool.tier.value}.{v}c{m}g", vcpus=v, memory_gib=m)
        for v, m in flavor_sizes(pool)
    )


def fitting_flavor(flavors: tuple[FlavorArgs, ...], vcpus: int, memory_gib: int) -> FlavorArgs | None:
    """The smallest flavor holding ``vcpus`` and ``memory_gib``, or None."""
    size = fitting_size([(f.vcpus, f.memory_gib) for f in flavors], vcpus, memory_gib)
    return next((f for f in flavors if (f.vcpus, f.memory_gib) == size), None)


def pool_host_count(region: Region, centre: Centre, pool: Pool) -> int:
    """Hosts the pool has (its nodes) or needs: one per VM of its largest server group (R-CMP-02)."""
    if pool.nodes:
        return len(pool.nodes)
    groups = [
        s.compute.instances for s in region.systems
        for r in replicas(region, s) if r.centre == centre.name and r.pool == pool.name
    ]
    return max([ANTI_AFFINITY_MIN_INSTANCES, *groups])


def compute_args(region: Region, centre: Centre) -> ComputeArgs:
    labels = {label.pool: label for label in pool_labels(centre)}
    pools = tuple(
        PoolComputeArgs(
            labels=labels[pool.name], cpu_family=pool.cpu_family.value, cpu_compat_level=pool.cpu_compat_level,
            hugepages_gib=pool.hugepages_gib, hosts=tuple(n.name for n in pool.nodes),
            host_count=pool_host_count(region, centre, pool), flavors=flavor_ladder(pool),
        )
        for pool in centre.pools
    )
    return ComputeArgs(
        region=region.name, centre=centre.name, cloud=centre.cloud.value, cloud_region=centre.cloud_region,
        azs={az.name: tuple(n.name for p in az.pools for n in p.nodes) for az in centre.azs}, pools=pools,
    )


def server_group_args(region: Region, system: System) -> tuple[ServerGroupArgs, ...]:
    """One anti-affinity group per copy of the system (R-CMP-02), with the flavor it runs on."""
    out = []
    for replica in replicas(region, system):
        centre = region.centre(replica.centre)
        pool = centre.pool(replica.pool) if centre else None
        assert pool is not None  # replicas() only names existing pools
        flavor = fitting_flavor(flavor_ladder(pool), system.compute.vcpus, system.compute.memory_gib)
        if flavor is None:
            raise PlacementError(
                f"system {system.name}: no flavor of pool {replica.centre}/{replica.pool} holds a "
                f"{system.compute.vcpus} vCPU / {system.compute.memory_gib} GiB VM (R-CMP-01)"
            )
        out.append(ServerGroupArgs(
            system=system.name, replica=replica, instances=system.compute.instances, flavor=flavor.name,
            labels={
                "medcloud-system": system.name, "medcloud-class": system.business_class.value,
                "medcloud-replica-role": replica.role, "medcloud-pool": replica.pool,
            },
        ))
    return tuple(out)


# --- traffic -----------------------------------------------------------------------------

#: Listener protocols whose TLS ends at the balancer (HTTP/2 and websockets ride on TLS).
TLS_TERMINATED = frozenset({"https", "http2", "websocket"})
#: Replica roles that take traffic by default: production and its same-city active-active twin.
ACTIVE_ROLES = frozenset({"primary", "same_city"})
#: GSLB manual override modes (R-BC-06).
GSLB_MODES = ("auto", "active", "failover")
#: Health probes: every GSLB_PROBE_INTERVAL_MAX_S, three misses mark a VM down.
UNHEALTHY_THRESHOLD = 3
HEALTHY_THRESHOLD = 2
GSLB_TTL_S = 60


def tls_versions(system: System) -> tuple[str, ...]:
    """TLS 1.3 only where the data level or the system asks for it (R-NET-04, R-DC-01); else 1.2 and 1.3."""
    if encryption_required(system) or system.protection.tls_min == "1.3":
        return ("1.3",)
    return ("1.2", "1.3")


def listener_args(system: System) -> tuple[ListenerArgs, ...]:
    versions = tls_versions(system)
    return tuple(
        ListenerArgs(
            protocol=listener.protocol.value, port=listener.port, layer=listener.protocol.layer,
            tls_versions=versions if listener.protocol.value in TLS_TERMINATED else (),
        )
        for listener in system.front_door.listeners
    )


def load_balancer_args(region: Region, system: System) -> tuple[LoadBalancerArgs, ...]:
    """One front door per centre the system runs in (R-NET-05), with its listeners and probes."""
    seen = [(x.protocol.value, x.port) for x in system.front_door.listeners]
    if len(set(seen)) != len(seen):
        raise TrafficError(f"system {system.name}: front_door.listeners repeat a protocol and port")
    interval = max(1, int(GSLB_PROBE_INTERVAL_MAX_S))
    health = HealthArgs(
        interval_s=interval, timeout_s=interval, healthy_threshold=HEALTHY_THRESHOLD,
        unhealthy_threshold=UNHEALTHY_THRESHOLD, path=system.front_door.health_path,
    )
    out = []
    for replica in replicas(region, system):
        centre = region.centre(replica.centre)
        assert centre is not None
        domain = _pool_domain(region, replica.centre, replica.pool)
        zones = tuple(
            subnet_key(az.name, domain) for az in centre.azs if any(p.security_domain == domain for p in az.pools)
        )
        out.append(LoadBalancerArgs(
            region=region.name, system=system.name, replica=replica, subnet=subnet_key(replica.az, domain),
            zone_subnets=zones, listeners=listener_args(system), health=health, sticky=system.sticky,
            labels={
                "medcloud-system": system.name, "medcloud-class": system.business_class.value,
                "medcloud-data-level": str(system.data_level), "medcloud-replica-role": replica.role,
                "medcloud-pool": replica.pool,
            },
        ))
    return tuple(out)


def gslb_args(region: Region, system: System, mode: str = "auto") -> GslbArgs:
    """The system's GSLB record: every copy the class requires is a pool (R-BC-01, R-BC-06)."""
    if mode not in GSLB_MODES:
        raise TrafficError(f"system {system.name}: GSLB mode {mode!r} is not one of {', '.join(GSLB_MODES)}")
    pools = tuple(
        GslbPoolArgs(centre=r.centre, cloud=r.cloud, role=r.role, active=r.role in ACTIVE_ROLES)
        for r in replicas(region, system)
    )
    return GslbArgs(
        region=region.name, system=system.name, business_class=system.business_class.value,
        zone=f"{region.name}.medcloud.internal.", record=system.name, ttl_s=GSLB_TTL_S,
        probe_interval_s=GSLB_PROBE_INTERVAL_MAX_S, switch_max_s=GSLB_SWITCH_MAX_S,
        probe_port=system.front_door.listeners[0].port, pools=pools, mode=mode,
    )
