"""Network policies on cloud resources: R-NET-01 (no CIDR overlap), R-NET-02 (no any-to-any
ingress), R-NET-04 (TLS 1.3 only, SM-suite IPsec)."""

from __future__ import annotations

from typing import Any

from medcloud.components.backends.alicloud.types import ALB_TLS as ALI_ALB_TLS
from medcloud.components.backends.alicloud.types import SECURITY_GROUP_RULE as ALI_SECGROUP_RULE
from medcloud.components.backends.alicloud.types import SLB_TLS as ALI_SLB_TLS
from medcloud.components.backends.alicloud.types import VPC as ALI_VPC
from medcloud.components.backends.alicloud.types import VPN_CONNECTION as ALI_VPN
from medcloud.components.backends.alicloud.types import VSWITCH as ALI_VSWITCH
from medcloud.components.backends.openstack.types import IKE_POLICY as OS_IKE
from medcloud.components.backends.openstack.types import IPSEC_POLICY as OS_IPSEC
from medcloud.components.backends.openstack.types import LISTENER as OS_LISTENER
from medcloud.components.backends.openstack.types import SECGROUP_RULE as OS_SECGROUP_RULE
from medcloud.components.backends.openstack.types import SUBNET as OS_SUBNET
from medcloud.components.backends.openstack.types import SUBNET_POOL as OS_SUBNET_POOL
from medcloud.policy.registry import Report, resource_policy, stack_policy
from medcloud.policy.rules import (
    AddressBlock,
    alicloud_port_range,
    any_to_any,
    cidr_overlaps,
    parse_block,
    plain,
    tls_versions_ok,
)


def _present(props: Any, key: str) -> bool:
    """Whether ``key`` is set, without reading it: a reference to a resource not created yet is unknown
    during preview, yet that it is there is all a rule needs."""
    from pulumi_policy.proxy import UnknownValueError

    try:
        return props.get(key) is not None
    except UnknownValueError:
        return True


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


@resource_policy(
    "r-net-02-no-any-to-any", "R-NET-02",
    "R-NET-02: security domains are isolated by micro-segmentation; no ingress rule admits "
    "every protocol and port from anywhere",
    types=(OS_SECGROUP_RULE, ALI_SECGROUP_RULE),
)
def no_any_to_any(args: Any, report: Report) -> None:
    props = args.props
    if args.resource_type == OS_SECGROUP_RULE:
        if props.get("direction", "ingress") != "ingress":
            return
        if _present(props, "remoteGroupId"):
            return
        if any_to_any(props.get("protocol"), _int(props.get("portRangeMin")), _int(props.get("portRangeMax")),
                      props.get("remoteIpPrefix"), None):
            report(f"R-NET-02: ingress rule {args.name!r} admits any protocol on any port from "
                   f"{props.get('remoteIpPrefix') or 'anywhere'}")
    elif args.resource_type == ALI_SECGROUP_RULE:
        if props.get("type") != "ingress" or props.get("policy", "accept") == "drop":
            return
        if _present(props, "sourceSecurityGroupId") or _present(props, "prefixListId"):
            return
        low, high = alicloud_port_range(props.get("portRange"))
        if any_to_any(props.get("ipProtocol"), low, high, props.get("cidrIp") or props.get("ipv6CidrIp"), None):
            report(f"R-NET-02: ingress rule {args.name!r} admits {props.get('ipProtocol')} on "
                   f"{props.get('portRange')} from {props.get('cidrIp') or 'anywhere'}")


def address_blocks(resources: Any) -> list[AddressBlock]:
    """The CIDR blocks declared by VPCs, VSwitches, subnets and subnet pools."""
    blocks: list[AddressBlock] = []
    for res in resources:
        props = res.props
        cidrs: list[tuple[str, bool]] = []
        if res.resource_type == ALI_VPC and props.get("cidrBlock"):
            cidrs.append((props["cidrBlock"], True))
            cidrs.extend((c, True) for c in plain(props.get("secondaryCidrBlocks") or []))
        elif res.resource_type == ALI_VSWITCH and props.get("cidrBlock"):
            cidrs.append((props["cidrBlock"], False))
        elif res.resource_type == OS_SUBNET and props.get("cidr"):
            cidrs.append((props["cidr"], False))
        elif res.resource_type == OS_SUBNET_POOL:
            cidrs.extend((c, True) for c in plain(props.get("prefixes") or []))
        owner = res.opts.parent if res.opts is not None and res.opts.parent else \
            (res.parent.urn if res.parent is not None else None)
        for cidr, container in cidrs:
            block = parse_block(str(cidr), res.urn, container=container, owner=owner)
            if block is not None:
                blocks.append(block)
    return blocks


