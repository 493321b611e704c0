"""The region: centres, links, branches and business systems — the single source of truth."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from enum import StrEnum
from ipaddress import IPv4Network

from pydantic import Field

from medcloud.model.base import Model, Name
from medcloud.model.edge import OpenStackEdge
from medcloud.model.links import CipherSuite, Link
from medcloud.model.location import Location
from medcloud.model.pools import AvailabilityZone, Pool
from medcloud.model.standards import SNAPSHOT_RETENTION_DAYS, SNAPSHOT_TIMES
from medcloud.model.systems import SnapshotPolicy, System
from medcloud.yamlio import did_you_mean


class CentreRole(StrEnum):
    """A centre's role in "two sites, three centres" (R-TOP-01)."""

    PRODUCTION = "production"
    SAME_CITY = "same_city"  # same-city active-active centre
    REMOTE_DR = "remote_dr"
    #: A local backup room (seed 002 A.2's cloud-provider backup room); not one of the three.
    BACKUP = "backup"


class Cloud(StrEnum):
    OPENSTACK = "openstack"  # private / xinchuang cloud
    ALICLOUD = "alicloud"  # public cloud


class SecurityDevice(Model):
    """A security appliance a centre runs (R-NET-06): declared, with the document that proves it."""

    kind: str = Field(pattern=r"^[a-z_]+$", description="ngfw, waf, ips, anti_ddos, … (standards.SECURITY_DEVICES)")
    product: str = Field(min_length=1)
    in_series: bool = Field(default=False, description="an egress firewall in series at the core")


class DrOperation(Model):
    """How a remote DR centre runs (R-BC-08)."""

    mode: str = Field(pattern=r"^(active_standby|active_active|cold)$")
    readonly_verification_days: int | None = Field(default=None, ge=1, description="read-only check interval")
    canary_failback: bool = False
    burst_pct: int = Field(default=0, ge=0, le=1000, description="capacity it can burst to, % of production")


class Capacity(Model):
    """Usable capacity of a centre (R-TOP-06)."""

    vcpus: int = Field(ge=0)
    memory_gib: int = Field(ge=0)
    storage_tib: float = Field(ge=0)


class Centre(Model):
    name: Name
    role: CentreRole
    cloud: Cloud
    cloud_region: str = Field(min_length=1, description="provider region: 'RegionOne', 'cn-shenzhen'…")
    location: Location
    capacity: Capacity
    ntp_servers: list[str] = Field(default_factory=list)
    azs: list[AvailabilityZone] = Field(default_factory=list)
    openstack: OpenStackEdge | None = Field(
        default=None, description="OpenStack centres: external network and SM-suite IPsec appliance",
    )
    security_devices: list[SecurityDevice] = Field(default_factory=list)
    dr: DrOperation | None = Field(default=None, description="remote DR operation (R-BC-08)")

    @property
    def pools(self) -> list[Pool]:
        return [pool for az in self.azs for pool in az.pools]

    def pool(self, name: str) -> Pool | None:
        return next((pool for pool in self.pools if pool.name == name), None)


class Branch(Model):
    """A branch hospital reached over leased lines (R-TOP-10)."""

    name: Name
    city: str = Field(min_length=1)


class BlockStorage(Model):
    replicas: int = Field(default=3, ge=1)
    rack_spread: int = Field(default=3, ge=1, description="distinct racks holding the replicas")
    qos_iops: int = Field(default=20000, ge=1)
    qos_mbps: int = Field(default=500, ge=1)


class ObjectStorage(Model):
    """Object redundancy: replicas, or erasure coding k+m (R-ST-02)."""

    replicas: int | None = Field(default=3, ge=1)
    ec_data: int | None = Field(default=None, ge=1)
    ec_parity: int | None = Field(default=None, ge=1)
    rack_spread: int = Field(default=3, ge=1)


class ArchivePolicy(Model):
    worm: bool = True
    retention_years: int = Field(default=30, ge=0)


class Integrity(Model):
    """Declared object-integrity regime (R-ST-05)."""

    block_checksum_hours: int = Field(ge=1)
    object_sm3: bool
    alarm_s: int = Field(ge=0)
    restore_drill_days: int = Field(ge=1)
    restore_sample_pct: float = Field(gt=0, le=100)


class Durability(Model):
    """Declared storage availability and loss probability (R-DC-03)."""

    availability_pct: float = Field(gt=0, le=100)
    annual_loss_probability: float = Field(ge=0, le=1)


