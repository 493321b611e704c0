"""The OpenStack resources are what Neutron, VPNaaS and Swift accept (issue 11): next hops on a
router subnet, VPN services on routers with a gateway, subnet-typed local endpoint groups,
provider-valid algorithms, keyed container sync to a real account — and no resource named
for what it does not do (R-NET-04, R-SEC-01, R-BC-02, R-DC-01)."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import Any

import pulumi
import pytest
from medcloud.components.derive import inter_centre_links
from medcloud.components.region import Region as RegionComponent
from medcloud.components.secrets import required_config, required_secrets

from medcloud.model import CipherSuite, Region
from medcloud.preview.engine import (
    PLACEHOLDER_LOOKUP,
    PreviewMocks,
    RecordingMonitor,
    RunResult,
    run_with_monitor,
)
from medcloud.stacks import load

from .conftest import ROOT, Graph

OS = "openstack:"
#: terraform-provider-openstack v3.4.0 (bridged by pulumi-openstack 5.5.3),
#: resourceIKEPolicyV2AuthAlgorithm / resourceIKEPolicyV2EncryptionAlgorithm (a subset).
PROVIDER_AUTH = {"sha1", "sha256", "sha384", "sha512", "aes-xcbc", "aes-cmac"}
PROVIDER_ENC = {"3des", "aes-128", "aes-192", "aes-256"}


def _run(region: Region) -> RunResult:
    """Build ``region`` with the real components under the offline preview's mocks."""
    result = RunResult("medcloud", "t")
    # What the operator supplies (SM certificates, Express Connect access points): placeholders.
    config = {key: "placeholder-for-tests" for key in (*required_secrets(region), *required_config(region))}
    config["medcloud:containerSyncKey"] = "sync-key-for-tests"
    run_with_monitor(
        RecordingMonitor(result),
        lambda: RegionComponent(region.name, region, lambda link: pulumi.Output.secret("psk-for-tests"),
                                certificate=lambda centre: pulumi.Output.secret("tls-ref-for-tests")),
        project="medcloud", stack_name="t", config=config, secret_keys=list(config),
    )
    return result


def _of(result: RunResult, token: str) -> list[Any]:
    return [r for r in result.registrations.values() if r.type == token]


def _international(region: Region, link_name: str) -> Region:
    """``region`` with one link's cipher suite switched to international (an interop tunnel)."""
    links = [
        link.model_copy(update={"encryption": link.encryption.model_copy(update={"suite": CipherSuite.INTERNATIONAL})})
        if link.name == link_name and link.encryption else link
        for link in region.links
    ]
    return region.model_copy(update={"links": links})


@pytest.fixture(scope="module")
def interop() -> RunResult:
    """dev with gz-cd-unicom as an international-suite tunnel: gz-prod's end runs on Neutron VPNaaS."""
    return _run(_international(load("dev", ROOT).region, "gz-cd-unicom"))


def test_every_route_waits_for_the_interface_that_reaches_its_next_hop(graph: Graph) -> None:
    """Neutron: "the nexthop is not connected with router" unless the interface is there first."""
    cidr_of = {s.name: IPv4Network(s.inputs["cidr"]) for s in graph.of_type(OS + "networking/subnet:Subnet")}
    routes = graph.of_type(OS + "networking/routerRoute:RouterRoute")
    assert routes
    for route in routes:
        hop = IPv4Address(route.inputs["nextHop"])
        interfaces = [graph.by_urn(d) for d in route.dependencies]
        reaching = [i for i in interfaces if i.type == OS + "networking/routerInterface:RouterInterface"
                    and hop in cidr_of[i.name.removesuffix("-rif")]]
        assert reaching, route.urn


def test_sm_suite_tunnels_end_on_the_appliance_and_neutron_routes_to_it_r_net_04(graph: Graph) -> None:
    """R-NET-04: no VPNaaS policy carries an SM name the provider and Neutron reject."""
    for token in ("ikePolicy:IkePolicy", "ipSecPolicy:IpSecPolicy"):
        for policy in graph.inputs(OS + "vpnaas/" + token):
            assert policy["authAlgorithm"] in PROVIDER_AUTH and policy["encryptionAlgorithm"] in PROVIDER_ENC
    ports = {p.inputs["fixedIps"][0]["ipAddress"]: p for p in graph.of_type(OS + "networking/port:Port")}
    appliances = [c for c in graph.region.centres if c.openstack and c.openstack.ipsec_appliance]
    assert len(ports) == len(appliances) > 0
    for link in inter_centre_links(graph.region):
        if not link.ipsec or link.suite != CipherSuite.SM:
            continue
        for end in (link.a, link.b):
            centre = graph.region.centre(end)
            if centre is None or centre.cloud.value != "openstack":
                continue
            (route,) = [r for r in graph.of_type(OS + "networking/routerRoute:RouterRoute")
                        if r.name == f"{graph.region.name}-{link.name}-{end}-route"]
            port = ports[route.inputs["nextHop"]]
            assert port.inputs["portSecurityEnabled"] is False and port.inputs["noSecurityGroups"] is True
            assert "R-NET-04" in port.inputs["description"]
            assert graph.centre_of(port) == end


