"""Logging, configured once for the command line: ``-q``, default, ``-v``, ``-vv``.

medcloud's own loggers (``medcloud.*``) print at WARNING by default, ERROR
with ``-q``, INFO with ``-v`` and DEBUG with ``-vv``.  Third-party libraries
(paramiko, pyinfra, gevent, pysnmp, pyghmi, pulumi, urllib3…) stay at
CRITICAL unless ``-vv``: their tracebacks about an unreachable host or a
refused key are not for the operator — the command reports the root cause of
a failed connection in one line itself.  Records go to stderr, one line each,
never with a traceback below ``-vv``.
"""

from __future__ import annotations

import logging
import sys

#: Libraries whose loggers speak only at -vv.
THIRD_PARTY = ("paramiko", "pyinfra", "gevent", "pysnmp", "pyghmi", "pulumi", "urllib3", "asyncio",
               "keystoneauth", "openstack", "snmpsim", "jinja2")

LEVELS = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO, 2: logging.DEBUG}


class _OneLine(logging.Formatter):
    """``medcloud: warning: message`` on one line; a traceback only at -vv."""

    def __init__(self, tracebacks: bool) -> None:
        super().__init__("%(name)s: %(levelname)s: %(message)s")
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if not self.tracebacks:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        text = super().format(record)
        return text if self.tracebacks else " ".join(text.split())


def configure(verbosity: int) -> None:
    """Set levels and one stderr handler for ``verbosity`` (-1 quiet … 2 very verbose)."""
    verbosity = max(-1, min(2, verbosity))
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "medcloud", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.medcloud = True  # type: ignore[attr-defined]
    handler.setFormatter(_OneLine(tracebacks=verbosity >= 2))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbosity >= 2 else logging.WARNING)
    logging.getLogger("medcloud").setLevel(LEVELS[verbosity])
    for name in THIRD_PARTY:
        logging.getLogger(name).setLevel(logging.INFO if verbosity >= 2 else logging.CRITICAL)
