"""OpenStack (private, xinchuang) backend: Neutron, Cinder, Swift, Barbican, VPNaaS.

Every centre on OpenStack is its own cloud with its own Keystone, so each
gets an explicit provider (``clouds.yaml`` entry named after the centre).
SM-suite names (``sm3``, ``sm4``) are passed as-is: domestic Neutron VPNaaS
and Cinder drivers accept them; upstream drivers reject them at apply time,
which is the failure we want on a non-compliant cloud.
"""

from __future__ import annotations

import warnings

import pulumi
from medcloud.components.args import (
    DrLinkArgs,
    FlowRule,
    LinkSideArgs,
    StorageArgs,
    VolumeArgs,
    VpcArgs,
)
from medcloud.components.backends import GatewayHandles, RegionShared, StorageHandles, VpcHandles, slug

from medcloud.model import Centre as CentreModel
from medcloud.model.standards import retention_days

with warnings.catch_warnings():
    # The package warns on import about resources it renamed (BgpvpnNetworkAssociateV2…),
    # in every program that imports it; we use none of them.
    warnings.simplefilter("ignore", DeprecationWarning)
    import pulumi_openstack as openstack

    # Submodules load lazily, on first attribute access, and warn then too.
    _LOADED = (openstack.blockstorage.Volume, openstack.keymanager.OrderV1, openstack.networking.Network,
               openstack.objectstorage.Container, openstack.vpnaas.Service, openstack.Provider)

#: Cipher names per suite (R-NET-04, R-SEC-01): (IKE/ESP integrity, encryption).
IPSEC_ALGORITHMS = {"sm": ("sm3", "sm4"), "international": ("sha256", "aes-256")}
#: IKE and IPsec SA lifetimes, seconds.
IKE_LIFETIME_S = 86400
IPSEC_LIFETIME_S = 3600


def tag_list(tags: dict[str, str]) -> list[str]:
    """Neutron tags are plain strings; ``key=value`` keeps the labels machine-readable."""
    return [f"{k}={v}" for k, v in sorted(tags.items())]


