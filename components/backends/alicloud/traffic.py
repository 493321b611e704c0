"""AliCloud traffic layer: ALB for L7 and NLB for L4 listeners (R-NET-05), GTM as the global
side of GSLB (R-BC-06).

ALB HTTPS listeners carry a security policy with only the TLS versions the system's data level
allows (R-NET-04) and speak HTTP/2 and websockets natively; NLB carries TCP and UDP.  Sticky
sessions: ALB cookie insertion, NLB source-IP hashing (R-BC-06).  ALB and NLB need vswitches in
at least two zones, so a centre whose security domain sits in one zone cannot take a front door.

GTM: one instance per region; per system an address pool per centre with a health monitor and
an access strategy whose default pools are the active centres and whose failover pools are the
others; ``access_mode`` is the manual override.  The provider accepts a monitor interval of
60 s only (``alicloud_alidns_monitor_config``), slower than R-BC-06's 1 s: the policy pack
reports it.  Allowed values follow the provider's ``alicloud_alb_*``, ``alicloud_nlb_*`` and
``alicloud_alidns_*`` validators.
"""

from __future__ import annotations

import json
import warnings

import pulumi
from medcloud.components.args import GslbArgs, ListenerArgs, LoadBalancerArgs
from medcloud.components.backends import FrontDoorHandles, GslbTarget, RegionShared, VpcHandles, slug
from medcloud.components.backends.alicloud.backend import AliCloudBackend

from medcloud.errors import FrontDoorZonesError as FrontDoorZonesError  # noqa: PLC0414 -- re-export
from medcloud.errors import GslbPoolTypeError as GslbPoolTypeError  # noqa: PLC0414 -- re-export

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import pulumi_alicloud as alicloud

    _LOADED = (alicloud.alb.LoadBalancer, alicloud.nlb.LoadBalancer, alicloud.dns.GtmInstance)

#: ALB and NLB place nodes in at least two zones.
MIN_ZONES = 2
#: ALB cipher suites per TLS version (R-NET-04: 1.3 only where the data level needs it).
CIPHERS = {
    "1.3": ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"],
    "1.2": ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
            "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"],
}
#: Websocket connections stay open: ALB's longest idle timeout, seconds.
WEBSOCKET_IDLE_S = 600
#: The only monitor interval the provider accepts, seconds (alicloud_alidns_monitor_config).
GTM_MONITOR_INTERVAL_S = 60
#: GTM probe node (city, carrier codes) from the provider's example; list yours with
#: DescribeDnsGtmMonitorAvailableConfig.
GTM_PROBE_NODES = (("503", "465"),)
#: Manual override (R-BC-06) → GTM access mode.
ACCESS_MODES = {"auto": "AUTO", "active": "DEFAULT", "failover": "FAILOVER"}
SCOPES = frozenset({"global"})


def tls_versions(versions: tuple[str, ...]) -> list[str]:
    return [f"TLSv{v}" for v in versions]


