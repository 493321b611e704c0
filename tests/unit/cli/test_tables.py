"""Tables at any width: atoms (IDs, file:line, addresses) never split or cropped; prose folds."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from medcloud.tables import Column, fitted, table_width

COLUMNS = (Column("requirement", atom=True), Column("status", atom=True), Column("finding"),
           Column("source", atom=True))
ROWS = [
    ("R-TOP-04", "violated", "'hospital-prod'–'provider-prod' has 0 diverse-route WDM link(s) of ≥ 100 Gbps",
     "stacks/regions/ref002.yaml:129"),
    ("R-BC-01", "compliant", "business class: same-city and remote copies, RPO and RTO per class A/B/C", ""),
    ("R-ST-02", "declared", "object storage", "/very/long/path/to/a/region/file/that/is/longer/than/eighty/"
     "columns/when/it/is/printed/whole/regions/dev.yaml:1234"),
]


def _render(width: int, rows: list[tuple[str, ...]] = ROWS) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(fitted("validate", COLUMNS, rows, width))
    return console.export_text().splitlines()


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
def test_atoms_are_never_split_and_nothing_is_cropped(width: int) -> None:
    lines = _render(width)
    text = "\n".join(lines)
    assert "…" not in text
    for row in ROWS:
        for column, value in zip(COLUMNS, row, strict=True):
            if column.atom and value and len(value) <= width - 30:
                assert any(value in line for line in lines), (width, value)
    # Prose folds at word boundaries: every word is there whole.  An atom longer than a line folds
    # (records layout) and comes back whole when the fold is undone.
    joined = re.sub(r"\s+", "", text)
    for row in ROWS:
        for column, value in zip(COLUMNS, row, strict=True):
            if column.atom:
                assert re.sub(r"\s+", "", value) in joined, (width, value)
            else:
                # a word longer than its column folds: it comes back whole once the fold is undone
                assert all(word in text or word in joined for word in value.split()), (width, value)


def test_a_table_when_it_fits_records_when_it_does_not() -> None:
    short = [(*r[:3], "dev.yaml:12") for r in ROWS]
    assert table_width(COLUMNS, short) <= 120
    assert any("┃" in line for line in _render(120, short))
    narrow = _render(60)
    assert not any("┃" in line for line in narrow)
    assert any(line.strip().startswith("requirement: R-TOP-04") for line in narrow)


def test_verify_summary_at_80_columns_keeps_every_name_rack_and_count_whole() -> None:
    """`medcloud verify` in a pipe or CI log (R-HW-01): long device, rack and profile names are never
    cropped with an ellipsis or split; the inventory name in the title is text, not markup."""
    from medcloud.hardware.reports import text
    from medcloud.hardware.verify.results import CheckResult, DeviceResult, Report, Status

    devices = [
        DeviceResult(f"gz-prod-kunpeng-920-compute-node-{i:03d}", "server", "kunpeng-920-compute", "guangzhou-prod",
                     "data-hall-b-3rd-floor", f"rack-b{i:02d}", 10 + i,
                     checks=[CheckResult("cpu.model", "R-HW-01", "CPU model", status)])
        for i, status in enumerate((Status.PASS, Status.FAIL, Status.ERROR))]
    report = Report("inventories/[bold]guangzhou-delivery-2026.yaml", "t0", "t1", True, devices)
    console = Console(width=80, record=True, color_system=None)
    text.render(report, console)
    lines = console.export_text().splitlines()
    body = "\n".join(lines)
    assert all(len(line) <= 80 for line in lines)
    assert "…" not in body and "[bold]guangzhou-delivery-2026.yaml" in body
    for device in devices:
        for needle in (device.name, f"{device.centre}/{device.room}/{device.rack}", device.profile):
            assert any(needle in line for line in lines), needle
    assert any(line.strip() == "fail: 1" for line in lines)
