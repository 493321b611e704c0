"""``audit verify``: walk the SM3 chain and say what was done to it (R-SEC-05).

Each detector looks at one invariant: the self-hash (edited), ``seq``
(deleted, duplicated, out of order), the ``prev`` link (which line was
inserted, moved or rewritten with a recomputed hash) and the ``.head`` file
(records cut off the end).  A line is blamed once, by the first detector that
explains it, so a single edit does not also show up as a broken link.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from medcloud.audit.trail import GENESIS, AuditError, log_path, record_hash
from medcloud.crypto import sm3
from medcloud.errors import SourceError
from medcloud.yamlio import read_bytes

_REQUIRED = ("seq", "time", "user", "action", "outcome", "prev", "hash")


class Tamper(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"


@dataclass(frozen=True)
class Problem:
    line: int
    kind: Tamper
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.kind.value}: {self.message}"


@dataclass
class Verification:
    path: Path
    records: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


@dataclass
class _Line:
    number: int
    raw: bytes
    digest: str
    record: dict[str, Any] | None

    @property
    def seq(self) -> int | None:
        seq = self.record.get("seq") if self.record else None
        return seq if isinstance(seq, int) and not isinstance(seq, bool) else None

    @property
    def prev(self) -> str | None:
        prev = self.record.get("prev") if self.record else None
        return prev if isinstance(prev, str) else None


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        # Strict UTF-8: json.loads(bytes) would let lone surrogates through ("surrogatepass").
        record = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict) or any(k not in record for k in _REQUIRED):
        return None
    return record


def _span(seqs: list[int]) -> str:
    return f"seq {seqs[0]}" if len(seqs) == 1 else f"seq {seqs[0]}–{seqs[-1]}"


def verify_log(path: Path) -> Verification:
    """Check the whole log at ``path``; :class:`AuditError` if it cannot be read at all."""
    real = log_path(path)  # its .head file sits beside the real log, whatever symlink led here
    try:
        data = read_bytes(real, limit=1 << 40)
    except SourceError as exc:
        reason = "audit log not found" if exc.reason == "file not found" else f"cannot read audit log: {exc.reason}"
        raise AuditError(f"{path}: {reason}") from None
    result = Verification(path)
    blamed: dict[int, Problem] = {}

    def blame(line: int, kind: Tamper, message: str) -> None:
        blamed.setdefault(line, Problem(line, kind, message))

    raws = data.split(b"\n")
    if raws and raws[-1] == b"":
        raws.pop()
    elif raws:
        blame(len(raws), Tamper.EDITED, "last line has no newline (edited or cut short)")
    lines = [_Line(i, raw, sm3.hexdigest(raw), _parse(raw)) for i, raw in enumerate(raws, 1)]
    result.records = len(lines)
    where: dict[str, int] = {ln.digest: ln.number for ln in lines}
    all_seqs = {ln.seq for ln in lines if ln.seq is not None}

    # Self-hash: the record's content changed.
    for ln in lines:
        if ln.record is None:
            blame(ln.number, Tamper.EDITED, "not a valid audit record")
        elif ln.record["hash"] != record_hash(ln.record):
            blame(ln.number, Tamper.EDITED, f"seq {ln.seq}: content does not match its SM3 hash")

    # Sequence numbers: gaps, duplicates, records out of order.
    seen: set[int] = set()
    top = 0
    for j, ln in enumerate(lines):
        seq = ln.seq
        if seq is None:
            continue
        if seq in seen:
            if j >= 2 and ln.prev == lines[j - 2].digest:
                blame(lines[j - 1].number, Tamper.INSERTED, "record not in the chain (next record links past it)")
            else:
                blame(ln.number, Tamper.INSERTED, f"seq {seq} appears twice")
        elif seq < top:
            blame(ln.number, Tamper.REORDERED, f"seq {seq} comes after seq {top}")
        elif seq > top + 1:
            missing = [s for s in range(top + 1, seq) if s not in all_seqs]
            if missing:
                blame(ln.number, Tamper.DELETED, f"{_span(missing)} missing before this record")
        seen.add(seq)
        top = max(top, seq)

    # Links: which neighbour was inserted, moved or rewritten with a recomputed hash.
    for j, ln in enumerate(lines):
        if ln.prev is None or ln.number in blamed:
            continue
        expected = GENESIS if j == 0 else lines[j - 1].digest
        if ln.prev == expected:
            continue
        if j >= 1 and lines[j - 1].number in blamed:
            continue
        if j >= 2 and ln.prev == lines[j - 2].digest:
            blame(lines[j - 1].number, Tamper.INSERTED, "record not in the chain (next record links past it)")
        elif ln.prev in where:
            blame(ln.number, Tamper.REORDERED, f"its predecessor is now line {where[ln.prev]}")
        elif j == 0:
            blame(ln.number, Tamper.EDITED, "first record does not start the chain")
        else:
            blame(lines[j - 1].number, Tamper.EDITED,
                  f"seq {lines[j - 1].seq}: rewritten (the next record's SM3 link no longer matches)")

    _check_head(real, lines, blame)
    result.problems = sorted(blamed.values(), key=lambda p: p.line)
    return result


def _check_head(path: Path, lines: list[_Line], blame: Any) -> None:
    head_path = path.with_name(path.name + ".head")
    last_number = lines[-1].number if lines else 0
    try:
        head = json.loads(head_path.read_text(encoding="utf-8"))
        head_seq, head_hash = head["seq"], str(head["hash"])
        # A sequence number is a non-negative JSON integer (not 1e9994, true or 10**40: a head
        # file is evidence and may be forged, so nothing in it is converted on trust).
        if type(head_seq) is not int or not 0 <= head_seq < 1 << 63:
            raise ValueError("seq")
    except FileNotFoundError:
        if lines:
            blame(last_number, Tamper.TRUNCATED,
                  f"{head_path.name} is missing: cannot rule out records cut from the end")
        return
    except (OSError, ValueError, KeyError, TypeError):
        blame(last_number, Tamper.TRUNCATED, f"{head_path.name} is unreadable")
        return
    if not lines:
        if head_seq > 0:
            blame(0, Tamper.TRUNCATED, f"log is empty but {head_path.name} records seq {head_seq}")
        return
    last = lines[-1]
    top = max((ln.seq for ln in lines if ln.seq is not None), default=0)
    if head_seq > top:
        cut = f"seq {head_seq}" if head_seq == top + 1 else f"seq {top + 1}–{head_seq}"
        blame(last.number, Tamper.TRUNCATED, f"{cut} cut from the end")
    elif head_seq == last.seq and head_hash != last.digest:
        blame(last.number, Tamper.EDITED, "last record differs from the one the head file recorded")
