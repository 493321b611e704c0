"""SNMP walks in a worker process: pysnmp's CPU off the interpreter that runs pyghmi.

Decoding SNMPv3 answers (BER, USM digest, AES) is pure-Python work in pysnmp:
on the 200-BMC + 20-switch benchmark it was most of our SNMP CPU, and it ran
under the same GIL as pyghmi's per-packet Python for the BMCs, so a run used
one core.  :class:`ProcessSNMP` keeps the transport contract of
:class:`~medcloud.hardware.transports.snmp.PysnmpSNMP` but hands each walk to
one long-lived child (``python -m medcloud.hardware.transports.snmpproc``)
that runs ``PysnmpSNMP`` on its own event loop, all walks concurrently, and
returns the varbinds as JSON.

The pipe protocol is one JSON object a line.  Requests (parent → child on
stdin) carry the target *with* its keys: a pipe is private to the two
processes, whereas a command line or an environment variable is readable by
other users through ``/proc``.  Answers (child → parent on stdout) carry
either the capture or the name of the device error and its message, which
the transports already keep free of secrets.  The child writes nothing else
to stdout and logs nothing; it ends when its stdin closes (the parent went
away or called :meth:`ProcessSNMP.close`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import IO, Any

from medcloud.hardware.transports.base import SNMPCapture, SNMPTarget, Timeouts

from medcloud.errors import DeviceAuthError, DeviceError, DeviceProtocolError, DeviceTimeout

#: Device errors that cross the pipe by name; anything else is a protocol error.
_ERRORS: dict[str, type[DeviceError]] = {
    cls.__name__: cls for cls in (DeviceTimeout, DeviceAuthError, DeviceProtocolError)}
#: Seconds the parent waits beyond the walk's own budget before giving up on the child.
_GRACE_S = 5.0
#: Seconds ``close`` waits for the child to leave after its stdin closes, before killing it.
_EXIT_WAIT_S = 3.0
#: The child's first-generation garbage collection threshold (CPython's default: 700).
_GC_THRESHOLD = 50_000


class _Opened:
    """A key received over the pipe, with the masking of ``medcloud.secrets.Secret``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "_Opened('********')"

    __str__ = __repr__


def _request(ident: int, target: SNMPTarget, roots: Sequence[str], timeouts: Timeouts,
             max_repetitions: int) -> bytes:
    return json.dumps({
        "id": ident,
        "max_repetitions": max_repetitions,
        "target": {
            "host": target.host, "port": target.port, "username": target.username,
            "auth_protocol": target.auth_protocol, "priv_protocol": target.priv_protocol,
            "auth_key": None if target.auth_key is None else target.auth_key.reveal(),
            "priv_key": None if target.priv_key is None else target.priv_key.reveal(),
            "context": target.context,
        },
        "roots": list(roots),
        "timeouts": [timeouts.connect, timeouts.operation, timeouts.retries],
    }).encode() + b"\n"


def _target(data: dict[str, Any]) -> SNMPTarget:
    auth, priv = data["auth_key"], data["priv_key"]
    return SNMPTarget(
        str(data["host"]), int(data["port"]), str(data["username"]),
        auth_protocol=data["auth_protocol"], priv_protocol=data["priv_protocol"],
        auth_key=None if auth is None else _Opened(str(auth)),
        priv_key=None if priv is None else _Opened(str(priv)),
        context=str(data["context"]))


_Pending = tuple[asyncio.AbstractEventLoop, "asyncio.Future[SNMPCapture]", str]


