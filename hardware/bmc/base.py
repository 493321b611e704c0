"""The BMC management interface and what it reads.

A *session* is one login to one BMC; its methods are blocking (pyghmi is),
and the engine runs a whole device's job — read, change, read — in one
session on a worker thread.  :class:`Management` opens sessions.

Failure contract: the transports' (``DeviceTimeout``, ``DeviceAuthError``,
``DeviceProtocolError``), plus :class:`Unsupported` for a setting this BMC
cannot hold, which the report shows as "not enforceable on this BMC".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from medcloud.hardware.transports.base import Revealable

from medcloud.errors import Unsupported as Unsupported  # noqa: PLC0414 -- re-export; defined in medcloud.errors

T = TypeVar("T")

#: IPMI privilege levels (IPMI 2.0 table 6-6) by their code; 0Fh is "no access".
PRIVILEGE_CODES: dict[str, int] = {
    "callback": 1, "user": 2, "operator": 3, "administrator": 4, "oem": 5, "no-access": 0x0F,
}
PRIVILEGE_NAMES = {code: name for name, code in PRIVILEGE_CODES.items()}

BootDevice = Literal["none", "pxe", "disk", "cdrom", "bios", "other"]
PowerAction = Literal["on", "off", "cycle", "soft", "reset"]


@dataclass(frozen=True)
class Account:
    """One user slot.  ``name`` is "" for an empty slot and for slot 1, IPMI's anonymous user."""

    slot: int
    name: str
    enabled: bool
    privilege: str

    @property
    def anonymous(self) -> bool:
        return self.slot == 1

    @property
    def in_use(self) -> bool:
        """A slot that grants anything: it has a name, or is enabled (anonymous, nameless)."""
        return bool(self.name) or self.enabled


@dataclass(frozen=True)
class LanSettings:
    """The BMC's LAN channel: address source, IPv4 address, netmask, gateway, 802.1Q VLAN."""

    source: Literal["static", "dhcp", "bios", "other", "unspecified"]
    address: str = "0.0.0.0"
    netmask: str = "0.0.0.0"
    gateway: str = "0.0.0.0"
    vlan: int | None = None


@dataclass(frozen=True)
class BootOverride:
    """The boot device for the next start; ``persistent`` is None when the BMC does not say."""

    device: BootDevice
    persistent: bool | None = False


@dataclass(frozen=True)
class Lockout:
    """IPMI 2.0 LAN parameter 26 (Bad Password Threshold): lock a user after ``failures``."""

    failures: int
    reset_s: int
    lockout_s: int


@dataclass(frozen=True)
class BMCState:
    """What a session read.  ``None`` for a part not asked for; ``unsupported`` names the parts
    the BMC cannot report (part → reason)."""

    accounts: tuple[Account, ...]
    lan: LanSettings | None = None
    boot: BootOverride | None = None
    power: str | None = None
    sol: bool | None = None
    lockout: Lockout | None = None
    #: The BMC clock's NTP servers, in order.
    ntp: tuple[str, ...] | None = None
    unsupported: tuple[tuple[str, str], ...] = ()

    def account(self, name: str) -> Account | None:
        for account in self.accounts:
            if account.name == name and name:
                return account
        return None

    def reason_unsupported(self, part: str) -> str | None:
        return dict(self.unsupported).get(part)


@dataclass(frozen=True)
class ReadScope:
    """Which optional parts a read covers.  Accounts are always read: every slot, or only
    ``slots`` (and slot 1, the anonymous user) when a read-back checks the ones it changed."""

    slots: frozenset[int] | None = None
    lan: bool = False
    boot: bool = False
    power: bool = False
    sol: bool = False
    lockout: bool = False
    ntp: bool = False


class Session(Protocol):
    """One login to one BMC.  Every write is one IPMI request or a short fixed sequence."""

    def read(self, scope: ReadScope) -> BMCState: ...

    def set_user_name(self, slot: int, name: str) -> None: ...

    def set_user_password(self, slot: int, password: Revealable) -> None: ...

    def set_user_access(self, slot: int, privilege: str, enabled: bool) -> None:
        """Privilege on the LAN channel, IPMI messaging and the user's enable flag."""
        ...

    def delete_user(self, slot: int) -> None:
        """Disable, no access, name cleared (IPMI has no deletion)."""
        ...

    def set_lan(self, lan: LanSettings) -> None: ...

    def set_lockout(self, lockout: Lockout) -> None: ...

    def set_boot(self, device: BootDevice, persistent: bool) -> None: ...

    def power(self, action: PowerAction) -> None: ...

    def set_sol(self, enabled: bool) -> None: ...

    def set_ntp(self, servers: tuple[str, ...]) -> None: ...


@dataclass(frozen=True)
class ManagementTarget:
    """A BMC and the account to log in with; ``passwords`` are tried in order."""

    host: str
    port: int
    username: str
    passwords: tuple[Revealable, ...]

    def __repr__(self) -> str:
        return f"ManagementTarget({self.host}:{self.port}, {self.username!r})"


class Management(Protocol):
    async def run(self, target: ManagementTarget, job: Callable[[Session], T], budget: float) -> tuple[T, int]:
        """Log in (each password in turn), run ``job`` in the session, log out; within ``budget`` s.

        Returns the job's result and the index of the password that opened the BMC.
        """
        ...

