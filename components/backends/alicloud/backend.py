"""AliCloud (public cloud) backend: VPC, ECS, KMS, OSS, VPN gateway, CEN, Express Connect.

One explicit provider per centre pins the region (``cloud_region``) and the
account site (China site: ``Domestic``).  The SM suite is native here:
``Aliyun_SM4`` keys in a hardware KMS instance, OSS server-side encryption
with ``SM4`` data keys, ``NationalStandard`` (国密) VPN gateways negotiating
SM3/SM4 with an SM certificate pair the operator supplies.  What the API
requires beyond the provider's plan (dual-tunnel gateways, subscription
billing, KMS instances) follows ``regions.py`` and is checked by ``rules.py``.
"""

from __future__ import annotations

import ipaddress
import warnings
from typing import Any

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
from medcloud.components.backends.alicloud import regions
from medcloud.components.backends.alicloud.types import SM_CERT_FOR_TAG
from medcloud.components.secrets import PRIVATE_CIRCUITS, access_point, sm_certificate

from medcloud.ipam import TRANSIT
from medcloud.model import Centre as CentreModel
from medcloud.model.standards import retention_days

with warnings.catch_warnings():
    # The package warns on import about resources it deprecates (StarRocksInstance…),
    # in every program that imports it; we use none of them.
    warnings.simplefilter("ignore", DeprecationWarning)
    import pulumi_alicloud as alicloud

    # Submodules load lazily, on first attribute access, and warn then too.
    _LOADED = (alicloud.cen.Instance, alicloud.ecs.EcsDisk, alicloud.kms.Key, alicloud.kms.Instance,
               alicloud.oss.Bucket, alicloud.vpc.Network, alicloud.vpn.Gateway, alicloud.cas.ServiceCertificate,
               alicloud.expressconnect.PhysicalConnection, alicloud.expressconnect.VirtualBorderRouter,
               alicloud.Provider)

#: Cipher names per suite as the VPN gateway API spells them: (integrity, encryption).
IPSEC_ALGORITHMS = {"sm": ("sm3", "sm4"), "international": ("sha256", "aes256")}
#: Tier → (disk category, ESSD performance level).  ESSD keeps three copies by design (R-ST-01).
DISK_CLASS = {"gold": ("cloud_essd", "PL2"), "silver": ("cloud_essd", "PL1"), "bronze": ("cloud_essd", "PL0")}
#: The largest bandwidth a VPN gateway offers, Mbps; faster circuits are capped here.
VPN_MAX_MBPS = 1000
IKE_LIFETIME_S = 86400
IPSEC_LIFETIME_S = 3600
#: OSS worm/retention caps and the RAM role OSS assumes to replicate.
REPLICATION_ROLE = "AliyunOSSRole"
WEEKDAYS = ["1", "2", "3", "4", "5", "6", "7"]
#: The subnet key of the transit vSwitch's second-zone twin (dual-tunnel VPN, KMS instance).
STANDBY = "transit-standby"
#: A hardware KMS instance sized for a centre: performance level, keys, secrets, VPCs (subscription).
KMS_SPEC, KMS_KEYS, KMS_SECRETS, KMS_VPCS = 1000, 1000, 0, 1
#: The VLAN of a VBR on its (dedicated) physical connection.
VBR_VLAN = 100
#: VBR interconnect address: this far below the peer's edge router, in its transit subnet
#: (edge routers sit in the top half, counted down from the top: medcloud.ipam.edge_hops).
VBR_OFFSET = 64


def transit_halves(cidr: str) -> tuple[str, str]:
    """The transit subnet split in two: the primary vSwitch and its second-zone twin."""
    low, high = ipaddress.ip_network(cidr).subnets(prefixlen_diff=1)
    return str(low), str(high)


def interconnect(peer: LinkSideArgs) -> tuple[str, str, str]:
    """(VBR address, peer edge router, mask) on the peer's transit subnet for a VBR's BGP/static peering."""
    transit = ipaddress.ip_network(peer.transit_cidr)
    hop = ipaddress.ip_address(peer.next_hop)
    local = hop - VBR_OFFSET
    if local not in transit:
        raise ValueError(f"transit {transit} is too small for a VBR interconnect below {hop}")
    return str(local), str(hop), str(transit.netmask)


def snapshot_hours(times: tuple[str, ...]) -> list[str]:
    """``HH:MM`` → the whole hours ECS snapshot policies take; minutes are not expressible."""
    hours = []
    for clock in times:
        hh, mm = clock.split(":")
        if mm != "00":
            raise ValueError(f"ECS snapshot policies run on the hour; {clock} is not expressible")
        hours.append(str(int(hh)))
    return hours