class _Worker:
    """One child process and the thread that reads its answers."""

    def __init__(self) -> None:
        # Same interpreter and environment, so the child imports this very package.
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True)
        except OSError as exc:
            raise DeviceProtocolError(f"cannot start the SNMP worker process: {exc.strerror}") from None
        self.pending: dict[int, _Pending] = {}
        self.lock = threading.Lock()
        self.alive = True
        self.write_lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, name="medcloud-snmp-worker-reader", daemon=True)
        self.reader.start()

    def send(self, ident: int, entry: _Pending, line: bytes) -> None:
        with self.lock:
            if not self.alive:
                raise DeviceProtocolError(f"{entry[2]}: SNMP worker process has ended")
            self.pending[ident] = entry
        stdin = self.process.stdin
        assert stdin is not None
        try:
            with self.write_lock:
                stdin.write(line)
                stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            with self.lock:
                self.pending.pop(ident, None)
            raise DeviceProtocolError(f"{entry[2]}: SNMP worker process has ended") from None

    def forget(self, ident: int) -> None:
        with self.lock:
            self.pending.pop(ident, None)

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        for line in stdout:
            try:
                answer = json.loads(line)
                ident = int(answer["id"])
            except (ValueError, KeyError, TypeError):
                continue  # not ours (nothing else should write there); the walk times out
            with self.lock:
                entry = self.pending.pop(ident, None)
            if entry is not None:
                self._deliver(entry, answer)
        code = self.process.wait()
        with self.lock:
            self.alive = False
            orphans = list(self.pending.values())
            self.pending.clear()
        for entry in orphans:
            self._deliver(entry, {"error": "DeviceProtocolError",
                                  "message": f"{entry[2]}: SNMP worker process ended (exit status {code})"})

    @staticmethod
    def _deliver(entry: _Pending, answer: dict[str, Any]) -> None:
        loop, future, where = entry
        outcome: SNMPCapture | BaseException
        if "varbinds" in answer:
            try:
                outcome = SNMPCapture.from_json(answer["varbinds"])
            except (ValueError, TypeError, KeyError) as exc:
                outcome = DeviceProtocolError(f"{where}: malformed capture from the SNMP worker ({exc})")
        else:
            error = _ERRORS.get(str(answer.get("error")), DeviceProtocolError)
            outcome = error(str(answer.get("message") or f"{where}: SNMP worker failed"))

        def settle() -> None:
            if future.done():
                return
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

        with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits any more
            loop.call_soon_threadsafe(settle)

    def close(self) -> None:
        stdin = self.process.stdin
        if stdin is not None:
            with self.write_lock, contextlib.suppress(OSError):
                stdin.close()
        try:
            self.process.wait(_EXIT_WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(_EXIT_WAIT_S)
        self.reader.join(_EXIT_WAIT_S)
        if self.process.stdout is not None:
            self.process.stdout.close()


def default_workers(cpus: int | None = None) -> int:
    """One child per two CPUs, at least one and at most two.

    The parent keeps a core busy with pyghmi while the BMCs are read, so a
    second child pays only where there is a core for it: on the 2-CPU
    benchmark machine (whose simulated switches and BMCs share those cores)
    two children finished the switches no sooner than one, and each costs
    ~0.4 s of CPU to start.
    """
    count = os.cpu_count() if cpus is None else cpus
    return max(1, min(2, (count or 1) // 2))


class ProcessSNMP:
    """:class:`~medcloud.hardware.transports.base.SNMPTransport`: ``PysnmpSNMP`` in child processes.

    ``workers`` children (default: one per two CPUs, at most two) start
    on the first walk and serve every later one, from any event loop; each
    walk goes to the child with the fewest walks in flight, and a child that
    died is replaced on the next walk.  More than one child because after
    the BMCs are done the switches' decoding is what is left, and one child
    is one core.  Call :meth:`close` when done (it also runs at interpreter exit).
    """

    def __init__(self, max_repetitions: int | None = None, workers: int | None = None) -> None:
        from medcloud.hardware.transports.snmp import MAX_REPETITIONS

        self._max_repetitions = MAX_REPETITIONS if max_repetitions is None else max_repetitions
        if not 1 <= self._max_repetitions <= 100:
            raise ValueError("max_repetitions must be between 1 and 100")
        count = workers if workers is not None else default_workers()
        if not 1 <= count <= 16:
            raise ValueError("workers must be between 1 and 16")
        self._workers: list[_Worker | None] = [None] * count
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._finalizers: list[weakref.finalize[Any, Any] | None] = [None] * count

    def _pick(self) -> _Worker:
        with self._lock:
            live = [(len(w.pending), i) for i, w in enumerate(self._workers) if w is not None and w.alive]
            idle = [i for i, w in enumerate(self._workers) if w is None or not w.alive]
            if idle and (not live or min(live)[0] > 0):
                slot = idle[0]
                dead = self._finalizers[slot]
                if dead is not None:
                    dead()  # reaps the ended child
                worker = self._workers[slot] = _Worker()
                self._finalizers[slot] = weakref.finalize(self, worker.close)
                return worker
            chosen = self._workers[min(live)[1]]
            assert chosen is not None
            return chosen

    def start(self) -> None:
        """Start every child now (they import pysnmp and build their engines while the caller works on)."""
        with self._lock:
            for slot, existing in enumerate(self._workers):
                if existing is None or not existing.alive:
                    worker = self._workers[slot] = _Worker()
                    self._finalizers[slot] = weakref.finalize(self, worker.close)

    async def walk(self, target: SNMPTarget, roots: Sequence[str], timeouts: Timeouts) -> SNMPCapture:
        where = f"{target.host}:{target.port}"
        if target.auth_key is None or target.priv_key is None:
            raise DeviceAuthError(f"{where}: SNMPv3 authPriv needs an auth and a priv key")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[SNMPCapture] = loop.create_future()
        ident = next(self._ids)
        worker = self._pick()
        worker.send(ident, (loop, future, where), _request(ident, target, roots, timeouts, self._max_repetitions))
        budget = timeouts.operation + timeouts.connect * (timeouts.retries + 1) + _GRACE_S
        try:
            return await asyncio.wait_for(future, budget)
        except TimeoutError:
            raise DeviceTimeout(f"{where}: SNMP worker gave no answer within {budget:g} s") from None
        finally:
            worker.forget(ident)

    def close(self) -> None:
        """Stop the children (each gets a few seconds to finish its walks' clean-up)."""
        with self._lock:
            for slot, finalizer in enumerate(self._finalizers):
                if finalizer is not None:
                    finalizer()  # runs that worker's close once
                self._finalizers[slot] = None
                self._workers[slot] = None


# --- the child -----------------------------------------------------------------


def _collect_less() -> None:
    """Spare the child most of its cyclic garbage collections (once its modules and engine are built).

    Decoding an answer allocates thousands of pyasn1 objects that reference
    counting frees; with CPython's default threshold (700 net allocations)
    they still set off ~18 collections per switch walk, the older
    generations' traversing the ~49,000 objects of the modules and the
    engine's MIB tables: ~9 ms of a ~90 ms walk.  Those long-lived objects are frozen out of collection and
    the first generation is collected after 50,000 net allocations instead,
    which no walk reaches (measured: none in 40 walks of the benchmark
    switch): what is freed by reference counting never costs a traversal,
    and real cycles are still collected, later.
    """
    gc.collect()
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(_GC_THRESHOLD, second, third)


async def _serve(stdin: IO[bytes], stdout: IO[bytes], ready: Callable[[], None] = lambda: None) -> None:
    """Answer the requests on ``stdin``; ``ready`` runs once the engine is built, before the first request."""
    from medcloud.hardware.transports.snmp import PysnmpSNMP, close_engine, engine

    loop = asyncio.get_running_loop()
    engine()  # build the engine before the first request needs it
    ready()
    transports: dict[int, PysnmpSNMP] = {}
    tasks: set[asyncio.Task[None]] = set()
    lines: asyncio.Queue[bytes] = asyncio.Queue()

    def read() -> None:
        for raw in stdin:
            loop.call_soon_threadsafe(lines.put_nowait, raw)
        loop.call_soon_threadsafe(lines.put_nowait, b"")

    def answer(message: dict[str, Any]) -> None:
        stdout.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
        stdout.flush()

    async def one(request: dict[str, Any]) -> None:
        ident = request["id"]
        try:
            target = _target(request["target"])
            connect, operation, retries = request["timeouts"]
            repetitions = int(request["max_repetitions"])
            snmp = transports.get(repetitions)
            if snmp is None:
                snmp = transports[repetitions] = PysnmpSNMP(repetitions)
            capture = await snmp.walk(target, [str(r) for r in request["roots"]],
                                      Timeouts(float(connect), float(operation), int(retries)))
            answer({"id": ident, "varbinds": capture.to_json()})
        except DeviceError as exc:
            answer({"id": ident, "error": type(exc).__name__, "message": str(exc)})
        except Exception as exc:  # a bug must fail one walk, not the worker; the type only: no values
            answer({"id": ident, "error": "DeviceProtocolError",
                    "message": f"SNMP worker: {type(exc).__name__} while walking"})

    threading.Thread(target=read, name="stdin", daemon=True).start()
    try:
        while raw := await lines.get():
            try:
                request = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(request, dict) or not isinstance(request.get("id"), int):
                continue  # not from ProcessSNMP: there is nobody to answer
            task = asyncio.create_task(one(request))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        close_engine()


def main() -> int:
    # Ctrl-C reaches the whole process group: the parent reports what it has and closes our stdin,
    # which ends us cleanly; a KeyboardInterrupt here would only print a traceback over its report.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(_serve(sys.stdin.buffer, sys.stdout.buffer, ready=_collect_less))
    return 0


def run() -> None:
    """The child's entry point: once stdin is closed and the last answer sent, it ends without
    tearing pysnmp down module by module (:func:`medcloud.signals.exit_now`); the parent's ``close``
    waits for that exit, at the end of ``verify`` after every switch is done (~0.1 s less)."""
    from medcloud.signals import exit_now

    exit_now(main())


#: The class ``real_transports`` instantiates.
Transport = ProcessSNMP


if __name__ == "__main__":
    run()
