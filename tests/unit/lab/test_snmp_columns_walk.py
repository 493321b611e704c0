"""PysnmpSNMP walks all roots side by side in shared GETBULK requests.

The GETBULK exchange (``snmp._bulk``) is replaced by a small in-memory agent with RFC 3416
GETBULK semantics (row-major answers, ``max-repetitions`` per asked varbind,
endOfMibView past the last OID, optional truncation like an agent near its
message size), so the walk logic is checked request by request without a
network.  The same transport against real snmpsim peers runs in
``tests/integration/hardware``.
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from medcloud.hardware.transports import snmp
from medcloud.hardware.transports.base import SNMPTarget, Timeouts
from pysnmp.proto import rfc1902, rfc1905

from medcloud.errors import DeviceProtocolError


class Secret:
    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value


def _key(oid: str) -> tuple[int, ...]:
    return tuple(int(p) for p in oid.split("."))


class Agent:
    """Sorted OID → value, answering GETBULK; ``limit`` caps varbinds per answer (0: none)."""

    def __init__(self, table: dict[str, Any], limit: int = 0, shuffle_at: str | None = None) -> None:
        self.oids = sorted(table, key=_key)
        self.keys = [_key(o) for o in self.oids]
        self.table = table
        self.limit = limit
        self.shuffle_at = shuffle_at
        self.requests: list[tuple[int, tuple[str, ...]]] = []

    def _next(self, oid: str) -> tuple[Any, Any]:
        at = bisect.bisect_right(self.keys, _key(oid))
        if at == len(self.oids):
            return rfc1902.ObjectName(oid), rfc1905.endOfMibView
        found = self.oids[at]
        if found == self.shuffle_at:
            # Back to the column's first row: an agent loop a walk must not follow.
            return rfc1902.ObjectName(found.rsplit(".", 1)[0] + ".1"), rfc1902.Integer32(0)
        return rfc1902.ObjectName(found), self.table[found]

    async def bulk(self, engine: Any, address: str, context: str, repetitions: int,
                   oids: Sequence[tuple[int, ...]]) -> tuple[Any, int, int, list[Any]]:
        asked = tuple(".".join(map(str, oid)) for oid in oids)
        self.requests.append((repetitions, asked))
        cursors = list(asked)
        rows: list[Any] = []
        for _ in range(repetitions):
            for k, cursor in enumerate(cursors):
                name, value = self._next(cursor)
                rows.append((name, value))
                cursors[k] = str(name)
        return None, 0, 0, rows[: self.limit] if self.limit else rows


@pytest.fixture
def agent(monkeypatch: pytest.MonkeyPatch) -> Agent:
    table: dict[str, Any] = {"1.3.6.1.2.1.1.1.0": rfc1902.OctetString(b"switch"),
                             "1.3.6.1.2.1.1.2.0": rfc1902.ObjectIdentifier("1.3.6.1.4.1.25506")}
    for column in (2, 3, 8):
        for index in range(1, 31):
            table[f"1.3.6.1.2.1.2.2.1.{column}.{index}"] = rfc1902.Integer32(column * 100 + index)
    for column in range(1, 22):  # the columns nobody asks for still sit between the asked ones
        table.setdefault(f"1.3.6.1.2.1.2.2.1.{column}.1", rfc1902.Integer32(-column))
    fake = Agent(table)
    monkeypatch.setattr(snmp, "_bulk", fake.bulk)
    monkeypatch.setattr(snmp, "engine", lambda _target=None: SimpleNamespace(address=lambda t, host, timeouts: "a1"))
    return fake


TARGET = SNMPTarget("127.0.0.1", 16100, "u", auth_key=Secret("a" * 12), priv_key=Secret("p" * 12))
ROOTS = ("1.3.6.1.2.1.1", "1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.2.2.1.3", "1.3.6.1.2.1.2.2.1.8")


def walk(roots: Sequence[str], max_repetitions: int = 100) -> list[tuple[str, Any]]:
    capture = asyncio.run(snmp.PysnmpSNMP(max_repetitions).walk(TARGET, roots, Timeouts(operation=5)))
    return [(vb.oid, vb.value) for vb in capture.varbinds]


def expected(agent: Agent, roots: Sequence[str]) -> list[tuple[str, Any]]:
    return [(oid, snmp._varbind(oid, agent.table[oid]).value)
            for root in roots for oid in agent.oids if oid.startswith(root + ".")]


def test_columns_share_requests_and_come_back_grouped_by_root(agent: Agent) -> None:
    assert walk(ROOTS) == expected(agent, ROOTS)
    first_repetitions, first_asked = agent.requests[0]
    # Four roots in one request, the answer budget split between them.
    assert first_asked == ROOTS and first_repetitions == 25
    # The system group ends in the first answer; the three 30-row columns need one more, asked together.
    assert agent.requests[1] == (33, ("1.3.6.1.2.1.2.2.1.2.25", "1.3.6.1.2.1.2.2.1.3.25", "1.3.6.1.2.1.2.2.1.8.25"))
    assert len(agent.requests) == 2


def test_a_truncated_answer_continues_where_each_column_stopped(agent: Agent) -> None:
    agent.limit = 7  # fewer than two full rows of four columns
    assert walk(ROOTS) == expected(agent, ROOTS)
    assert all(len(asked) <= len(ROOTS) for _, asked in agent.requests)


def test_one_root_walks_as_before(agent: Agent) -> None:
    assert walk(ROOTS[1:2], max_repetitions=10) == expected(agent, ROOTS[1:2])
    assert [r for r, _ in agent.requests] == [10, 10, 10, 10]


def test_a_root_past_the_end_of_the_mib_is_empty(agent: Agent) -> None:
    assert walk(("1.3.6.1.2.1.99", ROOTS[0])) == expected(agent, ROOTS[:1])


def test_an_agent_going_backwards_is_a_protocol_error(agent: Agent) -> None:
    agent.shuffle_at = "1.3.6.1.2.1.2.2.1.3.5"
    with pytest.raises(DeviceProtocolError, match="out of order"):
        walk(ROOTS)


class TooBigAgent(Agent):
    """Answers tooBig (error-status 1) to any GETBULK whose answer would exceed ``room`` varbinds."""

    def __init__(self, table: dict[str, Any], room: int) -> None:
        super().__init__(table)
        self.room = room

    async def bulk(self, engine: Any, address: str, context: str, repetitions: int,
                   oids: Sequence[tuple[int, ...]]) -> tuple[Any, Any, int, list[Any]]:
        if repetitions * len(oids) > self.room:
            self.requests.append((repetitions, tuple(".".join(map(str, oid)) for oid in oids)))
            return None, rfc1905.errorStatus.clone("tooBig"), 0, []
        return await super().bulk(engine, address, context, repetitions, oids)


@pytest.mark.parametrize("room", [1, 3, 40])
def test_an_agent_answering_toobig_gets_smaller_requests(agent: Agent, monkeypatch: pytest.MonkeyPatch,
                                                         room: int) -> None:
    """tooBig halves the answer budget until the agent can answer, down to one cursor and one row."""
    strict = TooBigAgent(agent.table, room)
    monkeypatch.setattr(snmp, "_bulk", strict.bulk)
    assert walk(ROOTS) == expected(agent, ROOTS)
    answered = [(r, asked) for r, asked in strict.requests if r * len(asked) <= room]
    assert answered and all(r * len(asked) <= room for r, asked in answered[1:])


def test_toobig_for_one_row_of_one_column_is_a_protocol_error(agent: Agent, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snmp, "_bulk", TooBigAgent(agent.table, 0).bulk)
    with pytest.raises(DeviceProtocolError, match="tooBig"):
        walk(ROOTS)


@pytest.mark.parametrize("factor", [0, 3])
def test_an_agent_ignoring_max_repetitions_is_still_walked_in_order(agent: Agent, monkeypatch: pytest.MonkeyPatch,
                                                                    factor: int) -> None:
    """Agents may answer one row per column whatever was asked (as a GETNEXT; factor 0), or more
    rows than asked (factor 3): each varbind still continues column k mod n."""

    async def ignoring(engine: Any, address: str, context: str, repetitions: int,
                       oids: Sequence[tuple[int, ...]]) -> tuple[Any, int, int, list[Any]]:
        return await agent.bulk(engine, address, context, repetitions * factor or 1, oids)

    monkeypatch.setattr(snmp, "_bulk", ignoring)
    assert walk(ROOTS) == expected(agent, ROOTS)
    # What the agent really answered with: one row per column, or three times what was asked.
    assert all(r == 1 if factor == 0 else r % 3 == 0 for r, _ in agent.requests)


@pytest.mark.parametrize("limit", [0, 7, 50])
def test_sparse_columns_of_one_table_with_other_lengths_are_walked_exactly(monkeypatch: pytest.MonkeyPatch,
                                                                           limit: int) -> None:
    """Columns of one table drift apart (every row, even rows only, two runs with a gap, none):
    each is walked from its own cursor to its own end, also when the agent caps its answers."""
    table: dict[str, Any] = {"1.3.6.1.2.1.1.1.0": rfc1902.OctetString(b"switch")}
    rows = {2: range(1, 61), 3: range(2, 61, 2), 5: [*range(1, 6), *range(50, 56)], 7: []}
    for column, indexes in rows.items():
        for index in indexes:
            table[f"1.3.6.1.2.1.2.2.1.{column}.{index}"] = rfc1902.Integer32(column * 1000 + index)
    for column in set(range(1, 22)) - set(rows):  # unasked columns in between: each column runs into another
        table[f"1.3.6.1.2.1.2.2.1.{column}.7"] = rfc1902.Integer32(-column)
    sparse = Agent(table, limit=limit)
    monkeypatch.setattr(snmp, "_bulk", sparse.bulk)
    monkeypatch.setattr(snmp, "engine", lambda _target=None: SimpleNamespace(address=lambda t, host, timeouts: "a1"))
    roots = ("1.3.6.1.2.1.1", *(f"1.3.6.1.2.1.2.2.1.{column}" for column in rows))
    walked = walk(roots, max_repetitions=20)
    assert walked == expected(sparse, roots)
    assert len(walked) == 1 + 60 + 30 + 11  # and nothing of the empty column 7
