"""The SDR repository is read by one BMC of a model; its siblings reuse pyghmi's shared copy.

The repository describes the PSU and fan sensors R-HW-03 checks; reading it
once per model is part of keeping a 200-BMC run within R-POOL-02's 10 s.

The fake command stands in for pyghmi's: ``init_sdr`` reuses a repository a
finished read left in the shared cache (``sdr.shared_sdrs``) for the same
key, and otherwise reads its own (counted).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from medcloud.hardware.transports import ipmi

JOIN_S = 5.0


def identity(product: int = 0x0280, firmware: str = "6.57") -> dict[str, Any]:
    return {"Manufacturer ID": 2011, "Product ID": product, "Device ID": 0x20, "firmware_version": firmware}


class Shared:
    """pyghmi's ``shared_sdrs`` and a count of full repository reads."""

    def __init__(self) -> None:
        self.cache: dict[tuple[Any, ...], str] = {}
        self.reads = 0
        self.lock = threading.Lock()


class FakeCommand:
    def __init__(self, shared: Shared, ident: dict[str, Any], *, read_s: float = 0.05,
                 gate: threading.Event | None = None, fail: bool = False) -> None:
        self.shared, self.key = shared, tuple(sorted(ident.items()))
        self.read_s, self.gate, self.fail = read_s, gate, fail
        self._sdr: str | None = None

    def init_sdr(self) -> None:
        with self.shared.lock:
            cached = self.shared.cache.get(self.key)
        if cached is not None:
            self._sdr = cached
            return
        with self.shared.lock:
            self.shared.reads += 1
        if self.gate is not None:
            assert self.gate.wait(JOIN_S)
        time.sleep(self.read_s)
        if self.fail:
            raise RuntimeError("BMC went away mid-read")
        self._sdr = "repository"
        with self.shared.lock:
            self.shared.cache[self.key] = self._sdr


@pytest.fixture(autouse=True)
def fresh_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ipmi, "_sdr_readers", {})


def run_all(calls: list[tuple[FakeCommand, dict[str, Any]]], stagger_s: float = 0.005) -> list[BaseException]:
    errors: list[BaseException] = []

    def one(command: FakeCommand, ident: dict[str, Any]) -> None:
        try:
            ipmi._init_sdr(command, ident)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=call) for call in calls]
    for thread in threads:
        thread.start()
        time.sleep(stagger_s)  # the first one started is the reader
    for thread in threads:
        thread.join(JOIN_S)
        assert not thread.is_alive()
    return errors


def test_concurrent_bmcs_of_one_model_read_the_repository_once() -> None:
    shared = Shared()
    commands = [FakeCommand(shared, identity()) for _ in range(8)]
    assert run_all([(c, identity()) for c in commands]) == []
    assert shared.reads == 1
    assert all(c._sdr == "repository" for c in commands)


def test_without_coordination_every_concurrent_bmc_reads_it() -> None:
    # The behaviour _init_sdr exists for: plain init_sdr from concurrent sessions all miss the cache.
    shared = Shared()
    commands = [FakeCommand(shared, identity()) for _ in range(8)]
    threads = [threading.Thread(target=c.init_sdr) for c in commands]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_S)
    assert shared.reads == 8


def test_models_do_not_wait_for_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ipmi, "SDR_FOLLOW_WAIT_S", 60.0)  # a wrong wait would outlast the join below
    shared = Shared()
    gate = threading.Event()
    slow = FakeCommand(shared, identity(product=1), gate=gate)
    other = FakeCommand(shared, identity(product=2))
    reader = threading.Thread(target=ipmi._init_sdr, args=(slow, identity(product=1)))
    reader.start()
    time.sleep(0.01)
    sibling = threading.Thread(target=ipmi._init_sdr, args=(other, identity(product=2)))
    sibling.start()
    sibling.join(JOIN_S)
    assert not sibling.is_alive() and other._sdr == "repository"  # done while the first reader is stuck
    gate.set()
    reader.join(JOIN_S)
    assert shared.reads == 2


def test_a_slow_reader_holds_its_siblings_only_briefly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ipmi, "SDR_FOLLOW_WAIT_S", 0.1)
    shared = Shared()
    gate = threading.Event()
    reader = FakeCommand(shared, identity(), gate=gate)
    thread = threading.Thread(target=ipmi._init_sdr, args=(reader, identity()))
    thread.start()
    time.sleep(0.01)
    sibling = FakeCommand(shared, identity())
    started = time.monotonic()
    ipmi._init_sdr(sibling, identity())
    waited = time.monotonic() - started
    assert 0.1 <= waited < 1.0  # waited out the bound, then read its own
    assert sibling._sdr == "repository" and shared.reads == 2
    # Given up on once, the stuck reader holds nobody else: later siblings find the wait over.
    assert ipmi._sdr_readers[ipmi._sdr_model(identity())].is_set()
    gate.set()
    thread.join(JOIN_S)


def test_a_failed_reader_lets_its_siblings_read_their_own() -> None:
    shared = Shared()
    failing = FakeCommand(shared, identity(), fail=True)
    siblings = [FakeCommand(shared, identity()) for _ in range(3)]
    errors = run_all([(failing, identity()), *((s, identity()) for s in siblings)])
    assert [str(e) for e in errors] == ["BMC went away mid-read"]
    assert all(s._sdr == "repository" for s in siblings)
    assert 2 <= shared.reads <= 4  # the failed read, then at least one sibling's own


def test_a_session_that_has_its_repository_asks_nothing() -> None:
    shared = Shared()
    command = FakeCommand(shared, identity())
    command._sdr = "already read"
    ipmi._init_sdr(command, identity())
    assert shared.reads == 0 and command._sdr == "already read"
