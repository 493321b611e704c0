"""The full resource graph of both reference stacks, built by the real program under mocks."""

from __future__ import annotations

from collections import Counter
from ipaddress import IPv4Network

from medcloud.components.backends.openstack.storage import DECLARED_ENCRYPTION_SPEC
from medcloud.components.derive import (
    compute_args,
    encryption_required,
    inter_centre_links,
    link_args,
    load_balancer_args,
    replicas,
    replication_target,
    storage_args,
)
from medcloud.components.secrets import PRIVATE_CIRCUITS
from medcloud.components.segmentation import centre_rules

from medcloud.checks.compute import capacity_summary
from medcloud.ipam import overlaps, plan, subnet_keys
from medcloud.model import CentreRole, CipherSuite, Cloud, Region
from medcloud.model.standards import (
    ARCHIVE_RETENTION_MIN_DAYS,
    BUSINESS_CLASSES,
    SNAPSHOT_RETENTION_DAYS,
    SNAPSHOT_TIMES,
    BusinessClass,
    Need,
)

from .conftest import Graph

OS = "openstack:"
ALI = "alicloud:"


def expected_counts(region: Region) -> Counter[str]:
    """What the program must register for ``region``, counted from the model alone."""
    want: Counter[str] = Counter()
    addresses = plan(region)
    want["pulumi:pulumi:Stack"] = 1
    want["medcloud:region:Region"] = 1
    for centre in region.centres:
        for token in ("medcloud:centre:Centre", "medcloud:vpc:Vpc", "medcloud:storage:StoragePolicy",
                      "medcloud:compute:Compute"):
            want[token] += 1
        compute = compute_args(region, centre)
        subnets = len(subnet_keys(region, centre.name))
        rules = len(centre_rules(region, centre, addresses))
        pools = len(centre.pools)
        store = storage_args(region, centre)
        worm = int(store.archive_worm)
        if centre.cloud == Cloud.OPENSTACK:
            want["pulumi:providers:openstack"] += 1
            want[OS + "networking/network:Network"] += 1
            want[OS + "networking/router:Router"] += 1
            want[OS + "networking/subnet:Subnet"] += subnets
            want[OS + "networking/routerInterface:RouterInterface"] += subnets
            want[OS + "networking/secGroup:SecGroup"] += pools
            want[OS + "networking/secGroupRule:SecGroupRule"] += rules
            for token in ("volumeTypeV3:VolumeTypeV3", "qosV3:QosV3", "qosAssociationV3:QosAssociationV3"):
                want[OS + "blockstorage/" + token] += len(store.tiers)
            want[OS + "objectstorage/container:Container"] += 2 + worm
            # The IPsec appliance's inside address, reserved on the transit subnet.
            want[OS + "networking/port:Port"] += int(centre.openstack is not None
                                                    and centre.openstack.ipsec_appliance is not None)
            want[OS + "compute/aggregateV2:AggregateV2"] += len(centre.azs) + pools
            want[OS + "compute/flavor:Flavor"] += sum(len(p.flavors) for p in compute.pools)
        else:
            want["pulumi:providers:alicloud"] += 1
            want[ALI + "vpc/network:Network"] += 1
            want[ALI + "vpc/routeTable:RouteTable"] += 1
            # the transit subnet is two vSwitches in two zones (dual-tunnel VPN, KMS instance; issue 11)
            want[ALI + "vpc/switch:Switch"] += subnets + 1
            want[ALI + "vpc/routeTableAttachment:RouteTableAttachment"] += subnets + 1
            want[ALI + "ecs/securityGroup:SecurityGroup"] += pools
            want[ALI + "ecs/securityGroupRule:SecurityGroupRule"] += rules
            want[ALI + "ecs/autoSnapshotPolicy:AutoSnapshotPolicy"] += 1
            want[ALI + "kms/key:Key"] += int(store.encryption.required)
            want[ALI + "kms/instance:Instance"] += int(store.encryption.required)
            want[ALI + "oss/bucket:Bucket"] += 1 + worm
            want[ALI + "oss/bucketWorm:BucketWorm"] += worm
            dedicated = [p for p in compute.pools if p.labels.dedicated]
            want[ALI + "ecs/ecsDedicatedHostCluster:EcsDedicatedHostCluster"] += len(dedicated)
            want[ALI + "ecs/dedicatedHost:DedicatedHost"] += sum(p.host_count for p in dedicated)
            target = store.replicate_to
            want[ALI + "oss/bucketReplication:BucketReplication"] += int(
                target is not None and target.cloud == "alicloud"
            )
    cen_centres: set[str] = set()
    vbrs = 0
    for link in inter_centre_links(region):
        args = link_args(region, link, addresses)
        want["medcloud:drlink:DrLink"] += 1
        for side, peer in ((args.a, args.b), (args.b, args.a)):
            if side.cloud == "alicloud" and peer.cloud != "alicloud" and args.kind in PRIVATE_CIRCUITS:
                # Express Connect: the port, a VBR on it, the VBR and the VPC on the CEN (issue 11).
                want[ALI + "expressconnect/physicalConnection:PhysicalConnection"] += 1
                want[ALI + "expressconnect/virtualBorderRouter:VirtualBorderRouter"] += 1
                vbrs += 1
                cen_centres.add(side.centre)
            if args.ipsec and side.cloud == "openstack" and args.suite == "sm":
                # The SM-suite tunnel ends on the centre's appliance: a route to its inside address.
                want[OS + "networking/routerRoute:RouterRoute"] += 1
            elif args.ipsec and side.cloud == "openstack":
                for token in ("service:Service", "ikePolicy:IkePolicy", "ipSecPolicy:IpSecPolicy",
                              "siteConnection:SiteConnection"):
                    want[OS + "vpnaas/" + token] += 1
                want[OS + "vpnaas/endpointGroup:EndpointGroup"] += 2
            elif args.ipsec:
                for token in ("gateway:Gateway", "customerGateway:CustomerGateway", "connection:Connection",
                              "routeEntry:RouteEntry"):
                    want[ALI + "vpn/" + token] += 1
                # a national-standard gateway's SM certificate pair
                want[ALI + "cas/serviceCertificate:ServiceCertificate"] += int(args.suite == "sm")
            elif side.cloud == "openstack":
                want[OS + "networking/routerRoute:RouterRoute"] += 1
            else:
                cen_centres.add(side.centre)
    if cen_centres:
        want[ALI + "cen/instance:Instance"] = 1
        want[ALI + "cen/instanceAttachment:InstanceAttachment"] = len(cen_centres) + vbrs
    global_dns = any(c.cloud == Cloud.ALICLOUD for c in region.centres)
    zones: set[str] = set()
    for system in region.systems:
        want["medcloud:placement:SystemPlacement"] += 1
        want["medcloud:traffic:FrontDoor"] += 1
        want["medcloud:traffic:Gslb"] += 1
        for lb in load_balancer_args(region, system):
            layer7 = [x for x in lb.listeners if x.layer == 7]
            layer4 = [x for x in lb.listeners if x.layer == 4]
            if lb.replica.cloud == "openstack":
                zones.add(lb.replica.centre)
                want[OS + "dns/recordSet:RecordSet"] += 1
                want[OS + "loadbalancer/loadBalancer:LoadBalancer"] += 1
                for token in ("listener:Listener", "pool:Pool", "monitor:Monitor"):
                    want[OS + "loadbalancer/" + token] += len(lb.listeners)
            else:
                want[ALI + "alb/loadBalancer:LoadBalancer"] += int(bool(layer7))
                want[ALI + "alb/securityPolicy:SecurityPolicy"] += int(any(x.tls_versions for x in layer7))
                want[ALI + "nlb/loadBalancer:LoadBalancer"] += int(bool(layer4))
                for kind, listeners in (("alb", layer7), ("nlb", layer4)):
                    for token in ("serverGroup:ServerGroup", "listener:Listener"):
                        want[ALI + f"{kind}/{token}"] += len(listeners)
            if global_dns:
                want[ALI + "dns/addressPool:AddressPool"] += 1
                want[ALI + "dns/monitorConfig:MonitorConfig"] += 1
        want[ALI + "dns/accessStrategy:AccessStrategy"] += int(global_dns)
        for replica in replicas(region, system):
            want[OS + "compute/serverGroup:ServerGroup" if replica.cloud == "openstack"
                 else ALI + "ecs/ecsDeploymentSet:EcsDeploymentSet"] += 1
        if system.storage.block_gib == 0:
            continue
        for replica in replicas(region, system):
            if replica.cloud == "openstack":
                want[OS + "blockstorage/volume:Volume"] += 1
            else:
                want[ALI + "ecs/ecsDisk:EcsDisk"] += 1
                want[ALI + "ecs/ecsAutoSnapshotPolicyAttachment:EcsAutoSnapshotPolicyAttachment"] += 1
    want[OS + "dns/zone:Zone"] += len(zones)
    want[ALI + "dns/gtmInstance:GtmInstance"] += int(global_dns and bool(region.systems))
    return +want


