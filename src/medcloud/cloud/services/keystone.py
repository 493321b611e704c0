"""Keystone on SQLite: the schema (cached), bootstrap, fernet and credential keys, then ``keystone-wsgi-public``.

The admin password reaches ``keystone-manage bootstrap`` in its environment
(``OS_BOOTSTRAP_PASSWORD``), never on a command line.  The two key
repositories are written as ``keystone-manage fernet_setup`` and
``credential_setup`` write them (``keystone.common.fernet_utils``): files
``0`` (staged) and ``1`` (primary), each a Fernet key, 0600 — without
importing Keystone twice more for it.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from medcloud.cloud.catalog import Launch
from medcloud.cloud.services import Context, cached, ini, sqlite_url, wal


def key_repository(folder: Path) -> None:
    """A fresh Fernet key repository: staged key ``0`` and primary key ``1`` (32 random bytes each)."""
    folder.mkdir(mode=0o700, exist_ok=True)
    for name in ("0", "1"):
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"))


def prepare(ctx: Context, admin_password: str) -> list[Launch]:
    conf = ctx.path("keystone.conf")
    database = ctx.path("keystone.sqlite")
    ini(conf, {
        "DEFAULT": {"use_stderr": True},
        "database": {"connection": sqlite_url(database)},
        "token": {"provider": "fernet"},
        "fernet_tokens": {"key_repository": ctx.path("fernet-keys")},
        "fernet_receipts": {"key_repository": ctx.path("fernet-keys")},
        "credential": {"key_repository": ctx.path("credential-keys")},
        "oslo_policy": {"policy_dirs": ctx.path("policy.d")},
        # A local test plane, not a deployment: bcrypt's minimum cost (Keystone's own test suite
        # runs with 4) instead of 12, which is ~0.25 s of CPU per password login -- and every
        # service's token middleware, every test and ``up`` itself log in with a password.
        "identity": {"password_hash_rounds": 4},
        # Token validations (each API request a service receives) and the catalog from memory:
        # one ``keystone-wsgi-public`` process, so a process-local cache is coherent.
        "cache": {"enabled": True, "backend": "dogpile.cache.memory"},
    })
    ctx.path("policy.d").mkdir(mode=0o700, exist_ok=True)
    for folder in ("fernet-keys", "credential-keys"):  # fresh keys at every ``up``
        key_repository(ctx.path(folder))
    manage = ["keystone-manage", "--config-file", str(conf)]
    url = f"{ctx.url}/v3"
    # The schema (migrations: the same for the same packages, so cached), then the admin, its
    # password and endpoints (this plane's own).
    cached(ctx, "schema", {"keystone.sqlite": database},
           lambda: ctx.run([*manage, "db_sync"], what="keystone-manage db_sync"))
    wal(database)
    ctx.run([*manage, "bootstrap", "--bootstrap-admin-url", url, "--bootstrap-public-url", url,
             "--bootstrap-internal-url", url, "--bootstrap-region-id", ctx.regions[0]],
            env={"OS_BOOTSTRAP_PASSWORD": admin_password}, what="keystone-manage bootstrap")
    return [Launch("keystone", ["keystone-wsgi-public", "--host", "127.0.0.1", "--port", str(ctx.ports[0])],
                   ctx.ports[0], env={"OS_KEYSTONE_CONFIG_FILES": str(conf)}, probe="/v3")]
