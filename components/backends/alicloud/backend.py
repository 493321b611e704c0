"""AliCloud (public cloud) backend: VPC, ECS, KMS, OSS, VPN gateway, CEN.

One explicit provider per centre pins the region (``cloud_region``).  The
SM suite is native here: ``Aliyun_SM4`` KMS keys in the HSM, OSS
server-side encryption with ``SM4`` data keys, ``NationalStandard`` (国密)
VPN gateways negotiating SM3/SM4.
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
    # The package warns on import about resources it deprecates (StarRocksInstance…),
    # in every program that imports it; we use none of them.
    warnings.simplefilter("ignore", DeprecationWarning)
    import pulumi_alicloud as alicloud

    # Submodules load lazily, on first attribute access, and warn then too.
    _LOADED = (alicloud.cen.Instance, alicloud.ecs.EcsDisk, alicloud.kms.Key, alicloud.oss.Bucket,
               alicloud.vpc.Network, alicloud.vpn.Gateway, alicloud.Provider)

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


class AliCloudBackend:
    cloud = "alicloud"

    def __init__(self, provider: pulumi.ProviderResource, cloud_region: str, cen: CenRegistry) -> None:
        self.provider = provider
        self.region = cloud_region
        self.cen = cen

    @classmethod
    def for_centre(cls, name: str, cloud_region: str, cen: CenRegistry, parent: pulumi.Resource,
                   ) -> AliCloudBackend:
        """One provider per centre pins its region; credentials come from the environment/profile."""
        provider = alicloud.Provider(
            f"{name}-provider", region=cloud_region, opts=pulumi.ResourceOptions(parent=parent),
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
            switch = alicloud.vpc.Switch(
                f"{name}-{slug(subnet.key)}", vswitch_name=f"{args.centre}-{subnet.key}", vpc_id=vpc.id,
                cidr_block=subnet.cidr, zone_id=subnet.az, tags=tags, opts=self._opts(parent),
            )
            alicloud.vpc.RouteTableAttachment(
                f"{name}-{slug(subnet.key)}-rta", route_table_id=table.id, vswitch_id=switch.id,
                opts=self._opts(parent),
            )
            switch_ids[subnet.key] = switch.id
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
        return VpcHandles(
            vpc_id=vpc.id, router_id=table.id, subnet_ids=switch_ids,
            security_group_ids={k: v.id for k, v in groups.items()}, cidr=args.cidr,
        )

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
            # R-DC-01 / R-SEC-02: SM4 key in the hardware module (R-SEC-03), rotated within a year.
            key = alicloud.kms.Key(
                f"{name}-sm4-key", description=f"{args.region}-{args.centre} SM4 data key",
                key_spec="Aliyun_SM4", key_usage="ENCRYPT/DECRYPT", protection_level="HSM",
                automatic_rotation="Enabled", rotation_interval=f"{enc.rotation_days * 86400}s",
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
        private = link.kind == "express_connect"
        gateway = alicloud.vpn.Gateway(
            f"{name}-vpn", vpn_gateway_name=f"{link.link}-{side.centre}", vpc_id=vpc.vpc_id,
            vswitch_id=vpc.subnet_ids["transit"],
            bandwidth=min(VPN_MAX_MBPS, int(link.bandwidth_gbps * 1000)), payment_type="PayAsYouGo",
            enable_ipsec=True, enable_ssl=False,
            vpn_type="NationalStandard" if link.cipher_suite == "sm" else "Normal",
            network_type="private" if private else "public",
            description=link.description(), tags=link.tags(), opts=self._opts(parent),
        )
        return GatewayHandles(address=gateway.internet_ip, resource=gateway)

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
        conn = alicloud.vpn.Connection(
            f"{name}-conn", vpn_connection_name=f"{link.link}-{side.centre}", vpn_gateway_id=gateway.resource.id,
            customer_gateway_id=customer.id, local_subnets=[side.cidr], remote_subnets=[peer.cidr],
            effect_immediately=True, enable_dpd=True, enable_nat_traversal=True,
            ike_config=alicloud.vpn.ConnectionIkeConfigArgs(
                # GM/T 0022 IPsec negotiates over IKEv1 main mode.
                ike_version="ikev1" if link.cipher_suite == "sm" else "ikev2", ike_mode="main",
                ike_auth_alg=integrity, ike_enc_alg=cipher, ike_pfs="group14", ike_lifetime=IKE_LIFETIME_S,
                psk=psk,
            ),
            ipsec_config=alicloud.vpn.ConnectionIpsecConfigArgs(
                ipsec_auth_alg=integrity, ipsec_enc_alg=cipher, ipsec_pfs="group14",
                ipsec_lifetime=IPSEC_LIFETIME_S,
            ),
            tags=link.tags(), opts=self._opts(parent),
        )
        route = alicloud.vpn.RouteEntry(
            f"{name}-route", vpn_gateway_id=gateway.resource.id, route_dest=peer.cidr, next_hop=conn.id,
            weight=100, publish_vpc=True, opts=self._opts(parent),
        )
        return [customer, conn, route]

    def circuit(self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs,
                peer: LinkSideArgs, vpc: VpcHandles) -> list[pulumi.CustomResource]:
        # Private circuits reach AliCloud through the region's CEN (the VBR hangs off it).
        return self.cen.attach(side.centre, side.cloud_region, vpc.vpc_id, self.provider)


def create(name: str, centre: CentreModel, parent: pulumi.Resource, shared: RegionShared) -> AliCloudBackend:
    """Registry entry point (``medcloud.components.backends.registry``); one CEN per region."""
    cen = shared.entries.get("alicloud.cen")
    if not isinstance(cen, CenRegistry):
        cen = CenRegistry(shared.region, shared.parent)
        shared.entries["alicloud.cen"] = cen
    return AliCloudBackend.for_centre(name, centre.cloud_region, cen, parent)
