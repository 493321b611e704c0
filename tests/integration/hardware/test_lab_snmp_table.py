"""The lab agent's in-memory answer table answers exactly what snmpsim answers without it.

``medcloud.hardware.lab.snmptable`` serves plain recordings from memory to
spare the CPU the lab's agents take from the verification they serve.  Proof
that nothing a client sees changes: the recordings of every lab switch (the
acceptance lab's and the benchmark's, LLDP and VLAN rows added as ``lab up``
adds them, the slow agent's ``delay`` variation record with its wait cut to
milliseconds) are served by two agents side by side, one with the table and
one with snmpsim's own lookups, and asked the same questions on the wire:
GETNEXT and GETBULK walks of every ``WALK_ROOTS`` subtree (all at once, as
``medcloud verify`` asks, and at another repetition count), GETNEXT
through the whole recording, GET of every recorded OID and of OIDs between,
below, before and after them.  Every answer (error status and index, each
varbind's OID and BER-encoded value) must be identical; a response varbind the
table's agent reused (a static record's, built once) is on the wire like one
built afresh, so the comparison covers that too.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from medcloud.hardware.facts.switch import WALK_ROOTS
from medcloud.hardware.lab import snmptable
from medcloud.hardware.lab.runner import MAX_VAR_BINDS, SNMP_USER, _udp_bound, free_udp_ports, switch_recording
from medcloud.hardware.lab.scenario import default, scaled
from medcloud.hardware.transports import snmp
from medcloud.hardware.transports.base import SNMPTarget, Timeouts

from medcloud.secrets import Secret

pytestmark = pytest.mark.integration
pytest.importorskip("snmpsim_data", reason="snmpsim-data not installed (pip install 'medcloud[lab]')")

#: The slow agent's wait, cut from half a minute so a walk through its record takes milliseconds.
DELAY_MS = 5
START_TIMEOUT_S = 60.0
#: OIDs per GET or GETNEXT when asking for a whole recording.
BATCH = 100

Answer = tuple[str, int, int, list[tuple[tuple[int, ...], bytes]]]


@dataclasses.dataclass(frozen=True)
class Agents:
    contexts: dict[str, list[tuple[int, ...]]]  # switch name → its recorded OIDs, in order
    varying: dict[str, set[tuple[int, ...]]]  # switch name → OIDs whose value moves with the clock
    target: SNMPTarget
    ports: tuple[int, int]  # with the table, without it
    logs: tuple[Path, Path]


def _oid(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _recordings(data: Path) -> tuple[dict[str, list[tuple[int, ...]]], dict[str, set[tuple[int, ...]]]]:
    """Every lab switch's recording into ``data`` (named after the switch).

    Returns its OIDs and the OIDs of its time-varying records per switch: a
    recording's ``numeric`` counters (sysUpTime.0) count on with the clock, so
    two agents asked a moment apart answer them with different numbers.
    """
    recorded, varying = {}, {}
    for switch in (*default().switches, *scaled(1, 1).switches):
        recording = switch_recording(switch)
        if recording.delay_ms:
            recording = dataclasses.replace(recording, delay_ms=DELAY_MS)
        text = recording.compose()
        (data / f"{switch.name}.snmprec").write_text(text, encoding="utf-8")
        rows = [line.split("|", 2) for line in text.splitlines()]
        recorded[switch.name] = [_oid(oid) for oid, _, _ in rows]
        varying[switch.name] = {_oid(oid) for oid, tag, _ in rows if tag.endswith(":numeric")}
    return recorded, varying


def _steady(answer: Answer, varying: set[tuple[int, ...]]) -> Answer:
    """``answer`` with a time-varying record's value cut to its BER type (every other byte kept)."""
    indication, status, index, varbinds = answer
    return indication, status, index, [(oid, value[:1] if oid in varying else value) for oid, value in varbinds]


def _start(directory: Path, data: Path, port: int, auth: str, priv: str, table: bool) -> subprocess.Popen[bytes]:
    (directory / "cache").mkdir(parents=True)
    args = directory / "args"
    fd = os.open(args, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # keys never on a command line
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join([
            f"--data-dir={data}", "--v3-only", f"--v3-user={SNMP_USER}", f"--v3-auth-key={auth}",
            "--v3-auth-proto=SHA256", f"--v3-priv-key={priv}", "--v3-priv-proto=AES",
            f"--agent-udpv4-endpoint=127.0.0.1:{port}"]) + "\n")
    argv = [sys.executable, "-m", "medcloud.hardware.lab.snmpagent", f"--max-var-binds={MAX_VAR_BINDS}",
            *([] if table else ["--no-answer-table"]), "--logging-method=stderr", "--log-level=error",
            f"--cache-dir={directory / 'cache'}", f"--args-from-file={args}"]
    with open(directory / "log", "wb") as log:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "SNMPSIM_ALLOW_ROOT": "true"})


@pytest.fixture(scope="module")
def agents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agents]:
    root = tmp_path_factory.mktemp("snmptable")
    data = root / "data"
    data.mkdir()
    contexts, varying = _recordings(data)
    auth, priv = secrets.token_hex(16), secrets.token_hex(16)
    ports = free_udp_ports(2)
    processes = [_start(root / name, data, port, auth, priv, table)
                 for name, port, table in (("table", ports[0], True), ("snmpsim", ports[1], False))]
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not set(ports) <= _udp_bound():
            assert all(p.poll() is None for p in processes), "an agent exited while starting"
            assert time.monotonic() < deadline, "agents not listening in time"
            time.sleep(0.05)
        target = SNMPTarget("127.0.0.1", ports[0], SNMP_USER, "SHA256", Secret(auth), "AES", Secret(priv))
        yield Agents(contexts, varying, target, (ports[0], ports[1]),
                     (root / "table" / "log", root / "snmpsim" / "log"))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


async def _ask(agents: Agents, port: int, context: str, kind: str, oids: Sequence[tuple[int, ...]],
               repetitions: int = 0) -> Answer:
    """One request on the wire; the answer as comparable data (BER of each value: its type and content)."""
    from pyasn1.codec.ber import encoder
    from pysnmp.entity.rfc3413 import cmdgen
    from pysnmp.proto.rfc1902 import Null, ObjectName

    engine = snmp.engine(agents.target)
    address = engine.address(dataclasses.replace(agents.target, port=port), "127.0.0.1",
                             Timeouts(connect=5, operation=20, retries=1))
    answer: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()

    def done(_engine: Any, _handle: Any, indication: Any, status: Any, index: Any, varbinds: Any, _ctx: Any) -> None:
        answer.set_result((str(indication or ""), int(status), int(index),
                           [(tuple(oid), bytes(encoder.encode(value))) for oid, value in varbinds]))

    request = [(ObjectName(oid), Null("")) for oid in oids]
    if kind == "get":
        cmdgen.GetCommandGenerator().send_varbinds(engine.snmp, address, None, context, request, done)
    elif kind == "next":
        cmdgen.NextCommandGeneratorSingleRun().send_varbinds(engine.snmp, address, None, context, request, done)
    else:
        cmdgen.BulkCommandGeneratorSingleRun().send_varbinds(
            engine.snmp, address, None, context, 0, repetitions, request, done)
    return await answer


async def _both(agents: Agents, context: str, kind: str, oids: Sequence[tuple[int, ...]],
                repetitions: int = 0) -> Answer:
    """Ask both agents; they must answer the same. Returns the answer."""
    table, plain = [_steady(answer, agents.varying[context]) for answer in await asyncio.gather(
        *(_ask(agents, port, context, kind, oids, repetitions) for port in agents.ports))]
    differ = [(mine, theirs) for mine, theirs in zip(table[3], plain[3], strict=False) if mine != theirs][:2]
    assert table == plain, f"{context}: {kind} {oids[:2]}... x{len(oids)} (repetitions {repetitions}): {differ}"
    assert not table[0], f"{context}: {table[0]}"
    return table