class OpenStackBackend:
    cloud = "openstack"

    def __init__(self, provider: pulumi.ProviderResource, cloud_region: str) -> None:
        self.provider = provider
        self.region = cloud_region

    @classmethod
    def for_centre(cls, name: str, centre: str, cloud_region: str, parent: pulumi.Resource) -> OpenStackBackend:
        """Each private cloud has its own Keystone: a ``clouds.yaml`` entry named after the centre."""
        provider = openstack.Provider(
            f"{name}-provider", cloud=centre, region=cloud_region, opts=pulumi.ResourceOptions(parent=parent),
        )
        return cls(provider, cloud_region)

    def _opts(self, parent: pulumi.Resource, *, depends_on: list[pulumi.Resource] | None = None,
              ) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=parent, provider=self.provider, depends_on=depends_on)

    # --- networking -------------------------------------------------------------
    def vpc(self, parent: pulumi.Resource, name: str, args: VpcArgs) -> VpcHandles:
        azs = sorted({p.az for p in args.pools})
        base = {"medcloud-region": args.region, "medcloud-centre": args.centre}
        net = openstack.networking.Network(
            f"{name}-net", name=f"{args.region}-{args.centre}", admin_state_up=True,
            port_security_enabled=True, availability_zone_hints=azs, tags=tag_list(base),
            description=f"medcloud VPC {args.cidr}", region=self.region, opts=self._opts(parent),
        )
        router = openstack.networking.Router(
            f"{name}-router", name=f"{args.region}-{args.centre}", admin_state_up=True,
            availability_zone_hints=azs, tags=tag_list(base), region=self.region, opts=self._opts(parent),
        )
        labels = {p.pool: p for p in args.pools}
        subnet_ids: dict[str, pulumi.Output[str]] = {}
        for subnet in args.subnets:
            tags = dict(base, **{"medcloud-security-domain": subnet.security_domain})
            for member in subnet.pools:
                tags.update({f"{k}.{member}": v for k, v in labels[member].tags().items()})
            sn = openstack.networking.Subnet(
                f"{name}-{slug(subnet.key)}", name=f"{args.centre}-{subnet.key}", network_id=net.id,
                cidr=subnet.cidr, ip_version=4, enable_dhcp=True, tags=tag_list(tags),
                region=self.region, opts=self._opts(parent),
            )
            openstack.networking.RouterInterface(
                f"{name}-{slug(subnet.key)}-rif", router_id=router.id, subnet_id=sn.id,
                region=self.region, opts=self._opts(parent),
            )
            subnet_ids[subnet.key] = sn.id
        groups: dict[str, openstack.networking.SecGroup] = {}
        for pool in args.pools:
            groups[pool.pool] = openstack.networking.SecGroup(
                f"{name}-{pool.pool}-sg", name=f"{args.centre}-{pool.pool}",
                description=f"R-NET-02 micro-segmentation for pool {pool.pool} ({pool.security_domain})",
                delete_default_rules=True, stateful=True, tags=tag_list(dict(base, **pool.tags())),
                region=self.region, opts=self._opts(parent),
            )
        for rule in args.rules:
            self._rule(parent, name, rule, groups)
        return VpcHandles(
            vpc_id=net.id, router_id=router.id, subnet_ids=subnet_ids,
            security_group_ids={k: v.id for k, v in groups.items()}, cidr=args.cidr,
        )

    def _rule(self, parent: pulumi.Resource, name: str, rule: FlowRule,
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
            description=rule.reason, region=self.region, opts=self._opts(parent),
        )

    # --- storage ----------------------------------------------------------------
    def storage(self, parent: pulumi.Resource, name: str, args: StorageArgs,
                replica: StorageHandles | None) -> StorageHandles:
        enc = args.encryption
        redundancy = (
            f"ec{args.object_ec_data}+{args.object_ec_parity}" if args.object_ec_data
            else f"replica{args.object_replicas}"
        )
        key: openstack.keymanager.OrderV1 | None = None
        if enc.required:
            # R-SEC-03: Barbican backed by the hardware crypto module generates the SM4 key.
            key = openstack.keymanager.OrderV1(
                f"{name}-sm4-key", type="key",
                meta=openstack.keymanager.OrderV1MetaArgs(
                    algorithm="sm4", bit_length=128, mode="xts", name=f"{args.region}-{args.centre}-sm4",
                    payload_content_type="application/octet-stream",
                ),
                region=self.region, opts=self._opts(parent),
            )
        volume_types: dict[str, pulumi.Input[str]] = {}
        schedule = ",".join(args.snapshot_times)
        for tier in args.tiers:
            suffix = "-sm4" if enc.required else ""
            specs = {
                # Unscoped: the scheduler matches it to the Ceph pool with this redundancy (R-ST-01).
                "volume_backend_name": f"rbd-{tier}-r{args.block_replicas}",
                # Scoped keys are ignored by the capabilities filter; our snapshot agent and
                # the policy pack read them (R-ST-01, R-BC-03, R-DC-01).
                "medcloud:replicas": str(args.block_replicas),
                "medcloud:rack_spread": str(args.block_rack_spread),
                "medcloud:snapshot_times": schedule,
                "medcloud:snapshot_retention_days": str(args.snapshot_retention_days),
                "medcloud:encryption": enc.algorithm if enc.required else "none",
                "medcloud:encryption_scope": enc.scope,
            }
            vt = openstack.blockstorage.VolumeTypeV3(
                f"{name}-{tier}", name=f"{tier}-r{args.block_replicas}{suffix}", is_public=True,
                description=f"{tier} block, {args.block_replicas} replicas over {args.block_rack_spread} racks",
                extra_specs=specs, region=self.region, opts=self._opts(parent),
            )
            qos = openstack.blockstorage.QosV3(
                f"{name}-{tier}-qos", name=f"{args.centre}-{tier}-qos", consumer="front-end",
                specs={"total_iops_sec": str(args.qos_iops), "total_bytes_sec": str(args.qos_mbps * 1024 * 1024)},
                region=self.region, opts=self._opts(parent),
            )
            openstack.blockstorage.QosAssociationV3(
                f"{name}-{tier}-qos-assoc", qos_id=qos.id, volume_type_id=vt.id,
                region=self.region, opts=self._opts(parent),
            )
            volume_types[tier] = vt.name
        meta = {
            "medcloud-centre": args.centre, "medcloud-redundancy": redundancy,
            "medcloud-rack-spread": str(args.object_rack_spread),
            "medcloud-encryption": enc.algorithm if enc.required else "none",
        }
        sync_to: str | None = None
        if args.replicate_to is not None:
            meta["medcloud-replicate-to"] = args.replicate_to.centre
            meta["medcloud-replication-max-lag-s"] = str(args.replicate_to.max_lag_s)
            if args.replicate_to.cloud == "openstack":
                # Swift container sync: realm/cluster named after the DR centre in container-sync-realms.conf.
                sync_to = f"//medcloud/{args.replicate_to.centre}/AUTH_{args.region}/{args.replicate_to.bucket}"
        objects = openstack.objectstorage.Container(
            f"{name}-objects", name=args.objects_bucket, storage_policy=redundancy, versioning=True,
            metadata=meta, container_sync_to=sync_to,
            container_sync_key=_sync_key(args.region) if sync_to else None,
            region=self.region,
            opts=self._opts(parent, depends_on=[replica.objects_bucket] if replica else None),
        )
        openstack.objectstorage.Container(
            f"{name}-snapshots", name=args.snapshot_bucket, storage_policy=redundancy,
            metadata=dict(meta, **{"medcloud-purpose": "volume snapshots kept apart from volumes (R-ST-03)"}),
            region=self.region, opts=self._opts(parent),
        )
        if args.archive_worm:
            openstack.objectstorage.Container(
                f"{name}-archive", name=args.archive_bucket, storage_policy=redundancy, versioning=True,
                metadata=dict(meta, **{
                    "medcloud-worm": "true",
                    "medcloud-retention-days": str(retention_days(args.archive_retention_years)),
                }),
                region=self.region, opts=self._opts(parent),
            )
        return StorageHandles(
            volume_types=volume_types, kms_key_id=key.order_ref if key else None,
            snapshot_policy_id=None, objects_bucket=objects,
        )

    def volume(self, parent: pulumi.Resource, name: str, args: VolumeArgs,
               storage: StorageHandles) -> pulumi.CustomResource:
        return openstack.blockstorage.Volume(
            name, name=f"{args.system}-{args.replica.role}", size=args.size_gib,
            volume_type=storage.volume_types[args.replica.tier], availability_zone=args.replica.az,
            metadata=args.labels, description=f"{args.system} {args.replica.role} replica",
            region=self.region, opts=self._opts(parent),
        )

    # --- links ------------------------------------------------------------------
    def ipsec_gateway(self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs,
                      vpc: VpcHandles) -> GatewayHandles:
        service = openstack.vpnaas.Service(
            f"{name}-vpn", name=f"{link.link}-{side.centre}", router_id=vpc.router_id, admin_state_up=True,
            description=link.description(), region=self.region, opts=self._opts(parent),
        )
        return GatewayHandles(address=service.external_v4_ip, resource=service)

    def ipsec_connection(self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs,
                         peer: LinkSideArgs, gateway: GatewayHandles, peer_address: pulumi.Output[str],
                         vpc: VpcHandles, psk: pulumi.Output[str]) -> list[pulumi.CustomResource]:
        integrity, cipher = IPSEC_ALGORITHMS[link.cipher_suite or "sm"]
        ike = openstack.vpnaas.IkePolicy(
            f"{name}-ike", name=f"{link.link}-ike", auth_algorithm=integrity, encryption_algorithm=cipher,
            ike_version="v2", pfs="group14", phase1_negotiation_mode="main",
            lifetimes=[openstack.vpnaas.IkePolicyLifetimeArgs(units="seconds", value=IKE_LIFETIME_S)],
            description=link.description(), region=self.region, opts=self._opts(parent),
        )
        esp = openstack.vpnaas.IpSecPolicy(
            f"{name}-ipsec", name=f"{link.link}-ipsec", auth_algorithm=integrity, encryption_algorithm=cipher,
            transform_protocol="esp", encapsulation_mode="tunnel", pfs="group14",
            lifetimes=[openstack.vpnaas.IpSecPolicyLifetimeArgs(units="seconds", value=IPSEC_LIFETIME_S)],
            description=link.description(), region=self.region, opts=self._opts(parent),
        )
        local = openstack.vpnaas.EndpointGroup(
            f"{name}-local", name=f"{link.link}-{side.centre}-local", type="cidr", endpoints=[side.cidr],
            region=self.region, opts=self._opts(parent),
        )
        remote = openstack.vpnaas.EndpointGroup(
            f"{name}-peer", name=f"{link.link}-{peer.centre}-peer", type="cidr", endpoints=[peer.cidr],
            region=self.region, opts=self._opts(parent),
        )
        conn = openstack.vpnaas.SiteConnection(
            f"{name}-conn", name=f"{link.link}-{side.centre}", ikepolicy_id=ike.id, ipsecpolicy_id=esp.id,
            vpnservice_id=gateway.resource.id, local_ep_group_id=local.id, peer_ep_group_id=remote.id,
            peer_address=peer_address, peer_id=peer_address, psk=psk, initiator="bi-directional",
            admin_state_up=True,
            dpds=[openstack.vpnaas.SiteConnectionDpdArgs(action="restart", interval=10, timeout=60)],
            description=link.description(), region=self.region, opts=self._opts(parent),
        )
        return [ike, esp, local, remote, conn]

    def circuit(self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs,
                peer: LinkSideArgs, vpc: VpcHandles) -> list[pulumi.CustomResource]:
        # The circuit lands on an edge router in the transit subnet; route the peer centre there.
        route = openstack.networking.RouterRoute(
            f"{name}-route", router_id=vpc.router_id, destination_cidr=peer.cidr, next_hop=side.next_hop,
            region=self.region, opts=self._opts(parent),
        )
        return [route]


def create(name: str, centre: CentreModel, parent: pulumi.Resource, shared: RegionShared) -> OpenStackBackend:
    """Registry entry point (``medcloud.components.backends.registry``)."""
    return OpenStackBackend.for_centre(name, centre.name, centre.cloud_region, parent)


def _sync_key(region: str) -> pulumi.Output[str]:
    from medcloud.components.secrets import container_sync_key

    return container_sync_key(region)
