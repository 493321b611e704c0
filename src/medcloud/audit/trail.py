"""The append-only, SM3-chained audit trail (R-SEC-05, R-SEC-07).

One JSON object a line.  Each record holds ``prev`` (SM3 of the previous
line's bytes; 64 zeros for the first) and ``hash`` (SM3 of its own canonical
form without ``hash``), plus a running ``seq``.  The self-hash tells an edited
record from a broken link, ``seq`` tells a deletion from an insertion or a
reordering, and the ``.head`` file beside the log (last seq and hash, updated
atomically under the same lock) catches records cut off the end.

An SM3 chain detects accidental and casual tampering; someone who can rewrite
the whole file can recompute it.  Shipping records to a remote collector or
anchoring the head elsewhere closes that gap and is outside this module.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import socket
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from medcloud.audit.masking import Tokeniser
from medcloud.crypto import sm3
from medcloud.errors import AuditError as AuditError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.yamlio import write_atomic

ENV_LOG = "MEDCLOUD_AUDIT_LOG"
GENESIS = "0" * 64
#: Longest line we read back when finding the previous record; records are small.
_MAX_TAIL = 1 << 20
_LOCK_TIMEOUT_S = 30.0


class Category(StrEnum):
    """R-SEC-07: privileged and network-policy actions are kept apart from the rest."""

    OPERATION = "operation"
    EVIDENCE = "evidence"
    PRIVILEGED = "privileged"
    NETWORK_POLICY = "network-policy"
    KEY_CHANGE = "key-change"


class Outcome(StrEnum):
    OK = "ok"
    FAILED = "failed"
    ERROR = "error"
    INTERRUPTED = "interrupted"
    CRASHED = "crashed"


def log_path(path: Path | None = None) -> Path:
    """The audit log ``path`` (default :func:`default_path`) with symlinks resolved.

    The side files (``.head``, ``.salt``) sit beside the *real* log, so reaching the log
    through a symlink cannot hide a record cut from its end.
    """
    return Path(os.path.realpath(path or default_path()))


def default_path() -> Path:
    """``$MEDCLOUD_AUDIT_LOG``, else ``$XDG_STATE_HOME/medcloud/audit.jsonl`` (XDG fallback ~/.local/state)."""
    explicit = os.environ.get(ENV_LOG)
    if explicit:
        return Path(explicit).expanduser()
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "medcloud" / "audit.jsonl"


def canonical(record: dict[str, Any]) -> bytes:
    """The record's one byte form (written, and hashed).

    A lone surrogate — what Python makes of an argument that is not valid UTF-8, or what a tampered
    line's ``\\udXXX`` escape reads back as — is written as its JSON escape: the line stays valid JSON
    and reads back to the same string, so its hash still checks.
    """
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8", errors="backslashreplace")


def record_hash(record: dict[str, Any]) -> str:
    return sm3.hexdigest(canonical({k: v for k, v in record.items() if k != "hash"}))


def _user() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid:{os.getuid()}"
    sudo = os.environ.get("SUDO_USER")
    return f"{sudo} (as {user})" if sudo and sudo != user else user


def _source_ip() -> str:
    # Over SSH the operator's address is the first field; locally there is none to report.
    conn = os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT") or ""
    return conn.split()[0] if conn.split() else "local"


@dataclass
class Event:
    """What a caller knows about an action; :func:`append` adds who, where, when and the chain."""

    action: str
    target: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    outcome: Outcome = Outcome.OK
    exit_code: int | None = None
    category: Category = Category.OPERATION
    #: What the command found or changed: a mapping, or one sentence.
    detail: dict[str, Any] | str = field(default_factory=dict)
    error: str | None = None


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[IO[bytes]]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError as exc:
        raise AuditError(f"{path}: cannot open audit log: {exc.strerror}") from None
    handle = os.fdopen(fd, "r+b")
    try:
        _acquire(handle, path)
        yield handle
    finally:
        handle.close()  # closing releases the flock


def _acquire(handle: IO[bytes], path: Path) -> None:
    # Polling with a deadline instead of a blocking flock: a hung peer must not hang us forever.
    deadline = time.monotonic() + _LOCK_TIMEOUT_S
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise AuditError(f"{path}: audit log locked by another process for {_LOCK_TIMEOUT_S:.0f} s") from None
            time.sleep(0.01)


def _last_line(handle: IO[bytes]) -> bytes | None:
    end = handle.seek(0, os.SEEK_END)
    if end == 0:
        return None
    size = min(end, _MAX_TAIL)
    handle.seek(end - size)
    tail = handle.read(size).rstrip(b"\n")
    return tail.rsplit(b"\n", 1)[-1] if tail else None


def _head_path(log: Path) -> Path:
    return log.with_name(log.name + ".head")


def check_writable(path: Path | None = None) -> Path:
    """Fail before an audited command runs if its record could not be written afterwards.

    The log must be a regular file (or not exist yet) that we can lock and append to, in a
    directory where its head and salt files can be replaced: ``/dev/full``, a directory or a
    read-only location is refused before any work is done.
    """
    log = log_path(path)
    with _locked(log) as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise AuditError(f"{log}: the audit log is not a regular file")
        if not os.access(log.parent, os.W_OK | os.X_OK):
            raise AuditError(f"{log.parent}: cannot write the audit log's head file here")
        for side in (_head_path(log), log.with_name(log.name + ".salt")):
            if side.exists() and not (side.is_file() and os.access(side, os.R_OK)):
                raise AuditError(f"{side}: not a readable regular file")
    return log


def append(event: Event, path: Path | None = None) -> dict[str, Any]:
    """Append one record for ``event`` under an exclusive lock; returns the record as written."""
    return append_all([event], path)[0]


def append_all(events: list[Event], path: Path | None = None) -> list[dict[str, Any]]:
    """Append one record per event, in order, under one lock and one fsync (a run's per-device records)."""
    log = log_path(path)
    try:
        tokens = Tokeniser.for_log(log)
        return _append_locked(log, tokens, events)
    except OSError as exc:
        raise AuditError(f"{log}: cannot write audit record: {exc.strerror or exc}") from None


def _append_locked(log: Path, tokens: Tokeniser, events: list[Event]) -> list[dict[str, Any]]:
    records = []
    with _locked(log) as handle:
        last = _last_line(handle)
        seq = 1
        prev = GENESIS
        if last is not None:
            prev = sm3.hexdigest(last)
            try:
                seq = int(json.loads(last)["seq"]) + 1
            except (ValueError, KeyError, TypeError):
                # A damaged last line must not stop the trail; verify will report it.
                seq = _head_seq(log) + 1
        handle.seek(0, os.SEEK_END)
        line = b""
        for event in events:
            record: dict[str, Any] = {
                "seq": seq,
                "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "user": _user(),
                "host": socket.gethostname(),
                "source_ip": _source_ip(),
                "pid": os.getpid(),
                "action": event.action,
                "category": event.category.value,
                "target": tokens.text(event.target),
                "parameters": tokens.value(event.parameters),
                "outcome": event.outcome.value,
                "exit_code": event.exit_code,
                "prev": prev,
            }
            if event.detail:
                record["detail"] = tokens.value(event.detail)
            if event.error:
                record["error"] = tokens.text(event.error)
            record["hash"] = record_hash(record)
            line = canonical(record)
            handle.write(line + b"\n")
            records.append(record)
            prev = sm3.hexdigest(line)
            seq += 1
        if records:
            handle.flush()
            os.fsync(handle.fileno())
            write_atomic(_head_path(log), json.dumps({"seq": seq - 1, "hash": prev}) + "\n")
    return records


def _head_seq(log: Path) -> int:
    try:
        return int(json.loads(_head_path(log).read_text(encoding="utf-8"))["seq"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0
