"""Neutron: a centre's network, router (with its external gateway), subnets and
micro-segmented security groups (R-NET-01, R-NET-02, R-TOP-07)."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

import pulumi
from medcloud.components.args import FlowRule, VpcArgs
from medcloud.components.backends import VpcHandles, slug
from medcloud.components.backends.openstack.sdk import openstack

if TYPE_CHECKING:
    from medcloud.components.backends.openstack.backend import OpenStackBackend


def tag_list(tags: dict[str, str]) -> list[str]:
    """Neutron tags are plain strings; ``key=value`` keeps the labels machine-readable."""
    return [f"{k}={v}" for k, v in sorted(tags.items())]


def external_network_id(backend: OpenStackBackend, name: str) -> pulumi.Output[str]:
    """The id of the external network called ``name``, looked up in the centre's own Neutron.

    Network ids differ per cloud; the model names the network and the lookup
    runs against the centre's provider at preview and at ``up``.
    """
    found = openstack.networking.get_network_output(
        name=name, external=True, region=backend.region,
        opts=pulumi.InvokeOutputOptions(provider=backend.provider),
    )
    return found.id


def vpc(backend: OpenStackBackend, parent: pulumi.Resource, name: str, args: VpcArgs) -> VpcHandles:
    azs = sorted({p.az for p in args.pools})
    base = {"medcloud-region": args.region, "medcloud-centre": args.centre}
    opts = backend.opts(parent)
    net = openstack.networking.Network(
        f"{name}-net", name=f"{args.region}-{args.centre}", admin_state_up=True,
        port_security_enabled=True, availability_zone_hints=azs, tags=tag_list(base),
        description=f"medcloud VPC {args.cidr}", region=backend.region, opts=opts,
    )
    # The gateway gives the router egress and lets it host a VPNaaS service (Neutron answers
    # RouterIsNotExternal for a VPN service on a router without one).  SNAT stays Neutron's
    # default: changing enable_snat is admin-only under Neutron's default policy.
    gateway = external_network_id(backend, args.external_network) if args.external_network else None
    router = openstack.networking.Router(
        f"{name}-router", name=f"{args.region}-{args.centre}", admin_state_up=True,
        external_network_id=gateway, availability_zone_hints=azs, tags=tag_list(base),
        region=backend.region, opts=opts,
    )
    labels = {p.pool: p for p in args.pools}
    subnet_ids: dict[str, pulumi.Output[str]] = {}
    attachments: dict[str, pulumi.Resource] = {}
    for subnet in args.subnets:
        tags = dict(base, **{"medcloud-security-domain": subnet.security_domain})
        for member in subnet.pools:
            tags.update({f"{k}.{member}": v for k, v in labels[member].tags().items()})
        sn = openstack.networking.Subnet(
            f"{name}-{slug(subnet.key)}", name=f"{args.centre}-{subnet.key}", network_id=net.id,
            cidr=subnet.cidr, ip_version=4, enable_dhcp=True, tags=tag_list(tags),
            region=backend.region, opts=opts,
        )
        attachments[subnet.key] = openstack.networking.RouterInterface(
            f"{name}-{slug(subnet.key)}-rif", router_id=router.id, subnet_id=sn.id,
            region=backend.region, opts=opts,
        )
        subnet_ids[subnet.key] = sn.id
    groups: dict[str, openstack.networking.SecGroup] = {}
    for pool in args.pools:
        groups[pool.pool] = openstack.networking.SecGroup(
            f"{name}-{pool.pool}-sg", name=f"{args.centre}-{pool.pool}",
            description=f"R-NET-02 micro-segmentation for pool {pool.pool} ({pool.security_domain})",
            delete_default_rules=True, stateful=True, tags=tag_list(dict(base, **pool.tags())),
            region=backend.region, opts=opts,
        )
    for rule in args.rules:
        _rule(backend, parent, name, rule, groups)
    appliance = None
    if args.appliance_address is not None:
        # The SM-suite IPsec appliance's inside address on the transit subnet: reserved so
        # Neutron never hands it to an instance.  Port security is off because the appliance
        # forwards the peers' prefixes through this address (R-NET-04).
        transit = next(s for s in args.subnets if IPv4Address(args.appliance_address) in IPv4Network(s.cidr))
        appliance = openstack.networking.Port(
            f"{name}-ipsec-appliance", name=f"{args.centre}-ipsec-appliance", network_id=net.id,
            # Neutron refuses to disable port security on a port with security groups, and the
            # provider sends none only when told to.
            admin_state_up=True, port_security_enabled=False, no_security_groups=True,
            fixed_ips=[openstack.networking.PortFixedIpArgs(
                subnet_id=subnet_ids[transit.key], ip_address=args.appliance_address,
            )],
            description="inside address of the centre's SM-suite IPsec appliance (R-NET-04)",
            region=backend.region, opts=opts,
        )
    return VpcHandles(
        vpc_id=net.id, router_id=router.id, subnet_ids=subnet_ids,
        security_group_ids={k: v.id for k, v in groups.items()}, cidr=args.cidr,
        subnet_cidrs={s.key: s.cidr for s in args.subnets}, attachments=attachments, appliance=appliance,
    )


def _rule(backend: OpenStackBackend, parent: pulumi.Resource, name: str, rule: FlowRule,
          groups: dict[str, openstack.networking.SecGroup]) -> None:
    remote = rule.remote_pool or rule.remote_cidr or ""
    ports = "" if rule.port_min is None else f"{rule.port_min}-{rule.port_max}"
    openstack.networking.SecGroupRule(
        slug(name, rule.pool, rule.direction, remote, rule.protocol, ports),
        direction=rule.direction, ethertype="IPv4",
        protocol=None if rule.protocol == "any" else rule.protocol,
        port_range_min=rule.port_min, port_range_max=rule.port_max,
        remote_group_id=groups[rule.remote_pool].id if rule.remote_pool else None,
        remote_ip_prefix=rule.remote_cidr, security_group_id=groups[rule.pool].id,
        description=rule.reason, region=backend.region, opts=backend.opts(parent),
    )


def route(backend: OpenStackBackend, parent: pulumi.Resource, name: str, vpc: VpcHandles,
          destination: str, next_hop: str) -> openstack.networking.RouterRoute:
    """A static route on the centre's router, registered after the interface that reaches its next hop.

    Neutron rejects a route whose next hop is on no subnet of the router ("the
    nexthop is not connected with router"), so the route depends on the
    RouterInterface of the subnet that holds the next hop.
    """
    attachment = vpc.attachments[vpc.subnet_of(next_hop)]
    return openstack.networking.RouterRoute(
        name, router_id=vpc.router_id, destination_cidr=destination, next_hop=next_hop,
        region=backend.region, opts=backend.opts(parent, depends_on=[attachment]),
    )
