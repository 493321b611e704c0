"""Neutron: ML2 core plugin, the L3 router and VPNaaS service plugins, on SQLite.

Neutron's alembic migrations need ALTER of constraints, which SQLite lacks, so
the schema is created from the models (Neutron's head models and the VPNaaS
models) and stamped at the migration heads.  No mechanism driver runs, so
ports stay unbound: the plane answers API questions (is this route, this
VPN service, this cipher accepted?), not data-plane ones.

Availability zones come from agents: Neutron accepts an AZ hint only when a
DHCP (networks) or L3 (routers) agent reports that zone.  No agent runs here,
so ``prepare`` records one DHCP and one L3 agent per zone the stacks' centres
use, through Neutron's own agent-registration code (what an agent's first
``report_state`` does).  The agents show as down once their heartbeat ages.

``configure`` creates the external networks the centres name (the model's
``openstack.external_network``; ``public`` if none does), each flat on its own
physical network with a /24 of 198.18.0.0/15, for routers' gateways.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from medcloud.cloud.catalog import SYSTEM_PYTHON, Launch
from medcloud.cloud.rest import Keystone, call
from medcloud.cloud.services import Context, cached, ini, sqlite_url, wal

#: The external network when no centre names one.
EXTERNAL_NETWORK = "public"
EXTERNAL_RANGE = "198.18.0.0/15"
VPN_PROVIDER = "VPN:strongswan:neutron_vpnaas.services.vpn.service_drivers.ipsec.IPsecVPNDriver:default"

#: Run on Debian's Python: the schema from the models.  argv: URL.
SCHEMA_SCRIPT = """\
import sys
import sqlalchemy
from neutron.db.migration.models import head  # noqa: F401  (every Neutron model)
from neutron_vpnaas.db.vpn import vpn_models  # noqa: F401
from neutron_lib.db import model_base
model_base.BASEV2.metadata.create_all(sqlalchemy.create_engine(sys.argv[1]))
"""

#: Run on Debian's Python: one DHCP and one L3 agent per zone.  argv: CONF ZONE…
AGENTS_SCRIPT = """\
import sys
from oslo_config import cfg
from neutron.common import config as common_config
common_config.register_common_config_options()
cfg.CONF(["--config-file", sys.argv[1]], project="neutron")
from neutron_lib import context
from neutron.db import agents_db
registry, admin = agents_db.AgentDbMixin(), context.get_admin_context()
for az in sys.argv[2:]:
    for kind, binary, topic in (("DHCP agent", "neutron-dhcp-agent", "dhcp_agent"),
                                ("L3 agent", "neutron-l3-agent", "l3_agent")):
        registry.create_or_update_agent(admin, {
            "agent_type": kind, "binary": binary, "topic": topic, "host": "network-" + az,
            "availability_zone": az, "configurations": {}})
"""


def prepare(ctx: Context) -> list[Launch]:
    database = ctx.path("neutron.sqlite")
    for folder in ("state", "lock"):
        ctx.path(folder).mkdir(mode=0o700, exist_ok=True)
    conf = ini(ctx.path("neutron.conf"), {
        "DEFAULT": {
            "core_plugin": "ml2", "service_plugins": "router,vpnaas", "auth_strategy": "keystone",
            "transport_url": "fake:/", "bind_host": "127.0.0.1", "bind_port": ctx.ports[0],
            "api_workers": 0, "rpc_workers": 0, "rpc_state_report_workers": 0,
            "state_path": ctx.path("state"), "use_stderr": True, "api_paste_config": "/etc/neutron/api-paste.ini",
            "allow_overlapping_ips": True,
        },
        "database": {"connection": sqlite_url(database)},
        "keystone_authtoken": ctx.authtoken(),
        "oslo_concurrency": {"lock_path": ctx.path("lock")},
        "service_providers": {"service_provider": VPN_PROVIDER},
        "ml2": {"type_drivers": "flat,vxlan", "tenant_network_types": "vxlan", "mechanism_drivers": "",
                "extension_drivers": "port_security"},
        "ml2_type_flat": {"flat_networks": ",".join(external_networks(ctx))},
        "ml2_type_vxlan": {"vni_ranges": "1:100000"},
    })

    def schema() -> None:
        ctx.run([SYSTEM_PYTHON, "-c", SCHEMA_SCRIPT, sqlite_url(database)], what="neutron schema from the models")
        ctx.run(["neutron-db-manage", "--config-file", str(conf), "stamp", "heads"],
                what="neutron-db-manage stamp heads")

    cached(ctx, "schema", {"neutron.sqlite": database}, schema, inputs=SCHEMA_SCRIPT)
    wal(database)
    ctx.run([SYSTEM_PYTHON, "-c", AGENTS_SCRIPT, str(conf), *ctx.azs], what="neutron agents per availability zone")
    return [Launch("neutron", ["neutron-server", "--config-file", str(conf)], ctx.ports[0])]


def external_networks(ctx: Context) -> dict[str, str]:
    """Each external network the centres name → its subnet (a /24 of 198.18.0.0/15, RFC 2544's test range)."""
    names = sorted({c.external_network for c in ctx.centres if c.external_network} or {EXTERNAL_NETWORK})
    blocks = ipaddress.ip_network(EXTERNAL_RANGE).subnets(new_prefix=24)
    return {name: str(next(blocks)) for name in names}


def configure(ctx: Context, admin: Keystone) -> None:
    """The external networks routers take their gateway (and VPN services their address) from."""
    url = f"{ctx.url}/v2.0"
    for name, cidr in external_networks(ctx).items():
        found = call("GET", f"{url}/networks?name={name}", token=admin.token)[1]["networks"]
        if found:
            continue
        network: dict[str, Any] = call("POST", f"{url}/networks", token=admin.token, body={"network": {
            "name": name, "router:external": True, "shared": False,
            "provider:network_type": "flat", "provider:physical_network": name,
            "description": "medcloud cloud: a provider network routers' gateways attach to",
        }})[1]["network"]
        call("POST", f"{url}/subnets", token=admin.token, body={"subnet": {
            "name": f"{name}-v4", "network_id": network["id"], "ip_version": 4, "cidr": cidr, "enable_dhcp": False,
        }})
