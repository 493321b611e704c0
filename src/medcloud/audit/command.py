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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from medcloud.audit.trail import AuditError, Category, Event, Outcome, append, check_writable
from medcloud.errors import InputError

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
_INTERNAL = ("handler", "audit_action", "audit_category", "audit_target", "audit_detail")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def parameters(args: argparse.Namespace) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in sorted(vars(args).items())
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
    try:
        log = check_writable()
    except AuditError as exc:
        raise AuditError(f"{exc}; refusing to run `{action}` without an audit record (R-SEC-05)") from None
    outcome, code, error = Outcome.CRASHED, None, None
    try:
        code = handler(args)
        outcome = Outcome.OK if code == 0 else Outcome.FAILED
        return code
    except InputError as exc:
        outcome, code, error = Outcome.ERROR, 2, str(exc)
        raise
    except KeyboardInterrupt:
        outcome, code = Outcome.INTERRUPTED, 130
        raise
    except BaseException as exc:
        # The exception text is not logged: unexpected errors may carry anything.
        error = type(exc).__name__
        raise
    finally:
        event = Event(action=action, target=target(args), parameters=parameters(args), outcome=outcome,
                      exit_code=code, category=category, detail=getattr(args, "audit_detail", None) or {},
                      error=error)
        try:
            append(event, log)
        except AuditError as exc:
            if outcome is Outcome.OK or outcome is Outcome.FAILED:
                raise AuditError(f"`{action}` finished (exit {code}) but its audit record failed: {exc}") from None
