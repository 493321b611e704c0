"""Business-continuity and data-protection checks (R-BC-01…03, R-DC-01, R-DC-02, R-ST-01, R-ST-02)."""

from __future__ import annotations

from collections.abc import Iterator

from medcloud.checks.findings import Finding, check, error
from medcloud.model import CentreRole, Region, ReplicationMode, SnapshotPolicy, System
from medcloud.model import standards as std
from medcloud.model.systems import Algorithm

# --- pure rules ---------------------------------------------------------------


def roles_of(region: Region, system: System) -> set[CentreRole]:
    """The centre roles a system has a copy in."""
    return {c.role for p in system.placements if (c := region.centre(p.centre)) is not None}


def rto_ok(spec_max: float, declared: float, strict: bool) -> bool:
    return declared < spec_max if strict else declared <= spec_max


def snapshot_gaps(policy: SnapshotPolicy) -> list[str]:
    """R-BC-03: what a snapshot policy lacks against 00/06/12/18, kept 7 days."""
    gaps = [f"no snapshot at {t}" for t in std.SNAPSHOT_TIMES if t not in policy.times]
    if policy.retention_days < std.SNAPSHOT_RETENTION_DAYS:
        gaps.append(f"kept {policy.retention_days} days (at least {std.SNAPSHOT_RETENTION_DAYS})")
    return gaps


def object_redundancy_ok(replicas: int | None, ec_data: int | None, ec_parity: int | None) -> bool:
    """R-ST-02: 3 or 4 replicas, or erasure coding k+m with m >= 2 (2+2, 4+2, 8+3 are the tender's examples)."""
    if ec_data is not None or ec_parity is not None:
        return ec_data is not None and ec_data >= 1 and ec_parity is not None \
            and ec_parity >= std.OBJECT_EC_MIN_PARITY
    return replicas in std.OBJECT_REPLICA_CHOICES


def object_storage_gaps(
    replicas: int | None, ec_data: int | None, ec_parity: int | None, rack_spread: int,
) -> list[str]:
    """R-ST-02: what an object-storage profile lacks; shared by the model check and the component policy."""
    if not object_redundancy_ok(replicas, ec_data, ec_parity):
        shown = f"EC {ec_data}+{ec_parity}" if ec_data or ec_parity else f"{replicas} replicas"
        examples = ", ".join(f"{d}+{p}" for d, p in std.OBJECT_EC_EXAMPLES)
        allowed = " or ".join(str(r) for r in std.OBJECT_REPLICA_CHOICES)
        return [f"object storage uses {shown} (allowed: {allowed} replicas, or EC k+m with m >= "
                f"{std.OBJECT_EC_MIN_PARITY}, e.g. {examples})"]
    if ec_data is None and replicas == 3 and rack_spread < std.OBJECT_3_REPLICA_MIN_RACKS:
        return [f"3-replica object storage spans {rack_spread} racks (needs {std.OBJECT_3_REPLICA_MIN_RACKS})"]
    return []


# --- checks --------------------------------------------------------------------


@check("R-BC-01", "business class: same-city and remote copies, RPO and RTO per class A/B/C")
def business_class(region: Region) -> Iterator[Finding]:
    for si, system in enumerate(region.systems):
        spec = std.BUSINESS_CLASSES[system.business_class]
        cls = f"class-{system.business_class.value} system {system.name!r}"
        roles = roles_of(region, system)
        if spec.same_city == std.Need.REQUIRED:
            if CentreRole.SAME_CITY not in roles:
                yield error("R-BC-01", f"{cls} has no same-city active-active copy", "systems", si, "placements")
            if system.replication.same_city == ReplicationMode.NONE:
                yield error("R-BC-01", f"{cls} does not replicate to the same-city centre",
                            "systems", si, "replication", "same_city")
        if spec.remote_dr == std.Need.REQUIRED:
            if CentreRole.REMOTE_DR not in roles:
                yield error("R-BC-01", f"{cls} has no remote DR copy", "systems", si, "placements")
            if system.replication.remote == ReplicationMode.NONE:
                yield error("R-BC-01", f"{cls} does not replicate to the remote DR centre",
                            "systems", si, "replication", "remote")
        # RPO 0 is only reachable with synchronous same-city replication.
        if spec.rpo_max_s == 0 and system.replication.same_city != ReplicationMode.SYNC:
            yield error("R-BC-01", f"{cls} needs RPO 0, which needs synchronous same-city replication",
                        "systems", si, "replication", "same_city")
        if system.rpo_s > spec.rpo_max_s:
            yield error("R-BC-01", f"{cls} declares RPO {system.rpo_s:g} s (at most {spec.rpo_max_s:g} s)",
                        "systems", si, "rpo_s")
        if not rto_ok(spec.rto_max_s, system.rto_s, spec.rto_strict):
            bound = "below" if spec.rto_strict else "at most"
            yield error("R-BC-01", f"{cls} declares RTO {system.rto_s:g} s ({bound} {spec.rto_max_s:g} s)",
                        "systems", si, "rto_s")


