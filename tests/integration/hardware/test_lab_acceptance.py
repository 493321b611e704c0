"""Acceptance over the embedded lab: each injected fault is caught, everything else passes.

These drive the real transports (pyghmi, pysnmp, pyinfra/paramiko) against
the real peers the lab starts, through the colleague's verification engine.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest
from medcloud.hardware.lab.scenario import default
from medcloud.hardware.transports.base import IPMITarget, SNMPTarget, SSHTarget, Timeouts
from medcloud.hardware.transports.ipmi import PyghmiIPMI
from medcloud.hardware.transports.snmp import PysnmpSNMP, close_engine
from medcloud.hardware.transports.ssh import PyinfraSSH
from medcloud.hardware.verify.results import Report, Status

from medcloud.errors import DeviceAuthError, DeviceTimeout
from medcloud.secrets import unseal

from .conftest import RunningLab

pytestmark = pytest.mark.integration

HEALTHY_SERVERS = ("kp-node-01",)
HEALTHY_SWITCHES = ("leaf-02",)


def _device(report: Report, name: str) -> dict[str, Status]:
    device = next(d for d in report.devices if d.name == name)
    return {c.check: c.status for c in device.checks}


def _reasons(report: Report, name: str) -> dict[str, str]:
    device = next(d for d in report.devices if d.name == name)
    return {c.check: c.reason for c in device.checks}


def test_healthy_devices_pass_every_measured_check(report: Report) -> None:
    for name in (*HEALTHY_SERVERS, *HEALTHY_SWITCHES):
        checks = _device(report, name)
        bad = {k: v for k, v in checks.items() if v in (Status.FAIL, Status.ERROR)}
        assert not bad, f"{name}: {bad} {_reasons(report, name)}"
        assert sum(v == Status.PASS for v in checks.values()) >= 8, checks


def test_dead_bmc_is_an_ipmi_timeout_and_ssh_checks_still_pass(report: Report) -> None:
    """R-HW-03 checks of ls-node-01 error out; its OS/CPU checks (over SSH) are unaffected."""
    checks = _device(report, "ls-node-01")
    reasons = _reasons(report, "ls-node-01")
    # power.mtbf is a declared figure (skipped: not measurable); everything the BMC answers errors.
    bmc = {k: v for k, v in checks.items() if k.startswith(("bmc.", "power.")) and k != "power.mtbf"}
    assert bmc and set(bmc.values()) == {Status.ERROR}
    assert all("timed out" in reasons[k] or "did not answer" in reasons[k] for k in bmc)
    assert checks["cpu.physical_cores"] == Status.PASS
    assert checks["os.id"] == Status.PASS
    # One finding for the dead BMC, not one per BMC check; the others name it as their cause.
    device = next(d for d in report.devices if d.name == "ls-node-01")
    assert [f.check for f in device.findings] == ["bmc.reachable"]
    assert all(c.cause == "bmc.reachable" for c in device.checks
               if c.status is Status.ERROR and c.check != "bmc.reachable")


def test_wrong_password_is_an_authentication_error(report: Report) -> None:
    checks = _device(report, "ft-node-01")
    reasons = _reasons(report, "ft-node-01")
    bmc = [k for k in checks if k.startswith(("bmc.", "power.")) and k != "power.mtbf"]
    assert bmc and all(checks[k] == Status.ERROR for k in bmc)
    assert all("authentication" in reasons[k].lower() or "refused" in reasons[k] for k in bmc)
    assert checks["cpu.physical_cores"] == Status.PASS


def test_slow_agent_times_out(report: Report) -> None:
    checks = _device(report, "oob-01")
    reasons = _reasons(report, "oob-01")
    assert checks and all(v in (Status.ERROR, Status.SKIPPED) for v in checks.values())
    errors = [k for k, v in checks.items() if v == Status.ERROR]
    assert errors and all("timed out" in reasons[k] or "timeout" in reasons[k] for k in errors)


def test_mis_cabled_port_fails_cabling_only_there(report: Report) -> None:
    checks = _device(report, "leaf-01")
    failed = {k for k, v in checks.items() if v == Status.FAIL}
    assert failed == {"switch.cabling[Ten-GigabitEthernet1/0/0/4]"}, checks
    assert checks["switch.cabling[Ten-GigabitEthernet1/0/0/1]"] == Status.PASS
    # The report says where the cable went, not "cable missing".
    reason = _reasons(report, "leaf-01")["switch.cabling[Ten-GigabitEthernet1/0/0/4]"]
    assert "ls-node-01 enp5s0f0 is seen on Ten-GigabitEthernet1/0/0/8 instead" in reason, reason


def test_delivery_note_serials_match_the_lab_bmcs(report: Report) -> None:
    """R-HW-08: the lab inventory carries each server's delivery-note serial; the BMC FRU agrees."""
    assert _device(report, "kp-node-01")["asset.serial"] == Status.PASS
    device = next(d for d in report.devices if d.name == "kp-node-01")
    assert device.identity["serial"].startswith("SN") and device.identity["nvme"]


