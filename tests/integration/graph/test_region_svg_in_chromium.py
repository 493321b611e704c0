"""`medcloud graph dev --out region.svg` opens in a real Chromium and shows the region (R-TOP-02/03 map)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medcloud.cli import main

from ..screenshots import ink, needs_chromium, screenshot

pytestmark = [pytest.mark.integration, needs_chromium,
              pytest.mark.skipif(shutil.which("neato") is None, reason="Graphviz (Debian 'graphviz') missing")]


def test_region_svg_renders_three_centres_links_and_distances(tmp_path: Path) -> None:
    svg = tmp_path / "region.svg"
    assert main(["graph", "dev", "--out", str(svg)]) == 0
    text = svg.read_text()
    # What the picture must carry: the three centres, their links and the distances against the thresholds.
    for name in ("gz&#45;prod", "fs&#45;aa", "cd&#45;dr"):
        assert f">{name}<" in text
    assert "R&#45;TOP&#45;02" in text and "R&#45;TOP&#45;03" in text
    assert text.count("<g id=\"edge") >= 4
    png = screenshot(svg, tmp_path / "region.png")
    drawn, colours = ink(png)
    # A blank or error page is one or two colours; the map has boxes, fills, coloured lines and text.
    assert drawn > 0.01, f"only {drawn:.2%} of the screenshot is drawn"
    assert colours > 20, f"only {colours} colours in the screenshot"
