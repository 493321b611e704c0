"""Cloud API rules over a resource graph: each finding names its rule, source and requirement."""

from __future__ import annotations

from typing import Any

from medcloud.components.backends.alicloud import regions
from medcloud.components.backends.alicloud import types as ali
from medcloud.components.backends.openstack import types as os_

from medcloud.conformance.cloud import UNKNOWN, Graph, Node, load_rules, run_rules
from medcloud.conformance.findings import Finding

ALI_PROVIDER = "urn:pulumi:t::m::pulumi:providers:alicloud::cd"


def urn(kind: str, name: str) -> str:
    return f"urn:pulumi:t::m::{kind}::{name}"


def ali_node(kind: str, name: str, inputs: dict[str, Any], deps: dict[str, tuple[str, ...]] | None = None,
             ) -> Node:
    return Node(urn(kind, name), kind, inputs, property_dependencies=deps or {}, provider=f"{ALI_PROVIDER}::id")


def findings(*nodes: Node) -> list[Finding]:
    provider = Node(ALI_PROVIDER, ali.PROVIDER, {"region": "cn-chengdu", "accountType": "Domestic"})
    return run_rules(Graph([provider, *nodes]))


def rules_of(found: list[Finding]) -> set[tuple[str, str]]:
    return {(f.rule, f.property) for f in found}


def test_every_rule_names_a_source_and_a_requirement() -> None:
    rules = load_rules()
    assert {r.id.split("-")[0] for r in rules.values()} >= {"alicloud", "neutron", "barbican", "swift"}
    for rule in rules.values():
        assert rule.source and rule.requirement.startswith("R-") and rule.types


def switch(name: str, zone: str) -> Node:
    return ali_node(ali.VSWITCH, name, {"zoneId": zone, "vpcId": UNKNOWN, "cidrBlock": "10.0.0.0/25"})


def test_dual_tunnel_region_needs_a_second_vswitch_in_another_zone() -> None:
    a, b = switch("a", "cn-chengdu-a"), switch("b", "cn-chengdu-a")
    gateway = {"vpnGatewayName": "g", "vpnType": "Normal", "paymentType": "Subscription", "vswitchId": UNKNOWN}
    [missing] = findings(a, ali_node(ali.VPN_GATEWAY, "g", gateway, {"vswitchId": (a.urn,)}))
    assert (missing.rule, missing.property) == ("alicloud-vpn-dual-tunnel-vswitch", "disasterRecoveryVswitchId")
    assert missing.source == regions.DUAL_TUNNEL_DOC and missing.requirement == "R-NET-04"
    same_zone = ali_node(ali.VPN_GATEWAY, "g", dict(gateway, disasterRecoveryVswitchId=UNKNOWN),
                         {"vswitchId": (a.urn,), "disasterRecoveryVswitchId": (b.urn,)})
    [zone] = findings(a, b, same_zone)
    assert zone.value == "cn-chengdu-a"
    other = switch("c", "cn-chengdu-b")
    fine = ali_node(ali.VPN_GATEWAY, "g", dict(gateway, disasterRecoveryVswitchId=UNKNOWN),
                    {"vswitchId": (a.urn,), "disasterRecoveryVswitchId": (other.urn,)})
    assert findings(a, other, fine) == []


def test_dual_tunnel_connections_take_two_tunnels_not_one_ike_config() -> None:
    gateway = ali_node(ali.VPN_GATEWAY, "g", {"disasterRecoveryVswitchId": UNKNOWN, "paymentType": "Subscription"})
    conn = ali_node(ali.VPN_CONNECTION, "c", {"ikeConfig": {"ikeEncAlg": "sm4"}, "vpnGatewayId": UNKNOWN},
                    {"vpnGatewayId": (gateway.urn,)})
    assert rules_of(findings(gateway, conn)) == {("alicloud-vpn-dual-tunnel-options", "tunnelOptionsSpecifications"),
                                                 ("alicloud-vpn-dual-tunnel-options", "ikeConfig")}


def test_pay_as_you_go_vpn_gateway_is_refused_on_a_china_site_account() -> None:
    gateway = ali_node(ali.VPN_GATEWAY, "g", {"paymentType": "PayAsYouGo", "disasterRecoveryVswitchId": UNKNOWN})
    [finding] = findings(gateway)
    assert (finding.rule, finding.value) == ("alicloud-vpn-payment-china-site", "PayAsYouGo")
    assert finding.source == regions.PAYMENT_DOC


def test_kms_sm4_needs_an_instance_and_hsm_keys_take_no_automatic_rotation() -> None:
    key = ali_node(ali.KMS_KEY, "k", {"keySpec": "Aliyun_SM4", "protectionLevel": "HSM",
                                      "automaticRotation": "Enabled", "rotationInterval": "365d"})
    assert rules_of(findings(key)) == {("alicloud-kms-key-spec-instance", "keySpec"),
                                       ("alicloud-kms-hsm-rotation", "automaticRotation")}
    fixed = ali_node(ali.KMS_KEY, "k", {"keySpec": "Aliyun_SM4", "protectionLevel": "HSM",
                                        "automaticRotation": "Disabled", "dkmsInstanceId": UNKNOWN})
    assert findings(fixed) == []


def test_national_standard_gateway_needs_an_sm_certificate_pair() -> None:
    gateway = ali_node(ali.VPN_GATEWAY, "g", {"vpnType": "NationalStandard", "vpnGatewayName": "link-cd",
                                              "paymentType": "Subscription", "disasterRecoveryVswitchId": UNKNOWN})
    [finding] = findings(gateway)
    assert finding.rule == "alicloud-vpn-sm-certificates"
    cert = ali_node(ali.SM_CERTIFICATE, "cert", {
        "tags": {ali.SM_CERT_FOR_TAG: "link-cd"}, "signCert": "[secret]", "signPrivateKey": "[secret]",
        "encryptCert": "[secret]", "encryptPrivateKey": "[secret]"})
    assert findings(gateway, cert) == []