def test_resource_counts_per_type_match_the_model(graph: Graph) -> None:
    assert graph.result.counts() == expected_counts(graph.region)


def test_dev_builds_both_clouds_and_every_component_kind(dev: Graph) -> None:
    counts = dev.result.counts()
    assert counts["medcloud:centre:Centre"] == 3
    assert counts["medcloud:drlink:DrLink"] == 4  # two WDM to fs-aa, two carriers to cd-dr
    assert counts["medcloud:placement:SystemPlacement"] == 4
    assert counts["pulumi:providers:openstack"] == 2 and counts["pulumi:providers:alicloud"] == 1
    assert counts[OS + "vpnaas/siteConnection:SiteConnection"] == 0  # SM suite: on gz-prod's appliance
    assert counts[OS + "networking/port:Port"] == 1  # gz-prod's appliance
    assert counts[ALI + "vpn/connection:Connection"] == 2


def test_every_resource_hangs_off_the_region_and_cloud_resources_off_a_centre_or_region(graph: Graph) -> None:
    for step in graph.steps:
        if step.type == "pulumi:pulumi:Stack":
            continue
        chain = graph.chain(step)
        types = [a.type for a in chain]
        assert types[-1] == "pulumi:pulumi:Stack", step.urn
        if step.type != "medcloud:region:Region":
            assert types[-2] == "medcloud:region:Region", step.urn
        if step.custom:
            assert {"medcloud:centre:Centre", "medcloud:region:Region"} & set(types), step.urn
            # A child of a component is named after it (f"{name}-…").
            assert step.name.startswith(graph.by_urn(step.parent).name + "-"), step.urn


