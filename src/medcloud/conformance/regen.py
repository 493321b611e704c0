"""Regenerate the provider rule data from provider source checkouts: ``python -m medcloud.conformance.regen``.

Run it when a provider SDK is upgraded::

    python -m medcloud.conformance.regen alicloud \\
        --terraform ~/src/terraform-provider-alicloud --terraform-ref v1.289.0 \\
        --bridge ~/src/pulumi-alicloud --bridge-ref HEAD

    python -m medcloud.conformance.regen openstack \\
        --terraform ~/src/terraform-provider-openstack --terraform-ref v3.4.0 \\
        --bridge ~/src/pulumi-openstack --bridge-ref v5.5.1 \\
        --module github.com/gophercloud/gophercloud/v2=~/src/gophercloud@v2.8.0

Each checkout may be a git directory (read at ``--*-ref`` with ``git show``) or
a plain tree (no ref).  The Terraform ref is the version the Pulumi provider's
``provider/go.mod`` requires; ``--module`` adds a Go module the provider's
validators take constants from (its version from the provider's ``go.mod``).
The result, ``src/medcloud/conformance/data/<provider>.json``, records every
source with its commit and every rule with its file and line, and holds the
installed SDK's input schema for the same resources.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from medcloud.conformance import sdk
from medcloud.conformance.extract import Package, Source, World, resource_schema, resources_map

#: The rule data ships inside the package (the source tree, not the editable link tree).
DATA_DIR = Path(__file__).resolve().parent / "data"

#: What to extract per provider: the Go module, where its ResourcesMap lives, and the resource types
#: the program uses or is expected to use (compute, load balancers, DNS/GSLB for issue 14).
PROVIDERS: dict[str, dict[str, Any]] = {
    "openstack": {
        "sdk": "pulumi_openstack", "distribution": "pulumi-openstack",
        "terraform_repository": "github.com/terraform-provider-openstack/terraform-provider-openstack",
        "go_module": "github.com/terraform-provider-openstack/terraform-provider-openstack/v3",
        "package_dir": "openstack", "provider_go": "openstack/provider.go",
        "bridge_repository": "github.com/pulumi/pulumi-openstack",
        "bridge_metadata": "provider/cmd/pulumi-resource-openstack/bridge-metadata.json",
        "resources": [
            "openstack:blockstorage/qosAssociationV3:QosAssociationV3", "openstack:blockstorage/qosV3:QosV3",
            "openstack:blockstorage/volume:Volume", "openstack:blockstorage/volumeTypeAccessV3:VolumeTypeAccessV3",
            "openstack:blockstorage/volumeTypeV3:VolumeTypeV3",
            "openstack:compute/aggregateV2:AggregateV2", "openstack:compute/flavor:Flavor",
            "openstack:compute/flavorAccess:FlavorAccess", "openstack:compute/instance:Instance",
            "openstack:compute/serverGroup:ServerGroup",
            "openstack:dns/recordSet:RecordSet", "openstack:dns/zone:Zone",
            "openstack:keymanager/containerV1:ContainerV1", "openstack:keymanager/orderV1:OrderV1",
            "openstack:keymanager/secretV1:SecretV1",
            "openstack:loadbalancer/listener:Listener", "openstack:loadbalancer/loadBalancer:LoadBalancer",
            "openstack:loadbalancer/member:Member", "openstack:loadbalancer/members:Members",
            "openstack:loadbalancer/monitor:Monitor", "openstack:loadbalancer/pool:Pool",
            "openstack:networking/floatingIp:FloatingIp", "openstack:networking/network:Network",
            "openstack:networking/port:Port", "openstack:networking/router:Router",
            "openstack:networking/routerInterface:RouterInterface", "openstack:networking/routerRoute:RouterRoute",
            "openstack:networking/secGroup:SecGroup", "openstack:networking/secGroupRule:SecGroupRule",
            "openstack:networking/subnet:Subnet", "openstack:networking/subnetRoute:SubnetRoute",
            "openstack:objectstorage/container:Container", "openstack:objectstorage/containerObject:ContainerObject",
            "openstack:vpnaas/endpointGroup:EndpointGroup", "openstack:vpnaas/ikePolicy:IkePolicy",
            "openstack:vpnaas/ipSecPolicy:IpSecPolicy", "openstack:vpnaas/service:Service",
            "openstack:vpnaas/siteConnection:SiteConnection",
        ],
    },
    "alicloud": {
        "sdk": "pulumi_alicloud", "distribution": "pulumi-alicloud",
        "terraform_repository": "github.com/aliyun/terraform-provider-alicloud",
        "go_module": "github.com/aliyun/terraform-provider-alicloud",
        "package_dir": "alicloud", "provider_go": "alicloud/provider.go",
        "bridge_repository": "github.com/pulumi/pulumi-alicloud",
        "bridge_metadata": "provider/cmd/pulumi-resource-alicloud/bridge-metadata.json",
        "resources": [
            "alicloud:alb/listener:Listener", "alicloud:alb/loadBalancer:LoadBalancer",
            "alicloud:alb/securityPolicy:SecurityPolicy", "alicloud:alb/serverGroup:ServerGroup",
            "alicloud:cas/certificate:Certificate", "alicloud:cas/serviceCertificate:ServiceCertificate",
            "alicloud:cen/bandwidthPackage:BandwidthPackage", "alicloud:cen/instance:Instance",
            "alicloud:cen/instanceAttachment:InstanceAttachment", "alicloud:cen/transitRouter:TransitRouter",
            "alicloud:cen/transitRouterVbrAttachment:TransitRouterVbrAttachment",
            "alicloud:cen/transitRouterVpcAttachment:TransitRouterVpcAttachment",
            "alicloud:dns/accessStrategy:AccessStrategy", "alicloud:dns/addressPool:AddressPool",
            "alicloud:dns/gtmInstance:GtmInstance", "alicloud:dns/monitorConfig:MonitorConfig",
            "alicloud:ecs/autoSnapshotPolicy:AutoSnapshotPolicy", "alicloud:ecs/dedicatedHost:DedicatedHost",
            "alicloud:ecs/ecsDedicatedHostCluster:EcsDedicatedHostCluster",
            "alicloud:ecs/ecsAutoSnapshotPolicyAttachment:EcsAutoSnapshotPolicyAttachment",
            "alicloud:ecs/ecsDeploymentSet:EcsDeploymentSet", "alicloud:ecs/ecsDisk:EcsDisk",
            "alicloud:ecs/instance:Instance", "alicloud:ecs/securityGroup:SecurityGroup",
            "alicloud:ecs/securityGroupRule:SecurityGroupRule",
            "alicloud:expressconnect/physicalConnection:PhysicalConnection",
            "alicloud:expressconnect/routerInterface:RouterInterface",
            "alicloud:expressconnect/vbrPconnAssociation:VbrPconnAssociation",
            "alicloud:expressconnect/virtualBorderRouter:VirtualBorderRouter",
            "alicloud:kms/instance:Instance", "alicloud:kms/key:Key",
            "alicloud:nlb/listener:Listener", "alicloud:nlb/loadBalancer:LoadBalancer",
            "alicloud:nlb/serverGroup:ServerGroup",
            "alicloud:oss/bucket:Bucket", "alicloud:oss/bucketReplication:BucketReplication",
            "alicloud:oss/bucketWorm:BucketWorm",
            "alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer", "alicloud:slb/listener:Listener",
            "alicloud:slb/serverGroup:ServerGroup",
            "alicloud:vpc/network:Network", "alicloud:vpc/routeEntry:RouteEntry",
            "alicloud:vpc/routeTable:RouteTable", "alicloud:vpc/routeTableAttachment:RouteTableAttachment",
            "alicloud:vpc/switch:Switch",
            "alicloud:vpn/connection:Connection", "alicloud:vpn/customerGateway:CustomerGateway",
            "alicloud:vpn/gateway:Gateway", "alicloud:vpn/routeEntry:RouteEntry",
        ],
    },
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _tf_name(wire: str, block: dict[str, Any], renames: dict[str, str]) -> str | None:
    """The Terraform attribute behind a Pulumi property: the bridge's rename, else its snake case."""
    for candidate in (renames.get(wire), _snake(wire)):
        if candidate and candidate in block:
            return candidate
    snake = _snake(wire)
    for singular in (snake[:-1], snake[:-2], re.sub("ies$", "y", snake)):
        if snake.endswith("s") and singular in block:
            return singular
    return None


