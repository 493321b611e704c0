"""The ``Region`` component: the whole two-sites-three-centres build of one region model.

Its inputs carry the validated model (``model``) and the address plan
(``addressPlan``), so a policy pack can rebuild the model from the preview
or the engine and run :mod:`medcloud.checks` on exactly what was deployed.
The model is registered as an output too: under ``pulumi preview
--policy-pack`` stack policies see only a component's registered outputs.
"""

from __future__ import annotations

from collections.abc import Callable

import pulumi
from medcloud.components.backends import RegionShared
from medcloud.components.centre import Centre
from medcloud.components.derive import (
    gslb_args,
    inter_centre_links,
    link_args,
    load_balancer_args,
    placement_args,
    replication_target,
    server_group_args,
)
from medcloud.components.drlink import DrLink
from medcloud.components.placement import CentreLayers, SystemPlacement
from medcloud.components.secrets import gslb_mode, tls_certificate
from medcloud.components.traffic import CertificateSource, FrontDoor, TrafficLayers

from medcloud import ipam
from medcloud.model import CentreRole
from medcloud.model import Region as RegionModel

PskSource = Callable[[str], pulumi.Output[str]]


class Region(pulumi.ComponentResource):
    def __init__(self, name: str, region: RegionModel, psk: PskSource,
                 opts: pulumi.ResourceOptions | None = None, *,
                 certificate: CertificateSource = tls_certificate,
                 mode: Callable[[str], str] = gslb_mode) -> None:
        plan = ipam.plan(region)
        model = region.model_dump(mode="json")
        super().__init__("medcloud:region:Region", name, {
            "model": model,
            "addressPlan": plan.to_json(),
        }, opts)
        self.model = region
        self.plan = plan
        child = pulumi.ResourceOptions(parent=self)
        shared = RegionShared(name, self)
        # Replication targets (the remote DR centre) first, so sources can depend on their buckets.
        order = sorted(region.centres, key=lambda c: c.role != CentreRole.REMOTE_DR)
        self.centres: dict[str, Centre] = {}
        for centre in order:
            target = replication_target(region, centre)
            replica = self.centres[target.centre].storage.handles if target else None
            self.centres[centre.name] = Centre(
                f"{name}-{centre.name}", region, centre, plan, shared, replica=replica, opts=child,
            )
        self.links: dict[str, DrLink] = {}
        for link in inter_centre_links(region):
            args = link_args(region, link, plan)
            ends = {c: (self.centres[c].backend, self.centres[c].vpc.handles) for c in (link.a, link.b)}
            self.links[link.name] = DrLink(
                f"{name}-{link.name}", args, ends, psk(link.name) if args.psk_needed else None, opts=child,
            )
        layers = {
            c: CentreLayers(centre.backend, centre.storage.handles, centre.compute.backend, centre.compute.handles)
            for c, centre in self.centres.items()
        }
        self.placements = {
            system.name: SystemPlacement(
                f"{name}-{system.name}", placement_args(region, system), server_group_args(region, system),
                layers, opts=child,
            )
            for system in region.systems
        }
        traffic = {c: TrafficLayers(centre.traffic, centre.vpc.handles) for c, centre in self.centres.items()}
        self.front_doors = {
            system.name: FrontDoor(
                f"{name}-{system.name}-front", load_balancer_args(region, system),
                gslb_args(region, system, mode(system.name)), traffic, certificate,
                opts=pulumi.ResourceOptions(parent=self.placements[system.name]),
            )
            for system in region.systems
        }
        self.register_outputs({
            "model": model,
            "vpcIds": self.vpc_ids(),
            "linkEndpoints": {k: v.endpoints for k, v in self.links.items()},
        })

    def vpc_ids(self) -> dict[str, pulumi.Output[str]]:
        return {name: centre.vpc.vpc_id for name, centre in self.centres.items()}
