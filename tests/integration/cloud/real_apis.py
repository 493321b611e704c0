"""The contract test's mapping from a Pulumi OpenStack resource type to the real API request.

Not a provider: it makes, for each resource the program registers, the one
request (or the few) the terraform-provider-openstack makes for a create,
with the inputs the SDK gives, and hands the API's id and state back to the
program.  No retries, no waiting for a status, no defaults filled in — a
refusal is the API's answer, reported with the resource's URN, the request
(secrets masked) and the API's own message.  Each create returns what deletes
it, so a run can be undone in reverse order.

Requests go through openstacksdk's service proxies (keystoneauth sessions with
the service catalog of the plane's Keystone).
"""

from __future__ import annotations

import contextlib
import json
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

#: Input names whose values never appear in a message.
SECRET_KEYS = {"psk", "containerSyncKey", "password", "payload", "X-Container-Sync-Key"}


class ApiRefused(Exception):
    """An API refused the request the program's resource made."""

    def __init__(self, urn: str, request: str, status: int, answer: str) -> None:
        self.urn, self.request, self.status, self.answer = urn, request, status, answer
        super().__init__(f"{urn}\n  request: {request}\n  answer:  HTTP {status} {answer}")


def mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "[secret]" if k in SECRET_KEYS else mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value


@dataclass
class Api:
    """One resource's requests on one cloud (centre) and region."""

    conn: Any
    region: str
    urn: str
    #: Requests made so far, for the record (method, service, path, masked body).
    log: list[str] = field(default_factory=list)

    def __call__(self, service: str, method: str, path: str, body: Any = None, *,
                 headers: dict[str, str] | None = None, ok: tuple[int, ...] = ()) -> Any:
        proxy = getattr(self.conn, service)
        shown = f"{method} {service}:{path}" + (f" {json.dumps(mask(body), sort_keys=True)}" if body else "")
        if headers:
            shown += " " + json.dumps(mask(headers), sort_keys=True)
        self.log.append(shown)
        with quiet_sdk():
            response = proxy.request(path, method, json=body, headers=headers or {}, raise_exc=False)
        if response.status_code >= 400 and response.status_code not in ok:
            raise ApiRefused(self.urn, shown, response.status_code, _message(response.text))
        if not response.content:
            return {"_headers": dict(response.headers)}
        try:
            return response.json()
        except ValueError:
            return {"_text": response.text, "_headers": dict(response.headers)}


@contextlib.contextmanager
def quiet_sdk() -> Iterator[None]:
    """openstacksdk warns about its own deprecations (InfluxDB support, parameters it renames)."""
    from openstack import warnings as sdk_warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sdk_warnings._RemovedInSDKWarning)
        yield


def _message(text: str) -> str:
    """The API's own words: Neutron's NeutronError, Cinder's badRequest, Barbican's description…"""
    try:
        data = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:600]
    if isinstance(data, dict):
        for value in data.values():
            if isinstance(value, dict) and ("message" in value or "type" in value):
                return " ".join(f"{value.get('type', '')}: {value.get('message', '')}".split())
        if "description" in data:
            return f"{data.get('title', '')}: {data['description']}"
    return json.dumps(data)[:600]


Undo = Callable[[Api], None]


@dataclass
class Created:
    id: str
    #: Output properties in Pulumi's (camelCase) names, merged over the inputs.
    outputs: dict[str, Any]
    undo: Undo | None


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _tags(api: Api, collection: str, item: str, tags: list[str] | None) -> None:
    if tags:
        api("network", "PUT", f"/{collection}/{item}/tags", {"tags": tags})


def _delete(service: str, path: str, ok: tuple[int, ...] = (404,)) -> Undo:
    return lambda api: api(service, "DELETE", path, ok=ok)


# --- Neutron ---------------------------------------------------------------------------

def network(api: Api, p: dict[str, Any]) -> Created:
    net = api("network", "POST", "/networks", {"network": _drop_none({
        "name": p.get("name"), "admin_state_up": p.get("adminStateUp"), "description": p.get("description"),
        "port_security_enabled": p.get("portSecurityEnabled"), "shared": p.get("shared"),
        "availability_zone_hints": p.get("availabilityZoneHints"), "mtu": p.get("mtu"),
        "router:external": p.get("external"),
    })})["network"]
    _tags(api, "networks", net["id"], p.get("tags"))
    return Created(net["id"], {"allTags": p.get("tags", [])}, _delete("network", f"/networks/{net['id']}"))