def test_the_appliance_address_is_what_the_peer_dials(dev: Graph) -> None:
    (stack,) = dev.of_type("pulumi:pulumi:Stack")
    endpoints = dev.result.run.outputs[stack.urn]["drLinkEndpoints"]
    gz = dev.region.centre("gz-prod")
    assert gz is not None and gz.openstack is not None and gz.openstack.ipsec_appliance is not None
    appliance = gz.openstack.ipsec_appliance
    assert endpoints["gz-cd-telecom"]["gz-prod"] == str(appliance.public_address)
    # R-TOP-05: the unicom tunnel is dialled at the appliance's unicom uplink.
    assert endpoints["gz-cd-unicom"]["gz-prod"] == str(appliance.uplink("China Unicom")[1])
    assert appliance.uplink("China Unicom")[1] != appliance.public_address


def test_routers_take_the_external_network_of_the_model(graph: Graph) -> None:
    for router in graph.of_type(OS + "networking/router:Router"):
        centre = graph.region.centre(str(graph.centre_of(router)))
        assert centre is not None
        wanted = PLACEHOLDER_LOOKUP if centre.openstack is not None else None
        assert router.inputs.get("externalNetworkId") == wanted, router.urn


def test_interop_tunnels_run_on_vpnaas_with_provider_valid_settings_r_sec_01(interop: RunResult) -> None:
    """R-SEC-01: the international suite is AES-256 / SHA-256, values the provider and Neutron accept."""
    for token in ("ikePolicy:IkePolicy", "ipSecPolicy:IpSecPolicy"):
        (policy,) = _of(interop, OS + "vpnaas/" + token)
        assert (policy.inputs["authAlgorithm"], policy.inputs["encryptionAlgorithm"]) == ("sha256", "aes-256")
    (service,) = _of(interop, OS + "vpnaas/service:Service")
    router = interop.registrations[next(d for d in service.dependencies if d.endswith("-vpc-router"))]
    assert router.inputs["externalNetworkId"] == PLACEHOLDER_LOOKUP  # else RouterIsNotExternal


def test_interop_local_endpoints_are_router_subnets_and_wait_for_them(interop: RunResult) -> None:
    """Neutron requires a subnet-typed local endpoint group whose subnets are on the service's router."""
    groups = {g.name: g for g in _of(interop, OS + "vpnaas/endpointGroup:EndpointGroup")}
    local = next(g for name, g in groups.items() if name.endswith("-local"))
    peer = next(g for name, g in groups.items() if name.endswith("-peer"))
    assert local.inputs["type"] == "subnet" and peer.inputs["type"] == "cidr"
    subnets = [s for s in _of(interop, OS + "networking/subnet:Subnet") if s.name.startswith("dev-gz-prod-vpc-")]
    inner = [s for s in subnets if not s.name.endswith("-transit")]
    assert len(local.inputs["endpoints"]) == len(inner) > 0
    (conn,) = _of(interop, OS + "vpnaas/siteConnection:SiteConnection")
    waited = {interop.registrations[d].name for d in conn.dependencies}
    assert {f"{s.name}-rif" for s in inner} <= waited
    assert conn.inputs["psk"] == "[secret]"


def test_container_sync_names_the_dr_project_and_both_ends_hold_the_key_r_bc_02(ref002: Graph) -> None:
    """R-BC-02: Swift refuses a sync whose destination lacks the key; the account is the DR project's."""
    containers = {c.inputs["name"]: c for c in ref002.of_type(OS + "objectstorage/container:Container")}
    destination = containers["ref002-guian-dr-objects"]
    assert destination.inputs["containerSyncKey"] == "[secret]"
    sources = [c for c in containers.values() if "containerSyncTo" in c.inputs]
    assert {ref002.centre_of(c) for c in sources} == {"hospital-prod", "provider-prod"}
    for source in sources:
        assert source.inputs["containerSyncTo"] == (
            f"//medcloud/guian-dr/AUTH_{PLACEHOLDER_LOOKUP}/ref002-guian-dr-objects"
        )
        assert source.inputs["containerSyncKey"] == "[secret]"
        assert destination.urn in source.dependencies


