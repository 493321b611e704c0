"""``bmc plan|apply|pxe`` over fake BMCs: idempotence, failures mid-change and no lock-out (R-SEC-04/05/07)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from medcloud.hardware.bmc.base import LanSettings, Lockout
from medcloud.hardware.bmc.desired import LOCKOUT
from medcloud.hardware.bmc.engine import DeviceResult, Engine, Limits
from medcloud.hardware.bmc.fake import FakeBMC, FakeManagement, FakeUser
from medcloud.hardware.bmc.plan import Change
from medcloud.hardware.inventory import Inventory, IPMICredential, load_inventory

from medcloud.errors import InputError
from medcloud.secrets import seal, unseal

FACTORY = "factory-pw-1"
TODAY = dt.date(2026, 11, 29)
NETWORK = "{source: static, address: 10.0.1.%d, netmask: 255.255.255.0, gateway: 10.0.1.1, vlan: 100}"


def write_inventory(path: Path, key: bytes, servers: int = 3, accounts: str = "") -> Path:
    lines = [
        "# site inventory (header kept)",
        "credentials:",
        f"  bmc-admin: {{kind: ipmi, username: admin, password: \"{seal(FACTORY, key)}\"}}",
        f"  ops: {{kind: ipmi, username: ops, privilege: operator, password: \"{seal('ops-pw-1', key)}\"}}",
        f"  ssh-root: {{kind: ssh, username: root, password: \"{seal('ssh-pw', key)}\"}}",
        f"  spare: {{kind: ipmi, username: spare, password: \"{seal('spare-pw', key)}\"}}",
        "servers:",
    ]
    for i in range(servers):
        lines += [
            f"  - name: n{i}",
            "    profile: kunpeng-920-compute",
            "    location: {centre: lab, room: r1, rack: a1}",
            "    ssh: {address: 127.0.0.1, credential: ssh-root}",
            f"    bmc: {{address: 127.0.0.1, port: {6000 + i}, credential: bmc-admin, network: {NETWORK % (10 + i)}"
            f"{accounts}}}",
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


def fleet(servers: int = 3, **overrides: Any) -> dict[tuple[str, int], FakeBMC]:
    return {("127.0.0.1", 6000 + i): FakeBMC(
        users={2: FakeUser("admin", FACTORY), 3: FakeUser("Administrator", "Admin@9000")},
        **overrides) for i in range(servers)}


def engine(path: Path, key: bytes, bmcs: dict[tuple[str, int], FakeBMC], audit: list[Any] | None = None,
           today: dt.date = TODAY) -> Engine:
    def record(entries: list[tuple[str, str, DeviceResult, list[Change]]]) -> None:
        if audit is not None:
            audit.extend((server, category, [str(c) for c in touched]) for server, category, _, touched in entries)

    return Engine(load_inventory(path), path, FakeManagement(bmcs), key=key, today=today,
                  opener=lambda sealed, where: unseal(sealed, key, where=where), limits=Limits(4, 5.0), audit=record)


@pytest.fixture
def key() -> bytes:
    from medcloud.secrets import new_key_hex

    return bytes.fromhex(new_key_hex())


def management_password(path: Path, server: str, key: bytes) -> tuple[str, IPMICredential]:
    inventory = Inventory.model_validate(__import__("yaml").safe_load(path.read_text()))
    entry = next(s for s in inventory.servers if s.name == server)
    credential = inventory.credentials[entry.bmc.credential]
    assert isinstance(credential, IPMICredential)
    return unseal(credential.password, key).reveal(), credential


def test_plan_lists_the_factory_account_and_missing_policy_and_changes_nothing(tmp_path: Path, key: bytes) -> None:
    path = write_inventory(tmp_path / "site.yaml", key)
    before = path.read_bytes()
    bmcs = fleet()
    results = asyncio.run(engine(path, key, bmcs).plan())
    assert [r.status for r in results] == ["pending"] * 3
    kinds = [c.kind for c in results[0].plan.changes]  # type: ignore[union-attr]
    assert kinds == ["remove-account", "set-lan", "set-password"]
    assert any("lock after 5" in str(g) for g in results[0].gaps)
    assert path.read_bytes() == before
    assert all(not bmc.calls for bmc in bmcs.values())


def test_apply_converges_seals_per_bmc_passwords_and_a_second_run_changes_nothing(
        tmp_path: Path, key: bytes) -> None:
    path = write_inventory(tmp_path / "site.yaml", key)
    bmcs = fleet(lockout=Lockout(0, 0, 0))
    audit: list[Any] = []
    results = asyncio.run(engine(path, key, bmcs, audit).apply())
    assert [(r.status, r.confirmed) for r in results] == [("changed", True)] * 3
    text = path.read_text()
    assert text.startswith("# site inventory (header kept)\n")
    assert FACTORY not in text and "Admin@9000" not in text and "&id" not in text
    passwords = set()
    for i, bmc in enumerate(bmcs.values()):
        password, credential = management_password(path, f"n{i}", key)
        assert bmc.users[2].password == password != FACTORY  # the inventory opens the BMC
        assert credential.rotated == TODAY and credential.previous_password is None
        assert bmc.users[3].name == "" and not bmc.users[3].enabled
        assert bmc.lan == LanSettings("static", f"10.0.1.{10 + i}", "255.255.255.0", "10.0.1.1", 100)
        assert bmc.lockout == LOCKOUT
        passwords.add(password)
    assert len(passwords) == 3  # no shared accounts (R-SEC-04)
    assert "bmc-admin" not in load_inventory(path).credentials  # the shared one is gone
    assert "spare" in load_inventory(path).credentials  # credentials no BMC used are not ours to drop
    categories = {(server, category) for server, category, _ in audit}
    assert ("n0", "privileged") in categories and ("n0", "network-policy") in categories
    assert not any(password in json.dumps(audit) for password in passwords)
    assert not any(password in json.dumps([r.to_json() for r in results]) for password in passwords)

    settled = path.read_bytes()
    again = asyncio.run(engine(path, key, bmcs).apply())
    assert [r.status for r in again] == ["unchanged"] * 3
    assert path.read_bytes() == settled


def test_apply_edits_the_inventory_in_place_keeping_comments_and_layout(tmp_path: Path, key: bytes) -> None:
    """Issue 17: the rotation's rewrite (in place, medcloud.yamledit) keeps what the operator wrote around it."""
    path = write_inventory(tmp_path / "site.yaml", key, servers=1)
    text = path.read_text()
    text = text.replace("servers:\n", "# the rack in room r1 (kept)\nservers:\n")
    text = text.replace("    profile: kunpeng-920-compute\n", "    profile: kunpeng-920-compute   # kept too\n")
    path.write_text(text)
    untouched = [line for line in text.splitlines() if "bmc-admin" not in line and "password" not in line]
    results = asyncio.run(engine(path, key, fleet(1, lockout=Lockout(0, 0, 0))).apply())
    assert [r.status for r in results] == ["changed"]
    after = path.read_text()
    assert "# the rack in room r1 (kept)\n" in after and "kunpeng-920-compute   # kept too\n" in after
    # Every line the rotation had no business with is byte for byte where it was.
    assert [line for line in after.splitlines() if "bmc-admin" not in line and "password" not in line] == untouched
    assert 'password: "sm4gcm:v1:' in after  # the sealed values keep the file's quoting


