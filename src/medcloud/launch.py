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
    import sys

    try:
        signals.arm()
        from medcloud.cli import main

        code = main()
    except KeyboardInterrupt:
        code = signals.exit_code()
        print("medcloud: interrupted", file=sys.stderr)
    if signals.received() is None:
        sys.exit(code)
    # Interrupted: every finally block has run; do not wait for library threads that never return.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(signals.exit_code())
