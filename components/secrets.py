"""Secrets the program reads from the stack config, never from the model or the code.

IPsec pre-shared keys and the Swift container-sync key are set with
``pulumi config set --secret``; they reach providers as Pulumi secrets and
appear in previews and state only encrypted or as ``[secret]``.
"""

from __future__ import annotations

import pulumi
from medcloud.components.derive import inter_centre_links, link_args, replication_target

from medcloud.ipam import plan
from medcloud.model import Region

NAMESPACE = "medcloud"


def psk_key(link: str) -> str:
    return f"ipsecPsk-{link}"


SYNC_KEY = "containerSyncKey"


def ipsec_psk(link: str) -> pulumi.Output[str]:
    return pulumi.Config(NAMESPACE).require_secret(psk_key(link))


def container_sync_key(region: str) -> pulumi.Output[str]:
    return pulumi.Config(NAMESPACE).require_secret(SYNC_KEY)


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
    return keys
