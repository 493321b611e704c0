"""The management interface on pyghmi (IPMI 2.0 over RMCP+).

Sessions come from the read-only transport's :func:`~medcloud.hardware.transports.ipmi.login`
and run in its bounded worker threads (:meth:`PyghmiIPMI.run_blocking`), so reading and
managing BMCs share one session discipline (pyghmi's cached logins, the wake-up fix, the
one-lock fix for pyghmi 1.6's lock-order deadlock, the thread bound and the fast failure
once every thread is stuck).

Requests are IPMI 2.0's own (section numbers of the specification):

* users — Get/Set User Access (22.26/22.27), Get/Set User Name (22.28/22.29), Set User
  Password (22.30: set, enable, disable);
* LAN — Get/Set LAN Configuration Parameters (23.1/23.2) 3 address, 4 source, 6 netmask,
  12 gateway, 20 VLAN, 26 bad password threshold, written inside set-in-progress/commit;
* boot — Get/Set System Boot Options (28.12/28.13) parameter 5, boot flags;
* power — Chassis Control (28.3), Get Chassis Status via pyghmi;
* SOL — Get/Set SOL Configuration Parameters (26.2/26.3) parameter 1, SOL enable.

Completion codes 80h (parameter not supported) and C1h (invalid command) mean the BMC
lacks the setting: :class:`~medcloud.hardware.bmc.base.Unsupported`.
"""

from __future__ import annotations

import contextlib
import socket
import struct
from collections.abc import Callable
from typing import Any

