"""From the state a BMC has to the state it must have: an ordered list of changes (pure).

Order keeps the management session alive: accounts that must go are removed first
(never the one logged in with), then accounts are created and corrected, then the LAN,
lockout, boot, SOL and NTP settings, then the other accounts' passwords and, last, the
management account's own password.  A :class:`Change` holds no secret: passwords are
handed to :func:`execute` by credential name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from medcloud.hardware.bmc.base import BMCState, LanSettings, Session
from medcloud.hardware.bmc.desired import IPMI_GAPS, DesiredAccount, DesiredBMC, PolicyGap
from medcloud.hardware.transports.base import Revealable

from medcloud.errors import DeviceProtocolError

Kind = Literal["remove-account", "create-account", "set-access", "set-lan", "set-lockout", "set-boot",
               "set-sol", "set-ntp", "set-password"]
#: R-SEC-07: BMC network settings are network-policy changes; the rest are privileged actions.
NETWORK_KINDS = frozenset({"set-lan"})
#: Changes that set an account's password (from the ``passwords`` handed to :func:`execute`).
PASSWORD_KINDS = frozenset({"create-account", "set-password"})


@dataclass(frozen=True)
class Change:
    kind: Kind
    #: What it changes, e.g. "user 3 (Administrator)", "LAN".
    subject: str
    #: From what to what, masked: never a password.
    detail: str
    slot: int | None = None
    #: The credential whose password (or account) this is.
    credential: str | None = None
    username: str = ""
    privilege: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}: {self.detail}"

    @property
    def category(self) -> str:
        return "network-policy" if self.kind in NETWORK_KINDS else "privileged"


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    gaps: tuple[PolicyGap, ...]
    #: Problems that stop the plan (no free user slot, the management account missing).
    blockers: tuple[str, ...] = field(default=())

    def sets_password(self, credential: str) -> Change | None:
        """The change that gives ``credential``'s account its password on this BMC, if any."""
        for change in self.changes:
            if change.credential == credential and change.kind in PASSWORD_KINDS:
                return change
        return None


def _label(slot: int, name: str) -> str:
    return f"user {slot} ({name or 'anonymous' if slot == 1 else name or 'unnamed'})"