class CenRegistry:
    """The region's Cloud Enterprise Network: one instance, each VPC attached once."""

    def __init__(self, region: str, parent: pulumi.Resource) -> None:
        self.region = region
        self.parent = parent
        self._instance: alicloud.cen.Instance | None = None
        self._attached: dict[str, alicloud.cen.InstanceAttachment] = {}

    def attach(self, centre: str, cloud_region: str, vpc_id: pulumi.Output[str],
               provider: pulumi.ProviderResource) -> list[pulumi.CustomResource]:
        if self._instance is None:
            self._instance = alicloud.cen.Instance(
                f"{self.region}-cen", cen_instance_name=f"{self.region}-cen", protection_level="REDUCED",
                description=f"medcloud {self.region} inter-centre backbone",
                opts=pulumi.ResourceOptions(parent=self.parent, provider=provider),
            )
        if centre in self._attached:
            return []
        attachment = alicloud.cen.InstanceAttachment(
            f"{self.region}-cen-{centre}", instance_id=self._instance.id, child_instance_id=vpc_id,
            child_instance_type="VPC", child_instance_region_id=cloud_region,
            opts=pulumi.ResourceOptions(parent=self.parent, provider=provider),
        )
        self._attached[centre] = attachment
        return [attachment]

    def attach_vbr(self, name: str, cloud_region: str, vbr_id: pulumi.Output[str],
                   provider: pulumi.ProviderResource) -> pulumi.CustomResource:
        """A VBR on the region's CEN (the instance exists once a VPC is attached)."""
        if self._instance is None:
            raise RuntimeError("attach a VPC before a VBR: the CEN instance is created with the first VPC")
        return alicloud.cen.InstanceAttachment(
            f"{self.region}-cen-{name}-vbr", instance_id=self._instance.id, child_instance_id=vbr_id,
            child_instance_type="VBR", child_instance_region_id=cloud_region,
            opts=pulumi.ResourceOptions(parent=self.parent, provider=provider),
        )