def subnet(api: Api, p: dict[str, Any]) -> Created:
    sn = api("network", "POST", "/subnets", {"subnet": _drop_none({
        "name": p.get("name"), "network_id": p.get("networkId"), "cidr": p.get("cidr"),
        "ip_version": p.get("ipVersion"), "enable_dhcp": p.get("enableDhcp"), "gateway_ip": p.get("gatewayIp"),
        "description": p.get("description"), "dns_nameservers": p.get("dnsNameservers"),
        "allocation_pools": p.get("allocationPools"),
    })})["subnet"]
    _tags(api, "subnets", sn["id"], p.get("tags"))
    return Created(sn["id"], {"gatewayIp": sn["gateway_ip"], "allTags": p.get("tags", [])},
                   _delete("network", f"/subnets/{sn['id']}"))


def router(api: Api, p: dict[str, Any]) -> Created:
    gateway = None
    if p.get("externalNetworkId"):
        gateway = _drop_none({"network_id": p["externalNetworkId"], "enable_snat": p.get("enableSnat"),
                              "external_fixed_ips": p.get("externalFixedIps")})
    rt = api("network", "POST", "/routers", {"router": _drop_none({
        "name": p.get("name"), "admin_state_up": p.get("adminStateUp"), "description": p.get("description"),
        "availability_zone_hints": p.get("availabilityZoneHints"), "distributed": p.get("distributed"),
        "external_gateway_info": gateway,
    })})["router"]
    _tags(api, "routers", rt["id"], p.get("tags"))
    fixed = (rt.get("external_gateway_info") or {}).get("external_fixed_ips") or []
    return Created(rt["id"], {"externalNetworkId": p.get("externalNetworkId"), "externalFixedIps": fixed,
                              "allTags": p.get("tags", [])}, _delete("network", f"/routers/{rt['id']}"))


def router_interface(api: Api, p: dict[str, Any]) -> Created:
    body = _drop_none({"subnet_id": p.get("subnetId"), "port_id": p.get("portId")})
    answer = api("network", "PUT", f"/routers/{p['routerId']}/add_router_interface", body)
    return Created(answer["port_id"], {"portId": answer["port_id"]},
                   lambda a: a("network", "PUT", f"/routers/{p['routerId']}/remove_router_interface", body, ok=(404,)))


def router_route(api: Api, p: dict[str, Any]) -> Created:
    route = {"destination": p["destinationCidr"], "nexthop": p["nextHop"]}
    answer = api("network", "PUT", f"/routers/{p['routerId']}/add_extraroutes", {"router": {"routes": [route]}})
    del answer
    return Created(f"{p['routerId']}-route-{route['destination']}-{route['nexthop']}", {},
                   lambda a: a("network", "PUT", f"/routers/{p['routerId']}/remove_extraroutes",
                               {"router": {"routes": [route]}}, ok=(404,)))


def security_group(api: Api, p: dict[str, Any]) -> Created:
    sg = api("network", "POST", "/security-groups", {"security_group": _drop_none({
        "name": p.get("name"), "description": p.get("description"), "stateful": p.get("stateful"),
    })})["security_group"]
    if p.get("deleteDefaultRules"):
        for rule in sg.get("security_group_rules", []):
            api("network", "DELETE", f"/security-group-rules/{rule['id']}")
    _tags(api, "security-groups", sg["id"], p.get("tags"))
    return Created(sg["id"], {"allTags": p.get("tags", [])}, _delete("network", f"/security-groups/{sg['id']}"))


def security_group_rule(api: Api, p: dict[str, Any]) -> Created:
    rule = api("network", "POST", "/security-group-rules", {"security_group_rule": _drop_none({
        "direction": p.get("direction"), "ethertype": p.get("ethertype"), "protocol": p.get("protocol"),
        "port_range_min": p.get("portRangeMin"), "port_range_max": p.get("portRangeMax"),
        "remote_group_id": p.get("remoteGroupId"), "remote_ip_prefix": p.get("remoteIpPrefix"),
        "security_group_id": p.get("securityGroupId"), "description": p.get("description"),
    })})["security_group_rule"]
    return Created(rule["id"], {}, _delete("network", f"/security-group-rules/{rule['id']}"))


