"""The ``Centre`` component: one data centre's provider, networking and storage."""

from __future__ import annotations

import pulumi
from medcloud.components.backends import RegionShared, StorageHandles
from medcloud.components.backends.registry import backend_for, compute_for, traffic_for
from medcloud.components.compute import Compute
from medcloud.components.derive import compute_args, storage_args, vpc_args
from medcloud.components.storage import StoragePolicy
from medcloud.components.vpc import Vpc

from medcloud.ipam import AddressPlan
from medcloud.model import Centre as CentreModel
from medcloud.model import Region


class Centre(pulumi.ComponentResource):
    def __init__(self, name: str, region: Region, centre: CentreModel, plan: AddressPlan, shared: RegionShared, *,
                 replica: StorageHandles | None = None, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("medcloud:centre:Centre", name, {
            "centre": centre.name,
            "role": centre.role.value,
            "cloud": centre.cloud.value,
            "cloudRegion": centre.cloud_region,
            "cidr": str(plan.centres[centre.name].cidr),
            "location": centre.location.model_dump(mode="json"),
            "capacity": centre.capacity.model_dump(mode="json"),
        }, opts)
        self.model = centre
        self.backend = backend_for(name, centre, self, shared)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc = Vpc(f"{name}-vpc", vpc_args(region, centre, plan), self.backend, opts=child)
        self.storage = StoragePolicy(
            f"{name}-storage", storage_args(region, centre), self.backend, replica=replica, opts=child,
        )
        self.compute = Compute(
            f"{name}-compute", compute_args(region, centre), compute_for(centre, self.backend, shared), opts=child,
        )
        self.traffic = traffic_for(centre, self.backend, shared, self, name)
        self.register_outputs({"centre": centre.name, "vpcId": self.vpc.vpc_id,
                               "cidr": str(plan.centres[centre.name].cidr)})
