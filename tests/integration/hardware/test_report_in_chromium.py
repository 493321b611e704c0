"""The acceptance report of the lab's run, opened in a real headless Chromium (Debian ``chromium``).

What a person signs must render: the verdict, the findings, the rack elevation, the
signature and sign-off blocks, in English and Chinese, and it must print on A4 with every
check row (R-SEC-05 signed evidence; R-HW-01…08 content).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from medcloud.hardware.reports import html
from medcloud.hardware.verify import Report

from ..screenshots import CHROMIUM, SCREENSHOT_TIMEOUT_S, ink, needs_chromium, screenshot

pytestmark = [pytest.mark.integration, needs_chromium]

#: A4 (210 x 297 mm) in PostScript points; Chromium rounds the MediaBox to its pixel grid
#: (594.96 x 841.92), US Letter would be 612 x 792.
A4_POINTS = (595.28, 841.89)


def _pdf(page: Path, out: Path) -> bytes:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory(prefix="medcloud-chromium-") as profile:
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={out}", page.resolve().as_uri()],
            check=True, capture_output=True, timeout=SCREENSHOT_TIMEOUT_S)
    return out.read_bytes()


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_report_renders_and_prints_on_a4(report: Report, tmp_path: Path, lang: str) -> None:
    page = tmp_path / f"report-{lang}.html"
    page.write_text(html.render(report, lang=lang, json_name="lab.json"), "utf-8")
    png = screenshot(page, tmp_path / f"report-{lang}.png", width=1280, height=1800)
    drawn, colours = ink(png)
    # The banner, status pills, elevation slots and tables: far from a blank or error page.
    assert drawn > 0.05, f"only {drawn:.2%} of the screenshot is drawn"
    assert colours > 30, f"only {colours} colours"
    pdf = _pdf(page, tmp_path / f"report-{lang}.pdf")
    boxes = {tuple(round(float(v), 2) for v in m.groups())
             for m in re.finditer(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert boxes and all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in boxes), boxes
    pages = len(re.findall(rb"/Type /Page\b", pdf))
    rows = sum(len(d.checks) for d in report.devices)
    # Every check row is printed: at ~35 rows per A4 page the lab's rows need this many pages at least.
    assert pages >= rows // 40, (pages, rows)


def test_chinese_glyphs_have_a_font() -> None:
    """Without a CJK font Chromium draws the Chinese report as empty boxes (fonts-wqy-microhei)."""
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=30, check=False).stdout
    assert fonts.strip(), "no Chinese font: install the Debian package fonts-wqy-microhei (scripts/bootstrap does)"
