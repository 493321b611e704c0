"""Firmware and OS version ordering across vendors' spellings."""

from __future__ import annotations

import re

_NUMBERS = re.compile(r"\d+")


def version_key(version: str) -> tuple[int, ...]:
    """Numeric parts in order: ``V200R019C10SPC500`` → (200, 19, 10, 500), ``3.1.12`` → (3, 1, 12).

    Vendors agree on nothing but "left is more significant", which is all this assumes.
    """
    return tuple(int(n) for n in _NUMBERS.findall(version))


def at_least(actual: str, minimum: str) -> bool:
    return version_key(actual) >= version_key(minimum)
