"""IPMI over LAN (RMCP+) with pyghmi: power, FRU inventory, sensors, health, firmware, SEL.

pyghmi is blocking, so each BMC is read in a bounded set of daemon threads
while the event loop waits with a deadline (see :class:`PyghmiIPMI` for why
not an executor).  pyghmi's own retry timers bound a thread (a silent BMC
gives up after about five seconds).

FRU data is read by :func:`read_fru` rather than pyghmi's ``get_inventory``:
pyghmi asks for 224 bytes at a time and backs off only on completion codes
C9h/CAh, while several BMCs (OpenIPMI's included, at most 34 bytes an answer)
answer C8h "request data length exceeded"; we back off (bisecting) on any of the
three and hand the bytes to pyghmi's FRU parser.

pyghmi 1.6 loses the wake-up of a caller whose answer arrives before it
starts waiting, and sleeps out its retry timer; :func:`install_wakeup_fix`
closes that window (it was most of the wall time of a 200-BMC run).

pyghmi shares a parsed SDR repository between sessions of the same model
and repository timestamp, but only once one of them has finished reading
it: BMCs read concurrently all miss and all read it.  :func:`_init_sdr`
lets the first BMC of a model read it while the others of that model wait
briefly for it (see there).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import socket
import struct
import threading
import time
import types
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from medcloud.hardware.transports.base import IPMICapture, IPMITarget, Timeouts

from medcloud.errors import DeviceAuthError, DeviceError, DeviceProtocolError, DeviceTimeout

T = TypeVar("T")

#: Completion codes meaning "ask for less" (IPMI 2.0 table 5-2): C8h, C9h, CAh.
_TOO_LONG = frozenset({0xC8, 0xC9, 0xCA})
#: Completion codes for "no such FRU device / not present" (C3h timeout, C9h, CBh, 81h).
_NO_FRU = frozenset({0xCB, 0x81})
_FIRST_CHUNK = 224
_MIN_CHUNK = 8
#: A FRU device is at most 64 KiB; bound the reads whatever the BMC claims.
_MAX_FRU_READS = 4096

_AUTH_MARKERS = ("password", "unauthorized", "user", "privilege", "rakp", "authenticat")


def _classify(where: str, exc: BaseException) -> DeviceError:
    """Map a pyghmi failure to the transport contract; never echoes a credential."""
    if isinstance(exc, DeviceError):
        return exc
    text = str(exc) if exc.args and exc.args[0] is not None else ""
    lowered = text.lower()
    if not text or "timeout" in lowered or "timed out" in lowered or "no response" in lowered:
        return DeviceTimeout(f"{where}: BMC did not answer")
    if any(marker in lowered for marker in _AUTH_MARKERS):
        return DeviceAuthError(f"{where}: BMC refused the credentials ({text})")
    return DeviceProtocolError(f"{where}: {type(exc).__name__}: {text}")


#: The Read FRU Data size each BMC model (manufacturer ID, product ID) settled on after refusing
#: larger ones.  A fleet is many identical servers: the next BMC of a model starts there instead of
#: paying the refused sizes again (5 round trips on OpenIPMI); one that refuses it still backs off.
_FRU_CHUNK_BY_MODEL: dict[tuple[int, int], int] = {}


def read_fru(command: Any, fruid: int = 0, *, model: tuple[int, int] | None = None) -> bytes | None:
    """Read FRU device ``fruid`` in chunks the BMC accepts; ``None`` if it has no such device.

    ``model`` (manufacturer and product ID from Get Device ID) shares the
    learnt chunk size between BMCs of one model.
    """
    info = command.raw_command(netfn=0x0A, command=0x10, data=[fruid])
    if info.get("code") in _NO_FRU:
        return None
    if "error" in info:
        raise DeviceProtocolError(f"Get FRU Inventory Area Info: {info['error']}")
    size = info["data"][0] | (info["data"][1] << 8)
    data = bytearray()
    chunk = min(_FRU_CHUNK_BY_MODEL.get(model, _FIRST_CHUNK) if model else _FIRST_CHUNK, size)
    # The largest size this BMC has answered and the smallest it has refused (0: none yet).  After
    # a refusal the chunk is bisected between the two instead of just halved: OpenIPMI answers at
    # most 34 bytes, where halving from 224 settles on 28 (a fifth more reads for every BMC).  The
    # probes cost a few refusals, paid once per model; a read without a model just halves.
    accepted = refused = 0
    for _ in range(_MAX_FRU_READS):
        if len(data) >= size or chunk == 0:
            break
        want = min(chunk, size - len(data))
        offset = len(data)
        answer = command.raw_command(
            netfn=0x0A, command=0x11, data=[fruid, offset & 0xFF, offset >> 8, want])
        code = answer.get("code", 0)
        if code in _TOO_LONG:
            if want <= _MIN_CHUNK:
                raise DeviceProtocolError(f"Read FRU Data: BMC refuses even {want}-byte reads")
            refused = min(refused, want) if refused else want
            chunk = max(_MIN_CHUNK, (accepted + refused) // 2 if accepted and model else want // 2)
            continue
        if "error" in answer:
            raise DeviceProtocolError(f"Read FRU Data at {offset}: {answer['error']}")
        count = answer["data"][0]
        if count == 0:
            break
        data += answer["data"][1:1 + count]
        if want > accepted:
            accepted = want
            if refused and model is not None:
                # Probe halfway to the refused size while there is room; either way the model
                # remembers the largest size answered so far.
                chunk = (accepted + refused) // 2 if refused - accepted > 1 else accepted
                _FRU_CHUNK_BY_MODEL[model] = accepted
    else:
        raise DeviceProtocolError(f"FRU {fruid}: more than {_MAX_FRU_READS} reads")
    return bytes(data)


def _device_id(command: Any) -> dict[str, Any]:
    answer = command.raw_command(netfn=0x06, command=0x01)
    if "error" in answer:
        raise DeviceProtocolError(f"Get Device ID: {answer['error']}")
    data = answer["data"]
    return {
        "Device ID": data[0],
        "Device Revision": data[1] & 0x0F,
        "Manufacturer ID": struct.unpack("<I", bytes(data[6:9]) + b"\0")[0],
        "Product ID": struct.unpack("<H", bytes(data[9:11]))[0],
        # Firmware minor revision is BCD (IPMI 2.0 §20.1).
        "firmware_version": f"{data[2] & 0x7F}.{data[3] >> 4:x}{data[3] & 0x0F:x}",
    }


def _settle_oem(command: Any, identity: dict[str, Any]) -> None:
    """Give pyghmi the OEM handler for the Get Device ID answer we already have.

    pyghmi's ``oem_init`` runs before most commands and, for a manufacturer
    it has no handler for (every domestic vendor: Huawei, Inspur, Sugon,
    Loongson...), marks the OEM as still unknown, so the next call asks Get
    Device ID again: 8 of 35 round trips per BMC on the lab.  The answer
    cannot change within one session; settle it once, with pyghmi's own
    lookup so a vendor it does know still gets its handler.
    """
    from pyghmi.ipmi.oem.lookup import get_oem_handler

    pyghmi_id = {
        "device_id": identity["Device ID"], "device_revision": identity["Device Revision"],
        "manufacturer_id": identity["Manufacturer ID"], "product_id": identity["Product ID"],
        "firmware_version": identity["firmware_version"],
    }
    command._oem, _ = get_oem_handler(pyghmi_id, command)
    command._oemknown = True


#: Seconds a BMC waits for another of its model to finish reading the shared SDR repository.
SDR_FOLLOW_WAIT_S = 2.0
_sdr_readers: dict[tuple[Any, ...], threading.Event] = {}
_sdr_readers_lock = threading.Lock()


def _sdr_model(identity: dict[str, Any]) -> tuple[Any, ...]:
    """What pyghmi's shared-repository key holds of a Get Device ID answer (all but the timestamp)."""
    return (identity["Manufacturer ID"], identity["Product ID"], identity["Device ID"],
            identity["firmware_version"])


