"""The region model (pydantic v2): the single source of truth for topology and systems.

Region → centres → availability zones → resource pools → clusters → nodes
(the five-level pool model of R-TOP-07), plus links, branches and business
systems.  Load one with :func:`medcloud.stacks.load_region`.
"""

from medcloud.model.edge import ApplianceVendor, IpsecAppliance, OpenStackEdge
from medcloud.model.links import CipherSuite, Link, LinkEncryption, LinkKind, LinkPurpose
from medcloud.model.location import Location, great_circle_km
from medcloud.model.pools import AvailabilityZone, Cluster, CpuArch, CpuFamily, Node, Pool, Tier
from medcloud.model.region import (
    ArchivePolicy,
    BlockStorage,
    Branch,
    Capacity,
    Centre,
    CentreRole,
    Cloud,
    ObjectStorage,
    Region,
    Residency,
    StorageProfile,
    Waiver,
)
from medcloud.model.standards import BusinessClass
from medcloud.model.systems import (
    Algorithm,
    Compute,
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

__all__ = [
    "Algorithm", "ApplianceVendor", "ArchivePolicy", "AvailabilityZone", "BlockStorage", "Branch",
    "BusinessClass", "Capacity", "Centre", "CentreRole", "CipherSuite", "Cloud", "Cluster", "Compute", "CpuArch",
    "CpuFamily", "FrontDoor", "IpsecAppliance", "Link", "LinkEncryption", "LinkKind", "LinkPurpose", "Listener",
    "ListenerProtocol", "Location", "Node", "ObjectStorage", "OpenStackEdge", "Placement", "Pool", "Protection",
    "Region", "Replication", "ReplicationMode", "Residency", "SnapshotPolicy", "Storage", "StorageProfile",
    "System", "SystemKind", "Tier", "Waiver",
    "great_circle_km",
]
