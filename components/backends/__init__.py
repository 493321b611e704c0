"""Cloud backends: the one place per cloud where neutral arguments become provider resources.

One folder per cloud (``openstack/``, ``alicloud/``), registered in
:data:`medcloud.components.backends.registry.BACKENDS`; a centre's ``cloud``
field picks its backend there, and an unregistered cloud is an error, never a
fallback.  Components call the :class:`Backend` methods with ``parent=self``;
the backend creates the provider resources under that parent and returns
handles (ids and addresses) the other components need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Protocol

import pulumi
from medcloud.components.args import (
    ComputeArgs,
    DrLinkArgs,
    GslbArgs,
    GslbPoolArgs,
    LinkSideArgs,
    LoadBalancerArgs,
    ServerGroupArgs,
    StorageArgs,
    VolumeArgs,
    VpcArgs,
)


@dataclass
class VpcHandles:
    vpc_id: pulumi.Output[str]
    #: the OpenStack router or the AliCloud custom route table
    router_id: pulumi.Output[str]
    subnet_ids: dict[str, pulumi.Output[str]]
    security_group_ids: dict[str, pulumi.Output[str]]
    cidr: str
    #: subnet key → CIDR
    subnet_cidrs: dict[str, str] = field(default_factory=dict)
    #: subnet key → the resource that connects the subnet to the router (OpenStack RouterInterface)
    attachments: dict[str, pulumi.Resource] = field(default_factory=dict)
    #: what holds the inside address of the centre's IPsec appliance (OpenStack: a Neutron port)
    appliance: pulumi.CustomResource | None = None

    def subnet_of(self, address: str) -> str:
        """The key of the subnet holding ``address`` (a route's next hop must be on a router subnet)."""
        ip = IPv4Address(address)
        for key, cidr in self.subnet_cidrs.items():
            if ip in IPv4Network(cidr):
                return key
        raise ValueError(f"{address} is on none of the router's subnets ({', '.join(self.subnet_cidrs.values())})")


@dataclass
class StorageHandles:
    #: tier → what a volume names as its type (OpenStack volume type, AliCloud disk category)
    volume_types: dict[str, pulumi.Input[str]]
    kms_key_id: pulumi.Output[str] | None
    snapshot_policy_id: pulumi.Output[str] | None
    objects_bucket: pulumi.CustomResource
    extra: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    #: the account a replicating peer names (Swift: ``AUTH_<project id>`` of the centre's project)
    object_account: pulumi.Output[str] | None = None


@dataclass
class GatewayHandles:
    """An IPsec endpoint: its address as the peer dials it."""

    address: pulumi.Output[str]
    resource: pulumi.CustomResource


class RegionShared:
    """Per-region state a cloud shares between its centres (e.g. AliCloud's one CEN instance).

    Each backend keeps its own entries under its own key; the registry hands
    every backend of a region the same object.
    """

    def __init__(self, region: str, parent: pulumi.Resource) -> None:
        self.region = region
        self.parent = parent
        self.entries: dict[str, object] = {}


class Backend(Protocol):
    """What every cloud backend offers the components."""

    cloud: str

    def vpc(self, parent: pulumi.Resource, name: str, args: VpcArgs) -> VpcHandles: ...

    def storage(
        self, parent: pulumi.Resource, name: str, args: StorageArgs, replica: StorageHandles | None,
    ) -> StorageHandles: ...

    def volume(
        self, parent: pulumi.Resource, name: str, args: VolumeArgs, storage: StorageHandles,
    ) -> pulumi.CustomResource: ...

    def ipsec_gateway(
        self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs, vpc: VpcHandles,
    ) -> GatewayHandles: ...

    def ipsec_connection(
        self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs, peer: LinkSideArgs,
        gateway: GatewayHandles, peer_address: pulumi.Output[str], vpc: VpcHandles,
        psk: pulumi.Output[str] | None,
    ) -> list[pulumi.CustomResource]: ...

    def circuit(
        self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs, peer: LinkSideArgs,
        vpc: VpcHandles,
    ) -> list[pulumi.CustomResource]: ...


@dataclass
class ComputeHandles:
    """What a centre's compute layer gives the systems placed on it."""

    #: pool → flavor name → what an instance asks for (Nova flavor id, ECS instance type)
    flavors: dict[str, dict[str, pulumi.Input[str]]]
    #: pool → its host group: Nova host aggregate, ECS dedicated host cluster (dedicated pools only)
    host_groups: dict[str, pulumi.Output[str]]


class ComputeBackend(Protocol):
    """Pools as schedulable capacity (R-TOP-07, R-TOP-08, R-CMP-01, R-CMP-02).

    A cloud's ``compute`` module exposes ``create(backend, shared) -> ComputeBackend``;
    the registry finds it next to the cloud's :class:`Backend`.
    """

    def compute(self, parent: pulumi.Resource, name: str, args: ComputeArgs) -> ComputeHandles: ...

    def server_group(
        self, parent: pulumi.Resource, name: str, args: ServerGroupArgs, compute: ComputeHandles,
    ) -> pulumi.CustomResource: ...


@dataclass
class FrontDoorHandles:
    """A system's load balancer in one centre, as GSLB points at it."""

    #: the VIP (``IPV4``) or the balancer's DNS name (``DOMAIN``)
    address: pulumi.Output[str]
    address_type: str
    balancer: pulumi.CustomResource


@dataclass
class GslbTarget:
    pool: GslbPoolArgs
    front_door: FrontDoorHandles


class TrafficBackend(Protocol):
    """Load balancers and GSLB (R-NET-05, R-BC-06).

    A cloud's ``traffic`` module exposes ``create(backend, shared, centre, name) -> TrafficBackend``.
    ``gslb_scopes`` says which GSLB a cloud serves: ``private`` (DNS inside the cloud, for the
    systems it runs) and/or ``global`` (one traffic manager for the region).
    """

    gslb_scopes: frozenset[str]

    def load_balancer(
        self, parent: pulumi.Resource, name: str, args: LoadBalancerArgs, vpc: VpcHandles,
        certificate: pulumi.Output[str] | None,
    ) -> FrontDoorHandles: ...

    def gslb(
        self, parent: pulumi.Resource, name: str, scope: str, args: GslbArgs, targets: list[GslbTarget],
    ) -> list[pulumi.CustomResource]: ...


def slug(*parts: str) -> str:
    """Resource-name-safe join: CIDRs and dotted keys become dashes."""
    return re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-")