def _init_sdr(command: Any, identity: dict[str, Any]) -> None:
    """``command.init_sdr()``, one BMC of each model reading the repository at a time.

    pyghmi keeps every repository it has read in ``sdr.shared_sdrs``, keyed
    by manufacturer, product, device id, firmware and the repository's
    timestamp, and reuses it for a BMC with the same key.  A 200-BMC run
    starts up to 64 sessions at once, so without coordination every BMC of
    a model misses that cache and reads the full repository (26 of the 57
    requests a lab BMC costs).  The first BMC of a model is the reader; the
    others wait until it is done, then call ``init_sdr`` themselves: pyghmi
    reuses the reader's repository if their key matches, and reads their own
    if it does not (a different timestamp means a different repository) or
    if the reader failed.  A slow reader holds its siblings at most
    :data:`SDR_FOLLOW_WAIT_S`: the first sibling to give up on it releases
    the others and every later one, so the model goes on as if uncoordinated.
    """
    if command._sdr is not None:  # pyghmi keeps it for the session
        return
    model = _sdr_model(identity)
    with _sdr_readers_lock:
        done = _sdr_readers.get(model)
        reader = done is None
        if done is None:
            done = _sdr_readers[model] = threading.Event()
    if not reader and not done.wait(SDR_FOLLOW_WAIT_S):
        done.set()  # nobody else waits for this reader either
    try:
        command.init_sdr()
    finally:
        if reader:
            done.set()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _reading(reading: Any) -> dict[str, Any]:
    return {
        "name": reading.name,
        "type": reading.type,
        "value": reading.value,
        "units": reading.units,
        "health": int(reading.health),
        "states": list(reading.states),
        "unavailable": bool(reading.unavailable),
    }


