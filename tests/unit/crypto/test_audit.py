"""The SM3-chained audit trail: records, masking, tamper detection, locking (R-SEC-05..07)."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from medcloud.audit import (
    AuditError,
    Category,
    Event,
    Outcome,
    Tamper,
    Tokeniser,
    append,
    default_path,
    verify_log,
)
from medcloud.audit.command import run_audited
from medcloud.audit.trail import canonical, record_hash
from medcloud.crypto import sm3
from medcloud.errors import SecretError
from medcloud.secrets import seal

from .conftest import PLAINTEXT, assert_no_plaintext


def write_log(path: Path, count: int = 6) -> list[bytes]:
    for i in range(count):
        append(Event(action="verify", target=f"node-{i}", parameters={"i": i}), path)
    return path.read_bytes().splitlines()


def rewrite(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def kinds(path: Path) -> list[tuple[int, Tamper]]:
    return [(p.line, p.kind) for p in verify_log(path).problems]


def test_r_sec_05_default_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MEDCLOUD_AUDIT_LOG")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert default_path() == tmp_path / "state" / "medcloud" / "audit.jsonl"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path() == tmp_path / ".local" / "state" / "medcloud" / "audit.jsonl"


def test_r_sec_05_record_fields_and_chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.8.0.7 52144 10.8.0.1 22")
    log = tmp_path / "a.jsonl"
    lines = write_log(log, 3)
    records = [json.loads(line) for line in lines]
    assert [r["seq"] for r in records] == [1, 2, 3]
    assert records[0]["prev"] == "0" * 64
    assert records[1]["prev"] == sm3.hexdigest(lines[0])
    for record in records:
        assert {"time", "user", "source_ip", "host", "action", "target", "parameters", "outcome",
                "category"} <= record.keys()
        assert record["hash"] == record_hash(record)
        assert record["source_ip"] == "10.8.0.7"
    assert verify_log(log).intact
    assert oct(log.stat().st_mode & 0o777) == "0o600"


def test_r_sec_06_masking_regex_and_tokens(tmp_path: Path, data_key: bytes) -> None:
    sealed = seal(PLAINTEXT)
    log = tmp_path / "a.jsonl"
    record = append(Event(
        action="provision",
        target=f"ipmi://admin:{PLAINTEXT}@10.0.0.5",
        parameters={"bmc_password": PLAINTEXT, "snmp": {"community": PLAINTEXT, "auth_key": sealed},
                    "command": f"ipmitool -U admin password={PLAINTEXT} chassis status",
                    "sealed_elsewhere": sealed, "hosts": ["n1", "n2"], "count": 3},
        category=Category.PRIVILEGED,
        error=f"login failed with token: {PLAINTEXT}",
    ), log)
    text = log.read_text()
    assert_no_plaintext(text)
    token = Tokeniser.for_log(log).token(PLAINTEXT)
    params = record["parameters"]
    # Tokenised: same value, same token, so an auditor can correlate without the value.
    assert params["bmc_password"] == token
    assert params["snmp"]["community"] == token
    assert token in record["target"] and token in params["command"] and token in record["error"]
    assert params["snmp"]["auth_key"].startswith("<sealed:")
    assert params["sealed_elsewhere"].startswith("<sealed:")
    assert sealed not in text
    assert params["hosts"] == ["n1", "n2"] and params["count"] == 3
    assert record["category"] == "privileged"


def test_tokens_differ_between_logs(tmp_path: Path) -> None:
    # The salt is per log: a token cannot be looked up in a table built from another log.
    assert Tokeniser.for_log(tmp_path / "a").token("x") != Tokeniser.for_log(tmp_path / "b").token("x")


def test_r_sec_05_intact_log_verifies(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    write_log(log)
    result = verify_log(log)
    assert result.intact and result.records == 6


def test_r_sec_05_one_changed_byte_is_detected(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    lines = write_log(log)
    lines[2] = lines[2].replace(b"node-2", b"node-X")
    rewrite(log, lines)
    assert kinds(log) == [(3, Tamper.EDITED)]


def test_r_sec_05_deleted_record_is_detected(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    lines = write_log(log)
    del lines[2]
    rewrite(log, lines)
    problems = verify_log(log).problems
    assert [(p.line, p.kind) for p in problems] == [(3, Tamper.DELETED)]
    assert "seq 3 missing" in problems[0].message


def test_r_sec_05_inserted_copy_is_detected(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    lines = write_log(log)
    lines.insert(3, lines[1])
    rewrite(log, lines)
    assert kinds(log) == [(4, Tamper.INSERTED)]


def test_r_sec_05_inserted_forgery_with_valid_hashes_is_blamed_on_the_forgery(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    lines = write_log(log)
    forged = json.loads(lines[2])
    forged.update(seq=4, action="provision", prev=sm3.hexdigest(lines[2]))
    forged["hash"] = record_hash(forged)
    lines.insert(3, canonical(forged))
    rewrite(log, lines)
    assert kinds(log) == [(4, Tamper.INSERTED)]


def test_r_sec_05_swapped_pair_is_detected(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    lines = write_log(log)
    lines[2], lines[3] = lines[3], lines[2]
    rewrite(log, lines)
    assert kinds(log) == [(3, Tamper.REORDERED), (4, Tamper.REORDERED)]


def test_r_sec_05_rewritten_record_with_recomputed_hash(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    lines = write_log(log)
    record = json.loads(lines[1])
    record["outcome"] = "ok" if record["outcome"] != "ok" else "failed"
    record["hash"] = record_hash(record)
    lines[1] = canonical(record)
    rewrite(log, lines)
    assert kinds(log) == [(2, Tamper.EDITED)]


def test_r_sec_05_truncated_tail_is_detected(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    lines = write_log(log)
    rewrite(log, lines[:-2])
    problems = verify_log(log).problems
    assert [(p.line, p.kind) for p in problems] == [(4, Tamper.TRUNCATED)]
    assert "seq 5–6 cut from the end" in problems[0].message


@pytest.mark.parametrize("seq", ["1e9994", "true", "-3", "9" * 40, '"6"'])
def test_r_sec_05_a_forged_head_sequence_is_unreadable_not_a_crash(tmp_path: Path, seq: str) -> None:
    """Found by the loader fuzzer: ``"seq": 1e9994`` in the head file raised OverflowError."""
    log = tmp_path / "a.jsonl"
    write_log(log)
    head = log.with_name(log.name + ".head")
    head.write_text(re.sub(r'"seq": ?\d+', f'"seq": {seq}', head.read_text(encoding="utf-8")), encoding="utf-8")
    problems = verify_log(log).problems
    assert [p.kind for p in problems] == [Tamper.TRUNCATED]
    assert "a.jsonl.head is unreadable" in problems[0].message


def test_a_huge_cut_is_described_without_listing_it(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    write_log(log)
    head = log.with_name(log.name + ".head")
    head.write_text(re.sub(r'"seq": ?\d+', '"seq": 4000000000000', head.read_text(encoding="utf-8")),
                    encoding="utf-8")
    assert "seq 7–4000000000000 cut from the end" in verify_log(log).problems[0].message


def test_first_record_deleted(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    lines = write_log(log)
    rewrite(log, lines[1:])
    assert kinds(log) == [(1, Tamper.DELETED)]


def test_garbage_line_and_missing_newline(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    lines = write_log(log)
    lines.insert(2, b"not json")
    log.write_bytes(b"\n".join(lines))
    found = kinds(log)
    assert (3, Tamper.EDITED) in found and (7, Tamper.EDITED) in found


def test_missing_log_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(AuditError, match="audit log not found"):
        verify_log(tmp_path / "none.jsonl")


def test_append_continues_after_a_damaged_last_line(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    write_log(log, 2)
    with log.open("ab") as handle:
        handle.write(b'{"half a record\n')
    record = append(Event(action="verify"), log)
    assert record["seq"] == 3
    assert [k for _, k in kinds(log)] == [Tamper.EDITED]


_WRITER = """
import sys
from pathlib import Path
from medcloud.audit import Event, append
for i in range(int(sys.argv[2])):
    append(Event(action="verify", target=f"{sys.argv[3]}-{i}"), Path(sys.argv[1]))
