"""Conversions of the standards' figures."""

from __future__ import annotations

import datetime as dt

import pytest

from medcloud.model.standards import ARCHIVE_RETENTION_MIN_YEARS, retention_days


@pytest.mark.parametrize("start", [dt.date(2024, 1, 1), dt.date(2025, 3, 1), dt.date(2028, 2, 29), dt.date(2096, 6, 1)])
def test_r_dc_02_worm_lock_in_days_never_lapses_before_30_calendar_years(start: dt.date) -> None:
    """R-DC-02: a lock of retention_days(30) days from any start outlasts 30 calendar years."""
    years = ARCHIVE_RETENTION_MIN_YEARS
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February with no leap day 30 years on
        anniversary = dt.date(start.year + years, 3, 1)
    assert start + dt.timedelta(days=retention_days(years)) >= anniversary
    assert start + dt.timedelta(days=years * 365) < anniversary  # why 365 a year was not enough


def test_retention_days_adds_at_most_one_day_a_leap_cycle() -> None:
    assert [retention_days(y) for y in (1, 4, 5, 30)] == [366, 1461, 1827, 10958]
