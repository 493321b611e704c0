"""The pyghmi lost-wake-up fix: an answer already queued for a BMC ends the wait at once.

pyghmi's I/O thread is not involved: the tests put a packet in a session
queue the way its ``_io_graball`` does and call the replaced ``_io_wait``
from a thread, bounded by ``join`` timeouts.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from medcloud.hardware.transports import ipmi
from pyghmi.ipmi.private import session as ipmi_session

ADDR = ("127.0.0.1", 1, 0, 0)  # a sockaddr no real session uses
#: Longer than any test waits: a wait that ends did so because of the queue, not its timer.
LONG = 1000.0


class QueuedSession:
    #: pyghmi's ``process_pktqueue`` hands a packet on only for a BMC in this table: none here.
    bmc_handlers: ClassVar[dict[Any, Any]] = {}

    def __init__(self) -> None:
        self.pktqueue: collections.deque[Any] = collections.deque()
        self.sockaddr = ADDR
        self.awaitingresponse = False
        self.lastresponse: dict[str, Any] | None = None


@pytest.fixture
def session() -> Iterator[QueuedSession]:
    assert ipmi.install_wakeup_fix()
    fake = QueuedSession()
    ipmi_session.Session.bmc_handlers[ADDR] = {40000: fake}
    try:
        yield fake
    finally:
        ipmi_session.Session.bmc_handlers.pop(ADDR, None)
        for item in [item for item in ipmi_session.ioqueue if item[2] == ADDR]:
            item[1].set()
            ipmi_session.ioqueue.remove(item)


def _wait_in_thread(evq: list[threading.Event] | None = None) -> threading.Thread:
    thread = threading.Thread(target=ipmi_session._io_wait, args=(LONG, ADDR, evq), daemon=True)
    thread.start()
    return thread


def _release() -> None:
    for item in list(ipmi_session.ioqueue):
        if item[2] == ADDR:
            item[1].set()


def test_install_is_idempotent_and_replaces_io_wait() -> None:
    assert ipmi.install_wakeup_fix() and ipmi.install_wakeup_fix()
    assert ipmi_session._io_wait.__module__ == ipmi.__name__


def test_an_answer_already_queued_ends_the_wait(session: QueuedSession) -> None:
    session.pktqueue.append((b"\x06\x00\xff\x07", ADDR))
    thread = _wait_in_thread()
    thread.join(timeout=5)
    assert not thread.is_alive()
    # Found before registering: nothing left for pyghmi's I/O thread to carry and walk per packet.
    assert not [item for item in ipmi_session.ioqueue if item[2] == ADDR]


def test_no_answer_still_waits_for_the_io_thread(session: QueuedSession) -> None:
    thread = _wait_in_thread()
    thread.join(timeout=0.2)
    assert thread.is_alive()
    _release()  # what pyghmi's I/O thread does when the answer comes
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_command_waits_keep_pyghmi_behaviour(session: QueuedSession) -> None:
    """``_cmdwait`` (with ``evq``) does not drain the queue, so it must not take the shortcut."""
    session.pktqueue.append((b"\x06\x00\xff\x07", ADDR))
    events: list[threading.Event] = []
    thread = _wait_in_thread(events)
    thread.join(timeout=0.2)
    assert thread.is_alive() and len(events) == 1
    events[0].set()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_an_answer_another_thread_already_handled_ends_the_wait(session: QueuedSession) -> None:
    """A logging-in thread's event-loop pass took and handled the packet before the caller waited."""
    session.awaitingresponse = True
    session.lastresponse = {"netfn": 7, "command": 1, "data": b""}
    first_ended = threading.Event()

    def await_twice() -> None:  # awaitresponse's loop, in one thread
        ipmi_session._io_wait(LONG, ADDR)
        first_ended.set()
        ipmi_session._io_wait(LONG, ADDR)

    thread = threading.Thread(target=await_twice, daemon=True)
    thread.start()
    assert first_ended.wait(timeout=5)
    # The same response a second time (awaitresponse did not accept it) waits instead of spinning.
    thread.join(timeout=0.2)
    assert thread.is_alive()
    _release()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_handling_the_packets_wakes_the_wait_registered_meanwhile(session: QueuedSession) -> None:
    """Whoever handles a BMC's packets wakes the response waits for it: the I/O thread's wake-up
    came before they registered."""
    thread = _wait_in_thread()
    thread.join(timeout=0.2)
    assert thread.is_alive()
    # Not an IPMI packet: pyghmi's own handler drops it (nothing to parse in a test).
    session.pktqueue.append((b"\x00\x00\x00\x00", ADDR))
    ipmi_session.Session.process_pktqueue(session)  # as another thread's event-loop pass does
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert not session.pktqueue