def test_cloud_resources_use_their_centres_provider(graph: Graph) -> None:
    for step in graph.steps:
        centre = graph.centre_of(step)
        if not step.custom or step.type.startswith("pulumi:providers:") or centre is None:
            continue
        assert f"-{centre}-provider::" in step.provider, step.urn


def test_no_overlapping_cidrs_across_centres_and_clouds_r_net_01(graph: Graph) -> None:
    """R-NET-01."""
    subnets = [(s.urn, IPv4Network(s.inputs["cidr"])) for s in graph.of_type(OS + "networking/subnet:Subnet")]
    subnets += [(s.urn, IPv4Network(s.inputs["cidrBlock"])) for s in graph.of_type(ALI + "vpc/switch:Switch")]
    # AliCloud centres split the transit subnet over two zones (issue 11)
    assert len(subnets) == sum(len(subnet_keys(graph.region, c.name)) + int(c.cloud == Cloud.ALICLOUD)
                               for c in graph.region.centres)
    assert overlaps(subnets) == []
    vpcs = [(s.urn, IPv4Network(s.inputs["cidr"])) for s in graph.of_type("medcloud:vpc:Vpc")]
    assert overlaps(vpcs) == []
    for _, net in subnets + vpcs:
        assert net.subnet_of(graph.region.address_space)


def _volumes(graph: Graph) -> list[tuple[str, dict[str, str]]]:
    """(centre, labels) of every block volume, from the provider inputs."""
    out = []
    for step in graph.of_type(OS + "blockstorage/volume:Volume"):
        out.append((str(step.inputs["metadata"]["medcloud-pool"]), step.inputs["metadata"]))
    for step in graph.of_type(ALI + "ecs/ecsDisk:EcsDisk"):
        out.append((str(step.inputs["tags"]["medcloud-pool"]), step.inputs["tags"]))
    return out


