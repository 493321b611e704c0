"""Traffic components: a business system's front door in every centre it runs in (R-NET-05)
and its GSLB record (R-BC-06).

``FrontDoor`` (``medcloud:traffic:FrontDoor``) builds one load balancer per centre through the
centre's traffic backend; ``Gslb`` (``medcloud:traffic:Gslb``) points the system's name at them:
a private record in every centre whose cloud serves private DNS, and one global traffic-manager
entry where the region has a cloud that serves it, with the active centres as default pools,
the others as failover pools, and the manual override as its mode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pulumi
from medcloud.components.args import GslbArgs, LoadBalancerArgs, props
from medcloud.components.backends import FrontDoorHandles, GslbTarget, TrafficBackend, VpcHandles, slug

CertificateSource = Callable[[str], pulumi.Output[str]]


@dataclass
class TrafficLayers:
    """A centre's traffic backend and the network its balancers sit in."""

    traffic: TrafficBackend
    vpc: VpcHandles


class Gslb(pulumi.ComponentResource):
    def __init__(self, name: str, args: GslbArgs, targets: list[GslbTarget], centres: dict[str, TrafficLayers],
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("medcloud:traffic:Gslb", name, props(args), opts)
        private = [t.pool.centre for t in targets if "private" in centres[t.pool.centre].traffic.gslb_scopes]
        for centre in private:
            centres[centre].traffic.gslb(self, f"{name}-{centre}", "private", args, targets)
        manager = next((c for c, layers in centres.items() if "global" in layers.traffic.gslb_scopes), None)
        if manager is not None:
            centres[manager].traffic.gslb(self, f"{name}-global", "global", args, targets)
        self.register_outputs({"private": private, "global": manager, "mode": args.mode})


class FrontDoor(pulumi.ComponentResource):
    def __init__(self, name: str, balancers: tuple[LoadBalancerArgs, ...], gslb: GslbArgs,
                 centres: dict[str, TrafficLayers], certificate: CertificateSource,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("medcloud:traffic:FrontDoor", name, {
            "system": gslb.system, "balancers": [props(b) for b in balancers],
        }, opts)
        handles: dict[str, FrontDoorHandles] = {}
        for lb in balancers:
            centre = lb.replica.centre
            layers = centres[centre]
            tls = any(listener.tls_versions for listener in lb.listeners)
            handles[centre] = layers.traffic.load_balancer(
                self, slug(name, centre), lb, layers.vpc, certificate(centre) if tls else None,
            )
        targets = [GslbTarget(pool, handles[pool.centre]) for pool in gslb.pools]
        self.gslb = Gslb(f"{name}-gslb", gslb, targets, centres, opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"addresses": {c: h.address for c, h in handles.items()}})
