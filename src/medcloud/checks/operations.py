"""Checks on declared operating regimes (R-BC-05, R-BC-08, R-DC-03, R-ST-04, R-ST-05, R-BAK-01, R-NET-06).

None of these facts is a cloud resource: a region declares them, the checks
compare the declaration with the standards' figures, and a declaration that
meets them is reported ``declared`` (with the evidence documents the region
attaches), never compliant.  A missing or weaker declaration is a violation.
"""

from __future__ import annotations

from collections.abc import Iterator

from medcloud.checks.findings import Finding, check, declared, error
from medcloud.model import CentreRole, Region, ReplicationMode
from medcloud.model import standards as std


@check("R-BC-05", "same-city storage 2+2 synchronous write; core databases by consensus or shared-storage dual write")
def same_city_storage(region: Region) -> Iterator[Finding]:
    for si, system in enumerate(region.systems):
        spec = std.BUSINESS_CLASSES[system.business_class]
        if spec.same_city != std.Need.REQUIRED:
            continue
        rep, name = system.replication, system.name
        ok = True
        if rep.same_city != ReplicationMode.SYNC:
            ok = False
            yield error("R-BC-05", f"{name!r} writes to the same-city centre {rep.same_city.value} "
                        "(ACK only after the synchronous write)", "systems", si, "replication", "same_city")
        if (rep.write_replicas or 0) < std.SAME_CITY_MIN_WRITE_REPLICAS:
            ok = False
            yield error("R-BC-05", f"{name!r} keeps {rep.write_replicas or 'no declared'} synchronous write "
                        f"replicas (at least {std.SAME_CITY_MIN_WRITE_REPLICAS}, 2+2)",
                        "systems", si, "replication", "write_replicas")
        if system.business_class == std.BusinessClass.A and (
                rep.database is None or rep.database.value not in std.CORE_DB_CONSISTENCY):
            ok = False
            shown = rep.database.value if rep.database else "none declared"
            yield error("R-BC-05", f"core database of {name!r} commits by {shown} (needs Raft, Paxos or "
                        "shared-storage dual write)", "systems", si, "replication", "database")
        if ok:
            how = rep.database.value if rep.database else "storage-level"
            yield declared("R-BC-05", f"{name!r}: {rep.write_replicas} synchronous write replicas, {how} commit — "
                           "declared by the region; no resource shows the storage cluster's write path",
                           "systems", si, "replication")


@check("R-BC-08", "remote DR active-standby, daily read-only verification, canary failback, bursts to 100 %")
def dr_operation(region: Region) -> Iterator[Finding]:
    for ci, centre in enumerate(region.centres):
        if centre.role != CentreRole.REMOTE_DR:
            continue
        dr = centre.dr
        if dr is None:
            yield error("R-BC-08", f"remote DR centre {centre.name!r} declares no DR operation", "centres", ci, "dr")
            continue
        gaps = []
        if dr.mode != std.DR_MODE:
            gaps.append(f"runs {dr.mode} (needs active-standby)")
        if dr.readonly_verification_days is None or \
                dr.readonly_verification_days > std.DR_READONLY_VERIFICATION_MAX_DAYS:
            gaps.append("no daily read-only verification")
        if not dr.canary_failback:
            gaps.append("no gradual (canary) failback")
        if dr.burst_pct < std.DR_BURST_MIN_PCT:
            gaps.append(f"bursts to {dr.burst_pct} % (needs {std.DR_BURST_MIN_PCT} %)")
        for gap in gaps:
            yield error("R-BC-08", f"remote DR centre {centre.name!r} {gap}", "centres", ci, "dr")
        if not gaps:
            yield declared("R-BC-08", f"{centre.name!r} declares active-standby with daily read-only checks and "
                           f"canary failback, bursting to {dr.burst_pct} % — proven only by drills (R-BC-07)",
                           "centres", ci, "dr")


@check("R-DC-03", "storage availability ≥ 99.95 % a year, annual loss probability < 1e-9")
def storage_durability(region: Region) -> Iterator[Finding]:
    dur = region.storage.durability
    if dur is None:
        yield error("R-DC-03", "the region declares no storage availability or loss probability",
                    "storage", "durability")
        return
    ok = True
    if dur.availability_pct < std.STORAGE_AVAILABILITY_MIN_PCT:
        ok = False
        yield error("R-DC-03", f"storage availability {dur.availability_pct:g} % (at least "
                    f"{std.STORAGE_AVAILABILITY_MIN_PCT:g} %)", "storage", "durability", "availability_pct")
    if dur.annual_loss_probability >= std.STORAGE_ANNUAL_LOSS_MAX:
        ok = False
        yield error("R-DC-03", f"annual loss probability {dur.annual_loss_probability:g} (below "
                    f"{std.STORAGE_ANNUAL_LOSS_MAX:g})", "storage", "durability", "annual_loss_probability")
    if ok:
        yield declared("R-DC-03", f"availability {dur.availability_pct:g} %, annual loss "
                       f"{dur.annual_loss_probability:g}: the storage vendor's figures", "storage", "durability")


