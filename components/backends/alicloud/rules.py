"""AliCloud API rules: what the AliCloud APIs refuse although the provider's plan accepts it.

Each rule cites the document it comes from (the tables in ``regions.py``) and
the requirement it serves; :mod:`medcloud.conformance.cloud` runs them in
``medcloud preview``, ``medcloud review`` and the policy pack.
"""

from __future__ import annotations

from medcloud.components.backends.alicloud import regions, types

from medcloud.conformance.cloud import UNKNOWN, Graph, Node, Report, cloud_rule

PAY_AS_YOU_GO = frozenset({"payasyougo", "postpaid"})
EXPRESS_CONNECT_DOC = ("Alibaba Cloud Express Connect docs: an IDC reaches VPCs through a virtual border router "
                       "(VBR) on a physical connection, attached to the CEN instance the VPCs are attached to")
SM_CERT_DOC = ("Alibaba Cloud VPN Gateway docs: a national-standard (SM) VPN gateway needs an SM signing and an SM "
               "encryption certificate (uploaded to Certificate Management Service, bound with "
               "AssociateVpnGatewayWithCertificate)")
KMS_ROTATION_INTERVAL_DOC = ("terraform-provider-alicloud docs/r/kms_key: rotation_interval is required when "
                             "automatic_rotation is Enabled")


def region_of(graph: Graph, node: Node) -> str | None:
    provider = graph.provider_of(node)
    region = provider.get("region") if provider is not None else None
    return region if isinstance(region, str) and region != UNKNOWN else None


def account_type(graph: Graph, node: Node) -> str:
    provider = graph.provider_of(node)
    value = provider.get("accountType") if provider is not None else None
    return value if isinstance(value, str) and value != UNKNOWN else regions.CHINA_SITE


def _dual_tunnel(graph: Graph, gateway: Node) -> bool:
    return region_of(graph, gateway) in regions.DUAL_TUNNEL_REGIONS


@cloud_rule("alicloud-vpn-dual-tunnel-vswitch", requirement="R-NET-04", source=regions.DUAL_TUNNEL_DOC,
            types=(types.VPN_GATEWAY,))
def dual_tunnel_vswitch(graph: Graph, node: Node, report: Report) -> None:
    if not _dual_tunnel(graph, node):
        return
    standby = node.get("disasterRecoveryVswitchId")
    if standby is None:
        report("disasterRecoveryVswitchId", "(not set)",
               f"a second vSwitch in another zone (dual-tunnel region {region_of(graph, node)})")
        return
    zones = []
    for prop in ("vswitchId", "disasterRecoveryVswitchId"):
        found = graph.referenced(node, prop, types.VSWITCH)
        zones.append(found[0].get("zoneId") if found else None)
    if None not in zones and UNKNOWN not in zones and zones[0] == zones[1]:
        report("disasterRecoveryVswitchId", zones[1], f"a zone other than the primary vSwitch's ({zones[0]})")


@cloud_rule("alicloud-vpn-dual-tunnel-options", requirement="R-NET-04", source=regions.DUAL_TUNNEL_DOC,
            types=(types.VPN_CONNECTION,))
def dual_tunnel_options(graph: Graph, node: Node, report: Report) -> None:
    gateways = graph.referenced(node, "vpnGatewayId", types.VPN_GATEWAY)
    if not gateways or not _dual_tunnel(graph, gateways[0]):
        return
    tunnels = node.get("tunnelOptionsSpecifications")
    count = len(tunnels) if isinstance(tunnels, list) else 0
    if count != 2:
        report("tunnelOptionsSpecifications", f"{count} tunnels",
               "two tunnels (master and slave) on a dual-tunnel VPN gateway")
    for prop in ("ikeConfig", "ipsecConfig"):
        if node.get(prop) is not None:
            report(prop, "set", "per-tunnel options (tunnelOptionsSpecifications) on a dual-tunnel gateway")


@cloud_rule("alicloud-vpn-payment-china-site", requirement="R-NET-04", source=regions.PAYMENT_DOC,
            types=(types.VPN_GATEWAY,))
def vpn_payment(graph: Graph, node: Node, report: Report) -> None:
    if account_type(graph, node) != regions.CHINA_SITE:
        return
    for prop in ("paymentType", "instanceChargeType"):
        value = node.get(prop)
        if isinstance(value, str) and value.lower() in PAY_AS_YOU_GO:
            report(prop, value, f"{regions.VPN_PAYMENT} on a China-site ({regions.CHINA_SITE}) account")


