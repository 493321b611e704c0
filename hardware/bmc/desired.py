"""The state each BMC must have, as data (R-SEC-04), from the inventory, the profile and the standard.

* Accounts: the endpoint's credential (the management account medcloud logs in with,
  administrator) and its ``accounts``; every other account — factory defaults, IPMI's
  anonymous user 1 — is removed.
* Passwords: rotated when never set by medcloud, older than
  :data:`~medcloud.model.standards.PASSWORD_MAX_AGE_DAYS`, shared by several BMCs (014
  7.2.3.1 a: no shared accounts) or left half-changed by an earlier run.
* Lockout after :data:`~medcloud.model.standards.LOGIN_FAILURES_BEFORE_LOCK` failures for
  :data:`~medcloud.model.standards.LOCKOUT_MIN_MINUTES` (IPMI LAN parameter 26), where the BMC
  has it.
* LAN settings, boot device and SOL where the inventory names them; the clock from the NTP
  servers of the server's centre where a region is given (where the BMC's driver cannot set
  NTP, as over IPMI, a gap: "not settable on this BMC").

What IPMI cannot hold is listed as a :class:`PolicyGap` — "not enforceable on this BMC" —
never as a pass.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from dataclasses import dataclass

from medcloud.hardware.bmc.base import BootOverride, LanSettings, Lockout
from medcloud.hardware.inventory import Inventory, IPMICredential, Server

from medcloud.errors import InputError
from medcloud.model import standards

#: Password alphabet: the four classes, without quotes, backslash and space (BMC web UIs and
#: shells mangle them).
PASSWORD_CLASSES = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "!#%+,-.:=@^_~")
DEFAULT_PASSWORD_LENGTH = 16
#: IPMI 2.0 counts the lockout's reset and lockout intervals in tens of seconds.
LOCKOUT = Lockout(failures=standards.LOGIN_FAILURES_BEFORE_LOCK,
                  reset_s=standards.LOCKOUT_MIN_MINUTES * 60, lockout_s=standards.LOCKOUT_MIN_MINUTES * 60)

NOT_ENFORCEABLE = "not enforceable on this BMC"


@dataclass(frozen=True)
class PolicyGap:
    """A part of a requirement the BMC cannot be made to hold, and what medcloud does instead."""

    requirement: str
    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.requirement} {self.what}: {NOT_ENFORCEABLE} ({self.reason})"


#: R-SEC-04 parts no IPMI BMC holds, whatever its firmware.
IPMI_GAPS = (
    PolicyGap("R-SEC-04", "password expiry <= 90 days",
              "IPMI has no password expiry; `medcloud bmc apply` rotates passwords older than "
              f"{standards.PASSWORD_MAX_AGE_DAYS} days"),
    PolicyGap("R-SEC-04", "passwords stored as SM3 with salt",
              "RMCP+ (RAKP) needs the BMC to keep each password in a recoverable form"),
    PolicyGap("R-SEC-04", "password complexity checked by the BMC",
              "IPMI has no complexity rule; medcloud generates every password with all four classes"),
)


@dataclass(frozen=True)
class DesiredAccount:
    credential: str
    username: str
    privilege: str
    #: The account medcloud logs in with.
    management: bool
    #: Why its password must change on this run; None when it is current.
    rotate: str | None


@dataclass(frozen=True)
class DesiredBMC:
    server: str
    accounts: tuple[DesiredAccount, ...]
    lan: LanSettings | None
    boot: BootOverride | None
    sol: bool | None
    lockout: Lockout
    password_length: int
    #: The NTP servers of the server's centre (from the region, when a stack is given).
    ntp: tuple[str, ...] = ()

    @property
    def management(self) -> DesiredAccount:
        return self.accounts[0]


def credential_users(inventory: Inventory) -> dict[str, list[str]]:
    """Credential name → the servers whose BMC uses it (as management account or in ``accounts``)."""
    users: dict[str, list[str]] = {}
    for server in inventory.servers:
        for name in (server.bmc.credential, *server.bmc.accounts):
            users.setdefault(name, []).append(server.name)
    return users


def rotation_due(credential: IPMICredential, shared_by: int, today: dt.date) -> str | None:
    """Why ``credential``'s password must change now (R-SEC-04), or None."""
    if credential.previous_password is not None:
        return "an earlier change did not finish"
    if shared_by > 1:
        return f"shared by {shared_by} BMCs (R-SEC-04: no shared accounts)"
    if credential.rotated is None:
        return "never set by medcloud"
    age = (today - credential.rotated).days
    if age > standards.PASSWORD_MAX_AGE_DAYS:
        return f"{age} days old (R-SEC-04: at most {standards.PASSWORD_MAX_AGE_DAYS})"
    return None


def desired_state(inventory: Inventory, server: Server, today: dt.date, password_length: int | None = None,
                  users: dict[str, list[str]] | None = None, ntp: tuple[str, ...] = ()) -> DesiredBMC:
    """The state ``server``'s BMC must have; ``users`` is :func:`credential_users` (computed if absent)."""
    users = credential_users(inventory) if users is None else users
    accounts: list[DesiredAccount] = []
    seen: set[str] = set()
    for index, name in enumerate((server.bmc.credential, *server.bmc.accounts)):
        credential = inventory.credentials[name]
        if not isinstance(credential, IPMICredential):
            raise InputError(f"{server.name}: bmc credential {name!r} is {credential.kind}, not ipmi")
        if credential.username in seen:
            raise InputError(f"{server.name}: BMC user {credential.username!r} is listed twice")
        seen.add(credential.username)
        if index == 0 and credential.privilege != "administrator":
            raise InputError(f"{server.name}: the BMC management credential {name!r} must have privilege "
                             "administrator (medcloud manages the BMC's users with it)")
        accounts.append(DesiredAccount(name, credential.username, credential.privilege, index == 0,
                                       rotation_due(credential, len(set(users.get(name, ()))), today)))
    network = server.bmc.network
    lan = None if network is None else LanSettings(
        network.source, str(network.address or "0.0.0.0"), str(network.netmask or "0.0.0.0"),
        str(network.gateway or "0.0.0.0"), network.vlan)
    boot = None if server.bmc.boot is None else BootOverride(server.bmc.boot.device, server.bmc.boot.persistent)
    return DesiredBMC(server.name, tuple(accounts), lan, boot, server.bmc.sol, LOCKOUT,
                      password_length or DEFAULT_PASSWORD_LENGTH, ntp)


def generate_password(length: int) -> str:
    """A random password of ``length`` with at least one character of each class."""
    if length < len(PASSWORD_CLASSES):
        raise ValueError("password too short for every character class")
    alphabet = "".join(PASSWORD_CLASSES)
    for _ in range(1000):  # all four classes turn up within a few draws at length >= 12
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if all(any(c in group for c in candidate) for group in PASSWORD_CLASSES):
            return candidate
    raise RuntimeError("could not draw a password with every character class")