def test_a_class_systems_have_same_city_and_remote_replicas_r_bc_01(graph: Graph) -> None:
    """R-BC-01."""
    placements = {s.inputs["system"]: s for s in graph.of_type("medcloud:placement:SystemPlacement")}
    a_class = [s for s in graph.region.systems if s.business_class == BusinessClass.A]
    assert a_class, "the reference stacks carry A-class systems"
    for system in graph.region.systems:
        spec = BUSINESS_CLASSES[system.business_class]
        roles = {r["role"] for r in placements[system.name].inputs["replicas"]}
        for role, need in ((CentreRole.SAME_CITY, spec.same_city), (CentreRole.REMOTE_DR, spec.remote_dr)):
            if need == Need.REQUIRED:
                assert role.value in roles, f"{system.name} lacks a {role.value} replica"
        if system.storage.block_gib:
            volume_roles = {
                labels["medcloud-replica-role"] for _, labels in _volumes(graph)
                if labels["medcloud-system"] == system.name
            }
            assert volume_roles == roles, system.name


def test_snapshot_schedule_00_06_12_18_kept_7_days_r_bc_03(graph: Graph) -> None:
    """R-BC-03."""
    hours = [str(int(t.split(":")[0])) for t in SNAPSHOT_TIMES]
    for policy in graph.inputs(ALI + "ecs/autoSnapshotPolicy:AutoSnapshotPolicy"):
        assert policy["timePoints"] == hours
        assert policy["retentionDays"] == SNAPSHOT_RETENTION_DAYS
        assert sorted(policy["repeatWeekdays"]) == [str(d) for d in range(1, 8)]
    for vt in graph.inputs(OS + "blockstorage/volumeTypeV3:VolumeTypeV3"):
        assert vt["extraSpecs"]["medcloud:snapshot_times"] == ",".join(SNAPSHOT_TIMES)
        assert vt["extraSpecs"]["medcloud:snapshot_retention_days"] == str(SNAPSHOT_RETENTION_DAYS)
    disks = graph.of_type(ALI + "ecs/ecsDisk:EcsDisk")
    attachments = graph.of_type(ALI + "ecs/ecsAutoSnapshotPolicyAttachment:EcsAutoSnapshotPolicyAttachment")
    assert {a.name for a in attachments} == {f"{d.name}-snapshots" for d in disks}


def test_sm4_encryption_where_the_data_level_requires_it_r_dc_01(graph: Graph) -> None:
    """R-DC-01."""
    needing = {
        r.centre for s in graph.region.systems if encryption_required(s) for r in replicas(graph.region, s)
    }
    assert needing, "the reference stacks hold level ≥ 3 data"
    keyed = {graph.centre_of(s) for s in graph.of_type(ALI + "kms/key:Key")}
    ali = {c.name for c in graph.region.centres if c.cloud == Cloud.ALICLOUD}
    assert keyed == needing & ali
    for key in graph.inputs(ALI + "kms/key:Key"):
        assert (key["keySpec"], key["protectionLevel"]) == ("Aliyun_SM4", "HSM")
    # No Barbican order pretends to be the volumes' key: Cinder takes per-volume keys from its
    # encryption type, which no provider resource creates; OpenStack SM4 at rest is declared.
    assert graph.of_type(OS + "keymanager/orderV1:OrderV1") == []
    for step in graph.of_type(ALI + "oss/bucket:Bucket"):
        rule = step.inputs["serverSideEncryptionRule"]
        if graph.centre_of(step) in needing:
            assert (rule["sseAlgorithm"], rule["kmsDataEncryption"]) == ("KMS", "SM4")
        else:
            assert rule["sseAlgorithm"] == "SM4"
    encrypted_systems = {s.name for s in graph.region.systems if encryption_required(s)}
    for disk in graph.inputs(ALI + "ecs/ecsDisk:EcsDisk"):
        wanted = disk["tags"]["medcloud-system"] in encrypted_systems
        assert disk["encrypted"] is wanted
        if wanted:
            assert disk["encryptAlgorithm"] == "SM4"
    for step in graph.of_type(OS + "blockstorage/volumeTypeV3:VolumeTypeV3"):
        declared = step.inputs["extraSpecs"][DECLARED_ENCRYPTION_SPEC]
        assert declared == ("sm4" if graph.centre_of(step) in needing else "none")
        assert not step.inputs["name"].endswith("-sm4"), "a name must not claim what nothing enforces"