def test_replication_to_another_cloud_is_declared_not_built(dev: Graph) -> None:
    """Swift cannot replicate to OSS: the container says so and carries no sync settings (R-BC-02)."""
    objects = [c for c in dev.of_type(OS + "objectstorage/container:Container") if c.name.endswith("-objects")]
    assert objects
    for container in objects:
        assert "containerSyncTo" not in container.inputs and "containerSyncKey" not in container.inputs
        assert container.inputs["metadata"]["medcloud-replica-declared"] == (
            "alicloud:cn-chengdu/dev-cd-dr-objects"
        )


def test_offline_preview_answers_only_declared_lookups() -> None:
    from pulumi.runtime.mocks import MockCallArgs

    mocks = PreviewMocks()
    answer, _ = mocks.call(MockCallArgs("openstack:networking/getNetwork:getNetwork", {}, ""))
    assert answer == {"id": PLACEHOLDER_LOOKUP}
    with pytest.raises(NotImplementedError, match="getFlavor"):
        mocks.call(MockCallArgs("openstack:compute/getFlavor:getFlavor", {}, ""))
    with pytest.raises(NotImplementedError):
        mocks.call(MockCallArgs("huaweicloud:vpc/getVpc:getVpc", {}, ""))


def _errors(region: Region) -> list[tuple[tuple[str | int, ...], str]]:
    return list(region.reference_errors())


def test_an_sm_tunnel_on_openstack_needs_the_appliance_r_net_04() -> None:
    region = load("dev", ROOT).region
    gz = region.centre("gz-prod")
    assert gz is not None and gz.openstack is not None
    bare = gz.model_copy(update={"openstack": gz.openstack.model_copy(update={"ipsec_appliance": None})})
    broken = region.model_copy(update={"centres": [bare if c.name == "gz-prod" else c for c in region.centres]})
    errors = _errors(broken)
    assert errors and all(loc == ("centres", 0, "openstack", "ipsec_appliance") for loc, _ in errors)
    assert "gz-cd-unicom" in " ".join(m for _, m in errors) and "R-NET-04" in errors[0][1]


def test_a_vpnaas_tunnel_needs_the_external_network() -> None:
    region = _international(load("dev", ROOT).region, "gz-cd-unicom")
    gz = region.centre("gz-prod")
    assert gz is not None
    bare = gz.model_copy(update={"openstack": None})
    broken = region.model_copy(update={"centres": [bare if c.name == "gz-prod" else c for c in region.centres]})
    messages = {m for loc, m in _errors(broken) if loc == ("centres", 0, "openstack")}
    assert any("gz-cd-unicom" in m and "external_network" in m for m in messages)


def test_the_openstack_edge_belongs_to_openstack_centres() -> None:
    region = load("dev", ROOT).region
    gz = region.centre("gz-prod")
    assert gz is not None
    ali = [c.model_copy(update={"openstack": gz.openstack}) if c.name == "cd-dr" else c for c in region.centres]
    errors = _errors(region.model_copy(update={"centres": ali}))
    assert (("centres", 2, "openstack"), "centre 'cd-dr' is on alicloud, not openstack") in errors


def test_only_ends_that_use_a_pre_shared_key_ask_for_one() -> None:
    """Two SM-suite appliances authenticate with SM2 certificates: no key to set for their links."""
    from medcloud.components.secrets import required_secrets

    dev = required_secrets(load("dev", ROOT).region)
    assert {"medcloud:ipsecPsk-gz-cd-telecom", "medcloud:ipsecPsk-gz-cd-unicom"} <= set(dev)
    ref002 = required_secrets(load("ref002", ROOT).region)
    assert not [k for k in ref002 if k.startswith("medcloud:ipsecPsk-py-ga-")]
    assert "medcloud:containerSyncKey" in ref002


def test_a_carrier_has_one_uplink() -> None:
    region = load("dev", ROOT).region
    gz = region.centre("gz-prod")
    assert gz is not None and gz.openstack is not None and gz.openstack.ipsec_appliance is not None
    appliance = gz.openstack.ipsec_appliance
    twice = appliance.model_copy(update={"carrier_uplinks": appliance.carrier_uplinks * 2})
    edge = gz.openstack.model_copy(update={"ipsec_appliance": twice})
    broken = region.model_copy(update={"centres": [
        gz.model_copy(update={"openstack": edge}) if c.name == "gz-prod" else c for c in region.centres]})
    assert (("centres", 0, "openstack", "ipsec_appliance", "carrier_uplinks", 1, "carrier"),
            "carrier 'China Unicom' has two uplinks") in _errors(broken)
