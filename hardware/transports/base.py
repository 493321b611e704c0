"""The transport boundary: what verification asks of a device, and what comes back.

Transports are injected (httpx style) so verification is testable without
hardware.  A transport only *captures*: it returns raw command output, the
pyghmi answers as JSON-able data, or SNMP varbinds.  Turning a capture into
facts is the job of the pure parsers in ``medcloud.hardware.facts``, so every
parser can be tested from fixture files recorded from real devices.

Failure contract, shared by every transport:

* no answer within the timeout → :class:`medcloud.errors.DeviceTimeout`;
* credentials refused → :class:`medcloud.errors.DeviceAuthError`;
* an answer that makes no sense → :class:`medcloud.errors.DeviceProtocolError`.

A *command* that runs but fails (non-zero exit) is not a transport failure: it
is returned in :class:`CommandResult` and the fact parser decides.  Error
messages must never contain a secret; targets keep secrets out of ``repr``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from medcloud.errors import DeviceProtocolError

# --- secrets -----------------------------------------------------------------


@runtime_checkable
class Revealable(Protocol):
    """An opened secret (``medcloud.secrets.Secret``): only transports call ``reveal``."""

    def reveal(self) -> str: ...


# --- limits ------------------------------------------------------------------


@dataclass(frozen=True)
class Timeouts:
    """Seconds a transport may wait.

    ``connect`` bounds one connection attempt (TCP/SSH handshake, first IPMI or
    SNMP answer); ``operation`` bounds one command, one pyghmi call or one
    SNMP request.  The verification engine additionally bounds a whole device.
    """

    connect: float = 5.0
    operation: float = 20.0
    retries: int = 1

    def __post_init__(self) -> None:
        if self.connect <= 0 or self.operation <= 0:
            raise ValueError("timeouts must be positive")
        if not 0 <= self.retries <= 5:
            raise ValueError("retries must be between 0 and 5")


# --- SSH -----------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """A named shell command a fact needs (``name`` keys the capture)."""

    name: str
    command: str
    #: Commands that need root (dmidecode, nvme) run under ``sudo -n`` when the user is not root.
    sudo: bool = False


@dataclass(frozen=True)
class SSHTarget:
    host: str
    port: int
    username: str
    password: Revealable | None = field(default=None, repr=False)
    private_key: Revealable | None = field(default=None, repr=False)
    #: OpenSSH known_hosts line(s) for the host; ``None`` trusts on first use.
    known_hosts: str | None = None


@dataclass(frozen=True)
class CommandResult:
    """What one command printed and how it ended."""

    stdout: str
    stderr: str = ""
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


@dataclass(frozen=True)
class SSHCapture:
    """Results keyed by :attr:`Command.name`."""

    results: Mapping[str, CommandResult]

    def to_json(self) -> dict[str, Any]:
        return {
            name: {"stdout": r.stdout, "stderr": r.stderr, "exit_code": r.exit_code}
            for name, r in self.results.items()
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SSHCapture:
        return cls({
            str(name): CommandResult(str(r["stdout"]), str(r.get("stderr", "")), int(r.get("exit_code", 0)))
            for name, r in data.items()
        })


class SSHTransport(Protocol):
    async def run(self, target: SSHTarget, commands: Sequence[Command], timeouts: Timeouts) -> SSHCapture:
        """Run every command (one connection) and return each one's result."""
        ...


# --- IPMI ----------------------------------------------------------------------


@dataclass(frozen=True)
class IPMITarget:
    host: str
    port: int
    username: str
    password: Revealable = field(repr=False)


JSON = Any  # JSON-compatible data: dict/list/str/int/float/bool/None


@dataclass(frozen=True)
class IPMICapture:
    """What pyghmi's ``Command`` returned, reduced to JSON-able data.

    * ``power``: ``get_power()`` → ``{"powerstate": "on"}``;
    * ``inventory``: ``dict(get_inventory())`` → FRU name → field dict (or ``None`` if absent);
    * ``sensors``: one dict per ``get_sensor_data()`` reading with keys
      ``name, type, value, units, health, states, unavailable`` (health is pyghmi's
      bitmask: 0 ok, 1 warning, 2 critical, 4 failed);
    * ``health``: ``get_health()`` → ``{"health": int, "badreadings": [sensor dicts]}``;
    * ``firmware``: ``dict(get_firmware())`` → component → ``{"version": …, "date": …}``;
    * ``sel``: ``list(get_event_log())`` entries;
    * ``errors``: section → message for sections the BMC could not answer
      (one unsupported OEM call must not lose the rest of the capture).
    """

    power: JSON = None
    inventory: JSON = None
    sensors: JSON = None
    health: JSON = None
    firmware: JSON = None
    sel: JSON = None
    errors: Mapping[str, str] = field(default_factory=dict)

    SECTIONS = ("power", "inventory", "sensors", "health", "firmware", "sel")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(self, name) for name in self.SECTIONS}
        out["errors"] = dict(self.errors)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IPMICapture:
        unknown = set(data) - {*cls.SECTIONS, "errors"}
        if unknown:
            raise ValueError(f"unknown IPMI capture sections: {', '.join(sorted(unknown))}")
        sections = {name: data.get(name) for name in cls.SECTIONS}
        # Round-trip through json so captures are plain data, whatever built them.
        sections = json.loads(json.dumps(sections))
        return cls(**sections, errors=dict(data.get("errors") or {}))


