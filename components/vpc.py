"""The ``Vpc`` component: one centre's network, subnets per security domain, router and
micro-segmented security groups (R-NET-01, R-NET-02, R-TOP-07)."""

from __future__ import annotations

import pulumi
from medcloud.components.args import VpcArgs, props
from medcloud.components.backends import Backend


class Vpc(pulumi.ComponentResource):
    def __init__(self, name: str, args: VpcArgs, backend: Backend,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("medcloud:vpc:Vpc", name, props(args), opts)
        self.args = args
        self.handles = backend.vpc(self, name, args)
        self.vpc_id = self.handles.vpc_id
        self.register_outputs({
            "vpcId": self.handles.vpc_id,
            "routerId": self.handles.router_id,
            "cidr": args.cidr,
            "subnetIds": self.handles.subnet_ids,
            "securityGroupIds": self.handles.security_group_ids,
        })