def _logout(cmd: Any, target: IPMITarget, password: str) -> None:
    """Close the RMCP+ session and forget it.

    pyghmi 1.6 keeps a finished login in ``Session.initting_sessions`` and
    hands that logged-out object to the next login with the same BMC and
    account (which then fails); dropping the entry makes every collect start
    from a clean login, as ipmitool does.
    """
    # Already gone (the BMC dropped it, or the login never completed): nothing to close.
    with contextlib.suppress(Exception):
        cmd.ipmi_session.logout()
    _forget(target, password)


def _forget(target: IPMITarget, password: str) -> None:
    from pyghmi.ipmi.private import session as ipmi_session

    ipmi_session.Session.initting_sessions.pop(
        (target.host, target.username, password, target.port, None), None)


#: Holds "io_wait" once :func:`install_wakeup_fix` has replaced pyghmi's.
_INSTALLED: set[str] = set()
_wakeup_lock = threading.Lock()
#: The response each thread last took the "already answered" shortcut for (see install_wakeup_fix).
_last_shortcut = threading.local()


def install_wakeup_fix() -> bool:
    """Stop pyghmi 1.6 from sleeping on answers it has already received.

    pyghmi's I/O thread reads every socket, queues each packet on its
    session and wakes the callers waiting for that BMC *at that moment*.  A
    caller registers its wait (``session._io_wait``) only after it has sent
    its request; when the BMC answers first (loopback, a fast BMC, or a
    caller descheduled under load) the packet sits in the session's queue
    while the caller sleeps until its retry timer: 0.5-1 s for one round
    trip.  Measured on the 200-BMC lab: ~400 such stalls per run, 6.8 s wall
    for what takes 1.8 s without them (``benchmarks/verify.py``).

    The replacement registers the wait exactly as pyghmi does and then looks
    at the session queues once: an answer already there ends the wait at
    once.  Registering first leaves no window: a packet read after the look
    finds the registration.  Only the response waits (no ``evq``) take the
    shortcut; pyghmi drains the queue right after them.  The queues are also
    looked at once before registering: an answer found then needs no
    registration, which the I/O thread would otherwise keep (and walk on
    every packet it reads) until that BMC's next packet or its deadline.

    A second window: a thread that is logging in runs pyghmi's shared event
    loop pass, which handles *every* session's queued packets, so another
    BMC's answer can be taken from its queue and handled (``lastresponse``
    set) by that thread while its own caller is between "not answered yet"
    and registering its wait; the I/O thread's wake-up has gone by then, and
    the caller sleeps out its retry timer.  Traced on the lab (8 threads,
    100 BMCs): 12 such stalls of 0.5-1 s; 2.2 s for what takes 0.8 s without
    them.  So the look also counts an answer already handled
    (``lastresponse`` set while the session awaits one), and whoever handles
    a session's packets (``process_pktqueue``) then wakes the response waits
    registered for that BMC, so a caller that registered during the handling
    is not left asleep.  A spurious wake-up is harmless: pyghmi's callers
    check their condition again and wait again.

    Installed once, and only on the ``_io_wait`` and ``process_pktqueue`` this
    was verified against; returns whether it is in force.
    """
    from pyghmi.ipmi.private import session as ipmi_session

    with _wakeup_lock:
        if "io_wait" in _INSTALLED:
            return True
        original = ipmi_session._io_wait
        code = getattr(original, "__code__", None)
        if code is None or code.co_varnames[:3] != ("timeout", "myaddr", "evq") or not all(
                hasattr(ipmi_session, name) for name in ("ioqueue", "iosockets", "myself", "_monotonic_time")):
            return False

        process = getattr(ipmi_session.Session, "process_pktqueue", None)
        process_code = getattr(process, "__code__", None)
        if process is None or process_code is None or process_code.co_varnames[:1] != ("self",):
            return False
        #: BMC address → the events of response waits registered for it (see ``processed``).
        waits: dict[Any, set[threading.Event]] = {}
        waits_lock = threading.Lock()

        def answered(myaddr: Any) -> bool:
            sessions = ipmi_session.Session.bmc_handlers.get(myaddr) or {}
            for session in list(sessions.values()):
                if session.pktqueue:
                    return True
                response = getattr(session, "lastresponse", None)
                if response is not None and getattr(session, "awaitingresponse", False) \
                        and _last_shortcut.__dict__.get("response") is not response:
                    # Another thread's pass already handled the answer.  Once per response:
                    # pyghmi sets it only for the matching request, and should awaitresponse
                    # still not accept it, a second look must not turn the wait into a busy loop.
                    _last_shortcut.response = response
                    return True
            return False

        def io_wait(timeout: float, myaddr: Any = None, evq: Any = None) -> None:
            shortcut = myaddr is not None and evq is None
            if shortcut and answered(myaddr):
                return  # nothing registered: no stale entry for the I/O thread to carry
            event = threading.Event()
            if evq is not None:
                evq.append(event)
            deadline = timeout + ipmi_session._monotonic_time()
            ipmi_session.ioqueue.append((deadline, event, myaddr))
            if shortcut:
                with waits_lock:
                    waits.setdefault(myaddr, set()).add(event)
            try:
                if shortcut and answered(myaddr):
                    return
                # As pyghmi: break the I/O thread's select only if it would sleep past our deadline.
                if deadline < ipmi_session.selectdeadline:
                    wake = ipmi_session.iosockets[0]
                    wake.sendto(b"\x01", (ipmi_session.myself, wake.getsockname()[1]))
                event.wait()
            finally:
                if shortcut:
                    with waits_lock:
                        registered = waits.get(myaddr)
                        if registered is not None:
                            registered.discard(event)
                            if not registered:
                                del waits[myaddr]

        def processed(self: Any) -> Any:
            had_packets = bool(self.pktqueue)
            try:
                return process(self)
            finally:
                if had_packets:
                    with waits_lock:
                        waiting = list(waits.get(getattr(self, "sockaddr", None), ()))
                    for event in waiting:
                        event.set()

        ipmi_session._io_wait = io_wait
        ipmi_session.Session.process_pktqueue = processed
        _INSTALLED.add("io_wait")
        return True


def install_login_error_fix() -> bool:
    """Keep the reason of a failed login (pyghmi 1.6 can lose it to a race).

    When a login fails (wrong password, RAKP error), pyghmi's I/O thread marks the
    session broken: it logs out (which sets ``broken``), clears ``logging`` and only then
    records ``errormsg``.  The logging-in thread, woken in between, raises
    ``IpmiException(self.errormsg)`` on an object without the attribute: an
    ``AttributeError`` instead of "Incorrect password provided".  Seen on the lab when
    ``bmc plan`` and ``bmc apply`` met the wrong-password BMC in one process.  Recording
    the reason first closes the window; pyghmi then sets the same value again.
    """
    from pyghmi.ipmi.private import session as ipmi_session

    with _wakeup_lock:
        if "login_error" in _INSTALLED:
            return True
        original = getattr(ipmi_session.Session, "_mark_broken", None)
        code = getattr(original, "__code__", None)
        if original is None or code is None or code.co_varnames[:2] != ("self", "error"):
            return False

        def mark_broken(self: Any, error: Any = None) -> Any:
            self.errormsg = error
            return original(self, error)

        ipmi_session.Session._mark_broken = mark_broken
        _INSTALLED.add("login_error")
        return True


def install_lock_order_fix() -> bool:
    """Make pyghmi 1.6's two global session locks one, ending its lock-order deadlock.

    pyghmi guards its class-wide tables with two re-entrant locks and takes them in both
    orders: ``send_payload`` holds ``KEEPALIVE_SESSIONS`` and ``_xmit_packet`` then takes
    ``WAITING_SESSIONS``, while ``awaitresponse`` holds ``WAITING_SESSIONS`` when a retry
    timer expires and ``_timedout`` → ``send_payload`` then takes ``KEEPALIVE_SESSIONS``.
    Two threads doing so at once (a retransmission is enough, and retransmissions come
    with load) wait for each other forever, and every other session then blocks on one of
    the two locks: all BMCs stop answering at once.  Caught in ``benchmarks/bmc.py`` on a
    loaded machine (py-spy: every IPMI thread in ``protect.__enter__``).  pyghmi looks the
    locks up as module globals on every use, so binding both names to one ``RLock`` leaves
    a single lock, which cannot be taken in two orders.  Installed (once, before the first
    session exists: :func:`login` calls it under a lock) only when both are the RLocks this
    was verified against; returns whether it is in force.
    """
    from pyghmi.ipmi.private import session as ipmi_session

    with _wakeup_lock:
        if "lock_order" in _INSTALLED:
            return True
        rlock = type(threading.RLock())
        keepalive, waiting = (getattr(ipmi_session, name, None) for name in ("KEEPALIVE_SESSIONS", "WAITING_SESSIONS"))
        if not isinstance(keepalive, rlock) or not isinstance(waiting, rlock) or keepalive is waiting:
            return keepalive is waiting and keepalive is not None
        if ipmi_session.Session.waiting_sessions or ipmi_session.Session.keepalive_sessions:
            return False  # sessions exist: a thread may hold one of the old locks right now
        ipmi_session.KEEPALIVE_SESSIONS = ipmi_session.WAITING_SESSIONS = threading.RLock()
        _INSTALLED.add("lock_order")
        return True


def install_receive_fix() -> bool:
    """Make pyghmi 1.6's I/O thread read without ever blocking, whatever a sender does.

    Sessions share UDP sockets (up to 64 BMCs each).  pyghmi's I/O thread drains a socket
    with ``setblocking(0)`` and then ``recvfrom``; a thread sending a request on the same
    socket calls ``setblocking(1)`` before its ``sendto``.  A send landing between the
    I/O thread's two calls leaves it blocked in ``recvfrom`` until that socket receives
    another datagram, and every session waits on the I/O thread to be woken: all BMCs
    stall at once.  Seen on the lab when an experiment let sends run unserialized (a
    200-BMC read took a minute instead of two seconds); with every send queued on the
    one lock of :func:`install_lock_order_fix` it is rarer, but the window stays open,
    since the I/O thread does not take that lock.
    The replacement reads with ``MSG_DONTWAIT``: non-blocking for that call, whatever
    mode the socket is in.  Installed once, and only on the ``_io_recvfrom`` this was
    verified against; returns whether it is in force.
    """
    from pyghmi.ipmi.private import session as ipmi_session

    with _wakeup_lock:
        if "receive" in _INSTALLED:
            return True
        original = getattr(ipmi_session, "_io_recvfrom", None)
        code = getattr(original, "__code__", None)
        if code is None or code.co_varnames[:2] != ("mysocket", "size") or not hasattr(socket, "MSG_DONTWAIT"):
            return False

        def io_recvfrom(mysocket: Any, size: int) -> Any:
            try:
                return mysocket.recvfrom(size, socket.MSG_DONTWAIT)
            except OSError:  # nothing queued (EAGAIN), or the socket is gone: as pyghmi, "no data"
                return None

        ipmi_session._io_recvfrom = io_recvfrom
        _INSTALLED.add("receive")
        return True


def install_clock_fix() -> bool:
    """Give pyghmi 1.6 ``time.monotonic`` as its clock instead of ``os.times()[4]``.

    pyghmi reads its clock (``util._monotonic_time``, ``os.times()[4]`` on Linux: a
    ``times(2)`` system call and a five-field tuple, ticking in 10 ms steps) for every
    deadline, and its I/O thread reads it once per BMC with a pending request on every
    packet it receives.  In a 200-BMC ``bmc apply`` py-spy (``--gil``) found it the
    largest single use of the interpreter: 263 of 1,766 samples with the GIL held (15 %),
    at ~0.77 us a call on the lab's VM against ~0.08 us for ``time.monotonic`` (same
    meaning: seconds of a clock that never goes back, from an arbitrary start; finer
    steps).  The two clocks start at different points, so the switch is made only while no
    session exists (:func:`login` calls it, under a lock, before the first); every module
    that bound the name is re-pointed.  Returns whether it is in force.
    """
    import sys

    from pyghmi.ipmi.private import session as ipmi_session
    from pyghmi.ipmi.private import util

    with _wakeup_lock:
        if "clock" in _INSTALLED:
            return True
        original = getattr(util, "_monotonic_time", None)
        if original is None or getattr(ipmi_session, "_monotonic_time", None) is not original:
            return False
        session_class = ipmi_session.Session
        if session_class.waiting_sessions or session_class.keepalive_sessions or session_class.bmc_handlers \
                or session_class.initting_sessions or ipmi_session.ioqueue:
            return False  # a deadline on the old clock may be pending
        util._monotonic_time = time.monotonic
        for module in list(sys.modules.values()):
            if module is not None and module.__name__.startswith("pyghmi.") \
                    and not isinstance(module, _DeferredModule) \
                    and getattr(module, "_monotonic_time", None) is original:
                module._monotonic_time = time.monotonic  # type: ignore[attr-defined]
        _INSTALLED.add("clock")
        return True


#: pyghmi's one OEM handler module (IBM/Lenovo, with 120 modules behind it), imported on first use.
DEFERRED_OEM = "pyghmi.ipmi.oem.lenovo.handler"
_oem_lock = threading.Lock()


