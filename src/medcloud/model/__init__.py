"""The region model (pydantic v2): the single source of truth for topology and systems.

Region → centres → availability zones → resource pools → clusters → nodes
(the five-level pool model of R-TOP-07), plus links, branches and business
systems.  Load one with :func:`medcloud.stacks.load_region`.

The names load with their submodule on first use (PEP 562): importing one submodule (an
inventory needs only ``base`` and ``standards``) no longer builds every pydantic class of
the region model, which every command paid at start-up through the audit trail's imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medcloud.model.edge import ApplianceVendor, IpsecAppliance, OpenStackEdge
    from medcloud.model.links import CipherSuite, Link, LinkEncryption, LinkKind, LinkPurpose
    from medcloud.model.location import Location, great_circle_km
    from medcloud.model.pools import AvailabilityZone, Cluster, CpuArch, CpuFamily, Node, Pool, Tier
    from medcloud.model.region import (
        ArchivePolicy,
        Backups,
        BlockStorage,
        Branch,
        Capacity,
        Centre,
        CentreRole,
        Cloud,
        DrOperation,
        Durability,
        Evidence,
        Integrity,
        ObjectStorage,
        Region,
        Residency,
        SecurityDevice,
        StorageProfile,
        Tiering,
        Waiver,
    )
    from medcloud.model.standards import BusinessClass
    from medcloud.model.systems import (
        Algorithm,
        Compute,
        DbConsistency,
        FrontDoor,
        Listener,
        ListenerProtocol,
        Placement,
        Protection,
        Replication,
        ReplicationMode,
        SnapshotPolicy,
        Storage,
        System,
        SystemKind,
    )

#: Each name the package exports → the submodule that defines it.
_SOURCES: dict[str, str] = {
    "Algorithm": "medcloud.model.systems",
    "ApplianceVendor": "medcloud.model.edge",
    "ArchivePolicy": "medcloud.model.region",
    "AvailabilityZone": "medcloud.model.pools",
    "Backups": "medcloud.model.region",
    "BlockStorage": "medcloud.model.region",
    "Branch": "medcloud.model.region",
    "BusinessClass": "medcloud.model.standards",
    "Capacity": "medcloud.model.region",
    "Centre": "medcloud.model.region",
    "CentreRole": "medcloud.model.region",
    "CipherSuite": "medcloud.model.links",
    "Cloud": "medcloud.model.region",
    "Cluster": "medcloud.model.pools",
    "Compute": "medcloud.model.systems",
    "CpuArch": "medcloud.model.pools",
    "CpuFamily": "medcloud.model.pools",
    "DbConsistency": "medcloud.model.systems",
    "DrOperation": "medcloud.model.region",
    "Durability": "medcloud.model.region",
    "Evidence": "medcloud.model.region",
    "FrontDoor": "medcloud.model.systems",
    "Integrity": "medcloud.model.region",
    "IpsecAppliance": "medcloud.model.edge",
    "Link": "medcloud.model.links",
    "LinkEncryption": "medcloud.model.links",
    "LinkKind": "medcloud.model.links",
    "LinkPurpose": "medcloud.model.links",
    "Listener": "medcloud.model.systems",
    "ListenerProtocol": "medcloud.model.systems",
    "Location": "medcloud.model.location",
    "Node": "medcloud.model.pools",
    "ObjectStorage": "medcloud.model.region",
    "OpenStackEdge": "medcloud.model.edge",
    "Placement": "medcloud.model.systems",
    "Pool": "medcloud.model.pools",
    "Protection": "medcloud.model.systems",
    "Region": "medcloud.model.region",
    "Replication": "medcloud.model.systems",
    "ReplicationMode": "medcloud.model.systems",
    "Residency": "medcloud.model.region",
    "SecurityDevice": "medcloud.model.region",
    "SnapshotPolicy": "medcloud.model.systems",
    "Storage": "medcloud.model.systems",
    "StorageProfile": "medcloud.model.region",
    "System": "medcloud.model.systems",
    "SystemKind": "medcloud.model.systems",
    "Tier": "medcloud.model.pools",
    "Tiering": "medcloud.model.region",
    "Waiver": "medcloud.model.region",
    "great_circle_km": "medcloud.model.location",
}


def __getattr__(name: str) -> Any:
    source = _SOURCES.get(name)
    if source is None:
        try:  # a submodule nothing has imported yet (``medcloud.model.pools``)
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


__all__ = [
    "Algorithm",
    "ApplianceVendor",
    "ArchivePolicy",
    "AvailabilityZone",
    "Backups",
    "BlockStorage",
    "Branch",
    "BusinessClass",
    "Capacity",
    "Centre",
    "CentreRole",
    "CipherSuite",
    "Cloud",
    "Cluster",
    "Compute",
    "CpuArch",
    "CpuFamily",
    "DbConsistency",
    "DrOperation",
    "Durability",
    "Evidence",
    "FrontDoor",
    "Integrity",
    "IpsecAppliance",
    "Link",
    "LinkEncryption",
    "LinkKind",
    "LinkPurpose",
    "Listener",
    "ListenerProtocol",
    "Location",
    "Node",
    "ObjectStorage",
    "OpenStackEdge",
    "Placement",
    "Pool",
    "Protection",
    "Region",
    "Replication",
    "ReplicationMode",
    "Residency",
    "SecurityDevice",
    "SnapshotPolicy",
    "Storage",
    "StorageProfile",
    "System",
    "SystemKind",
    "Tier",
    "Tiering",
    "Waiver",
    "great_circle_km",
]
