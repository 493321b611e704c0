"""Start-up cost of every command: building the parser imports each command's module, so none of
them may load a third-party package at import time (heavy imports go in the handler, CONTRIBUTING).
``medcloud verify`` of 200 BMCs paid ~0.1 s for rich, which three command modules imported to
draw tables they only draw in their own handlers (issue 15)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def test_building_the_parser_loads_nothing_but_the_standard_library_and_medcloud() -> None:
    probe = (
        "import json, sys\n"
        "import medcloud.launch\n"
        "from medcloud.cli import build_parser\n"
        "build_parser()\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules if not m.startswith('_')}"
        " - set(sys.stdlib_module_names))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(done.stdout) == ["medcloud"]


def test_verify_loads_no_progress_bar_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe or a file on stderr: rich would disable the bar, so it is not even built."""
    import io

    from medcloud.cli import verify

    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    context, done = verify._progress(3)
    assert done is None
    with context:
        pass
    assert not verify.may_be_terminal(sys.stderr)


@pytest.mark.parametrize(("name", "value"), [("FORCE_COLOR", "1"), ("TTY_COMPATIBLE", "1")])
def test_verify_leaves_a_forced_terminal_to_rich(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    import io

    from rich.progress import Progress

    from medcloud.cli import verify

    monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    context, done = verify._progress(3)
    assert isinstance(context, Progress) and done is not None
