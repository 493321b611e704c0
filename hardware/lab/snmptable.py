"""The lab agent's answers from an in-memory table: snmpsim's answers, a fraction of its CPU.

Why: the lab's snmpsim processes share the machine's cores with the
``medcloud verify`` they answer, and spent as much CPU per run as our own SNMP
worker (~2.6 s for 20 switches): a simulator cost real switches would never
put on us.  Profiled (py-spy on the agents during a verify), half of it was
snmpsim's per-varbind work in ``DataFile.process_var_binds``: a ``dbm.dumb``
lookup (a seek and a read; this Python has no gdbm) and a file seek and read
per varbind, the recorded text parsed into pyasn1 objects again on every
request, two throw-away ``OctetString`` objects per varbind and the request
and response pretty-printed for an info log line that the error log level
then drops.

What: when snmpsim opens a recording, :class:`Table` reads the whole file
once into sorted OIDs, and keeps the evaluated ``(oid, value)`` of every
*static* record once asked for.  A GET or GETNEXT whose answers all come from static
records is then answered from the table: a dict lookup or a bisection per
varbind; pysnmp then builds such a record's response varbind once and reuses
it (:class:`Recorded`).  Everything else goes through snmpsim's own code, unchanged:

- a request that lands on a record with a variation module (the lab's *slow
  agent* ``delay``): such a value must be evaluated per request, and the
  module sees the whole request as before;
- SET, and any request while snmpsim logs at info level (its log lines stay);
- a whole recording that is not plain: a subtree record (``:module`` tag, which
  answers for OIDs around it), an OID written otherwise than snmpsim prints
  it (leading zeros, a leading dot), OIDs out of order or repeated (where
  snmpsim's binary search and the table's could disagree), a record that does
  not parse, or a recording type other than ``.snmprec``.

The answers are the same objects snmpsim would build (its grammar evaluates
them, once); ``tests/integration/hardware/test_lab_snmp_table.py`` walks the
lab's recordings through an agent with and without the table and compares
every answer.  The table mirrors what snmpsim 1.2's code does, the varbind
reuse what pysnmp 7.1's does; if that code is not the code this was checked
against (:data:`VERIFIED`, :data:`VERIFIED_PYSNMP`), :func:`install` leaves
it alone and says why.
"""

from __future__ import annotations

import bisect
import hashlib
import inspect
from collections.abc import Callable, Sequence
from typing import Any

#: SHA-256 over the source of the snmpsim functions whose behaviour the table reproduces
#: (:func:`_mirrored`), as installed when the table was checked against them (snmpsim 1.2.2).
VERIFIED = "827249aa6f00be0337b12acca456a1c3b7d253820c04a17f042d91424a4e6944"
#: The same over the pysnmp code :func:`_mirrored_pysnmp` names, as installed when checked (pysnmp 7.1.30).
VERIFIED_PYSNMP = "3901bd80586905704d834a7cf276bc369175a2bf390a24e634f383b479f530c6"
#: Attribute of a ``DataFile`` holding ``(its index's text-file mtime, Table | None)`` for its recording.
_SLOT = "_medcloud_table"

Answer = tuple[Any, Any]


class Table:
    """One recording in memory: its sorted OIDs and, per record, its answer once asked (None: per request).

    The agent prepares every recording's table while it starts, before it
    listens (:meth:`prepare`: a real switch spends nothing on it either); a
    recording changed while the agent runs is read again at its next request
    and its values evaluated as they are asked for (that request must not wait
    for a whole recording's worth).
    """

    def __init__(self, oids: list[tuple[int, ...]], lines: list[bytes], static: list[bool], parser: Any) -> None:
        self.oids = oids
        self.position = {oid: i for i, oid in enumerate(oids)}
        self._lines = lines
        self._parser = parser
        #: Per record: its (oid, value), None if snmpsim must evaluate it per request, _ASK if not yet asked.
        self._answers: list[Answer | object | None] = [_ASK if plain else None for plain in static]

    @classmethod
    def read(cls, lines: Sequence[bytes], parser: Any) -> Table | None:
        """The table of a recording's ``lines`` as ``parser`` (snmpsim's record type) reads them.

        None when the recording is not plain (see the module docstring): then
        snmpsim's own lookups serve all of it.
        """
        oids: list[tuple[int, ...]] = []
        records: list[bytes] = []
        static: list[bool] = []
        for line in lines:
            if not line.strip() or line.strip().startswith(b"#"):  # what snmpsim's get_record skips
                continue
            try:
                text_oid, tag, _ = parser.grammar.parse(line)
                key = tuple(int(part) for part in text_oid.split("."))
            except Exception:  # snmpsim reports a broken record itself, per request
                return None
            # An OID written as snmpsim prints it (so its index finds it), in strictly rising order.
            if tag.startswith(":") or ".".join(map(str, key)) != text_oid or (oids and key <= oids[-1]):
                return None
            oids.append(key)
            records.append(line)
            static.append(":" not in tag)
        return cls(oids, records, static, parser)

    def locate(self, oid: tuple[int, ...], next_flag: bool) -> tuple[int | None, bool]:
        """(index of the record that answers ``oid`` or None past the end, whether ``oid`` is recorded)."""
        exact = self.position.get(oid)
        if exact is not None and not next_flag:
            return exact, True
        after = exact + 1 if exact is not None else bisect.bisect_right(self.oids, oid)
        return (after if after < len(self.oids) else None), exact is not None

    def prepare(self, bind: Callable[[Recorded], None] | None) -> None:
        """Evaluate every static record now (and ``bind`` its response varbind): simulator start-up, not a walk's."""
        for index in range(len(self.oids)):
            found = self.record(index)
            if found is not None and bind is not None:
                bind(found)  # type: ignore[arg-type]

    def record(self, index: int) -> Answer | None:
        """Record ``index``'s answer, or None if snmpsim must evaluate it per request."""
        found = self._answers[index]
        if found is _ASK:
            found = self._answers[index] = _evaluate(self._parser, self._lines[index])
        return found  # type: ignore[return-value]


_ASK = object()


class Recorded(tuple[Any, Any]):
    """A static record's ``(oid, value)`` answer, and the response varbind pysnmp builds of it, once built.

    pysnmp builds each varbind of a response afresh (a dozen pyasn1 objects
    cloned and checked: a third of the agent's CPU once the lookups were gone);
    a static record's varbind is the same every time, so the one built for its
    first answer is reused (:func:`_install_varbinds`).
    """

    #: (the varbind list type it was built for, the varbind), set when first built.
    built: tuple[type, Any] | None = None


def _evaluate(parser: Any, line: bytes) -> Recorded | None:
    """A static record's ``(oid, value)`` as snmpsim evaluates it for an answer, or None if it fails."""
    try:
        # The context of a GETNEXT landing on the record: snmpsim then returns the record's own value.
        oid, value = parser.evaluate(line, nextFlag=True, exactMatch=True, setFlag=False)
    except Exception:  # snmpsim logs it and answers an error status, per request: let it
        return None
    return Recorded((oid, value))


def _mirrored() -> list[Callable[..., Any]]:
    """The snmpsim code whose behaviour :meth:`Table.locate` and :func:`_answer` reproduce."""
    from snmpsim import datafile, log, variation
    from snmpsim.record import dump, snmprec
    from snmpsim.record.search import database, file

    return [datafile.DataFile.__init__, datafile.DataFile.index_text, datafile.DataFile.process_var_binds,
            datafile.DataFile.get_handles, database.RecordIndex.get_handles, log.info,
            database.RecordIndex.create, database.RecordIndex.lookup, file.get_record,
            file.search_record_by_oid,
            variation.SnmprecRecordMixIn.evaluate, variation.SnmprecRecordMixIn.evaluate_value,
            snmprec.SnmprecRecord.evaluate_value, dump.DumpRecord.evaluate_oid]


def _mirrored_pysnmp() -> list[Callable[..., Any]]:
    """The pysnmp code whose behaviour :func:`_install_varbinds` reproduces, or relies on not changing a varbind."""
    from pysnmp.entity.rfc3413 import cmdrsp
    from pysnmp.proto.api import v1

    return [v1.PDUAPI.set_varbinds, v1.VarBindAPI.set_oid_value, cmdrsp.CommandResponderBase.send_varbinds,
            cmdrsp.CommandResponderBase.send_pdu]


def fingerprint(mirrored: Callable[[], list[Callable[..., Any]]] | None = None) -> str:
    """SHA-256 of the source of the code ``mirrored`` names (default: snmpsim's, :func:`_mirrored`) as installed."""
    digest = hashlib.sha256()
    for function in (mirrored or _mirrored)():
        digest.update(inspect.getsource(function).encode())
    return digest.hexdigest()


def _differs(what: str, mirrored: Callable[[], list[Callable[..., Any]]], verified: str) -> str | None:
    try:
        found = fingerprint(mirrored)
    except (ImportError, AttributeError, OSError, TypeError) as exc:
        return f"{what}'s code cannot be read ({exc})"
    if found != verified:
        return f"{what}'s code differs from the code this was checked against (sha256 {found[:12]})"
    return None


def unavailable() -> list[str]:
    """Why the table (first) or its reuse of built varbinds (second) cannot serve here: empty if both can."""
    reason = _differs("snmpsim", _mirrored, VERIFIED)
    if reason is not None:
        return [f"answers from snmpsim's own lookups: {reason}"]
    reason = _differs("pysnmp", _mirrored_pysnmp, VERIFIED_PYSNMP)
    return [] if reason is None else [f"response varbinds built per answer: {reason}"]


def install() -> list[str]:
    """Serve plain recordings from tables in this process; what is left to snmpsim or pysnmp, and why."""
    reasons = unavailable()
    if reasons[:1] and reasons[0].startswith("answers from"):
        return reasons
    if not reasons:
        _install_varbinds()
    from pysnmp.smi import exval
    from snmpsim import datafile, log
    from snmpsim.error import SnmpsimError
    from snmpsim.reporting.manager import ReportingManager

    original = datafile.DataFile.process_var_binds

    def process_var_binds(self: Any, var_binds: Sequence[Answer], **context: Any) -> list[Answer]:
        if context.get("setFlag") or log.log_level <= log.LOG_INFO:
            return original(self, var_binds, **context)  # type: ignore[no-any-return]
        try:
            text, _ = self.get_handles()  # snmpsim's own check that the recording is unchanged
        except SnmpsimError:
            return original(self, var_binds, **context)  # type: ignore[no-any-return]
        held = getattr(self, _SLOT, None)
        if held is None or held[0] != self._record_index._text_file_time:  # changed since: what is open now
            text.seek(0)
            held = _hold(self, text.readlines())
        table = held[1]
        if table is None:
            return original(self, var_binds, **context)  # type: ignore[no-any-return]
        next_flag = bool(context.get("nextFlag"))
        answers = _answer(table, var_binds, next_flag, exval.endOfMib if next_flag else exval.noSuchInstance)
        if answers is None:
            return original(self, var_binds, **context)  # type: ignore[no-any-return]
        ReportingManager.update_metrics(data_file=self._text_file, varbind_count=len(var_binds),
                                        datafile_call_count=1, datafile_failure_count=0,
                                        transport_call_count=1, **context)
        return answers

    original_index = datafile.DataFile.index_text

    def index_text(self: Any, *args: Any, **kwargs: Any) -> Any:
        indexed = original_index(self, *args, **kwargs)
        try:
            with self._text_parser.open(self._text_file) as handle:
                lines = handle.readlines()
        except OSError:
            return indexed  # read again at its first request, through snmpsim's own handle
        table = _hold(self, lines)[1]
        if table is not None:
            table.prepare(_BIND[0] if _BIND else None)
        return indexed

    datafile.DataFile.process_var_binds = process_var_binds
    datafile.DataFile.index_text = index_text
    return reasons


