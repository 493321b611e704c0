"""SNMPv3 (USM authPriv) walks with pysnmp 7, asyncio-native.

One :class:`SnmpEngine` per event loop, reused for every switch: an engine
holds the USM tables, the message-processing state and the UDP dispatcher,
which are costly to build and bound to the loop that created them.  Walks
use GETBULK with numeric OIDs (no MIB compilation at run time), advance all
roots of a walk in the same requests, and stop at the end of each root's
subtree, after a bounded number of requests.

Error mapping: no answer → :class:`DeviceTimeout`; USM reports (unknown
user, wrong digest, decryption error) → :class:`DeviceAuthError`; SNMP
error-status or malformed answers → :class:`DeviceProtocolError`.
"""

from __future__ import annotations

import asyncio
import contextlib
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

_ENGINES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()


def _hlapi() -> Any:
    """pysnmp's v3 asyncio high-level API.

    pysnmp 7.1 imports pysmi's deprecated ``getReadersFromUrls`` when its SMI
    layer loads; that DeprecationWarning is about pysnmp's internals, not our
    use, so it is silenced for the import only.
    """
    with _pysnmp_internals():
        from pysnmp.hlapi.v3arch import asyncio as hl
    return hl


@contextlib.contextmanager
def _pysnmp_internals() -> Iterator[None]:
    """Silence pysnmp 7.1's uses of pysmi's deprecated names (``getReadersFromUrls``,
    ``smiV1Relaxed``…): they warn about pysnmp's internals, not about our use.
    Only synchronous code runs inside, so no other coroutine sees the filters."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".* is deprecated\. Please use .*",
                                category=DeprecationWarning)
        yield


def engine() -> Any:
    """The pysnmp engine of the running event loop (created on first use)."""
    hl = _hlapi()
    loop = asyncio.get_running_loop()
    found = _ENGINES.get(loop)
    if found is None:
        with _pysnmp_internals():
            # No MIB view: walks send and read numeric OIDs through the native command
            # generator (:func:`_bulk`), which never resolves names.
            found = hl.SnmpEngine()
        _ENGINES[loop] = found
    return found


def close_engine() -> None:
    """Close the running loop's engine's sockets (call before the loop ends)."""
    loop = asyncio.get_running_loop()
    found = _ENGINES.pop(loop, None)
    if found is not None:
        found.close_dispatcher()


def _usm(target: SNMPTarget) -> Any:
    hl = _hlapi()

    auth = {
        "MD5": hl.usmHMACMD5AuthProtocol,
        "SHA": hl.usmHMACSHAAuthProtocol,
        "SHA256": hl.usmHMAC192SHA256AuthProtocol,
        "SHA512": hl.usmHMAC384SHA512AuthProtocol,
    }[target.auth_protocol]
    priv = {
        "DES": hl.usmDESPrivProtocol,
        "AES": hl.usmAesCfb128Protocol,
        "AES192": hl.usmAesCfb192Protocol,
        "AES256": hl.usmAesCfb256Protocol,
    }[target.priv_protocol]
    if target.auth_key is None or target.priv_key is None:
        raise DeviceAuthError(f"{target.host}:{target.port}: SNMPv3 authPriv needs an auth and a priv key")
    return hl.UsmUserData(
        target.username,
        authKey=target.auth_key.reveal(), privKey=target.priv_key.reveal(),
        authProtocol=auth, privProtocol=priv,
    )


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


async def _bulk(snmp: Any, auth: Any, transport: Any, context: Any, repetitions: int,
                oids: Sequence[tuple[int, ...]]) -> tuple[Any, Any, Any, Sequence[tuple[Any, Any]]]:
    """One GETBULK (non-repeaters 0) through pysnmp's native command generator.

    ``hlapi.bulk_cmd`` first resolves every requested OID against the MIB
    view, a tree search per OID that was a fifth of our SNMP CPU on the
    benchmark, although a walk's cursors are plain numbers.  The native
    generator takes ``(ObjectName, Null)`` pairs as they are; hlapi's own
    configurator sets up the target and USM user exactly as ``bulk_cmd`` does.
    Answers are ``(ObjectName, value)`` pairs in GETBULK order.
    """
    with _pysnmp_internals():
        from pysnmp.entity.rfc3413 import cmdgen
        from pysnmp.hlapi.v3arch.asyncio.cmdgen import LCD
        from pysnmp.proto.rfc1902 import Null, ObjectName

    address, _ = LCD.configure(snmp, auth, transport, context.contextName)
    answer: asyncio.Future[tuple[Any, Any, Any, Sequence[tuple[Any, Any]]]] = (
        asyncio.get_running_loop().create_future())

    def done(engine: Any, handle: Any, indication: Any, status: Any, index: Any, varbinds: Any, ctx: Any) -> None:
        if not answer.done():  # a walk past its deadline has cancelled the wait
            answer.set_result((indication, status, index, varbinds))

    cmdgen.BulkCommandGenerator().send_varbinds(
        snmp, address, context.contextEngineId, context.contextName, 0, repetitions,
        [(ObjectName(oid), Null("")) for oid in oids], done, None)
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
        hl = _hlapi()

        where = f"{target.host}:{target.port}"
        auth = _usm(target)
        transport = await hl.UdpTransportTarget.create(
            (target.host, target.port), timeout=timeouts.connect, retries=timeouts.retries)
        context = hl.ContextData(contextName=target.context)
        snmp = engine()
        deadline = time.monotonic() + timeouts.operation
        parsed = [tuple(int(p) for p in text.strip(".").split(".")) for text in roots]
        cursors = list(parsed)
        found: list[list[Varbind]] = [[] for _ in parsed]
        requests = [0] * len(parsed)
        active = list(range(len(parsed)))
        while active:
            for i in active:
                requests[i] += 1
                if requests[i] > MAX_REQUESTS_PER_ROOT:
                    raise DeviceProtocolError(
                        f"{where}: more than {MAX_REQUESTS_PER_ROOT} requests under {roots[i]}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DeviceTimeout(f"{where}: walk not finished within {timeouts.operation:g} s")
            # Split the answer budget between the open columns; at least one row each.
            repetitions = max(1, self._max_repetitions // len(active))
            try:
                indication, status, index, rows = await asyncio.wait_for(
                    _bulk(snmp, auth, transport, context, repetitions, [cursors[i] for i in active]),
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
                raise DeviceProtocolError(f"{where}: SNMP error {status.prettyPrint()} at index {index}")
            if not rows:
                break  # nothing more anywhere (as an empty answer always ended a walk)
            finished: set[int] = set()
            # GETBULK answers row by row: varbind k continues the walk of asked column k mod n.
            for k, (name, value) in enumerate(rows):
                i = active[k % len(active)]
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
