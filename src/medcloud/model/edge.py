"""What a centre's edge offers the DR links beyond the cloud API: the OpenStack external
network and the domestic IPsec appliance (R-NET-04, R-SEC-01).

Upstream Neutron VPNaaS knows no SM algorithms (its IKE/IPsec policy
validators and terraform-provider-openstack's both stop at AES/SHA-2), so a
link whose cipher suite is ``sm`` is terminated on the centre's own GM/T 0022
IPsec appliance: medcloud renders that appliance's configuration (``medcloud
appliance render``) and Neutron only routes the peer's prefixes to it.
"""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Address

from pydantic import Field

from medcloud.model.base import Model, Name

#: IKE and IPsec SA lifetimes, seconds, on every tunnel end medcloud configures.
IKE_LIFETIME_S = 86400
IPSEC_LIFETIME_S = 3600


class ApplianceVendor(StrEnum):
    """Vendor family of an IPsec appliance: one driver folder each (``medcloud.provision.appliance``)."""

    H3C_SECPATH = "h3c_secpath"  # Comware 7 (SecPath F1000/F5000, MSR)


class Uplink(Model):
    """An uplink of the appliance dedicated to one carrier (R-TOP-05: diverse carriers, diverse ends)."""

    carrier: str = Field(min_length=1, description="the carrier of the links this uplink serves (Link.carrier)")
    interface: str = Field(min_length=1)
    public_address: IPv4Address


class IpsecAppliance(Model):
    """The centre's domestic firewall / VPN gateway terminating SM-suite IPsec (GM/T 0022).

    Its inside interface holds one address on the centre's transit subnet (an
    edge slot of its own, next to the links' carrier edge routers): the next hop
    Neutron routes every SM-suite peer's prefix to.  Each SM-suite link is one
    tunnel from ``public_address``.
    """

    name: Name = Field(description="hostname of the appliance (or of its HA pair)")
    vendor: ApplianceVendor
    model: str = Field(min_length=1, description="e.g. 'SecPath F5000-AI', 'USG6680E'")
    public_address: IPv4Address = Field(description="the uplink address peers dial (IKE identity)")
    uplink_interface: str = Field(min_length=1, description="interface holding public_address")
    inside_interface: str = Field(
        min_length=1, description="interface on the centre's transit subnet",
    )
    carrier_uplinks: list[Uplink] = Field(
        default_factory=list,
        description="per-carrier uplinks; a link whose carrier has none uses uplink_interface/public_address",
    )
    pki_domain: Name = Field(
        description="PKI domain holding the appliance's SM2 signing and encryption certificates "
                    "(GM/T 0015 double certificates) used for IKE digital-envelope authentication",
    )


    def uplink(self, carrier: str) -> tuple[str, IPv4Address]:
        """(interface, public address) the tunnels of ``carrier``'s links leave from."""
        for uplink in self.carrier_uplinks:
            if uplink.carrier == carrier:
                return uplink.interface, uplink.public_address
        return self.uplink_interface, self.public_address


class OpenStackEdge(Model):
    """The Neutron-side facts of an OpenStack centre's edge."""

    external_network: str = Field(
        min_length=1,
        description="name of the Neutron external network the centre's router takes as its gateway "
                    "(needed for egress and for VPNaaS: Neutron refuses a VPN service on a router "
                    "without one)",
    )
    ipsec_appliance: IpsecAppliance | None = Field(
        default=None, description="terminates the centre's SM-suite IPsec links",
    )
