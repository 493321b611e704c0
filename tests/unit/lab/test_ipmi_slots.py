"""PyghmiIPMI's worker slots: bounded threads, waiters woken by thread ends, not by polling.

``_collect_blocking`` is replaced by a stand-in that holds its thread until
the test releases it, so every step is driven by events, never by timing.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator

import pytest
from medcloud.hardware.transports import ipmi
from medcloud.hardware.transports.base import IPMICapture, IPMITarget, Timeouts

from medcloud.errors import DeviceTimeout


class Secret:
    def reveal(self) -> str:
        return "pw"


class Gate:
    """Stands in for one pyghmi collect per target; records how many run at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.started: list[str] = []
        self.release = threading.Event()

    def __call__(self, target: IPMITarget) -> IPMICapture:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
            self.started.append(target.host)
        try:
            if not self.release.wait(timeout=10):
                raise DeviceTimeout("test gate never opened")
            return IPMICapture(power={"powerstate": "on"})
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    fake = Gate()
    monkeypatch.setattr(ipmi, "_collect_blocking", fake)
    yield fake
    fake.release.set()


def target(i: int) -> IPMITarget:
    return IPMITarget(f"127.0.0.{i + 1}", 623, "admin", Secret())


async def _until(condition: Callable[[], bool], limit: int = 2000) -> None:
    for _ in range(limit):  # bounded: 2000 loop turns of 1 ms
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition not reached")


def test_never_more_threads_than_slots_and_every_waiter_runs(gate: Gate) -> None:
    async def run() -> list[IPMICapture]:
        transport = ipmi.PyghmiIPMI(workers=3)
        tasks = [asyncio.create_task(transport.collect(target(i), Timeouts(connect=5, operation=5)))
                 for i in range(12)]
        await _until(lambda: gate.running == 3)
        gate.release.set()
        return await asyncio.gather(*tasks)

    captures = asyncio.run(run())
    assert len(captures) == 12 and all(c.power == {"powerstate": "on"} for c in captures)
    assert gate.peak == 3
    # Waiters are served first come, first served.
    assert gate.started == [f"127.0.0.{i + 1}" for i in range(12)]


def test_a_cancelled_waiter_passes_its_turn_on(gate: Gate) -> None:
    async def run() -> IPMICapture:
        transport = ipmi.PyghmiIPMI(workers=1)
        timeouts = Timeouts(connect=5, operation=5)
        first = asyncio.create_task(transport.collect(target(0), timeouts))
        await _until(lambda: gate.running == 1)
        second = asyncio.create_task(transport.collect(target(1), timeouts))
        third = asyncio.create_task(transport.collect(target(2), timeouts))
        await _until(lambda: len(transport._waiting) == 2)
        second.cancel()
        gate.release.set()
        await first
        with pytest.raises(asyncio.CancelledError):
            await second
        return await third

    assert asyncio.run(run()).power == {"powerstate": "on"}
    assert "127.0.0.2" not in gate.started


def test_waiting_for_a_slot_counts_against_the_budget(gate: Gate) -> None:
    async def run() -> BaseException | None:
        transport = ipmi.PyghmiIPMI(workers=1)
        busy = asyncio.create_task(transport.collect(target(0), Timeouts(connect=5, operation=5)))
        await _until(lambda: gate.running == 1)
        try:
            await transport.collect(target(1), Timeouts(connect=0.05, operation=0.05))
        except DeviceTimeout as exc:
            return exc
        finally:
            gate.release.set()
            await busy
        return None

    error = asyncio.run(run())
    assert isinstance(error, DeviceTimeout) and "no free IPMI worker" in str(error)


def test_once_every_slot_is_stuck_the_waiters_fail_at_once_not_one_budget_each(gate: Gate) -> None:
    """A library that stops answering (pyghmi's deadlock) holds every slot: the BMCs still waiting are
    reported as not started as soon as that is so, instead of each sitting out its budget in turn."""
    async def run() -> tuple[list[BaseException | IPMICapture], float]:
        transport = ipmi.PyghmiIPMI(workers=2)
        transport.STUCK_AFTER_S = 0.2
        loop = asyncio.get_running_loop()
        stuck = [asyncio.create_task(transport.collect(target(i), Timeouts(connect=0.1, operation=0.1)))
                 for i in range(2)]
        await _until(lambda: gate.running == 2)
        waiting = [asyncio.create_task(transport.collect(target(2 + i), Timeouts(connect=30, operation=30)))
                   for i in range(3)]
        start = loop.time()
        outcomes = await asyncio.gather(*stuck, *waiting, return_exceptions=True)
        return outcomes, loop.time() - start

    try:
        outcomes, waited = asyncio.run(run())
    finally:
        gate.release.set()
    assert all(isinstance(o, DeviceTimeout) for o in outcomes)
    assert [str(o).split(": ", 1)[1] for o in outcomes[2:]] == [
        "no free IPMI worker: all 2 are held by sessions that overran their time "
        "(the IPMI library stopped answering); not started"] * 3
    assert waited < 10  # not the waiters' 60 s budgets
    assert gate.started == ["127.0.0.1", "127.0.0.2"]


def test_a_slot_whose_overdue_thread_ends_is_usable_again(gate: Gate) -> None:
    async def run() -> IPMICapture:
        transport = ipmi.PyghmiIPMI(workers=1)
        transport.STUCK_AFTER_S = 0.05
        with pytest.raises(DeviceTimeout):
            await transport.collect(target(0), Timeouts(connect=0.05, operation=0.05))
        assert not transport._stuck()  # overdue, but pyghmi's own timers may still end it
        await _until(transport._stuck)
        gate.release.set()
        await _until(lambda: not transport._stuck())
        return await transport.collect(target(1), Timeouts(connect=5, operation=5))

    assert asyncio.run(run()).power == {"powerstate": "on"}
