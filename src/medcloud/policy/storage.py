"""Storage policies on cloud resources: R-DC-02 (WORM retention) and R-BC-03 (snapshot schedule)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from medcloud.model import SnapshotPolicy
from medcloud.model import standards as std
from medcloud.policy.registry import Report, resource_policy
from medcloud.policy.rules import alicloud_snapshot_times, plain, snapshot_gaps, worm_days_ok

ALI_BUCKET_WORM = "alicloud:oss/bucketWorm:BucketWorm"
ALI_SNAPSHOT_POLICY = "alicloud:ecs/autoSnapshotPolicy:AutoSnapshotPolicy"
OS_CONTAINER = "openstack:objectstorage/container:Container"
#: Metadata medcloud's OpenStack backend sets on archive containers (the WORM gateway enforces them).
WORM_META, RETENTION_META = "medcloud-worm", "medcloud-retention-days"


@resource_policy(
    "r-dc-02-worm-retention", "R-DC-02",
    f"R-DC-02: archive buckets are WORM-locked for at least {std.ARCHIVE_RETENTION_MIN_YEARS} years",
    types=(ALI_BUCKET_WORM, OS_CONTAINER),
)
def worm_retention(args: Any, report: Report) -> None:
    if args.resource_type == OS_CONTAINER:
        meta = args.props.get("metadata") or {}
        if WORM_META not in meta and RETENTION_META not in meta:
            return  # not an archive container
        if str(meta.get(WORM_META)).lower() != "true":
            report(f"R-DC-02: archive container {args.props.get('name')!r} is not WORM ({WORM_META}="
                   f"{meta.get(WORM_META)})")
        days = meta.get(RETENTION_META)
    elif args.resource_type == ALI_BUCKET_WORM:
        days = args.props.get("retentionPeriodInDays")
    else:
        return
    try:
        value = float(str(days))
    except ValueError:
        report(f"R-DC-02: WORM retention {days!r} is not a number of days")
        return
    if not worm_days_ok(value):
        report(f"R-DC-02: WORM retention {value:g} days (at least {std.ARCHIVE_RETENTION_MIN_DAYS}, "
               f"{std.ARCHIVE_RETENTION_MIN_YEARS} years)")
    status = args.props.get("status") if args.resource_type == ALI_BUCKET_WORM else None
    if status is not None and str(status) not in ("Locked", "InProgress"):
        report(f"R-DC-02: WORM configuration is {status} (lock it)")


@resource_policy(
    "r-bc-03-snapshot-schedule", "R-BC-03",
    "R-BC-03: automatic block snapshots at 00:00, 06:00, 12:00 and 18:00, kept 7 days",
    types=(ALI_SNAPSHOT_POLICY,),
)
def snapshot_schedule(args: Any, report: Report) -> None:
    if args.resource_type != ALI_SNAPSHOT_POLICY:
        return
    props = args.props
    try:
        days = int(props.get("retentionDays") or 0)
        # -1 is AliCloud's "keep until deleted": longer than any minimum.
        policy = SnapshotPolicy(times=alicloud_snapshot_times(plain(props.get("timePoints") or [])),
                                retention_days=std.SNAPSHOT_RETENTION_DAYS if days == -1 else days)
    except (ValidationError, TypeError, ValueError):
        report(f"R-BC-03: cannot read timePoints {plain(props.get('timePoints'))!r} / retentionDays "
               f"{props.get('retentionDays')!r}")
        return
    for gap in snapshot_gaps(policy):
        report(f"R-BC-03: {gap}")