class AliCloudBackend:
    cloud = "alicloud"

    def __init__(self, provider: pulumi.ProviderResource, cloud_region: str, cen: CenRegistry) -> None:
        self.provider = provider
        self.region = cloud_region
        self.cen = cen
        #: set by vpc(): the KMS instance and dual-tunnel VPN gateways need the centre's vSwitches
        self._network: VpcHandles | None = None
        self._zones: tuple[str, str] | None = None

    @classmethod
    def for_centre(cls, name: str, cloud_region: str, cen: CenRegistry, parent: pulumi.Resource,
                   ) -> AliCloudBackend:
        """One provider per centre pins its region; credentials come from the environment/profile."""
        provider = alicloud.Provider(
            f"{name}-provider", region=cloud_region, account_type=regions.CHINA_SITE,
            opts=pulumi.ResourceOptions(parent=parent),
        )
        return cls(provider, cloud_region, cen)

    def _opts(self, parent: pulumi.Resource, *, depends_on: list[pulumi.Resource] | None = None,
              ) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=parent, provider=self.provider, depends_on=depends_on)

    # --- networking -------------------------------------------------------------
    def vpc(self, parent: pulumi.Resource, name: str, args: VpcArgs) -> VpcHandles:
        base = {"medcloud-region": args.region, "medcloud-centre": args.centre}
        vpc = alicloud.vpc.Network(
            f"{name}-vpc", vpc_name=f"{args.region}-{args.centre}", cidr_block=args.cidr,
            description=f"medcloud VPC {args.cidr}", tags=base, opts=self._opts(parent),
        )
        table = alicloud.vpc.RouteTable(
            f"{name}-rt", vpc_id=vpc.id, route_table_name=f"{args.region}-{args.centre}",
            associate_type="VSwitch", description="medcloud centre routes", tags=base, opts=self._opts(parent),
        )
        labels = {p.pool: p for p in args.pools}
        switch_ids: dict[str, pulumi.Output[str]] = {}
        for subnet in args.subnets:
            tags = dict(base, **{"medcloud-security-domain": subnet.security_domain})
            for member in subnet.pools:
                tags.update({f"{k}.{member}": v for k, v in labels[member].tags().items()})
            placements = [(subnet.key, subnet.cidr, subnet.az)]
            if subnet.key == TRANSIT:
                # The transit /24 in two halves, in two zones: dual-tunnel VPN gateways and the
                # KMS instance need a vSwitch in a second zone (regions.DUAL_TUNNEL_DOC).
                standby_zone = regions.second_zone(args.cloud_region, subnet.az)
                low, high = transit_halves(subnet.cidr)
                placements = [(subnet.key, low, subnet.az), (STANDBY, high, standby_zone)]
                self._zones = (subnet.az or "", standby_zone)
            for key, cidr, zone in placements:
                switch = alicloud.vpc.Switch(
                    f"{name}-{slug(key)}", vswitch_name=f"{args.centre}-{key}", vpc_id=vpc.id,
                    cidr_block=cidr, zone_id=zone, tags=tags, opts=self._opts(parent),
                )
                alicloud.vpc.RouteTableAttachment(
                    f"{name}-{slug(key)}-rta", route_table_id=table.id, vswitch_id=switch.id,
                    opts=self._opts(parent),
                )
                switch_ids[key] = switch.id
        groups: dict[str, alicloud.ecs.SecurityGroup] = {}
        for pool in args.pools:
            groups[pool.pool] = alicloud.ecs.SecurityGroup(
                f"{name}-{pool.pool}-sg", security_group_name=f"{args.centre}-{pool.pool}", vpc_id=vpc.id,
                description=f"R-NET-02 micro-segmentation for pool {pool.pool} ({pool.security_domain})",
                security_group_type="normal", inner_access_policy="Accept", tags=dict(base, **pool.tags()),
                opts=self._opts(parent),
            )
        for rule in args.rules:
            self._rule(parent, name, rule, groups)
        self._network = VpcHandles(
            vpc_id=vpc.id, router_id=table.id, subnet_ids=switch_ids,
            security_group_ids={k: v.id for k, v in groups.items()}, cidr=args.cidr,
        )
        return self._network

    def _rule(self, parent: pulumi.Resource, name: str, rule: FlowRule,
              groups: dict[str, alicloud.ecs.SecurityGroup]) -> None:
        remote = rule.remote_pool or rule.remote_cidr or ""
        ports = "-1/-1" if rule.port_min is None else f"{rule.port_min}/{rule.port_max}"
        alicloud.ecs.SecurityGroupRule(
            slug(name, rule.pool, rule.direction, remote, rule.protocol, ports),
            type=rule.direction, ip_protocol="all" if rule.protocol == "any" else rule.protocol,
            port_range=ports, policy="accept", priority=1, nic_type="intranet",
            security_group_id=groups[rule.pool].id,
            source_security_group_id=groups[rule.remote_pool].id if rule.remote_pool else None,
            cidr_ip=rule.remote_cidr, description=rule.reason, opts=self._opts(parent),
        )

    # --- storage ----------------------------------------------------------------
    def storage(self, parent: pulumi.Resource, name: str, args: StorageArgs,
                replica: StorageHandles | None) -> StorageHandles:
        enc = args.encryption
        base = {"medcloud-region": args.region, "medcloud-centre": args.centre}
        key: alicloud.kms.Key | None = None
        if enc.required:
            # R-DC-01 / R-SEC-02: an Aliyun_SM4 key lives in a KMS instance (default keys are
            # Aliyun_AES_256 only, regions.KMS_SPEC_DOC); a hardware instance keeps it in the HSM
            # (R-SEC-03).  HSM keys take no automatic rotation (regions.KMS_ROTATION_DOC): the
            # yearly rotation is a new key version, an operator step (README), not a resource.
            instance = self._kms_instance(parent, name, base)
            key = alicloud.kms.Key(
                f"{name}-sm4-key", description=f"{args.region}-{args.centre} SM4 data key",
                key_spec="Aliyun_SM4", key_usage="ENCRYPT/DECRYPT", protection_level="HSM",
                dkms_instance_id=instance.id, automatic_rotation="Disabled",
                pending_window_in_days=30, deletion_protection="Enabled", tags=base, opts=self._opts(parent),
            )
        policy = alicloud.ecs.AutoSnapshotPolicy(
            f"{name}-snapshots", auto_snapshot_policy_name=f"{args.centre}-snapshots",
            time_points=snapshot_hours(args.snapshot_times), repeat_weekdays=WEEKDAYS,
            retention_days=args.snapshot_retention_days, tags=base, opts=self._opts(parent),
        )
        sse = alicloud.oss.BucketServerSideEncryptionRuleArgs(
            sse_algorithm="KMS", kms_data_encryption="SM4", kms_master_key_id=key.id,
        ) if key else alicloud.oss.BucketServerSideEncryptionRuleArgs(sse_algorithm="SM4")
        redundancy = (
            f"ec{args.object_ec_data}+{args.object_ec_parity}" if args.object_ec_data
            else f"replica{args.object_replicas}"
        )
        objects = alicloud.oss.Bucket(
            f"{name}-objects", bucket=args.objects_bucket, storage_class="Standard", redundancy_type="ZRS",
            versioning=alicloud.oss.BucketVersioningArgs(status="Enabled"), server_side_encryption_rule=sse,
            tags=dict(base, **{"medcloud-redundancy": redundancy}), opts=self._opts(parent),
        )
        if args.archive_worm:
            archive = alicloud.oss.Bucket(
                f"{name}-archive", bucket=args.archive_bucket, storage_class="Archive", redundancy_type="LRS",
                versioning=alicloud.oss.BucketVersioningArgs(status="Enabled"), server_side_encryption_rule=sse,
                tags=dict(base, **{"medcloud-purpose": "archive"}), opts=self._opts(parent),
            )
            # R-DC-02: compliance retention, locked so nobody can shorten it.
            alicloud.oss.BucketWorm(
                f"{name}-archive-worm", bucket=archive.bucket,
                retention_period_in_days=retention_days(args.archive_retention_years), status="Locked",
                opts=self._opts(parent),
            )
        target = args.replicate_to
        if target is not None and target.cloud == "alicloud" and replica is not None:
            # R-BC-02: near-real-time replication with replication time control.
            alicloud.oss.BucketReplication(
                f"{name}-objects-replication", bucket=objects.bucket, action="ALL",
                destination=alicloud.oss.BucketReplicationDestinationArgs(
                    bucket=target.bucket, location=f"oss-{target.cloud_region}",
                ),
                historical_object_replication="enabled", sync_role=REPLICATION_ROLE,
                rtc=alicloud.oss.BucketReplicationRtcArgs(enabled=True),
                source_selection_criteria=alicloud.oss.BucketReplicationSourceSelectionCriteriaArgs(
                    sse_kms_encrypted_objects=alicloud.oss.BucketReplicationSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                        status="Enabled",
                    ),
                ) if key else None,
                encryption_configuration=alicloud.oss.BucketReplicationEncryptionConfigurationArgs(
                    replica_kms_key_id=replica.kms_key_id,
                ) if key and replica.kms_key_id is not None else None,
                opts=self._opts(parent, depends_on=[replica.objects_bucket]),
            )
        return StorageHandles(
            volume_types={tier: DISK_CLASS[tier][0] for tier in args.tiers},
            kms_key_id=key.id if key else None, snapshot_policy_id=policy.id, objects_bucket=objects,
        )

    def _network_or_fail(self, what: str) -> tuple[VpcHandles, tuple[str, str]]:
        if self._network is None or self._zones is None:
            raise RuntimeError(f"{what} needs the centre's VPC first (Centre builds vpc() before the rest)")
        return self._network, self._zones

    def _kms_instance(self, parent: pulumi.Resource, name: str, tags: dict[str, str]) -> alicloud.kms.Instance:
        """A hardware key management instance in two zones of the centre's VPC, by subscription."""
        network, zones = self._network_or_fail("a KMS instance")
        return alicloud.kms.Instance(
            f"{name}-kms", product_version=regions.KMS_HARDWARE, payment_type="Subscription",
            period=regions.VPN_PERIOD_MONTHS, spec=KMS_SPEC, key_num=KMS_KEYS, secret_num=KMS_SECRETS,
            vpc_num=KMS_VPCS, vpc_id=network.vpc_id,
            vswitch_ids=[network.subnet_ids[TRANSIT], network.subnet_ids[STANDBY]], zone_ids=list(zones),
            tags=tags, opts=self._opts(parent),
        )

    def volume(self, parent: pulumi.Resource, name: str, args: VolumeArgs,
               storage: StorageHandles) -> pulumi.CustomResource:
        category, level = DISK_CLASS[args.replica.tier]
        disk = alicloud.ecs.EcsDisk(
            name, disk_name=f"{args.system}-{args.replica.role}", zone_id=args.replica.az, category=category,
            performance_level=level, size=args.size_gib, encrypted=args.encrypted,
            kms_key_id=storage.kms_key_id if args.encrypted else None,
            encrypt_algorithm="SM4" if args.encrypted else None,
            enable_auto_snapshot=True, delete_auto_snapshot=False, tags=args.labels,
            description=f"{args.system} {args.replica.role} replica", opts=self._opts(parent),
        )
        if storage.snapshot_policy_id is not None:
            alicloud.ecs.EcsAutoSnapshotPolicyAttachment(
                f"{name}-snapshots", auto_snapshot_policy_id=storage.snapshot_policy_id, disk_id=disk.id,
                opts=self._opts(parent),
            )
        return disk

    # --- links ------------------------------------------------------------------
    def ipsec_gateway(self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs,
                      vpc: VpcHandles) -> GatewayHandles:
        peer = self._peer(link, side)
        private = link.kind in PRIVATE_CIRCUITS and peer.cloud != self.cloud
        if private:
            # IPsec over a private circuit: the circuit itself (physical connection, VBR, CEN) first.
            self._express_connect(parent, name, link, side, peer, vpc)
        dual = self.region in regions.DUAL_TUNNEL_REGIONS
        gateway_name = f"{link.link}-{side.centre}"
        national = (link.cipher_suite or "sm") == "sm"  # the model's default suite is SM (R-NET-04)
        gateway = alicloud.vpn.Gateway(
            f"{name}-vpn", vpn_gateway_name=gateway_name, vpc_id=vpc.vpc_id,
            vswitch_id=vpc.subnet_ids[TRANSIT],
            disaster_recovery_vswitch_id=vpc.subnet_ids[STANDBY] if dual else None,
            bandwidth=min(VPN_MAX_MBPS, int(link.bandwidth_gbps * 1000)),
            payment_type=regions.VPN_PAYMENT, period=regions.VPN_PERIOD_MONTHS,
            enable_ipsec=True, enable_ssl=False,
            vpn_type="NationalStandard" if national else "Normal",
            network_type="private" if private else "public",
            description=link.description(), tags=link.tags(), opts=self._opts(parent),
        )
        if national:
            # The SM signing and encryption certificates a national-standard gateway negotiates
            # with; supplied by the operator (stack config secrets), uploaded to Certificate
            # Management Service.  Binding them to the gateway (AssociateVpnGatewayWithCertificate)
            # has no provider resource: an operator step after `pulumi up` (README).
            cert = sm_certificate(gateway_name)
            alicloud.cas.ServiceCertificate(
                f"{name}-sm-cert", certificate_name=f"{gateway_name}-sm",
                sign_cert=cert.sign_cert, sign_private_key=cert.sign_key,
                encrypt_cert=cert.encrypt_cert, encrypt_private_key=cert.encrypt_key,
                tags={SM_CERT_FOR_TAG: gateway_name}, opts=self._opts(parent),
            )
        return GatewayHandles(address=gateway.internet_ip, resource=gateway)

    @staticmethod
    def _peer(link: DrLinkArgs, side: LinkSideArgs) -> LinkSideArgs:
        return link.b if side is link.a or side.centre == link.a.centre else link.a

    def _express_connect(self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs,
                         peer: LinkSideArgs, vpc: VpcHandles) -> list[pulumi.CustomResource]:
        """The circuit as AliCloud builds it: a physical connection (the port at the access point the
        carrier's line lands on), a virtual border router on it peering with the far end's edge router,
        and both the VBR and the VPC attached to the region's CEN (R-NET-01: IDC ↔ VPC over private lines).
        """
        mbps = int(link.bandwidth_gbps * 1000)
        port = alicloud.expressconnect.PhysicalConnection(
            f"{name}-port", access_point_id=access_point(side.centre),
            line_operator=regions.LINE_OPERATORS.get(link.carrier, "CO"),
            port_type=regions.port_type(link.bandwidth_gbps), peer_location=f"{peer.centre} ({link.route_id})",
            physical_connection_name=f"{link.link}-{side.centre}", description=link.description(),
            bandwidth=str(mbps), type="VPC", opts=self._opts(parent),
        )
        local_ip, peer_ip, mask = interconnect(peer)
        vbr = alicloud.expressconnect.VirtualBorderRouter(
            f"{name}-vbr", physical_connection_id=port.id, vlan_id=VBR_VLAN,
            local_gateway_ip=local_ip, peer_gateway_ip=peer_ip, peering_subnet_mask=mask,
            virtual_border_router_name=f"{link.link}-{side.centre}", description=link.description(), bandwidth=mbps,
            tags=link.tags(), opts=self._opts(parent),
        )
        attached = self.cen.attach(side.centre, side.cloud_region, vpc.vpc_id, self.provider)
        attached.append(self.cen.attach_vbr(f"{link.link}-{side.centre}", side.cloud_region, vbr.id,
                                            self.provider))
        return [port, vbr, *attached]

    def ipsec_connection(self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs,
                         peer: LinkSideArgs, gateway: GatewayHandles, peer_address: pulumi.Output[str],
                         vpc: VpcHandles, psk: pulumi.Output[str] | None) -> list[pulumi.CustomResource]:
        if psk is None:
            raise ValueError(f"link {link.link}: a VPN gateway connection needs the link's pre-shared key")
        integrity, cipher = IPSEC_ALGORITHMS[link.cipher_suite or "sm"]
        customer = alicloud.vpn.CustomerGateway(
            f"{name}-peer", customer_gateway_name=f"{link.link}-{peer.centre}", ip_address=peer_address,
            description=link.description(), tags=link.tags(), opts=self._opts(parent),
        )
        # GM/T 0022 IPsec negotiates over IKEv1 main mode.
        ike_version = "ikev1" if link.cipher_suite == "sm" else "ikev2"
        dual = self.region in regions.DUAL_TUNNEL_REGIONS
        ike: dict[str, Any] = {"ike_version": ike_version, "ike_mode": "main", "ike_auth_alg": integrity,
                               "ike_enc_alg": cipher, "ike_pfs": "group14", "ike_lifetime": IKE_LIFETIME_S}
        ipsec = alicloud.vpn.ConnectionIpsecConfigArgs(
            ipsec_auth_alg=integrity, ipsec_enc_alg=cipher, ipsec_pfs="group14", ipsec_lifetime=IPSEC_LIFETIME_S,
        )
        # A dual-tunnel gateway (regions.DUAL_TUNNEL_DOC) takes two tunnels, master and slave, each with
        # its own IKE/IPsec options, both to the peer's one gateway address; a single-tunnel one takes
        # the options once, on the connection.
        tunnels = [
            alicloud.vpn.ConnectionTunnelOptionsSpecificationArgs(
                role=role, customer_gateway_id=customer.id, enable_dpd=True, enable_nat_traversal=True,
                tunnel_ike_config=alicloud.vpn.ConnectionTunnelOptionsSpecificationTunnelIkeConfigArgs(
                    **ike, psk=psk),
                tunnel_ipsec_config=alicloud.vpn.ConnectionTunnelOptionsSpecificationTunnelIpsecConfigArgs(
                    ipsec_auth_alg=integrity, ipsec_enc_alg=cipher, ipsec_pfs="group14",
                    ipsec_lifetime=IPSEC_LIFETIME_S,
                ),
            )
            for role in ("master", "slave")
        ] if dual else None
        conn = alicloud.vpn.Connection(
            f"{name}-conn", vpn_connection_name=f"{link.link}-{side.centre}", vpn_gateway_id=gateway.resource.id,
            local_subnets=[side.cidr], remote_subnets=[peer.cidr], effect_immediately=True,
            tunnel_options_specifications=tunnels,
            customer_gateway_id=None if dual else customer.id,
            enable_dpd=None if dual else True, enable_nat_traversal=None if dual else True,
            ike_config=None if dual else alicloud.vpn.ConnectionIkeConfigArgs(**ike, psk=psk),
            ipsec_config=None if dual else ipsec,
            tags=link.tags(), opts=self._opts(parent),
        )
        route = alicloud.vpn.RouteEntry(
            f"{name}-route", vpn_gateway_id=gateway.resource.id, route_dest=peer.cidr, next_hop=conn.id,
            weight=100, publish_vpc=True, opts=self._opts(parent),
        )
        return [customer, conn, route]

    def circuit(self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs,
                peer: LinkSideArgs, vpc: VpcHandles) -> list[pulumi.CustomResource]:
        if link.kind not in PRIVATE_CIRCUITS or peer.cloud == self.cloud:
            # AliCloud to AliCloud: the region's CEN carries it.
            return self.cen.attach(side.centre, side.cloud_region, vpc.vpc_id, self.provider)
        return self._express_connect(parent, name, link, side, peer, vpc)


def create(name: str, centre: CentreModel, parent: pulumi.Resource, shared: RegionShared) -> AliCloudBackend:
    """Registry entry point (``medcloud.components.backends.registry``); one CEN per region."""
    cen = shared.entries.get("alicloud.cen")
    if not isinstance(cen, CenRegistry):
        cen = CenRegistry(shared.region, shared.parent)
        shared.entries["alicloud.cen"] = cen
    return AliCloudBackend.for_centre(name, centre.cloud_region, cen, parent)
