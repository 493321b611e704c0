"""The ``DrLink`` component: one inter-centre circuit as cloud resources, with the link's
facts (carrier, route, bandwidth, RTT, cipher suite) as its inputs (R-TOP-02…05, R-NET-04).

An encrypted link becomes an IPsec tunnel between the two centres' gateways
(OpenStack VPNaaS / AliCloud VPN gateway, SM suite where the model says so);
an unencrypted private circuit becomes routes to the circuit's edge router
(OpenStack) or a CEN attachment (AliCloud).
"""

from __future__ import annotations

import pulumi
from medcloud.components.args import DrLinkArgs, props
from medcloud.components.backends import Backend, VpcHandles


class DrLink(pulumi.ComponentResource):
    def __init__(self, name: str, args: DrLinkArgs, ends: dict[str, tuple[Backend, VpcHandles]],
                 psk: pulumi.Output[str] | None, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("medcloud:drlink:DrLink", name, props(args), opts)
        self.args = args
        sides = ((args.a, args.b), (args.b, args.a))
        endpoints: dict[str, pulumi.Output[str]] = {}
        if args.ipsec:
            if psk is None and args.psk_needed:
                raise ValueError(f"link {args.link} is IPsec but no pre-shared key was supplied")
            gateways = {
                side.centre: ends[side.centre][0].ipsec_gateway(
                    self, f"{name}-{side.centre}", args, side, ends[side.centre][1],
                )
                for side, _ in sides
            }
            for side, peer in sides:
                backend, vpc = ends[side.centre]
                backend.ipsec_connection(
                    self, f"{name}-{side.centre}", args, side, peer, gateways[side.centre],
                    gateways[peer.centre].address, vpc, psk,
                )
                endpoints[side.centre] = gateways[side.centre].address
        else:
            for side, peer in sides:
                backend, vpc = ends[side.centre]
                backend.circuit(self, f"{name}-{side.centre}", args, side, peer, vpc)
                endpoints[side.centre] = pulumi.Output.from_input(side.next_hop)
        self.endpoints = endpoints
        # ``link`` too: a CrossGuard stack policy sees only outputs, and the compliance joins key on it.
        self.register_outputs({"link": args.link, "endpoints": endpoints, "kind": args.kind, "ipsec": args.ipsec})