"""


def test_r_sec_05_concurrent_appends_keep_the_chain(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(log), "20", f"w{n}"]) for n in range(4)]
    for proc in procs:
        assert proc.wait(timeout=60) == 0
    result = verify_log(log)
    assert result.intact, [str(p) for p in result.problems]
    assert result.records == 80
    assert sorted(json.loads(line)["seq"] for line in log.read_bytes().splitlines()) == list(range(1, 81))


def _namespace(**kwargs: object) -> argparse.Namespace:
    return argparse.Namespace(audit_action="verify", inventory="inv.yaml", **kwargs)


def last_record(path: Path) -> dict[str, object]:
    return dict(json.loads(path.read_bytes().splitlines()[-1]))


@pytest.mark.parametrize(
    ("behaviour", "outcome", "code"),
    [("ok", Outcome.OK, 0), ("fail", Outcome.FAILED, 1), ("input", Outcome.ERROR, 2),
     ("interrupt", Outcome.INTERRUPTED, 130), ("crash", Outcome.CRASHED, None)],
)
def test_r_sec_05_run_audited_records_every_outcome(behaviour: str, outcome: Outcome, code: int | None) -> None:
    def handler(args: argparse.Namespace) -> int:
        args.audit_detail = {"checked": 3}
        if behaviour == "input":
            raise SecretError("no secret key")
        if behaviour == "interrupt":
            raise KeyboardInterrupt
        if behaviour == "crash":
            raise RuntimeError(PLAINTEXT)
        return 0 if behaviour == "ok" else 1

    args = _namespace(password=PLAINTEXT)
    if behaviour in ("ok", "fail"):
        assert run_audited(args, handler) == code
    else:
        with pytest.raises((SecretError, KeyboardInterrupt, RuntimeError)):
            run_audited(args, handler)
    log = default_path()
    record = last_record(log)
    assert record["outcome"] == outcome.value and record["exit_code"] == code
    assert record["action"] == "verify" and record["category"] == "evidence"
    assert record["target"] == "inv.yaml" and record["detail"] == {"checked": 3}
    assert_no_plaintext(log.read_bytes())


def test_detail_may_be_a_sentence_and_is_masked() -> None:
    def handler(args: argparse.Namespace) -> int:
        args.audit_detail = f"2 switch(es) drifted; login used password={PLAINTEXT}"
        return 1

    assert run_audited(argparse.Namespace(audit_action="switch-diff"), handler) == 1
    record = last_record(default_path())
    assert str(record["detail"]).startswith("2 switch(es) drifted; login used password=tok:")
    assert record["outcome"] == "failed" and record["category"] == "operation"
    assert_no_plaintext(default_path().read_bytes())


def test_r_sec_07_privileged_and_network_policy_categories() -> None:
    run_audited(argparse.Namespace(audit_action="provision"), lambda a: 0)
    assert last_record(default_path())["category"] == "privileged"
    run_audited(argparse.Namespace(audit_action="switch-render", audit_category="network-policy"), lambda a: 0)
    assert last_record(default_path())["category"] == "network-policy"


def test_unwritable_log_stops_the_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("MEDCLOUD_AUDIT_LOG", str(blocker / "audit.jsonl"))
    ran = []
    with pytest.raises(AuditError, match="refusing to run `verify` without an audit record"):
        run_audited(_namespace(), lambda a: ran.append(1) or 0)
    assert not ran
    assert not os.path.exists(blocker / "audit.jsonl")


def test_emptied_log_is_detected(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    write_log(log, 3)
    log.write_bytes(b"")
    assert kinds(log) == [(0, Tamper.TRUNCATED)]
    assert verify_log(tmp_path / "a.jsonl").records == 0


def test_fresh_empty_log_is_intact(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    log.write_bytes(b"")
    assert verify_log(log).intact


def test_records_appended_together_chain_like_single_ones(tmp_path: Path) -> None:
    """R-SEC-05: a run's per-device records (``append_all``: one lock, one fsync) keep the SM3 chain."""
    from medcloud.audit import append_all

    log = tmp_path / "audit.jsonl"
    append(Event(action="bmc-apply", target="inv"), log)
    records = append_all([Event(action="bmc-apply-change", target=f"n{i}", category=Category.PRIVILEGED)
                          for i in range(3)], log)
    append(Event(action="verify", target="inv"), log)
    assert [r["seq"] for r in records] == [2, 3, 4]
    result = verify_log(log)
    assert result.intact and result.records == 5
    assert append_all([], log) == []
    lines = log.read_bytes().splitlines()
    assert json.loads(lines[2])["prev"] == sm3.hexdigest(lines[1])