class AliCloudTraffic:
    gslb_scopes = SCOPES

    def __init__(self, backend: AliCloudBackend, shared: RegionShared) -> None:
        self.backend = backend
        self.shared = shared

    def _opts(self, parent: pulumi.Resource) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=parent, provider=self.backend.provider)

    def load_balancer(self, parent: pulumi.Resource, name: str, args: LoadBalancerArgs, vpc: VpcHandles,
                      certificate: pulumi.Output[str] | None) -> FrontDoorHandles:
        if len(args.zone_subnets) < MIN_ZONES:
            raise FrontDoorZonesError(
                f"centre {args.replica.centre}: {args.system}'s front door needs its security domain in at least "
                f"{MIN_ZONES} zones (ALB/NLB), found {list(args.zone_subnets)} (R-NET-05)"
            )
        zones = [(vpc.subnet_ids[k], k.split(".", 1)[0]) for k in args.zone_subnets]
        tags = dict(args.labels)
        handles: FrontDoorHandles | None = None
        l7 = [x for x in args.listeners if x.layer == 7]
        l4 = [x for x in args.listeners if x.layer == 4]
        if l7:
            alb = alicloud.alb.LoadBalancer(
                f"{name}-alb", load_balancer_name=f"{args.system}-{args.replica.role}", vpc_id=vpc.vpc_id,
                address_type="Intranet", address_allocated_mode="Fixed", load_balancer_edition="Standard",
                load_balancer_billing_config=alicloud.alb.LoadBalancerLoadBalancerBillingConfigArgs(
                    pay_type="PayAsYouGo"),
                zone_mappings=[alicloud.alb.LoadBalancerZoneMappingArgs(vswitch_id=v, zone_id=z) for v, z in zones],
                tags=tags, opts=self._opts(parent),
            )
            policy = None
            versions = next((x.tls_versions for x in l7 if x.tls_versions), ())
            if versions:
                policy = alicloud.alb.SecurityPolicy(
                    f"{name}-tls", security_policy_name=f"{args.system}-{args.replica.role}-tls",
                    tls_versions=tls_versions(versions), ciphers=[c for v in versions for c in CIPHERS[v]],
                    tags=tags, opts=self._opts(parent),
                )
            for listener in l7:
                self._alb_listener(parent, f"{name}-{listener.protocol}-{listener.port}", alb, policy, args,
                                   listener, vpc, certificate)
            handles = FrontDoorHandles(address=alb.dns_name, address_type="DOMAIN", balancer=alb)
        if l4:
            nlb = alicloud.nlb.LoadBalancer(
                f"{name}-nlb", load_balancer_name=f"{args.system}-{args.replica.role}-l4", vpc_id=vpc.vpc_id,
                load_balancer_type="Network", address_type="Intranet", address_ip_version="Ipv4",
                zone_mappings=[alicloud.nlb.LoadBalancerZoneMappingArgs(vswitch_id=v, zone_id=z) for v, z in zones],
                tags=tags, opts=self._opts(parent),
            )
            for listener in l4:
                self._nlb_listener(parent, f"{name}-{listener.protocol}-{listener.port}", nlb, args, listener, vpc)
            handles = handles or FrontDoorHandles(address=nlb.dns_name, address_type="DOMAIN", balancer=nlb)
        assert handles is not None  # the model asks for at least one listener
        return handles

    def _alb_listener(self, parent: pulumi.Resource, name: str, alb: alicloud.alb.LoadBalancer,
                      policy: alicloud.alb.SecurityPolicy | None, args: LoadBalancerArgs, listener: ListenerArgs,
                      vpc: VpcHandles, certificate: pulumi.Output[str] | None) -> None:
        tls = bool(listener.tls_versions)
        if tls and certificate is None:
            raise ValueError(f"{args.system}: listener {listener.protocol}/{listener.port} needs a certificate")
        reencrypt = tls and listener.tls_versions == ("1.3",)
        health = args.health
        group = alicloud.alb.ServerGroup(
            f"{name}-group", server_group_name=f"{args.system}-{listener.protocol}-{listener.port}",
            vpc_id=vpc.vpc_id, protocol="HTTPS" if reencrypt else "HTTP", server_group_type="Instance",
            scheduler="Wlc",
            health_check_config=alicloud.alb.ServerGroupHealthCheckConfigArgs(
                health_check_enabled=True, health_check_protocol="HTTPS" if reencrypt else "HTTP",
                health_check_path=health.path, health_check_method="GET",
                health_check_codes=["http_2xx", "http_3xx"], health_check_interval=health.interval_s,
                health_check_timeout=health.timeout_s, healthy_threshold=health.healthy_threshold,
                unhealthy_threshold=health.unhealthy_threshold,
            ),
            sticky_session_config=alicloud.alb.ServerGroupStickySessionConfigArgs(
                sticky_session_enabled=True, sticky_session_type="Insert", cookie_timeout=3600,
            ) if args.sticky else None,
            tags=dict(args.labels), opts=self._opts(parent),
        )
        alicloud.alb.Listener(
            f"{name}-listener", load_balancer_id=alb.id, listener_protocol="HTTPS" if tls else "HTTP",
            listener_port=listener.port, listener_description=f"{args.system} {listener.protocol}",
            default_actions=[alicloud.alb.ListenerDefaultActionArgs(
                type="ForwardGroup",
                forward_group_config=alicloud.alb.ListenerDefaultActionForwardGroupConfigArgs(
                    server_group_tuples=[
                        alicloud.alb.ListenerDefaultActionForwardGroupConfigServerGroupTupleArgs(
                            server_group_id=group.id),
                    ],
                ),
            )],
            certificates=alicloud.alb.ListenerCertificatesArgs(certificate_id=certificate) if tls else None,
            security_policy_id=policy.id if tls and policy is not None else None,
            idle_timeout=WEBSOCKET_IDLE_S if listener.protocol == "websocket" else None,
            tags=dict(args.labels), opts=self._opts(parent),
        )

    def _nlb_listener(self, parent: pulumi.Resource, name: str, nlb: alicloud.nlb.LoadBalancer,
                      args: LoadBalancerArgs, listener: ListenerArgs, vpc: VpcHandles) -> None:
        protocol = listener.protocol.upper()
        health = args.health
        group = alicloud.nlb.ServerGroup(
            f"{name}-group", server_group_name=f"{args.system}-{listener.protocol}-{listener.port}",
            vpc_id=vpc.vpc_id, protocol=protocol, server_group_type="Instance",
            # Source-IP hashing keeps a client on one VM (R-BC-06).
            scheduler="Sch" if args.sticky else "Wrr",
            health_check=alicloud.nlb.ServerGroupHealthCheckArgs(
                health_check_enabled=True, health_check_type=protocol, health_check_interval=health.interval_s,
                health_check_connect_timeout=health.timeout_s, healthy_threshold=health.healthy_threshold,
                unhealthy_threshold=health.unhealthy_threshold,
            ),
            tags=dict(args.labels), opts=self._opts(parent),
        )
        alicloud.nlb.Listener(
            f"{name}-listener", load_balancer_id=nlb.id, listener_protocol=protocol, listener_port=listener.port,
            server_group_id=group.id, listener_description=f"{args.system} {listener.protocol}",
            tags=dict(args.labels), opts=self._opts(parent),
        )

    # --- GSLB, global side ------------------------------------------------------------------
    def _instance(self, args: GslbArgs) -> alicloud.dns.GtmInstance:
        key = "alicloud.gtm"
        instance = self.shared.entries.get(key)
        if not isinstance(instance, alicloud.dns.GtmInstance):
            instance = alicloud.dns.GtmInstance(
                f"{self.shared.region}-gtm", instance_name=f"{args.region}-gslb", payment_type="Subscription",
                period=1, renewal_status="AutoRenewal", package_edition="ultimate", health_check_task_count=100,
                sms_notification_count=1000, ttl=args.ttl_s, cname_type="PUBLIC",
                public_cname_mode="SYSTEM_ASSIGN", strategy_mode="GEO",
                alert_configs=[
                    alicloud.dns.GtmInstanceAlertConfigArgs(notice_type=kind, sms_notice=True, email_notice=True)
                    for kind in ("ADDR_ALERT", "ACCESS_STRATEGY_POOL_GROUP_SWITCH")
                ],
                opts=pulumi.ResourceOptions(parent=self.shared.parent, provider=self.backend.provider),
            )
            self.shared.entries[key] = instance
        return instance

    def gslb(self, parent: pulumi.Resource, name: str, scope: str, args: GslbArgs,
             targets: list[GslbTarget]) -> list[pulumi.CustomResource]:
        if scope not in SCOPES:
            raise ValueError(f"AliCloud serves GSLB scopes {sorted(SCOPES)}, not {scope!r}")
        instance = self._instance(args)
        out: list[pulumi.CustomResource] = []
        pools: dict[bool, list[tuple[str, alicloud.dns.AddressPool]]] = {True: [], False: []}
        for target in targets:
            pool = alicloud.dns.AddressPool(
                slug(name, target.pool.centre), address_pool_name=f"{args.system}-{target.pool.centre}",
                instance_id=instance.id, lba_strategy="ALL_RR", type=target.front_door.address_type,
                addresses=[alicloud.dns.AddressPoolAddressArgs(
                    address=target.front_door.address, attribute_info=json.dumps({"lineCodes": ["default"]}),
                    mode="SMART", remark=f"{target.pool.centre} {target.pool.role}",
                )],
                opts=self._opts(parent),
            )
            monitor = alicloud.dns.MonitorConfig(
                f"{slug(name, target.pool.centre)}-monitor", addr_pool_id=pool.id, evaluation_count=1,
                interval=GTM_MONITOR_INTERVAL_S, timeout=2000, protocol_type="TCP",
                monitor_extend_info=json.dumps({"failureRate": 50, "port": args.probe_port}),
                isp_city_nodes=[alicloud.dns.MonitorConfigIspCityNodeArgs(city_code=c, isp_code=i)
                                for c, i in GTM_PROBE_NODES],
                opts=self._opts(parent),
            )
            pools[target.pool.active].append((target.front_door.address_type, pool))
            out += [pool, monitor]

        def kind(active: bool) -> str | None:
            types = {t for t, _ in pools[active]}
            if len(types) > 1:
                raise GslbPoolTypeError(
                    f"system {args.system}: GTM {'default' if active else 'failover'} pools mix {sorted(types)} "
                    "addresses; put the centres behind balancers of one kind (R-BC-06)"
                )
            return next(iter(types), None)

        default, failover = kind(True), kind(False)
        if default is None:
            raise GslbPoolTypeError(f"system {args.system}: no active centre to serve the GSLB record (R-BC-06)")
        strategy = alicloud.dns.AccessStrategy(
            f"{name}-strategy", strategy_name=args.system, strategy_mode="GEO", instance_id=instance.id,
            default_addr_pool_type=default, default_lba_strategy="ALL_RR", default_min_available_addr_num=1,
            default_addr_pools=[alicloud.dns.AccessStrategyDefaultAddrPoolArgs(addr_pool_id=p.id, lba_weight=1)
                                for _, p in pools[True]],
            failover_addr_pool_type=failover, failover_lba_strategy="ALL_RR" if failover else None,
            failover_min_available_addr_num=1 if failover else None,
            failover_addr_pools=[alicloud.dns.AccessStrategyFailoverAddrPoolArgs(addr_pool_id=p.id, lba_weight=1)
                                 for _, p in pools[False]] or None,
            access_mode=ACCESS_MODES[args.mode],
            lines=[alicloud.dns.AccessStrategyLineArgs(line_code="default")],
            opts=self._opts(parent),
        )
        return [*out, strategy]


def create(backend: AliCloudBackend, shared: RegionShared, centre: pulumi.Resource, name: str) -> AliCloudTraffic:
    """Registry entry point (``medcloud.components.backends.registry.traffic_for``)."""
    return AliCloudTraffic(backend, shared)
