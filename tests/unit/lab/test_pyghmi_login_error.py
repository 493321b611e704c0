"""The pyghmi lost-login-reason fix: a refused login says why, whatever the threads' timing.

pyghmi 1.6 marks a failed session broken (in ``logout``) before it records the
reason; a waiting caller woken in between met ``AttributeError: errormsg``.  The
test watches the order through a stand-in session's ``logout``.
"""

from __future__ import annotations

from typing import Any

from medcloud.hardware.transports import ipmi
from pyghmi.ipmi.private import session as ipmi_session


class Failing:
    """What ``Session._mark_broken`` touches of a session that never logged in."""

    bmc, userid, password, port, kgo = "127.0.0.1", b"u", b"p", 1, None
    lastpayload = onlogpayload = socket = None
    broken = False

    def __init__(self) -> None:
        self.logonwaiters: list[Any] = []
        self.reason_at_logout: object = "unset"

    def logout(self, sessionok: bool = True) -> None:
        # pyghmi's logout is where ``broken`` turns true: the reason must be known by then.
        self.reason_at_logout = getattr(self, "errormsg", "unset")
        self.broken = True


def test_the_reason_is_recorded_before_the_session_counts_as_broken() -> None:
    assert ipmi.install_login_error_fix()
    assert ipmi.install_login_error_fix()  # idempotent
    session = Failing()
    ipmi_session.Session._mark_broken(session, "Incorrect password provided")  # type: ignore[arg-type]
    assert session.reason_at_logout == "Incorrect password provided"
    assert session.errormsg == "Incorrect password provided"  # type: ignore[attr-defined]