class _DeferredModule(types.ModuleType):
    """Stands in for a module until something looks an attribute up in it; then imports it."""

    def __getattr__(self, attribute: str) -> Any:  # only for what the stand-in itself lacks
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)  # tools probing __file__, __path__…: not a use
        return getattr(_deferred_import(self), attribute)


def _deferred_import(stand_in: _DeferredModule) -> types.ModuleType:
    import importlib
    import sys

    with _oem_lock:
        if sys.modules.get(stand_in.__name__) is stand_in:
            del sys.modules[stand_in.__name__]
        return importlib.import_module(stand_in.__name__)


def install_oem_deferral() -> bool:
    """Import pyghmi's IBM/Lenovo OEM handler only for a BMC that has it.

    pyghmi's OEM lookup imports that handler when it is first imported itself (for its map
    of manufacturer IDs) and with it ~120 modules: its web client, ``http.client``,
    ``email``, ``dateutil``, the Redfish Lenovo package.  Measured 0.055-0.076 s of CPU,
    paid at a ``verify``'s first login while every IPMI thread waits on the import lock,
    for BMCs of which none is IBM or Lenovo (the domestic vendors have no pyghmi handler).
    Installed before the lookup is first imported, a stand-in takes the handler's place: the
    lookup maps the same manufacturer IDs (20301, 19046, 7154) to it, and the first use of it
    (``OEMHandler`` for such a BMC) imports the real module, so that BMC gets pyghmi's own
    handler.  Returns whether the handler is deferred (False once the lookup was imported).
    """
    import importlib.util
    import sys

    with _oem_lock:
        if "oem_deferral" in _INSTALLED:
            return True
        if "pyghmi.ipmi.oem.lookup" in sys.modules or DEFERRED_OEM in sys.modules:
            return False
        spec = importlib.util.find_spec(DEFERRED_OEM)
        if spec is None:
            return False
        importlib.import_module(DEFERRED_OEM.rpartition(".")[0])  # its package: an empty __init__
        stand_in = _DeferredModule(DEFERRED_OEM)
        stand_in.__spec__ = spec
        sys.modules[DEFERRED_OEM] = stand_in
        _INSTALLED.add("oem_deferral")
        return True


@contextlib.contextmanager
def login(target: IPMITarget, password: str | None = None) -> Iterator[Any]:
    """An RMCP+ session with ``target`` as a pyghmi ``Command``; logged out (and forgotten) on exit.

    ``password`` overrides the target's (a BMC whose password is being changed may still
    have the previous one).  A refused or silent login raises the transport contract's
    :class:`DeviceAuthError` / :class:`DeviceTimeout`, never echoing the password.  Read-only
    collection and BMC management (:mod:`medcloud.hardware.bmc`) share it.
    """
    install_oem_deferral()  # before pyghmi's OEM lookup is first imported (by ``command``)
    from pyghmi.ipmi import command as ipmi_command

    install_clock_fix()
    install_receive_fix()
    install_lock_order_fix()
    install_wakeup_fix()
    install_login_error_fix()
    where = f"{target.host}:{target.port}"
    secret = target.password.reveal() if password is None else password
    try:
        cmd = ipmi_command.Command(
            bmc=target.host, userid=target.username, password=secret,
            port=target.port, keepalive=False,
        )
    except Exception as exc:  # pyghmi raises bare IpmiException/socket errors on login
        # A failed login stays cached too and would be handed to the next attempt.
        _forget(target, secret)
        raise _classify(where, exc) from None
    try:
        yield cmd
    finally:
        _logout(cmd, target, secret)


def _collect_blocking(target: IPMITarget) -> IPMICapture:
    """Everything :class:`IPMICapture` holds, from one RMCP+ session."""
    from pyghmi.ipmi import fru as ipmi_fru

    with login(target) as cmd:
        return _capture(cmd, f"{target.host}:{target.port}", ipmi_fru)


