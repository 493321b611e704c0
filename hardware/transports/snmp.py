"""SNMPv3 (USM authPriv) walks with pysnmp 7, asyncio-native.

One :class:`SnmpEngine` per event loop, reused for every switch: an engine
holds the USM tables, the message-processing state and the UDP dispatcher,
which are costly to build and bound to the loop that created them.  The USM
table holds one user per name, so switches whose user has the same name but
other keys (one account name, a password per switch: common in real fleets)
are walked from a second engine, never by replacing the user a concurrent
walk is using.  Walks
use GETBULK with numeric OIDs (no MIB compilation at run time), advance all
roots of a walk in the same requests, and stop at the end of each root's
subtree, after a bounded number of requests.

Only pysnmp's native layers are used (``pysnmp.entity``: engine, local
configuration, command generator; the asyncio UDP carrier).  Its high-level
API (``pysnmp.hlapi``) would add nothing a numeric walk needs, but importing
it loads pysmi's MIB compiler and with it ``requests`` and ``urllib3``:
measured, 0.15-0.2 s of CPU in every process that walks a switch (the
verify run's SNMP worker included), before the first packet.

An engine loads pysnmp's own MIB modules (USM, target and framework tables)
as Python source that its MIB builder compiles (twice, under ``__debug__``:
once to read, once in ``runpy``) in every process: 0.18 of the 0.25 s of CPU
an engine took to build.  :class:`_InstalledBytecode` serves those modules
from the bytecode pip wrote at install time instead, when it is current.

Error mapping: no answer → :class:`DeviceTimeout`; USM reports (unknown
user, wrong digest, decryption error) → :class:`DeviceAuthError`; SNMP
error-status or malformed answers → :class:`DeviceProtocolError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib.util
import ipaddress
import marshal
import os
import socket
import time
import warnings
import weakref
from collections.abc import Iterator, Sequence
from typing import Any

from medcloud.hardware.transports.base import (
    SNMPCapture,
    SNMPTarget,
    Timeouts,
    Varbind,
    VarbindKind,
)

from medcloud.errors import DeviceAuthError, DeviceProtocolError, DeviceTimeout

#: Rows asked per GETBULK (agents may answer fewer).  Answers above the path MTU are fragmented, which is
#: fine on a management LAN; fewer round trips matter more (ENTITY-MIB has thousands of rows).
MAX_REPETITIONS = 100
#: Requests per root before we call the agent broken (a loop or an endless table).
MAX_REQUESTS_PER_ROOT = 20_000

_AUTH_ERRORS = ("unknownusername", "wrongdigest", "decryptionerror", "unsupportedsecuritylevel",
                "unknown usm user", "wrong snmp pdu digest", "authentication failure",
                "unknownsecurityname", "notintimewindow")

#: Inventory protocol names → ``pysnmp.entity.config`` USM protocol identifiers.
_AUTH_PROTOCOLS = {"MD5": "USM_AUTH_HMAC96_MD5", "SHA": "USM_AUTH_HMAC96_SHA",
                   "SHA256": "USM_AUTH_HMAC192_SHA256", "SHA512": "USM_AUTH_HMAC384_SHA512"}
_PRIV_PROTOCOLS = {"DES": "USM_PRIV_CBC56_DES", "AES": "USM_PRIV_CFB128_AES",
                   "AES192": "USM_PRIV_CFB192_AES", "AES256": "USM_PRIV_CFB256_AES"}

_ENGINES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, list[Engine]] = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def _pysnmp_internals() -> Iterator[None]:
    """Silence pysnmp 7.1's uses of pysmi's deprecated names (``getReadersFromUrls``,
    ``smiV1Relaxed``…): they warn about pysnmp's internals, not about our use.
    Only synchronous code runs inside, so no other coroutine sees the filters."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".* is deprecated\. Please use .*",
                                category=DeprecationWarning)
        yield


