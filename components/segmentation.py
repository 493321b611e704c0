"""Micro-segmentation between pools (R-NET-02): the allowed flows, as data, and the rule maths.

Default is deny.  A pool's security group admits:

* anything from the same pool (its own security group);
* anything from other pools *of the same security domain*, in this centre or
  (by subnet CIDR) in the other centres — the replication and active-active
  traffic of one domain;
* across security domains, only the named flows in :data:`CROSS_DOMAIN_FLOWS`,
  each a single protocol and port range with a reason.

So no rule ever opens any-to-any between two security domains, and no rule
names 0.0.0.0/0.  Each ingress rule has its mirrored egress rule on the
source pool, because the groups drop their default allow-all egress.
"""

from __future__ import annotations

from dataclasses import dataclass

from medcloud.components.args import FlowRule, Protocol

from medcloud.ipam import AddressPlan, subnet_key
from medcloud.model import Centre, Region

#: Any security domain, in :data:`CROSS_DOMAIN_FLOWS`.
ANY_DOMAIN = "*"


@dataclass(frozen=True)
class Flow:
    source: str
    target: str
    protocol: Protocol
    port_min: int
    port_max: int
    reason: str


#: Flows allowed between *different* security domains (R-NET-02).  Single
#: ports over TLS/SSH only; the management domain is the operators' jump zone.
CROSS_DOMAIN_FLOWS: tuple[Flow, ...] = (
    Flow("management", ANY_DOMAIN, "tcp", 22, 22, "operator SSH from the management pool (R-SEC-07 audited)"),
    Flow("management", ANY_DOMAIN, "tcp", 9100, 9100, "metrics scrape from the management pool"),
    Flow(ANY_DOMAIN, "management", "udp", 123, 123, "NTP to the management pool"),
    Flow(ANY_DOMAIN, "management", "tcp", 6514, 6514, "syslog over TLS to the audit collector (R-SEC-05)"),
    Flow("imaging", "core-medical", "tcp", 443, 443, "PACS to HIS/EMR orders and reports over TLS 1.3"),
    Flow("core-medical", "imaging", "tcp", 443, 443, "HIS/EMR to PACS viewer over TLS 1.3"),
    Flow("dmz", "core-medical", "tcp", 443, 443, "portal to the clinical API gateway over TLS 1.3"),
    Flow("research", "imaging", "tcp", 443, 443, "research reads anonymised images over TLS 1.3"),
)


def _matches(pattern: str, domain: str) -> bool:
    return pattern in (ANY_DOMAIN, domain)


def centre_rules(region: Region, centre: Centre, plan: AddressPlan) -> tuple[FlowRule, ...]:
    """Every security-group rule of ``centre``'s pools, in a stable order."""
    rules: list[FlowRule] = []
    pools = centre.pools

    def both(src: str, dst: str, protocol: Protocol, lo: int | None, hi: int | None, why: str) -> None:
        rules.append(FlowRule(dst, "ingress", protocol, lo, hi, src, None, why))
        rules.append(FlowRule(src, "egress", protocol, lo, hi, dst, None, why))

    for pool in pools:
        both(pool.name, pool.name, "any", None, None, "within the pool")
    for src in pools:
        for dst in pools:
            if src.name == dst.name:
                continue
            if src.security_domain == dst.security_domain:
                both(src.name, dst.name, "any", None, None, f"same security domain {dst.security_domain}")
                continue
            for flow in CROSS_DOMAIN_FLOWS:
                if _matches(flow.source, src.security_domain) and _matches(flow.target, dst.security_domain):
                    both(src.name, dst.name, flow.protocol, flow.port_min, flow.port_max,
                         f"R-NET-02 {flow.reason}")
    # Same-domain traffic from the other centres (replication, active-active) by subnet CIDR.
    for pool in pools:
        for other in region.centres:
            if other.name == centre.name:
                continue
            peers = plan.centres[other.name]
            for az in other.azs:
                if any(p.security_domain == pool.security_domain for p in az.pools):
                    cidr = str(peers.subnets[subnet_key(az.name, pool.security_domain)])
                    why = f"{pool.security_domain} replication with {other.name}"
                    rules.append(FlowRule(pool.name, "ingress", "any", None, None, None, cidr, why))
                    rules.append(FlowRule(pool.name, "egress", "any", None, None, None, cidr, why))
    # Drop duplicates (two flows can match one pair) while keeping first-seen order.
    return tuple(dict.fromkeys(rules))


def cross_domain_any(rules: tuple[FlowRule, ...], domains: dict[str, str]) -> list[FlowRule]:
    """Rules that open all protocols between two different security domains (must be empty)."""
    bad = []
    for rule in rules:
        if rule.protocol != "any" or rule.remote_pool is None:
            continue
        if domains[rule.pool] != domains[rule.remote_pool]:
            bad.append(rule)
    return bad
