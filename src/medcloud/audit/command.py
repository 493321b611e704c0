"""One audit record per audited CLI command, written from ``medcloud.cli.main`` (R-SEC-05, R-SEC-07).

A command opts in with ``parser.set_defaults(audit_action="verify")`` and may
add ``audit_category`` (default from :data:`CATEGORY_BY_ACTION`).  While it
runs, the handler can set ``args.audit_target`` and ``args.audit_detail`` (a
mapping or a sentence); both are masked like everything else in the record.
The log is opened before the handler runs: an action that could not be
audited is not performed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from medcloud import signals
from medcloud.audit.trail import AuditError, Category, Event, Outcome, append, check_writable, log_path
from medcloud.errors import MedcloudError, exit_code
from medcloud.secrets import SEALED_PATTERN, Secret

#: Actions whose category is not plain ``operation`` unless the command says otherwise.
CATEGORY_BY_ACTION: dict[str, Category] = {
    "verify": Category.EVIDENCE,
    "review": Category.EVIDENCE,
    "report-sign": Category.EVIDENCE,
    "report-verify": Category.EVIDENCE,
    "provision": Category.PRIVILEGED,
    "secret-decrypt": Category.PRIVILEGED,
    "switch-apply": Category.NETWORK_POLICY,
    "switch-push": Category.NETWORK_POLICY,
    "secret-rotate": Category.KEY_CHANGE,
    "secret-keygen": Category.KEY_CHANGE,
}
#: Argument names tried, in order, for the record's target when the handler set none.
TARGET_ARGS = ("target", "stack", "inventory", "host", "hosts", "report", "paths", "path", "log")
_INTERNAL = ("handler", "audit_action", "audit_category", "audit_target", "audit_detail", "audit_secret_params")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _secret(value: Any) -> Any:
    """A parameter that should hold a sealed value: kept if it does, else only ever a token (R-SEC-06)."""
    if value is None or (isinstance(value, str) and SEALED_PATTERN.fullmatch(value)):
        return value
    return Secret(str(value))


def parameters(args: argparse.Namespace) -> dict[str, Any]:
    """The command's arguments for the record; ``audit_secret_params`` name those that may hold a secret."""
    secret = set(getattr(args, "audit_secret_params", ()))
    return {k: _secret(v) if k in secret else _jsonable(v) for k, v in sorted(vars(args).items())
            if k not in _INTERNAL and not callable(v)}


def target(args: argparse.Namespace) -> str:
    explicit = getattr(args, "audit_target", None)
    if explicit:
        return str(explicit)
    for name in TARGET_ARGS:
        value = getattr(args, name, None)
        if value:
            return ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    return ""


def run_audited(args: argparse.Namespace, handler: Callable[[argparse.Namespace], int]) -> int:
    action = str(args.audit_action)
    category = Category(getattr(args, "audit_category", None) or CATEGORY_BY_ACTION.get(action, Category.OPERATION))
    log: Path | None = log_path()
    outcome, code, error = Outcome.CRASHED, None, None
    words: signals.FinalWords | None = None
    signals.unsettle()
    try:
        try:
            check_writable(log)
        except AuditError as exc:
            log = None  # nothing to record in: the action is not performed
            raise AuditError(f"{exc}; refusing to run `{action}` without an audit record (R-SEC-05)") from None
        if log is not None:
            audit_log = log
            # Should the command not unwind in time after a signal, the watchdog writes the record (R-SEC-05).
            words = signals.FinalWords(lambda: _record(args, audit_log, action, category, Outcome.INTERRUPTED,
                                                       signals.exit_code(), None))
        with signals.final_words(words):
            code = handler(args)
        outcome = Outcome.OK if code == 0 else Outcome.FAILED
        return code
    except MedcloudError as exc:
        outcome, code, error = Outcome.ERROR, exit_code(exc), str(exc)
        raise
    except KeyboardInterrupt:
        outcome, code = Outcome.INTERRUPTED, signals.exit_code()
        raise
    except BaseException as exc:
        # The exception text is not logged: unexpected errors may carry anything.
        error = type(exc).__name__
        raise
    finally:
        if log is not None:
            record_log = log
            said = words or signals.FinalWords(lambda: None)
            said.say(lambda: _record(args, record_log, action, category, outcome, code, error))


def _record(args: argparse.Namespace, log: Path, action: str, category: Category, outcome: Outcome,
            code: int | None, error: str | None) -> None:
    """Append the command's record; an interruption (even one Python swallowed) is said as such.

    Shielded: a signal arriving now is recorded (and ends the command as interrupted) but cannot cut
    the record's write short, which used to leave a created but empty log.
    """
    with signals.shielded():
        _append_record(args, log, action, category, outcome, code, error)


def _append_record(args: argparse.Namespace, log: Path, action: str, category: Category, outcome: Outcome,
                   code: int | None, error: str | None) -> None:
    if signals.received() is not None:
        # However the handler ended (a partial report, or an interrupt a library swallowed).
        outcome, code = Outcome.INTERRUPTED, signals.exit_code()
    event = Event(action=action, target=target(args), parameters=parameters(args), outcome=outcome,
                  exit_code=code, category=category, detail=getattr(args, "audit_detail", None) or {},
                  error=error)
    try:
        append(event, log)
        if outcome is not Outcome.INTERRUPTED:
            signals.settle()  # the record says how the command ended: the exit status follows it
    except AuditError as exc:
        message = f"`{action}` finished (exit {code}) but its audit record failed: {exc}"
        if outcome is Outcome.INTERRUPTED:
            # The interruption keeps its exit code; the missing record is still said.
            print(f"medcloud: error: {message}", file=sys.stderr)
        elif outcome in (Outcome.OK, Outcome.FAILED):
            raise AuditError(message) from None
