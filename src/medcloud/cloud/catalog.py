"""The control plane's services, as data.

A service is an entry in :data:`SERVICES` plus a module in
``medcloud.cloud.services`` with ``prepare(ctx) -> list[Launch]`` (write its
configuration and database under ``ctx.directory``, return the processes to
start) and optionally ``configure(ctx, admin) -> None`` (API calls once it
answers, e.g. Neutron's external network).  Adding Nova, Placement or
Octavia is a new module and a new entry, nothing else.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

#: Debian's interpreter: the services run on it, apart from the project's virtualenv.
SYSTEM_PYTHON = "/usr/bin/python3"


@dataclass(frozen=True)
class Endpoint:
    """A Keystone catalog entry: service type, service name, path after ``http://127.0.0.1:PORT``."""

    service_type: str
    name: str
    path: str = ""


@dataclass(frozen=True)
class Service:
    name: str
    #: Debian packages it needs (``scripts/cloud-packages`` installs them).
    packages: tuple[str, ...]
    #: Executables that must exist to start it.
    executables: tuple[str, ...]
    endpoints: tuple[Endpoint, ...]
    #: TCP ports one instance listens on.
    ports: int = 1
    #: One instance per cloud region (``prepare`` gets ``ports`` per region and returns a
    #: launch per region): for services whose names are global inside one deployment
    #: (Cinder volume types), so centres in different regions never share them.
    per_region: bool = False
    #: ``up`` fails when a required service does not start; others are reported as not running.
    required: bool = False
    #: Keystone service user for its token middleware.
    service_user: bool = True

    def missing(self) -> list[str]:
        """Executables not installed (empty when the service can start)."""
        return [exe for exe in self.executables if shutil.which(exe) is None and not Path(exe).exists()]


@dataclass(frozen=True)
class Launch:
    """One process to start: argv, extra environment, and the port that says it is ready."""

    name: str
    argv: list[str]
    port: int
    env: dict[str, str] = field(default_factory=dict)
    #: Path whose HTTP answer (any status) means ready; None: an open TCP port is enough.
    probe: str | None = "/"
    #: The cloud region a per-region instance serves (None: every region).
    region: str | None = None
    #: Serves the service's catalog endpoints.
    endpoint: bool = True


SERVICES: tuple[Service, ...] = (
    Service(
        "keystone", ("keystone",), ("keystone-manage", "keystone-wsgi-public"),
        (Endpoint("identity", "keystone", "/v3"),), required=True, service_user=False,
    ),
    Service(
        "neutron", ("neutron-server", "python3-neutron-vpnaas"), ("neutron-server", "neutron-db-manage"),
        (Endpoint("network", "neutron"),), required=True,
    ),
    Service(
        "cinder", ("cinder-api",), ("cinder-api", "cinder-manage"),
        (Endpoint("volumev3", "cinderv3", "/v3/%(project_id)s"),
         Endpoint("block-storage", "cinder", "/v3/%(project_id)s")), per_region=True,
    ),
    Service(
        "barbican", ("barbican-api",), ("barbican-wsgi-api",),
        (Endpoint("key-manager", "barbican"),),
    ),
    # Issue 14's compute layer: flavors, aggregates, server groups (Nova), and what Nova reads (Placement).
    Service(
        "placement", ("placement-api",), ("placement-api", "placement-manage"), (Endpoint("placement", "placement"),),
    ),
    Service(
        "nova", ("nova-api",), ("nova-api", "nova-manage"), (Endpoint("compute", "nova", "/v2.1"),), per_region=True,
    ),
    Service(
        "octavia", ("octavia-api",), ("octavia-api", "octavia-db-manage"),
        (Endpoint("load-balancer", "octavia"),),
    ),
    Service(
        "swift", ("swift-proxy", "swift-account", "swift-container", "swift-object"),
        ("swift-proxy-server", "swift-account-server", "swift-container-server", "swift-object-server"),
        (Endpoint("object-store", "swift", "/v1/AUTH_%(project_id)s"),), ports=4,
    ),
)


def service(name: str) -> Service:
    for entry in SERVICES:
        if entry.name == name:
            return entry
    raise KeyError(name)