def _installed_bytecode_source(directory: str) -> Any:
    """A pysnmp MIB source serving the modules of ``directory`` from its ``__pycache__`` (see below)."""
    from pysnmp.smi.builder import DirMibSource

    class _InstalledBytecode(DirMibSource):  # type: ignore[misc]
        """pysnmp's bundled MIB modules from the ``__pycache__`` bytecode of their sources.

        Used only where the bytecode is what Python's own import system would
        load (same magic number; the source's mtime and size in the header);
        otherwise ``read`` says "not here" and the builder's next source (the
        same directory, compiled) serves the module as before.  The module's
        path is the bytecode file, which ``runpy`` (pysnmp's loader under
        ``__debug__``) executes without compiling.
        """

        def __init__(self, source_dir: str) -> None:
            self._sources = os.path.normpath(source_dir)
            super().__init__(os.path.join(self._sources, "__pycache__"))

        def _listdir(self) -> tuple[str, ...]:
            return ()  # the source directory lists the modules; this only serves them faster

        def read(self, f: str) -> tuple[Any, str]:
            source = os.path.join(self._sources, f + ".py")
            try:
                cached = importlib.util.cache_from_source(source)
                with open(cached, "rb") as handle:
                    data = handle.read()
                stat = os.stat(source)
            except (OSError, NotImplementedError, ValueError):
                raise FileNotFoundError(source) from None
            current = (len(data) > 16 and data[:4] == importlib.util.MAGIC_NUMBER
                       and int.from_bytes(data[4:8], "little") == 0  # timestamp-checked bytecode
                       and int.from_bytes(data[8:12], "little") == int(stat.st_mtime) & 0xFFFFFFFF
                       and int.from_bytes(data[12:16], "little") == stat.st_size & 0xFFFFFFFF)
            if not current:
                raise FileNotFoundError(cached)
            return marshal.loads(data[16:]), cached[len(os.path.join(self._srcName, f)):]

    return _InstalledBytecode(directory)


def _snmp_engine() -> Any:
    """A pysnmp ``SnmpEngine`` whose MIB builder reads pysnmp's bundled modules from installed bytecode."""
    from pysnmp.entity.engine import SnmpEngine
    from pysnmp.proto.rfc3412 import MsgAndPduDispatcher
    from pysnmp.smi import builder, instrum

    mibs = builder.MibBuilder()
    sources = mibs.get_mib_sources()
    fast = [_installed_bytecode_source(s.full_path()) for s in sources
            if isinstance(s, builder.DirMibSource) and os.path.isabs(s.full_path())]
    mibs.set_mib_sources(*fast, *sources)
    return SnmpEngine(msgAndPduDsp=MsgAndPduDispatcher(instrum.MibInstrumController(mibs)))


class Engine:
    """A pysnmp ``SnmpEngine`` and its local configuration: USM users, target parameters, addresses.

    pysnmp's command generator sends to a *target address* by name; each
    name carries the peer's UDP address, the timeout and retries, and a
    parameters entry naming the USM user and security level.  Entries are
    made once and reused by every walk with the same values (what hlapi's
    configurator does, without loading hlapi).  A user is never replaced
    (a walk in flight may be using it): :meth:`fits` says whether a target's
    user can be added or is already here with the same keys.
    """

    def __init__(self) -> None:
        with _pysnmp_internals():
            from pysnmp.carrier.asyncio.dgram import udp
            from pysnmp.entity import config

            self.snmp: Any = _snmp_engine()
            config.add_transport(self.snmp, udp.DOMAIN_NAME, udp.UdpAsyncioTransport().open_client_mode())
        self._domain = udp.DOMAIN_NAME
        #: user name → fingerprint of (protocols, keys) it was configured with (never the keys themselves).
        self._users: dict[str, bytes] = {}
        self._params: dict[str, str] = {}
        self._addresses: dict[tuple[str, str, int, float, int], str] = {}

    def fits(self, target: SNMPTarget) -> bool:
        """True when ``target``'s user is not here yet, or is here with the same protocols and keys."""
        return self._users.get(target.username, _fingerprint(target)) == _fingerprint(target)

    def user(self, target: SNMPTarget) -> None:
        from pysnmp.entity import config

        fingerprint = _fingerprint(target)
        known = self._users.get(target.username)
        if known == fingerprint:
            return
        if known is not None:  # engine() picks an engine that fits: replacing would break a walk in flight
            raise AssertionError(f"SNMP user {target.username!r} is configured here with other keys")
        assert target.auth_key is not None and target.priv_key is not None  # _fingerprint checked
        auth_key, priv_key = target.auth_key.reveal(), target.priv_key.reveal()
        config.add_v3_user(
            self.snmp, target.username,
            getattr(config, _AUTH_PROTOCOLS[target.auth_protocol]), auth_key,
            getattr(config, _PRIV_PROTOCOLS[target.priv_protocol]), priv_key)
        self._users[target.username] = fingerprint

    def address(self, target: SNMPTarget, host: str, timeouts: Timeouts) -> str:
        """The name of the target address for ``target`` at resolved IPv4 ``host`` (configured on first use)."""
        from pysnmp.entity import config

        self.user(target)
        params = self._params.get(target.username)
        if params is None:
            params = self._params[target.username] = f"medcloud-p{len(self._params) + 1}"
            config.add_target_parameters(self.snmp, params, target.username, "authPriv", 3)
        key = (params, host, target.port, timeouts.connect, timeouts.retries)
        name = self._addresses.get(key)
        if name is None:
            name = self._addresses[key] = f"medcloud-a{len(self._addresses) + 1}"
            config.add_target_address(self.snmp, name, self._domain, (host, target.port), params,
                                      timeouts.connect * 100, timeouts.retries)
        return name

    def close(self) -> None:
        self.snmp.close_dispatcher()