def plan(state: BMCState, desired: DesiredBMC) -> Plan:
    """The changes that take ``state`` to ``desired``, in the order :func:`execute` runs them."""
    removals: list[Change] = []
    accounts: list[Change] = []
    passwords: list[Change] = []
    blockers: list[str] = []
    wanted = {a.username: a for a in desired.accounts}
    kept: dict[str, int] = {}
    management_slot = None

    for account in state.accounts:
        want = wanted.get(account.name) if account.name else None
        if want is not None and account.name not in kept:
            kept[account.name] = account.slot
            if want.management:
                management_slot = account.slot
            if account.privilege != want.privilege or not account.enabled:
                accounts.append(Change("set-access", _label(account.slot, account.name),
                                       f"{account.privilege}{'' if account.enabled else ', disabled'} -> "
                                       f"{want.privilege}, enabled", account.slot, want.credential,
                                       want.username, want.privilege))
            continue
        if account.in_use:
            why = ("anonymous login" if account.anonymous else
                   "listed twice" if account.name in kept else "not in the inventory (factory default?)")
            removals.append(Change("remove-account", _label(account.slot, account.name),
                                   f"{why}: disable, no access" + ("" if account.anonymous else ", clear name"),
                                   account.slot))
    if management_slot is None:
        blockers.append(f"the management account {desired.management.username!r} is not on the BMC")

    free = [a.slot for a in state.accounts if a.slot >= 2 and not a.in_use]
    free += [c.slot for c in removals if c.slot is not None and c.slot >= 2]
    for want in desired.accounts:
        if want.username in kept:
            if want.rotate:
                passwords.append(_password(kept[want.username], want, want.rotate))
            continue
        if not free:
            blockers.append(f"no free user slot for {want.username!r}")
            continue
        slot = min(free)
        free.remove(slot)
        # Name, password, then enable: the account never accepts logins before its password is set.
        accounts.append(Change("create-account", _label(slot, want.username),
                               f"create with privilege {want.privilege} and a "
                               f"{'new generated' if want.rotate else 'the inventory'} password", slot,
                               want.credential, want.username, want.privilege))
    # The management account's own password goes last: everything before runs on the old one.
    passwords.sort(key=lambda c: c.credential == desired.management.credential)

    settings: list[Change] = []
    gaps = list(IPMI_GAPS)
    if desired.lan is not None:
        unsupported = state.reason_unsupported("lan")
        if unsupported:
            gaps.append(PolicyGap("R-NET-01", "BMC network settings", unsupported))
        elif state.lan is not None and not _lan_matches(state.lan, desired.lan):
            settings.append(Change("set-lan", "LAN", f"{_lan_text(state.lan)} -> {_lan_text(desired.lan)}"))
    unsupported = state.reason_unsupported("lockout")
    if unsupported:
        gaps.append(PolicyGap("R-SEC-04", f"lock after {desired.lockout.failures} failed logins for "
                                          f"{desired.lockout.lockout_s // 60} min", unsupported))
    elif state.lockout is not None and state.lockout != desired.lockout:
        settings.append(Change("set-lockout", "bad password threshold",
                               f"{state.lockout.failures} failures/{state.lockout.lockout_s} s -> "
                               f"{desired.lockout.failures} failures/{desired.lockout.lockout_s} s"))
    if desired.boot is not None and state.boot is not None:
        persistent_ok = state.boot.persistent is None or state.boot.persistent == desired.boot.persistent
        if state.boot.device != desired.boot.device or not persistent_ok:
            settings.append(Change("set-boot", "next boot", f"{state.boot.device} -> {desired.boot.device}"
                                   f" ({'persistent' if desired.boot.persistent else 'once'})"))
    if desired.sol is not None:
        unsupported = state.reason_unsupported("sol")
        if unsupported:
            gaps.append(PolicyGap("R-SEC-04", "serial over LAN setting", unsupported))
        elif state.sol is not None and state.sol != desired.sol:
            settings.append(Change("set-sol", "serial over LAN", f"{state.sol} -> {desired.sol}"))
    if desired.ntp:
        unsupported = state.reason_unsupported("ntp")
        if unsupported:
            gaps.append(PolicyGap("R-SEC-05", f"BMC clock from NTP {', '.join(desired.ntp)} (time in its event log)",
                                  unsupported))
        elif state.ntp is not None and tuple(state.ntp) != tuple(desired.ntp):
            settings.append(Change("set-ntp", "NTP servers",
                                   f"{', '.join(state.ntp) or 'none'} -> {', '.join(desired.ntp)}"))
    return Plan(tuple(removals + accounts + settings + passwords), tuple(gaps), tuple(blockers))


def _password(slot: int, want: DesiredAccount, why: str) -> Change:
    return Change("set-password", _label(slot, want.username), f"new generated password ({why})", slot,
                  want.credential, want.username, want.privilege)


def _lan_matches(have: LanSettings, want: LanSettings) -> bool:
    if want.source == "dhcp":  # the address is the DHCP server's to give
        return have.source == "dhcp" and have.vlan == want.vlan
    return have == want


def _lan_text(lan: LanSettings) -> str:
    tag = f", VLAN {lan.vlan}" if lan.vlan else ", untagged"
    if lan.source != "static":
        return f"{lan.source}{tag}"
    return f"static {lan.address}/{lan.netmask} gw {lan.gateway}{tag}"


def execute(session: Session, change: Change, desired: DesiredBMC, passwords: Mapping[str, Revealable]) -> None:
    """Make one change in ``session``; ``passwords`` maps credential name → the password to set."""
    slot = change.slot or 0
    if change.kind in ("remove-account", "create-account", "set-access", "set-password") and slot < 1:
        raise DeviceProtocolError(f"{change}: no user slot")
    if change.kind == "remove-account":
        session.delete_user(slot)
    elif change.kind == "create-account":
        session.set_user_name(slot, change.username)
        session.set_user_password(slot, passwords[change.credential or ""])
        session.set_user_access(slot, change.privilege, True)
    elif change.kind == "set-access":
        session.set_user_access(slot, change.privilege, True)
    elif change.kind == "set-password":
        session.set_user_password(slot, passwords[change.credential or ""])
    elif change.kind == "set-lan" and desired.lan is not None:
        session.set_lan(desired.lan)
    elif change.kind == "set-lockout":
        session.set_lockout(desired.lockout)
    elif change.kind == "set-boot" and desired.boot is not None:
        session.set_boot(desired.boot.device, bool(desired.boot.persistent))
    elif change.kind == "set-sol" and desired.sol is not None:
        session.set_sol(desired.sol)
    elif change.kind == "set-ntp" and desired.ntp:
        session.set_ntp(desired.ntp)
    else:
        raise ValueError(f"cannot execute {change}")