def test_extra_accounts_are_created_with_their_own_passwords(tmp_path: Path, key: bytes) -> None:
    path = write_inventory(tmp_path / "site.yaml", key, servers=2, accounts=", accounts: [ops]")
    bmcs = fleet(servers=2)
    results = asyncio.run(engine(path, key, bmcs).apply())
    assert [r.status for r in results] == ["changed"] * 2
    inventory = load_inventory(path)
    for i, bmc in enumerate(bmcs.values()):
        ops = next(u for u in bmc.users.values() if u.name == "ops")
        assert ops.privilege == "operator" and ops.enabled
        name = inventory.servers[i].bmc.accounts[0]
        credential = inventory.credentials[name]
        assert isinstance(credential, IPMICredential)
        assert unseal(credential.password, key).reveal() == ops.password


def test_wrong_password_and_dead_bmcs_fail_alone(tmp_path: Path, key: bytes) -> None:
    path = write_inventory(tmp_path / "site.yaml", key)
    bmcs = fleet()
    bmcs[("127.0.0.1", 6001)].users[2].password = "not-what-the-inventory-says"
    bmcs[("127.0.0.1", 6002)].dead = True
    results = asyncio.run(engine(path, key, bmcs).apply())
    assert [r.status for r in results] == ["changed", "error", "error"]
    assert "refused the credentials" in (results[1].error or "")
    assert "did not answer" in (results[2].error or "")
    inventory = load_inventory(path)
    assert [s.bmc.credential for s in inventory.servers] == ["n0-bmc-admin", "bmc-admin", "bmc-admin"]
    assert unseal(inventory.credentials["bmc-admin"].password, key).reveal() == FACTORY  # type: ignore[union-attr]
    assert bmcs[("127.0.0.1", 6001)].calls == [] and bmcs[("127.0.0.1", 6002)].calls == []


