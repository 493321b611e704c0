"""Argument types shared by the sub-commands: numbers are finite, positive and bounded (issue 16)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def positive(kind: type[int] | type[float], *, maximum: float = 10**6) -> Callable[[str], int | float]:
    """An argparse ``type`` accepting a finite number in (0, ``maximum``]: never nan, inf or a bool-like word."""
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"must be a positive finite number, not {text!r}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:g}")
        return value
    return parse