def test_block_redundancy_and_qos_r_st_01(graph: Graph) -> None:
    """R-ST-01."""
    profile = graph.region.storage.block
    for vt in graph.inputs(OS + "blockstorage/volumeTypeV3:VolumeTypeV3"):
        assert vt["extraSpecs"]["medcloud:replicas"] == str(profile.replicas)
        assert vt["extraSpecs"]["volume_backend_name"].endswith(f"-r{profile.replicas}")
    for qos in graph.inputs(OS + "blockstorage/qosV3:QosV3"):
        assert qos["specs"]["total_iops_sec"] == str(profile.qos_iops)


def test_worm_archives_kept_30_years_r_dc_02(graph: Graph) -> None:
    """R-DC-02."""
    for worm in graph.inputs(ALI + "oss/bucketWorm:BucketWorm"):
        assert worm["status"] == "Locked"
        assert worm["retentionPeriodInDays"] >= ARCHIVE_RETENTION_MIN_DAYS
    archives = [c for c in graph.inputs(OS + "objectstorage/container:Container")
                if c["metadata"].get("medcloud-worm") == "true"]
    assert len(archives) == sum(1 for c in graph.region.centres if c.cloud == Cloud.OPENSTACK)
    for archive in archives:
        assert int(archive["metadata"]["medcloud-retention-days"]) >= ARCHIVE_RETENTION_MIN_DAYS


def test_objects_replicate_to_the_remote_dr_centre_r_bc_02(graph: Graph) -> None:
    """R-BC-02."""
    for centre in graph.region.centres:
        target = replication_target(graph.region, centre)
        if centre.role in (CentreRole.PRODUCTION, CentreRole.SAME_CITY):
            assert target is not None and target.centre == graph.region.centres_with(CentreRole.REMOTE_DR)[0].name
        else:
            assert target is None
    for container in graph.inputs(OS + "objectstorage/container:Container"):
        if container["name"].endswith("-objects") and "medcloud-replicate-to" in container["metadata"]:
            target_centre = graph.region.centre(container["metadata"]["medcloud-replicate-to"])
            assert target_centre is not None and target_centre.role == CentreRole.REMOTE_DR
            if target_centre.cloud == Cloud.OPENSTACK:
                assert container["containerSyncTo"].endswith(f"{target_centre.name}-objects")
                assert container["containerSyncKey"] == "[secret]"
    for rep in graph.inputs(ALI + "oss/bucketReplication:BucketReplication"):
        assert rep["rtc"]["enabled"] is True


def test_security_groups_never_open_any_to_any_between_domains_r_net_02(graph: Graph) -> None:
    """R-NET-02."""
    domain_of = {}
    for centre in graph.region.centres:
        for pool in centre.pools:
            domain_of[(centre.name, pool.name)] = pool.security_domain
    rules = graph.of_type(OS + "networking/secGroupRule:SecGroupRule")
    rules += graph.of_type(ALI + "ecs/securityGroupRule:SecurityGroupRule")
    assert rules
    for rule in rules:
        source = rule.inputs.get("remoteIpPrefix", rule.inputs.get("cidrIp"))
        assert source not in ("0.0.0.0/0", "::/0"), rule.urn
        everything = "protocol" not in rule.inputs or rule.inputs.get("ipProtocol") == "all"
        # An all-protocol rule is only ever within a pool, within a domain, or from a peer
        # centre's subnet of the same domain: its reason says which.
        if everything:
            assert rule.inputs["description"].startswith(("within the pool", "same security domain")) or (
                "replication with" in rule.inputs["description"]
            ), rule.urn
    for centre in graph.region.centres:
        for rule in centre_rules(graph.region, centre, plan(graph.region)):
            if rule.protocol == "any" and rule.remote_pool is not None:
                assert domain_of[(centre.name, rule.pool)] == domain_of[(centre.name, rule.remote_pool)]


