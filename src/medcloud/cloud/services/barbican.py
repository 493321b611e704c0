"""Barbican with the simple-crypto secret store, orders processed in the API (no worker queue).

``barbican-wsgi-api`` parses its configuration before it reads any argument,
from oslo.config's default places: the first is ``~/.barbican/barbican.conf``,
so the process runs with ``HOME`` set to this service's folder and finds its
configuration there (nothing in /etc is read but the packaged paste file).
The key-encryption key is generated at each ``up`` and lives only in that
0600 file.
"""

from __future__ import annotations

import base64
import secrets

from medcloud.cloud.catalog import Launch
from medcloud.cloud.services import Context, ini, sqlite_url


def prepare(ctx: Context) -> list[Launch]:
    home = ctx.path("home")
    for folder in ("home", "lock"):
        ctx.path(folder).mkdir(mode=0o700, exist_ok=True)
    ini(home / ".barbican" / "barbican.conf", {
        "DEFAULT": {
            "sql_connection": sqlite_url(ctx.path("barbican.sqlite")), "db_auto_create": True,
            "host_href": ctx.url, "use_stderr": True, "transport_url": "fake:/",
        },
        "queue": {"enable": False},
        "secretstore": {"enabled_secretstore_plugins": "store_crypto"},
        "crypto": {"enabled_crypto_plugins": "simple_crypto"},
        "simple_crypto_plugin": {"kek": base64.b64encode(secrets.token_bytes(32)).decode()},
        "keystone_authtoken": ctx.authtoken(),
        "oslo_concurrency": {"lock_path": ctx.path("lock")},
    })
    return [Launch("barbican", ["barbican-wsgi-api", "--host", "127.0.0.1", "--port", str(ctx.ports[0])],
                   ctx.ports[0], env={"HOME": str(home)})]
