"""OpenStack (private, xinchuang) backend: Neutron, Cinder, Swift, VPNaaS.

The backend (``backend.py``) imports the ``pulumi_openstack`` SDK; the cloud's
constants (``types.py``) and API rules (``rules.py``) do not, so policies,
reviews and the conformance checks import them without loading the SDK.
"""

from __future__ import annotations

from typing import Any

#: Read-only lookups the program makes against a centre's cloud, and the fields it reads: the
#: offline preview answers these (and only these) with placeholders, having no cloud to ask.
OFFLINE_LOOKUPS: dict[str, tuple[str, ...]] = {
    "openstack:networking/getNetwork:getNetwork": ("id",),
    "openstack:identity/getAuthScope:getAuthScope": ("id", "projectId"),
}

__all__ = ["OFFLINE_LOOKUPS", "OpenStackBackend", "create"]


def __getattr__(name: str) -> Any:
    if name in ("OpenStackBackend", "create"):
        from medcloud.components.backends.openstack import backend

        return getattr(backend, name)
    raise AttributeError(name)
