"""Read the deployed topology back from the APIs and compare it with the region model.

What the model declares is computed by the model's pure planners (the
address plan, :func:`derive.vpc_args` for subnets and flows,
:func:`derive.link_args` for links, :func:`derive.storage_args` for storage),
never by the backends; what is deployed is read with admin credentials from
Neutron, Cinder, Barbican and Swift, per centre project.  Each category is
compared as a set both ways: every declared item is there, nothing else is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from medcloud.components import derive
from medcloud.components.program import load_region

from medcloud import ipam

#: The model's name for the SM cipher suite (links on the IPsec appliance).
SM = "sm"


@dataclass
class Comparison:
    stack: str
    #: category → (declared − deployed, deployed − declared)
    differences: dict[str, tuple[list[Any], list[Any]]] = field(default_factory=dict)
    deployed: dict[str, Any] = field(default_factory=dict)

    #: category → what the model declares that no provider resource can deploy (the program
    #: records it as declared evidence; an operator adds it): reported, not failed.
    declared_only: dict[str, list[Any]] = field(default_factory=dict)

    def compare(self, category: str, declared: set[Any], deployed: set[Any], *, provider_gap: bool = False) -> None:
        self.deployed[category] = sorted(map(str, deployed))
        missing, extra = sorted(declared - deployed, key=str), sorted(deployed - declared, key=str)
        if provider_gap and missing and not extra:
            self.declared_only[category] = missing
        elif missing or extra:
            self.differences[category] = (missing, extra)

    def gaps(self) -> str:
        return "\n".join(f"  {category}: declared, not deployed (no provider resource): {item}"
                         for category, items in self.declared_only.items() for item in items)

    def report(self) -> str:
        lines = [f"stack {self.stack}: deployed topology differs from the region model"]
        for category, (missing, extra) in self.differences.items():
            lines += [f"  {category}: declared, not deployed: {item}" for item in missing]
            lines += [f"  {category}: deployed, not declared: {item}" for item in extra]
        return "\n".join(lines)


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return dict(tag.split("=", 1) for tag in item.get("tags", []) if "=" in tag)


def _get(api: Any, service: str, path: str) -> Any:
    return api(service, "GET", path)


def read_back(stack: str, root: Any, admin: Any, api_for: Any) -> Comparison:
    """``admin(region)``: an admin :class:`real_apis.Api`; ``api_for(centre, region)``: the centre's own."""
    region = load_region(root / "stacks" / _region_file(root, stack))
    plan = ipam.plan(region)
    result = Comparison(stack)
    centres = [c for c in region.centres if c.cloud.value == "openstack"]
    links = [derive.link_args(region, link, plan) for link in derive.inter_centre_links(region)]
    for centre in centres:
        api = admin(centre.cloud_region)
        project = _get(api, "identity", f"/projects?name={centre.name}")["projects"][0]["id"]
        scope = f"project_id={project}"
        vpc = derive.vpc_args(region, centre, plan)
        c = centre.name

        networks = [n for n in _get(api, "network", f"/networks?{scope}")["networks"] if not n["router:external"]]
        result.compare(f"{c} networks", {c}, {_tags(n).get("medcloud-centre", n["name"]) for n in networks})
        subnets = _get(api, "network", f"/subnets?{scope}")["subnets"]
        result.compare(f"{c} subnets (cidr, security domain)",
                       {(s.cidr, s.security_domain) for s in vpc.subnets},
                       {(s["cidr"], _tags(s).get("medcloud-security-domain")) for s in subnets})

        routers = _get(api, "network", f"/routers?{scope}")["routers"]
        result.compare(f"{c} routers", {c}, {_tags(r).get("medcloud-centre", r["name"]) for r in routers})
        ports = _get(api, "network", f"/ports?{scope}&device_owner=network:router_interface")["ports"]
        attached = {ip["subnet_id"] for p in ports for ip in p["fixed_ips"]}
        result.compare(f"{c} router interfaces (subnet cidr)", {s.cidr for s in vpc.subnets},
                       {s["cidr"] for s in subnets if s["id"] in attached})
        ends = [(link, side, peer) for link in links for side, peer in ((link.a, link.b), (link.b, link.a))
                if side.centre == c]
        # SM-suite IPsec ends on the centre's IPsec appliance (a route to it); international IPsec on VPNaaS.
        vpnaas_ends = [(link, side, peer) for link, side, peer in ends if link.ipsec and link.suite != SM]
        routed_ends = [(link, side, peer) for link, side, peer in ends if not link.ipsec or link.suite == SM]
        external = centre.openstack.external_network if centre.openstack else None
        gateways = {g["id"]: g["name"] for g in _get(api, "network", "/networks?router:external=true")["networks"]}
        result.compare(f"{c} router gateway (external network)", {(c, external)} if external else set(),
                       {(c, gateways.get((r.get("external_gateway_info") or {}).get("network_id"), "?"))
                        for r in routers if r.get("external_gateway_info")})
        result.compare(f"{c} routes (destination, next hop)",
                       {(peer.cidr, side.next_hop) for _, side, peer in routed_ends},
                       {(r["destination"], r["nexthop"]) for rt in routers for r in rt.get("routes", [])})
        appliance_ports = _get(api, "network", f"/ports?{scope}&device_owner=")["ports"]
        result.compare(f"{c} IPsec appliance inside address (port)",
                       {vpc.appliance_address} if vpc.appliance_address else set(),
                       {ip["ip_address"] for p in appliance_ports for ip in p["fixed_ips"]})

        groups = _get(api, "network", f"/security-groups?{scope}")["security_groups"]
        pool_of = {g["id"]: _tags(g).get("medcloud-pool", g["name"]) for g in groups}
        result.compare(f"{c} security groups (pool)", {p.pool for p in vpc.pools} | {"default"},
                       set(pool_of.values()))
        rules = _get(api, "network", f"/security-group-rules?{scope}")["security_group_rules"]
        result.compare(
            f"{c} flows (pool, direction, protocol, ports, remote)",
            {(r.pool, r.direction, None if r.protocol == "any" else r.protocol, r.port_min, r.port_max,
              r.remote_pool or r.remote_cidr) for r in vpc.rules},
            {(pool_of[r["security_group_id"]], r["direction"], r["protocol"], r["port_range_min"],
              r["port_range_max"], pool_of.get(r["remote_group_id"]) or r["remote_ip_prefix"])
             for r in rules if pool_of.get(r["security_group_id"]) != "default"},
        )

        services = _get(api, "network", f"/vpn/vpnservices?{scope}")["vpnservices"]
        groups_ep = {g["id"]: g for g in _get(api, "network", f"/vpn/endpoint-groups?{scope}")["endpoint_groups"]}
        connections = _get(api, "network", f"/vpn/ipsec-site-connections?{scope}")["ipsec_site_connections"]
        result.compare(f"{c} VPN services (router)", {c} if vpnaas_ends else set(),
                       {c for s in services if s["router_id"] in {r["id"] for r in routers}})
        result.compare(
            f"{c} IPsec site connections (peer cidr)", {peer.cidr for _, _, peer in vpnaas_ends},
            {cidr for conn in connections
             for cidr in groups_ep.get(conn.get("peer_ep_group_id") or "", {}).get("endpoints", [])
             + conn.get("peer_cidrs", [])},
        )

        compute = derive.compute_args(region, centre)
        flavors = _get(api, "compute", "/flavors/detail?is_public=None")["flavors"]
        result.compare(f"{c} flavors (name, vCPUs, MiB)",
                       {(f.name, f.vcpus, f.memory_gib * 1024) for p in compute.pools for f in p.flavors},
                       {(f["name"], f["vcpus"], f["ram"]) for f in flavors})
        aggregates = _get(api, "compute", "/os-aggregates")["aggregates"]
        result.compare(
            f"{c} host aggregates (zone or pool, hosts)",
            {("zone " + az, tuple(sorted(hosts))) for az, hosts in compute.azs.items()}
            | {("pool " + p.labels.pool, tuple(sorted(p.hosts))) for p in compute.pools},
            {("zone " + a["availability_zone"] if a.get("availability_zone") else
              "pool " + a.get("metadata", {}).get("medcloud-pool", a["name"]), tuple(sorted(a["hosts"])))
             for a in aggregates},
        )

        storage = derive.storage_args(region, centre)
        own = api_for(c, centre.cloud_region)
        types = {t["name"]: t for t in _get(api, "block_storage", "/types")["volume_types"]}
        # Every type but Cinder's own __DEFAULT__ (the region's Cinder serves only this stack now).
        mine = {name: t for name, t in types.items() if name != "__DEFAULT__"}
        result.compare(f"{c} volume types (tier)", set(storage.tiers),
                       {t["extra_specs"].get("volume_backend_name", name).split("-")[1 if "-" in name else 0]
                        for name, t in mine.items()})
        qos = _get(api, "block_storage", "/qos-specs")["qos_specs"]
        qos_types = {a["id"] for q in qos for a in
                     _get(api, "block_storage", f"/qos-specs/{q['id']}/associations")["qos_associations"]}
        result.compare(f"{c} volume types with QoS", {t["id"] for t in mine.values()},
                       {t["id"] for t in mine.values() if t["id"] in qos_types})
        encrypted = {t["name"] for t in mine.values()
                     if _get(api, "block_storage", f"/types/{t['id']}/encryption").get("cipher")}
        result.compare(f"{c} volume types with at-rest encryption (R-DC-01)",
                       set(mine) if storage.encryption.required else set(), encrypted, provider_gap=True)
        if storage.encryption.required:
            secrets = _get(own, "key_manager", "/secrets")["secrets"]
            result.compare(f"{c} Barbican keys (R-SEC-03)", {c}, {c for s in secrets if s.get("status") == "ACTIVE"},
                           provider_gap=True)

        buckets = {storage.objects_bucket, storage.snapshot_bucket} | (
            {storage.archive_bucket} if storage.archive_worm else set())
        listing = own("object_store", "GET", "/?format=json")
        names = {b["name"] for b in listing} if isinstance(listing, list) else set()
        result.compare(f"{c} containers", buckets, names)
        target = storage.replicate_to
        declared_sync = set()
        if target is not None and target.cloud == "openstack":
            account = _get(api, "identity", f"/projects?name={target.centre}")["projects"][0]["id"]
            declared_sync.add((storage.objects_bucket, f"//medcloud/{target.centre}/AUTH_{account}/{target.bucket}",
                               "key set"))
        deployed_sync = set()
        for name in names:
            headers = own("object_store", "HEAD", f"/{name}").get("_headers", {})
            if headers.get("X-Container-Sync-To"):
                deployed_sync.add((name, headers["X-Container-Sync-To"],
                                   "key set" if headers.get("X-Container-Sync-Key") else "no key"))
        result.compare(f"{c} container sync (container, target, key)", declared_sync, deployed_sync)
    return result


def _region_file(root: Any, stack: str) -> str:
    import yaml

    config = yaml.safe_load((root / "stacks" / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))["config"]
    return str(config["medcloud:region"])