def _hold(data_file: Any, lines: Sequence[bytes]) -> tuple[int, Table | None]:
    """Read ``data_file``'s recording ``lines`` into its table (None: not plain, snmpsim serves it)."""
    from snmpsim import variation

    table = None
    if isinstance(data_file._text_parser, variation.SnmprecRecordMixIn):
        table = Table.read(lines, data_file._text_parser)
    held = (data_file._record_index._text_file_time, table)
    setattr(data_file, _SLOT, held)
    return held


#: The varbind builder of :func:`_install_varbinds`, once installed.
_BIND: list[Callable[[Recorded], None]] = []


def _install_varbinds() -> None:
    """Response varbinds of static records built once (see :class:`Recorded`); every other one as pysnmp does."""
    from pysnmp.proto.api import v1, v2c

    original = v2c.apiPDU.set_varbinds
    set_oid_value = v1.apiVarBind.set_oid_value

    def bind(recorded: Recorded, var_bind_list: Any) -> Any:
        """``recorded``'s varbind for a list of ``var_bind_list``'s type, made as pysnmp makes it (below)."""
        built = recorded.built
        if built is None or built[0] is not type(var_bind_list):
            holder = var_bind_list.clone()  # an empty list of that type
            holder.setComponentByPosition(0)
            set_oid_value(holder.getComponentByPosition(0), recorded)
            built = recorded.built = (type(var_bind_list), holder.getComponentByPosition(0))
        return built[1]

    def set_varbinds(pdu: Any, var_binds: Sequence[Any]) -> None:
        if not any(type(var_bind) is Recorded for var_bind in var_binds):
            original(pdu, var_binds)
            return
        var_bind_list = pdu.setComponentByPosition(3).getComponentByPosition(3)
        var_bind_list.clear()
        for index, var_bind in enumerate(var_binds):
            if type(var_bind) is Recorded:
                var_bind_list.setComponentByPosition(index, bind(var_bind, var_bind_list))
            elif isinstance(var_bind, v1.VarBind):
                var_bind_list.setComponentByPosition(index, var_bind)
            else:
                var_bind_list.setComponentByPosition(index)
                set_oid_value(var_bind_list.getComponentByPosition(index), var_bind)

    # The instance the command responder calls (``v2c.apiPDU.set_varbinds``), not pysnmp's class.
    v2c.apiPDU.set_varbinds = set_varbinds
    # What a response PDU's varbind list is (the agent answers v3 requests with this PDU type).
    response_list = v2c.GetResponsePDU().setComponentByPosition(3).getComponentByPosition(3)

    def prebind(recorded: Recorded) -> None:
        bind(recorded, response_list)

    _BIND[:] = [prebind]


def _answer(table: Table, var_binds: Sequence[Answer], next_flag: bool, missing: Any) -> list[Answer] | None:
    """The answers to a GET (``next_flag`` False) or GETNEXT, or None if a record must be evaluated per request.

    As snmpsim answers: GET of a recorded OID its value, of any other OID
    ``missing`` (noSuchInstance) under the request's own OID; GETNEXT the next
    record, past the last one ``missing`` (endOfMibView).  snmpsim evaluates the
    record it lands on even when it then answers ``missing`` (a GET between two
    records lands on the next one): a variation module there must run, so such
    a request is left to snmpsim as well.
    """
    answers = []
    for oid, _ in var_binds:
        index, exact = table.locate(tuple(oid), next_flag)
        if index is None:
            answers.append((oid, missing))
            continue
        found = table.record(index)
        if found is None:
            return None
        answers.append(found if next_flag or exact else (oid, missing))
    return answers