def _lifetime(p: dict[str, Any]) -> dict[str, Any] | None:
    lifetimes = p.get("lifetimes") or []
    return {"units": lifetimes[0].get("units"), "value": lifetimes[0].get("value")} if lifetimes else None


def ike_policy(api: Api, p: dict[str, Any]) -> Created:
    policy = api("network", "POST", "/vpn/ikepolicies", {"ikepolicy": _drop_none({
        "name": p.get("name"), "description": p.get("description"), "auth_algorithm": p.get("authAlgorithm"),
        "encryption_algorithm": p.get("encryptionAlgorithm"), "ike_version": p.get("ikeVersion"),
        "pfs": p.get("pfs"), "phase1_negotiation_mode": p.get("phase1NegotiationMode"), "lifetime": _lifetime(p),
    })})["ikepolicy"]
    return Created(policy["id"], {}, _delete("network", f"/vpn/ikepolicies/{policy['id']}"))


def ipsec_policy(api: Api, p: dict[str, Any]) -> Created:
    policy = api("network", "POST", "/vpn/ipsecpolicies", {"ipsecpolicy": _drop_none({
        "name": p.get("name"), "description": p.get("description"), "auth_algorithm": p.get("authAlgorithm"),
        "encryption_algorithm": p.get("encryptionAlgorithm"), "transform_protocol": p.get("transformProtocol"),
        "encapsulation_mode": p.get("encapsulationMode"), "pfs": p.get("pfs"), "lifetime": _lifetime(p),
    })})["ipsecpolicy"]
    return Created(policy["id"], {}, _delete("network", f"/vpn/ipsecpolicies/{policy['id']}"))


def vpn_service(api: Api, p: dict[str, Any]) -> Created:
    service = api("network", "POST", "/vpn/vpnservices", {"vpnservice": _drop_none({
        "name": p.get("name"), "description": p.get("description"), "router_id": p.get("routerId"),
        "subnet_id": p.get("subnetId"), "admin_state_up": p.get("adminStateUp"),
    })})["vpnservice"]
    return Created(service["id"], {"externalV4Ip": service.get("external_v4_ip"),
                                   "externalV6Ip": service.get("external_v6_ip"), "status": service.get("status")},
                   _delete("network", f"/vpn/vpnservices/{service['id']}"))


def endpoint_group(api: Api, p: dict[str, Any]) -> Created:
    group = api("network", "POST", "/vpn/endpoint-groups", {"endpoint_group": _drop_none({
        "name": p.get("name"), "description": p.get("description"), "type": p.get("type"),
        "endpoints": p.get("endpoints"),
    })})["endpoint_group"]
    return Created(group["id"], {}, _delete("network", f"/vpn/endpoint-groups/{group['id']}"))


def site_connection(api: Api, p: dict[str, Any]) -> Created:
    dpd = (p.get("dpds") or [None])[0]
    conn = api("network", "POST", "/vpn/ipsec-site-connections", {"ipsec_site_connection": _drop_none({
        "name": p.get("name"), "description": p.get("description"), "ikepolicy_id": p.get("ikepolicyId"),
        "ipsecpolicy_id": p.get("ipsecpolicyId"), "vpnservice_id": p.get("vpnserviceId"),
        "local_ep_group_id": p.get("localEpGroupId"), "peer_ep_group_id": p.get("peerEpGroupId"),
        "peer_address": p.get("peerAddress"), "peer_id": p.get("peerId"), "psk": p.get("psk"),
        "initiator": p.get("initiator"), "admin_state_up": p.get("adminStateUp"), "mtu": p.get("mtu"),
        "peer_cidrs": p.get("peerCidrs"), "local_id": p.get("localId"), "dpd": dpd,
    })})["ipsec_site_connection"]
    return Created(conn["id"], {}, _delete("network", f"/vpn/ipsec-site-connections/{conn['id']}"))


