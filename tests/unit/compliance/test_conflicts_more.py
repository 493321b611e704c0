"""Conflicts C5 and C6 (../shared/REQUIREMENTS.md): the note names the figure applied and why."""

from __future__ import annotations

from pathlib import Path

from medcloud.compliance import evaluate
from medcloud.stacks import load

ROOT = Path(__file__).resolve().parents[3]


def test_c6_reference_build_dark_fibre_against_013_wdm() -> None:
    """R-TOP-04 / C6: ref002's 2×10G dark fibre — 013's ≥ 2×100G WDM is applied (the region carries a waiver)."""
    loaded = load("ref002", ROOT)
    report = evaluate(loaded.region, None)
    notes = [f for f in report.findings if f.conflict == "C6"]
    assert notes and all(f.requirement == "R-TOP-04" for f in notes)
    assert all("013's figure is applied" in f.message for f in notes)
    assert report.status("R-TOP-04") in ("waived", "declared")


def test_c5_aes_for_a_structured_data_gateway() -> None:
    """R-SEC-01 / C5: a system encrypting with AES-256 — SM4 first applies, AES only under an interop exception."""
    loaded = load("dev", ROOT)
    data = loaded.region.model_dump(mode="json")
    data["systems"][3]["protection"]["algorithm"] = "aes256"
    region = type(loaded.region).model_validate(data)
    [note] = [f for f in evaluate(region, None).findings if f.conflict == "C5"]
    assert note.requirement == "R-SEC-01" and "'research'" in note.message and "interop exception" in note.message
