"""Swift: proxy (Keystone auth, container sync, object versioning) and account, container and
object servers on three devices (directories) of this service's folder.

Storage policies are the ones this cloud offers (:data:`POLICIES`: a name and
a replica count); a container asking for another is refused by Swift itself.
Container sync is allowed inside one realm, ``medcloud``, whose clusters are
the stacks' OpenStack centres, all served by this proxy — a sync target names
``//medcloud/<centre>/AUTH_<project id>/<container>``.  The servers read
``swift.conf``, rings and realms from this folder (``swift_dir``), never /etc/swift.
"""

from __future__ import annotations

import getpass
import secrets

from medcloud.cloud.catalog import SYSTEM_PYTHON, Launch
from medcloud.cloud.services import Context, ini

#: Policy name → replicas, policy 0 first (the default).  Names are Swift's: letters, digits, '-'.
POLICIES: dict[str, int] = {"replica3": 3, "replica2": 2}
DEVICES = ("d1", "d2", "d3")
REALM = "medcloud"

#: Run on Debian's Python: point Swift at this folder's swift.conf (policies, hash path
#: prefix), which the servers otherwise read from /etc/swift whatever their ``swift_dir``,
#: then run the server as its own script does.  argv: SWIFT_DIR CONF SERVER.
LAUNCHER = """\
import sys
from swift.common import utils
utils.set_swift_dir(sys.argv[1])
from swift.common.wsgi import run_wsgi
sys.exit(run_wsgi(sys.argv[2], sys.argv[3]))
"""

RING_SCRIPT = """\
import sys
from swift.common.ring import RingBuilder
etc, devices = sys.argv[1], sys.argv[2].split(",")
for spec in sys.argv[3:]:
    name, replicas, port = spec.split(":")
    builder = RingBuilder(6, int(replicas), 0)
    for zone, device in enumerate(devices, 1):
        builder.add_dev({"region": 1, "zone": zone, "ip": "127.0.0.1", "port": int(port),
                         "device": device, "weight": 100, "meta": ""})
    builder.rebalance()
    builder.get_ring().save(etc + "/" + name + ".ring.gz")
"""


def prepare(ctx: Context) -> list[Launch]:
    proxy, account, container, obj = ctx.ports[:4]
    etc, devices = ctx.path("etc"), ctx.path("devices")
    etc.mkdir(mode=0o700, exist_ok=True)
    for device in DEVICES:
        (devices / device).mkdir(parents=True, exist_ok=True)
    swift_conf: dict[str, dict[str, str | int | bool]] = {
        "swift-hash": {"swift_hash_path_suffix": secrets.token_hex(8), "swift_hash_path_prefix": secrets.token_hex(8)},
    }
    for index, name in enumerate(POLICIES):
        swift_conf[f"storage-policy:{index}"] = {"name": name, **({"default": "yes"} if index == 0 else {})}
    ini(etc / "swift.conf", swift_conf)
    clusters = {f"cluster_{c.name}": f"http://127.0.0.1:{proxy}/v1/" for c in ctx.centres}
    ini(etc / "container-sync-realms.conf", {REALM: {"key": secrets.token_hex(16), **clusters}})
    rings = [f"account:3:{account}", f"container:3:{container}"]
    for index, replicas in enumerate(POLICIES.values()):
        rings.append(f"{'object' if index == 0 else f'object-{index}'}:{replicas}:{obj}")
    ctx.run([SYSTEM_PYTHON, "-c", RING_SCRIPT, str(etc), ",".join(DEVICES), *rings], what="swift rings")
    common = {"bind_ip": "127.0.0.1", "workers": 0, "devices": str(devices), "mount_check": False,
              "swift_dir": str(etc), "user": getpass.getuser(), "log_name": "swift"}
    launches = []
    for kind, port in (("account", account), ("container", container), ("object", obj)):
        conf = ini(ctx.path(f"{kind}-server.conf"), {
            "DEFAULT": {**common, "bind_port": port},
            "pipeline:main": {"pipeline": f"{kind}-server"},
            f"app:{kind}-server": {"use": f"egg:swift#{kind}"},
        })
        launches.append(Launch(f"swift-{kind}", [SYSTEM_PYTHON, "-c", LAUNCHER, str(etc), str(conf), f"{kind}-server"],
                               port, probe=None, endpoint=False))
    authtoken = {"paste.filter_factory": "keystonemiddleware.auth_token:filter_factory",
                 "delay_auth_decision": True, **ctx.authtoken()}
    conf = ini(ctx.path("proxy-server.conf"), {
        "DEFAULT": {**{k: v for k, v in common.items() if k not in ("devices", "mount_check")}, "bind_port": proxy},
        "pipeline:main": {"pipeline": "catch_errors gatekeeper healthcheck proxy-logging container_sync "
                                      "authtoken keystoneauth versioned_writes symlink proxy-logging proxy-server"},
        "app:proxy-server": {"use": "egg:swift#proxy", "account_autocreate": True},
        "filter:catch_errors": {"use": "egg:swift#catch_errors"},
        "filter:gatekeeper": {"use": "egg:swift#gatekeeper"},
        "filter:healthcheck": {"use": "egg:swift#healthcheck"},
        "filter:proxy-logging": {"use": "egg:swift#proxy_logging"},
        "filter:container_sync": {"use": "egg:swift#container_sync"},
        "filter:authtoken": authtoken,
        "filter:keystoneauth": {"use": "egg:swift#keystoneauth", "operator_roles": "admin, member"},
        "filter:versioned_writes": {"use": "egg:swift#versioned_writes", "allow_versioned_writes": True,
                                    "allow_object_versioning": True},
        "filter:symlink": {"use": "egg:swift#symlink"},
    })
    launches.append(Launch("swift-proxy", [SYSTEM_PYTHON, "-c", LAUNCHER, str(etc), str(conf), "proxy-server"],
                           proxy, probe="/healthcheck"))
    return launches
