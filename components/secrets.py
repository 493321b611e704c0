"""Secrets (and operator-supplied facts) the program reads from the stack config, never from the model.

IPsec pre-shared keys, the Swift container-sync key and the SM certificate
pairs of national-standard AliCloud VPN gateways are set with ``pulumi config
set --secret``; they reach providers as Pulumi secrets and appear in previews
and state only encrypted or as ``[secret]``.  The Express Connect access point
an AliCloud centre's circuits land on is plain config.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from medcloud.components.derive import TLS_TERMINATED, inter_centre_links, link_args, replicas, replication_target

from medcloud.ipam import plan
from medcloud.model import Link, Region

NAMESPACE = "medcloud"


def psk_key(link: str) -> str:
    return f"ipsecPsk-{link}"


SYNC_KEY = "containerSyncKey"


def certificate_key(centre: str) -> str:
    """Barbican certificate container ref (OpenStack) or SSL certificate id (AliCloud) of a centre's balancers."""
    return f"tlsCertificate-{centre}"


def gslb_mode_key(system: str) -> str:
    """Manual GSLB override (R-BC-06): auto, active or failover."""
    return f"gslbMode-{system}"


def ipsec_psk(link: str) -> pulumi.Output[str]:
    return pulumi.Config(NAMESPACE).require_secret(psk_key(link))


def container_sync_key(region: str) -> pulumi.Output[str]:
    return pulumi.Config(NAMESPACE).require_secret(SYNC_KEY)


def tls_certificate(centre: str) -> pulumi.Output[str]:
    return pulumi.Config(NAMESPACE).require_secret(certificate_key(centre))


def gslb_mode(system: str) -> str:
    return pulumi.Config(NAMESPACE).get(gslb_mode_key(system)) or "auto"


def tls_centres(region: Region) -> list[str]:
    """Centres whose balancers end TLS for some system: they need a certificate."""
    out: list[str] = []
    for system in region.systems:
        if any(listener.protocol.value in TLS_TERMINATED for listener in system.front_door.listeners):
            out += [r.centre for r in replicas(region, system) if r.centre not in out]
    return [c.name for c in region.centres if c.name in out]


def required_secrets(region: Region) -> list[str]:
    """Fully qualified config keys the program will ask for, so previews can stand in for them."""
    keys = []
    addresses = plan(region)
    for link in inter_centre_links(region):
        args = link_args(region, link, addresses)
        if args.psk_needed:
            keys.append(f"{NAMESPACE}:{psk_key(link.name)}")
        if args.ipsec and link.suite.value == "sm":
            # a national-standard AliCloud gateway's SM certificate pair
            for end in _alicloud_sides(region, link):
                keys += [f"{NAMESPACE}:{part}-{link.name}-{end}" for part in SM_CERT_PARTS]
    for centre in region.centres:
        target = replication_target(region, centre)
        if target is not None and centre.cloud.value == "openstack" and target.cloud == "openstack":
            keys.append(f"{NAMESPACE}:{SYNC_KEY}")
            break
    keys += [f"{NAMESPACE}:{certificate_key(centre)}" for centre in tls_centres(region)]
    return keys


@dataclass(frozen=True)
class SmCertificate:
    """An SM (国密) certificate pair for a national-standard VPN gateway: signing and encryption."""

    sign_cert: pulumi.Output[str]
    sign_key: pulumi.Output[str]
    encrypt_cert: pulumi.Output[str]
    encrypt_key: pulumi.Output[str]


#: Config keys of a gateway's SM certificate pair (PEM), all set with --secret.
SM_CERT_PARTS = ("smSignCert", "smSignKey", "smEncCert", "smEncKey")


def sm_certificate(gateway: str) -> SmCertificate:
    config = pulumi.Config(NAMESPACE)
    parts = [config.require_secret(f"{part}-{gateway}") for part in SM_CERT_PARTS]
    return SmCertificate(*parts)


def access_point(centre: str) -> str:
    """The Express Connect access point (``ap-…``) the carrier's line to an AliCloud centre lands on."""
    return pulumi.Config(NAMESPACE).require(f"{ACCESS_POINT}-{centre}")


ACCESS_POINT = "expressConnectAccessPoint"
#: Link kinds that are private circuits (Express Connect on an AliCloud side).
PRIVATE_CIRCUITS = frozenset({"express_connect", "dark_fibre", "leased_line", "wdm"})


def _alicloud_sides(region: Region, link: Link) -> list[str]:
    clouds = {c.name: c.cloud.value for c in region.centres}
    return [end for end in (link.a, link.b) if clouds.get(end) == "alicloud"]


def required_config(region: Region) -> list[str]:
    """Fully qualified non-secret config keys the operator supplies (previews stand in for them)."""
    keys: list[str] = []
    for link in inter_centre_links(region):
        sides = _alicloud_sides(region, link)
        if link.kind.value in PRIVATE_CIRCUITS and len(sides) == 1:
            key = f"{NAMESPACE}:{ACCESS_POINT}-{sides[0]}"
            if key not in keys:
                keys.append(key)
    return keys
