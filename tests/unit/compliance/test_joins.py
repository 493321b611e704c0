"""Compliance on deployed resources: for each requirement joined to resources, the declaration is
compliant but the resource is not, and the finding names both the model path and the resource URN.

The resources are the dev stack's offline preview (the real program under the mock engine), edited
the way a change to the program or a hand-edited real preview would edit them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from medcloud.checks import ComplianceReport
from medcloud.checks.findings import Finding, Severity
from medcloud.compliance import Resource, evaluate
from medcloud.compliance.engine import preview_resources
from medcloud.preview import preview
from medcloud.stacks import load

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def dev() -> tuple[Any, list[Resource]]:
    loaded = load("dev", ROOT)
    return loaded, preview_resources(preview("dev", ROOT).to_json([]))


def named(resources: list[Resource], suffix: str) -> Resource:
    [found] = [r for r in resources if r.name == suffix]
    return found


def edited(resources: list[Resource], name: str, **props: Any) -> list[Resource]:
    """The resources with ``name``'s properties updated (a changed program or preview)."""
    return [dataclasses.replace(r, props={**r.props, **props}) if r.name == name else r for r in resources]


def report_of(dev: tuple[Any, list[Resource]], resources: list[Resource] | None) -> ComplianceReport:
    loaded, _ = dev
    return evaluate(loaded.region, resources, base_dir=loaded.ref.region_file.parent)


def errors(report: ComplianceReport, requirement: str, urn: str) -> list[Finding]:
    return [f for f in report.violations if f.requirement == requirement and f.resource == urn]


def test_r_top_05_vpn_gateway_of_1000_mbps_is_a_violation_of_the_10_gbps_link(dev: Any) -> None:
    """R-TOP-05: the region file says 10 Gbps (the model check passes); the AliCloud VPN gateway carries 1000 Mbps."""
    _, resources = dev
    report = report_of(dev, resources)
    gateway = named(resources, "dev-gz-cd-telecom-cd-dr-vpn")
    [finding] = errors(report, "R-TOP-05", gateway.urn)
    assert report.path(finding) == "links[2](gz-cd-telecom).bandwidth_gbps"
    assert "1 Gbps" in finding.message and "≥ 10 Gbps" in finding.message
    fixed = report_of(dev, edited(resources, gateway.name, bandwidth=10240))
    assert errors(fixed, "R-TOP-05", gateway.urn) == []
    assert any(f.severity == Severity.VERIFIED and f.resource == gateway.urn for f in fixed.findings)


def test_r_top_04_same_city_circuit_below_100_gbps(dev: Any) -> None:
    """R-TOP-04: the WDM link is declared 200 Gbps; a circuit resource under its DrLink carries 10 Gbps."""
    _, resources = dev
    link = named(resources, "dev-gz-fs-wdm-north")
    circuit = Resource(f"{link.urn}$alicloud:expressconnect/physicalConnection:PhysicalConnection::pc-north",
                       "alicloud:expressconnect/physicalConnection:PhysicalConnection", {"bandwidth": "10000"},
                       link.urn)
    report = report_of(dev, [*resources, circuit])
    [finding] = errors(report, "R-TOP-04", circuit.urn)
    assert report.path(finding) == "links[0](gz-fs-wdm-north).bandwidth_gbps"
    # Without a circuit resource the OpenStack route carries no capacity: declared, never compliant.
    plain = report_of(dev, resources)
    assert plain.status("R-TOP-04") == "declared"


def test_r_net_04_connection_negotiating_aes_on_an_sm_link(dev: Any) -> None:
    """R-NET-04: the link declares the SM suite; the VPN connection's IKE config says AES."""
    _, resources = dev
    conn = named(resources, "dev-gz-cd-unicom-cd-dr-conn")
    # Chengdu's gateways are dual-tunnel: the IKE options sit on each tunnel (issue 11).
    tunnels = [dict(t) for t in conn.props["tunnelOptionsSpecifications"]]
    tunnels[0]["tunnelIkeConfig"] = {**tunnels[0]["tunnelIkeConfig"], "ikeEncAlg": "aes256"}
    report = report_of(dev, edited(resources, conn.name, tunnelOptionsSpecifications=tunnels))
    [finding] = errors(report, "R-NET-04", conn.urn)
    assert report.path(finding) == "links[3](gz-cd-unicom).encryption" and "aes256" in finding.message


@pytest.mark.parametrize("requirement", ["R-DC-01", "R-SEC-02", "R-BAK-01"])
def test_unencrypted_disk_of_a_level_5_system(dev: Any, requirement: str) -> None:
    """R-DC-01 / R-SEC-02 / R-BAK-01: EMR declares SM4; its DR disk is not encrypted (nor its snapshots)."""
    _, resources = dev
    disk = named(resources, "dev-emr-cd-dr-core-gold")
    report = report_of(dev, edited(resources, disk.name, encrypted=False))
    [finding] = errors(report, requirement, disk.urn)
    assert report.path(finding).startswith("systems[1](emr).")
    assert errors(report_of(dev, resources), requirement, disk.urn) == []


