"""Nova's compute API, one instance per cloud region (flavor and aggregate names are global in a Nova).

Flavors, host aggregates (with their availability zone) and server groups
live in Nova's API database.  No scheduler, conductor or hypervisor runs;
Nova accepts a host into an aggregate only when a ``nova-compute`` service
of that name is recorded in a cell and mapped to it, so ``prepare`` records
one per compute node of the region's centres (the model's pools → clusters →
nodes), with its compute-node record (Nova reads it after adding the host), through
Nova's own objects — what a compute service's start and ``nova-manage cell_v2
discover_hosts`` do.  Cells: cell0 and cell1, on SQLite.
The schema is migrated once and copied to each region (the cell mappings'
database URLs then pointed at that region's files).
"""

from __future__ import annotations

import shutil
import sqlite3

from medcloud.cloud.catalog import SYSTEM_PYTHON, Launch
from medcloud.cloud.services import PER_REGION, Context, cached, ini, sqlite_url, wal

DATABASES = ("nova_api", "nova_cell0", "nova_cell1")

#: Run on Debian's Python: argv is CONF HOSTS (comma-separated) per region.  Nova is imported
#: once and a child forked per region, each with its region's configuration (and so databases).
HOSTS_SCRIPT = PER_REGION + """\
from nova import config, context, objects
objects.register_all()

def register(conf, hosts):
    config.parse_args(["nova-manage", "--config-file", conf])
    admin = context.get_admin_context()
    cell = next(c for c in objects.CellMappingList.get_all(admin) if c.name == "cell1")
    with context.target_cell(admin, cell) as cell_context:
        for host in hosts:
            service = objects.Service(cell_context, host=host, binary="nova-compute", topic="compute",
                                      report_count=1)
            service.create()
            # What the compute service's resource tracker records at start (no inventory reported).
            objects.ComputeNode(cell_context, host=host, hypervisor_hostname=host, service_id=service.id,
                                vcpus=0, memory_mb=0, local_gb=0, vcpus_used=0, memory_mb_used=0, local_gb_used=0,
                                hypervisor_type="QEMU", hypervisor_version=0, cpu_info="{}").create()
    for host in hosts:
        objects.HostMapping(admin, host=host, cell_mapping=cell).create()
per_region(register, zip(sys.argv[1::2], sys.argv[2::2]))
"""


def _hosts(ctx: Context, region: str) -> list[str]:
    return sorted({h for c in ctx.centres if c.region == region for h in c.hosts})


def _conf(ctx: Context, region: str, port: int) -> str:
    directory = ctx.path(region)
    for folder in ("state", "lock"):
        (directory / folder).mkdir(parents=True, mode=0o700, exist_ok=True)
    placement = ctx.urls.get("placement")
    return str(ini(directory / "nova.conf", {
        "DEFAULT": {
            "transport_url": "fake:/", "enabled_apis": "osapi_compute", "osapi_compute_listen": "127.0.0.1",
            "osapi_compute_listen_port": port, "osapi_compute_workers": 1, "state_path": directory / "state",
            "use_stderr": True,
        },
        "api": {"auth_strategy": "keystone"},
        "api_database": {"connection": sqlite_url(directory / "nova_api.sqlite")},
        "database": {"connection": sqlite_url(directory / "nova_cell1.sqlite")},
        "keystone_authtoken": ctx.authtoken(),
        "placement": {**{k: v for k, v in ctx.authtoken().items() if k != "www_authenticate_uri"},
                      "region_name": region, **({"endpoint_override": placement} if placement else {})},
        "oslo_concurrency": {"lock_path": directory / "lock"},
    }))


def prepare(ctx: Context) -> list[Launch]:
    confs = {region: _conf(ctx, region, port) for region, port in zip(ctx.regions, ctx.ports, strict=True)}
    first = ctx.regions[0]
    manage = ["nova-manage", "--config-file", confs[first]]

    def schema() -> None:
        ctx.run([*manage, "api_db", "sync"], what="nova-manage api_db sync")
        ctx.run([*manage, "cell_v2", "map_cell0", "--database_connection",
                 sqlite_url(ctx.path(first, "nova_cell0.sqlite"))], what="nova-manage cell_v2 map_cell0")
        ctx.run([*manage, "cell_v2", "create_cell", "--name", "cell1"], what="nova-manage cell_v2 create_cell")
        ctx.run([*manage, "db", "sync"], what="nova-manage db sync")

    # Cached, the cell mappings name the files of the plane that built them: every region's are re-pointed.
    cached(ctx, "schema", {f"{database}.sqlite": ctx.path(first, f"{database}.sqlite") for database in DATABASES},
           schema)
    for region in ctx.regions:
        if region != first:
            for database in DATABASES:
                shutil.copyfile(ctx.path(first, f"{database}.sqlite"), ctx.path(region, f"{database}.sqlite"))
        _point_cells_at(ctx, region)
        for database in DATABASES:
            wal(ctx.path(region, f"{database}.sqlite"))
    regions = [arg for region in ctx.regions if _hosts(ctx, region)
               for arg in (confs[region], ",".join(_hosts(ctx, region)))]
    if regions:
        ctx.run([SYSTEM_PYTHON, "-c", HOSTS_SCRIPT, *regions], what="nova compute hosts, every region")
    return [Launch(f"nova-{region}", ["nova-api", "--config-file", confs[region]], port, region=region)
            for region, port in zip(ctx.regions, ctx.ports, strict=True)]


def _point_cells_at(ctx: Context, region: str) -> None:
    """A copied API database's cell mappings name the first region's files; name this region's
    (what ``nova-manage cell_v2 update_cell --database_connection`` writes)."""
    connection = sqlite3.connect(ctx.path(region, "nova_api.sqlite"))
    try:
        with connection:
            for cell in ("cell0", "cell1"):
                connection.execute("UPDATE cell_mappings SET database_connection = ? WHERE name = ?",
                                   (sqlite_url(ctx.path(region, f"nova_{cell}.sqlite")), cell))
    finally:
        connection.close()
