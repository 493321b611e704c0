"""Verification engine with the fake transports: pass, fail, error (timeout, auth), skipped,
cabling mismatch and interruption (R-HW-01…06)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest
from medcloud.hardware.inventory import Inventory, load_inventory
from medcloud.hardware.specs import Catalogue, load_catalogue
from medcloud.hardware.transports.base import CommandResult, SNMPCapture, SNMPTarget, Timeouts, Transports
from medcloud.hardware.transports.fake import FakeSNMP, Hang, fake_transports
from medcloud.hardware.verify import Report, Status, Verification
from medcloud.hardware.verify.engine import Limits

from medcloud.errors import DeviceAuthError, SecretError

from .captures import bmc, h3c_e528, server_ssh
from .conftest import inventory_yaml

CABLE_OK = "    cabling:\n      - {port: GigabitEthernet1/0/24, remote_device: ph-node-01, remote_port: enp1s0f0}\n"


def setup(tmp_path: Path, key: str, profiles: Path, cabling: str = "") -> tuple[Inventory, Catalogue]:
    path = tmp_path / "inv.yaml"
    path.write_text(inventory_yaml(key, cabling=cabling))
    catalogue = load_catalogue([profiles])
    return load_inventory(path, catalogue.names()), catalogue


def healthy() -> Transports:
    return fake_transports(ssh={"127.0.0.11": server_ssh()}, ipmi={"127.0.1.11": bmc()},
                           snmp={"127.0.2.1": h3c_e528()})


def run(inventory: Inventory, catalogue: Catalogue, transports: Transports, timeout: float = 5.0) -> Report:
    verification = Verification(inventory, catalogue, transports, inventory_name="inv.yaml",
                                limits=Limits(concurrency=4, device_timeout=timeout))
    return asyncio.run(verification.run())


def checks(report: Report, device: str) -> dict[str, tuple[Status, str]]:
    [result] = [d for d in report.devices if d.name == device]
    return {c.check: (c.status, c.reason) for c in result.checks}


def test_everything_passes(tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    inventory, catalogue = setup(tmp_path, secret_key, profiles_dir)
    report = run(inventory, catalogue, healthy())
    server = checks(report, "ph-node-01")
    failing = {k: v for k, v in server.items() if v[0] in (Status.FAIL, Status.ERROR)}
    assert failing == {}
    assert server["cpu.family"][0] is Status.PASS
    assert server["memory.ecc"][0] is Status.PASS
    assert server["power.psus"][0] is Status.PASS
    # Inapplicable or unmeasurable checks are skipped with a reason, never passed.
    assert server["nic.storage_bandwidth"] == (Status.SKIPPED, "not a storage node (roles: compute)")
    assert server["power.mtbf"][0] is Status.SKIPPED and "declaration" in server["power.mtbf"][1]
    switch = checks(report, "leaf-01")
    assert switch["switch.vendor"][0] is Status.PASS
    assert switch["switch.os_version"][0] is Status.PASS
    assert switch["switch.cabling"] == (Status.SKIPPED, "the inventory lists no expected cabling for this switch")
    assert switch["switch.psus"] == (Status.SKIPPED, "the profile requires no PSU redundancy on this switch")
    assert report.complete and report.passed


def test_failures_carry_requirement_and_reason(tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    inventory, catalogue = setup(tmp_path, secret_key, profiles_dir)
    ssh = server_ssh(
        **{"os-release": CommandResult((Path(__file__).parents[2] / "fixtures/hardware/os/build-host-os-release.txt")
                                       .read_text()),
           "dmidecode": CommandResult((Path(__file__).parents[2] / "fixtures/hardware/dmi/desktop-psu-no-ecc.txt")
                                      .read_text())})
    transports = fake_transports(ssh={"127.0.0.11": ssh}, ipmi={"127.0.1.11": bmc(psu2_absent=True)},
                                 snmp={"127.0.2.1": h3c_e528()})
    report = run(inventory, catalogue, transports)
    server = checks(report, "ph-node-01")
    assert server["os.id"][0] is Status.FAIL
    assert server["memory.ecc"] == (Status.FAIL, "memory arrays report no error correction")
    assert server["power.psus"] == (
        Status.FAIL, "healthy power supply units below the minimum (failed or absent units do not count)")
    by_id = {c.check: c for d in report.devices for c in d.checks}
    assert by_id["os.id"].requirement == "R-HW-04"
    assert by_id["memory.ecc"].requirement == "R-HW-02"
    assert by_id["power.psus"].requirement == "R-HW-03"
    assert not report.passed


def test_timeout_and_auth_errors_do_not_stop_other_devices(
        tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    inventory, catalogue = setup(tmp_path, secret_key, profiles_dir)
    transports = fake_transports(
        ssh={"127.0.0.11": Hang()},  # a dead SSH daemon
        ipmi={"127.0.1.11": DeviceAuthError("127.0.1.11: RAKP rejected the user name or password")},
        snmp={"127.0.2.1": h3c_e528()},
    )
    report = run(inventory, catalogue, transports, timeout=0.2)
    server = checks(report, "ph-node-01")
    assert server["cpu.family"] == (Status.ERROR, "SSH: no answer within 0.2 s (device dead or too slow)")
    assert server["power.psus"][0] is Status.ERROR
    assert "authentication refused" in server["power.psus"][1]
    assert checks(report, "leaf-01")["switch.vendor"][0] is Status.PASS
    assert report.complete and not report.passed
    # One finding per device and protocol, not one per check the protocol kept from running.
    [device] = [d for d in report.devices if d.name == "ph-node-01"]
    assert [(f.check, f.status) for f in device.findings] == [
        ("ssh.reachable", Status.ERROR), ("bmc.reachable", Status.ERROR)]
    assert device.findings[1].reason.startswith("IPMI: authentication refused: ")
    assert device.findings[1].requirement == "R-HW-03"
    assert {c.cause for c in device.checks if c.check.startswith("cpu.")} == {"ssh.reachable"}
    assert report.outcome == "unverified"


def test_parse_error_is_an_error_not_a_pass(tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    inventory, catalogue = setup(tmp_path, secret_key, profiles_dir)
    ssh = server_ssh(**{"nvme-id-ctrl": CommandResult("", "nvme: command not found", 127),
                        "nvme-list": CommandResult("", "nvme: command not found", 127)})
    transports = fake_transports(ssh={"127.0.0.11": ssh}, ipmi={"127.0.1.11": bmc()},
                                 snmp={"127.0.2.1": h3c_e528()})
    server = checks(run(inventory, catalogue, transports), "ph-node-01")
    assert server["nvme.count"] == (
        Status.ERROR, "neither nvme-cli nor smartctl gave output (not installed, or no NVMe drive)")


def test_cabling_pass_and_mismatch(tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    # The recording shows WRD-Huiju-2 GigabitEthernet1/0/33 on GigabitEthernet1/0/24.
    inventory, catalogue = setup(tmp_path, secret_key, profiles_dir, cabling=CABLE_OK)
    switch = checks(run(inventory, catalogue, healthy()), "leaf-01")
    [(status, reason)] = [v for k, v in switch.items() if k.startswith("switch.cabling[")]
    assert status is Status.FAIL
    assert reason == ("GigabitEthernet1/0/24 is cabled to WRD-Huiju-2 GigabitEthernet1/0/33, "
                      "not to ph-node-01 enp1s0f0, which this switch sees on no port")


def test_cabling_matches_lldp(tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    extra = ("  - name: wrd-huiju-2\n    profile: test-phytium\n"
             "    location: {centre: prod-hz, room: r101, rack: a03}\n"
             "    ssh: {address: 127.0.0.12, credential: ssh-accept}\n"
             "    bmc: {address: 127.0.1.12, credential: bmc-admin}\n")
    cabling = ("    cabling:\n      - {port: GigabitEthernet1/0/24, remote_device: wrd-huiju-2,"
               " remote_port: GigabitEthernet1/0/33}\n      - {port: GigabitEthernet1/0/1, remote_device: ph-node-01,"
               " remote_port: enp1s0f0}\n")
    path = tmp_path / "inv.yaml"
    path.write_text(inventory_yaml(secret_key, extra_server=extra, cabling=cabling))
    catalogue = load_catalogue([profiles_dir])
    inventory = load_inventory(path, catalogue.names())
    switch = checks(run(inventory, catalogue, healthy()), "leaf-01")
    assert switch["switch.cabling[GigabitEthernet1/0/24]"][0] is Status.PASS
    assert switch["switch.cabling[GigabitEthernet1/0/1]"] == (
        Status.FAIL, "nothing is seen on GigabitEthernet1/0/1, and ph-node-01 enp1s0f0 on no port of this switch: "
                     "cable missing, or the peer does not run LLDP")


def test_profile_without_socket_count_skips_that_check(tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    profile = profiles_dir / "test-phytium.yaml"
    profile.write_text(profile.read_text().replace(", sockets: 1", ""))
    inventory, catalogue = setup(tmp_path, secret_key, profiles_dir)
    server = checks(run(inventory, catalogue, healthy()), "ph-node-01")
    assert server["cpu.sockets"] == (Status.SKIPPED, "the profile fixes no socket count")


def test_secrets_are_opened_up_front_and_never_leak(
        tmp_path: Path, secret_key: str, profiles_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inventory, catalogue = setup(tmp_path, secret_key, profiles_dir)
    # A careless transport that echoes the password in its error.
    transports = fake_transports(ssh={"127.0.0.11": server_ssh()},
                                 ipmi={"127.0.1.11": DeviceAuthError("login admin/s3cret-bmc refused")},
                                 snmp={"127.0.2.1": h3c_e528()})
    report = run(inventory, catalogue, transports)
    text = str(report.to_json())
    assert "s3cret-bmc" not in text
    assert "login admin/******** refused" in text
    from medcloud.secrets import new_key_hex

    monkeypatch.setenv("MEDCLOUD_SECRET_KEY", new_key_hex())
    with pytest.raises(SecretError, match=r"credentials\.bmc-admin\.password: sealed with key"):
        Verification(inventory, catalogue, transports, inventory_name="inv.yaml")


def test_interrupted_run_keeps_finished_devices(tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    inventory, catalogue = setup(tmp_path, secret_key, profiles_dir)
    transports = fake_transports(ssh={"127.0.0.11": Hang()}, ipmi={"127.0.1.11": bmc()},
                                 snmp={"127.0.2.1": h3c_e528()})
    done: list[str] = []
    verification = Verification(inventory, catalogue, transports, inventory_name="inv.yaml",
                                limits=Limits(device_timeout=60), on_done=lambda r: done.append(r.name))

    async def interrupt() -> Report:
        task = asyncio.create_task(verification.run())
        for _ in range(200):  # bounded: the switch finishes within a few loop turns
            if done:
                break
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return verification.report(complete=False)

    report = asyncio.run(interrupt())
    assert done == ["leaf-01"]
    assert not report.complete and not report.passed
    assert [d.name for d in report.devices] == ["leaf-01"]
    assert report.not_run == ["ph-node-01"]


def test_concurrency_is_bounded(tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    inventory, catalogue = setup(tmp_path, secret_key, profiles_dir)
    active = 0
    peak = 0

    class Counting(FakeSNMP):
        async def walk(self, target: SNMPTarget, roots: Sequence[str], timeouts: Timeouts) -> SNMPCapture:
            nonlocal active, peak
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.02)
            active -= 1
            return await super().walk(target, roots, timeouts)

    many = inventory.model_copy(update={"switches": tuple(
        inventory.switches[0].model_copy(update={"name": f"leaf-{i:02d}"}) for i in range(10))})
    base = healthy()
    transports = Transports(base.ssh, base.ipmi, Counting({"127.0.2.1": h3c_e528()}))
    verification = Verification(many, catalogue, transports, inventory_name="inv.yaml",
                                limits=Limits(concurrency=3, device_timeout=5))
    report = asyncio.run(verification.run())
    assert len(report.devices) == 11
    assert 1 < peak <= 3


def test_a_device_with_only_skipped_checks_does_not_pass() -> None:
    from medcloud.hardware.verify.results import CheckResult, DeviceResult

    device = DeviceResult("x", "server", "p", "c", "r", "k", None,
                          [CheckResult("a", "R-HW-03", "t", Status.SKIPPED, reason="why")])
    report = Report("inv", "t0", "t1", complete=True, devices=[device])
    assert device.status is Status.SKIPPED
    assert not report.passed
    assert not Report("inv", "t0", "t1", complete=True, devices=[]).passed


def test_a_device_whose_checks_pass_is_pass_despite_skips_and_lists_follow_ups() -> None:
    from medcloud.hardware.verify.results import CheckResult, DeviceResult, FollowUp

    follow_up = FollowUp("supplier", "hand over the MTBF datasheet")
    device = DeviceResult("x", "server", "p", "c", "r", "k", None, [
        CheckResult("a", "R-HW-02", "t", Status.PASS),
        CheckResult("power.mtbf", "R-HW-03", "MTBF", Status.SKIPPED, reason="declared", follow_up=follow_up),
        CheckResult("b", "R-HW-02", "t", Status.SKIPPED, reason="the profile asks for nothing here")])
    report = Report("inv", "t0", "t1", complete=True, devices=[device])
    assert device.status is Status.PASS
    assert report.passed and report.outcome == "accepted"
    assert report.counts()["manual_follow_ups"] == 1
    [entry] = report.to_json()["manual_follow_ups"]
    assert entry == {"device": "x", "check": "power.mtbf", "requirement": "R-HW-03", "title": "MTBF",
                     "reason": "declared", "who": "supplier", "what": "hand over the MTBF datasheet"}


def test_a_failed_spec_outranks_an_unreachable_protocol() -> None:
    from medcloud.hardware.verify.results import CheckResult, DeviceResult

    device = DeviceResult("x", "server", "p", "c", "r", "k", None, [
        CheckResult("cpu.physical_cores", "R-HW-02", "t", Status.FAIL),
        CheckResult("bmc.reachable", "R-HW-03", "t", Status.ERROR)])
    assert device.status is Status.FAIL
    assert Report("inv", "t0", "t1", complete=True, devices=[device]).outcome == "failed"


def test_cabling_against_ruijie_lldp_with_abbreviated_port_names(fixtures: Path) -> None:
    from medcloud.hardware.facts.switch import parse_switch
    from medcloud.hardware.inventory import Switch
    from medcloud.hardware.transports import snmprec
    from medcloud.hardware.verify.switch import cabling

    facts = parse_switch(snmprec.load(fixtures / "snmp/ruijie-n18010.snmprec"))
    core = Switch.model_validate({
        "name": "core-01", "profile": "ruijie-rgos", "vendor": "ruijie", "model": "N18010",
        "location": {"centre": "prod-hz", "room": "r101", "rack": "c01"},
        "management": {"address": "10.0.2.1", "credential": "snmp-ro"},
        "cabling": [
            # The recording shows S5750E.20114795S Gi0/47 on Gi2/1/14, S5750.20112169@X Gi0/48 on Gi2/1/6.
            {"port": "GigabitEthernet 2/1/14", "remote_device": "s5750e", "remote_port": "GigabitEthernet0/47"},
            {"port": "Gi2/1/6", "remote_device": "s5750", "remote_port": "Gi0/47"},
        ],
    })
    (first, second, unplanned), _ = cabling(facts, core)
    assert first.status is Status.PASS and first.requirement == "R-HW-06"
    assert second.status is Status.FAIL
    assert second.actual == "S5750.20112169@X Gi0/48"
    # 149 neighbours are on ports the plan does not list; one of them answers as "s5750e Gi0/47"
    # too (host names compare without what follows the first dot), so it counts as that cable's
    # neighbour, not as unplanned.  None is a device of this inventory.
    assert unplanned.status is Status.SKIPPED and unplanned.follow_up is not None
    assert unplanned.reason == "148 neighbour(s) the plan does not know"


def test_miscabled_port_says_where_the_expected_neighbour_is(fixtures: Path) -> None:
    """R-HW-06: not "cable missing" but where the cable went, and what is on ports nobody planned."""
    from medcloud.hardware.facts.switch import parse_switch
    from medcloud.hardware.inventory import Switch
    from medcloud.hardware.transports import snmprec
    from medcloud.hardware.verify.switch import cabling

    facts = parse_switch(snmprec.load(fixtures / "snmp/ruijie-n18010.snmprec"))
    core = Switch.model_validate({
        "name": "core-01", "profile": "ruijie-rgos", "vendor": "ruijie", "model": "N18010",
        "location": {"centre": "prod-hz", "room": "r101", "rack": "c01"},
        "management": {"address": "10.0.2.1", "credential": "snmp-ro"},
        # s5750e Gi0/47 is on Gi2/1/14 in the recording; the plan says Gi2/1/6.
        "cabling": [{"port": "Gi2/1/6", "remote_device": "s5750e", "remote_port": "Gi0/47"}],
    })
    [cable, unplanned], ports = cabling(facts, core, devices=frozenset({"core-01", "s5750e", "s2928-24p"}))
    assert cable.status is Status.FAIL
    # Two S5750E switches answer as "s5750e Gi0/47" (names compare up to the first dot): both are named.
    assert cable.reason == ("Gi2/1/6 sees S5750.20112169@X Gi0/48; "
                            "s5750e Gi0/47 is seen on Gi2/1/14, Gi2/1/30 instead")
    # A device of the inventory (S2928-24P.130027 on Gi1/5/4) on a port the plan does not list.
    assert unplanned.status is Status.FAIL
    assert "Gi1/5/4 → S2928-24P.130027 Gi0/28" in unplanned.reason
    assert "Gi2/1/14" not in unplanned.reason  # the misplaced cable is reported once, on its port
    # The cabling view the report draws: the planned port with what it sees and where its neighbour
    # went, then a row per port the plan does not list (ours there fail, the rest await a person).
    planned, *others = ports
    assert (planned.port, planned.status, planned.expected) == ("Gi2/1/6", Status.FAIL, "s5750e Gi0/47")
    assert planned.seen == ("S5750.20112169@X Gi0/48",)
    assert planned.expected_seen_on == ("Gi2/1/14", "Gi2/1/30")
    [wrong] = [p for p in others if p.port == "Gi1/5/4"]
    assert (wrong.status, wrong.expected, wrong.seen) == (Status.FAIL, "", ("S2928-24P.130027 Gi0/28",))
    assert {p.status for p in others} == {Status.FAIL, Status.SKIPPED}
    assert "Gi2/1/14" not in {p.port for p in others}


def test_single_psu_switch_fails_redundancy_r_hw_03(tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    profile = profiles_dir / "test-h3c.yaml"
    profile.write_text(profile.read_text().replace("min_psus: 0\nmin_fans: 0\n", ""))
    inventory, catalogue = setup(tmp_path, secret_key, profiles_dir)
    switch = checks(run(inventory, catalogue, healthy()), "leaf-01")
    # The E528 recording's ENTITY-MIB lists one power supply and one fan.
    assert switch["switch.psus"] == (Status.FAIL, "1 is not >= 2 PSUs")
    assert switch["switch.fans"] == (Status.FAIL, "1 is not >= 2 fans")


def test_serial_numbers_against_the_delivery_note_r_hw_08(tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    """The BMC FRU and ENTITY-MIB serials are recorded, and checked where the inventory carries one."""
    text = inventory_yaml(secret_key)
    text = text.replace("    location: {centre: prod-hz, room: r101, rack: a01, unit: 10}\n",
                        "    location: {centre: prod-hz, room: r101, rack: a01, unit: 10}\n"
                        "    serial: cs9b043c887e\n    asset_tag: GZ-0001\n")
    text = text.replace("    model: E528\n", "    model: E528\n    serial: 210235A0GKC158000999\n")
    path = tmp_path / "inv.yaml"
    path.write_text(text)
    catalogue = load_catalogue([profiles_dir])
    report = run(load_inventory(path, catalogue.names()), catalogue, healthy())
    server = checks(report, "ph-node-01")
    # The delivery note names the chassis serial (any case): the unit is the one delivered.
    assert server["asset.serial"][0] is Status.PASS
    # The simulated BMC holds no asset tag: a person compares the label.
    assert server["asset.tag"][0] is Status.SKIPPED and "cannot tell" in server["asset.tag"][1]
    switch = checks(report, "leaf-01")
    assert switch["asset.serial"] == (
        Status.FAIL, "the switch reports serial 210235A0GKC158000929: not the unit on the delivery note")
    document = report.to_json()
    [ph] = [d for d in document["devices"] if d["name"] == "ph-node-01"]
    assert ph["identity"]["serial"] == "SN7D06761D80" and ph["identity"]["chassis_serial"] == "CS9B043C887E"
    assert [d["serial"] for d in ph["identity"]["nvme"]] == ["18161E7964B7"]
    [leaf] = [d for d in document["devices"] if d["name"] == "leaf-01"]
    assert leaf["identity"]["serial"] == "210235A0GKC158000929"
    # Every other ENTITY-MIB part that reports a serial is recorded too (here the E528's main board).
    assert [(p["class"], p["serial"]) for p in leaf["identity"]["parts"]] == [("module", "210235A0GKC158000929")]


def test_servers_against_the_region_nodes_of_the_same_name(tmp_path: Path, secret_key: str, profiles_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """An inventory naming its stack: each server is also its region node (R-HW-01/02, R-TOP-07)."""
    from medcloud.cli import main

    repo = Path(__file__).resolve().parents[3]
    text = inventory_yaml(secret_key).replace("  - name: ph-node-01\n", "  - name: gz-ft-01\n")
    text = text.replace("remote_device: ph-node-01", "remote_device: gz-ft-01")
    extra = ("  - name: not-designed\n    profile: test-phytium\n"
             "    location: {centre: prod-hz, room: r101, rack: a03}\n"
             "    ssh: {address: 127.0.0.12, credential: ssh-accept}\n"
             "    bmc: {address: 127.0.1.12, credential: bmc-admin}\n")
    text = text.replace("switches:\n", extra + "switches:\n", 1)
    inventory = tmp_path / "site.yaml"
    inventory.write_text(f"stack: {repo / 'stacks' / 'Pulumi.dev.yaml'}\n" + text)
    from .test_cli_verify import replay_dir

    replay = replay_dir(tmp_path)
    (replay / "gz-ft-01").mkdir()
    for name in ("ssh.json", "ipmi.json"):
        (replay / "gz-ft-01" / name).write_bytes((replay / "ph-node-01" / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    import json

    code = main(["verify", str(inventory), "--profiles", str(profiles_dir), "--replay", str(replay),
                 "--out", str(tmp_path / "out"), "--format", "json"])
    assert code == 1
    document = json.loads(next((tmp_path / "out").glob("*.json")).read_text())
    by_device = {d["name"]: {c["check"]: c for c in d["checks"]} for d in document["devices"]}
    node = by_device["gz-ft-01"]
    # The region designs gz-ft-01 as a 64-core Phytium S2500 with 512 GiB and 7.68 TB of NVMe.
    assert node["design.physical_cores"]["status"] == "pass"
    assert node["design.memory"]["status"] == "fail" and node["design.memory"]["expected"] == ">= 512 GiB"
    assert node["design.nvme"]["status"] == "fail" and node["design.nvme"]["actual"] == "1.6 TB"
    assert node["design.cpu_model"]["status"] == "fail"
    assert node["design.cpu_model"]["reason"].startswith("the server reports Phytium")
    assert by_device["not-designed"]["design.node"]["status"] == "fail"
    assert by_device["not-designed"]["design.node"]["requirement"] == "R-TOP-07"


@pytest.mark.parametrize(("design", "vendor", "model", "bios", "match"), [
    ("Kunpeng 920 7260", "HiSilicon", "Kunpeng-920", "", True),         # lscpu names no SKU
    ("Kunpeng 920 7260", "HiSilicon", "Kunpeng-920", "Kunpeng 920-4826", False),  # the firmware names another
    ("Hygon C86 7285", "HygonGenuine", "Hygon C86 7285 32-core Processor", "", True),
    ("Hygon C86 7380", "HygonGenuine", "Hygon C86 7285 32-core Processor", "", False),
    ("Phytium S2500", "Phytium", "FTC663", "S2500 NULL CPU @ 2.1GHz", True),
    ("Phytium S2500", "Phytium", "FTC663", "", False),
    ("Loongson 3C5000", "Loongson", "Loongson-3C5000", "", True),
])
def test_design_cpu_model_comparison(design: str, vendor: str, model: str, bios: str, match: bool) -> None:
    from medcloud.hardware.facts.cpu import CpuFacts
    from medcloud.hardware.verify.design import cpu_model_matches

    facts = CpuFacts("aarch64", vendor, model, 1, 64, 1, 64, None, "lscpu", bios_model_name=bios)
    assert cpu_model_matches(design, facts)[0] is match
