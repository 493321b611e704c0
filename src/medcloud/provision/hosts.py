"""Provisioning targets from the hardware inventory and the region model.

A server of the inventory is provisioned as the region node of the same
name: the node's pool gives hugepages and the TLS floor, its centre the NTP
servers.  SSH details come from the server's ``ssh`` endpoint and credential;
the sealed secret is opened only here, when a run needs to log in, and lives
in a private temporary directory for the length of the run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from medcloud.errors import TargetError as TargetError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.hardware.inventory import Inventory, Server, SSHCredential
from medcloud.model import Region
from medcloud.provision.os.baseline import HostBaseline, PlanError, plan_baseline
from medcloud.provision.os.families import OsFamily
from medcloud.provision.runner import Target

CHROOT_PREFIX = "@chroot/"


def _plan_for(region: Region, server: Server, repo_mirror: str | None) -> Callable[[OsFamily], HostBaseline]:
    return partial(_plan, region, server.name, repo_mirror)


def _plan(region: Region, node: str, repo_mirror: str | None, family: OsFamily) -> HostBaseline:
    return plan_baseline(region, node, family, repo_mirror=repo_mirror)


def select(inventory: Inventory, source: Path, limit: Sequence[str]) -> list[Server]:
    names = {s.name for s in inventory.servers}
    for name in limit:
        if name not in names:
            raise TargetError(f"{source}: servers: no server named {name!r} (--limit)")
    return [s for s in inventory.servers if not limit or s.name in limit]


@contextmanager
def targets(
    region: Region,
    inventory: Inventory,
    source: Path,
    *,
    limit: Sequence[str] = (),
    via: Mapping[str, str] | None = None,
    family: OsFamily | None = None,
    repo_mirror: str | None = None,
    known_hosts: Path | None = None,
) -> Iterator[list[Target]]:
    """The targets for ``inventory``'s servers; SSH secrets exist only inside the ``with``.

    ``via`` maps a server name to a pyinfra connector (``@chroot/DIR`` to
    provision an image root instead of the live server).  With ``known_hosts``
    host keys are checked strictly against that file (the keys recorded at
    acceptance); without it pyinfra's default (``~/.ssh/known_hosts``,
    accept-new) applies.
    """
    via = dict(via or {})
    servers = select(inventory, source, limit)
    for name in via:
        if name not in {s.name for s in servers}:
            raise TargetError(f"{source}: servers: --via names {name!r}, which is not a selected server")
    for i, server in enumerate(inventory.servers):
        if server in servers:
            try:
                # Plan once now so a server unknown to the region fails before any connection.
                plan_baseline(region, server.name, family or OsFamily.OPENEULER, repo_mirror=repo_mirror)
            except PlanError as exc:
                raise TargetError(f"{source}: servers[{i}]({server.name}): {exc}") from None
    secrets_dir = Path(tempfile.mkdtemp(prefix="medcloud-ssh-"))
    try:
        out = []
        for server in servers:
            connect = via.get(server.name)
            if connect is not None:
                out.append(Target(server.name, connect, _plan_for(region, server, repo_mirror), family,
                                  runtime=not connect.startswith(CHROOT_PREFIX)))
                continue
            data = _ssh_data(inventory, server, secrets_dir)
            if known_hosts is not None:
                data["ssh_known_hosts_file"] = str(known_hosts)
                data["ssh_strict_host_key_checking"] = "yes"
            out.append(Target(server.name, str(server.ssh.address), _plan_for(region, server, repo_mirror),
                              family, runtime=True, data=data))
        yield out
    finally:
        shutil.rmtree(secrets_dir, ignore_errors=True)


def _ssh_data(inventory: Inventory, server: Server, secrets_dir: Path) -> dict[str, Any]:
    from medcloud.secrets import unseal

    cred = inventory.credentials[server.ssh.credential]
    assert isinstance(cred, SSHCredential)  # the inventory loader checked the kind
    data: dict[str, Any] = {
        "ssh_user": cred.username,
        "ssh_port": inventory.port(server.ssh, "ssh"),
    }
    where = f"credentials.{server.ssh.credential}"
    if cred.private_key is not None:
        key_file = secrets_dir / f"{server.name}.key"
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(unseal(cred.private_key, where=f"{where}.private_key").reveal())
        data["ssh_key"] = str(key_file)
    elif cred.password is not None:
        data["ssh_password"] = unseal(cred.password, where=f"{where}.password").reveal()
    return data
