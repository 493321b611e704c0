"""-q / default / -v / -vv: medcloud's own loggers follow the flag; third-party libraries (paramiko, pyinfra…)
stay silent unless -vv, and log lines are one line without a traceback below -vv."""

from __future__ import annotations

import logging

import pytest

from medcloud.logsetup import configure


@pytest.fixture(autouse=True)
def _restore() -> object:
    yield
    configure(0)


@pytest.mark.parametrize(("verbosity", "ours", "theirs"), [
    (-1, logging.ERROR, logging.CRITICAL), (0, logging.WARNING, logging.CRITICAL),
    (1, logging.INFO, logging.CRITICAL), (2, logging.DEBUG, logging.INFO),
])
def test_levels_per_flag(verbosity: int, ours: int, theirs: int) -> None:
    configure(verbosity)
    assert logging.getLogger("medcloud").getEffectiveLevel() == ours
    assert logging.getLogger("paramiko.transport").getEffectiveLevel() == theirs
    assert logging.getLogger("pyinfra").getEffectiveLevel() == theirs


def test_a_library_traceback_stays_off_the_terminal_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    configure(0)
    try:
        raise OSError("No route to host")
    except OSError:
        logging.getLogger("paramiko.transport").exception("Exception (client): Error reading SSH protocol banner")
        logging.getLogger("medcloud.verify").warning("ssh to 10.0.0.9:22\nrefused", exc_info=True)
    err = capsys.readouterr().err
    assert "paramiko" not in err and "Traceback" not in err
    assert err.strip() == "medcloud.verify: WARNING: ssh to 10.0.0.9:22 refused"


def test_very_verbose_shows_libraries_and_tracebacks(capsys: pytest.CaptureFixture[str]) -> None:
    configure(2)
    try:
        raise OSError("No route to host")
    except OSError:
        logging.getLogger("paramiko.transport").error("banner", exc_info=True)
    err = capsys.readouterr().err
    assert "paramiko.transport: ERROR: banner" in err and "Traceback" in err