def test_a_vbr_attachment_needs_a_vbr_on_a_physical_connection() -> None:
    vbr = ali_node(ali.VBR, "vbr", {"physicalConnectionId": UNKNOWN})
    attachment = ali_node(ali.CEN_ATTACHMENT, "att", {"childInstanceType": "VBR", "childInstanceId": UNKNOWN},
                          {"childInstanceId": (vbr.urn,)})
    [finding] = findings(vbr, attachment)
    assert finding.rule == "alicloud-express-connect-vbr"
    port = ali_node(ali.PHYSICAL_CONNECTION, "port", {"accessPointId": "ap-x"})
    on_port = ali_node(ali.VBR, "vbr", {"physicalConnectionId": UNKNOWN}, {"physicalConnectionId": (port.urn,)})
    assert findings(port, on_port, attachment) == []


def os_node(kind: str, name: str, inputs: dict[str, Any], deps: dict[str, tuple[str, ...]] | None = None,
            depends: tuple[str, ...] = ()) -> Node:
    return Node(urn(kind, name), kind, inputs, dependencies=depends, property_dependencies=deps or {})


def test_vpn_service_needs_a_router_with_an_external_gateway() -> None:
    router = os_node(os_.ROUTER, "r", {"name": "r"})
    service = os_node(os_.VPN_SERVICE, "s", {"routerId": UNKNOWN}, {"routerId": (router.urn,)})
    [finding] = run_rules(Graph([router, service]))
    assert finding.rule == "neutron-vpnaas-router-external" and "RouterIsNotExternal" in finding.source
    external = os_node(os_.ROUTER, "r", {"externalNetworkId": UNKNOWN})
    assert run_rules(Graph([external, service])) == []


def test_local_endpoint_group_must_be_subnets_and_peer_cidrs() -> None:
    local = os_node(os_.ENDPOINT_GROUP, "l", {"type": "cidr", "endpoints": ["10.0.0.0/24"]})
    peer = os_node(os_.ENDPOINT_GROUP, "p", {"type": "cidr", "endpoints": ["10.1.0.0/24"]})
    conn = os_node(os_.SITE_CONNECTION, "c", {"localEpGroupId": UNKNOWN, "peerEpGroupId": UNKNOWN},
                   {"localEpGroupId": (local.urn,), "peerEpGroupId": (peer.urn,)})
    [finding] = run_rules(Graph([local, peer, conn]))
    assert (finding.rule, finding.property) == ("neutron-vpnaas-endpoint-group-types", "localEpGroupId")


def test_route_next_hop_must_be_on_an_attached_subnet_and_wait_for_its_interface() -> None:
    router = os_node(os_.ROUTER, "r", {"externalNetworkId": UNKNOWN})
    subnet = os_node(os_.SUBNET, "s", {"cidr": "10.0.1.0/24"})
    iface = os_node(os_.ROUTER_INTERFACE, "i", {"routerId": UNKNOWN, "subnetId": UNKNOWN},
                    {"routerId": (router.urn,), "subnetId": (subnet.urn,)})
    deps = {"routerId": (router.urn,)}
    off_subnet = os_node(os_.ROUTER_ROUTE, "x", {"nextHop": "10.9.9.9", "routerId": UNKNOWN}, deps)
    early = os_node(os_.ROUTER_ROUTE, "y", {"nextHop": "10.0.1.250", "routerId": UNKNOWN}, deps)
    ordered = os_node(os_.ROUTER_ROUTE, "z", {"nextHop": "10.0.1.250", "routerId": UNKNOWN}, deps,
                      depends=(iface.urn,))
    found = run_rules(Graph([router, subnet, iface, off_subnet, early, ordered]))
    assert [(f.urn, f.rule) for f in found] == [(off_subnet.urn, "neutron-router-route-nexthop"),
                                                (early.urn, "neutron-router-route-nexthop")]
    assert "depends on the interface" in found[1].allowed


def test_barbican_default_backend_has_no_sm4_and_xts_doubles_the_key() -> None:
    def order(algorithm: str, bits: int, mode: str) -> list[Finding]:
        node = os_node(os_.KEY_ORDER, "o", {"type": "key", "meta": {"algorithm": algorithm, "bitLength": bits,
                                                                     "mode": mode}})
        return run_rules(Graph([node]))
    assert [f.property for f in order("sm4", 128, "xts")] == ["meta.algorithm"]
    assert [f.property for f in order("aes", 128, "xts")] == ["meta.bitLength"]
    assert order("aes", 256, "xts") == [] and order("aes", 256, "cbc") == []


def test_swift_container_sync_needs_keys_on_both_sides_and_a_real_account() -> None:
    dest = os_node(os_.CONTAINER, "d", {"name": "objects-dr"})
    src = os_node(os_.CONTAINER, "s", {"name": "objects", "containerSyncTo": "//realm/dr/AUTH_RegionTwo/objects-dr"})
    found = run_rules(Graph([dest, src]))
    assert {f.property for f in found} == {"containerSyncKey", "containerSyncTo"}
    assert len([f for f in found if f.property == "containerSyncTo"]) == 2  # account and destination key
    good_dest = os_node(os_.CONTAINER, "d", {"name": "objects-dr", "containerSyncKey": "[secret]"})
    good = os_node(os_.CONTAINER, "s", {"name": "objects", "containerSyncKey": "[secret]",
                                        "containerSyncTo": f"//realm/dr/AUTH_{'a' * 32}/objects-dr"})
    assert run_rules(Graph([good_dest, good])) == []