async def _walk(agents: Agents, context: str, kind: str, roots: Sequence[tuple[int, ...]],
                repetitions: int = 0) -> int:
    """Walk ``roots`` at once (a cursor per unfinished root), comparing every answer; varbinds seen."""
    cursors = {root: root for root in roots}
    seen = 0
    for _ in range(10_000):
        if not cursors:
            return seen
        _, status, _, varbinds = await _both(agents, context, kind, list(cursors.values()), repetitions)
        assert status == 0
        seen += len(varbinds)
        width = len(cursors)
        for root, (oid, value) in zip(list(cursors) * (len(varbinds) // width or 1), varbinds, strict=False):
            if root not in cursors:
                continue
            if oid[:len(root)] != root or value[:1] == b"\x82":  # left the subtree, or endOfMibView
                del cursors[root]
            else:
                cursors[root] = oid
    raise AssertionError(f"{context}: walk did not end")


def _roots() -> list[tuple[int, ...]]:
    return [tuple(int(p) for p in root.split(".")) for root in WALK_ROOTS]


def _missing(recorded: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """OIDs a recording lacks: around every recorded one (below it, its parent or one past it, in turn), the ends."""
    have = set(recorded)
    around = {(0, 0), (0, 0, 1), (2, 0), (2, 999), (1, 3, 6, 1, 2, 1, 1, 1), (*recorded[-1], 1)}
    for i, oid in enumerate(recorded):
        around.add(((*oid, 0), oid[:-1], (*oid[:-1], oid[-1] + 1))[i % 3])
    return sorted(around - have)


def test_the_table_serves_the_lab_recordings_and_leaves_variation_records_to_snmpsim() -> None:
    assert snmptable.unavailable() == [], "installed snmpsim or pysnmp is not the code the table was checked against"
    from snmpsim import variation

    parser = variation.RECORD_TYPES["snmprec"]
    for switch in (*default().switches, *scaled(1, 1).switches):
        recording = switch_recording(switch)
        text = recording.compose()
        table = snmptable.Table.read(text.encode().splitlines(keepends=True), parser)
        assert table is not None, switch.name
        evaluated_per_request = [oid for i, oid in enumerate(table.oids) if table.record(i) is None]
        # Records naming a variation module (``tag:module``): the slow agent's delayed sysDescr.0, the
        # recordings' own sysUpTime.0 counters (``67:numeric``).  Every other record is answered from memory.
        variation_records = [tuple(int(p) for p in line.split("|", 1)[0].split("."))
                             for line in text.splitlines() if ":" in line.split("|")[1]]
        assert evaluated_per_request == variation_records, switch.name
        assert len(variation_records) <= 2 < len(table.oids), switch.name
        assert ((1, 3, 6, 1, 2, 1, 1, 1, 0) in variation_records) == bool(recording.delay_ms), switch.name


def test_snmpsim_or_pysnmp_code_other_than_checked_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from pysnmp.proto.api import v2c
    from snmpsim import datafile

    # Whatever install() replaces is put back after the test.
    monkeypatch.setattr(datafile.DataFile, "process_var_binds", datafile.DataFile.process_var_binds)
    monkeypatch.setattr(datafile.DataFile, "index_text", datafile.DataFile.index_text)
    monkeypatch.setattr(v2c.apiPDU, "set_varbinds", v2c.apiPDU.set_varbinds)
    answers, varbinds = datafile.DataFile.process_var_binds, v2c.apiPDU.set_varbinds

    monkeypatch.setattr(snmptable, "VERIFIED", "0" * 64)
    reasons = snmptable.install()
    assert len(reasons) == 1 and "snmpsim's code differs" in reasons[0], reasons
    assert (datafile.DataFile.process_var_binds, v2c.apiPDU.set_varbinds) == (answers, varbinds)

    monkeypatch.undo()
    monkeypatch.setattr(datafile.DataFile, "process_var_binds", datafile.DataFile.process_var_binds)
    monkeypatch.setattr(datafile.DataFile, "index_text", datafile.DataFile.index_text)
    monkeypatch.setattr(v2c.apiPDU, "set_varbinds", v2c.apiPDU.set_varbinds)
    monkeypatch.setattr(snmptable, "VERIFIED_PYSNMP", "0" * 64)
    reasons = snmptable.install()  # the table, without reusing varbinds
    assert len(reasons) == 1 and "pysnmp's code differs" in reasons[0], reasons
    assert datafile.DataFile.process_var_binds is not answers and v2c.apiPDU.set_varbinds == varbinds


@pytest.mark.parametrize("text", [
    b"1.3.6.1.2.1.1.1.0|4|a\n1.3.6.1.2.1.1.3|:delay|x\n",  # a subtree record
    b"1.3.6.1.2.1.1.01.0|4|a\n",  # an OID snmpsim prints otherwise
    b"1.3.6.1.2.1.1.5.0|4|a\n1.3.6.1.2.1.1.1.0|4|b\n",  # out of order
    b"1.3.6.1.2.1.1.1.0|4|a\n1.3.6.1.2.1.1.1.0|4|b\n",  # repeated
    b"1.3.6.1.2.1.1.1.0\n",  # broken
])
def test_a_recording_that_is_not_plain_is_left_to_snmpsim(text: bytes) -> None:
    from snmpsim import variation

    assert snmptable.Table.read(text.splitlines(keepends=True), variation.RECORD_TYPES["snmprec"]) is None


@pytest.mark.slow
def test_both_agents_answer_every_question_the_same(agents: Agents) -> None:
    for log in agents.logs:
        assert b"lab SNMP agent:" not in log.read_bytes(), log.read_text(errors="replace")

    async def ask_everything() -> dict[str, int]:
        counts: dict[str, int] = {}
        try:
            for context, recorded in agents.contexts.items():
                roots = _roots()
                seen = await _walk(agents, context, "bulk", roots, repetitions=100)  # as medcloud verify asks
                seen += await _walk(agents, context, "bulk", roots, repetitions=3)  # rows end elsewhere
                seen += await _walk(agents, context, "next", roots)
                for start in range(0, len(recorded), BATCH):  # the whole recording, BATCH cursors at a time
                    seen += len((await _both(agents, context, "next", recorded[start:start + BATCH]))[3])
                    seen += len((await _both(agents, context, "get", recorded[start:start + BATCH]))[3])
                missing = _missing(recorded)
                for start in range(0, len(missing), BATCH):
                    seen += len((await _both(agents, context, "get", missing[start:start + BATCH]))[3])
                    seen += len((await _both(agents, context, "next", missing[start:start + BATCH]))[3])
                counts[context] = seen
            return counts
        finally:
            snmp.close_engine()

    counts = asyncio.run(ask_everything())
    assert set(counts) == set(agents.contexts)
    assert all(seen > 2 * len(agents.contexts[name]) for name, seen in counts.items()), counts
