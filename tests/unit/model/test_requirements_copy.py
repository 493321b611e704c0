"""docs/REQUIREMENTS.md travels with every clone; it must stay the digest the project implements."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
COPY = ROOT / "docs" / "REQUIREMENTS.md"
SHARED = ROOT.parent / "shared" / "REQUIREMENTS.md"


def test_the_copy_lists_the_64_requirement_ids() -> None:
    ids = set(re.findall(r"\*\*(R-[A-Z]+-\d{2})\*\*", COPY.read_text(encoding="utf-8")))
    assert len(ids) == 64, sorted(ids)


@pytest.mark.skipif(not SHARED.is_file(), reason="no ../shared beside this clone")
def test_the_copy_matches_the_shared_digest() -> None:
    assert COPY.read_bytes() == SHARED.read_bytes(), "refresh docs/REQUIREMENTS.md from ../shared/REQUIREMENTS.md"