def test_r_dc_01_openstack_volume_encryption_is_a_marker_so_declared(dev: Any) -> None:
    """R-DC-01: the Cinder volume type's ``medcloud:encryption`` extra spec binds nothing: declared, with the URN."""
    _, resources = dev
    report = report_of(dev, resources)
    marked = [f for f in report.for_requirement("R-DC-01") if f.severity == Severity.DECLARED and f.resource
              and "openstack:blockstorage/volume:Volume" in f.resource]
    assert marked and all("medcloud:encryption=sm4" in f.message for f in marked)
    assert report.status("R-DC-01") == "declared"


def test_r_dc_02_unlocked_or_short_worm(dev: Any) -> None:
    """R-DC-02: the model archives 30 years on WORM; the bucket lock is InProgress, then 10 years."""
    _, resources = dev
    worm = named(resources, "dev-cd-dr-storage-archive-worm")
    for change in ({"status": "InProgress"}, {"retentionPeriodInDays": 3650}):
        report = report_of(dev, edited(resources, worm.name, **change))
        [finding] = errors(report, "R-DC-02", worm.urn)
        assert report.path(finding) == "storage.archive.worm"
    # Swift has no object lock: the OpenStack archive containers are declared (metadata marker).
    assert report_of(dev, resources).status("R-DC-02") == "declared"


def test_r_bc_03_schedule_attached_to_the_disk_misses_noon(dev: Any) -> None:
    """R-BC-03: the model's schedule is 00/06/12/18; the policy attached to the disk runs at 0, 6, 18."""
    _, resources = dev
    policy = next(r for r in resources if r.type == "alicloud:ecs/autoSnapshotPolicy:AutoSnapshotPolicy")
    disk = named(resources, "dev-his-cd-dr-core-gold")
    assert errors(report_of(dev, resources), "R-BC-03", disk.urn) == []
    report = report_of(dev, edited(resources, policy.name, timePoints=["0", "6", "18"]))
    [finding] = errors(report, "R-BC-03", disk.urn)
    assert report.path(finding) == "storage.snapshots" and "12:00" in finding.message


def test_r_bc_01_nothing_replicates_class_a_data(dev: Any) -> None:
    """R-BC-01: HIS declares sync same-city and async remote replication; no resource replicates its volumes."""
    _, resources = dev
    report = report_of(dev, resources)
    found = [f for f in report.violations if f.requirement == "R-BC-01"]
    assert any(report.path(f) == "systems[0](his).replication.same_city" and "block data gz-prod → fs-aa"
               in f.message for f in found)
    assert any(report.path(f) == "systems[0](his).replication.remote" for f in found)


def test_r_bc_01_async_container_sync_cannot_give_class_a_rpo_0(dev: Any) -> None:
    """R-BC-01: a Swift container sync gz-prod → fs-aa exists, but it is asynchronous; class A needs RPO 0."""
    _, resources = dev
    source = named(resources, "dev-gz-prod-storage-objects")
    target = named(resources, "dev-fs-aa-storage-objects")
    synced = edited(resources, source.name, containerSyncTo=f"//medcloud/fs-aa/AUTH_dev/{target.props['name']}",
                    containerSyncKey="[secret]")
    report = report_of(dev, synced)
    found = errors(report, "R-BC-01", source.urn)
    assert found and report.path(found[0]) == "systems[0](his).replication.same_city"
    assert "RPO 0" in found[0].message


def test_r_bc_02_oss_rtc_bounds_lag_at_10_minutes_not_1(dev: Any) -> None:
    """R-BC-02: EMR declares a 45 s object lag; the OSS replication's RTC bounds it at 600 s."""
    _, resources = dev
    source = named(resources, "dev-gz-prod-storage-objects")
    target = named(resources, "dev-cd-dr-storage-objects")
    rep = Resource(f"{source.urn}-replication", "alicloud:oss/bucketReplication:BucketReplication",
                   {"bucket": source.props["name"], "destination": {"bucket": target.props["bucket"]},
                    "rtc": {"enabled": True}}, source.parent)
    report = report_of(dev, [*resources, rep])
    found = errors(report, "R-BC-02", rep.urn)
    assert any(report.path(f) == "systems[1](emr).replication.object_lag_s" and "600 s" in f.message for f in found)


def test_r_st_03_auto_snapshots_released_with_the_disk(dev: Any) -> None:
    """R-ST-03: snapshots must outlive their volume; ``deleteAutoSnapshot`` releases them with it."""
    _, resources = dev
    disk = named(resources, "dev-his-cd-dr-core-gold")
    report = report_of(dev, edited(resources, disk.name, deleteAutoSnapshot=True))
    [finding] = errors(report, "R-ST-03", disk.urn)
    assert report.path(finding) == "systems[0](his).storage.block_gib"