@cloud_rule("alicloud-kms-key-spec-instance", requirement="R-SEC-02", source=regions.KMS_SPEC_DOC,
            types=(types.KMS_KEY,))
def kms_key_spec(graph: Graph, node: Node, report: Report) -> None:
    spec = node.get("keySpec") or "Aliyun_AES_256"
    if spec == UNKNOWN or spec in regions.DEFAULT_KEY_SPECS:
        return
    if node.get("dkmsInstanceId") is None:
        report("keySpec", spec, "a KMS instance (dkmsInstanceId) for specs other than "
               + ", ".join(sorted(regions.DEFAULT_KEY_SPECS)))


@cloud_rule("alicloud-kms-hsm-rotation", requirement="R-SEC-03", source=regions.KMS_ROTATION_DOC,
            types=(types.KMS_KEY,))
def kms_hsm_rotation(graph: Graph, node: Node, report: Report) -> None:
    level, rotation = node.get("protectionLevel"), node.get("automaticRotation")
    if isinstance(level, str) and level.upper() == "HSM" and rotation == "Enabled":
        report("automaticRotation", rotation, "Disabled for HSM-protected keys (rotate by new key versions)")


@cloud_rule("alicloud-kms-rotation-interval", requirement="R-SEC-03", source=KMS_ROTATION_INTERVAL_DOC,
            types=(types.KMS_KEY,))
def kms_rotation_interval(graph: Graph, node: Node, report: Report) -> None:
    if node.get("automaticRotation") == "Enabled" and node.get("rotationInterval") is None:
        report("rotationInterval", "(not set)", "an interval when automaticRotation is Enabled")


@cloud_rule("alicloud-vpn-sm-certificates", requirement="R-NET-04", source=SM_CERT_DOC,
            types=(types.VPN_GATEWAY,))
def sm_certificates(graph: Graph, node: Node, report: Report) -> None:
    if str(node.get("vpnType") or "").lower() != "nationalstandard":
        return
    name = node.get("vpnGatewayName")
    certs = [c for c in graph.of_type(types.SM_CERTIFICATE)
             if (c.get("tags") or {}).get(types.SM_CERT_FOR_TAG) == name]
    complete = [c for c in certs if all(c.get(p) is not None for p in
                                        ("signCert", "signPrivateKey", "encryptCert", "encryptPrivateKey"))]
    if not complete:
        report("vpnType", "NationalStandard",
               f"an SM certificate pair (cas Certificate tagged {types.SM_CERT_FOR_TAG}={name}: "
               "sign and encrypt certificate and key)")


@cloud_rule("alicloud-express-connect-vbr", requirement="R-NET-01", source=EXPRESS_CONNECT_DOC,
            types=(types.CEN_ATTACHMENT,))
def vbr_on_physical_connection(graph: Graph, node: Node, report: Report) -> None:
    if node.get("childInstanceType") != "VBR":
        return
    vbrs = graph.referenced(node, "childInstanceId", types.VBR)
    if not vbrs:
        if not node.known("childInstanceId"):
            report("childInstanceId", node.get("childInstanceId"), "a virtual border router of this program")
        return
    vbr = vbrs[0]
    if not graph.referenced(vbr, "physicalConnectionId", types.PHYSICAL_CONNECTION) \
            and not vbr.known("physicalConnectionId"):
        report("childInstanceId", vbr.urn, "a VBR on a physical connection (physicalConnectionId)")


@cloud_rule("alicloud-private-vpn-over-express-connect", requirement="R-NET-01", source=EXPRESS_CONNECT_DOC,
            types=(types.VPN_GATEWAY,))
def private_gateway_has_a_circuit(graph: Graph, node: Node, report: Report) -> None:
    if node.get("networkType") != "private":
        return
    vpcs = {n.urn for n in graph.referenced(node, "vpcId", types.VPC)}
    cens = {c for a in graph.of_type(types.CEN_ATTACHMENT) if a.get("childInstanceType") == "VPC"
            and vpcs & {n.urn for n in graph.referenced(a, "childInstanceId")}
            for c in a.property_dependencies.get("instanceId", ())}
    with_vbr = [a for a in graph.of_type(types.CEN_ATTACHMENT) if a.get("childInstanceType") == "VBR"
                and cens & set(a.property_dependencies.get("instanceId", ()))]
    if not with_vbr:
        report("networkType", "private",
               "a private VPN gateway whose VPC shares a CEN with an Express Connect VBR")
