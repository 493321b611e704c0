"""BMC desired state and plans (R-SEC-04): accounts, password rotation, lockout, LAN, boot — pure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import string

import pytest
from medcloud.hardware.bmc.base import Account, BMCState, BootOverride, LanSettings, Lockout
from medcloud.hardware.bmc.desired import (
    IPMI_GAPS,
    LOCKOUT,
    NOT_ENFORCEABLE,
    PASSWORD_CLASSES,
    DesiredAccount,
    DesiredBMC,
    generate_password,
    rotation_due,
)
from medcloud.hardware.bmc.plan import plan
from medcloud.hardware.inventory import IPMICredential

from medcloud.model import standards

SEALED = "sm4gcm:v1:0123456789abcdef:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
TODAY = dt.date(2026, 11, 29)


def desired(*accounts: DesiredAccount, lan: LanSettings | None = None, boot: BootOverride | None = None,
            sol: bool | None = None) -> DesiredBMC:
    accounts = accounts or (DesiredAccount("bmc-admin", "admin", "administrator", True, None),)
    return DesiredBMC("n1", accounts, lan, boot, sol, LOCKOUT, 16)


def state(*named: tuple[int, str, bool, str], slots: int = 8, **parts: object) -> BMCState:
    table = {slot: Account(slot, name, enabled, privilege) for slot, name, enabled, privilege in named}
    accounts = tuple(table.get(s, Account(s, "", False, "no-access")) for s in range(1, slots + 1))
    return BMCState(accounts, **parts)  # type: ignore[arg-type]


ADMIN = (2, "admin", True, "administrator")


def test_factory_and_anonymous_accounts_are_removed_never_the_management_one() -> None:
    """R-SEC-04 (no shared accounts): every account the inventory does not name goes."""
    result = plan(state((1, "", True, "user"), ADMIN, (3, "Administrator", True, "administrator"),
                        (5, "", True, "operator")), desired())
    removed = [c.slot for c in result.changes if c.kind == "remove-account"]
    assert removed == [1, 3, 5]
    assert all(c.slot != 2 for c in result.changes)
    assert "anonymous" in str(result.changes[0])
    assert not result.blockers


def test_a_quiet_bmc_needs_nothing_but_says_what_it_cannot_enforce() -> None:
    result = plan(state(ADMIN, lockout=LOCKOUT), desired())
    assert result.changes == ()
    assert set(IPMI_GAPS) <= set(result.gaps)
    assert all(g.requirement == "R-SEC-04" for g in IPMI_GAPS)
    assert all(NOT_ENFORCEABLE in str(g) for g in result.gaps)


def test_lockout_is_set_where_the_bmc_has_it_and_a_gap_where_it_does_not() -> None:
    weak = Lockout(failures=0, reset_s=0, lockout_s=0)
    result = plan(state(ADMIN, lockout=weak), desired())
    assert [c.kind for c in result.changes] == ["set-lockout"]
    assert LOCKOUT.failures == standards.LOGIN_FAILURES_BEFORE_LOCK
    assert LOCKOUT.lockout_s >= standards.LOCKOUT_MIN_MINUTES * 60
    missing = plan(state(ADMIN, unsupported=(("lockout", "parameter not supported"),)), desired())
    assert missing.changes == ()
    assert any("lock after 5 failed logins" in str(g) and "parameter not supported" in str(g) for g in missing.gaps)


def test_missing_accounts_take_the_lowest_free_slot_including_ones_being_freed() -> None:
    ops = DesiredAccount("ops", "ops", "operator", False, "never set by medcloud")
    result = plan(state(ADMIN, (3, "ADMIN", True, "administrator"), slots=3),
                  desired(desired().accounts[0], ops))
    kinds = [(c.kind, c.slot) for c in result.changes]
    assert kinds == [("remove-account", 3), ("create-account", 3)]
    assert result.sets_password("ops") is result.changes[1]
    full = plan(state(ADMIN, slots=2), desired(desired().accounts[0], ops))
    assert full.blockers == ("no free user slot for 'ops'",)


def test_wrong_privilege_or_disabled_accounts_are_corrected() -> None:
    ops = DesiredAccount("ops", "ops", "operator", False, None)
    result = plan(state(ADMIN, (4, "ops", False, "administrator")), desired(desired().accounts[0], ops))
    assert [(c.kind, c.slot, c.privilege) for c in result.changes] == [("set-access", 4, "operator")]


def test_the_management_password_changes_last() -> None:
    admin = DesiredAccount("bmc-admin", "admin", "administrator", True, "never set by medcloud")
    ops = DesiredAccount("ops", "ops", "user", False, "never set by medcloud")
    result = plan(state(ADMIN, (3, "ops", True, "user"), (4, "root", True, "administrator"), lan=LanSettings("dhcp")),
                  desired(admin, ops, lan=LanSettings("static", "10.0.0.5", "255.255.255.0", "10.0.0.1", 100)))
    kinds = [c.kind for c in result.changes]
    assert kinds == ["remove-account", "set-lan", "set-password", "set-password"]
    assert result.changes[-1].credential == "bmc-admin"
    assert "password" not in result.changes[-1].detail.replace("new generated password", "")


def test_a_missing_management_account_blocks_the_plan() -> None:
    result = plan(state((3, "root", True, "administrator")), desired())
    assert result.blockers == ("the management account 'admin' is not on the BMC",)


def test_lan_dhcp_ignores_the_leased_address_and_static_compares_everything() -> None:
    dhcp = LanSettings("dhcp", vlan=None)
    leased = LanSettings("dhcp", "10.9.9.9", "255.0.0.0", "10.0.0.1")
    assert plan(state(ADMIN, lan=leased), desired(lan=dhcp)).changes == ()
    static = LanSettings("static", "10.0.0.5", "255.255.255.0", "10.0.0.1", 100)
    change = plan(state(ADMIN, lan=dataclasses.replace(static, vlan=None)), desired(lan=static)).changes
    assert [c.kind for c in change] == ["set-lan"] and "VLAN 100" in change[0].detail
    gap = plan(state(ADMIN, unsupported=(("lan", "parameter not supported"),)), desired(lan=static))
    assert gap.changes == () and any(g.requirement == "R-NET-01" for g in gap.gaps)


def test_boot_persistence_the_bmc_does_not_report_is_not_a_difference() -> None:
    want = BootOverride("pxe", False)
    assert plan(state(ADMIN, boot=BootOverride("pxe", None)), desired(boot=want)).changes == ()
    assert [c.kind for c in plan(state(ADMIN, boot=BootOverride("pxe", True)), desired(boot=want)).changes] == [
        "set-boot"]
    assert [c.kind for c in plan(state(ADMIN, boot=BootOverride("none")), desired(boot=want)).changes] == [
        "set-boot"]


@pytest.mark.parametrize(("rotated", "previous", "shared", "due"), [
    (None, None, 1, "never set by medcloud"),
    (TODAY - dt.timedelta(days=standards.PASSWORD_MAX_AGE_DAYS + 1), None, 1, "91 days old"),
    (TODAY - dt.timedelta(days=standards.PASSWORD_MAX_AGE_DAYS), None, 1, None),
    (TODAY, None, 3, "shared by 3 BMCs"),
    (TODAY, SEALED, 1, "an earlier change did not finish"),
])
def test_rotation_is_due_by_r_sec_04(rotated: dt.date | None, previous: str | None, shared: int,
                                     due: str | None) -> None:
    credential = IPMICredential(kind="ipmi", username="admin", password=SEALED, rotated=rotated,
                                previous_password=previous)
    reason = rotation_due(credential, shared, TODAY)
    assert (reason is None) if due is None else (reason is not None and due in reason)


def test_generated_passwords_have_every_class_and_the_asked_length() -> None:
    seen = set()
    for length in (12, 16, 20):
        password = generate_password(length)
        seen.add(password)
        assert len(password) == length
        assert all(any(c in group for c in password) for group in PASSWORD_CLASSES)
        assert not set(password) & set("\"'\\ ")
        assert set(password) <= set(string.printable)
    assert len(seen) == 3


def test_the_centres_ntp_servers_where_the_bmc_cannot_take_them_are_a_gap_not_a_pass() -> None:
    """R-SEC-05: event-log time comes from the BMC clock.  A driver that cannot set NTP (IPMI) says so in
    the read; the plan reports it "not settable on this BMC" with the reason, never as done."""
    want = dataclasses.replace(desired(), ntp=("10.1.0.1", "10.1.0.2"))
    reason = "not settable on this BMC: IPMI 2.0 defines no NTP parameter"
    result = plan(state(ADMIN, lockout=LOCKOUT, unsupported=(("ntp", reason),)), want)
    assert result.changes == ()
    gap = next(g for g in result.gaps if g.requirement == "R-SEC-05")
    assert "10.1.0.1, 10.1.0.2" in gap.what and NOT_ENFORCEABLE in str(gap) and reason in str(gap)
    assert not any(g.requirement == "R-SEC-05" for g in plan(state(ADMIN), desired()).gaps)


def test_a_bmc_that_has_ntp_gets_the_centres_servers_in_order() -> None:
    want = dataclasses.replace(desired(), ntp=("10.1.0.1", "10.1.0.2"))
    for have in ((), ("10.9.9.9",), ("10.1.0.2", "10.1.0.1")):
        result = plan(state(ADMIN, lockout=LOCKOUT, ntp=have), want)
        assert [str(c) for c in result.changes] == [
            f"set-ntp NTP servers: {', '.join(have) or 'none'} -> 10.1.0.1, 10.1.0.2"]
        assert not any(g.requirement == "R-SEC-05" for g in result.gaps)
    assert plan(state(ADMIN, lockout=LOCKOUT, ntp=("10.1.0.1", "10.1.0.2")), want).changes == ()
