"""Declarative expectations (NAPALM compliance style): what a value must be, and how to say it."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from medcloud.hardware.specs.versions import at_least


class Expectation(Protocol):
    def describe(self) -> str: ...

    def test(self, actual: Any) -> bool: ...


@dataclass(frozen=True)
class AtLeast:
    minimum: float
    unit: str = ""

    def describe(self) -> str:
        return f">= {self.minimum:g}{' ' + self.unit if self.unit else ''}"

    def test(self, actual: Any) -> bool:
        return isinstance(actual, int | float) and actual >= self.minimum


@dataclass(frozen=True)
class Equals:
    value: Any

    def describe(self) -> str:
        return f"== {self.value}"

    def test(self, actual: Any) -> bool:
        return bool(actual == self.value)


@dataclass(frozen=True)
class OneOf:
    values: Collection[Any]

    def describe(self) -> str:
        return "one of " + ", ".join(sorted(str(v) for v in self.values))

    def test(self, actual: Any) -> bool:
        return actual in self.values


@dataclass(frozen=True)
class AllIn:
    """Every item of an iterable actual is allowed (and there is at least one)."""

    values: Collection[Any]

    def describe(self) -> str:
        return "all in " + ", ".join(sorted(str(v) for v in self.values))

    def test(self, actual: Any) -> bool:
        items = list(actual) if isinstance(actual, Iterable) and not isinstance(actual, str) else [actual]
        return bool(items) and all(item in self.values for item in items)


@dataclass(frozen=True)
class Matches:
    pattern: str

    def describe(self) -> str:
        return f"matches /{self.pattern}/i"

    def test(self, actual: Any) -> bool:
        return isinstance(actual, str) and re.search(self.pattern, actual, re.IGNORECASE) is not None


@dataclass(frozen=True)
class VersionAtLeast:
    minimum: str

    def describe(self) -> str:
        return f"version >= {self.minimum}"

    def test(self, actual: Any) -> bool:
        return isinstance(actual, str) and bool(actual) and at_least(actual, self.minimum)
