"""Shared field types of the models."""

from __future__ import annotations

import pytest
from medcloud.hardware.specs.server import CpuSpec
from pydantic import ValidationError


def test_regex_fields_are_checked_when_loaded() -> None:
    """R-HW-01: a CPU model pattern that does not compile is a load error, not a verify-time crash."""
    assert CpuSpec(family="kunpeng", model_pattern=r"Kunpeng.?920").model_pattern == r"Kunpeng.?920"
    with pytest.raises(ValidationError, match="not a regular expression"):
        CpuSpec(family="kunpeng", model_pattern=r"Kunpeng(920")
