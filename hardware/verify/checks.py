"""A check is data: requirement ID, the fact it reads, how to get the actual value, what to expect.

:func:`evaluate` is the only place that decides pass/fail/error/skipped, so
every check behaves the same way: a missing fact is an ``error``, a check the
profile or the device makes inapplicable is ``skipped`` with the reason, and
nothing passes without a value that met its expectation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from medcloud.hardware.verify.expect import Expectation
from medcloud.hardware.verify.results import CheckResult, FollowUp, Status


@dataclass(frozen=True)
class Skip:
    reason: str
    #: Set when a person must do the check instead (it becomes a manual follow-up).
    follow_up: FollowUp | None = None


@dataclass(frozen=True)
class FactFailure:
    """A fact that could not be collected or parsed; every check that reads it errors with ``reason``.

    ``cause`` names the finding that stands for them all (``ssh.reachable``…) when the whole
    protocol failed, so the report shows one finding, not one per check.
    """

    reason: str
    cause: str = ""


@dataclass(frozen=True)
class Check:
    id: str
    requirement: str
    title: str
    fact: str
    #: (fact value, context) → actual value, or Skip.
    actual: Callable[[Any, Any], Any]
    #: context → expectation, or Skip when the profile asks for nothing here.
    expect: Callable[[Any], Expectation | Skip]
    show: Callable[[Any], str] = str
    #: Explains a failure from the actual value (e.g. which drive is foreign); default: none.
    explain: Callable[[Any], str] | None = None


def evaluate(check: Check, facts: Mapping[str, Any], context: Any) -> CheckResult:
    def result(status: Status, expected: str = "", actual: str = "", reason: str = "", *, cause: str = "",
               follow_up: FollowUp | None = None) -> CheckResult:
        return CheckResult(check.id, check.requirement, check.title, status, expected, actual, reason,
                           cause=cause, follow_up=follow_up)

    expectation = check.expect(context)
    if isinstance(expectation, Skip):
        return result(Status.SKIPPED, reason=expectation.reason, follow_up=expectation.follow_up)
    expected = expectation.describe()
    fact = facts.get(check.fact, FactFailure(f"fact {check.fact!r} was not collected"))
    if isinstance(fact, FactFailure):
        return result(Status.ERROR, expected, reason=fact.reason, cause=fact.cause)
    try:
        actual = check.actual(fact, context)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return result(Status.ERROR, expected, reason=f"cannot read {check.fact}: {exc}")
    if isinstance(actual, Skip):
        return result(Status.SKIPPED, expected, reason=actual.reason, follow_up=actual.follow_up)
    shown = check.show(actual)
    if expectation.test(actual):
        return result(Status.PASS, expected, shown)
    reason = check.explain(actual) if check.explain else ""
    return result(Status.FAIL, expected, shown, reason or f"{shown} is not {expected}")


def declared(check_id: str, requirement: str, title: str, reason: str, follow_up: FollowUp) -> CheckResult:
    """A requirement verification cannot measure on the device: listed, skipped, with the reason,
    and the person who must settle it (a manual follow-up)."""
    return CheckResult(check_id, requirement, title, Status.SKIPPED, reason=reason, follow_up=follow_up)
