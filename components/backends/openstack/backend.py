"""OpenStack (private, xinchuang) backend: Neutron, Cinder, Swift, VPNaaS.

Every centre on OpenStack is its own cloud with its own Keystone, so each
gets an explicit provider (``clouds.yaml`` entry named after the centre).
The work is split by concern: :mod:`.network` (Neutron), :mod:`.storage`
(Cinder, Swift) and :mod:`.links` (routes, VPNaaS, the SM-suite IPsec
appliance's Neutron side); this class is the :class:`Backend` face of them.
"""

from __future__ import annotations

import pulumi
from medcloud.components.args import DrLinkArgs, LinkSideArgs, StorageArgs, VolumeArgs, VpcArgs
from medcloud.components.backends import GatewayHandles, RegionShared, StorageHandles, VpcHandles
from medcloud.components.backends.openstack import links, network, storage
from medcloud.components.backends.openstack.sdk import openstack

from medcloud.model import Centre as CentreModel


class OpenStackBackend:
    cloud = "openstack"

    def __init__(self, provider: pulumi.ProviderResource, cloud_region: str) -> None:
        self.provider = provider
        self.region = cloud_region

    @classmethod
    def for_centre(cls, name: str, centre: str, cloud_region: str, parent: pulumi.Resource) -> OpenStackBackend:
        """Each private cloud has its own Keystone: a ``clouds.yaml`` entry named after the centre."""
        provider = openstack.Provider(
            f"{name}-provider", cloud=centre, region=cloud_region, opts=pulumi.ResourceOptions(parent=parent),
        )
        return cls(provider, cloud_region)

    def opts(self, parent: pulumi.Resource, *, depends_on: list[pulumi.Resource] | None = None,
             ) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=parent, provider=self.provider, depends_on=depends_on)

    def vpc(self, parent: pulumi.Resource, name: str, args: VpcArgs) -> VpcHandles:
        return network.vpc(self, parent, name, args)

    def storage(self, parent: pulumi.Resource, name: str, args: StorageArgs,
                replica: StorageHandles | None) -> StorageHandles:
        return storage.storage(self, parent, name, args, replica)

    def volume(self, parent: pulumi.Resource, name: str, args: VolumeArgs,
               storage_handles: StorageHandles) -> pulumi.CustomResource:
        return storage.volume(self, parent, name, args, storage_handles)

    def ipsec_gateway(self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs,
                      vpc: VpcHandles) -> GatewayHandles:
        return links.ipsec_gateway(self, parent, name, link, side, vpc)

    def ipsec_connection(self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs,
                         peer: LinkSideArgs, gateway: GatewayHandles, peer_address: pulumi.Output[str],
                         vpc: VpcHandles, psk: pulumi.Output[str] | None) -> list[pulumi.CustomResource]:
        return links.ipsec_connection(self, parent, name, link, side, peer, gateway, peer_address, vpc, psk)

    def circuit(self, parent: pulumi.Resource, name: str, link: DrLinkArgs, side: LinkSideArgs,
                peer: LinkSideArgs, vpc: VpcHandles) -> list[pulumi.CustomResource]:
        return links.circuit(self, parent, name, link, side, peer, vpc)


def create(name: str, centre: CentreModel, parent: pulumi.Resource, shared: RegionShared) -> OpenStackBackend:
    """Registry entry point (``medcloud.components.backends.registry``)."""
    return OpenStackBackend.for_centre(name, centre.name, centre.cloud_region, parent)
