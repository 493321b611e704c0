"""``pulumi_openstack``, imported once for the backend's modules without its import-time warnings."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    # The package warns on import about resources it renamed (BgpvpnNetworkAssociateV2…),
    # in every program that imports it; we use none of them.
    warnings.simplefilter("ignore", DeprecationWarning)
    import pulumi_openstack as openstack

    # Submodules load lazily, on first attribute access, and warn then too.
    _LOADED = (openstack.blockstorage.Volume, openstack.identity.get_auth_scope_output,
               openstack.networking.Network, openstack.objectstorage.Container, openstack.vpnaas.Service,
               openstack.Provider)

__all__ = ["openstack"]