class Tiering(Model):
    """Cold tiers and when rarely accessed data moves there (R-ST-04)."""

    cold_after_days: int = Field(ge=1)
    tiers: list[str] = Field(min_length=1, description="hdd, optical, archive…")


class Backups(Model):
    """Declared backup regime (R-BAK-01)."""

    kinds: list[str] = Field(min_length=1, description="full, incremental, differential")
    encrypted: bool
    local_copy: bool = True


class StorageProfile(Model):
    block: BlockStorage = Field(default_factory=BlockStorage)
    object: ObjectStorage = Field(default_factory=ObjectStorage)
    archive: ArchivePolicy = Field(default_factory=ArchivePolicy)
    integrity: Integrity | None = None
    durability: Durability | None = None
    tiering: Tiering | None = None
    backups: Backups | None = None
    snapshots: SnapshotPolicy = Field(
        default_factory=lambda: SnapshotPolicy(
            times=list(SNAPSHOT_TIMES), retention_days=SNAPSHOT_RETENTION_DAYS,
        )
    )


class Residency(Model):
    """Declared data residency (R-TOP-09)."""

    imaging_provinces: list[str] = Field(min_length=1, description="imaging data and its compute")
    sensitive_provinces: list[str] | None = Field(
        default=None, description="data level ≥ 4; default: imaging_provinces",
    )

    @property
    def sensitive(self) -> list[str]:
        return self.sensitive_provinces if self.sensitive_provinces is not None else self.imaging_provinces


class Waiver(Model):
    """An accepted, time-boxed deviation: findings it matches are reported as waived."""

    requirement: str = Field(pattern=r"^R-[A-Z]+-\d{2}$")
    path: str = Field(default="", description="finding path prefix it covers; empty = all")
    reason: str = Field(min_length=10)
    approved_by: str = Field(min_length=1)
    expires: dt.date


class Evidence(Model):
    """A document backing a declaration: the findings under ``path`` cite it (file + SM3 digest)."""

    requirement: str = Field(pattern=r"^R-[A-Z]+-\d{2}$")
    path: str = Field(default="", description="finding path prefix it backs; empty = all of the requirement")
    file: str = Field(min_length=1, description="relative to the region file")
    sm3: str = Field(pattern=r"^[0-9a-f]{64}$", description="SM3 digest of the file, hex")
    title: str = Field(min_length=1)


