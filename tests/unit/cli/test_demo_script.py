"""``scripts/demo`` writes no ANSI escape into a pipe or under NO_COLOR (issue 17); a terminal gets bold headings.

The medcloud commands the demo runs decide their colour themselves (medcloud.console, tested with each
command); what the script prints itself comes from its ``step`` heading function, the only place it
writes an escape.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[3] / "scripts" / "demo"


def _step_definition() -> str:
    text = DEMO.read_text(encoding="utf-8")
    block = re.search(r"^if \[\[ -t 1.*?^fi$", text, re.S | re.M)
    assert block, "scripts/demo defines its heading function under a terminal test"
    # No escape anywhere else in the script.
    assert "\\033" not in text.replace(block.group(0), "")
    return block.group(0)


def test_headings_in_a_pipe_are_plain_text() -> None:
    done = subprocess.run(["bash", "-c", f"{_step_definition()}\nstep 'medcloud validate dev'"],
                          capture_output=True, text=True, check=True, timeout=30, env={"PATH": "/usr/bin:/bin"})
    assert done.stdout == "\n== medcloud validate dev\n"


@pytest.mark.skipif(shutil.which("script") is None, reason="util-linux script (a pseudo-terminal) missing")
@pytest.mark.parametrize(("no_color", "bold"), [("", True), ("1", False)])
def test_headings_on_a_terminal_are_bold_unless_no_color(tmp_path: Path, no_color: str, bold: bool) -> None:
    body = tmp_path / "steps.sh"
    body.write_text(f"{_step_definition()}\nstep 'medcloud validate dev'\n", encoding="utf-8")
    done = subprocess.run(["script", "-qec", f"bash {body}", "/dev/null"], capture_output=True, text=True,
                          check=True, timeout=30, env={"PATH": "/usr/bin:/bin", "NO_COLOR": no_color, "TERM": "xterm"})
    assert ("\x1b[1m== medcloud validate dev\x1b[0m" in done.stdout) is bold
    assert ("\x1b" in done.stdout) is bold