def _paths(tf_paths: list[str], root: dict[str, Any], wire_of: dict[int, dict[str, str]]) -> list[str]:
    """``ike_config.0.psk`` → ``ikeConfig.psk`` (list indexes drop: a maxItems-1 block is one object)."""
    out = []
    for path in tf_paths:
        block: dict[str, Any] | None = root
        parts: list[str] = []
        for part in path.split("."):
            if part.isdigit():
                continue
            if block is None or part not in block:
                parts = []
                break
            parts.append(wire_of.get(id(block), {}).get(part, part))
            block = block[part].get("block")
        if parts:
            out.append(".".join(parts))
        else:
            out.append("!" + path)  # unresolved: kept visibly, never silently dropped
    return out


def _merge(sdk_props: dict[str, Any], block: dict[str, Any], renames: dict[str, str],
           wire_of: dict[int, dict[str, str]]) -> dict[str, Any]:
    mapping: dict[str, str] = {}
    out: dict[str, Any] = {}
    for wire, prop in sdk_props.items():
        entry: dict[str, Any] = {"type": prop["type"]}
        if prop.get("required"):
            entry["required"] = True
        tf = _tf_name(wire, block, renames)
        if tf is not None:
            mapping[tf] = wire
            attr = block[tf]
            entry["tf"] = tf
            entry["line"] = attr["line"]
            for key in ("max_items", "min_items", "validate", "conflicts_with", "required_with",
                        "exactly_one_of", "at_least_one_of", "sensitive"):
                if key in attr:
                    entry[key] = attr[key]
            if "elem" in attr and "validate" in attr["elem"]:
                entry["elem_validate"] = attr["elem"]["validate"]
        if "properties" in prop:
            nested = block.get(tf, {}).get("block", {}) if tf else {}
            entry["properties"] = _merge(prop["properties"], nested, {}, wire_of)
        out[wire] = entry
    wire_of[id(block)] = mapping
    return out