class Region(Model):
    name: Name
    description: str = ""
    address_space: IPv4Network = Field(description="private supernet the IPAM carves VPCs from")
    residency: Residency
    storage: StorageProfile = Field(default_factory=StorageProfile)
    centres: list[Centre] = Field(min_length=1)
    branches: list[Branch] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    systems: list[System] = Field(default_factory=list)
    waivers: list[Waiver] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)

    def centre(self, name: str) -> Centre | None:
        return next((c for c in self.centres if c.name == name), None)

    def centres_with(self, role: CentreRole) -> list[Centre]:
        return [c for c in self.centres if c.role == role]

    def links_between(self, a: str, b: str) -> list[Link]:
        ends = frozenset((a, b))
        return [link for link in self.links if link.endpoints == ends and not link.local]

    def reference_errors(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        """Dangling or duplicate names, as (loc, reason).  The loader turns them into input errors."""
        yield from _duplicates(("centres",), [c.name for c in self.centres], "centre")
        yield from _duplicates(("links",), [k.name for k in self.links], "link")
        yield from _duplicates(("systems",), [s.name for s in self.systems], "system")
        yield from _duplicates(("branches",), [b.name for b in self.branches], "branch")
        for ci, centre in enumerate(self.centres):
            yield from _duplicates(("centres", ci, "azs"), [a.name for a in centre.azs], "availability zone")
            seen_pools: set[str] = set()
            #: node name → its pool: a host belongs to one pool, so one host aggregate (R-TOP-08)
            hosts: dict[str, str] = {}
            for ai, az in enumerate(centre.azs):
                for pi, pool in enumerate(az.pools):
                    here = ("centres", ci, "azs", ai, "pools", pi)
                    if pool.name in seen_pools:
                        yield (*here, "name"), f"duplicate pool name {pool.name!r}"
                    seen_pools.add(pool.name)
                    levels = sorted({c.cpu_compat_level for c in pool.clusters if c.cpu_compat_level})
                    if len(levels) > 1:
                        yield (*here, "clusters"), (
                            f"clusters of pool {pool.name!r} declare different CPU compatibility levels "
                            f"{levels}: a VM could not move between its hosts (R-HW-07)"
                        )
                    for ki, cluster in enumerate(pool.clusters):
                        for ni, node in enumerate(cluster.nodes):
                            if node.name in hosts:
                                yield (*here, "clusters", ki, "nodes", ni, "name"), (
                                    f"node {node.name!r} already serves pool {hosts[node.name]!r}; "
                                    "a host belongs to exactly one pool"
                                )
                            hosts.setdefault(node.name, pool.name)
        endpoints = {c.name for c in self.centres} | {b.name for b in self.branches}
        for li, link in enumerate(self.links):
            for end in ("a", "b"):
                if getattr(link, end) not in endpoints:
                    yield ("links", li, end), (f"no centre or branch named {getattr(link, end)!r}"
                                               + did_you_mean(getattr(link, end), endpoints))
            if (link.a, link.a_az) == (link.b, link.b_az):
                yield ("links", li, "b"), "a link needs two different endpoints"
            for end in ("a", "b"):
                site, az = self.centre(getattr(link, end)), getattr(link, f"{end}_az")
                if az is not None and (site is None or az not in {z.name for z in site.azs}):
                    yield ("links", li, f"{end}_az"), f"{getattr(link, end)!r} has no availability zone {az!r}"
        yield from self._edge_errors()
        for si, system in enumerate(self.systems):
            for pi, placement in enumerate(system.placements):
                target = self.centre(placement.centre)
                if target is None:
                    yield ("systems", si, "placements", pi, "centre"), (
                        f"no centre named {placement.centre!r}"
                        + did_you_mean(placement.centre, [c.name for c in self.centres]))
                elif target.pool(placement.pool) is None:
                    yield (
                        ("systems", si, "placements", pi, "pool"),
                        f"centre {target.name!r} has no pool named {placement.pool!r}"
                        + did_you_mean(placement.pool, [p.name for p in target.pools]),
                    )


    def _edge_errors(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        """What an OpenStack centre's edge must offer for the IPsec links that end there (R-NET-04).

        An SM-suite link needs the centre's IPsec appliance (Neutron VPNaaS has no SM
        algorithms); an international-suite link runs on VPNaaS, whose service Neutron
        refuses on a router without an external gateway (``RouterIsNotExternal``).
        """
        centres = {c.name: i for i, c in enumerate(self.centres)}
        for ci, centre in enumerate(self.centres):
            if centre.openstack is not None and centre.cloud != Cloud.OPENSTACK:
                yield ("centres", ci, "openstack"), f"centre {centre.name!r} is on {centre.cloud.value}, not openstack"
            appliance = centre.openstack.ipsec_appliance if centre.openstack else None
            if appliance is not None:
                carriers: set[str] = set()
                for ui, uplink in enumerate(appliance.carrier_uplinks):
                    if uplink.carrier in carriers:
                        yield (("centres", ci, "openstack", "ipsec_appliance", "carrier_uplinks", ui, "carrier"),
                               f"carrier {uplink.carrier!r} has two uplinks")
                    carriers.add(uplink.carrier)
        for link in self.links:
            if link.local or not link.ipsec or link.a not in centres or link.b not in centres:
                continue
            for end in (link.a, link.b):
                ci = centres[end]
                centre = self.centres[ci]
                if centre.cloud != Cloud.OPENSTACK:
                    continue
                edge = centre.openstack
                if link.suite == CipherSuite.SM and (edge is None or edge.ipsec_appliance is None):
                    yield (("centres", ci, "openstack", "ipsec_appliance"),
                           f"link {link.name!r} is SM-suite IPsec: OpenStack VPNaaS cannot do SM4/SM3, so "
                           f"centre {end!r} needs the IPsec appliance that terminates it (R-NET-04)")
                elif link.suite == CipherSuite.INTERNATIONAL and edge is None:
                    yield (("centres", ci, "openstack"),
                           f"link {link.name!r} runs on Neutron VPNaaS, which needs the router's external "
                           f"network: declare openstack.external_network for centre {end!r}")


def _duplicates(loc: tuple[str | int, ...], names: list[str], what: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            yield (*loc, i, "name"), f"duplicate {what} name {name!r}"
        seen.add(name)