def test_below_spec_server_fails_r_hw_02(report: Report) -> None:
    """R-HW-02: the 8-core Hygon fails the core count; its BMC (R-HW-03) is healthy."""
    checks = _device(report, "hg-node-01")
    assert checks["cpu.physical_cores"] == Status.FAIL
    assert checks["power.psus"] == Status.PASS
    assert checks["power.fans"] == Status.PASS


def test_report_contains_no_secret(report: Report, lab: RunningLab) -> None:
    text = json.dumps(report.to_json())
    for name, cred in lab.inventory.credentials.items():
        for attr in ("password", "private_key", "auth_key", "priv_key"):
            sealed = getattr(cred, attr, None)
            if sealed is not None:
                secret = unseal(sealed, lab.key).reveal()
                assert secret not in text, f"{name}.{attr} leaked into the report"


def test_lab_files_hold_no_plain_secret(lab: RunningLab) -> None:
    """Logs, state and inventory never hold a lab secret; peer configs that must are 0600."""
    secrets = []
    for cred in lab.inventory.credentials.values():
        for attr in ("password", "auth_key", "priv_key"):
            sealed = getattr(cred, attr, None)
            if sealed is not None:
                secrets.append(unseal(sealed, lab.key).reveal())
    for path in [*lab.run_dir.glob("logs/*"), lab.run_dir / "state.json", Path(lab.state.inventory)]:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not any(s in text for s in secrets), path
    for path in [*lab.run_dir.glob("bmc/*/lan.conf"), *lab.run_dir.glob("snmp/*/args")]:
        assert path.stat().st_mode & 0o077 == 0, path
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, timeout=10, check=True).stdout
    assert not any(s in ps for s in secrets), "a lab secret is visible in the process list"


def test_up_is_idempotent(lab: RunningLab) -> None:
    from medcloud.hardware.lab.runner import Lab

    again, _ = Lab(lab.run_dir, default()).up()
    assert [p.pid for p in again.peers] == [p.pid for p in lab.state.peers]


# --- the transports one by one, with their contract -----------------------------------


def _targets(lab: RunningLab, name: str) -> tuple[IPMITarget, SSHTarget]:
    server = next(s for s in lab.inventory.servers if s.name == name)
    bmc = lab.inventory.credentials[server.bmc.credential]
    ssh = lab.inventory.credentials[server.ssh.credential]
    assert bmc.kind == "ipmi" and ssh.kind == "ssh" and ssh.private_key is not None
    return (
        IPMITarget(str(server.bmc.address), server.bmc.port or 623, bmc.username, unseal(bmc.password, lab.key)),
        SSHTarget(str(server.ssh.address), server.ssh.port or 22, ssh.username,
                  private_key=unseal(ssh.private_key, lab.key),
                  known_hosts=server.ssh.known_hosts_line(server.ssh.port or 22)),
    )


def test_ipmi_transport_reads_domestic_fru_and_redundant_sensors(lab: RunningLab) -> None:
    """R-HW-03: two PSUs present, four fans spinning, FRU read in BMC-sized chunks."""
    ipmi_target, _ = _targets(lab, "kp-node-01")

    async def collect() -> object:
        transport = PyghmiIPMI()
        try:
            return await transport.collect(ipmi_target, Timeouts(connect=2, operation=10))
        finally:
            transport.close()

    capture = asyncio.run(collect())
    data = capture.to_json()  # type: ignore[attr-defined]
    assert data["errors"] == {}
    assert data["power"] == {"powerstate": "on"}
    system = data["inventory"]["System"]
    assert system["Manufacturer"] == "Huawei" and system["Product name"].startswith("TaiShan")
    assert system["Manufacturer ID"] == 2011
    psus = [s for s in data["sensors"] if s["type"] == "Power Supply"]
    fans = [s for s in data["sensors"] if s["type"] == "Fan"]
    assert len(psus) == 2 and all("Present" in s["states"] for s in psus)
    assert len(fans) == 4 and all(s["value"] > 1000 for s in fans)
    assert data["firmware"]["BMC Version"]["version"] == "6.57"
    assert data["sel"] and data["sel"][0]["component_type"] == "Power Supply"