def test_pool_labels_reach_the_resources_r_top_07(graph: Graph) -> None:
    """R-TOP-07."""
    for step in graph.of_type(ALI + "ecs/securityGroup:SecurityGroup"):
        tags = step.inputs["tags"]
        for key in ("medcloud-tier", "medcloud-security-domain", "medcloud-dr-domain", "medcloud-cost-tag",
                    "medcloud-xinchuang"):
            assert tags[key], (step.urn, key)
    for step in graph.of_type(OS + "networking/secGroup:SecGroup"):
        keys = {tag.split("=", 1)[0] for tag in step.inputs["tags"]}
        assert {"medcloud-tier", "medcloud-security-domain", "medcloud-dr-domain", "medcloud-cost-tag",
                "medcloud-xinchuang"} <= keys


def test_encrypted_links_are_sm_suite_ipsec_r_net_04(graph: Graph) -> None:
    """R-NET-04."""
    for link in inter_centre_links(graph.region):
        if link.encryption is None or link.encryption.protocol != "ipsec":
            continue
        children = [s for s in graph.steps if s.parent.endswith(f"::{graph.region.name}-{link.name}")]
        assert children, link.name
        types = {step.type for step in children}
        if link.suite == CipherSuite.SM:
            # Neutron VPNaaS has no SM algorithms: nothing there may claim the tunnel.
            assert not {t for t in types if t.startswith(OS + "vpnaas/")}, link.name
        for step in children:
            if step.type == ALI + "vpn/gateway:Gateway":
                assert step.inputs["vpnType"] == "NationalStandard"
            if step.type == ALI + "vpn/connection:Connection":
                # one IKE/IPsec block, or one per tunnel on a dual-tunnel gateway
                tunnels = step.inputs.get("tunnelOptionsSpecifications") or [
                    {"tunnelIkeConfig": step.inputs["ikeConfig"], "tunnelIpsecConfig": step.inputs["ipsecConfig"]}]
                for tunnel in tunnels:
                    assert tunnel["tunnelIkeConfig"]["ikeEncAlg"] == "sm4"
                    assert tunnel["tunnelIpsecConfig"]["ipsecEncAlg"] == "sm4"
                    assert tunnel["tunnelIkeConfig"]["psk"] == "[secret]"
            if step.type == OS + "vpnaas/siteConnection:SiteConnection":
                assert step.inputs["psk"] == "[secret]"


def test_link_facts_are_the_drlink_inputs(graph: Graph) -> None:
    links = {s.inputs["link"]: s.inputs for s in graph.of_type("medcloud:drlink:DrLink")}
    for link in inter_centre_links(graph.region):
        facts = links[link.name]
        assert (facts["carrier"], facts["route_id"]) == (link.carrier, link.route_id)
        assert facts["bandwidth_gbps"] == link.bandwidth_gbps and facts["rtt_ms"] == link.rtt_ms


def test_region_inputs_carry_the_validated_model(graph: Graph) -> None:
    (region,) = graph.of_type("medcloud:region:Region")
    assert Region.model_validate(region.inputs["model"]) == graph.region
    assert region.inputs["addressPlan"]["space"] == str(graph.region.address_space)


def test_stack_outputs(graph: Graph) -> None:
    """R-NET-01: the stack publishes the CIDR plan reviewers check for overlaps; R-POOL-01: capacity per centre."""
    (stack,) = graph.of_type("pulumi:pulumi:Stack")
    outputs = graph.result.run.outputs[stack.urn]
    assert set(outputs) == {"vpcIds", "cidrPlan", "drLinkEndpoints", "capacity"}
    assert outputs["capacity"] == capacity_summary(graph.region)
    assert set(outputs["vpcIds"]) == {c.name for c in graph.region.centres}
    assert outputs["cidrPlan"] == plan(graph.region).to_json()
    assert set(outputs["drLinkEndpoints"]) == {k.name for k in inter_centre_links(graph.region)}
