"""OpenStack API rules: what Neutron, Barbican and Swift refuse although the provider's plan accepts it.

Each rule cites the upstream source or document it comes from and the
requirement it serves; :mod:`medcloud.conformance.cloud` runs them in
``medcloud preview``, ``medcloud review`` and the policy pack.
"""

from __future__ import annotations

import ipaddress
import re

from medcloud.components.backends.openstack import types

from medcloud.conformance.cloud import UNKNOWN, Graph, Node, Report, cloud_rule, undecidable

VPN_VALIDATOR = "openstack/neutron-vpnaas neutron_vpnaas/db/vpn/vpn_validator.py"
ROUTER_NOT_EXTERNAL = f"{VPN_VALIDATOR} (VpnReferenceValidator: RouterIsNotExternal)"
ENDPOINT_TYPES = (f"{VPN_VALIDATOR} (validate_ipsec_site_connection: local endpoint group of type subnet, "
                  "peer endpoint group of type cidr)")
NEXTHOP = ("openstack/neutron neutron/db/l3_db.py (_validate_routes_nexthop: "
           "\"the nexthop is not connected with router\")")
SIMPLE_CRYPTO = ("openstack/barbican barbican/plugin/crypto/simple_crypto.py "
                 "(SimpleCryptoPlugin: algorithm and key length table; xts doubles the key length)")
CONTAINER_SYNC = ("OpenStack Swift docs: Container to Container Synchronization "
                  "(X-Container-Sync-Key on both containers; X-Container-Sync-To //realm/cluster/AUTH_<project>/<c>)")

#: Barbican's default crypto backend (simple_crypto): key lengths per algorithm.
SIMPLE_CRYPTO_SIZES: dict[str, tuple[int, ...]] = {
    "aes": (128, 192, 256), "des": (56,), "3des": (192,),
    "hmacsha1": (128, 192, 256), "hmacsha256": (128, 192, 256),
    "hmacsha384": (128, 192, 256), "hmacsha512": (128, 192, 256),
}
#: A Keystone project id as Swift accounts carry it (AUTH_<id>): 32 hex digits.
PROJECT_ACCOUNT = re.compile(r"^AUTH_[0-9a-f]{32}$")


@cloud_rule("neutron-vpnaas-router-external", requirement="R-NET-04", source=ROUTER_NOT_EXTERNAL,
            types=(types.VPN_SERVICE,))
def vpn_service_router_external(graph: Graph, node: Node, report: Report) -> None:
    for router in graph.referenced(node, "routerId", types.ROUTER):
        if router.get("externalNetworkId") is None:
            report("routerId", router.urn, "a router with an external gateway (externalNetworkId)")


@cloud_rule("neutron-vpnaas-endpoint-group-types", requirement="R-NET-04", source=ENDPOINT_TYPES,
            types=(types.SITE_CONNECTION,))
def site_connection_endpoint_types(graph: Graph, node: Node, report: Report) -> None:
    for prop, wanted in (("localEpGroupId", "subnet"), ("peerEpGroupId", "cidr")):
        for group in graph.referenced(node, prop, types.ENDPOINT_GROUP):
            kind = group.get("type")
            if kind is not None and kind not in (UNKNOWN, wanted):
                report(prop, f"{kind} ({group.urn})", f"an endpoint group of type {wanted}")


@cloud_rule("neutron-router-route-nexthop", requirement="R-NET-01", source=NEXTHOP,
            types=(types.ROUTER_ROUTE,))
def route_nexthop_on_attached_subnet(graph: Graph, node: Node, report: Report) -> None:
    hop = node.get("nextHop")
    routers = graph.referenced(node, "routerId", types.ROUTER)
    if not isinstance(hop, str) or hop == UNKNOWN or not routers:
        return
    try:
        address = ipaddress.ip_address(hop)
    except ValueError:
        return
    carriers = []
    unknown = False
    for iface in graph.referrers(routers[0], "routerId", types.ROUTER_INTERFACE):
        for subnet in graph.referenced(iface, "subnetId", types.SUBNET):
            cidr = subnet.get("cidr")
            if not isinstance(cidr, str) or cidr == UNKNOWN:
                unknown = True
            elif address in ipaddress.ip_network(cidr, strict=False):
                carriers.append(iface)
    if not carriers:
        if not unknown:
            report("nextHop", hop, "an address on a subnet attached to the router (a RouterInterface)")
        return
    if not any(graph.depends_on(node, iface) for iface in carriers):
        report("nextHop", hop, f"a route that depends on the interface carrying it ({carriers[0].urn})")


@cloud_rule("barbican-order-simple-crypto", requirement="R-SEC-02", source=SIMPLE_CRYPTO,
            types=(types.KEY_ORDER,))
def barbican_algorithm(graph: Graph, node: Node, report: Report) -> None:
    if node.get("type") not in (None, "key"):
        return
    algorithm, bits, mode = node.get("meta.algorithm"), node.get("meta.bitLength"), node.get("meta.mode")
    if not isinstance(algorithm, str) or algorithm == UNKNOWN:
        return
    sizes = SIMPLE_CRYPTO_SIZES.get(algorithm.lower())
    if sizes is None:
        report("meta.algorithm", algorithm, "an algorithm of the default backend: " + ", ".join(SIMPLE_CRYPTO_SIZES))
        return
    if not isinstance(bits, int):
        return
    factor = 2 if isinstance(mode, str) and mode.lower() == "xts" else 1
    if bits % factor or bits // factor not in sizes:
        allowed = ", ".join(str(s * factor) for s in sizes)
        report("meta.bitLength", bits, f"{allowed} bits for {algorithm}{' in xts mode' if factor == 2 else ''}")


@cloud_rule("swift-container-sync-prerequisites", requirement="R-BC-02", source=CONTAINER_SYNC,
            types=(types.CONTAINER,))
def container_sync(graph: Graph, node: Node, report: Report) -> None:
    target = node.get("containerSyncTo")
    if target is None or target == UNKNOWN:
        return
    if node.get("containerSyncKey") is None:
        report("containerSyncKey", "(not set)", "a sync key when containerSyncTo is set")
    if not isinstance(target, str):
        return
    parts = target.split("/")
    # //realm/cluster/AUTH_account/container
    if len(parts) != 6 or parts[0] or parts[1]:
        report("containerSyncTo", target, "//<realm>/<cluster>/AUTH_<project id>/<container>")
        return
    account, container = parts[4], parts[5]
    if not undecidable(account) and not PROJECT_ACCOUNT.match(account):
        report("containerSyncTo", target, "an account AUTH_<Keystone project id, 32 hex digits>")
    for peer in graph.of_type(types.CONTAINER):
        if peer.get("name") == container and peer.get("containerSyncKey") is None:
            report("containerSyncTo", target, f"a destination with the same sync key ({peer.urn} has none)")