def _rewrite_paths(props: dict[str, Any], root: dict[str, Any], wire_of: dict[int, dict[str, str]]) -> None:
    for entry in props.values():
        for key in ("conflicts_with", "required_with", "exactly_one_of", "at_least_one_of"):
            if key in entry:
                entry[key] = _paths(entry[key], root, wire_of)
        if "properties" in entry:
            _rewrite_paths(entry["properties"], root, wire_of)


def generate(provider: str, terraform: Source, bridge: Source, modules: dict[str, Source]) -> dict[str, Any]:
    spec = PROVIDERS[provider]
    world = World(Package(terraform, spec["package_dir"], spec["go_module"]), modules)
    constructors = resources_map(terraform, spec["provider_go"])
    bridge_meta = json.loads(bridge.read(spec["bridge_metadata"]))
    renames = bridge_meta.get("renames", {})
    tf_of_token: dict[str, str] = renames.get("resources", {})
    resources: dict[str, Any] = {}
    for token in spec["resources"]:
        tf = tf_of_token.get(token)
        if tf is None:  # newer than the bridge metadata: the bridge's default naming
            _, middle, _ = token.split(":")
            mod, name = middle.split("/")
            tf = f"{provider}_{mod}_{_snake(name)}"
        if tf not in constructors:
            raise SystemExit(f"{token}: Terraform resource {tf} not in {spec['provider_go']}")
        path, tf_block = resource_schema(world, constructors[tf])
        sdk_props = sdk.resource_schema(spec["sdk"], token)
        wire_of: dict[int, dict[str, str]] = {}
        props = _merge(sdk_props, tf_block, renames.get("renamedProperties", {}).get(token, {}), wire_of)
        _rewrite_paths(props, tf_block, wire_of)
        resources[token] = {"tf": tf, "file": path, "properties": props}
    return {
        "provider": provider,
        "sdk": {"distribution": spec["distribution"], "version": metadata.version(spec["distribution"])},
        "terraform": {"repository": spec["terraform_repository"], "ref": terraform.ref or "working tree",
                      "commit": terraform.commit},
        "bridge": {"repository": spec["bridge_repository"], "path": spec["bridge_metadata"],
                   "ref": bridge.ref or "working tree", "commit": bridge.commit},
        "modules": {name: {"ref": src.ref or "working tree", "commit": src.commit} for name, src in modules.items()},
        "validators": "medcloud.conformance.extract.VALIDATORS",
        "resources": resources,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m medcloud.conformance.regen", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("provider", choices=sorted(PROVIDERS))
    parser.add_argument("--terraform", type=Path, required=True, help="Terraform provider checkout or git dir")
    parser.add_argument("--terraform-ref", help="tag or commit (git dir); omit for a plain tree")
    parser.add_argument("--bridge", type=Path, required=True, help="pulumi-<provider> checkout or git dir")
    parser.add_argument("--bridge-ref")
    parser.add_argument("--module", action="append", default=[], metavar="PATH=DIR[@REF]",
                        help="a Go module the validators import constants from")
    parser.add_argument("--out", type=Path, help="default: the package's data/<provider>.json")
    args = parser.parse_args(argv)
    modules: dict[str, Source] = {}
    for item in args.module:
        name, _, where = item.partition("=")
        directory, _, ref = where.partition("@")
        modules[name] = Source(Path(directory).expanduser(), ref or None)
    data = generate(args.provider, Source(args.terraform.expanduser(), args.terraform_ref),
                    Source(args.bridge.expanduser(), args.bridge_ref), modules)
    out = args.out or DATA_DIR / f"{args.provider}.json"
    from medcloud.yamlio import write_atomic

    write_atomic(out, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    counts = sum(1 for _ in _rules(data["resources"]))
    print(f"{out}: {len(data['resources'])} resources, {counts} rules", file=sys.stderr)
    return 0


def _rules(resources: dict[str, Any]) -> Any:
    def walk(props: dict[str, Any]) -> Any:
        for entry in props.values():
            for key in ("validate", "elem_validate", "conflicts_with", "required_with", "exactly_one_of",
                        "at_least_one_of", "required", "max_items", "min_items"):
                if key in entry:
                    yield key
            yield from walk(entry.get("properties", {}))
    for res in resources.values():
        yield from walk(res["properties"])


if __name__ == "__main__":
    raise SystemExit(main())