def _capture(cmd: Any, where: str, ipmi_fru: Any) -> IPMICapture:
    errors: dict[str, str] = {}
    sections: dict[str, Any] = {}
    identity: dict[str, Any] = {}

    def device_id() -> dict[str, Any]:
        # Inventory and firmware both report Get Device ID; ask the BMC once.
        if not identity:
            identity.update(_device_id(cmd))
            _settle_oem(cmd, identity)
        return dict(identity)

    def section(name: str, fetch: Callable[[], Any]) -> None:
        try:
            sections[name] = _jsonable(fetch())
        except Exception as exc:  # one unsupported call must not lose the rest
            error = _classify(where, exc)
            if isinstance(error, DeviceTimeout | DeviceAuthError):
                raise error from None
            errors[name] = str(error)

    def inventory() -> dict[str, Any]:
        system = device_id()
        model = (system["Manufacturer ID"], system["Product ID"])
        raw = read_fru(cmd, 0, model=model)
        if raw is not None:
            system.update(ipmi_fru.FRU(rawdata=raw).info or {})
        result: dict[str, Any] = {"System": system}
        _init_sdr(cmd, identity)
        for fruid, locator in sorted(cmd._sdr.fru.items()):
            if fruid == 0:
                continue
            raw = read_fru(cmd, fruid, model=model)
            result[locator.fru_name] = (
                None if raw is None else ipmi_fru.FRU(rawdata=raw, sdr=locator).info)
        return result

    def health() -> dict[str, Any]:
        readings = [_reading(r) for r in sections.get("_sensor_objects", [])]
        worst = 0
        bad = []
        for r in readings:
            if r["health"]:
                worst |= r["health"]
                bad.append(r)
        return {"health": worst, "badreadings": bad}

    def firmware() -> dict[str, Any]:
        return {"BMC Version": {"version": device_id()["firmware_version"]}}

    # First, so pyghmi's own OEM probe (inside get_power and every later call) finds it settled.
    # A failure here is reported by the inventory and firmware sections, which ask again.
    with contextlib.suppress(Exception):
        device_id()
    section("power", cmd.get_power)
    section("inventory", inventory)
    try:
        # Read the SDR-described sensors once; health summarises the same readings
        # (pyghmi's get_health would read them all again).
        _init_sdr(cmd, device_id())
        objects = []
        for sensor in cmd._sdr.get_sensor_numbers():
            described = cmd._sdr.sensors[sensor]
            answer = cmd.raw_command(command=0x2D, netfn=4, rslun=described.sensor_lun,
                                     data=(described.sensor_number,))
            if answer.get("code") == 0xCB:  # sensor not present (optional device)
                continue
            if "error" in answer:
                raise DeviceProtocolError(f"Get Sensor Reading {sensor}: {answer['error']}")
            objects.append(described.decode_sensor_reading(cmd, answer["data"]))
        sections["_sensor_objects"] = objects
        sections["sensors"] = [_reading(r) for r in objects]
        section("health", health)
    except Exception as exc:
        error = _classify(where, exc)
        if isinstance(error, DeviceTimeout | DeviceAuthError):
            raise error from None
        errors["sensors"] = errors["health"] = str(error)
    section("firmware", firmware)
    section("sel", lambda: list(cmd.get_event_log()))
    sections.pop("_sensor_objects", None)
    return IPMICapture(**sections, errors=errors)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class PyghmiIPMI:
    """:class:`~medcloud.hardware.transports.base.IPMITransport` on pyghmi.

    pyghmi is blocking, so each BMC is read in a thread while the event loop
    waits with a deadline.  The threads are bounded (``workers`` slots) and
    are daemon threads started per collect, not a ``ThreadPoolExecutor``: a
    thread pyghmi never returns from (its lock-order deadlock, see
    :func:`install_lock_order_fix`, or any future one) would hang an
    executor's interpreter exit.  A slot is released only when its thread
    really ends, so stuck threads can never exceed ``workers``; a BMC that
    does not finish within ``connect + operation`` seconds (waiting for a
    slot included) is a :class:`DeviceTimeout`.  A thread still running
    :attr:`STUCK_AFTER_S` after its budget (pyghmi's own retry timers end a
    silent BMC's session in about five seconds) is stuck; once every slot is
    held by a stuck thread nothing can start any more, and the BMCs still
    waiting fail at once with a timeout that says so, instead of each sitting
    out its whole budget in turn (200 BMCs, 32 slots, 30 s: minutes of
    apparent hang).
    """

    #: Seconds past its budget after which a thread that has not returned counts as stuck.
    STUCK_AFTER_S = 10.0

    def __init__(self, workers: int = 16) -> None:
        if not 1 <= workers <= 64:
            raise ValueError("workers must be between 1 and 64")
        self._workers = workers
        self._slots = threading.BoundedSemaphore(workers)
        #: Threads still running STUCK_AFTER_S after their caller gave up on them (each holds a slot).
        self._stuck_threads = 0
        self._overdue_lock = threading.Lock()
        # Collects waiting for a slot, woken one at a time as threads end (FIFO).
        self._waiting: collections.deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = (
            collections.deque())
        self._waiting_lock = threading.Lock()

    async def collect(self, target: IPMITarget, timeouts: Timeouts) -> IPMICapture:
        return await self.run_blocking(
            f"{target.host}:{target.port}", lambda: _collect_blocking(target),
            timeouts.connect + timeouts.operation)

    async def run_blocking(self, where: str, work: Callable[[], T], budget: float) -> T:
        """``work()`` (blocking pyghmi calls) in one of the bounded threads, within ``budget`` s.

        Waiting for a free thread counts against the budget; past it the caller gets a
        :class:`DeviceTimeout` while the thread ends on pyghmi's own timers.
        """
        loop = asyncio.get_running_loop()
        deadline = time.monotonic() + budget
        result: asyncio.Future[T] = loop.create_future()

        def deliver(outcome: T | BaseException) -> None:
            if result.done():
                return
            if isinstance(outcome, BaseException):
                result.set_exception(outcome)
            else:
                result.set_result(outcome)

        stuck = False
        finished = False

        def thread() -> None:
            nonlocal finished
            try:
                outcome: T | BaseException = work()
            except BaseException as exc:  # handed to the waiting coroutine, never lost
                outcome = exc
            finally:
                with self._overdue_lock:
                    finished = True
                    if stuck:
                        self._stuck_threads -= 1
                self._release()
            with contextlib.suppress(RuntimeError):  # the loop may be closed by now
                loop.call_soon_threadsafe(deliver, outcome)

        await self._acquire(deadline, where, budget)
        threading.Thread(target=thread, name=f"medcloud-ipmi-{where}", daemon=True).start()
        try:
            return await asyncio.wait_for(result, timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:

            def still_running() -> None:
                nonlocal stuck
                with self._overdue_lock:
                    if finished:
                        return
                    stuck = True
                    self._stuck_threads += 1
                    every_slot = self._stuck_threads >= self._workers
                if every_slot:
                    self._wake_all()  # the waiters find every slot stuck and give up now

            loop.call_later(self.STUCK_AFTER_S, still_running)
            raise DeviceTimeout(f"{where}: no complete answer within {budget:g} s") from None

    def _stuck(self) -> bool:
        with self._overdue_lock:
            return self._stuck_threads >= self._workers

    async def _acquire(self, deadline: float, where: str, budget: float) -> None:
        """Take a slot before ``deadline``, sleeping (not polling) until a thread ends.

        Waiting counts against the device's budget.  Polling every few
        milliseconds instead cost the 200-BMC benchmark ~100,000 timer
        wake-ups, event-loop CPU taken from the pyghmi threads.
        """
        loop = asyncio.get_running_loop()
        timeout_message = f"{where}: no free IPMI worker within {budget:g} s"
        while not self._slots.acquire(blocking=False):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DeviceTimeout(timeout_message)
            if self._stuck():
                raise DeviceTimeout(f"{where}: no free IPMI worker: all {self._workers} are held by sessions "
                                    f"that overran their time (the IPMI library stopped answering); not started")
            entry = (loop, loop.create_future())
            with self._waiting_lock:
                self._waiting.append(entry)
            # A slot freed between the failed acquire and the registration woke nobody: look again.
            if self._slots.acquire(blocking=False):
                self._withdraw(entry)
                return
            try:
                await asyncio.wait_for(entry[1], remaining)
            except TimeoutError:
                self._withdraw(entry)
                raise DeviceTimeout(timeout_message) from None
            except BaseException:  # cancelled: leave the queue without swallowing a wake-up
                self._withdraw(entry)
                raise

    def _withdraw(self, entry: tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]) -> None:
        """Stop waiting; a wake-up already sent to this waiter goes to the next one."""
        with self._waiting_lock:
            try:
                self._waiting.remove(entry)
                return
            except ValueError:
                pass  # popped by _release: its wake-up is ours and must not be lost
        self._wake_one()

    def _release(self) -> None:
        """A worker thread ends: free its slot and wake the longest waiter."""
        self._slots.release()
        self._wake_one()

    def _wake_all(self) -> None:
        with self._waiting_lock:
            waiting, self._waiting = list(self._waiting), collections.deque()
        for loop, waiter in waiting:
            with contextlib.suppress(RuntimeError):  # that loop is closed
                loop.call_soon_threadsafe(_wake, waiter)

    def _wake_one(self) -> None:
        with self._waiting_lock:
            while self._waiting:
                loop, waiter = self._waiting.popleft()
                try:
                    loop.call_soon_threadsafe(_wake, waiter)
                    return
                except RuntimeError:  # that loop is closed; nobody there waits any more
                    continue

    def close(self) -> None:
        """Nothing to stop: each collect's thread ends with pyghmi's own timers."""

    async def __aenter__(self) -> PyghmiIPMI:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


#: The class ``real_transports`` instantiates.
Transport = PyghmiIPMI
