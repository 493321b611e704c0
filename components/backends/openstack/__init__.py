"""OpenStack (private, xinchuang) backend: Neutron, Cinder, Swift, VPNaaS."""

from medcloud.components.backends.openstack.backend import OpenStackBackend, create

#: Read-only lookups the program makes against a centre's cloud, and the fields it reads: the
#: offline preview answers these (and only these) with placeholders, having no cloud to ask.
OFFLINE_LOOKUPS: dict[str, tuple[str, ...]] = {
    "openstack:networking/getNetwork:getNetwork": ("id",),
    "openstack:identity/getAuthScope:getAuthScope": ("id", "projectId"),
}

__all__ = ["OFFLINE_LOOKUPS", "OpenStackBackend", "create"]
