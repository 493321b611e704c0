"""Keystone on SQLite: db_sync, fernet and credential keys, bootstrap, then ``keystone-wsgi-public``.

The admin password reaches ``keystone-manage bootstrap`` in its environment
(``OS_BOOTSTRAP_PASSWORD``), never on a command line.
"""

from __future__ import annotations

import grp
import os
import pwd
from concurrent.futures import ThreadPoolExecutor

from medcloud.cloud.catalog import Launch
from medcloud.cloud.services import Context, cached, ini, sqlite_url, wal


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
    })
    for folder in ("fernet-keys", "credential-keys", "policy.d"):
        ctx.path(folder).mkdir(mode=0o700, exist_ok=True)
    owner = ["--keystone-user", pwd.getpwuid(os.getuid()).pw_name,
             "--keystone-group", grp.getgrgid(os.getgid()).gr_name]
    manage = ["keystone-manage", "--config-file", str(conf)]
    url = f"{ctx.url}/v3"

    def database_and_admin() -> None:
        # The schema (migrations: the same for the same packages, so cached) before the admin,
        # its password and endpoints (this plane's own).
        cached(ctx, "schema", {"keystone.sqlite": database},
               lambda: ctx.run([*manage, "db_sync"], what="keystone-manage db_sync"))
        wal(database)
        ctx.run([*manage, "bootstrap", "--bootstrap-admin-url", url, "--bootstrap-public-url", url,
                 "--bootstrap-internal-url", url, "--bootstrap-region-id", ctx.regions[0]],
                env={"OS_BOOTSTRAP_PASSWORD": admin_password}, what="keystone-manage bootstrap")

    # The database and the two key repositories (fresh keys at every ``up``) are independent.
    with ThreadPoolExecutor(max_workers=3) as pool:
        steps = [pool.submit(database_and_admin),
                 pool.submit(ctx.run, [*manage, "fernet_setup", *owner], what="keystone-manage fernet_setup"),
                 pool.submit(ctx.run, [*manage, "credential_setup", *owner], what="keystone-manage credential_setup")]
    for step in steps:
        step.result()
    return [Launch("keystone", ["keystone-wsgi-public", "--host", "127.0.0.1", "--port", str(ctx.ports[0])],
                   ctx.ports[0], env={"OS_KEYSTONE_CONFIG_FILES": str(conf)}, probe="/v3")]
