"""Octavia's load-balancer API (amphora provider; no worker or amphora runs).

Octavia's alembic migrations fail on SQLite (they re-add columns), so the
schema is created from the models and stamped at the head revision, as for
Neutron.  The API creates a load balancer's VIP port in Neutron with its own
service user (``[service_auth]``); the load balancer then stays
``PENDING_CREATE``.
"""

from __future__ import annotations

from medcloud.cloud.catalog import SYSTEM_PYTHON, Launch
from medcloud.cloud.services import Context, cached, ini, sqlite_url, wal

SCHEMA_SCRIPT = """\
import sys
import sqlalchemy
from octavia.db import base_models, models  # noqa: F401  (every Octavia model)
base_models.BASE.metadata.create_all(sqlalchemy.create_engine(sys.argv[1]))
"""


def prepare(ctx: Context) -> list[Launch]:
    database = ctx.path("octavia.sqlite")
    auth = {k: v for k, v in ctx.authtoken().items() if k != "www_authenticate_uri"}
    conf = ini(ctx.path("octavia.conf"), {
        "DEFAULT": {"transport_url": "fake:/", "use_stderr": True},
        "api_settings": {"bind_host": "127.0.0.1", "bind_port": ctx.ports[0], "auth_strategy": "keystone"},
        "database": {"connection": sqlite_url(database)},
        "keystone_authtoken": ctx.authtoken(),
        "service_auth": auth,
        "oslo_messaging": {"topic": "octavia_prov"},
    })

    def schema() -> None:
        ctx.run([SYSTEM_PYTHON, "-c", SCHEMA_SCRIPT, sqlite_url(database)], what="octavia schema from the models")
        ctx.run(["octavia-db-manage", "--config-file", str(conf), "stamp", "head"],
                what="octavia-db-manage stamp head")

    cached(ctx, "schema", {"octavia.sqlite": database}, schema, inputs=SCHEMA_SCRIPT)
    wal(database)
    return [Launch("octavia", ["octavia-api", "--config-file", str(conf)], ctx.ports[0])]