def test_r_sec_05_an_argument_that_is_not_utf8_is_recorded_and_verifies(tmp_path: Path) -> None:
    """`medcloud verify $'\\xff.yaml'`: Python hands the argument over as a lone surrogate; the record is
    written (as its JSON escape), not lost to a UnicodeEncodeError, and the chain still verifies."""
    log = tmp_path / "a.jsonl"
    target = os.fsdecode(b"inventories/\xff.yaml")
    record = append(Event(action="verify", target=target), log)
    assert json.loads(log.read_bytes())["target"] == target == record["target"]
    assert verify_log(log).intact


def test_r_sec_05_a_lone_surrogate_escape_written_into_a_line_is_tampering_not_a_crash(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    lines = write_log(log, 2)
    rewrite(log, [lines[0].replace(b'"target":"node-0"', b'"target":"\\ud800"'), lines[1]])
    result = verify_log(log)
    assert not result.intact


def test_r_sec_05_a_signal_while_the_record_is_written_does_not_contradict_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The record says `ok`: a signal landing while it is appended (or after) leaves the exit status 0.
    Before, the launcher saw the recorded signal and exited 130 under an `ok` record (the flaky
    `bmc apply` signal test)."""
    import signal

    from medcloud import signals
    from medcloud.audit import command

    real_append = command.append

    def append_then_signal(*args: object, **kwargs: object) -> None:
        real_append(*args, **kwargs)  # type: ignore[arg-type]
        signals._handle(signal.SIGINT, None)  # as the kernel would deliver it here: inside shielded()

    monkeypatch.setattr(command, "append", append_then_signal)
    assert run_audited(_namespace(), lambda args: 0) == 0
    assert last_record(default_path())["outcome"] == "ok"
    assert signals.received() == signal.SIGINT  # it did arrive during the write ...
    assert signals.settled()  # ... but the launcher exits with the recorded 0, not 130
    signals.reset()
    monkeypatch.setattr(command, "append", real_append)
    assert run_audited(_namespace(), lambda args: 0) == 0 and signals.settled()
    assert signals.record(signal.SIGTERM) is False  # after the record, a signal is not even recorded
    signals.unsettle()
    assert signals.record(signal.SIGTERM) is True  # the next command in this process counts signals again


def test_r_sec_05_the_launcher_exits_with_the_recorded_status_when_a_signal_came_during_the_write(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`medcloud`'s own exit status follows the record too: a record saying `failed` (exit 1) and a
    signal landing while it is appended end with 1, not 130 (the `review` signal test saw a `failed`
    record under an exit of 130)."""
    import signal

    from medcloud import signals
    from medcloud.audit import command
    from medcloud.cli import main

    real_append = command.append

    def append_then_signal(*args: object, **kwargs: object) -> None:
        real_append(*args, **kwargs)  # type: ignore[arg-type]
        signals._handle(signal.SIGINT, None)  # delivered here, inside shielded(): recorded, not raised

    monkeypatch.setattr(command, "append", append_then_signal)
    existing = tmp_path / "exists.key"
    existing.write_text("taken\n")
    try:
        # keygen refuses to overwrite a file: a command that ends by itself with a non-zero status.
        code = main(["secret", "keygen", "--out", str(existing)])
        assert code not in (130, 143)
        record = last_record(default_path())
        assert record["outcome"] != "interrupted" and record["exit_code"] == code
        assert signals.received() == signal.SIGINT and signals.settled()
        assert "interrupted" not in capsys.readouterr().err
    finally:
        signals.reset()
        signals.unsettle()
