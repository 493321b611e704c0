"""Secrets the program reads from the stack config, never from the model or the code.

IPsec pre-shared keys and the Swift container-sync key are set with
``pulumi config set --secret``; they reach providers as Pulumi secrets and
appear in previews and state only encrypted or as ``[secret]``.
"""

from __future__ import annotations

import pulumi
from medcloud.components.derive import TLS_TERMINATED, inter_centre_links, link_args, replicas, replication_target

from medcloud.ipam import plan
from medcloud.model import Region

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
        if link_args(region, link, addresses).psk_needed:
            keys.append(f"{NAMESPACE}:{psk_key(link.name)}")
    for centre in region.centres:
        target = replication_target(region, centre)
        if target is not None and centre.cloud.value == "openstack" and target.cloud == "openstack":
            keys.append(f"{NAMESPACE}:{SYNC_KEY}")
            break
    keys += [f"{NAMESPACE}:{certificate_key(centre)}" for centre in tls_centres(region)]
    return keys