@check("R-ST-04", "cold data tiers and tiering of rarely accessed medical data")
def tiering(region: Region) -> Iterator[Finding]:
    tier = region.storage.tiering
    if tier is None:
        yield error("R-ST-04", "the region declares no cold tier for rarely accessed data", "storage", "tiering")
        return
    cold = sorted(set(tier.tiers) & std.COLD_TIERS)
    if not cold:
        yield error("R-ST-04", f"tiers {', '.join(tier.tiers)} include no cold tier "
                    f"({', '.join(sorted(std.COLD_TIERS))})", "storage", "tiering", "tiers")
        return
    yield declared("R-ST-04", f"data idle {tier.cold_after_days} days moves to {', '.join(cold)} (declared; "
                   "object-store lifecycle rules are checked on the resources)", "storage", "tiering")


@check("R-ST-05", "daily block checksums, object SM3 hashes, alarm ≤ 1 min, monthly 5 % restore drill")
def integrity(region: Region) -> Iterator[Finding]:
    integ = region.storage.integrity
    if integ is None:
        yield error("R-ST-05", "the region declares no integrity scrubbing", "storage", "integrity")
        return
    gaps = []
    if integ.block_checksum_hours > std.INTEGRITY_CHECK_MAX_HOURS:
        gaps.append(("block_checksum_hours", f"block checksums every {integ.block_checksum_hours} h (daily)"))
    if not integ.object_sm3:
        gaps.append(("object_sm3", "objects carry no SM3 hash"))
    if integ.alarm_s > std.INTEGRITY_ALARM_MAX_S:
        gaps.append(("alarm_s", f"difference alarm after {integ.alarm_s} s (≤ {std.INTEGRITY_ALARM_MAX_S} s)"))
    if integ.restore_drill_days > std.RESTORE_DRILL_MAX_DAYS:
        gaps.append(("restore_drill_days", f"restore drill every {integ.restore_drill_days} days (monthly)"))
    if integ.restore_sample_pct < std.RESTORE_DRILL_MIN_SAMPLE_PCT:
        gaps.append(("restore_sample_pct", f"restore drill samples {integ.restore_sample_pct:g} % "
                     f"(≥ {std.RESTORE_DRILL_MIN_SAMPLE_PCT:g} %)"))
    for field, gap in gaps:
        yield error("R-ST-05", gap, "storage", "integrity", field)
    if not gaps:
        yield declared("R-ST-05", "integrity scrub declared (daily checksums, SM3 per object, alarm ≤ 1 min, "
                       "monthly 5 % restore drill): only scrub logs and drill reports prove it",
                       "storage", "integrity")


@check("R-BAK-01", "full, incremental and differential backups, always encrypted, a local copy per institution")
def backups(region: Region) -> Iterator[Finding]:
    bak = region.storage.backups
    if bak is None:
        yield error("R-BAK-01", "the region declares no backup regime", "storage", "backups")
        return
    ok = True
    missing = sorted(std.BACKUP_KINDS - set(bak.kinds))
    if missing:
        ok = False
        yield error("R-BAK-01", f"no {', '.join(missing)} backups", "storage", "backups", "kinds")
    if not bak.encrypted:
        ok = False
        yield error("R-BAK-01", "backups are not encrypted", "storage", "backups", "encrypted")
    if not bak.local_copy:
        ok = False
        yield error("R-BAK-01", "institutions keep no local copy", "storage", "backups", "local_copy")
    if ok:
        yield declared("R-BAK-01", "full, incremental and differential encrypted backups declared; snapshot "
                       "encryption is checked on the resources", "storage", "backups")


@check("R-NET-06", "security devices per centre (NGFW, WAF, IPS, anti-DDoS, …); an egress firewall in series")
def security_devices(region: Region) -> Iterator[Finding]:
    for ci, centre in enumerate(region.centres):
        kinds = {d.kind for d in centre.security_devices}
        missing = [k for k in std.SECURITY_DEVICES if k not in kinds]
        if missing:
            yield error("R-NET-06", f"{centre.name!r} lists no {', '.join(missing)}", "centres", ci, "security_devices")
        if centre.role == CentreRole.PRODUCTION and not any(
                d.kind == std.EGRESS_FIREWALL and d.in_series for d in centre.security_devices):
            yield error("R-NET-06", f"production centre {centre.name!r} has no egress firewall in series at the core",
                        "centres", ci, "security_devices")
        if not missing:
            yield declared("R-NET-06", f"{centre.name!r} declares {len(centre.security_devices)} security devices "
                           "(appliances, not cloud resources)", "centres", ci, "security_devices")