@stack_policy(
    "r-net-01-no-cidr-overlap", "R-NET-01",
    "R-NET-01: VPC and subnet address blocks across centres and clouds never overlap",
)
def no_cidr_overlap(args: Any, report: Report) -> None:
    for first, second in cidr_overlaps(address_blocks(args.resources)):
        report(f"R-NET-01: {second.network} overlaps {first.network} of {first.urn}", second.urn)


@resource_policy(
    "r-net-04-tls13-only", "R-NET-04",
    "R-NET-04: TLS listeners and TLS policies allow TLS 1.3 only (TLS 1.0/1.1/1.2 and SSL disabled)",
    types=(ALI_SLB_TLS, ALI_ALB_TLS, OS_LISTENER),
)
def tls13_only(args: Any, report: Report) -> None:
    props = args.props
    if args.resource_type == OS_LISTENER:
        if props.get("protocol") != "TERMINATED_HTTPS":
            return
        versions = plain(props.get("tlsVersions") or [])
        if not versions:
            # Octavia's default list still offers TLS 1.2.
            report("R-NET-04: HTTPS listener leaves tlsVersions at Octavia's default (includes TLSv1.2)")
            return
    elif args.resource_type in (ALI_SLB_TLS, ALI_ALB_TLS):
        versions = plain(props.get("tlsVersions") or [])
    else:
        return
    bad = tls_versions_ok(versions)
    if bad:
        report(f"R-NET-04: allows {', '.join(bad)} (TLS 1.3 only)")


def _ipsec_problems(pairs: list[tuple[str, Any, str]]) -> list[str]:
    out = []
    for where, value, want in pairs:
        if value is None or str(value).lower() != want:
            out.append(f"{where} is {value or 'the default'} (needs {want})")
    return out


@resource_policy(
    "r-net-04-ipsec-sm-suite", "R-NET-04",
    "R-NET-04: IPsec for cross-institution and cross-cloud links uses the SM suite (SM4, SM3)",
    types=(ALI_VPN, OS_IKE, OS_IPSEC),
)
def ipsec_sm_suite(args: Any, report: Report) -> None:
    props = args.props
    if args.resource_type == ALI_VPN:
        # A dual-tunnel gateway's connection carries the options per tunnel.
        tunnels = props.get("tunnelOptionsSpecifications") or []
        blocks = [(f"tunnelOptionsSpecifications[{i}].tunnelIkeConfig", t.get("tunnelIkeConfig") or {},
                   f"tunnelOptionsSpecifications[{i}].tunnelIpsecConfig", t.get("tunnelIpsecConfig") or {})
                  for i, t in enumerate(tunnels)] or \
            [("ikeConfig", props.get("ikeConfig") or {}, "ipsecConfig", props.get("ipsecConfig") or {})]
        problems = _ipsec_problems([
            check
            for ike_at, ike, ipsec_at, ipsec in blocks
            for check in ((f"{ike_at}.ikeEncAlg", ike.get("ikeEncAlg"), "sm4"),
                          (f"{ike_at}.ikeAuthAlg", ike.get("ikeAuthAlg"), "sm3"),
                          (f"{ipsec_at}.ipsecEncAlg", ipsec.get("ipsecEncAlg"), "sm4"),
                          (f"{ipsec_at}.ipsecAuthAlg", ipsec.get("ipsecAuthAlg"), "sm3"))
        ])
    elif args.resource_type in (OS_IKE, OS_IPSEC):
        problems = _ipsec_problems([
            ("encryptionAlgorithm", props.get("encryptionAlgorithm"), "sm4"),
            ("authAlgorithm", props.get("authAlgorithm"), "sm3"),
        ])
    else:
        return
    for problem in problems:
        report(f"R-NET-04: {problem}")
