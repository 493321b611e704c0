"""OpenStack traffic layer: Octavia load balancers (R-NET-05) and Designate records (R-BC-06).

Per system and centre one Octavia load balancer on the pool's subnet; per listener a pool and a
health monitor.  TLS ends at the balancer (``TERMINATED_HTTPS``) with only the versions the
system's data level allows (R-NET-04) and is re-established to the VMs where TLS 1.3 only is
required; HTTP/2 is negotiated by ALPN, websockets get hour-long idle timeouts.  Emergency and
registration systems keep sessions (``HTTP_COOKIE`` on L7, ``SOURCE_IP`` on L4, R-BC-06).

Designate is the private side of GSLB: a zone per centre and an A record per system listing the
VIPs of the pools the override mode selects.  Designate has no health probe, so on this side
failover is the manual override (``gslbMode-<system>``); the policy pack reports the missing
probe (R-BC-06).  Allowed values follow the provider's ``openstack_lb_*_v2`` and
``openstack_dns_*_v2`` validators.
"""

from __future__ import annotations

import warnings

import pulumi
from medcloud.components.args import GslbArgs, ListenerArgs, LoadBalancerArgs
from medcloud.components.backends import FrontDoorHandles, GslbTarget, RegionShared, VpcHandles, slug
from medcloud.components.backends.openstack.backend import OpenStackBackend
from medcloud.components.backends.openstack.network import tag_list
from medcloud.components.backends.openstack.sdk import openstack

with warnings.catch_warnings():
    # Submodules load lazily and warn about renamed resources on first access (see .sdk).
    warnings.simplefilter("ignore", DeprecationWarning)
    _LOADED = (openstack.loadbalancer.LoadBalancer, openstack.dns.Zone)

#: medcloud listener protocol → (Octavia listener protocol, pool protocol, monitor type).
PROTOCOLS: dict[str, tuple[str, str, str]] = {
    "tcp": ("TCP", "TCP", "TCP"),
    "udp": ("UDP", "UDP", "UDP-CONNECT"),
    "http": ("HTTP", "HTTP", "HTTP"),
    "https": ("TERMINATED_HTTPS", "HTTP", "HTTP"),
    "http2": ("TERMINATED_HTTPS", "HTTP", "HTTP"),
    "websocket": ("TERMINATED_HTTPS", "HTTP", "HTTP"),
}
#: ALPN offered per protocol (the provider accepts http/1.0, http/1.1, h2).
ALPN: dict[str, list[str]] = {"http2": ["h2", "http/1.1"], "websocket": ["http/1.1"], "https": ["http/1.1"]}
#: Websocket connections stay open: one hour of idle time, in milliseconds.
WEBSOCKET_IDLE_MS = 3_600_000
SCOPES = frozenset({"private"})


def octavia_tls(versions: tuple[str, ...]) -> list[str]:
    """``("1.3",)`` → ``["TLSv1.3"]``, the spelling Octavia and the provider accept."""
    return [f"TLSv{v}" for v in versions]


def persistence(listener: ListenerArgs, sticky: bool) -> str | None:
    if not sticky:
        return None
    return "HTTP_COOKIE" if listener.layer == 7 else "SOURCE_IP"


