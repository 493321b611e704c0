"""Cinder's volume API, one instance per cloud region (volume type names are global in a Cinder).

No scheduler or volume service runs: a created volume stays ``creating``.
Cinder accepts a volume's availability zone only when a ``cinder-volume``
service of that zone is up, so ``prepare`` records one per zone of the
region's centres through Cinder's own service objects (what the volume
service's start does), and ``service_down_time`` is long enough that they
stay up while the plane runs.  Quotas are unlimited, as an operator sets them
for a region's own projects.  The schema is migrated once and copied to
each region's database (and cached: :func:`~medcloud.cloud.services.cached`).
"""

from __future__ import annotations

import shutil

from medcloud.cloud.catalog import SYSTEM_PYTHON, Launch
from medcloud.cloud.services import PER_REGION, Context, cached, ini, sqlite_url, wal

#: Seconds a volume service counts as up after its last report (ten years: as long as the plane runs).
SERVICE_DOWN_TIME_S = 10 * 365 * 86400

#: Run on Debian's Python: argv is CONF ZONES (comma-separated) per region.  Cinder is imported
#: once and a child forked per region, each with its region's configuration (and so database).
SERVICES_SCRIPT = PER_REGION + """\
from oslo_config import cfg
from cinder import context, objects
from cinder.volume import rpcapi
objects.register_all()

def register(conf, zones):
    cfg.CONF(["--config-file", conf], project="cinder")
    admin = context.get_admin_context()
    for az in zones:
        objects.Service(admin, host="volume-" + az + "@rbd", binary="cinder-volume", topic="cinder-volume",
                        availability_zone=az, report_count=1, rpc_current_version=rpcapi.VolumeAPI.RPC_API_VERSION,
                        object_current_version=objects.base.OBJ_VERSIONS.get_current()).create()
per_region(register, zip(sys.argv[1::2], sys.argv[2::2]))
"""


def _zones(ctx: Context, region: str) -> list[str]:
    return sorted({az for c in ctx.centres if c.region == region for az in c.azs})


def _conf(ctx: Context, region: str, port: int) -> str:
    directory = ctx.path(region)
    for folder in ("state", "lock"):
        (directory / folder).mkdir(parents=True, mode=0o700, exist_ok=True)
    zones = _zones(ctx, region)
    return str(ini(directory / "cinder.conf", {
        "DEFAULT": {
            "auth_strategy": "keystone", "transport_url": "fake:/", "osapi_volume_listen": "127.0.0.1",
            "osapi_volume_listen_port": port, "osapi_volume_workers": 1, "state_path": directory / "state",
            "api_paste_config": "/etc/cinder/api-paste.ini", "use_stderr": True,
            "service_down_time": SERVICE_DOWN_TIME_S, "storage_availability_zone": zones[0] if zones else "nova",
            "quota_volumes": -1, "quota_gigabytes": -1, "quota_snapshots": -1, "quota_backups": -1,
            "quota_backup_gigabytes": -1, "per_volume_size_limit": -1,
        },
        "database": {"connection": sqlite_url(directory / "cinder.sqlite")},
        "keystone_authtoken": ctx.authtoken(),
        "oslo_concurrency": {"lock_path": directory / "lock"},
    }))


def prepare(ctx: Context) -> list[Launch]:
    confs = {region: _conf(ctx, region, port) for region, port in zip(ctx.regions, ctx.ports, strict=True)}
    first = ctx.regions[0]
    cached(ctx, "schema", {"cinder.sqlite": ctx.path(first, "cinder.sqlite")},
           lambda: ctx.run(["cinder-manage", "--config-file", confs[first], "db", "sync"],
                           what="cinder-manage db sync"))
    for region in ctx.regions:
        if region != first:
            shutil.copyfile(ctx.path(first, "cinder.sqlite"), ctx.path(region, "cinder.sqlite"))
        wal(ctx.path(region, "cinder.sqlite"))
    regions = [arg for region in ctx.regions for arg in (confs[region], ",".join(_zones(ctx, region)))]
    ctx.run([SYSTEM_PYTHON, "-c", SERVICES_SCRIPT, *regions], what="cinder volume services per zone, every region")
    return [Launch(f"cinder-{region}", ["cinder-api", "--config-file", confs[region]], port, region=region)
            for region, port in zip(ctx.regions, ctx.ports, strict=True)]
