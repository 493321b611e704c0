"""The launcher's way out of a finished command (:func:`medcloud.signals.exit_now`): the interpreter's
finalisation is skipped, what a normal exit promises is kept (issue 15: 0.15-0.5 s after ``verify``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PRELUDE = "import atexit, sys, threading, time\nfrom medcloud import signals\n"


def _run(body: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PRELUDE + body], capture_output=True, text=True, timeout=60,
                          check=False, **kwargs)  # type: ignore[call-overload]


def test_exit_now_runs_atexit_handlers_flushes_and_keeps_the_code() -> None:
    done = _run("atexit.register(lambda: print('atexit ran'))\n"
                "sys.stdout.write('buffered ')\nsys.stderr.write('err')\n"
                "signals.exit_now(3)\nprint('never')\n")
    assert (done.returncode, done.stdout, done.stderr) == (3, "buffered atexit ran\n", "err")


def test_exit_now_waits_for_a_thread_that_is_still_working() -> None:
    done = _run("def work():\n    time.sleep(0.3)\n    print('thread finished')\n"
                "threading.Thread(target=work).start()\nsignals.exit_now(4)\n")
    assert (done.returncode, done.stdout) == (4, "thread finished\n")


def test_exit_now_does_not_wait_for_daemon_threads() -> None:
    done = _run("threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\nsignals.exit_now(0)\n")
    assert done.returncode == 0


@pytest.mark.parametrize("how", ["sys.exit(0)", "signals.exit_now(0)"])
def test_a_reader_gone_from_the_pipe_ends_as_a_normal_exit_does(how: str) -> None:
    """The buffered output cannot be written: both ways out report it alike (Python's 120)."""
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    process = subprocess.Popen([sys.executable, "-c", PRELUDE + "sys.stdin.read()\nprint('lost')\n" + how],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=buffered)
    assert process.stdout is not None and process.stdin is not None
    process.stdout.close()
    _, err = process.communicate(b"", timeout=60)
    assert process.returncode == 120
    assert b"BrokenPipeError" in err