def _fingerprint(target: SNMPTarget) -> bytes:
    """A digest of the user's protocols and keys (what tells two users of one name apart; never the keys)."""
    if target.auth_key is None or target.priv_key is None:
        raise DeviceAuthError(f"{target.host}:{target.port}: SNMPv3 authPriv needs an auth and a priv key")
    return hashlib.sha256("\0".join((target.auth_protocol, target.priv_protocol, target.auth_key.reveal(),
                                      target.priv_key.reveal())).encode()).digest()


def engine(target: SNMPTarget | None = None) -> Engine:
    """An :class:`Engine` of the running event loop that can walk ``target`` (created when none can).

    Without ``target``: the loop's first engine (made ahead of the first request).
    """
    loop = asyncio.get_running_loop()
    engines = _ENGINES.setdefault(loop, [])
    chosen = next((found for found in engines if target is None or found.fits(target)), None)
    if chosen is None:
        chosen = Engine()
        engines.append(chosen)
    if target is not None:
        # Configured before any await: a concurrent walk of a same-named user with other keys
        # then finds this engine taken, instead of both choosing it.
        chosen.user(target)
    return chosen


def close_engine() -> None:
    """Close the sockets of the running loop's engines (call before the loop ends)."""
    loop = asyncio.get_running_loop()
    for found in _ENGINES.pop(loop, []):
        found.close()


async def _resolve(target: SNMPTarget) -> str:
    """The IPv4 address to send to (UDP over IPv4, as the lab and the inventories' management LANs use)."""
    with contextlib.suppress(ValueError):
        return str(ipaddress.IPv4Address(target.host))
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            target.host, target.port, family=socket.AF_INET, type=socket.SOCK_DGRAM, proto=socket.IPPROTO_UDP)
    except (socket.gaierror, UnicodeError) as exc:
        raise DeviceProtocolError(f"{target.host}:{target.port}: cannot resolve the address ({exc})") from None
    return str(found[0][4][0])


def _varbind(oid: str, value: Any) -> Varbind:
    """pysnmp value → :class:`Varbind` (numeric OID, SMI kind, plain Python value)."""
    name = type(value).__name__
    kind: VarbindKind
    plain: int | bytes | str | None
    if name in ("NoSuchObject", "NoSuchInstance", "EndOfMibView"):
        kind = {"NoSuchObject": "noSuchObject", "NoSuchInstance": "noSuchInstance",
                "EndOfMibView": "endOfMibView"}[name]  # type: ignore[assignment]
        plain = None
    elif name in ("OctetString", "Opaque", "Bits"):
        kind = "Opaque" if name == "Opaque" else "OctetString"
        plain = bytes(value.asOctets())
    elif name == "ObjectIdentifier":
        kind, plain = "ObjectIdentifier", str(value)
    elif name == "IpAddress":
        kind, plain = "IpAddress", ".".join(str(b) for b in value.asNumbers())
    elif name == "Null":
        kind, plain = "Null", None
    elif name in ("Integer32", "Integer", "Unsigned32", "Gauge32", "Counter32", "Counter64", "TimeTicks"):
        kind = {"Integer": "Integer32", "Unsigned32": "Gauge32"}.get(name, name)  # type: ignore[assignment]
        plain = int(value)
    else:
        raise DeviceProtocolError(f"unexpected SNMP type {name} at {oid}")
    return Varbind(oid, kind, plain)


def _in_subtree(oid: tuple[int, ...], root: tuple[int, ...]) -> bool:
    return oid[: len(root)] == root


async def _bulk(snmp: Engine, address: str, context: str, repetitions: int,
                oids: Sequence[tuple[int, ...]]) -> tuple[Any, Any, Any, Sequence[tuple[Any, Any]]]:
    """One GETBULK (non-repeaters 0) through pysnmp's native command generator.

    ``hlapi.bulk_cmd`` would first resolve every requested OID against the
    MIB view, a tree search per OID that was a fifth of our SNMP CPU on the
    benchmark, although a walk's cursors are plain numbers.  The native
    generator takes ``(ObjectName, Null)`` pairs as they are.  Answers are
    ``(ObjectName, value)`` pairs in GETBULK order.
    """
    from pysnmp.entity.rfc3413 import cmdgen
    from pysnmp.proto.rfc1902 import Null, ObjectName

    answer: asyncio.Future[tuple[Any, Any, Any, Sequence[tuple[Any, Any]]]] = (
        asyncio.get_running_loop().create_future())

    def done(engine: Any, handle: Any, indication: Any, status: Any, index: Any, varbinds: Any, ctx: Any) -> None:
        if not answer.done():  # a walk past its deadline has cancelled the wait
            answer.set_result((indication, status, index, varbinds))

    null = Null("")
    cmdgen.BulkCommandGenerator().send_varbinds(
        snmp.snmp, address, None, context, 0, repetitions, [(ObjectName(oid), null) for oid in oids], done, None)
    return await answer


