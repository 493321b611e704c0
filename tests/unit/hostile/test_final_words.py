"""A command that does not unwind in time after a signal still leaves its audit record (issue 16, R-SEC-05).

The watchdog of :mod:`medcloud.signals` ends such a command after the grace period; before it does,
it says the command's final words — the ``interrupted`` record — unless the main thread said them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from medcloud import signals

# A command whose handler swallows the interrupt and never returns (a library stuck in a C call).
_STUCK_COMMAND = textwrap.dedent("""
    import argparse, os, signal, threading, time
    from medcloud import signals
    from medcloud.audit.command import run_audited

    signals.GRACE_SECONDS = 1.0
    signals.install(armed=True)

    def stuck(args):
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                time.sleep(0.05)
            except KeyboardInterrupt:
                pass  # swallowed, as a misbehaving library would
        return 0

    run_audited(argparse.Namespace(audit_action="preview", stack="dev"), stuck)
""")


def test_a_command_ended_by_the_watchdog_leaves_an_interrupted_record(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    env = {**os.environ, "MEDCLOUD_AUDIT_LOG": str(log)}
    done = subprocess.run([sys.executable, "-c", _STUCK_COMMAND], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert "Traceback" not in done.stderr
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(records) == 1, records
    assert records[0]["outcome"] == "interrupted" and records[0]["exit_code"] == 143, records[0]


def test_final_words_are_said_once_whoever_comes_first() -> None:
    said: list[str] = []
    words = signals.FinalWords(lambda: said.append("interrupted"))
    words.say(lambda: said.append("ok"))
    words.say_interrupted()
    words.say(lambda: said.append("again"))
    assert said == ["ok"]

    said.clear()
    late = signals.FinalWords(lambda: said.append("interrupted"))
    late.say_interrupted()
    late.say(lambda: said.append("ok"))
    assert said == ["interrupted"]


def test_the_watchdog_does_not_wait_forever_for_the_main_thread(monkeypatch: object) -> None:
    words = signals.FinalWords(lambda: None)
    words.WAIT_S = 0.1
    holding, release = threading.Event(), threading.Event()

    def main_thread_stuck_saying() -> None:
        holding.set()
        release.wait(5)

    worker = threading.Thread(target=words.say, args=(main_thread_stuck_saying,))
    worker.start()
    holding.wait(5)
    words.say_interrupted()  # returns after WAIT_S instead of blocking the process's end
    release.set()
    worker.join(5)
    assert not worker.is_alive()
