"""``medcloud verify`` end to end over recorded captures (--replay): reports, exit codes, Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import Sequence
from pathlib import Path

import pytest
from medcloud.hardware.inventory import Inventory
from medcloud.hardware.transports import fake
from medcloud.hardware.transports.base import (
    Command,
    IPMICapture,
    SSHCapture,
    SSHTarget,
    Timeouts,
    Transports,
)

from medcloud.cli import main

from .captures import FIXTURES, bmc, server_ssh
from .conftest import inventory_yaml


def replay_dir(tmp_path: Path, *, psu2_absent: bool = False) -> Path:
    root = tmp_path / "captures"
    (root / "ph-node-01").mkdir(parents=True)
    (root / "leaf-01").mkdir()
    (root / "ph-node-01/ssh.json").write_text(json.dumps(SSHCapture(server_ssh()).to_json()))
    (root / "ph-node-01/ipmi.json").write_text(json.dumps(bmc(psu2_absent=psu2_absent).to_json()))
    (root / "leaf-01/snmp.snmprec").write_bytes((FIXTURES / "snmp/h3c-e528-1.snmprec").read_bytes())
    return root


def prepare(tmp_path: Path, key: str, **capture: bool) -> list[str]:
    inventory = tmp_path / "site.yaml"
    inventory.write_text(inventory_yaml(key))
    return [str(inventory), "--profiles", str(tmp_path / "profiles"), "--replay", str(replay_dir(tmp_path, **capture)),
            "--out", str(tmp_path / "out")]


def test_accepted_run_writes_signed_json_and_html(
        tmp_path: Path, secret_key: str, profiles_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", *prepare(tmp_path, secret_key)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "ACCEPTED" in out
    [json_report] = (tmp_path / "out").glob("site-*.json")
    [html_report] = (tmp_path / "out").glob("site-*.html")
    document = json.loads(json_report.read_text())
    assert document["format"] == "medcloud-verify/1"
    assert document["complete"] and document["passed"]
    assert document["evidence"]["digest_algorithm"].startswith("SM3")
    html = html_report.read_text()
    assert "ACCEPTED" in html and "medcloud-evidence" in html
    # Self-contained: no external scripts, stylesheets, images or fonts.
    assert "<script" not in html and "<link" not in html and "src=" not in html and "url(" not in html
    audit = [json.loads(line) for line in Path(os.environ["MEDCLOUD_AUDIT_LOG"]).read_text().splitlines()]
    assert audit[-1]["action"] == "verify"
    assert audit[-1]["outcome"] == "ok"
    assert set(audit[-1]["detail"]) == {"complete", "passed", "outcome", "counts"}


def test_failure_exit_1_json_output_and_failures_first_in_html(
        tmp_path: Path, secret_key: str, profiles_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", *prepare(tmp_path, secret_key, psu2_absent=True), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    statuses = {c["check"]: c["status"] for d in document["devices"] for c in d["checks"]}
    assert statuses["power.psus"] == "fail"
    assert statuses["bmc.health"] == "pass"  # an absent PSU is not "unhealthy" to IPMI; redundancy catches it
    html = next((tmp_path / "out").glob("*.html")).read_text()
    assert html.index("Findings") < html.index("Devices by rack")
    # The failing rack (a01, the server) comes before the passing one (a02, the switch).
    assert html.index("Rack a01") < html.index("Rack a02")


def test_unreachable_device_exit_3_one_finding_per_protocol(
        tmp_path: Path, secret_key: str, profiles_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing failed the spec but a BMC did not answer: exit 3 ("not verified"), not 1, and the
    report names the dead BMC once instead of once per BMC check."""
    args = prepare(tmp_path, secret_key)
    (Path(args[args.index("--replay") + 1]) / "ph-node-01/ipmi.json").unlink()
    code = main(["verify", *args, "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 3
    assert document["outcome"] == "unverified" and document["counts"]["findings"] == 1
    [device] = [d for d in document["devices"] if d["name"] == "ph-node-01"]
    [root] = [c for c in device["checks"] if c["status"] == "error" and "cause" not in c]
    assert root["check"] == "bmc.reachable" and "127.0.1.11" in root["reason"]
    assert {c["cause"] for c in device["checks"] if "cause" in c} == {"bmc.reachable"}
    # Skipped checks that need a person are listed with who and what; the device's SSH checks passed.
    assert {f["check"] for f in document["manual_follow_ups"]} >= {"power.mtbf", "nvme.nvmeof", "switch.sdn"}
    assert all(f["who"] and f["what"] for f in document["manual_follow_ups"])


def test_bad_inventory_exit_2_one_line(tmp_path: Path, secret_key: str, profiles_dir: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    args = prepare(tmp_path, secret_key)
    inventory = Path(args[0])
    inventory.write_text(inventory.read_text().replace("kind: snmpv3", "kind: snmpv2c"))
    code = main(["verify", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "site.yaml:" in err and "credentials.snmp-ro" in err
    assert "Traceback" not in err


def test_missing_secret_key_exit_2(tmp_path: Path, secret_key: str, profiles_dir: Path,
                                   monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    args = prepare(tmp_path, secret_key)
    monkeypatch.delenv("MEDCLOUD_SECRET_KEY")
    assert main(["verify", *args]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_sigint_writes_partial_report_marked_incomplete(
        tmp_path: Path, secret_key: str, profiles_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    args = prepare(tmp_path, secret_key)
    real_load = fake.load_replay

    def hanging_server(directory: Path, inventory: Inventory) -> Transports:
        loaded = real_load(directory, inventory)

        class SigintWhenServerHangs(fake.FakeSSH):
            async def run(self, target: SSHTarget, commands: Sequence[Command], timeouts: Timeouts) -> SSHCapture:
                # Ctrl-C arrives while the server hangs, after the switch had time to finish.
                asyncio.get_running_loop().call_later(0.3, os.kill, os.getpid(), signal.SIGINT)
                await asyncio.sleep(30)
                raise AssertionError("not cancelled")

        return Transports(SigintWhenServerHangs({}), fake.FakeIPMI({"127.0.1.11": IPMICapture()}), loaded.snmp)

    monkeypatch.setattr(fake, "load_replay", hanging_server)
    code = main(["verify", *args])
    captured = capsys.readouterr()
    assert code == 130
    assert "partial report written" in captured.err
    assert "INCOMPLETE" in captured.out
    [partial] = (tmp_path / "out").glob("site-*-incomplete.json")
    document = json.loads(partial.read_text())
    assert document["complete"] is False and document["passed"] is False
    assert [d["name"] for d in document["devices"]] == ["leaf-01"]
    assert document["not_run"] == ["ph-node-01"]
    html = next((tmp_path / "out").glob("site-*-incomplete.html")).read_text()
    assert "INCOMPLETE" in html


def test_replay_keys_captures_by_endpoint_not_address(tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    """Two BMCs on one address (the lab's, on 127.0.0.1) each replay their own capture (R-HW-03)."""
    from medcloud.hardware.inventory import load_inventory
    from medcloud.hardware.transports.base import IPMITarget, Timeouts
    from medcloud.hardware.transports.fake import load_replay

    second = """\
  - name: ph-node-02
    profile: test-phytium
    location: {centre: prod-hz, room: r101, rack: a01, unit: 12}
    ssh: {address: 127.0.0.11, port: 2222, credential: ssh-accept}
    bmc: {address: 127.0.1.11, port: 6230, credential: bmc-admin}
"""
    inventory_path = tmp_path / "site.yaml"
    inventory_path.write_text(inventory_yaml(secret_key, extra_server=second))
    root = replay_dir(tmp_path)
    (root / "ph-node-02").mkdir()
    (root / "ph-node-02/ipmi.json").write_text(json.dumps(bmc(psu2_absent=True).to_json()))
    transports = load_replay(root, load_inventory(inventory_path))

    async def read(port: int) -> int:
        target = IPMITarget(host="127.0.1.11", port=port, username="admin", password=None)  # type: ignore[arg-type]
        capture = await transports.ipmi.collect(target, Timeouts())
        return len(json.dumps(capture.to_json()))

    first, other = asyncio.run(read(623)), asyncio.run(read(6230))
    assert first == len(json.dumps(bmc().to_json()))
    assert other == len(json.dumps(bmc(psu2_absent=True).to_json()))


def test_replay_tells_switches_on_one_agent_apart_by_context(
        tmp_path: Path, secret_key: str, profiles_dir: Path) -> None:
    """Two switches behind one SNMP agent (snmpsim serving the lab's switches by SNMPv3 context) each
    replay their own recording, not whichever was loaded last (R-HW-06)."""
    from medcloud.hardware.inventory import load_inventory
    from medcloud.hardware.transports.base import SNMPTarget, Timeouts
    from medcloud.hardware.transports.fake import load_replay

    inventory_path = tmp_path / "site.yaml"
    text = inventory_yaml(secret_key).replace(
        "    management: {address: 127.0.2.1, credential: snmp-ro}\n",
        "    management: {address: 127.0.2.1, port: 1161, context: leaf-01, credential: snmp-ro}\n")
    leaf = text[text.index("  - name: leaf-01"):]
    second = leaf.replace("leaf-01", "leaf-02").replace("unit: 42", "unit: 41")
    inventory_path.write_text(text + second)
    root = replay_dir(tmp_path)
    (root / "leaf-02").mkdir()
    (root / "leaf-02/snmp.snmprec").write_bytes((FIXTURES / "snmp/ruijie-n18010.snmprec").read_bytes())
    transports = load_replay(root, load_inventory(inventory_path))

    async def descr(context: str) -> str:
        target = SNMPTarget("127.0.2.1", 1161, "u", context=context)
        capture = await transports.snmp.walk(target, ["1.3.6.1.2.1.1.1"], Timeouts())
        value = capture.varbinds[0].value
        assert isinstance(value, bytes)
        return value.decode("utf-8", "replace")

    assert "H3C" in asyncio.run(descr("leaf-01"))
    assert "Ruijie" in asyncio.run(descr("leaf-02"))


def test_text_summary_lists_each_manual_task_once(
        tmp_path: Path, secret_key: str, profiles_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Manual follow-ups are tasks for people: one line each, naming the devices (R-HW-03, R-HW-05, R-HW-06)."""
    assert main(["verify", *prepare(tmp_path, secret_key)]) == 0
    out = capsys.readouterr().out
    assert out.count("[manual] power.mtbf (R-HW-03): supplier:") == 1
    assert out.count("[manual] switch.sdn (R-HW-06): network engineer:") == 1
    assert "3 manual follow-up(s)" in out