def port(api: Api, p: dict[str, Any]) -> Created:
    fixed = [_drop_none({"ip_address": f.get("ipAddress"), "subnet_id": f.get("subnetId")})
             for f in p.get("fixedIps") or []]
    made = api("network", "POST", "/ports", {"port": _drop_none({
        "name": p.get("name"), "network_id": p.get("networkId"), "admin_state_up": p.get("adminStateUp"),
        "description": p.get("description"), "fixed_ips": fixed or None, "device_owner": p.get("deviceOwner"),
        "port_security_enabled": p.get("portSecurityEnabled"), "mac_address": p.get("macAddress"),
        "security_groups": [] if p.get("noSecurityGroups") else p.get("securityGroupIds"),
    })})["port"]
    _tags(api, "ports", made["id"], p.get("tags"))
    return Created(made["id"], {"allFixedIps": [f["ip_address"] for f in made["fixed_ips"]],
                                "macAddress": made["mac_address"]}, _delete("network", f"/ports/{made['id']}"))


# --- Nova --------------------------------------------------------------------------------

#: The microversions the provider asks for: flavor descriptions need 2.55, server-group rules 2.64.
FLAVOR_VERSION = {"OpenStack-API-Version": "compute 2.55", "X-OpenStack-Nova-API-Version": "2.55"}
GROUP_VERSION = {"OpenStack-API-Version": "compute 2.64", "X-OpenStack-Nova-API-Version": "2.64"}


def flavor(api: Api, p: dict[str, Any]) -> Created:
    made = api("compute", "POST", "/flavors", {"flavor": _drop_none({
        "name": p.get("name"), "ram": p.get("ram"), "vcpus": p.get("vcpus"), "disk": p.get("disk"),
        "swap": p.get("swap"), "OS-FLV-EXT-DATA:ephemeral": p.get("ephemeral"), "rxtx_factor": p.get("rxTxFactor"),
        "os-flavor-access:is_public": p.get("isPublic"), "description": p.get("description"),
        "id": p.get("flavorId"),
    })}, headers=FLAVOR_VERSION)["flavor"]
    if p.get("extraSpecs"):
        api("compute", "POST", f"/flavors/{made['id']}/os-extra_specs", {"extra_specs": p["extraSpecs"]},
            headers=FLAVOR_VERSION)
    return Created(made["id"], {}, _delete("compute", f"/flavors/{made['id']}"))


def aggregate(api: Api, p: dict[str, Any]) -> Created:
    made = api("compute", "POST", "/os-aggregates", {"aggregate": _drop_none({
        "name": p.get("name"), "availability_zone": p.get("zone"),
    })})["aggregate"]
    path = f"/os-aggregates/{made['id']}"
    if p.get("metadata"):
        api("compute", "POST", f"{path}/action", {"set_metadata": {"metadata": p["metadata"]}})
    for host in p.get("hosts") or []:
        api("compute", "POST", f"{path}/action", {"add_host": {"host": host}})

    def undo(a: Api) -> None:
        for host in p.get("hosts") or []:
            a("compute", "POST", f"{path}/action", {"remove_host": {"host": host}}, ok=(404, 409))
        a("compute", "DELETE", path, ok=(404,))

    return Created(str(made["id"]), {}, undo)


def server_group(api: Api, p: dict[str, Any]) -> Created:
    policies = p.get("policies")
    rules = {"max_server_per_host": (p.get("rules") or {}).get("maxServerPerHost")}
    made = api("compute", "POST", "/os-server-groups", {"server_group": _drop_none({
        "name": p.get("name"), "policy": policies[0] if isinstance(policies, list) else policies,
        "rules": _drop_none(rules) or None,
    })}, headers=GROUP_VERSION)["server_group"]
    return Created(made["id"], {}, _delete("compute", f"/os-server-groups/{made['id']}"))


# --- Cinder ----------------------------------------------------------------------------

def volume_type(api: Api, p: dict[str, Any]) -> Created:
    vt = api("block_storage", "POST", "/types", {"volume_type": _drop_none({
        "name": p.get("name"), "description": p.get("description"),
        "os-volume-type-access:is_public": p.get("isPublic"), "extra_specs": p.get("extraSpecs"),
    })})["volume_type"]
    return Created(vt["id"], {}, _delete("block_storage", f"/types/{vt['id']}"))


def qos(api: Api, p: dict[str, Any]) -> Created:
    spec = api("block_storage", "POST", "/qos-specs", {"qos_specs": _drop_none({
        "name": p.get("name"), "consumer": p.get("consumer"), **(p.get("specs") or {}),
    })})["qos_specs"]
    return Created(spec["id"], {}, _delete("block_storage", f"/qos-specs/{spec['id']}"))


