"""The audit trail (R-SEC-05..07): who did what to which target, with what outcome.

Records are JSON lines chained by SM3 (:mod:`medcloud.audit.trail`), with
sensitive values masked and tokenised (:mod:`medcloud.audit.masking`), and
checked by :func:`verify_log`.  The CLI writes one record per audited command
from a single place, ``medcloud.cli.main``.
"""

from __future__ import annotations

from medcloud.audit.masking import Tokeniser
from medcloud.audit.trail import (
    AuditError,
    Category,
    Event,
    Outcome,
    append,
    append_all,
    check_writable,
    default_path,
)
from medcloud.audit.verify import Problem, Tamper, Verification, verify_log

__all__ = [
    "AuditError",
    "Category",
    "Event",
    "Outcome",
    "Problem",
    "Tamper",
    "Tokeniser",
    "Verification",
    "append",
    "append_all",
    "check_writable",
    "default_path",
    "verify_log",
]
