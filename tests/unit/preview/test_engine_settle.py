"""The preview engine's run conditions: the settle step and the collector pause keep every
registration and every failure, whatever order outputs resolve in."""

from __future__ import annotations

import gc
from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks

from medcloud.gcpause import gc_paused
from medcloud.preview.engine import RecordingMonitor, RunResult, run_with_monitor


class _Echo(mocks.Mocks):
    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[Any, Any]]:
        return "", args.inputs

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[Any, Any], None]:
        return {}, None


def _run(body: Any) -> RunResult:
    result = RunResult("medcloud", "settle")
    run_with_monitor(RecordingMonitor(result), body, project="medcloud", stack_name="settle")
    return result


def test_resources_created_inside_applies_are_all_registered() -> None:
    """Outputs that only exist once earlier ones resolve (chains of applies) are waited for too."""
    depth = 5

    def body() -> None:
        def chain(level: int, parent_name: pulumi.Output[str]) -> None:
            res = pulumi.CustomResource("medcloud:test:Link", f"link-{level}", {"after": parent_name})
            if level < depth:
                res.urn.apply(lambda _urn: chain(level + 1, res.urn))

        root = pulumi.CustomResource("medcloud:test:Link", "root", {"n": 0})
        root.urn.apply(lambda _urn: chain(1, root.urn))

    result = _run(body)
    names = sorted(r.name for r in result.registrations.values() if r.type == "medcloud:test:Link")
    assert names == ["link-1", "link-2", "link-3", "link-4", "link-5", "root"]
    # Each link's input is its predecessor's URN: the values flowed, nothing was answered for the SDK.
    link3 = next(r for r in result.registrations.values() if r.name == "link-3")
    assert link3.inputs["after"].endswith("::link-2")


def test_a_failing_apply_still_fails_the_run() -> None:
    """settle() gathers with return_exceptions, so the SDK's own wait must still re-raise the failure."""

    def explode(_: Any) -> None:
        raise RuntimeError("boom in apply")

    def body() -> None:
        res = pulumi.CustomResource("medcloud:test:Bare", "bare", {"n": 1})
        res.urn.apply(explode)

    with pytest.raises(RuntimeError, match="boom in apply"):
        _run(body)


def test_the_floor_runs_under_the_same_conditions_with_the_stock_monitor() -> None:
    """The benchmark's floor: the SDK's own MockMonitor through the same entry point."""
    seen: list[str] = []

    class Counting(_Echo):
        def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[Any, Any]]:
            seen.append(args.name)
            return super().new_resource(args)

    def body() -> None:
        for i in range(20):
            pulumi.CustomResource("medcloud:bench:Bare", f"bare-{i}", {"index": i})

    run_with_monitor(mocks.MockMonitor(Counting()), body, project="medcloud", stack_name="floor")
    assert sorted(seen) == sorted(f"bare-{i}" for i in range(20))


def test_gc_pause_is_restored_and_nests() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # only the outermost pause re-enables
    assert gc.isenabled()
    with pytest.raises(ValueError, match="restored"), gc_paused():
        raise ValueError("restored on errors too")
    assert gc.isenabled()


def test_gc_pause_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_interrupted_program_leaves_the_loop_at_once() -> None:
    """R-SEC-05's interrupted record needs the command to unwind: the SDK's run_pulumi_func catches the
    program's KeyboardInterrupt and waits for every output first, and one waiting on something the
    interrupted program never made waited forever (the preview signal test's 20 s watchdog ends)."""
    import asyncio
    import threading

    outcome: list[BaseException | None] = []

    def body() -> None:
        never: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        pulumi.Output.from_input(never).apply(lambda v: v)  # an output nothing will ever resolve
        pulumi.CustomResource("medcloud:test:Bare", "before", {"n": 1})
        raise KeyboardInterrupt

    def run() -> None:
        try:
            _run(body)
            outcome.append(None)
        except BaseException as exc:  # the outcome, whatever it is, is what the test reads
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)  # a regression hangs: it must not take pytest with it
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the interrupted run did not unwind within 30 s"
    assert len(outcome) == 1 and isinstance(outcome[0], KeyboardInterrupt)


def test_gc_pause_with_freeze_leaves_what_lived_out_of_later_collections() -> None:
    """``verify``'s device phase: the objects alive at its end are not walked by the next collections."""
    class Node:
        def __init__(self) -> None:
            self.me = self

    try:
        with gc_paused(freeze=True):
            kept = Node()
            assert not gc.isenabled()
        assert gc.isenabled() and gc.get_freeze_count() > 0
        assert not any(obj is kept for obj in gc.get_objects())  # permanent generation: never collected
        frozen = gc.get_freeze_count()
        with gc_paused(), gc_paused(freeze=True):
            Node()  # nested: the outermost decides, so nothing is frozen here
        assert gc.isenabled() and gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