def qos_association(api: Api, p: dict[str, Any]) -> Created:
    path = f"/qos-specs/{p['qosId']}"
    api("block_storage", "GET", f"{path}/associate?vol_type_id={p['volumeTypeId']}")
    return Created(f"{p['qosId']}/{p['volumeTypeId']}", {},
                   lambda a: a("block_storage", "GET", f"{path}/disassociate?vol_type_id={p['volumeTypeId']}",
                               ok=(404,)))


def volume(api: Api, p: dict[str, Any]) -> Created:
    vol = api("block_storage", "POST", "/volumes", {"volume": _drop_none({
        "name": p.get("name"), "size": p.get("size"), "volume_type": p.get("volumeType"),
        "availability_zone": p.get("availabilityZone"), "metadata": p.get("metadata"),
        "description": p.get("description"),
    })})["volume"]

    def undo(a: Api) -> None:
        # No volume service runs: an unscheduled volume is removed by the API itself (force, as admin).
        a("block_storage", "POST", f"/volumes/{vol['id']}/action", {"os-force_delete": {}}, ok=(404,))

    return Created(vol["id"], {"status": vol.get("status")}, undo)


# --- Barbican ----------------------------------------------------------------------------

def order(api: Api, p: dict[str, Any]) -> Created:
    meta = p.get("meta") or {}
    answer = api("key_manager", "POST", "/orders", {"type": p.get("type"), "meta": _drop_none({
        "name": meta.get("name"), "algorithm": meta.get("algorithm"), "bit_length": meta.get("bitLength"),
        "mode": meta.get("mode"), "payload_content_type": meta.get("payloadContentType"),
        "expiration": meta.get("expiration"),
    })})
    ref = answer["order_ref"]
    order_id = ref.rsplit("/", 1)[-1]
    state = api("key_manager", "GET", f"/orders/{order_id}")

    def undo(a: Api) -> None:
        if state.get("secret_ref"):
            a("key_manager", "DELETE", f"/secrets/{state['secret_ref'].rsplit('/', 1)[-1]}", ok=(404,))
        a("key_manager", "DELETE", f"/orders/{order_id}", ok=(404,))

    if state.get("status") == "ERROR":
        raise ApiRefused(api.urn, api.log[0], 200, f"order ERROR {state.get('error_status_code')}: "
                                                   f"{state.get('error_reason')}")
    return Created(order_id, {"orderRef": ref, "secretRef": state.get("secret_ref"), "status": state.get("status")},
                   undo)


def secret(api: Api, p: dict[str, Any]) -> Created:
    answer = api("key_manager", "POST", "/secrets", _drop_none({
        "name": p.get("name"), "algorithm": p.get("algorithm"), "bit_length": p.get("bitLength"),
        "mode": p.get("mode"), "secret_type": p.get("secretType"), "payload": p.get("payload"),
        "payload_content_type": p.get("payloadContentType"),
        "payload_content_encoding": p.get("payloadContentEncoding"), "expiration": p.get("expiration"),
    }))
    ref = answer["secret_ref"]
    return Created(ref.rsplit("/", 1)[-1], {"secretRef": ref},
                   _delete("key_manager", f"/secrets/{ref.rsplit('/', 1)[-1]}"))


# --- Swift ---------------------------------------------------------------------------------

def container(api: Api, p: dict[str, Any]) -> Created:
    headers = {f"X-Container-Meta-{k}": str(v) for k, v in (p.get("metadata") or {}).items()}
    for key, header in (("storagePolicy", "X-Storage-Policy"), ("containerSyncTo", "X-Container-Sync-To"),
                        ("containerSyncKey", "X-Container-Sync-Key"), ("containerRead", "X-Container-Read"),
                        ("containerWrite", "X-Container-Write")):
        if p.get(key):
            headers[header] = str(p[key])
    if p.get("versioning"):
        headers["X-Versions-Enabled"] = "true"
    name = p["name"]
    api("object_store", "PUT", f"/{name}", headers=headers)
    return Created(name, {}, _delete("object_store", f"/{name}"))


