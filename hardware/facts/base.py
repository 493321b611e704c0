"""The shape of a fact and the parse error every parser raises."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from medcloud.hardware.transports.base import Command, CommandResult

from medcloud.errors import ParseError as ParseError  # noqa: PLC0414 -- re-export; defined in medcloud.errors

T = TypeVar("T")


@dataclass(frozen=True)
class SSHFact(Generic[T]):
    """Commands to run on the server and the pure function that reads their results."""

    name: str
    commands: tuple[Command, ...]
    parse: Callable[[Mapping[str, CommandResult]], T]


def output(results: Mapping[str, CommandResult], name: str) -> str | None:
    """stdout of command ``name`` if it ran and succeeded, else ``None``."""
    result = results.get(name)
    if result is None or not result.ok or not result.stdout.strip():
        return None
    return result.stdout


def key_values(text: str, separator: str = ":") -> list[tuple[str, str]]:
    """``Key : value`` lines (lscpu, /proc/cpuinfo, id-ctrl) in order, keys stripped."""
    pairs: list[tuple[str, str]] = []
    for line in text.splitlines():
        key, sep, value = line.partition(separator)
        if sep and key.strip():
            pairs.append((key.strip(), value.strip()))
    return pairs