def test_a_bmc_failing_mid_change_reports_what_was_applied_and_keeps_its_password(
        tmp_path: Path, key: bytes) -> None:
    path = write_inventory(tmp_path / "site.yaml", key, servers=2)
    bmcs = fleet(servers=2)
    broken = bmcs[("127.0.0.1", 6000)]
    broken.fail_on["set_lan"] = 0
    results = asyncio.run(engine(path, key, bmcs).apply())
    assert [r.status for r in results] == ["failed", "changed"]
    first = results[0]
    assert [c.kind for c in first.applied] == ["remove-account"]
    assert first.unknown is not None and first.unknown.kind == "set-lan"
    assert [c.kind for c in first.not_applied] == ["set-password"]
    password, credential = management_password(path, "n0", key)
    assert password == FACTORY == broken.users[2].password and credential.previous_password is None


def test_a_password_change_cut_off_keeps_both_and_the_next_run_finishes_it(tmp_path: Path, key: bytes) -> None:
    """No lock-out: whatever the BMC ended with, the inventory holds a password it accepts."""
    path = write_inventory(tmp_path / "site.yaml", key, servers=1)
    bmcs = fleet(servers=1)
    bmc = bmcs[("127.0.0.1", 6000)]
    bmc.fail_on["set_user_password"] = 0
    results = asyncio.run(engine(path, key, bmcs).apply())
    assert results[0].status == "failed" and results[0].unknown is not None
    _, credential = management_password(path, "n0", key)
    assert credential.previous_password is not None
    staged = {unseal(credential.password, key).reveal(), unseal(credential.previous_password, key).reveal()}
    assert bmc.users[2].password in staged

    del bmc.fail_on["set_user_password"]
    final = asyncio.run(engine(path, key, bmcs).apply())
    assert final[0].status == "changed" and final[0].confirmed
    password, credential = management_password(path, "n0", key)
    assert password == bmc.users[2].password and credential.previous_password is None


def test_passwords_older_than_90_days_are_rotated(tmp_path: Path, key: bytes) -> None:
    path = write_inventory(tmp_path / "site.yaml", key, servers=1)
    bmcs = fleet(servers=1)
    asyncio.run(engine(path, key, bmcs).apply())
    first, _ = management_password(path, "n0", key)
    assert [r.status for r in asyncio.run(engine(path, key, bmcs, today=TODAY + dt.timedelta(days=90)).plan())] == [
        "unchanged"]
    later = asyncio.run(engine(path, key, bmcs, today=TODAY + dt.timedelta(days=91)).apply())
    assert [c.kind for c in later[0].applied] == ["set-password"]
    second, _ = management_password(path, "n0", key)
    assert second != first and bmcs[("127.0.0.1", 6000)].users[2].password == second


def test_pxe_sets_the_next_boot_and_cycles_power(tmp_path: Path, key: bytes) -> None:
    path = write_inventory(tmp_path / "site.yaml", key, servers=2)
    bmcs = fleet(servers=2)
    bmcs[("127.0.0.1", 6001)].power = "off"
    audit: list[Any] = []
    results = asyncio.run(engine(path, key, bmcs, audit).pxe(["n0", "n1"]))
    assert [r.status for r in results] == ["changed", "changed"]
    assert results[0].notes == ["next boot pxe, power-cycled"] and results[1].notes == ["next boot pxe, powered on"]
    for bmc in bmcs.values():
        assert bmc.boot.device == "pxe" and bmc.boot.persistent is False and bmc.power == "on"
    assert [(s, c) for s, c, _ in audit] == [("n0", "privileged"), ("n1", "privileged")]