@check("R-BC-02", "remote async replication lag ≤ 15 min, object replication ≤ 1 min")
def replication_lag(region: Region) -> Iterator[Finding]:
    for si, system in enumerate(region.systems):
        rep = system.replication
        if rep.remote == ReplicationMode.ASYNC:
            if rep.remote_lag_s is None:
                yield error("R-BC-02", f"{system.name!r} replicates asynchronously without a declared lag",
                            "systems", si, "replication")
            elif rep.remote_lag_s > std.REMOTE_ASYNC_LAG_MAX_S:
                yield error("R-BC-02", f"{system.name!r} remote lag {rep.remote_lag_s:g} s exceeds "
                            f"{std.REMOTE_ASYNC_LAG_MAX_S} s", "systems", si, "replication", "remote_lag_s")
        if rep.remote != ReplicationMode.NONE and system.storage.object_tib > 0:
            if rep.object_lag_s is None:
                yield error("R-BC-02", f"{system.name!r} replicates object data without a declared lag",
                            "systems", si, "replication")
            elif rep.object_lag_s > std.OBJECT_REPLICATION_LAG_MAX_S:
                yield error("R-BC-02", f"{system.name!r} object lag {rep.object_lag_s:g} s exceeds "
                            f"{std.OBJECT_REPLICATION_LAG_MAX_S} s", "systems", si, "replication", "object_lag_s")


@check("R-BC-03", "block snapshots at 00:00, 06:00, 12:00, 18:00, kept 7 days")
def snapshots(region: Region) -> Iterator[Finding]:
    for gap in snapshot_gaps(region.storage.snapshots):
        yield error("R-BC-03", f"region snapshot policy: {gap}", "storage", "snapshots")
    for si, system in enumerate(region.systems):
        if system.snapshots is None or system.storage.block_gib == 0:
            continue
        for gap in snapshot_gaps(system.snapshots):
            yield error("R-BC-03", f"{system.name!r} snapshot policy: {gap}", "systems", si, "snapshots")


@check("R-DC-01", "data level: RPO, RTO, SM4 encryption, access control and audit per level 1–5")
def data_level(region: Region) -> Iterator[Finding]:
    for si, system in enumerate(region.systems):
        spec = std.DATA_LEVELS[system.data_level]
        what = f"level-{system.data_level} ({spec.name}) system {system.name!r}"
        prot = system.protection
        if spec.rpo_max_s is not None and system.rpo_s > spec.rpo_max_s:
            yield error("R-DC-01", f"{what} declares RPO {system.rpo_s:g} s (at most {spec.rpo_max_s:g} s)",
                        "systems", si, "rpo_s")
        if spec.rto_max_s is not None and system.rto_s > spec.rto_max_s:
            yield error("R-DC-01", f"{what} declares RTO {system.rto_s:g} s (at most {spec.rto_max_s:g} s)",
                        "systems", si, "rto_s")
        if spec.encryption_required and prot.algorithm != Algorithm.SM4:
            yield error("R-DC-01", f"{what} must be SM4-encrypted, not {prot.algorithm.value}",
                        "systems", si, "protection", "algorithm")
        if not prot.encryption.at_least(spec.encryption):
            yield error("R-DC-01", f"{what} encrypts at {prot.encryption.value} level "
                        f"(needs {spec.encryption.value} or stronger)", "systems", si, "protection", "encryption")
        if not prot.access.at_least(spec.access):
            yield error("R-DC-01", f"{what} uses {prot.access.value} access control "
                        f"(needs {spec.access.value} or finer)", "systems", si, "protection", "access")
        if not prot.audit.at_least(spec.audit):
            yield error("R-DC-01", f"{what} audits {prot.audit.value} (needs {spec.audit.value} or more often)",
                        "systems", si, "protection", "audit")


@check("R-DC-02", "core data copied across rooms; archives ≥ 30 years on WORM storage")
def durability(region: Region) -> Iterator[Finding]:
    archive = region.storage.archive
    if not archive.worm:
        yield error("R-DC-02", "archive storage is not WORM", "storage", "archive", "worm")
    if archive.retention_years < std.ARCHIVE_RETENTION_MIN_YEARS:
        yield error("R-DC-02", f"archive retention {archive.retention_years} years (at least "
                    f"{std.ARCHIVE_RETENTION_MIN_YEARS})", "storage", "archive", "retention_years")
    for si, system in enumerate(region.systems):
        if system.data_level >= std.SENSITIVE_DATA_LEVEL and len({p.centre for p in system.placements}) < 2:
            yield error("R-DC-02", f"core data of {system.name!r} lives in a single centre",
                        "systems", si, "placements")
        if 0 < system.storage.archive_years < std.ARCHIVE_RETENTION_MIN_YEARS:
            yield error("R-DC-02", f"{system.name!r} archives for {system.storage.archive_years} years "
                        f"(at least {std.ARCHIVE_RETENTION_MIN_YEARS})", "systems", si, "storage", "archive_years")


@check("R-ST-01", "block storage: 3 replicas on 3 racks")
def block_storage(region: Region) -> Iterator[Finding]:
    block = region.storage.block
    if block.replicas < std.BLOCK_MIN_REPLICAS:
        yield error("R-ST-01", f"block storage keeps {block.replicas} replicas (at least {std.BLOCK_MIN_REPLICAS})",
                    "storage", "block", "replicas")
    if block.rack_spread < min(block.replicas, std.BLOCK_MIN_REPLICAS):
        yield error("R-ST-01", f"block replicas span {block.rack_spread} racks (needs {std.BLOCK_MIN_REPLICAS})",
                    "storage", "block", "rack_spread")


@check("R-ST-02", "object storage: 3/4 replicas or EC k+m with m ≥ 2; 3 replicas over 3 racks")
def object_storage(region: Region) -> Iterator[Finding]:
    obj = region.storage.object
    for gap in object_storage_gaps(obj.replicas, obj.ec_data, obj.ec_parity, obj.rack_spread):
        where = ("rack_spread",) if object_redundancy_ok(obj.replicas, obj.ec_data, obj.ec_parity) else ()
        yield error("R-ST-02", gap, "storage", "object", *where)
