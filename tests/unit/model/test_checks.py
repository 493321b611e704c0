"""Each model check has a violating and a compliant case; violations name their requirement ID.

The compliant case is the `dev` reference region; each violating case is one
targeted edit of it, so a test fails for exactly the reason it names.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from medcloud.checks import REGISTRY, run_checks
from medcloud.checks.findings import Severity
from medcloud.model import Region

Data = dict[str, Any]
DEV = Path(__file__).resolve().parents[3] / "stacks" / "regions" / "dev.yaml"


@pytest.fixture(scope="module")
def dev_data() -> Data:
    return yaml.safe_load(DEV.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def centre(data: Data, role: str) -> Data:
    return next(c for c in data["centres"] if c["role"] == role)


def system(data: Data, name: str) -> Data:
    return next(s for s in data["systems"] if s["name"] == name)


def link(data: Data, name: str) -> Data:
    return next(k for k in data["links"] if k["name"] == name)


def move_dr_to(lat: float, lon: float) -> Callable[[Data], None]:
    def edit(data: Data) -> None:
        centre(data, "remote_dr")["location"].update(lat=lat, lon=lon)

    return edit


def _drop_role(role: str) -> Callable[[Data], None]:
    def edit(data: Data) -> None:
        doomed = centre(data, role)["name"]
        data["centres"] = [c for c in data["centres"] if c["name"] != doomed]
        data["links"] = [k for k in data["links"] if doomed not in (k["a"], k["b"])]
        for s in data["systems"]:
            s["placements"] = [p for p in s["placements"] if p["centre"] != doomed]

    return edit


def _second_production(data: Data) -> None:
    centre(data, "same_city")["role"] = "production"


def _twin_far_away(data: Data) -> None:
    centre(data, "same_city")["location"].update(lat=25.0, lon=113.2)  # ~210 km north


def _slow_active_active(data: Data) -> None:
    link(data, "gz-fs-wdm-north")["rtt_ms"] = 3.1


def _lossy_active_active(data: Data) -> None:
    link(data, "gz-fs-wdm-south")["loss_pct"] = 0.05


def _dr_same_grid(data: Data) -> None:
    centre(data, "remote_dr")["location"]["power_grid"] = "csg-guangdong"


def _dr_shares_route(data: Data) -> None:
    link(data, "gz-cd-unicom")["route_id"] = "gz-fs-north"


def _dr_rtt_too_high(data: Data) -> None:
    link(data, "gz-cd-unicom")["rtt_ms"] = 42


def _thin_wdm(data: Data) -> None:
    link(data, "gz-fs-wdm-south")["bandwidth_gbps"] = 40


def _single_route_wdm(data: Data) -> None:
    link(data, "gz-fs-wdm-south")["route_id"] = "gz-fs-north"


def _one_carrier(data: Data) -> None:
    link(data, "gz-cd-unicom")["carrier"] = "China Telecom"


def _no_fec(data: Data) -> None:
    link(data, "gz-cd-telecom")["fec"] = False


def _slow_remote(data: Data) -> None:
    link(data, "gz-cd-telecom")["bandwidth_gbps"] = 2.5


def _small_dr(data: Data) -> None:
    centre(data, "remote_dr")["capacity"]["storage_tib"] = 300  # 75 % of production


def _his_on_shared_pool(data: Data) -> None:
    system(data, "his")["placements"][0]["pool"] = "research-bronze"


def _pacs_out_of_province(data: Data) -> None:
    # Imaging may not follow HIS into the Sichuan DR centre.
    system(data, "pacs")["placements"].append({"centre": "cd-dr", "pool": "core-gold"})


def _lonely_branch(data: Data) -> None:
    data["links"] = [k for k in data["links"] if k["name"] != "panyu-line-2"]


def _his_no_remote(data: Data) -> None:
    his = system(data, "his")
    his["placements"] = [p for p in his["placements"] if p["centre"] != "cd-dr"]


def _his_async_same_city(data: Data) -> None:
    system(data, "his")["replication"]["same_city"] = "async"


def _pacs_slow_rto(data: Data) -> None:
    system(data, "pacs")["rto_s"] = 400


def _his_rto_30(data: Data) -> None:
    system(data, "his")["rto_s"] = 30  # class A wants strictly below 30 s


def _remote_lag(data: Data) -> None:
    system(data, "his")["replication"]["remote_lag_s"] = 1200


def _object_lag(data: Data) -> None:
    system(data, "emr")["replication"]["object_lag_s"] = 90


def _no_noon_snapshot(data: Data) -> None:
    data["storage"]["snapshots"]["times"] = ["00:00", "06:00", "18:00"]


def _short_snapshots(data: Data) -> None:
    system(data, "his")["snapshots"] = {"times": ["00:00", "06:00", "12:00", "18:00"], "retention_days": 3}


def _emr_aes(data: Data) -> None:
    system(data, "emr")["protection"]["algorithm"] = "aes256"


def _emr_volume_only(data: Data) -> None:
    system(data, "emr")["protection"]["encryption"] = "volume"  # level 5 needs hardware


def _his_weekly_audit(data: Data) -> None:
    system(data, "his")["protection"]["audit"] = "weekly"


def _archive_10_years(data: Data) -> None:
    data["storage"]["archive"]["retention_years"] = 10


def _two_block_replicas(data: Data) -> None:
    data["storage"]["block"]["replicas"] = 2


def _ec_6_1(data: Data) -> None:
    data["storage"]["object"] = {"replicas": None, "ec_data": 6, "ec_parity": 1}


def _small_dr_nodes(data: Data) -> None:
    centre(data, "remote_dr")["azs"][0]["pools"][0]["clusters"] = [{"name": "kp-dr", "cpu_compat_level": "kunpeng-920",
        "nodes": [{"name": "cd-kp-01", "cpu_model": "Kunpeng 920", "physical_cores": 64, "memory_gib": 512,
                   "nvme_tib": 15.36}]}]


def _no_compat_level(data: Data) -> None:
    centre(data, "production")["azs"][0]["pools"][0]["clusters"][0]["cpu_compat_level"] = None


def _starved_node(data: Data) -> None:
    centre(data, "production")["azs"][0]["pools"][0]["clusters"][0]["nodes"][0]["memory_gib"] = 256


def _two_write_replicas(data: Data) -> None:
    system(data, "his")["replication"]["write_replicas"] = 2


def _primary_standby_db(data: Data) -> None:
    system(data, "emr")["replication"]["database"] = "primary_standby"


def _dr_active_active(data: Data) -> None:
    centre(data, "remote_dr")["dr"]["mode"] = "active_active"


def _low_availability(data: Data) -> None:
    data["storage"]["durability"]["availability_pct"] = 99.9


def _no_cold_tier(data: Data) -> None:
    data["storage"]["tiering"]["tiers"] = ["ssd"]


def _slow_alarm(data: Data) -> None:
    data["storage"]["integrity"]["alarm_s"] = 300


def _plain_backups(data: Data) -> None:
    data["storage"]["backups"]["encrypted"] = False


def _no_waf(data: Data) -> None:
    centre(data, "remote_dr")["security_devices"] = [
        d for d in centre(data, "remote_dr")["security_devices"] if d["kind"] != "waf"]


def _pacs_three_wide(data: Data) -> None:
    """R-CMP-02: three PACS VMs, one per host, on two-node imaging pools."""
    data["systems"][2]["compute"] = {"vcpus": 4, "memory_gib": 16, "instances": 3}


def _foshan_nodes_of_32_cores(data: Data) -> None:
    """R-CMP-01: no Foshan node holds a 64 vCPU VM any more."""
    for az in data["centres"][1]["azs"]:
        for pool in az["pools"]:
            for cluster in pool["clusters"]:
                for node in cluster["nodes"]:
                    node["physical_cores"] = 32


VIOLATIONS: list[tuple[str, Callable[[Data], None], str]] = [
    ("R-TOP-01", _drop_role("remote_dr"), "no remote_dr centre"),
    ("R-TOP-01", _drop_role("same_city"), "no same_city centre"),
    ("R-TOP-01", _second_production, "more than one production centre"),
    ("R-TOP-02", _twin_far_away, "km from production"),
    ("R-TOP-02", _slow_active_active, "RTT 3.1 ms"),
    ("R-TOP-02", _lossy_active_active, "loss 0.05 %"),
    ("R-TOP-03", move_dr_to(23.8, 114.6), "km from production"),
    ("R-TOP-03", _dr_same_grid, "power grid"),
    ("R-TOP-03", _dr_shares_route, "shares fibre route"),
    ("R-TOP-03", _dr_rtt_too_high, "outside 5–30 ms"),
    ("R-TOP-04", _thin_wdm, "carries 40 Gbps"),
    ("R-TOP-04", _single_route_wdm, "1 diverse-route WDM link"),
    ("R-TOP-05", _one_carrier, "1 carrier"),
    ("R-TOP-05", _no_fec, "FEC off"),
    ("R-TOP-05", _slow_remote, "carries 2.5 Gbps"),
    ("R-TOP-06", _small_dr, "storage TiB typed as 300"),
    ("R-TOP-06", _small_dr_nodes, "nodes provide 64 CPU cores"),
    ("R-HW-07", _no_compat_level, "sets no CPU compatibility level"),
    ("R-POOL-01", _starved_node, "strands cores"),
    ("R-CMP-01", _foshan_nodes_of_32_cores, "no pool of fs-aa"),
    ("R-CMP-02", _pacs_three_wide, "server group of 3 VMs needs as many hosts"),
    ("R-BC-05", _two_write_replicas, "2 synchronous write replicas"),
    ("R-BC-05", _primary_standby_db, "commits by primary_standby"),
    ("R-BC-08", _dr_active_active, "runs active_active"),
    ("R-DC-03", _low_availability, "availability 99.9 %"),
    ("R-ST-04", _no_cold_tier, "no cold tier"),
    ("R-ST-05", _slow_alarm, "alarm after 300 s"),
    ("R-BAK-01", _plain_backups, "not encrypted"),
    ("R-NET-06", _no_waf, "lists no waf"),
    ("R-TOP-08", _his_on_shared_pool, "shared pool"),
    ("R-TOP-09", _pacs_out_of_province, "imaging data"),
    ("R-TOP-10", _lonely_branch, "1 leased line"),
    ("R-BC-01", _his_no_remote, "no remote DR copy"),
    ("R-BC-01", _his_async_same_city, "synchronous same-city replication"),
    ("R-BC-01", _pacs_slow_rto, "RTO 400 s"),
    ("R-BC-01", _his_rto_30, "below 30 s"),
    ("R-BC-02", _remote_lag, "remote lag 1200 s"),
    ("R-BC-02", _object_lag, "object lag 90 s"),
    ("R-BC-03", _no_noon_snapshot, "no snapshot at 12:00"),
    ("R-BC-03", _short_snapshots, "kept 3 days"),
    ("R-DC-01", _emr_aes, "SM4"),
    ("R-DC-01", _emr_volume_only, "needs hardware"),
    ("R-DC-01", _his_weekly_audit, "audits weekly"),
    ("R-DC-02", _archive_10_years, "10 years"),
    ("R-ST-01", _two_block_replicas, "2 replicas"),
    ("R-ST-02", _ec_6_1, "EC 6+1"),
]


def region_after(dev_data: Data, edit: Callable[[Data], None]) -> Region:
    data = copy.deepcopy(dev_data)
    edit(data)
    return Region.model_validate(data)


@pytest.mark.parametrize(
    ("requirement", "edit", "expected"), VIOLATIONS, ids=[f"{r}-{e.__name__}" for r, e, _ in VIOLATIONS],
)
def test_violation_names_its_requirement(
    dev_data: Data, requirement: str, edit: Callable[[Data], None], expected: str
) -> None:
    report = run_checks(region_after(dev_data, edit))
    found = [f for f in report.violations if f.requirement == requirement]
    assert found, f"no {requirement} violation; got {[(f.requirement, f.message) for f in report.findings]}"
    assert any(expected in f.message for f in found), [f.message for f in found]
    assert not report.compliant


@pytest.mark.parametrize("requirement", sorted({c.requirement for c in REGISTRY}))
def test_dev_region_model_violates_nothing_of(dev_data: Data, requirement: str) -> None:
    """The model alone: no violation (what its resources say is medcloud.compliance's business)."""
    report = run_checks(Region.model_validate(dev_data))
    assert [f.message for f in report.violations if f.requirement == requirement] == []


@pytest.mark.parametrize(("ec_data", "ec_parity"), [(2, 2), (4, 2), (8, 3), (6, 3), (10, 4), (12, 2)])
def test_r_st_02_any_erasure_code_with_two_parity_qualifies(dev_data: Data, ec_data: int, ec_parity: int) -> None:
    """R-ST-02: the tender's 2+2, 4+2, 8+3 are examples; any k+m with m >= 2 qualifies."""

    def edit(data: Data) -> None:
        data["storage"]["object"] = {"replicas": None, "ec_data": ec_data, "ec_parity": ec_parity}

    assert run_checks(region_after(dev_data, edit)).for_requirement("R-ST-02") == []


def test_r_top_06_without_dr_nodes_is_declared_not_compliant(dev_data: Data) -> None:
    """R-TOP-06: dev's AliCloud DR centre lists no nodes: its typed capacity is only a declaration."""
    report = run_checks(Region.model_validate(dev_data))
    assert report.status("R-TOP-06") == "declared"
    [finding] = report.for_requirement("R-TOP-06")
    assert "cd-dr" in finding.message and report.path(finding) == "centres[2](cd-dr).capacity"


def test_every_registered_requirement_has_a_violating_case() -> None:
    assert {c.requirement for c in REGISTRY} <= {r for r, _, _ in VIOLATIONS}


def test_r_top_03_dr_moved_to_150_km_is_a_violation(dev_data: Data) -> None:
    """R-TOP-03: the scenario reviewers care about — DR pulled back to ~150 km."""
    # Shaoguan-ish: about 150 km north of Guangzhou.
    report = run_checks(region_after(dev_data, move_dr_to(24.48, 113.60)))
    messages = [f.message for f in report.violations if f.requirement == "R-TOP-03"]
    assert any("15" in m and "at least 300 km" in m for m in messages), messages


def test_r_top_05_high_utilisation_is_a_warning_not_a_violation(dev_data: Data) -> None:
    """R-TOP-05: above 70 % utilisation the tool asks to scale out, without failing the region."""

    def busy(data: Data) -> None:
        link(data, "gz-cd-telecom")["utilisation_pct"] = 82

    report = run_checks(region_after(dev_data, busy))
    warnings = [f for f in report.findings if f.requirement == "R-TOP-05"]
    assert [f.severity for f in warnings] == [Severity.WARNING]
    assert not report.violations


def test_waiver_covers_only_until_it_expires(dev_data: Data) -> None:
    """R-TOP-04 finding waived while the waiver runs, a violation once it has expired."""

    def waived(data: Data) -> None:
        _thin_wdm(data)
        data["waivers"] = [{
            "requirement": "R-TOP-04", "path": "links", "reason": "upgrade ordered, ticket 4711",
            "approved_by": "CIO", "expires": "2027-01-31",
        }]

    region = region_after(dev_data, waived)
    assert not run_checks(region, today=dt.date(2027, 1, 1)).violations
    expired = run_checks(region, today=dt.date(2027, 2, 1))
    assert {f.requirement for f in expired.violations} == {"R-TOP-04"}


def test_reference_build_002_is_expressible_and_compliant(root: Path) -> None:
    """R-TOP-10: seed 002 A.2 — four rooms, 2x10G fibre pairs, 4x10G local, branch pairs."""
    from medcloud.stacks import load

    loaded = load("ref002", root)
    region = loaded.region
    assert {c.role.value for c in region.centres} == {"production", "same_city", "backup", "remote_dr"}
    assert {az.name for az in region.centre("hospital-prod").azs} == {"core-a", "core-b"}  # type: ignore[union-attr]
    fibre_pairs = [k for k in region.links if k.kind.value == "dark_fibre" and k.members == 1]
    assert len(fibre_pairs) == 6 and all(k.bandwidth_gbps == 10 for k in fibre_pairs)
    assert len({k.route_id for k in fibre_pairs if k.purpose.value == "ip"}) == 4  # pairs over different ducts
    interconnects = [k for k in region.links if k.members == 4]
    assert [k.total_gbps for k in interconnects] == [40, 40]
    assert next(k for k in interconnects if k.local).a_az == "core-a"
    branch_lines = [k for k in region.links if k.kind.value == "leased_line" and k.bandwidth_gbps == 1]
    assert len(branch_lines) == 6
    report = run_checks(region)
    # R-TOP-06 from the nodes: Gui'an's one node is 30 % of production's cores and memory;
    # R-BC-05: LIS (class B) writes to the same-city room asynchronously; R-CMP-02: three one-node
    # pools (hospital PACS and LIS, Gui'an HIS) cannot hold a two-VM anti-affinity group.
    assert {f.requirement for f in report.violations} == {"R-TOP-06", "R-BC-05", "R-CMP-02"}
    # The 2x10G same-city fibre falls short of 013-2025's WDM figure: waived, not hidden.
    assert [f.requirement for f in report.findings if f.waived] == ["R-TOP-04"]


def test_r_top_01_missing_dr_centre_marks_dependent_checks_skipped_not_compliant(dev_data: Data) -> None:
    """R-TOP-01 violated: R-TOP-03/05/06 cannot measure anything and say so instead of passing."""

    def second_production(data: Data) -> None:
        centre(data, "remote_dr")["role"] = "production"

    report = run_checks(region_after(dev_data, second_production))
    assert report.status("R-TOP-01") == "violation"
    for requirement in ("R-TOP-02", "R-TOP-03", "R-TOP-04", "R-TOP-05", "R-TOP-06"):
        assert report.status(requirement) == "skipped", requirement
        [finding] = report.for_requirement(requirement)
        assert finding.severity == Severity.SKIPPED and "R-TOP-01" in finding.message
    assert report.to_json()["summary"]["skipped"] == 5
