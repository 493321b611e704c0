"""One signal policy for the command line (issue 16).

From the first instruction of ``medcloud`` (:mod:`medcloud.launch` installs it
before anything else is imported), SIGINT and SIGTERM end the command the same
way, wherever it is:

- the first signal is recorded and raises ``KeyboardInterrupt`` in the main
  thread, so the command unwinds through its ``finally`` blocks: a partial
  report is written (``verify``), temporary files are removed, the audit record
  says ``interrupted``;
- later signals are recorded and ignored: a second Ctrl-C cannot cut the
  partial report or the audit record short;
- nothing hangs: :data:`GRACE_SECONDS` after the first signal the process ends
  with the signal's exit code even if some library swallowed the interrupt or a
  thread never returns; the command's :class:`FinalWords` (its audit record) are
  said before that, so even a command ended this way leaves its record;
- the exit code is 128 + the signal number: 130 for SIGINT, 143 for SIGTERM.

Asynchronous commands use :func:`cancel_on_signal`, which turns the same two
signals into a cancellation of the running task and puts the policy back after.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType

#: The signals that end a command.
SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: How long an interrupted command may take to unwind before the process is ended anyway.
GRACE_SECONDS = 20.0



class _State:
    #: The first signal received, if any.
    received: int | None = None
    #: Whether a signal may raise: not until the launcher's ``try`` is in place to catch it.
    armed = False
    lock = threading.Lock()
    watchdog: threading.Timer | None = None
    #: An interrupt Python swallowed (raised inside a GC or weakref callback) is delivered again.
    again = False
    redelivered = 0
    #: Said by the watchdog before it ends a command that did not unwind in time.
    final_words: FinalWords | None = None
    #: The command's outcome is on record (:func:`settle`): a signal no longer changes it.
    settled = False


class FinalWords:
    """What a command must say exactly once however it ends (its audit record).

    The main thread says it as it unwinds; should the watchdog have to end the process first,
    the watchdog says it instead.  Whichever comes first speaks; the other says nothing.
    """

    #: How long the watchdog waits for the main thread to finish saying them.
    WAIT_S = 5.0

    def __init__(self, interrupted: Callable[[], None]) -> None:
        self._interrupted = interrupted
        self._lock = threading.Lock()
        self._said = False

    def say(self, words: Callable[[], None]) -> None:
        """Say ``words`` unless the final words were said already (main thread)."""
        with self._lock:
            if self._said:
                return
            self._said = True
            words()

    def say_interrupted(self) -> None:
        """From the watchdog: say that the command was interrupted, never blocking for long."""
        if not self._lock.acquire(timeout=self.WAIT_S):
            return
        try:
            if not self._said:
                self._said = True
                self._interrupted()
        finally:
            self._lock.release()


@contextlib.contextmanager
def final_words(words: FinalWords | None) -> Iterator[None]:
    """Inside, the watchdog says ``words`` before ending a command that did not unwind in time."""
    _state.final_words = words
    try:
        yield
    finally:
        _state.final_words = None


_state = _State()


def install(*, armed: bool = False) -> None:
    """Make SIGINT and SIGTERM follow this policy (main thread only).

    Until :func:`arm` a signal is only recorded; ``arm`` then raises for it, so an
    interrupt arriving before the caller can catch it is never lost nor a traceback.
    """
    _state.armed = armed
    sys.unraisablehook = _unraisable
    for signum in SIGNALS:
        # A signal the parent set to be ignored stays ignored (`nohup`, a shell's background job).
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _handle)


def arm() -> None:
    """Let signals raise from now on, and raise at once for one recorded meanwhile."""
    _state.armed = True
    checkpoint()


def received() -> int | None:
    """The first signal that asked this process to stop, if any."""
    return _state.received


def exit_code(default: int = 128 + signal.SIGINT) -> int:
    """128 + the received signal (130 SIGINT, 143 SIGTERM); ``default`` when none was recorded."""
    return 128 + _state.received if _state.received is not None else default


def settle() -> None:
    """The command's outcome is on record (its audit record says how it ended): a signal from here on
    is neither recorded nor raised, so the exit status is the one the record holds.

    Without it a signal landing between the record and :func:`leaving` ended a command whose
    record said ``ok`` with 130 (seen by the ``bmc apply`` signal test).
    """
    with _state.lock:
        _state.settled = True


def unsettle() -> None:
    """A new command starts in this process (tests run several in one): signals count again."""
    with _state.lock:
        _state.settled = False


def settled() -> bool:
    return _state.settled


def record(signum: int) -> bool:
    """Record ``signum``; True if it is the first signal (the one that interrupts)."""
    with _state.lock:
        if _state.received is not None or _state.settled:
            return False
        _state.received = signum
    _state.watchdog = threading.Timer(GRACE_SECONDS, _expire)
    _state.watchdog.daemon = True
    _state.watchdog.start()
    return True


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """Inside, a signal is recorded but raises nothing: the command's audit record is never cut in half.

    The caller reads :func:`received` inside the block to say the command was interrupted; the
    launcher returns 130/143 for a signal recorded here.
    """
    was = _state.armed
    _state.armed = False
    try:
        yield
    finally:
        _state.armed = was


def checkpoint() -> None:
    """Raise ``KeyboardInterrupt`` if a signal arrived (for code that must not finish after one).

    A library that caught the interrupt cannot make an interrupted command look finished:
    commands call this before they write their output.
    """
    if _state.received is not None:
        raise KeyboardInterrupt


def leaving(code: int) -> None:
    """The command is done and exits with ``code``: a signal during interpreter shutdown changes nothing.

    SIGINT and SIGTERM are ignored from here on, process-wide.  Blocking them in the main
    thread is not enough: the interpreter restores their default action while finalising,
    and the kernel hands a signal to any thread that does not block it (a library's I/O
    thread, pyghmi's), so a late Ctrl-C killed the finished command (exit -2, seen by the
    ``bmc apply`` signal test).  Python leaves an ignored signal ignored when it finalises.
    A watchdog ends the process with ``code`` should shutdown hang on a thread that never
    returns.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    watchdog = threading.Timer(GRACE_SECONDS, os._exit, (code,))
    watchdog.daemon = True
    watchdog.start()


