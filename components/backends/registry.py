"""Which backend builds a centre: the cloud name → the package that implements it.

A new cloud is a new folder under ``components/backends/`` exposing
``create(name, centre, parent, shared) -> Backend`` and one line here.  Packages
load lazily, so a region that uses one cloud never imports the other's SDK.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, cast

import pulumi
from medcloud.components.backends import Backend, ComputeBackend, RegionShared, TrafficBackend

from medcloud.errors import UnknownCloudError as UnknownCloudError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.model import Centre as CentreModel

#: cloud name (``Centre.cloud``) → package of its backend
BACKENDS: dict[str, str] = {
    "openstack": "medcloud.components.backends.openstack",
    "alicloud": "medcloud.components.backends.alicloud",
}


class BackendFactory(Protocol):
    def __call__(self, name: str, centre: CentreModel, parent: pulumi.Resource,
                 shared: RegionShared) -> Backend: ...


def _package(cloud: str) -> str:
    try:
        return BACKENDS[cloud]
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise UnknownCloudError(f"cloud {cloud!r} has no backend (registered: {known})") from None


def factory(cloud: str) -> BackendFactory:
    """The ``create`` function of ``cloud``'s backend package; unknown clouds fail loudly."""
    return cast(BackendFactory, importlib.import_module(_package(cloud)).create)


def _layer(cloud: str, module: str) -> Any:
    """``create`` of a layer module (``compute``, ``traffic``) in ``cloud``'s backend folder."""
    return importlib.import_module(f"{_package(cloud)}.{module}").create


def compute_for(centre: CentreModel, backend: Backend, shared: RegionShared) -> ComputeBackend:
    """The centre's compute layer, built on its backend's provider."""
    return cast(ComputeBackend, _layer(str(centre.cloud), "compute")(backend, shared))


def cloud_constants(name: str) -> dict[Any, Any]:
    """The mapping ``name`` of every registered backend's ``types`` module, merged.

    Cloud-specific data (type tokens, contract strings, which inputs force a
    replacement) lives in ``<backend>/types.py``; reviews, previews and policies
    read it here instead of restating it.  ``types`` modules import no SDK.
    """
    merged: dict[Any, Any] = {}
    for package in BACKENDS.values():
        merged.update(getattr(importlib.import_module(f"{package}.types"), name, {}))
    return merged


def offline_lookup_fields(token: str) -> tuple[str, ...] | None:
    """The fields of a read-only lookup (data source) ``token`` that a backend declares it makes.

    Backends list their lookups in ``OFFLINE_LOOKUPS``; the offline preview
    answers those with placeholders and refuses any other provider call.
    """
    package = BACKENDS.get(token.split(":", 1)[0])
    if package is None:
        return None
    lookups: dict[str, tuple[str, ...]] = getattr(importlib.import_module(package), "OFFLINE_LOOKUPS", {})
    return lookups.get(token)


def backend_for(name: str, centre: CentreModel, parent: pulumi.Resource, shared: RegionShared) -> Backend:
    """The centre's backend (and its explicit provider), chosen by the ``cloud`` field."""
    return factory(str(centre.cloud))(name, centre, parent, shared)


def traffic_for(centre: CentreModel, backend: Backend, shared: RegionShared, parent: pulumi.Resource,
                name: str) -> TrafficBackend:
    """The centre's traffic layer; centre-wide resources (a DNS zone) hang off ``parent``, named ``name``."""
    return cast(TrafficBackend, _layer(str(centre.cloud), "traffic")(backend, shared, parent, name))