def test_ipmi_transport_maps_wrong_password_and_dead_bmc(lab: RunningLab) -> None:
    wrong, _ = _targets(lab, "ft-node-01")
    dead, _ = _targets(lab, "ls-node-01")

    async def attempt(target: IPMITarget) -> BaseException | None:
        transport = PyghmiIPMI()
        try:
            await transport.collect(target, Timeouts(connect=1, operation=1))
        except Exception as exc:
            return exc
        finally:
            transport.close()
        return None

    assert isinstance(asyncio.run(attempt(wrong)), DeviceAuthError)
    error = asyncio.run(attempt(dead))
    assert isinstance(error, DeviceTimeout)
    assert wrong.password.reveal() not in str(error)


def test_ssh_transport_runs_recorded_commands_over_real_ssh(lab: RunningLab) -> None:
    from medcloud.hardware.transports.base import Command

    _, ssh_target = _targets(lab, "kp-node-01")
    commands = [Command("lscpu", "lscpu -J"), Command("os", "cat /etc/os-release"),
                Command("missing", "nvme smart-log /dev/nvme9"), Command("exit", "exit 3")]

    async def run() -> object:
        transport = PyinfraSSH()
        try:
            return await transport.run(ssh_target, commands, Timeouts(connect=3, operation=10))
        finally:
            transport.close()

    capture = asyncio.run(run())
    results = capture.results  # type: ignore[attr-defined]
    assert json.loads(results["lscpu"].stdout)["lscpu"][0]["data"] == "aarch64"
    assert 'ID="openEuler"' in results["os"].stdout
    assert results["missing"].exit_code == 1 and "no recording" in results["missing"].stderr
    assert results["exit"].exit_code == 3


def test_ssh_transport_refuses_a_wrong_key(lab: RunningLab) -> None:
    from medcloud.hardware.lab.host import openssh_keypair
    from medcloud.hardware.transports.base import Command

    _, good = _targets(lab, "kp-node-01")
    stranger, _ = openssh_keypair()

    class Plain:
        def reveal(self) -> str:
            return stranger

    target = SSHTarget(good.host, good.port, good.username, private_key=Plain())

    async def run() -> None:
        transport = PyinfraSSH()
        try:
            await transport.run(target, [Command("true", "true")], Timeouts(connect=3, operation=5))
        finally:
            transport.close()

    with pytest.raises(DeviceAuthError):
        asyncio.run(run())


def test_lab_inventory_pins_every_ssh_host_key(lab: RunningLab) -> None:
    """The generated inventory carries each target's host key, so verify checks it strictly."""
    pinned = [s for s in lab.inventory.servers if s.ssh.port in (None, 22)]
    assert pinned and all(s.ssh.host_key and s.ssh.host_key.startswith("ssh-ed25519 ") for s in pinned)


def test_ssh_transport_refuses_an_impostor_host_key(lab: RunningLab) -> None:
    """A host presenting another key than the pinned one gets no credentials and no commands."""
    import dataclasses

    from medcloud.hardware.lab.host import openssh_keypair
    from medcloud.hardware.transports.base import Command

    from medcloud.errors import DeviceProtocolError

    _, good = _targets(lab, "kp-node-01")
    _, impostor_public = openssh_keypair()
    target = dataclasses.replace(good, known_hosts=f"{good.host} {impostor_public}")

    async def run(t: SSHTarget) -> object:
        transport = PyinfraSSH()
        try:
            return await transport.run(t, [Command("true", "true")], Timeouts(connect=3, operation=5))
        finally:
            transport.close()

    assert asyncio.run(run(good)) is not None  # the pinned key is accepted
    with pytest.raises(DeviceProtocolError, match="host key"):
        asyncio.run(run(target))


def test_snmp_transport_walks_lldp_rows_added_for_the_cabling(lab: RunningLab) -> None:
    switch = next(s for s in lab.inventory.switches if s.name == "leaf-02")
    cred = lab.inventory.credentials[switch.management.credential]
    assert cred.kind == "snmpv3"
    target = SNMPTarget(str(switch.management.address), switch.management.port or 161, cred.username,
                        cred.auth_protocol, unseal(cred.auth_key, lab.key), cred.priv_protocol,
                        unseal(cred.priv_key, lab.key), context=switch.management.context)

    async def walk() -> object:
        try:
            return await PysnmpSNMP().walk(target, ["1.3.6.1.2.1.1", "1.0.8802.1.1.2.1.4.1.1.9"],
                                           Timeouts(connect=2, operation=10, retries=0))
        finally:
            close_engine()

    capture = asyncio.run(walk())
    values = {vb.oid: vb.value for vb in capture.varbinds}  # type: ignore[attr-defined]
    assert values["1.3.6.1.2.1.1.2.0"] == "1.3.6.1.4.1.25506.1.921"
    names = sorted(v for oid, v in values.items() if oid.startswith("1.0.8802.1.1.2.1.4.1.1.9."))
    assert names == sorted(s.name.encode() for s in default().servers)
