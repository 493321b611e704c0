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


#: The report's fail colour (the pills) and a failed row's background, as the stylesheet sets them.
FAIL_PILL = (0xCF, 0x22, 0x2E)
FAIL_ROW = (0xFF, 0xEB, 0xE9)


def test_cabling_view_renders_the_mis_cabled_port(report: Report, tmp_path: Path) -> None:
    """R-HW-06 as a person sees it: the lab's leaf-01 has ls-node-01 cabled into port 8 where the plan
    says port 4; the cabling view shows the port, the plan's neighbour, where it was seen instead, and
    is drawn (pills, a failed row) when the page is opened in Chromium with everything else hidden."""
    [leaf] = [d for d in report.devices if d.name == "leaf-01"]
    port = next(p for p in leaf.cabling if p.port == "Ten-GigabitEthernet1/0/0/4")
    assert port.expected == "ls-node-01 enp5s0f0" and port.expected_seen_on == ("Ten-GigabitEthernet1/0/0/8",)
    assert next(p for p in leaf.cabling if p.port == "Ten-GigabitEthernet1/0/0/1").seen
    page = html.render(report, lang="en", json_name="lab.json")
    view = page[page.index('<section id="cabling">'):page.index("Devices by rack")]
    assert "Ten-GigabitEthernet1/0/0/4" in view and "ls-node-01 enp5s0f0" in view
    assert "expected neighbour seen on Ten-GigabitEthernet1/0/0/8 instead" in view
    # Only the cabling view on the page, as the report's own stylesheet draws it.
    alone = tmp_path / "cabling.html"
    alone.write_text(page.replace("</head>", "<style>body > :not(#cabling) { display: none; }</style></head>", 1),
                     "utf-8")
    png = screenshot(alone, tmp_path / "cabling.png", width=1280, height=900)
    drawn, colours = ink(png)
    assert drawn > 0.02 and colours > 10, (drawn, colours)
    from PIL import Image

    with Image.open(png) as image:
        colours_drawn = image.convert("RGB").getcolors(1 << 24) or []
    present = {colour for _, colour in colours_drawn if colour in (FAIL_PILL, FAIL_ROW)}
    assert present == {FAIL_PILL, FAIL_ROW}, present