class PysnmpSNMP:
    """:class:`~medcloud.hardware.transports.base.SNMPTransport` on pysnmp 7 (SNMPv3 authPriv)."""

    def __init__(self, max_repetitions: int = MAX_REPETITIONS) -> None:
        if not 1 <= max_repetitions <= 100:
            raise ValueError("max_repetitions must be between 1 and 100")
        self._max_repetitions = max_repetitions

    async def walk(self, target: SNMPTarget, roots: Sequence[str], timeouts: Timeouts) -> SNMPCapture:
        """Walk every root at once: one GETBULK carries a cursor per unfinished root.

        Facts ask for single table columns (tens of rows each); walked one by
        one, each column would cost a round trip plus up to ``max_repetitions``
        rows past its end that the agent encodes and we decode only to drop.
        Walked side by side (as ``snmptable`` does) the rows of all columns
        share requests, and only the last answer for a column runs past it.
        Varbinds come back grouped by root, in the order of ``roots``.
        """
        where = f"{target.host}:{target.port}"
        if target.auth_key is None or target.priv_key is None:
            raise DeviceAuthError(f"{where}: SNMPv3 authPriv needs an auth and a priv key")
        snmp = engine(target)
        address = snmp.address(target, await _resolve(target), timeouts)
        deadline = time.monotonic() + timeouts.operation
        parsed = [tuple(int(p) for p in text.strip(".").split(".")) for text in roots]
        cursors = list(parsed)
        found: list[list[Varbind]] = [[] for _ in parsed]
        requests = [0] * len(parsed)
        active = list(range(len(parsed)))
        #: Varbinds an answer may carry; lowered each time the agent says tooBig.
        budget = self._max_repetitions
        while active:
            # Split the answer budget between the open columns; at least one row each.  When even one
            # row per column is over the budget, the first columns go first and the others wait.
            asked = active[:budget]
            repetitions = max(1, budget // len(asked))
            for i in asked:
                requests[i] += 1
                if requests[i] > MAX_REQUESTS_PER_ROOT:
                    raise DeviceProtocolError(
                        f"{where}: more than {MAX_REQUESTS_PER_ROOT} requests under {roots[i]}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DeviceTimeout(f"{where}: walk not finished within {timeouts.operation:g} s")
            try:
                indication, status, index, rows = await asyncio.wait_for(
                    _bulk(snmp, address, target.context, repetitions, [cursors[i] for i in asked]),
                    timeout=remaining)
            except TimeoutError:
                raise DeviceTimeout(f"{where}: walk not finished within {timeouts.operation:g} s") from None
            if indication:
                text = str(indication)
                compact = text.lower().replace(" ", "")
                if "timeout" in compact or "noresponse" in compact.replace("snmp", ""):
                    raise DeviceTimeout(f"{where}: no SNMP answer ({text})")
                if any(marker.replace(" ", "") in compact for marker in _AUTH_ERRORS):
                    raise DeviceAuthError(f"{where}: SNMPv3 credentials refused ({text})")
                raise DeviceProtocolError(f"{where}: {text}")
            if status:
                if str(status.prettyPrint()) == "tooBig" and budget > 1:
                    # RFC 3416 4.2.3 has an agent drop trailing rows rather than answer tooBig, but some
                    # answer tooBig (their buffer, not the UDP limit): ask the same cursors for half as much.
                    budget //= 2
                    continue
                raise DeviceProtocolError(f"{where}: SNMP error {status.prettyPrint()} at index {index}")
            if not rows:  # nothing more under the asked roots (as an empty answer always ended a walk)
                active = [i for i in active if i not in asked]
                continue
            finished: set[int] = set()
            # GETBULK answers row by row: varbind k continues the walk of asked column k mod n.
            for k, (name, value) in enumerate(rows):
                i = asked[k % len(asked)]
                if i in finished:
                    continue
                oid = tuple(name.asTuple())
                if not _in_subtree(oid, parsed[i]) or type(value).__name__ == "EndOfMibView":
                    finished.add(i)
                    continue
                if oid <= cursors[i]:
                    raise DeviceProtocolError(f"{where}: agent returned OIDs out of order at {name}")
                found[i].append(_varbind(".".join(map(str, oid)), value))
                cursors[i] = oid
            active = [i for i in active if i not in finished]
        return SNMPCapture([vb for column in found for vb in column])


#: The class ``real_transports`` instantiates.
Transport = PysnmpSNMP