from medcloud.hardware.bmc.base import (
    PRIVILEGE_CODES,
    PRIVILEGE_NAMES,
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
from medcloud.hardware.transports.base import IPMITarget, Revealable
from medcloud.hardware.transports.ipmi import PyghmiIPMI, _classify, login

from medcloud.errors import DeviceAuthError, DeviceProtocolError

_UNSUPPORTED = {0x80: "parameter not supported", 0xC1: "command not supported"}
#: Settings this driver cannot make on any BMC, part -> why (data, not code paths): the plan reports
#: each as "not settable on this BMC", a gap with its reason, never as done.
NOT_SETTABLE = {
    "ntp": "IPMI 2.0 defines no NTP parameter (vendors keep it in OEM commands, their web UI or Redfish)",
}
#: Set-in-progress (LAN parameter 0) answers meaning "no such mechanism here".
_NO_SET_IN_PROGRESS = frozenset({0x80, 0x81})

_SOURCES = {0: "unspecified", 1: "static", 2: "dhcp", 3: "bios", 4: "other"}
_SOURCE_CODES = {"static": 1, "dhcp": 2}
#: Boot device selector (boot flags byte 2, bits 5:2) ↔ our names.
_BOOT_DEVICES: dict[int, BootDevice] = {0: "none", 1: "pxe", 2: "disk", 5: "cdrom", 6: "bios"}
_BOOT_SELECTORS = {name: code for code, name in _BOOT_DEVICES.items()}
_POWER_CONTROL = {"off": 0, "on": 1, "cycle": 2, "reset": 3, "soft": 5}
#: Bad Password Threshold intervals are in units of 10 s.
_INTERVAL_S = 10


class PyghmiSession:
    """:class:`~medcloud.hardware.bmc.base.Session` over one pyghmi ``Command``."""

    def __init__(self, command: Any, where: str) -> None:
        self._cmd = command
        self._where = where
        self._channel: int | None = None

    # --- plumbing -------------------------------------------------------------------

    def _raw(self, netfn: int, command: int, data: list[int] | bytes, what: str) -> bytes:
        answer = self._cmd.raw_command(netfn=netfn, command=command, data=list(data))
        code = answer.get("code", 0)
        if code in _UNSUPPORTED:
            raise Unsupported(f"{self._where}: {what}: {_UNSUPPORTED[code]} (completion code {code:02X}h)")
        if "error" in answer or code:
            raise DeviceProtocolError(f"{self._where}: {what}: {answer.get('error') or f'code {code:02X}h'}")
        return bytes(answer.get("data") or b"")

    @property
    def channel(self) -> int:
        if self._channel is None:
            channel = self._cmd.get_network_channel()
            if channel is None:
                raise DeviceProtocolError(f"{self._where}: the BMC reports no LAN channel")
            self._channel = int(channel)
        return self._channel

    def _lan_get(self, parameter: int, what: str) -> bytes:
        # Answer: parameter revision, then the data.
        return self._raw(0x0C, 0x02, [self.channel, parameter, 0, 0], what)[1:]

    def _lan_set(self, parameter: int, data: bytes | list[int], what: str) -> None:
        self._raw(0x0C, 0x01, bytes([self.channel, parameter]) + bytes(data), what)

    # --- reads ----------------------------------------------------------------------

    def _access(self, slot: int) -> bytes:
        return self._raw(0x06, 0x44, [self.channel, slot], f"Get User Access {slot}")

    @staticmethod
    def _enabled(access: bytes) -> bool:
        status = access[1] >> 6  # IPMI 2.0: 01b enabled, 10b disabled, 00b not reported
        return status == 1 or (status == 0 and bool(access[3] & 0x10))

    def _accounts(self, only: frozenset[int] | None) -> tuple[Account, ...]:
        first = self._access(1)
        slots = first[0] & 0x3F
        enabled_count = first[1] & 0x3F
        accounts: dict[int, Account] = {1: Account(1, "", self._enabled(first),
                                                   PRIVILEGE_NAMES.get(first[3] & 0x0F, "reserved"))}
        names = {slot: self._raw(0x06, 0x46, [slot], f"Get User Name {slot}").rstrip(b"\0").decode(
            "utf-8", "replace") for slot in range(2, slots + 1) if only is None or slot in only}
        # Access is read for every named slot; nameless ones only while enabled slots are unaccounted
        # (a partial read cannot count them, so it reads every slot it was asked for).
        for slot in sorted(names, key=lambda s: (not names[s], s)):
            found = sum(a.enabled for a in accounts.values())
            if only is None and not names[slot] and found >= enabled_count:
                accounts[slot] = Account(slot, "", False, "no-access")
                continue
            access = self._access(slot)
            accounts[slot] = Account(slot, names[slot], self._enabled(access),
                                     PRIVILEGE_NAMES.get(access[3] & 0x0F, "reserved"))
        return tuple(accounts[slot] for slot in sorted(accounts))

    def _lan(self) -> LanSettings:
        source = _SOURCES.get(self._lan_get(4, "IP address source")[0] & 0x0F, "other")
        address = socket.inet_ntoa(self._lan_get(3, "IP address")[:4])
        netmask = socket.inet_ntoa(self._lan_get(6, "subnet mask")[:4])
        gateway = socket.inet_ntoa(self._lan_get(12, "default gateway")[:4])
        vlan_raw = self._lan_get(20, "802.1q VLAN ID")
        vlan_word = struct.unpack("<H", vlan_raw[:2])[0]
        vlan = vlan_word & 0x0FFF if vlan_word & 0x8000 else None
        return LanSettings(source, address, netmask, gateway, vlan)  # type: ignore[arg-type]

    def _lockout(self) -> Lockout:
        data = self._lan_get(26, "bad password threshold")
        failures, reset, lockout = data[1], struct.unpack("<H", data[2:4])[0], struct.unpack("<H", data[4:6])[0]
        return Lockout(failures, reset * _INTERVAL_S, lockout * _INTERVAL_S)

    def _boot(self) -> BootOverride:
        data = self._raw(0x00, 0x09, [5, 0, 0], "Get System Boot Options")
        flags, selector = data[2], (data[3] >> 2) & 0x0F
        device = _BOOT_DEVICES.get(selector, "other")
        if flags & 0x80:
            return BootOverride(device, bool(flags & 0x40))
        if selector == 0:
            return BootOverride("none", False)
        # The flags' valid bit is clear but a device is named (OpenIPMI's lanserv keeps only the
        # device): the device is known, whether it persists is not.
        return BootOverride(device, None)

    def _not_settable(self, part: str) -> Unsupported:
        return Unsupported(f"{self._where}: not settable on this BMC: {NOT_SETTABLE[part]}")

    def _ntp(self) -> tuple[str, ...]:
        raise self._not_settable("ntp")

    def _sol(self) -> bool:
        data = self._raw(0x0C, 0x22, [self.channel, 1, 0, 0], "Get SOL Configuration")
        return bool(data[1] & 0x01)

    def read(self, scope: ReadScope) -> BMCState:
        unsupported: list[tuple[str, str]] = []

        def optional(part: str, wanted: bool, fetch: Callable[[], T]) -> T | None:
            if not wanted:
                return None
            try:
                return fetch()
            except Unsupported as exc:
                unsupported.append((part, str(exc).split(": ", 1)[-1]))
                return None

        accounts = self._accounts(scope.slots)
        return BMCState(
            accounts=accounts,
            lan=optional("lan", scope.lan, self._lan),
            boot=optional("boot", scope.boot, self._boot),
            power=optional("power", scope.power, lambda: str(self._cmd.get_power()["powerstate"])),
            sol=optional("sol", scope.sol, self._sol),
            lockout=optional("lockout", scope.lockout, self._lockout),
            ntp=optional("ntp", scope.ntp, self._ntp),
            unsupported=tuple(unsupported),
        )

    # --- writes -----------------------------------------------------------------------

    def set_user_name(self, slot: int, name: str) -> None:
        raw = name.encode("utf-8")
        if slot < 2 or len(raw) > 16:
            raise ValueError("user names go in slots 2 and up, at most 16 bytes")
        self._raw(0x06, 0x45, bytes([slot]) + raw.ljust(16, b"\0"), f"Set User Name {slot}")

    def set_user_password(self, slot: int, password: Revealable) -> None:
        raw = password.reveal().encode("utf-8")
        if len(raw) > 20:
            raise ValueError("IPMI passwords are at most 20 bytes")
        # 16-byte form when it fits (every BMC takes it), else the IPMI 2.0 20-byte form.
        head = slot | (0x80 if len(raw) > 16 else 0)
        self._raw(0x06, 0x47, bytes([head, 0x02]) + raw.ljust(16 if len(raw) <= 16 else 20, b"\0"),
                  f"Set User Password {slot}")

    def _enable(self, slot: int, enabled: bool) -> None:
        answer = self._cmd.raw_command(netfn=0x06, command=0x47, data=[slot, 1 if enabled else 0])
        # Some BMCs refuse a redundant enable/disable with CCh; the state is what was asked.
        if "error" in answer and answer.get("code") != 0xCC:
            raise DeviceProtocolError(f"{self._where}: {'enable' if enabled else 'disable'} user {slot}: "
                                      f"{answer['error']}")

    def set_user_access(self, slot: int, privilege: str, enabled: bool) -> None:
        flags = 0x80 | (0x10 if enabled else 0) | (0x20 if enabled else 0) | self.channel
        self._raw(0x06, 0x43, [flags, slot, PRIVILEGE_CODES[privilege], 0], f"Set User Access {slot}")
        self._enable(slot, enabled)

    def delete_user(self, slot: int) -> None:
        self._enable(slot, False)
        self._raw(0x06, 0x43, [0x80 | self.channel, slot, PRIVILEGE_CODES["no-access"], 0],
                  f"Set User Access {slot}")
        if slot >= 2:  # slot 1 has no name to clear
            self.set_user_name(slot, "")

    def set_lan(self, lan: LanSettings) -> None:
        try:
            self._lan_set(0, [1], "set in progress")
            staged = True
        except DeviceProtocolError as exc:
            if not isinstance(exc, Unsupported) and "81h" not in str(exc):
                raise
            staged = False  # writes take effect one by one
        try:
            self._lan_set(4, [_SOURCE_CODES[lan.source]], "IP address source")
            if lan.source == "static":
                self._lan_set(3, socket.inet_aton(lan.address), "IP address")
                self._lan_set(6, socket.inet_aton(lan.netmask), "subnet mask")
                self._lan_set(12, socket.inet_aton(lan.gateway), "default gateway")
            word = 0 if lan.vlan is None else 0x8000 | lan.vlan
            self._lan_set(20, struct.pack("<H", word), "802.1q VLAN ID")
            if staged:
                self._lan_set(0, [2], "commit write")
        finally:
            if staged:
                self._lan_set(0, [0], "set complete")

    def set_lockout(self, lockout: Lockout) -> None:
        self._lan_set(26, bytes([0, lockout.failures]) + struct.pack(
            "<HH", lockout.reset_s // _INTERVAL_S, lockout.lockout_s // _INTERVAL_S), "bad password threshold")

    def set_boot(self, device: BootDevice, persistent: bool) -> None:
        if device not in _BOOT_SELECTORS:
            raise ValueError(f"cannot ask a BMC to boot from {device!r}")
        # Clear the boot-info-acknowledge and flag timeout first, as IPMI 2.0 28.13 suggests.
        self._raw(0x00, 0x08, [3, 0x08], "Set System Boot Options (flag valid bit clearing)")
        selector = _BOOT_SELECTORS[device]
        flags = 0 if selector == 0 else 0x80 | (0x40 if persistent else 0)
        self._raw(0x00, 0x08, [5, flags, selector << 2, 0, 0, 0], "Set System Boot Options (boot flags)")

    def power(self, action: PowerAction) -> None:
        self._raw(0x00, 0x02, [_POWER_CONTROL[action]], f"Chassis Control ({action})")

    def set_sol(self, enabled: bool) -> None:
        self._raw(0x0C, 0x21, [self.channel, 1, 1 if enabled else 0], "Set SOL Configuration")

    def set_ntp(self, servers: tuple[str, ...]) -> None:
        raise self._not_settable("ntp")


class PyghmiManagement:
    """:class:`~medcloud.hardware.bmc.base.Management` on pyghmi, in the IPMI transport's threads."""

    def __init__(self, workers: int = 64) -> None:
        self._threads = PyghmiIPMI(workers)

    async def run(self, target: ManagementTarget, job: Callable[[Session], T], budget: float) -> tuple[T, int]:
        where = f"{target.host}:{target.port}"

        def work() -> tuple[T, int]:
            refused: DeviceAuthError | None = None
            for index, password in enumerate(target.passwords):
                ipmi_target = IPMITarget(target.host, target.port, target.username, password)
                with contextlib.ExitStack() as stack:
                    try:
                        command = stack.enter_context(login(ipmi_target))
                    except DeviceAuthError as exc:
                        refused = exc  # try the next password (a change that stopped half-way)
                        continue
                    try:
                        return job(PyghmiSession(command, where)), index
                    except _DEVICE_FAILURES as exc:
                        raise _classify(where, exc) from None
            raise refused or DeviceAuthError(f"{where}: no password to log in with")

        return await self._threads.run_blocking(where, work, budget)


def _device_failures() -> tuple[type[Exception], ...]:
    from pyghmi import exceptions

    return (OSError, exceptions.PyghmiException)


#: What a session job may raise that is the BMC's doing (classified like the read-only transport's).
_DEVICE_FAILURES = _device_failures()
