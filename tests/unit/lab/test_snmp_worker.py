"""ProcessSNMP: SNMP walks in worker processes, keys over a pipe, device errors across it.

The process tests start the real child (``python -m
medcloud.hardware.transports.snmpproc``) and walk closed loopback ports, so
pysnmp runs for real in the child and must report a DeviceTimeout through the
pipe.  The protocol test drives the child's loop in-process with a stand-in
walker, to check a capture survives the trip value for value.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from medcloud.hardware.transports import snmp, snmpproc
from medcloud.hardware.transports.base import SNMPCapture, SNMPTarget, Timeouts, Varbind

from medcloud.errors import DeviceAuthError, DeviceProtocolError, DeviceTimeout

AUTH, PRIV = "auth-key-7f3a9c", "priv-key-41d2e8"
FAST = Timeouts(connect=0.3, operation=1.5, retries=0)


class Secret:
    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value


def _closed_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _target(port: int) -> SNMPTarget:
    return SNMPTarget("127.0.0.1", port, "medcloud", auth_key=Secret(AUTH), priv_key=Secret(PRIV), context="sw-1")


def _children(transport: snmpproc.ProcessSNMP) -> list[Any]:
    return [w for w in transport._workers if w is not None]


def test_silent_agent_is_a_timeout_reported_by_the_child() -> None:
    transport = snmpproc.ProcessSNMP(workers=1)
    try:
        with pytest.raises(DeviceTimeout, match=r"127\.0\.0\.1:\d+: "):
            asyncio.run(transport.walk(_target(_closed_udp_port()), ["1.3.6.1.2.1.1"], FAST))
        (worker,) = _children(transport)
        assert worker.alive  # one failed walk does not end the worker
    finally:
        transport.close()


def test_keys_reach_the_child_over_its_pipe_only() -> None:
    """Neither the command line nor the environment of the child holds a key (both are in /proc)."""
    transport = snmpproc.ProcessSNMP(workers=1)
    try:
        with pytest.raises(DeviceTimeout):
            asyncio.run(transport.walk(_target(_closed_udp_port()), ["1.3.6.1.2.1.1"], FAST))
        (worker,) = _children(transport)
        pid = worker.process.pid
        exposed = Path(f"/proc/{pid}/cmdline").read_bytes() + Path(f"/proc/{pid}/environ").read_bytes()
        assert AUTH.encode() not in exposed and PRIV.encode() not in exposed
        assert AUTH not in " ".join(map(str, worker.process.args))
    finally:
        transport.close()
    assert worker.process.returncode == 0  # closing stdin ends the child cleanly


def test_walks_spread_over_the_workers_and_run_concurrently() -> None:
    transport = snmpproc.ProcessSNMP(workers=2)

    async def three() -> list[Any]:
        port = _closed_udp_port()
        return await asyncio.gather(*(transport.walk(_target(port), ["1.3.6.1.2.1.1"], FAST) for _ in range(3)),
                                    return_exceptions=True)

    try:
        results = asyncio.run(three())
        assert all(isinstance(r, DeviceTimeout) for r in results)
        pids = {w.process.pid for w in _children(transport)}
        assert len(pids) == 2 and os.getpid() not in pids
    finally:
        transport.close()


def test_a_dead_worker_fails_its_walks_and_is_replaced() -> None:
    transport = snmpproc.ProcessSNMP(workers=1)

    async def walk_while_killed() -> None:
        walk = asyncio.create_task(transport.walk(
            _target(_closed_udp_port()), ["1.3.6.1.2.1.1"], Timeouts(connect=5, operation=20, retries=0)))
        await asyncio.sleep(0.5)
        _children(transport)[0].process.kill()
        await walk

    try:
        with pytest.raises(DeviceProtocolError, match="SNMP worker process ended"):
            asyncio.run(walk_while_killed())
        (dead,) = _children(transport)
        with pytest.raises(DeviceTimeout):
            asyncio.run(transport.walk(_target(_closed_udp_port()), ["1.3.6.1.2.1.1"], FAST))
        (fresh,) = _children(transport)
        assert fresh is not dead and fresh.alive
    finally:
        transport.close()


def test_missing_key_is_refused_without_a_process() -> None:
    transport = snmpproc.ProcessSNMP(workers=1)
    with pytest.raises(DeviceAuthError, match="authPriv"):
        asyncio.run(transport.walk(SNMPTarget("127.0.0.1", 161, "u", auth_key=Secret("a" * 12)), ["1.3"], FAST))
    assert _children(transport) == []


def test_the_protocol_carries_a_capture_value_for_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child's answer decodes to the very varbinds the walk returned; its key arrives masked in repr."""
    varbinds = [Varbind("1.3.6.1.2.1.1.5.0", "OctetString", b"\x00core-sw\xff"),
                Varbind("1.3.6.1.2.1.1.3.0", "TimeTicks", 12345),
                Varbind("1.3.6.1.2.1.4.20.1.1.10.0.0.1", "IpAddress", "10.0.0.1"),
                Varbind("1.3.6.1.2.1.1.2.0", "ObjectIdentifier", "1.3.6.1.4.1.2011.2.23"),
                Varbind("1.3.6.1.2.1.1.9.0", "endOfMibView", None)]
    seen: list[tuple[str, str, Sequence[str], int]] = []

    class Walker:
        def __init__(self, max_repetitions: int) -> None:
            self.max_repetitions = max_repetitions

        async def walk(self, target: SNMPTarget, roots: Sequence[str], timeouts: Timeouts) -> SNMPCapture:
            assert target.auth_key is not None and AUTH not in repr(target.auth_key)
            seen.append((target.auth_key.reveal(), target.context, roots, self.max_repetitions))
            if target.port == 1:
                raise DeviceAuthError("127.0.0.1:1: SNMPv3 credentials refused (wrongDigest)")
            return SNMPCapture(varbinds)

    monkeypatch.setattr(snmp, "PysnmpSNMP", Walker)
    monkeypatch.setattr(snmp, "engine", lambda: None)
    monkeypatch.setattr(snmp, "close_engine", lambda: None)
    requests = (snmpproc._request(1, _target(161), ["1.3.6.1.2.1.1"], FAST, 40)
                + b"not json\n" + snmpproc._request(2, _target(1), ["1.3"], FAST, 40))
    stdout = io.BytesIO()
    asyncio.run(snmpproc._serve(io.BytesIO(requests), stdout))

    answers = {a["id"]: a for a in map(json.loads, stdout.getvalue().splitlines())}
    assert seen[0] == (AUTH, "sw-1", ["1.3.6.1.2.1.1"], 40)
    assert AUTH not in stdout.getvalue().decode() and PRIV not in stdout.getvalue().decode()
    assert answers[2] == {"id": 2, "error": "DeviceAuthError",
                          "message": "127.0.0.1:1: SNMPv3 credentials refused (wrongDigest)"}

    async def deliver(answer: dict[str, Any]) -> SNMPCapture:
        future: asyncio.Future[SNMPCapture] = asyncio.get_running_loop().create_future()
        snmpproc._Worker._deliver((asyncio.get_running_loop(), future, "127.0.0.1:161"), answer)
        return await future

    assert list(asyncio.run(deliver(answers[1])).varbinds) == varbinds
    with pytest.raises(DeviceAuthError, match="wrongDigest"):
        asyncio.run(deliver(answers[2]))


@pytest.mark.parametrize(("cpus", "expected"), [(None, None), (1, 1), (2, 1), (3, 1), (4, 2), (64, 2)])
def test_default_worker_count_leaves_the_parent_a_core(cpus: int | None, expected: int | None) -> None:
    if cpus is None:
        assert 1 <= snmpproc.default_workers() <= 2
    else:
        assert snmpproc.default_workers(cpus) == expected


def test_the_child_collects_garbage_less_often_once_its_engine_is_built() -> None:
    """Long-lived objects frozen out of collection, first generation after 50,000 net allocations
    (in a process of its own: the test process keeps its collector as it is)."""
    import subprocess
    import sys

    probe = ("import gc; from medcloud.hardware.transports import snmpproc; before = gc.get_threshold(); "
             "snmpproc._collect_less(); print(before[0], gc.get_threshold()[0], gc.get_freeze_count() > 1000)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["700", str(snmpproc._GC_THRESHOLD), "True"]
