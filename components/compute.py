"""The ``Compute`` component: a centre's pools as schedulable capacity (R-TOP-07, R-TOP-08,
R-HW-07, R-CMP-01) — availability zones, a host group per pool with its metadata, the flavors
bound to it, and dedicated hosts for dedicated pools where the cloud sells them."""

from __future__ import annotations

import pulumi
from medcloud.components.args import ComputeArgs, props
from medcloud.components.backends import ComputeBackend


class Compute(pulumi.ComponentResource):
    def __init__(self, name: str, args: ComputeArgs, backend: ComputeBackend,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("medcloud:compute:Compute", name, props(args), opts)
        self.args = args
        self.backend = backend
        self.handles = backend.compute(self, name, args)
        self.register_outputs({
            "hostGroups": self.handles.host_groups,
            "flavors": {pool: sorted(flavors) for pool, flavors in self.handles.flavors.items()},
        })