def test_unknown_limit_is_bad_input(tmp_path: Path, key: bytes) -> None:
    path = write_inventory(tmp_path / "site.yaml", key, servers=1)
    with pytest.raises(InputError, match="no server named nope"):
        asyncio.run(engine(path, key, fleet(servers=1)).plan(["nope"]))


def test_a_session_that_outlives_its_timeout_changes_nothing_after_the_run(tmp_path: Path, key: bytes) -> None:
    """No lock-out: a worker thread still running when the inventory is settled starts no change."""
    from medcloud.hardware.bmc.fake import FakeSession

    from medcloud.errors import DeviceTimeout

    path = write_inventory(tmp_path / "site.yaml", key, servers=1)
    bmcs = fleet(servers=1)
    late: list[Any] = []
    sessions: list[int] = []

    class Slow(FakeManagement):
        async def run(self, target: Any, job: Any, budget: float) -> Any:
            sessions.append(1)
            if len(sessions) == 2:  # the change session (after the read): its thread is late
                late.append(job)
                raise DeviceTimeout("fake: no complete answer within the budget")
            return await super().run(target, job, budget)

    run = Engine(load_inventory(path), path, Slow(bmcs), key=key, today=TODAY, limits=Limits(4, 5.0),
                 opener=lambda sealed, where: unseal(sealed, key, where=where))
    results = asyncio.run(run.apply())
    assert results[0].status == "error" and [c.kind for c in results[0].not_applied] == [
        "remove-account", "set-lan", "set-password"]
    bmc = bmcs[("127.0.0.1", 6000)]
    with pytest.raises(DeviceTimeout, match="run over"):
        late[0](FakeSession(bmc))
    assert bmc.calls == [] and bmc.users[2].password == FACTORY
    password, credential = management_password(path, "n0", key)
    assert password == FACTORY and credential.previous_password is None


def test_cli_refuses_a_stack_without_the_inventorys_centres(tmp_path: Path, key: bytes,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from medcloud.cli import main

    monkeypatch.setenv("MEDCLOUD_SECRET_KEY", key.hex())
    path = write_inventory(tmp_path / "site.yaml", key, servers=1)
    assert main(["bmc", "plan", str(path), "--stack", "dev"]) == 2
    assert "centre(s) lab not in the region of dev" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # pxe needs --limit: a whole inventory is never power-cycled by accident
        main(["bmc", "pxe", str(path)])


@pytest.mark.parametrize("has_ntp", [True, False])
def test_ntp_is_set_where_the_bmc_has_it_and_a_gap_where_it_has_not(tmp_path: Path, key: bytes,
                                                                     has_ntp: bool) -> None:
    """R-SEC-05: the centre's NTP servers (from the region) reach a BMC that takes them and are read back;
    an IPMI-only BMC reports "not settable on this BMC" and is not counted as done."""
    path = write_inventory(tmp_path / "site.yaml", key, servers=1)
    bmcs = fleet(1, lockout=LOCKOUT, ntp=("10.9.9.9",) if has_ntp else None)
    run = engine(path, key, bmcs)
    run.ntp = {"lab": ("10.1.0.1", "10.1.0.2")}
    [result] = asyncio.run(run.apply())
    assert result.status == "changed" and result.confirmed
    ntp_changes = [str(c) for c in result.applied if c.kind == "set-ntp"]
    gaps = [str(g) for g in result.gaps if g.requirement == "R-SEC-05"]
    if has_ntp:
        assert ntp_changes == ["set-ntp NTP servers: 10.9.9.9 -> 10.1.0.1, 10.1.0.2"] and gaps == []
        assert bmcs[("127.0.0.1", 6000)].ntp == ("10.1.0.1", "10.1.0.2")
    else:
        assert ntp_changes == [] and len(gaps) == 1 and "not settable on this BMC" in gaps[0]
    second = engine(path, key, bmcs)  # the inventory as apply left it (new passwords sealed)
    second.ntp = run.ntp
    [again] = asyncio.run(second.plan())
    assert again.status == "unchanged", again