class OpenStackTraffic:
    gslb_scopes = SCOPES

    def __init__(self, backend: OpenStackBackend, centre: pulumi.Resource, name: str) -> None:
        self.backend = backend
        self.centre = centre
        self.name = name
        self._zones: dict[str, openstack.dns.Zone] = {}

    def _opts(self, parent: pulumi.Resource) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=parent, provider=self.backend.provider)

    def load_balancer(self, parent: pulumi.Resource, name: str, args: LoadBalancerArgs, vpc: VpcHandles,
                      certificate: pulumi.Output[str] | None) -> FrontDoorHandles:
        region = self.backend.region
        lb = openstack.loadbalancer.LoadBalancer(
            f"{name}-lb", name=f"{args.system}-{args.replica.role}", vip_subnet_id=vpc.subnet_ids[args.subnet],
            description=f"R-NET-05 front door of {args.system} ({args.replica.role})",
            tags=tag_list(args.labels), region=region, opts=self._opts(parent),
        )
        for listener in args.listeners:
            self._listener(parent, f"{name}-{listener.protocol}-{listener.port}", lb, args, listener, certificate)
        return FrontDoorHandles(address=lb.vip_address, address_type="IPV4", balancer=lb)

    def _listener(self, parent: pulumi.Resource, name: str, lb: openstack.loadbalancer.LoadBalancer,
                  args: LoadBalancerArgs, listener: ListenerArgs, certificate: pulumi.Output[str] | None) -> None:
        region = self.backend.region
        front, back, probe = PROTOCOLS[listener.protocol]
        tls = bool(listener.tls_versions)
        if tls and certificate is None:
            raise ValueError(f"{args.system}: listener {listener.protocol}/{listener.port} needs a certificate")
        # Re-encrypt towards the VMs where only TLS 1.3 is allowed (R-NET-04).
        reencrypt = tls and listener.tls_versions == ("1.3",)
        alpn = ALPN.get(listener.protocol) if tls else None
        idle = WEBSOCKET_IDLE_MS if listener.protocol == "websocket" else None
        octavia_listener = openstack.loadbalancer.Listener(
            f"{name}-listener", name=f"{args.system}-{listener.protocol}-{listener.port}",
            loadbalancer_id=lb.id, protocol=front, protocol_port=listener.port,
            default_tls_container_ref=certificate if tls else None,
            tls_versions=octavia_tls(listener.tls_versions) if tls else None, alpn_protocols=alpn,
            timeout_client_data=idle, timeout_member_data=idle,
            insert_headers={"X-Forwarded-For": "true"} if listener.layer == 7 else None,
            tags=tag_list(args.labels), region=region, opts=self._opts(parent),
        )
        kind = persistence(listener, args.sticky)
        pool = openstack.loadbalancer.Pool(
            f"{name}-pool", name=f"{args.system}-{listener.protocol}-{listener.port}", listener_id=octavia_listener.id,
            protocol=back, lb_method="ROUND_ROBIN" if listener.protocol == "udp" else "LEAST_CONNECTIONS",
            persistence=openstack.loadbalancer.PoolPersistenceArgs(type=kind) if kind else None,
            tls_enabled=reencrypt or None, tls_versions=octavia_tls(listener.tls_versions) if reencrypt else None,
            alpn_protocols=alpn if reencrypt else None,
            tags=tag_list(args.labels), region=region, opts=self._opts(parent),
        )
        http = probe == "HTTP"
        openstack.loadbalancer.Monitor(
            f"{name}-monitor", name=f"{args.system}-{listener.protocol}-{listener.port}", pool_id=pool.id,
            type="HTTPS" if http and reencrypt else probe, delay=args.health.interval_s,
            timeout=args.health.timeout_s, max_retries=args.health.healthy_threshold,
            max_retries_down=args.health.unhealthy_threshold,
            url_path=args.health.path if http else None, http_method="GET" if http else None,
            expected_codes="200-399" if http else None, region=region, opts=self._opts(parent),
        )

    # --- GSLB, private side ---------------------------------------------------------------
    def _zone(self, args: GslbArgs) -> openstack.dns.Zone:
        if args.zone not in self._zones:
            label = slug(args.zone)
            self._zones[args.zone] = openstack.dns.Zone(
                f"{self.name}-{label}", name=args.zone, email=f"hostmaster@{args.zone.rstrip('.')}",
                type="PRIMARY", ttl=args.ttl_s, description=f"medcloud private GSLB zone of {args.region}",
                region=self.backend.region, opts=self._opts(self.centre),
            )
        return self._zones[args.zone]

    def gslb(self, parent: pulumi.Resource, name: str, scope: str, args: GslbArgs,
             targets: list[GslbTarget]) -> list[pulumi.CustomResource]:
        if scope not in SCOPES:
            raise ValueError(f"OpenStack serves GSLB scopes {sorted(SCOPES)}, not {scope!r}")
        want_active = args.mode != "failover"
        chosen = [t for t in targets if t.pool.active == want_active] or targets
        addresses = [t.front_door.address for t in chosen if t.front_door.address_type == "IPV4"]
        record_type = "A" if addresses else "CNAME"
        records = addresses or [chosen[0].front_door.address]
        zone = self._zone(args)
        record = openstack.dns.RecordSet(
            f"{name}-record", zone_id=zone.id, name=f"{args.record}.{args.zone}", type=record_type,
            records=records[:1] if record_type == "CNAME" else records, ttl=args.ttl_s,
            description=(
                f"R-BC-06 {args.system} ({args.business_class}) mode {args.mode}: "
                + ", ".join(f"{t.pool.centre}/{t.pool.role}" for t in chosen)
                + "; no health probe on this side, failover by override"
            ),
            region=self.backend.region, opts=self._opts(parent),
        )
        return [record]


def create(backend: OpenStackBackend, shared: RegionShared, centre: pulumi.Resource,
           name: str) -> OpenStackTraffic:
    """Registry entry point (``medcloud.components.backends.registry.traffic_for``)."""
    return OpenStackTraffic(backend, centre, name)
