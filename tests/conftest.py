"""Suite-wide fixtures: every test runs against this checkout with a private audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medcloud import signals

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Commands append to the audit trail (R-SEC-05); tests must never touch the user's log.
    monkeypatch.setenv("MEDCLOUD_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    monkeypatch.setenv("MEDCLOUD_HOME", str(ROOT))


@pytest.fixture(autouse=True)
def _no_signal_carried_over() -> Iterator[None]:
    # medcloud.signals remembers the first SIGINT/SIGTERM of a process; each test is a new command.
    signals.reset()
    yield
    signals.reset()


@pytest.fixture
def root() -> Path:
    """The repository root (Pulumi.yaml, stacks/, inventories/)."""
    return ROOT
