"""Which changes a reviewer must look at twice, and which the provider will replace.

Risk is a property of the resource kind and the operation: replacing or
deleting something that holds data, touching a DR link, touching a security
rule.  Kinds are matched on the type token, and medcloud components on the
arguments they carry, so both provider resources and components are flagged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

STATEFUL = re.compile(
    r"(volume|disk|bucket|objectstorage/container|database|/db|rds/|polardb|mongodb|redis|filesystem|"
    r"sharedfilesystem/share|snapshot|kms/key|keymanager/secret|:storage:)", re.IGNORECASE)
DR_LINK = re.compile(
    r"(vpn/|vpnaas/|expressconnect|cen/|virtualborderrouter|siteconnection|:link:|:drlink)", re.IGNORECASE)
SECURITY = re.compile(
    r"(secgrouprule|securitygroup|secgroup|firewall|networkacl|:segmentation:|:security)", re.IGNORECASE)


@cache
def force_new() -> dict[str, frozenset[str]]:
    """Type token → inputs whose change the provider implements as a replacement (``ForceNew`` in
    the Terraform schema the bridged provider is generated from); "*" = every input but
    ``description``.  Each backend's ``types.FORCE_NEW`` holds its cloud's part."""
    from medcloud.components.backends.registry import cloud_constants

    return cloud_constants("FORCE_NEW")


def forces_replacement(resource_type: str, top_keys: set[str]) -> bool:
    keys = force_new().get(resource_type)
    if not keys:
        return False
    if "*" in keys:
        return bool(top_keys - {"description"})
    return bool(keys & top_keys)


def _component_kind(inputs: Mapping[str, Any]) -> set[str]:
    kinds = set()
    if "link" in inputs and "cross_institution" in inputs:
        kinds.add("dr-link")
    if "rules" in inputs:
        kinds.add("security-rule")
    if "objects_bucket" in inputs or "block_gib" in inputs:
        kinds.add("stateful")
    return kinds


def risk_flags(resource_type: str, op: str, inputs: Mapping[str, Any], protect: bool = False) -> list[str]:
    """Flags for one change: stateful-replace/-delete, dr-link, security-rule, protected-delete."""
    kinds = _component_kind(inputs) if resource_type.startswith("medcloud:") else set()
    if STATEFUL.search(resource_type):
        kinds.add("stateful")
    if DR_LINK.search(resource_type):
        kinds.add("dr-link")
    if SECURITY.search(resource_type):
        kinds.add("security-rule")
    flags = []
    if "stateful" in kinds and op in ("replace", "delete"):
        flags.append(f"stateful-{op}")
    if "dr-link" in kinds and op != "create":
        flags.append("dr-link")
    if "security-rule" in kinds:
        flags.append("security-rule")
    if protect and op in ("replace", "delete"):
        flags.append("protected")
    return flags


RISK_TEXT = {
    "stateful-replace": "replaces a resource that holds data (new, empty resource)",
    "stateful-delete": "deletes a resource that holds data",
    "dr-link": "changes a DR / inter-centre link",
    "security-rule": "changes a security rule",
    "protected": "touches a protected resource",
}
