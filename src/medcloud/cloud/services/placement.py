"""Placement: resource providers, traits and aggregates, the inventory Nova's scheduler reads.

``placement-api`` reads ``placement.conf`` from ``$OS_PLACEMENT_CONFIG_DIR``
(this service's folder).  No compute service runs, so no resource provider
is created; Nova's aggregate calls reach it and find none.
"""

from __future__ import annotations

from medcloud.cloud.catalog import Launch
from medcloud.cloud.services import Context, cached, ini, sqlite_url, wal


def prepare(ctx: Context) -> list[Launch]:
    database = ctx.path("placement.sqlite")
    conf = ini(ctx.path("placement.conf"), {
        "DEFAULT": {"use_stderr": True},
        "api": {"auth_strategy": "keystone"},
        "placement_database": {"connection": sqlite_url(database)},
        "keystone_authtoken": ctx.authtoken(),
    })
    cached(ctx, "schema", {"placement.sqlite": database},
           lambda: ctx.run(["placement-manage", "--config-file", str(conf), "db", "sync"],
                           what="placement-manage db sync"))
    wal(database)
    return [Launch("placement", ["placement-api", "--host", "127.0.0.1", "--port", str(ctx.ports[0])], ctx.ports[0],
                   env={"OS_PLACEMENT_CONFIG_DIR": str(ctx.directory)})]
