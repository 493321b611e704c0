"""Storage policies on cloud resources: R-DC-02 (WORM retention) and R-BC-03 (snapshot schedule).

OSS's locked WORM configuration is enforced by the cloud: it passes or fails.  A
Swift container's :data:`WORM_META` / :data:`RETENTION_META` and its
:data:`DECLARED_REPLICA_META` are markers Swift never enforces (no object lock, no
Swift → OSS replication): a marker that contradicts the requirement fails, one
that agrees is reported by an advisory ``…-marker-declared`` policy as *declared*,
never as a pass.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from medcloud.components.backends.alicloud.types import BUCKET_WORM as ALI_BUCKET_WORM
from medcloud.components.backends.alicloud.types import SNAPSHOT_POLICY as ALI_SNAPSHOT_POLICY
from medcloud.components.backends.openstack.types import CONTAINER as OS_CONTAINER
from medcloud.components.backends.openstack.types import DECLARED_REPLICA_META, RETENTION_META, WORM_META
from medcloud.model import SnapshotPolicy
from medcloud.model import standards as std
from medcloud.policy.registry import Report, marker_policy, resource_policy
from medcloud.policy.rules import alicloud_snapshot_times, plain, snapshot_gaps, worm_days_ok


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


def _number(value: Any) -> float | None:
    try:
        return float(str(value))
    except ValueError:
        return None


def _worm_marker(props: Any) -> str | None:
    meta = props.get("metadata") or {}
    days = _number(meta.get(RETENTION_META))
    # A contradicting marker is r-dc-02-worm-retention's violation; an agreeing one is only declared.
    if str(meta.get(WORM_META)).lower() != "true" or days is None or not worm_days_ok(days):
        return None
    return (f"archive container {props.get('name')!r} carries {WORM_META}=true, {RETENTION_META}={days:g}; "
            "Swift has no object lock, so nothing enforces it")


def _replica_marker(props: Any) -> str | None:
    target = (props.get("metadata") or {}).get(DECLARED_REPLICA_META)
    if not target:
        return None
    return (f"container {props.get('name')!r} declares a replica in {target} ({DECLARED_REPLICA_META}); "
            "no provider resource replicates Swift to OSS")


marker_policy(
    "r-dc-02-worm-marker-declared", "R-DC-02",
    f"R-DC-02: a Swift archive container's {WORM_META}/{RETENTION_META} metadata is a marker Swift never "
    "enforces (no object lock): WORM there is declared, never compliant",
    types=(OS_CONTAINER,), declared=_worm_marker,
)
marker_policy(
    "r-bc-02-replica-marker-declared", "R-BC-02",
    f"R-BC-02: a Swift container's {DECLARED_REPLICA_META} metadata names a replica no Swift mechanism "
    "maintains (Swift cannot replicate to OSS): declared, never compliant",
    types=(OS_CONTAINER,), declared=_replica_marker,
)


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