class IPMITransport(Protocol):
    async def collect(self, target: IPMITarget, timeouts: Timeouts) -> IPMICapture:
        """Read power state, FRU inventory, sensors, health, firmware and SEL."""
        ...


# --- SNMP ----------------------------------------------------------------------

#: Value kinds, named as in SNMPv2-SMI / snmpsim's .snmprec tags.
VarbindKind = Literal[
    "Integer32", "OctetString", "Null", "ObjectIdentifier", "IpAddress",
    "Counter32", "Gauge32", "TimeTicks", "Opaque", "Counter64",
    "noSuchObject", "noSuchInstance", "endOfMibView",
]

INTEGER_KINDS = frozenset({"Integer32", "Counter32", "Gauge32", "TimeTicks", "Counter64"})


@dataclass(frozen=True)
class Varbind:
    """One answer: numeric OID (no leading dot), its kind and its value.

    Integers are ``int``; OctetString/Opaque are ``bytes`` (they are often
    binary: MAC addresses, port lists); OIDs and IP addresses are ``str``.
    """

    oid: str
    kind: VarbindKind
    value: int | bytes | str | None

    def to_json(self) -> list[Any]:
        value: Any = self.value.hex() if isinstance(self.value, bytes) else self.value
        return [self.oid, self.kind, value]

    @classmethod
    def from_json(cls, data: Sequence[Any]) -> Varbind:
        oid, kind, value = data
        if kind in ("OctetString", "Opaque"):
            value = bytes.fromhex(value)
        return cls(str(oid), kind, value)


@dataclass(frozen=True)
class SNMPTarget:
    """An SNMPv3 USM peer (authPriv); protocol names as pysnmp spells them."""

    host: str
    port: int
    username: str
    auth_protocol: Literal["SHA", "SHA256", "SHA512", "MD5"] = "SHA256"
    auth_key: Revealable | None = field(default=None, repr=False)
    priv_protocol: Literal["AES", "AES192", "AES256", "DES"] = "AES"
    priv_key: Revealable | None = field(default=None, repr=False)
    #: SNMPv3 context; snmpsim selects its recording by context name.
    context: str = ""


@dataclass(frozen=True)
class SNMPCapture:
    """Varbinds in walk order (lexicographic by OID within each root)."""

    varbinds: Sequence[Varbind]

    def to_json(self) -> list[list[Any]]:
        return [vb.to_json() for vb in self.varbinds]

    @classmethod
    def from_json(cls, data: Sequence[Sequence[Any]]) -> SNMPCapture:
        return cls([Varbind.from_json(item) for item in data])


class SNMPTransport(Protocol):
    async def walk(self, target: SNMPTarget, roots: Sequence[str], timeouts: Timeouts) -> SNMPCapture:
        """Walk each OID root (GETBULK/GETNEXT) and return every varbind under it."""
        ...


@dataclass(frozen=True)
class Transports:
    """The three transports one verification run uses."""

    ssh: SSHTransport
    ipmi: IPMITransport
    snmp: SNMPTransport


# --- the real transports -------------------------------------------------------

#: Module (under ``medcloud.hardware.transports``) and method of each real transport.
#: Each module exposes a class ``Transport`` (or, failing that, exactly one class
#: defined in it with that method) constructible without arguments.
#: SNMP walks run in a worker process (``snmpproc``) so pysnmp's decoding gets its own core.
REAL_MODULES = {"ssh": ("ssh", "run"), "ipmi": ("ipmi", "collect"), "snmp": ("snmpproc", "walk")}


@dataclass(frozen=True)
class Unavailable:
    """Stands in for a transport whose module cannot be imported: every call is a device error."""

    protocol: str
    reason: str

    def _fail(self) -> DeviceProtocolError:
        return DeviceProtocolError(f"{self.protocol} transport unavailable: {self.reason}")

    async def run(self, target: SSHTarget, commands: Sequence[Command], timeouts: Timeouts) -> SSHCapture:
        raise self._fail()

    async def collect(self, target: IPMITarget, timeouts: Timeouts) -> IPMICapture:
        raise self._fail()

    async def walk(self, target: SNMPTarget, roots: Sequence[str], timeouts: Timeouts) -> SNMPCapture:
        raise self._fail()


def _transport_class(module: Any, method: str) -> Any:
    explicit = getattr(module, "Transport", None)
    if explicit is not None:
        return explicit
    import inspect

    candidates = [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                  if cls.__module__ == module.__name__ and inspect.iscoroutinefunction(getattr(cls, method, None))]
    if len(candidates) != 1:
        raise AttributeError(f"{module.__name__} defines no single transport class with async {method}()")
    return candidates[0]


def real_transports() -> Transports:
    """The protocol implementations (imported here so ``--help`` stays fast)."""
    import importlib

    made: dict[str, Any] = {}
    for protocol, (module_name, method) in REAL_MODULES.items():
        try:
            module = importlib.import_module(f"medcloud.hardware.transports.{module_name}")
            made[protocol] = _transport_class(module, method)()
        except (ImportError, AttributeError, TypeError) as exc:
            made[protocol] = Unavailable(protocol.upper(), str(exc))
    return Transports(ssh=made["ssh"], ipmi=made["ipmi"], snmp=made["snmp"])
