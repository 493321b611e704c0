"""What each IPsec appliance must hold, derived from the region model (R-NET-04, R-SEC-01).

An appliance terminates every SM-suite IPsec link of its centre: one IKE
proposal, IKE profile, transform set, ACL and IPsec policy entry per link, its
inside address on the centre's transit subnet (the address Neutron routes the
peers' prefixes to) and a route back to the centre's prefix through the
Neutron router's transit address.

A peer that is itself an appliance authenticates with SM2 digital envelopes
(GM/T 0022 IKE phase 1, the certificates of the appliances' PKI domains); a
cloud VPN gateway (AliCloud) with the link's pre-shared key, which appears in
the rendered file only as a secret marker.  The address of a cloud gateway is
known only after ``pulumi up``: it comes from the stack output
``drLinkEndpoints``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import Literal

from medcloud.components.derive import appliance_inside_address, inter_centre_links
from medcloud.errors import PeerAddressError as PeerAddressError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.ipam import AddressPlan
from medcloud.model import ApplianceVendor, CipherSuite, Cloud, Region
from medcloud.model.edge import IKE_LIFETIME_S, IPSEC_LIFETIME_S
from medcloud.provision.switch.placeholders import marker

Auth = Literal["sm2-envelope", "pre-shared-key"]


@dataclass(frozen=True)
class TunnelIntent:
    link: str
    #: 1-based, by link name: numbers the tunnel's IKE proposal, ACL and policy entry
    index: int
    peer: str
    peer_address: IPv4Address
    #: the uplink the tunnel leaves from (its carrier's) and that uplink's public address
    uplink_interface: str
    local_address: IPv4Address
    local_prefix: IPv4Network
    remote_prefix: IPv4Network
    auth: Auth
    #: the pre-shared key's secret marker (``pre-shared-key`` peers only)
    psk: str | None

    @property
    def acl(self) -> int:
        """Advanced ACL number (3000-3999 on both vendors)."""
        return 3000 + self.index


@dataclass(frozen=True)
class ApplianceIntent:
    name: str
    vendor: ApplianceVendor
    model: str
    centre: str
    inside_interface: str
    pki_domain: str
    inside_address: IPv4Address
    transit: IPv4Network
    #: the Neutron router's address on the transit subnet (the subnet's gateway, its first host)
    router_address: IPv4Address
    centre_prefix: IPv4Network
    tunnels: tuple[TunnelIntent, ...]
    ike_lifetime_s: int = IKE_LIFETIME_S

    @property
    def uplinks(self) -> tuple[str, ...]:
        """The uplink interfaces the IPsec policy is applied to, in tunnel order."""
        return tuple(dict.fromkeys(t.uplink_interface for t in self.tunnels))
    ipsec_lifetime_s: int = IPSEC_LIFETIME_S


def psk_marker(link: str) -> str:
    """The marker standing for the link's pre-shared key (stack secret ``medcloud:ipsecPsk-<link>``)."""
    return marker(f"ipsecPsk-{link}", "psk")


def build_intents(region: Region, plan: AddressPlan,
                  endpoints: Mapping[str, Mapping[str, str]] | None = None) -> list[ApplianceIntent]:
    """Every appliance of the region with the tunnels it terminates.

    ``endpoints`` is the stack output ``drLinkEndpoints`` (link → centre →
    address); it is needed only for peers that are not appliances.
    """
    out: list[ApplianceIntent] = []
    links = sorted((k for k in inter_centre_links(region) if k.ipsec and k.suite == CipherSuite.SM),
                   key=lambda k: k.name)
    for centre in region.centres:
        edge = centre.openstack
        if centre.cloud != Cloud.OPENSTACK or edge is None or edge.ipsec_appliance is None:
            continue
        appliance = edge.ipsec_appliance
        inside = appliance_inside_address(region, centre, plan)
        assert inside is not None  # the centre has an appliance
        cplan = plan.centres[centre.name]
        tunnels: list[TunnelIntent] = []
        for link in (k for k in links if centre.name in k.endpoints):
            peer_name = link.b if link.a == centre.name else link.a
            peer = region.centre(peer_name)
            assert peer is not None  # inter-centre links join centres
            peer_appliance = peer.openstack.ipsec_appliance if peer.openstack else None
            auth: Auth
            psk: str | None
            if peer.cloud == Cloud.OPENSTACK and peer_appliance is not None:
                address, auth, psk = peer_appliance.uplink(link.carrier)[1], "sm2-envelope", None
            else:
                address = _endpoint(endpoints, link.name, peer_name)
                auth, psk = "pre-shared-key", psk_marker(link.name)
            interface, local = appliance.uplink(link.carrier)
            tunnels.append(TunnelIntent(
                link=link.name, index=len(tunnels) + 1, peer=peer_name, peer_address=address,
                uplink_interface=interface, local_address=local,
                local_prefix=cplan.cidr, remote_prefix=plan.centres[peer_name].cidr, auth=auth, psk=psk,
            ))
        out.append(ApplianceIntent(
            name=appliance.name, vendor=appliance.vendor, model=appliance.model, centre=centre.name,
            inside_interface=appliance.inside_interface, pki_domain=appliance.pki_domain,
            inside_address=inside, transit=cplan.transit,
            router_address=cplan.transit.network_address + 1, centre_prefix=cplan.cidr,
            tunnels=tuple(tunnels),
        ))
    return out


def _endpoint(endpoints: Mapping[str, Mapping[str, str]] | None, link: str, centre: str) -> IPv4Address:
    value = (endpoints or {}).get(link, {}).get(centre)
    if value is None:
        raise PeerAddressError(
            f"link {link}: the address of {centre}'s VPN gateway is known only after `pulumi up`; "
            "pass --endpoints FILE (`pulumi stack output drLinkEndpoints --json`)"
        )
    try:
        return IPv4Address(value)
    except ValueError:
        raise PeerAddressError(f"link {link}: {centre}'s gateway address {value!r} is not an IPv4 address") from None