#: Types the program registers that the local plane cannot carry through, with the reason.  They are
#: answered like AliCloud resources (mock ids), listed by name in every run's report, and never counted
#: as applied: the contract test says what it did not prove.  Anything neither here nor in CREATES fails.
NOT_SERVED: dict[str, str] = {
    **{f"openstack:loadbalancer/{kind}": "Octavia's API runs without an amphora provider or controller "
       "worker here: a load balancer never leaves PENDING_CREATE, so its listeners, pools and monitors "
       "cannot be created (409 immutable)"
       for kind in ("loadBalancer:LoadBalancer", "listener:Listener", "pool:Pool", "monitor:Monitor")},
    **{f"openstack:dns/{kind}": "Designate is not part of the local control plane (Debian's designate "
       "needs a DNS backend server to serve zones)"
       for kind in ("zone:Zone", "recordSet:RecordSet")},
}

#: Resource type → the create it makes.  A type the program registers that is not here
#: (nor in NOT_SERVED, with its reason) fails the test by name: add its request, do not skip it.
CREATES: dict[str, Callable[[Api, dict[str, Any]], Created]] = {
    "openstack:networking/network:Network": network,
    "openstack:networking/subnet:Subnet": subnet,
    "openstack:networking/router:Router": router,
    "openstack:networking/routerInterface:RouterInterface": router_interface,
    "openstack:networking/routerRoute:RouterRoute": router_route,
    "openstack:networking/secGroup:SecGroup": security_group,
    "openstack:networking/secGroupRule:SecGroupRule": security_group_rule,
    "openstack:networking/port:Port": port,
    "openstack:compute/flavor:Flavor": flavor,
    "openstack:compute/aggregateV2:AggregateV2": aggregate,
    "openstack:compute/serverGroup:ServerGroup": server_group,
    "openstack:vpnaas/ikePolicy:IkePolicy": ike_policy,
    "openstack:vpnaas/ipSecPolicy:IpSecPolicy": ipsec_policy,
    "openstack:vpnaas/service:Service": vpn_service,
    "openstack:vpnaas/endpointGroup:EndpointGroup": endpoint_group,
    "openstack:vpnaas/siteConnection:SiteConnection": site_connection,
    "openstack:blockstorage/volumeTypeV3:VolumeTypeV3": volume_type,
    "openstack:blockstorage/qosV3:QosV3": qos,
    "openstack:blockstorage/qosAssociationV3:QosAssociationV3": qos_association,
    "openstack:blockstorage/volume:Volume": volume,
    "openstack:keymanager/orderV1:OrderV1": order,
    "openstack:keymanager/secretV1:SecretV1": secret,
    "openstack:objectstorage/container:Container": container,
}


def get_network(api: Api, args: dict[str, Any]) -> dict[str, Any]:
    """Data source ``openstack.networking.get_network``: one network by name (or id)."""
    query = "&".join(f"{k}={args[key]}" for k, key in (("name", "name"), ("id", "networkId")) if args.get(key))
    if args.get("external") is not None:
        query += f"&router:external={str(args['external']).lower()}"
    found = api("network", "GET", f"/networks?{query}")["networks"]
    if len(found) != 1:
        raise ApiRefused(api.urn, api.log[-1], 404, f"{len(found)} networks match {args}")
    net = found[0]
    return {"id": net["id"], "name": net["name"], "external": net.get("router:external"),
            "subnets": net.get("subnets", []), "region": api.region}


def get_auth_scope(api: Api, args: dict[str, Any]) -> dict[str, Any]:
    """Data source ``openstack.identity.get_auth_scope``: what the provider's own token is scoped to."""
    with quiet_sdk():
        token = api.conn.auth_token
    scope = api("identity", "GET", "/auth/tokens", headers={"X-Subject-Token": token})["token"]
    project, user = scope.get("project") or {}, scope["user"]
    return {"id": args.get("name"), "name": args.get("name"), "region": api.region,
            "projectId": project.get("id"), "projectName": project.get("name"),
            "projectDomainId": (project.get("domain") or {}).get("id"),
            "projectDomainName": (project.get("domain") or {}).get("name"),
            "userId": user["id"], "userName": user["name"], "userDomainId": user["domain"]["id"],
            "userDomainName": user["domain"]["name"],
            "roles": [{"roleId": r["id"], "roleName": r["name"]} for r in scope.get("roles", [])]}


#: Invoke token → the lookup it makes.
INVOKES: dict[str, Callable[[Api, dict[str, Any]], dict[str, Any]]] = {
    "openstack:networking/getNetwork:getNetwork": get_network,
    "openstack:identity/getAuthScope:getAuthScope": get_auth_scope,
}


def provider_id() -> str:
    return str(uuid.uuid4())
