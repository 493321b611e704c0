"""Policies on medcloud's own components, by the cloud-neutral arguments they were given.

Components pass their args dataclass as inputs (``medcloud.components.args``),
so a policy can judge what a component was *asked* to build before any
provider resource exists.  Matching is by input shape, not by type token, so
a renamed component is still checked; each check reuses the model checks'
pure rules and the standards' figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from medcloud.model import SnapshotPolicy
from medcloud.model import standards as std
from medcloud.policy.registry import Report, resource_policy
from medcloud.policy.rules import any_to_any, object_storage_gaps, plain, snapshot_gaps, tls_version

COMPONENT_PREFIX = "medcloud:"


def _component(args: Any, *keys: str) -> Mapping[str, Any] | None:
    """The inputs of a medcloud component that has all of ``keys``, else None."""
    if not str(args.resource_type).startswith(COMPONENT_PREFIX):
        return None
    props = args.props
    return props if all(k in props for k in keys) else None


@resource_policy(
    "r-bc-01-component-replicas", "R-BC-01",
    "R-BC-01: a placement keeps the copies its business class needs (A: same-city and remote DR; "
    "B: same-city)",
    types=("medcloud:*",),
)
def placement_replicas(args: Any, report: Report) -> None:
    props = _component(args, "business_class", "replicas", "system")
    if props is None:
        return
    try:
        spec = std.BUSINESS_CLASSES[std.BusinessClass(str(props["business_class"]))]
    except ValueError:
        report(f"R-BC-01: unknown business class {props['business_class']!r}")
        return
    roles = {str(r.get("role")) for r in plain(props["replicas"]) if isinstance(r, Mapping)}
    cls = f"class-{props['business_class']} system {props['system']!r}"
    if spec.same_city == std.Need.REQUIRED and "same_city" not in roles:
        report(f"R-BC-01: {cls} has no same-city active-active replica")
    if spec.remote_dr == std.Need.REQUIRED and "remote_dr" not in roles:
        report(f"R-BC-01: {cls} has no remote DR replica")


@resource_policy(
    "r-bc-02-component-replication-lag", "R-BC-02",
    f"R-BC-02: object replication lag at most {std.OBJECT_REPLICATION_LAG_MAX_S} s, remote async lag at most "
    f"{std.REMOTE_ASYNC_LAG_MAX_S} s",
    types=("medcloud:*",),
)
def replication_lag(args: Any, report: Report) -> None:
    props = _component(args, "replicate_to")
    if props is None or not isinstance(props.get("replicate_to"), Mapping):
        return
    lag = props["replicate_to"].get("max_lag_s")
    if lag is None or float(lag) > std.OBJECT_REPLICATION_LAG_MAX_S:
        report(f"R-BC-02: object replication to {props['replicate_to'].get('centre')!r} allows {lag} s lag "
               f"(at most {std.OBJECT_REPLICATION_LAG_MAX_S} s)")


@resource_policy(
    "r-bc-03-component-snapshots", "R-BC-03",
    "R-BC-03: storage snapshots at 00:00, 06:00, 12:00 and 18:00, kept 7 days",
    types=("medcloud:*",),
)
def component_snapshots(args: Any, report: Report) -> None:
    props = _component(args, "snapshot_times", "snapshot_retention_days")
    if props is None:
        return
    try:
        policy = SnapshotPolicy(times=plain(props["snapshot_times"]),
                                retention_days=int(props["snapshot_retention_days"]))
    except (ValidationError, TypeError, ValueError):
        report(f"R-BC-03: unreadable snapshot schedule {plain(props['snapshot_times'])!r}")
        return
    for gap in snapshot_gaps(policy):
        report(f"R-BC-03: {gap}")


@resource_policy(
    "r-st-02-component-object-redundancy", "R-ST-02",
    "R-ST-02: object storage keeps 3 or 4 replicas or erasure codes 2+2, 4+2 or 8+3",
    types=("medcloud:*",),
)
def object_redundancy(args: Any, report: Report) -> None:
    props = _component(args, "object_rack_spread")
    if props is None:
        return
    replicas, data, parity = props.get("object_replicas"), props.get("object_ec_data"), props.get("object_ec_parity")
    for gap in object_storage_gaps(replicas, data, parity, int(props["object_rack_spread"])):
        report(f"R-ST-02: {gap}")


@resource_policy(
    "r-dc-02-component-worm", "R-DC-02",
    f"R-DC-02: archives are WORM-locked for at least {std.ARCHIVE_RETENTION_MIN_YEARS} years",
    types=("medcloud:*",),
)
def component_worm(args: Any, report: Report) -> None:
    props = _component(args, "archive_worm", "archive_retention_years")
    if props is None:
        return
    if not props["archive_worm"]:
        report("R-DC-02: archive bucket is not WORM")
    if int(props["archive_retention_years"]) < std.ARCHIVE_RETENTION_MIN_YEARS:
        report(f"R-DC-02: archive retention {props['archive_retention_years']} years "
               f"(at least {std.ARCHIVE_RETENTION_MIN_YEARS})")


@resource_policy(
    "r-dc-01-component-encryption", "R-DC-01",
    "R-DC-01: data of levels 3–5 is SM4-encrypted at the scope its level requires",
    types=("medcloud:*",),
)
def component_encryption(args: Any, report: Report) -> None:
    props = _component(args, "data_level", "algorithm", "encryption_required")
    enc = None
    if props is None:
        storage = _component(args, "encryption")
        enc = storage.get("encryption") if storage is not None else None
        if not isinstance(enc, Mapping) or "max_data_level" not in enc:
            return
        level, algorithm, required = int(enc["max_data_level"]), str(enc["algorithm"]), bool(enc["required"])
    else:
        level, algorithm, required = int(props["data_level"]), str(props["algorithm"]), \
            bool(props["encryption_required"])
    spec = std.DATA_LEVELS.get(level)
    if spec is None:
        return
    if spec.encryption_required and (not required or algorithm.lower() != "sm4"):
        state = f"encrypted with {algorithm}" if required else "not encrypted"
        report(f"R-DC-01: level-{level} ({spec.name}) data is {state} (needs SM4)")
    if enc is not None:
        try:
            scope = std.EncryptionScope(str(enc.get("scope")))
        except ValueError:
            report(f"R-DC-01: unknown encryption scope {enc.get('scope')!r}")
            return
        if not scope.at_least(spec.encryption):
            report(f"R-DC-01: encryption at {scope.value} level for level-{level} data "
                   f"(needs {spec.encryption.value} or stronger)")


@resource_policy(
    "r-net-02-component-flows", "R-NET-02",
    "R-NET-02: pool security groups allow named flows only; no any-protocol, any-port rule from anywhere",
    types=("medcloud:*",),
)
def component_flows(args: Any, report: Report) -> None:
    props = _component(args, "rules")
    if props is None:
        return
    for rule in plain(props["rules"]):
        if not isinstance(rule, Mapping) or "direction" not in rule:
            continue
        if any_to_any(None if rule.get("protocol") == "any" else rule.get("protocol"),
                      rule.get("port_min"), rule.get("port_max"), rule.get("remote_cidr"), rule.get("remote_pool")):
            report(f"R-NET-02: {rule['direction']} rule on pool {rule.get('pool')!r} admits any protocol on any "
                   f"port from {rule.get('remote_cidr') or 'anywhere'} ({rule.get('reason', 'no reason')})")


@resource_policy(
    "r-net-04-component-link-crypto", "R-NET-04",
    "R-NET-04: cross-institution links use IPsec with the SM suite; TLS links use TLS 1.3",
    types=("medcloud:*",),
)
def component_link_crypto(args: Any, report: Report) -> None:
    props = _component(args, "link", "encryption_protocol", "cross_institution")
    if props is None:
        return
    protocol, suite = str(props["encryption_protocol"]), props.get("cipher_suite")
    name = props["link"]
    if props["cross_institution"]:
        if protocol != "ipsec":
            report(f"R-NET-04: cross-institution link {name!r} uses {protocol} (needs IPsec with SM-suite crypto)")
        elif suite != "sm":
            report(f"R-NET-04: cross-institution link {name!r} runs IPsec with the {suite or 'default'} suite "
                   "(needs SM)")
    if protocol.startswith("tls"):
        version = tls_version(protocol)
        if version is None or version < std.TLS_MIN_VERSION:
            report(f"R-NET-04: link {name!r} uses {protocol} (TLS 1.3 only)")