def exit_now(code: int) -> None:
    """End a finished command (or worker process) with ``code``, without the interpreter's finalisation.

    What a normal exit does that matters is done here, in the same order: non-daemon
    threads are waited for (if one is still running, the normal way out is taken), the
    ``atexit`` handlers run (logging's flush, ``weakref.finalize``, multiprocessing's and
    the scratch folder's clean-up), stdout and stderr are flushed.  What is skipped is
    tearing the heap down object by object and module by module: after ``verify`` of
    220 devices, measured 0.15-0.5 s of CPU between the last ``atexit`` handler and the
    process's end, all of it after the command's work was on disk.  A flush that fails
    (a reader gone from the pipe) also takes the normal way out, which reports it as before.
    """
    main = threading.main_thread()
    if any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)


_scratch: list[str] = []
_scratch_lock = threading.Lock()


def scratch_dir() -> str:
    """This process's folder for temporary files made in worker threads (created on first use).

    An interrupted command ends with ``os._exit`` once the main thread has unwound, without
    waiting for worker threads, whose ``TemporaryDirectory`` blocks then never clean up (an
    interrupted ``verify`` left one ``medcloud-ssh-*`` folder per server).  Made under this
    folder, they go with it: :func:`remove_scratch` runs on every way out of the launcher and
    at interpreter exit.
    """
    import tempfile  # here: this module is imported before the policy is in force, so it stays light

    with _scratch_lock:
        if not _scratch:
            _scratch.append(tempfile.mkdtemp(prefix="medcloud-"))
            atexit.register(remove_scratch)
        return _scratch[0]


def remove_scratch() -> None:
    """Remove this process's scratch folder and whatever is left in it."""
    import shutil

    with _scratch_lock:
        folders, _scratch[:] = list(_scratch), []
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def reset() -> None:
    """Forget a recorded signal and stop its watchdog (tests run many commands in one process)."""
    with _state.lock:
        if _state.watchdog is not None:
            _state.watchdog.cancel()
        _state.received, _state.watchdog = None, None
        _state.again, _state.redelivered = False, 0
        _state.settled = False


def _handle(signum: int, frame: FrameType | None) -> None:
    first = record(signum)
    if (first or _state.again) and _state.armed:
        _state.again = False
        raise KeyboardInterrupt


#: How often an interrupt swallowed by Python is delivered again before the watchdog decides.
MAX_REDELIVERIES = 5
#: Delay before a swallowed interrupt is sent again, seconds: long enough to leave the unraisable hook.
REDELIVERY_DELAY_S = 0.05
_default_unraisablehook = sys.unraisablehook


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """A KeyboardInterrupt raised inside a callback Python cannot propagate from (a weakref or GC
    finaliser) is not printed as a traceback: the signal is sent again, to interrupt the command
    where it can."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and _state.received is not None:
        if _state.redelivered < MAX_REDELIVERIES:
            _state.redelivered += 1
            _state.again = True
            # From another thread, a moment later: sent from here, the handler would run inside this hook
            # and its KeyboardInterrupt would be printed as "Exception ignored in sys.unraisablehook".
            resend = threading.Timer(REDELIVERY_DELAY_S, os.kill, (os.getpid(), _state.received))
            resend.daemon = True
            resend.start()
        return
    _default_unraisablehook(unraisable)


def _expire() -> None:
    with contextlib.suppress(Exception):
        sys.stderr.write(f"medcloud: interrupted; still unwinding after {GRACE_SECONDS:g} s, ending now\n")
        sys.stderr.flush()
    words = _state.final_words
    if words is not None:
        with contextlib.suppress(Exception):
            words.say_interrupted()
    os._exit(exit_code())


@contextlib.contextmanager
def cancel_on_signal(task: asyncio.Task[object] | None = None) -> Iterator[None]:
    """Inside a running event loop: SIGINT/SIGTERM cancel ``task`` (default: the current one).

    The task sees ``CancelledError`` and can return its partial result; the signal is
    recorded as by the synchronous policy.  The handlers in force before are restored.
    """
    loop = asyncio.get_running_loop()
    target = task or asyncio.current_task()
    assert target is not None
    before = {signum: signal.getsignal(signum) for signum in SIGNALS}

    def on_signal(signum: int) -> None:
        if record(signum):
            target.cancel()

    for signum in SIGNALS:
        loop.add_signal_handler(signum, on_signal, signum)
    try:
        yield
    finally:
        for signum in SIGNALS:
            loop.remove_signal_handler(signum)
            signal.signal(signum, before[signum])