def test_r_st_04_bucket_without_lifecycle_and_with_it(dev: Any) -> None:
    """R-ST-04: the region declares tiering after 180 days; the OSS bucket has no lifecycle transition."""
    _, resources = dev
    bucket = named(resources, "dev-cd-dr-storage-objects")
    [finding] = errors(report_of(dev, resources), "R-ST-04", bucket.urn)
    assert "no lifecycle transition" in finding.message
    tiered = edited(resources, bucket.name, lifecycleRules=[
        {"enabled": True, "transitions": [{"days": 180, "storageClass": "Archive"}]}])
    assert errors(report_of(dev, tiered), "R-ST-04", bucket.urn) == []


def test_model_only_never_compliant_for_joined_requirements(dev: Any) -> None:
    """Without resources every joined requirement is declared (or a violation), never compliant."""
    from medcloud.compliance import TABLES

    report = report_of(dev, None)
    for table in TABLES:
        assert report.status(table.requirement) in ("declared", "violation"), table.requirement


def test_reference_stacks_are_not_compliant_where_resources_fall_short(dev: Any) -> None:
    """The honest state of dev: 1000 Mbps gateways (R-TOP-05), no block replication (R-BC-01)."""
    report = report_of(dev, dev[1])
    assert report.status("R-TOP-05") == "violation"
    assert report.status("R-BC-01") == "violation"
    # AliCloud's end negotiates SM3/SM4 (verified); the OpenStack end is the firewall appliance: declared.
    assert report.status("R-NET-04") == "declared"
    ends = {f.message.split(" at ")[1].split(" ")[0]: f.severity for f in report.for_requirement("R-NET-04")
            if "gz-cd-telecom" in f.message}
    assert ends == {"gz-prod": Severity.DECLARED, "cd-dr": Severity.VERIFIED}


def _edit_evidence(loaded: Any, tmp_path: Path, text: bytes) -> ComplianceReport:
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "dev-security-devices.txt").write_bytes(text)
    return evaluate(loaded.region, None, base_dir=tmp_path)


def test_evidence_is_cited_and_its_digest_checked(dev: Any, tmp_path: Path) -> None:
    """R-NET-06: gz-prod's declared devices cite the inventory; an altered inventory is a violation."""
    loaded, _ = dev
    report = report_of(dev, None)
    cited = [f for f in report.for_requirement("R-NET-06") if f.evidence]
    assert cited and "SM3 checked" in cited[0].evidence[-1] and report.status("R-NET-06") == "declared"
    original = (loaded.ref.region_file.parent / "evidence" / "dev-security-devices.txt").read_bytes()
    tampered = _edit_evidence(loaded, tmp_path, original + b"one more line\n")
    [finding] = [f for f in tampered.violations if f.requirement == "R-NET-06"]
    assert tampered.path(finding) == "evidence[0].sm3" and "altered" in finding.message


CONFLICTS: list[tuple[str, str, Callable[[str], bool]]] = [
    ("C1", "R-BC-01", lambda m: "applied 30 s" in m),
    ("C2", "R-BC-02", lambda m: "003-2022" in m),
    ("C3", "R-TOP-09", lambda m: "not a 013 remote-DR copy" in m and "'pacs'" in m),
    ("C4", "R-HW-01", lambda m: "hygon" in m),
]


@pytest.mark.parametrize(("conflict", "requirement", "says"), CONFLICTS, ids=[c[0] for c in CONFLICTS])
def test_conflicts_say_which_figure_applied(dev: Any, conflict: str, requirement: str,
                                            says: Callable[[str], bool]) -> None:
    report = report_of(dev, None)
    notes = [f for f in report.findings if f.conflict == conflict]
    assert notes and all(f.requirement == requirement for f in notes)
    assert any(says(f.message) for f in notes), [f.message for f in notes]


def test_r_bc_01_block_replica_pair_rpo_above_the_class_rpo(dev: Any) -> None:
    """R-BC-01: a class-B copy needs RPO ≤ 60 s; an EBS replica pair with RPO 900 s does not give it."""
    loaded, _ = dev
    data = loaded.region.model_dump(mode="json")
    # Put PACS (class B) and its same-city twin on AliCloud zones for the pair to join.
    for centre in data["centres"]:
        if centre["name"] in ("gz-prod", "fs-aa"):
            centre["cloud"] = "alicloud"
            centre["azs"][0]["name"] = f"cn-{centre['name']}-a"
    region = type(loaded.region).model_validate({**data, "links": [], "branches": []})
    pair = Resource("urn:pulumi:dev::medcloud::alicloud:ebs/diskReplicaPair:DiskReplicaPair::pacs-pair",
                    "alicloud:ebs/diskReplicaPair:DiskReplicaPair",
                    {"sourceZoneId": "cn-gz-prod-a", "destinationZoneId": "cn-fs-aa-a", "rpo": 900})
    report = evaluate(region, [pair])
    found = [f for f in report.violations if f.requirement == "R-BC-01" and f.resource == pair.urn]
    assert any(report.path(f) == "systems[2](pacs).replication.same_city" and "900 s" in f.message for f in found)
