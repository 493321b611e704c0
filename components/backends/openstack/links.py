"""Inter-centre links on OpenStack (R-TOP-02…05, R-NET-04, R-SEC-01).

- SM-suite IPsec (GM/T 0022: SM4, SM3, SM2 certificates) is terminated on the
  centre's domestic IPsec appliance, whose configuration ``medcloud appliance
  render`` produces from the same model.  Neutron VPNaaS cannot carry it: its
  API validator and the provider's (terraform-provider-openstack v3.4.0,
  ``resourceIKEPolicyV2EncryptionAlgorithm``) know AES/3DES and SHA-1/SHA-2
  only.  On the Neutron side the link is what the appliance needs: its inside
  address reserved on the transit subnet and the peer's prefix routed to it.
- International-suite IPsec (interop, R-SEC-01) runs on Neutron VPNaaS with
  AES-256 / SHA-256 on the router, which has an external gateway.
- A plain circuit is a route to the carrier's edge router on the transit subnet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
from medcloud.components.args import DrLinkArgs, LinkSideArgs
from medcloud.components.backends import GatewayHandles, VpcHandles
from medcloud.components.backends.openstack.network import route
from medcloud.components.backends.openstack.sdk import openstack

from medcloud.ipam import TRANSIT
from medcloud.model.edge import IKE_LIFETIME_S, IPSEC_LIFETIME_S
from medcloud.model.links import CipherSuite

if TYPE_CHECKING:
    from medcloud.components.backends.openstack.backend import OpenStackBackend

#: Neutron VPNaaS algorithms for international-suite links (R-SEC-01 interop):
#: (IKE/ESP integrity, encryption), as the VPNaaS API and the provider spell them.
VPNAAS_ALGORITHMS = ("sha256", "aes-256")


def on_appliance(link: DrLinkArgs) -> bool:
    """Whether an OpenStack side's tunnel ends on the centre's IPsec appliance rather than on VPNaaS."""
    return link.suite == CipherSuite.SM.value


def ipsec_gateway(backend: OpenStackBackend, parent: pulumi.Resource, name: str, link: DrLinkArgs,
                  side: LinkSideArgs, vpc: VpcHandles) -> GatewayHandles:
    if on_appliance(link):
        if vpc.appliance is None or side.appliance_address is None:
            # The model loader refuses this region (Region._edge_errors); reaching here is a bug.
            raise ValueError(f"link {link.link}: centre {side.centre} has no IPsec appliance for an SM-suite tunnel")
        return GatewayHandles(address=pulumi.Output.from_input(side.appliance_address), resource=vpc.appliance)
    service = openstack.vpnaas.Service(
        f"{name}-vpn", name=f"{link.link}-{side.centre}", router_id=vpc.router_id, admin_state_up=True,
        description=link.description(), region=backend.region, opts=backend.opts(parent),
    )
    return GatewayHandles(address=service.external_v4_ip, resource=service)


def ipsec_connection(backend: OpenStackBackend, parent: pulumi.Resource, name: str, link: DrLinkArgs,
                     side: LinkSideArgs, peer: LinkSideArgs, gateway: GatewayHandles,
                     peer_address: pulumi.Output[str], vpc: VpcHandles,
                     psk: pulumi.Output[str] | None) -> list[pulumi.CustomResource]:
    if on_appliance(link):
        # The tunnel itself is the appliance's (rendered configuration); Neutron routes to it.
        return [route(backend, parent, f"{name}-route", vpc, peer.cidr, side.next_hop)]
    if psk is None:
        raise ValueError(f"link {link.link}: a VPNaaS site connection needs the link's pre-shared key")
    integrity, cipher = VPNAAS_ALGORITHMS
    opts = backend.opts(parent)
    ike = openstack.vpnaas.IkePolicy(
        f"{name}-ike", name=f"{link.link}-ike", auth_algorithm=integrity, encryption_algorithm=cipher,
        ike_version="v2", pfs="group14", phase1_negotiation_mode="main",
        lifetimes=[openstack.vpnaas.IkePolicyLifetimeArgs(units="seconds", value=IKE_LIFETIME_S)],
        description=link.description(), region=backend.region, opts=opts,
    )
    esp = openstack.vpnaas.IpSecPolicy(
        f"{name}-ipsec", name=f"{link.link}-ipsec", auth_algorithm=integrity, encryption_algorithm=cipher,
        transform_protocol="esp", encapsulation_mode="tunnel", pfs="group14",
        lifetimes=[openstack.vpnaas.IpSecPolicyLifetimeArgs(units="seconds", value=IPSEC_LIFETIME_S)],
        description=link.description(), region=backend.region, opts=opts,
    )
    # Neutron requires the local endpoint group to be of type subnet (ids of subnets on the
    # VPN service's router); only the peer side may be CIDRs.
    local_keys = [key for key in vpc.subnet_ids if key != TRANSIT]
    local = openstack.vpnaas.EndpointGroup(
        f"{name}-local", name=f"{link.link}-{side.centre}-local", type="subnet",
        endpoints=[vpc.subnet_ids[key] for key in local_keys], region=backend.region, opts=opts,
    )
    remote = openstack.vpnaas.EndpointGroup(
        f"{name}-peer", name=f"{link.link}-{peer.centre}-peer", type="cidr", endpoints=[peer.cidr],
        region=backend.region, opts=opts,
    )
    conn = openstack.vpnaas.SiteConnection(
        f"{name}-conn", name=f"{link.link}-{side.centre}", ikepolicy_id=ike.id, ipsecpolicy_id=esp.id,
        vpnservice_id=gateway.resource.id, local_ep_group_id=local.id, peer_ep_group_id=remote.id,
        peer_address=peer_address, peer_id=peer_address, psk=psk, initiator="bi-directional",
        admin_state_up=True,
        dpds=[openstack.vpnaas.SiteConnectionDpdArgs(action="restart", interval=10, timeout=60)],
        description=link.description(), region=backend.region,
        # The local subnets must be on the service's router when the connection is made.
        opts=backend.opts(parent, depends_on=[vpc.attachments[key] for key in local_keys]),
    )
    return [ike, esp, local, remote, conn]


def circuit(backend: OpenStackBackend, parent: pulumi.Resource, name: str, link: DrLinkArgs,
            side: LinkSideArgs, peer: LinkSideArgs, vpc: VpcHandles) -> list[pulumi.CustomResource]:
    """The circuit lands on an edge router in the transit subnet; route the peer centre there."""
    return [route(backend, parent, f"{name}-route", vpc, peer.cidr, side.next_hop)]
