"""The ``medcloud`` console script: the signal policy first, then everything else.

Nothing but the standard library and :mod:`medcloud.signals` is imported before
the policy is in force, so Ctrl-C or SIGTERM even while the command line is
being imported or parsed ends with 130/143 and one line, never a traceback.
"""

from __future__ import annotations

from medcloud import signals

signals.install()


def run() -> None:
    """Console-script entry point."""
    import contextlib
    import os
    import signal
    import sys

    try:
        signals.arm()
        from medcloud.cli import main

        code = main()
        # Settled: the audit record holds the outcome, even if a signal came while it was written.
        if signals.received() is None or signals.settled():
            signals.leaving(code)  # from here on a signal cannot change the outcome
            signals.remove_scratch()
            signals.exit_now(code)
    except SystemExit:
        raise
    except BaseException as exc:
        # Python may wrap the KeyboardInterrupt a signal raised (an import's class creation
        # turns it into "RuntimeError: Error calling __set_name__"): the signal decides.
        if signals.received() is None and not isinstance(exc, KeyboardInterrupt):
            raise
        print("medcloud: interrupted", file=sys.stderr)
    # Interrupted: every finally block has run; do not wait for library threads that never return
    # (what they were writing goes with the scratch folder).
    signal.pthread_sigmask(signal.SIG_BLOCK, signals.SIGNALS)
    signals.remove_scratch()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(signals.exit_code())

