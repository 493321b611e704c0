"""pyghmi 1.6's lock-order deadlock, and the fix that makes its two global locks one.

Two threads take pyghmi's locks the way its own code paths do, at the same moment (a
barrier between the first and the second lock): ``send_payload`` → ``_xmit_packet``
(``KEEPALIVE_SESSIONS`` then ``WAITING_SESSIONS``) and ``awaitresponse`` → ``_timedout``
→ ``send_payload`` (``WAITING_SESSIONS`` then ``KEEPALIVE_SESSIONS``).  The names are
looked up on the module at each step, as pyghmi does.  Bounded by ``join`` timeouts.
"""

from __future__ import annotations

import contextlib
import threading

from medcloud.hardware.transports import ipmi
from pyghmi.ipmi.private import session as ipmi_session
from pyghmi.ipmi.private import util


def _opposite_orders(first: str, second: str, barrier: threading.Barrier, done: list[str]) -> None:
    with util.protect(getattr(ipmi_session, first)):
        # With one lock the other thread waits for it, not at the barrier, which then breaks.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        with util.protect(getattr(ipmi_session, second)):
            done.append(first)


def test_the_two_orders_no_longer_deadlock_once_the_fix_is_in_force() -> None:
    assert ipmi.install_lock_order_fix()
    assert ipmi_session.KEEPALIVE_SESSIONS is ipmi_session.WAITING_SESSIONS
    barrier = threading.Barrier(2)
    done: list[str] = []
    threads = [threading.Thread(target=_opposite_orders, args=(a, b, barrier, done), daemon=True)
               for a, b in (("KEEPALIVE_SESSIONS", "WAITING_SESSIONS"), ("WAITING_SESSIONS", "KEEPALIVE_SESSIONS"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert sorted(done) == ["KEEPALIVE_SESSIONS", "WAITING_SESSIONS"]

