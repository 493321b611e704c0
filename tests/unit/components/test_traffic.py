"""The traffic layer of both reference stacks (full graph): a load balancer per system and
centre with L4/L7 listeners (R-NET-05), TLS 1.3 only where the data level needs it (R-NET-04),
health probes and session persistence, and a GSLB record with pools in the centres the class
requires (R-BC-06, R-BC-01).  Values are checked against the providers' own validators."""

from __future__ import annotations

from typing import Any, cast

import pulumi
import pytest
from medcloud.components.args import HealthArgs, LoadBalancerArgs, ReplicaArgs
from medcloud.components.backends.alicloud.traffic import (
    ACCESS_MODES,
    GTM_MONITOR_INTERVAL_S,
    AliCloudTraffic,
    FrontDoorZonesError,
)
from medcloud.components.derive import (
    ACTIVE_ROLES,
    TLS_TERMINATED,
    TrafficError,
    gslb_args,
    load_balancer_args,
    replicas,
    tls_versions,
)
from medcloud.components.region import Region as RegionComponent
from medcloud.components.secrets import required_config, required_secrets

from medcloud.errors import InputError
from medcloud.model import Cloud, FrontDoor, Listener, ListenerProtocol, SystemKind
from medcloud.model.standards import GSLB_PROBE_INTERVAL_MAX_S, SESSION_PERSISTENCE_KINDS
from medcloud.preview.engine import RecordingMonitor, RunResult, run_with_monitor
from medcloud.stacks import load

from .conftest import ROOT, Graph

