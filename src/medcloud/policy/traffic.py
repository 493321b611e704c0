"""Compute and traffic policies on cloud resources: R-CMP-02 (anti-affinity server groups) and
R-BC-06 (GSLB health probe at least every second).

The probe policy is advisory: where a provider cannot be configured to the figure (AliCloud
GTM accepts a 60 s monitor interval only; Designate records have no probe at all) the region
cannot comply by configuration, so each such resource is reported as a waiver candidate
rather than blocking every preview.
"""

from __future__ import annotations

from typing import Any

from medcloud.components.backends.alicloud.types import DEPLOYMENT_SET as ALI_DEPLOYMENT_SET
from medcloud.components.backends.alicloud.types import GTM_MONITOR as ALI_GTM_MONITOR
from medcloud.components.backends.openstack.types import RECORD_SET as OS_RECORD_SET
from medcloud.components.backends.openstack.types import SERVER_GROUP as OS_SERVER_GROUP
from medcloud.model import standards as std
from medcloud.policy.registry import Enforcement, Report, resource_policy

#: Deployment-set strategies that spread instances over distinct hosts.
SPREADING = frozenset({"Availability", "AvailabilityGroup"})
#: medcloud's GSLB record sets say what they serve in their description.
GSLB_MARK = "R-BC-06"


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@resource_policy(
    "r-cmp-02-anti-affinity", "R-CMP-02",
    "R-CMP-02: a system's primary and standby never share a host: server groups are strict "
    "anti-affinity with one server per host, deployment sets spread over hosts",
    types=(OS_SERVER_GROUP, ALI_DEPLOYMENT_SET),
)
def anti_affinity(args: Any, report: Report) -> None:
    props = args.props
    if args.resource_type == OS_SERVER_GROUP:
        policy = props.get("policies")
        if policy != "anti-affinity":
            report(f"R-CMP-02: server group {props.get('name')!r} has policy {policy!r} (needs anti-affinity; "
                   "soft-anti-affinity lets two members share a host)")
        rules = props.get("rules") or {}
        per_host = _number(rules.get("maxServerPerHost"))
        if per_host is not None and per_host > 1:
            report(f"R-CMP-02: server group {props.get('name')!r} allows {per_host:g} servers per host")
    elif args.resource_type == ALI_DEPLOYMENT_SET:
        strategy = props.get("strategy")
        if strategy not in SPREADING:
            report(f"R-CMP-02: deployment set {props.get('deploymentSetName')!r} has strategy {strategy!r} "
                   f"(needs one of {sorted(SPREADING)})")


@resource_policy(
    "r-bc-06-gslb-probe", "R-BC-06",
    f"R-BC-06: GSLB health probes run at least every {std.GSLB_PROBE_INTERVAL_MAX_S:g} s so traffic "
    f"switches within {std.GSLB_SWITCH_MAX_S:g} s",
    enforcement=Enforcement.ADVISORY,
    types=(ALI_GTM_MONITOR, OS_RECORD_SET),
)
def gslb_probe(args: Any, report: Report) -> None:
    props = args.props
    if args.resource_type == ALI_GTM_MONITOR:
        interval = _number(props.get("interval"))
        if interval is None or interval > std.GSLB_PROBE_INTERVAL_MAX_S:
            report(f"R-BC-06: GTM monitor probes every {props.get('interval')} s (needs ≤ "
                   f"{std.GSLB_PROBE_INTERVAL_MAX_S:g} s); the provider accepts 60 s only: waiver candidate")
    elif args.resource_type == OS_RECORD_SET and GSLB_MARK in str(props.get("description") or ""):
        report(f"R-BC-06: Designate record {props.get('name')!r} has no health probe (needs one every "
               f"{std.GSLB_PROBE_INTERVAL_MAX_S:g} s); failover is by the manual override only: waiver candidate")
