"""pyghmi's clock: ``time.monotonic`` instead of ``os.times()[4]`` (a system call per read; its I/O
thread reads it per pending BMC on every packet), switched only while no session exists."""

from __future__ import annotations

import time

import pytest
from medcloud.hardware.transports import ipmi
from pyghmi.ipmi.private import session as ipmi_session
from pyghmi.ipmi.private import util


def test_pyghmi_reads_time_monotonic_once_installed() -> None:
    assert ipmi.install_clock_fix() and ipmi.install_clock_fix()  # idempotent
    assert util._monotonic_time is time.monotonic
    assert ipmi_session._monotonic_time is time.monotonic


def test_never_switched_under_a_live_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deadline taken on one clock must never be compared with the other."""
    monkeypatch.setattr(ipmi, "_INSTALLED", set())
    monkeypatch.setitem(ipmi_session.Session.bmc_handlers, ("127.0.0.1", 1, 0, 0), {40000: object()})
    assert not ipmi.install_clock_fix()