OS = "openstack:loadbalancer/"
#: Allowed values, from terraform-provider-openstack's openstack/resource_openstack_lb_*_v2.go.
OCTAVIA = {
    "listener.protocol": {"TCP", "UDP", "SCTP", "HTTP", "HTTPS", "TERMINATED_HTTPS", "PROMETHEUS"},
    "tls_versions": {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"},
    "alpn": {"http/1.0", "http/1.1", "h2"},
    "pool.protocol": {"TCP", "UDP", "HTTP", "HTTPS", "PROXY", "SCTP", "PROXYV2"},
    "lb_method": {"ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP", "SOURCE_IP_PORT"},
    "persistence": {"SOURCE_IP", "HTTP_COOKIE", "APP_COOKIE"},
    "monitor.type": {"HTTP", "HTTPS", "PING", "SCTP", "TCP", "TLS-HELLO", "UDP-CONNECT"},
}
#: From terraform-provider-alicloud's alicloud/resource_alicloud_{alb,nlb,alidns}_*.go.
ALICLOUD = {
    "alb.listener": {"HTTP", "HTTPS", "QUIC"},
    "alb.scheduler": {"Wrr", "Wlc", "Sch", "Uch"},
    "alb.group.protocol": {"HTTP", "HTTPS", "GRPC"},
    "alb.sticky": {"Insert", "Server"},
    "alb.tls": {"TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"},
    "nlb.listener": {"TCP", "UDP", "TCPSSL"},
    "nlb.scheduler": {"Wrr", "Rr", "Qch", "Tch", "Sch", "Wlc"},
    "nlb.health": {"TCP", "HTTP", "UDP"},
    "gtm.interval": {60},
    "gtm.evaluation": {1, 2, 3},
    "gtm.timeout": {2000, 3000, 5000, 10000},
    "gtm.protocol": {"HTTP", "HTTPS", "PING", "TCP"},
    "gtm.access_mode": {"AUTO", "DEFAULT", "FAILOVER"},
    "gtm.pool_type": {"IPV4", "IPV6", "DOMAIN"},
    "gtm.lba": {"ALL_RR", "RATIO"},
    "gtm.mode": {"SMART", "ONLINE", "OFFLINE"},
}


def _system_of(step_inputs: dict[str, Any], key: str) -> str:
    tags = step_inputs.get(key) or []
    if isinstance(tags, dict):
        return str(tags.get("medcloud-system"))
    return next(t.split("=", 1)[1] for t in tags if t.startswith("medcloud-system="))


def test_every_system_has_a_load_balancer_in_every_centre_it_runs_in_r_net_05(graph: Graph) -> None:
    """R-NET-05: one front door per system and centre."""
    for system in graph.region.systems:
        centres = sorted(r.centre for r in replicas(graph.region, system))
        found = []
        for step in graph.of_type(OS + "loadBalancer:LoadBalancer"):
            if _system_of(step.inputs, "tags") == system.name:
                found.append(graph.centre_of(step) or step.inputs["name"])
        for token in ("alicloud:alb/loadBalancer:LoadBalancer", "alicloud:nlb/loadBalancer:LoadBalancer"):
            for step in graph.of_type(token):
                if _system_of(step.inputs, "tags") == system.name:
                    found.append(step.inputs["tags"]["medcloud-replica-role"])
        assert len(found) == len(centres), (system.name, found, centres)


def test_octavia_values_are_ones_the_provider_accepts_and_tls_is_1_3_where_needed(graph: Graph) -> None:
    """R-NET-04, R-NET-05: listener/pool/monitor values within the provider's validators."""
    systems = {s.name: s for s in graph.region.systems}
    listeners = graph.of_type(OS + "listener:Listener")
    assert listeners
    for step in listeners:
        props = step.inputs
        assert props["protocol"] in OCTAVIA["listener.protocol"]
        system = systems[_system_of(props, "tags")]
        if props["protocol"] == "TERMINATED_HTTPS":
            assert set(props["tlsVersions"]) <= OCTAVIA["tls_versions"]
            assert props["tlsVersions"] == [f"TLSv{v}" for v in tls_versions(system)]
            assert props["defaultTlsContainerRef"] == "[secret]"
            assert set(props.get("alpnProtocols", [])) <= OCTAVIA["alpn"]
    for step in graph.of_type(OS + "pool:Pool"):
        props = step.inputs
        assert props["protocol"] in OCTAVIA["pool.protocol"] and props["lbMethod"] in OCTAVIA["lb_method"]
        sticky = systems[_system_of(props, "tags")].sticky
        assert ("persistence" in props) == sticky
        if sticky:
            assert props["persistence"]["type"] in OCTAVIA["persistence"]
        for version in props.get("tlsVersions", []):
            assert version in OCTAVIA["tls_versions"]
    for step in graph.of_type(OS + "monitor:Monitor"):
        props = step.inputs
        assert props["type"] in OCTAVIA["monitor.type"]
        assert props["delay"] <= GSLB_PROBE_INTERVAL_MAX_S and props["timeout"] <= props["delay"]
        assert 1 <= props["maxRetries"] <= 10 and 1 <= props["maxRetriesDown"] <= 10


def test_alicloud_balancers_and_gtm_use_values_the_provider_accepts(dev: Graph) -> None:
    """R-NET-04, R-NET-05, R-BC-06 on AliCloud (dev's remote DR centre)."""
    for props in dev.inputs("alicloud:alb/listener:Listener"):
        assert props["listenerProtocol"] in ALICLOUD["alb.listener"]
        if props["listenerProtocol"] == "HTTPS":
            assert props["certificates"]["certificateId"] == "[secret]" and props["securityPolicyId"]
    for props in dev.inputs("alicloud:alb/securityPolicy:SecurityPolicy"):
        assert set(props["tlsVersions"]) <= ALICLOUD["alb.tls"] and props["tlsVersions"] == ["TLSv1.3"]
    for props in dev.inputs("alicloud:alb/serverGroup:ServerGroup"):
        assert props["scheduler"] in ALICLOUD["alb.scheduler"]
        assert props["protocol"] in ALICLOUD["alb.group.protocol"]
        assert 1 <= props["healthCheckConfig"]["healthCheckInterval"] <= 50
        sticky = next(x for x in dev.region.systems if x.name == props["tags"]["medcloud-system"]).sticky
        assert ("stickySessionConfig" in props) == sticky
        if sticky:
            assert props["stickySessionConfig"]["stickySessionType"] in ALICLOUD["alb.sticky"]
    for props in dev.inputs("alicloud:alb/loadBalancer:LoadBalancer"):
        assert len(props["zoneMappings"]) >= 2
    monitors = dev.inputs("alicloud:dns/monitorConfig:MonitorConfig")
    assert monitors
    for props in monitors:
        assert props["interval"] in ALICLOUD["gtm.interval"] and props["evaluationCount"] in ALICLOUD["gtm.evaluation"]
        assert props["timeout"] in ALICLOUD["gtm.timeout"] and props["protocolType"] in ALICLOUD["gtm.protocol"]
    for props in dev.inputs("alicloud:dns/addressPool:AddressPool"):
        assert props["type"] in ALICLOUD["gtm.pool_type"] and props["lbaStrategy"] in ALICLOUD["gtm.lba"]
        assert all(a["mode"] in ALICLOUD["gtm.mode"] for a in props["addresses"])
    for props in dev.inputs("alicloud:dns/accessStrategy:AccessStrategy"):
        assert props["accessMode"] in ALICLOUD["gtm.access_mode"]


def test_gslb_pools_cover_the_centres_the_class_requires_r_bc_06(graph: Graph) -> None:
    """R-BC-06, R-BC-01: a record per system; active centres by default, the others as failover."""
    gtm = {p["strategyName"]: p for p in graph.inputs("alicloud:dns/accessStrategy:AccessStrategy")}
    pools = {p["addressPoolName"]: p for p in graph.inputs("alicloud:dns/addressPool:AddressPool")}
    records = graph.inputs("openstack:dns/recordSet:RecordSet")
    global_dns = any(c.cloud == Cloud.ALICLOUD for c in graph.region.centres)
    for system in graph.region.systems:
        copies = replicas(graph.region, system)
        gslb = next(s for s in graph.of_type("medcloud:traffic:Gslb") if s.inputs["system"] == system.name)
        assert {p["centre"] for p in gslb.inputs["pools"]} == {r.centre for r in copies}
        for pool in gslb.inputs["pools"]:
            assert pool["active"] == (pool["role"] in ACTIVE_ROLES)
        private = [r for r in records if r["name"] == f"{system.name}.{graph.region.name}.medcloud.internal."]
        assert len(private) == sum(1 for r in copies if r.cloud == "openstack")
        if not global_dns:
            continue
        strategy = gtm[system.name]
        assert strategy["accessMode"] == "AUTO"
        assert len(strategy["defaultAddrPools"]) == sum(1 for r in copies if r.role in ACTIVE_ROLES)
        assert len(strategy.get("failoverAddrPools", [])) == sum(1 for r in copies if r.role not in ACTIVE_ROLES)
        assert {f"{system.name}-{r.centre}" for r in copies} <= set(pools)


def test_emergency_and_registration_systems_keep_sessions_r_bc_06() -> None:
    region = load("dev", ROOT).region
    his = next(s for s in region.systems if s.name == "his")
    research = next(s for s in region.systems if s.name == "research")
    assert his.kind.value in SESSION_PERSISTENCE_KINDS and his.sticky
    assert not research.sticky
    emergency = research.model_copy(update={"kind": SystemKind.EMERGENCY})
    assert emergency.sticky
    declared = research.model_copy(update={"front_door": FrontDoor(session_persistence=True)})
    assert all(lb.sticky for lb in load_balancer_args(region, declared))


def test_l4_and_l7_listeners_and_tls_by_data_level() -> None:
    """R-NET-05 (TCP, UDP, HTTP, HTTPS, HTTP/2, websocket), R-NET-04 (TLS 1.3 only from level 3)."""
    region = load("dev", ROOT).region
    research = next(s for s in region.systems if s.name == "research")
    listeners = [Listener(protocol=p, port=1000 + i) for i, p in enumerate(ListenerProtocol)]
    public = research.model_copy(update={
        "front_door": FrontDoor(listeners=listeners), "data_level": 1,
        "protection": research.protection.model_copy(update={"tls_min": "1.2"}),
    })
    (lb,) = load_balancer_args(region, public)
    assert {x.layer for x in lb.listeners} == {4, 7}
    for listener in lb.listeners:
        assert bool(listener.tls_versions) == (listener.protocol in TLS_TERMINATED)
        if listener.tls_versions:
            assert listener.tls_versions == ("1.2", "1.3")
    core = public.model_copy(update={"data_level": 4})
    assert {x.tls_versions for x in load_balancer_args(region, core)[0].listeners} == {(), ("1.3",)}


def test_repeated_listeners_and_unknown_override_modes_are_input_errors() -> None:
    region = load("dev", ROOT).region
    his = next(s for s in region.systems if s.name == "his")
    https = Listener(protocol=ListenerProtocol.HTTPS, port=443)
    twice = his.model_copy(update={"front_door": FrontDoor(listeners=[https, https])})
    with pytest.raises(TrafficError, match="repeat"):
        load_balancer_args(region, twice)
    with pytest.raises(TrafficError, match="not one of auto, active, failover"):
        gslb_args(region, his, "sideways")
    assert gslb_args(region, his, "failover").mode == "failover" and set(ACCESS_MODES) == {"auto", "active", "failover"}


def test_alicloud_front_door_in_one_zone_is_a_clear_input_error() -> None:
    """R-NET-05: ALB/NLB need two zones; the program says so instead of failing at apply."""
    replica = ReplicaArgs("cd-dr", "alicloud", "cn-chengdu", "core-gold", "cn-chengdu-a", "gold", "remote_dr", False)
    args = LoadBalancerArgs("dev", "his", replica, "cn-chengdu-a.core-medical", ("cn-chengdu-a.core-medical",),
                            (), HealthArgs(1, 1, 2, 3, "/health"), True, {})
    traffic = AliCloudTraffic(cast(Any, None), cast(Any, None))
    with pytest.raises(FrontDoorZonesError, match="at least 2 zones") as info:
        traffic.load_balancer(cast(Any, None), "x", args, cast(Any, None), None)
    assert isinstance(info.value, InputError)


def test_gtm_probe_interval_is_the_providers_only_value() -> None:
    """R-BC-06 asks for 1 s; the provider accepts 60 s only — the policy pack reports the gap."""
    assert GTM_MONITOR_INTERVAL_S in ALICLOUD["gtm.interval"]
    assert GTM_MONITOR_INTERVAL_S > GSLB_PROBE_INTERVAL_MAX_S


def test_manual_override_switches_gtm_and_designate_to_the_failover_pools_r_bc_06() -> None:
    """R-BC-06 manual override: ``gslbMode-<system>: failover`` flips both GSLB sides."""
    region = load("dev", ROOT).region
    result = RunResult("medcloud", "t")
    # the secrets (sync key, SM certificates) and the operator's facts (Express Connect access
    # points) the program asks for
    config = {key: "placeholder-for-tests" for key in required_secrets(region)}
    plain = {key: "ap-placeholder-for-tests" for key in required_config(region)}
    run_with_monitor(
        RecordingMonitor(result),
        lambda: RegionComponent(region.name, region, lambda link: pulumi.Output.secret("psk-for-tests"),
                                certificate=lambda centre: pulumi.Output.secret("tls-ref-for-tests"),
                                mode=lambda system: "failover" if system == "his" else "auto"),
        project="medcloud", stack_name="t", config={**config, **plain}, secret_keys=list(config),
    )
    steps = list(result.registrations.values())
    modes = {s.inputs["strategyName"]: s.inputs["accessMode"] for s in steps
             if s.type == "alicloud:dns/accessStrategy:AccessStrategy"}
    assert modes["his"] == "FAILOVER" and modes["emr"] == "AUTO"
    records = [s.inputs for s in steps if s.type == "openstack:dns/recordSet:RecordSet"
               and s.inputs["name"].startswith("his.")]
    # HIS's only failover copy is Chengdu's ALB: a name, so the private record becomes a CNAME to it.
    assert records and all(r["type"] == "CNAME" and "mode failover: cd-dr/remote_dr" in r["description"]
                           for r in records)
