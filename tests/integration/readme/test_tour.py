"""The README's tour runs as written on a fresh checkout (issue: README steps that failed on a fresh clone).

The tour is every fenced ``sh`` block from "## A short tour" on: the short tour
itself, then the ones further down (switch configurations against saved running
ones, rotating the reference inventories' keys).  Each line runs verbatim in
bash, in a fresh ``git clone`` of this repository, one after the other, in one
shell (so ``lab up`` serves the ``verify`` after it, and an ``export`` holds for
the lines below it).  A line's comment may
state its expected exit code as ``(exit N…)``; otherwise it must exit 0.
The clone uses this checkout's ``.venv`` (the README's set-up made it), so
nothing is installed twice.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
#: Generous: the tour previews the dev stack three times and starts the lab on 2 shared cores.
LINE_TIMEOUT_S = 600

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def tour_lines(readme: str) -> list[tuple[str, int]]:
    """(command, expected exit code) for each line of the tour's blocks, in README order."""
    section = readme.split("## A short tour", 1)[1]
    blocks = re.findall(r"^```sh\n(.*?)^```", section, re.S | re.M)
    assert blocks, "the README's tour has no ```sh block"
    lines = []
    for raw in "".join(blocks).splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        command, _, comment = raw.partition(" # ")
        expected = re.search(r"\(exit (\d+)", comment)
        lines.append((command.strip(), int(expected.group(1)) if expected else 0))
    return lines


def test_the_tour_block_is_found_and_states_its_exit_codes() -> None:
    lines = tour_lines((ROOT / "README.md").read_text(encoding="utf-8"))
    assert lines and any(command.startswith("medcloud ") for command, _ in lines)


@pytest.mark.skipif(os.geteuid() != 0, reason="the tour's `medcloud lab up` starts SSH targets in netns (root)")
@pytest.mark.skipif(shutil.which("git") is None, reason="git missing")
def test_every_tour_line_runs_as_written_on_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "medcloud"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDCLOUD_", "VIRTUAL_ENV"))}
    env["NO_COLOR"] = "1"
    env["MEDCLOUD_AUDIT_LOG"] = str(tmp_path / "audit.jsonl")
    lines = tour_lines((clone / "README.md").read_text(encoding="utf-8"))
    # One bash for the whole tour (the activate line must carry over); each line reports its exit code.
    script = "\n".join(f"{command}\necho \"__tour_exit__ $?\"" for command, _ in lines)
    try:
        done = subprocess.run(["bash", "-c", script], check=False, cwd=clone, env=env, capture_output=True, text=True,
                              timeout=LINE_TIMEOUT_S * len(lines))
    finally:
        subprocess.run(["bash", "-c", ". .venv/bin/activate && medcloud lab down"], check=False, cwd=clone, env=env,
                       capture_output=True, timeout=120)
    codes = [int(c) for c in re.findall(r"^__tour_exit__ (\d+)$", done.stdout, re.M)]
    assert len(codes) == len(lines), done.stdout[-2000:] + done.stderr[-2000:]
    for (command, expected), code in zip(lines, codes, strict=True):
        assert code == expected, f"{command!r} exited {code}, the README says {expected}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr
