"""An in-memory BMC behind the management interface, for unit tests.

:class:`FakeBMC` holds what an IPMI BMC holds (user slots with passwords, LAN, boot, power,
SOL, lockout) and answers like one: a slot it cannot do is :class:`Unsupported`, a wrong
password is :class:`DeviceAuthError`, a dead BMC :class:`DeviceTimeout`.  ``fail_on`` makes
a named session method fail, to test what a run does with a BMC that stops mid-change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from medcloud.hardware.bmc.base import (
    Account,
    BMCState,
    BootDevice,
    BootOverride,
    LanSettings,
    Lockout,
    ManagementTarget,
    PowerAction,
    ReadScope,
    Session,
    T,
    Unsupported,
)
from medcloud.hardware.transports.base import Revealable

from medcloud.errors import DeviceAuthError, DeviceProtocolError, DeviceTimeout


@dataclass
class FakeUser:
    name: str
    password: str = field(repr=False)
    enabled: bool = True
    privilege: str = "administrator"


@dataclass
class FakeBMC:
    users: dict[int, FakeUser]
    slots: int = 16
    lan: LanSettings | None = field(default_factory=lambda: LanSettings("dhcp"))
    boot: BootOverride = field(default_factory=lambda: BootOverride("none"))
    power: str = "on"
    sol: bool | None = False
    #: None: the BMC has no bad password threshold (LAN parameter 26).
    lockout: Lockout | None = None
    #: The clock's NTP servers; None: the BMC cannot be given any (as over IPMI).
    ntp: tuple[str, ...] | None = None
    dead: bool = False
    #: Session method name → raise on that call (after this many successful calls).
    fail_on: dict[str, int] = field(default_factory=dict)
    #: Every write, in order, as (method, slot or None).
    calls: list[tuple[str, int | None]] = field(default_factory=list)


class FakeSession:
    def __init__(self, bmc: FakeBMC) -> None:
        self.bmc = bmc

    def _call(self, method: str, slot: int | None = None) -> None:
        left = self.bmc.fail_on.get(method)
        if left is not None:
            if left <= 0:
                raise DeviceTimeout(f"fake: {method}: BMC stopped answering")
            self.bmc.fail_on[method] = left - 1
        self.bmc.calls.append((method, slot))

    def _slot(self, slot: int) -> FakeUser:
        if not 1 <= slot <= self.bmc.slots:
            raise DeviceProtocolError(f"fake: no user slot {slot}")
        return self.bmc.users.setdefault(slot, FakeUser("", "", False, "no-access"))

    def read(self, scope: ReadScope) -> BMCState:
        accounts = []
        for slot in range(1, self.bmc.slots + 1):
            if scope.slots is not None and slot != 1 and slot not in scope.slots:
                continue
            user = self.bmc.users.get(slot)
            accounts.append(Account(slot, user.name if user else "", bool(user and user.enabled),
                                    user.privilege if user else "no-access"))
        unsupported = []
        if scope.lan and self.bmc.lan is None:
            unsupported.append(("lan", "parameter not supported"))
        if scope.sol and self.bmc.sol is None:
            unsupported.append(("sol", "command not supported"))
        if scope.lockout and self.bmc.lockout is None:
            unsupported.append(("lockout", "parameter not supported"))
        if scope.ntp and self.bmc.ntp is None:
            unsupported.append(("ntp", "not settable on this BMC: fake BMC without NTP"))
        return BMCState(
            tuple(accounts), lan=self.bmc.lan if scope.lan else None, boot=self.bmc.boot if scope.boot else None,
            power=self.bmc.power if scope.power else None, sol=self.bmc.sol if scope.sol else None,
            lockout=self.bmc.lockout if scope.lockout else None, ntp=self.bmc.ntp if scope.ntp else None,
            unsupported=tuple(unsupported))

    def set_user_name(self, slot: int, name: str) -> None:
        self._call("set_user_name", slot)
        if slot < 2:
            raise DeviceProtocolError("fake: slot 1 has no name")
        self._slot(slot).name = name

    def set_user_password(self, slot: int, password: Revealable) -> None:
        self._call("set_user_password", slot)
        self._slot(slot).password = password.reveal()

    def set_user_access(self, slot: int, privilege: str, enabled: bool) -> None:
        self._call("set_user_access", slot)
        user = self._slot(slot)
        user.privilege, user.enabled = privilege, enabled

    def delete_user(self, slot: int) -> None:
        self._call("delete_user", slot)
        user = self._slot(slot)
        user.enabled, user.privilege = False, "no-access"
        if slot >= 2:
            user.name = ""

    def set_lan(self, lan: LanSettings) -> None:
        self._call("set_lan")
        if self.bmc.lan is None:
            raise Unsupported("fake: LAN parameters not supported")
        self.bmc.lan = lan

    def set_lockout(self, lockout: Lockout) -> None:
        self._call("set_lockout")
        if self.bmc.lockout is None:
            raise Unsupported("fake: parameter 26 not supported")
        self.bmc.lockout = lockout

    def set_boot(self, device: BootDevice, persistent: bool) -> None:
        self._call("set_boot")
        self.bmc.boot = BootOverride(device, persistent)

    def power(self, action: PowerAction) -> None:
        self._call("power")
        self.bmc.power = {"off": "off", "soft": "off"}.get(action, "on")

    def set_ntp(self, servers: tuple[str, ...]) -> None:
        self._call("set_ntp")
        if self.bmc.ntp is None:
            raise Unsupported("fake: not settable on this BMC: no NTP")
        self.bmc.ntp = tuple(servers)

    def set_sol(self, enabled: bool) -> None:
        self._call("set_sol")
        if self.bmc.sol is None:
            raise Unsupported("fake: SOL not supported")
        self.bmc.sol = enabled


class FakeManagement:
    """:class:`~medcloud.hardware.bmc.base.Management` over :class:`FakeBMC` objects keyed by (host, port)."""

    def __init__(self, bmcs: dict[tuple[str, int], FakeBMC]) -> None:
        self.bmcs = bmcs
        self.logins: list[tuple[str, int, int]] = []

    async def run(self, target: ManagementTarget, job: Callable[[Session], T], budget: float) -> tuple[T, int]:
        bmc = self.bmcs.get((target.host, target.port))
        if bmc is None or bmc.dead:
            raise DeviceTimeout(f"{target.host}:{target.port}: BMC did not answer")
        for index, password in enumerate(target.passwords):
            if any(u.name == target.username and u.enabled and u.password == password.reveal()
                   for u in bmc.users.values()):
                self.logins.append((target.host, target.port, index))
                return job(FakeSession(bmc)), index
        raise DeviceAuthError(f"{target.host}:{target.port}: BMC refused the credentials")
