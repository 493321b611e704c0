"""Headless Chromium screenshots of the pages and pictures medcloud writes (Debian ``chromium``).

A test that wants to know what a person would see opens the file in a real
browser, takes a PNG and asks :func:`ink` how much of it is drawn.  Chromium
runs with a fresh profile and without its background networking (this
machine's network is closed; nothing leaves loopback).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian 'chromium' is not installed")

#: Bounded: a screenshot of a local file takes ~2 s on this machine's 2 cores.
SCREENSHOT_TIMEOUT_S = 90


def screenshot(page: Path, out: Path, *, width: int = 1600, height: int = 1200) -> Path:
    """A PNG of ``page`` (a local file) as headless Chromium renders it."""
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory(prefix="medcloud-chromium-") as profile:
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={width},{height}",
             f"--screenshot={out}", page.resolve().as_uri()],
            check=True, capture_output=True, timeout=SCREENSHOT_TIMEOUT_S,
        )
    return out


def ink(png: Path, *, background: tuple[int, int, int] = (255, 255, 255)) -> tuple[float, int]:
    """(share of pixels that are not ``background``, number of distinct colours) of a PNG."""
    from PIL import Image

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        pixels = [rgb.getpixel((x, y)) for y in range(0, rgb.height, 2) for x in range(0, rgb.width, 2)]
    drawn = sum(1 for p in pixels if p != background)
    return drawn / len(pixels), len(set(pixels))
