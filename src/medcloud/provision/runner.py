"""Run the baseline deploy with pyinfra's API: a dry run that lists changes, or an apply.

A dry run connects and reads facts (read-only commands) but executes none of
the operations' commands; it lists, per host, each operation that would
change something and the commands it would run — what ``pyinfra --dry``
shows, as data.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from pyinfra.api.command import FileUploadCommand, FunctionCommand, PyinfraCommand, StringCommand
from pyinfra.api.config import Config
from pyinfra.api.connect import connect_all, disconnect_all
from pyinfra.api.exceptions import PyinfraError
from pyinfra.api.inventory import Inventory
from pyinfra.api.operations import run_ops
from pyinfra.api.state import State
from pyinfra.context import ctx_host, ctx_state
from pyinfra.facts.server import OsRelease

from medcloud.provision.deploy import HostDeploy, Step, add_baseline
from medcloud.provision.os.baseline import HostBaseline
from medcloud.provision.os.families import OsFamily, family_for_os_id

#: Seconds to wait for a host's SSH connection before reporting it unreachable.
CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True)
class Target:
    """A server to provision and how to reach it."""

    name: str
    #: pyinfra host name: an SSH address, or ``@chroot/<dir>`` for an image root.
    connect: str
    #: The baseline for the OS family the target turns out to run.
    plan: Callable[[OsFamily], HostBaseline]
    #: The OS family, when known in advance; otherwise read from ``/etc/os-release``.
    family: OsFamily | None = None
    #: False for targets that are not running systems (chroot): no service or kernel steps.
    runtime: bool = True
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    label: str
    commands: tuple[str, ...]
    #: For a runtime step: the step whose change triggers it.
    after: str | None = None


@dataclass
class HostResult:
    name: str
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "host": self.name,
            "changed": len(self.changes),
            "unchanged": self.unchanged,
            "error": self.error,
            "notes": list(self.notes),
            "changes": [
                {"step": c.label, "commands": list(c.commands), **({"after": c.after} if c.after else {})}
                for c in self.changes
            ],
        }


def describe(command: PyinfraCommand) -> str:
    """A command as an operator reads it; uploads name their destination and size."""
    if isinstance(command, FileUploadCommand):
        src = command.src
        size = ""
        if hasattr(src, "getvalue"):
            size = f" ({len(src.getvalue().encode('utf-8'))} bytes)"
        return f"upload {command.dest}{size}"
    if isinstance(command, StringCommand):
        # Masked: pyinfra hides MaskString parts (passwords) here.
        return command.get_masked_value()
    if isinstance(command, FunctionCommand):
        return f"python: {command.function.__name__}"
    return repr(command)


class _ErrorLog(logging.Handler):
    """pyinfra's error lines (``[host] Error: …``), kept to explain a host's failure in its result."""

    _ANSI = re.compile(r"\x1b\[[0-9;]*m")

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self._ANSI.sub("", record.getMessage()))

    def reason(self, host: str) -> str | None:
        mine = [line.split("] ", 1)[1] for line in self.lines if line.startswith(f"[{host}] ")]
        errors = [line for line in mine if line.startswith("Error")]
        picked = errors or mine
        return picked[-1] if picked else None


@contextmanager
def _quiet_pyinfra(errors: _ErrorLog) -> Iterator[None]:
    # pyinfra logs each fact and command at INFO; our report is the output.  Errors
    # still reach the terminal and are also kept for the host's result.
    log = logging.getLogger("pyinfra")
    previous = log.level
    log.setLevel(logging.WARNING)
    log.addHandler(errors)
    try:
        yield
    finally:
        log.removeHandler(errors)
        log.setLevel(previous)


@contextmanager
def _interrupts_not_printed_by_gevent() -> Iterator[None]:
    """Ctrl-C or SIGTERM while pyinfra works is one line, not a greenlet's traceback (issue 16).

    The signal policy (:mod:`medcloud.signals`) raises ``KeyboardInterrupt`` in whatever runs when
    the signal arrives, often one of pyinfra's greenlets (an SSH connect).  gevent's hub passes it
    on to the main greenlet, where the command unwinds and ends 130/143, but first prints it as an
    error with its traceback; as a "not an error" it is passed on without the print.
    """
    import gevent  # type: ignore[import-untyped]

    hub = gevent.get_hub()
    before = hub.NOT_ERROR
    hub.NOT_ERROR = (*before, KeyboardInterrupt)
    try:
        yield
    finally:
        hub.NOT_ERROR = before


def _inventory(targets: Sequence[Target]) -> Inventory:
    names = [(t.connect, dict(t.data)) for t in targets]
    return Inventory((names, {}))  # type: ignore[no-untyped-call]


def run(targets: Sequence[Target], *, dry_run: bool) -> list[HostResult]:
    """Plan (``dry_run``) or apply the baseline on every target; one result per target."""
    if not targets:
        return []
    by_connect = {t.connect: t for t in targets}
    errors = _ErrorLog()
    with _quiet_pyinfra(errors), _interrupts_not_printed_by_gevent():
        config = Config(CONNECT_TIMEOUT=CONNECT_TIMEOUT_S, FAIL_PERCENT=100)  # type: ignore[no-untyped-call]
        state = State(_inventory(targets), config)
        results = {t.name: HostResult(t.name) for t in targets}
        # connect_all raises when no host at all could be reached; each is reported below.
        with suppress(PyinfraError):
            connect_all(state)
        connected = list(state.inventory.get_active_hosts())
        for target in targets:
            if all(h.name != target.connect for h in connected):
                why = errors.reason(target.connect)
                results[target.name].error = f"unreachable ({target.connect})" + (f": {why}" if why else "")
        deploys: list[HostDeploy] = []
        for host in connected:
            target = by_connect[host.name]
            try:
                family = target.family or _detect_family(host)
                if family is None:
                    results[target.name].error = "unsupported OS: " + _os_id(host)
                    continue
                deploys.append(add_baseline(state, HostDeploy(host, target.plan(family), target.runtime)))
            except PyinfraError:
                pass  # pyinfra failed the host; reported just below
        active = {h.name for h in state.inventory.get_active_hosts()}
        for host in connected:
            result = results[by_connect[host.name].name]
            if host.name not in active and result.error is None:
                result.error = f"planning failed: {errors.reason(host.name) or 'see the log above'}"
        deploys = [d for d in deploys if d.host.name in active]
        for deploy in deploys:
            results[by_connect[deploy.host.name].name].notes.extend(deploy.notes)
        try:
            if dry_run:
                for deploy in deploys:
                    _plan(state, deploy, results[by_connect[deploy.host.name].name])
            else:
                # run_ops raises once every host has failed; failures are read per step below.
                with suppress(PyinfraError):
                    run_ops(state)
                still_active = {h.name for h in state.inventory.get_active_hosts()}
                for deploy in deploys:
                    result = results[by_connect[deploy.host.name].name]
                    _collect(deploy, result, errors.reason(deploy.host.name))
                    if deploy.host.name not in still_active and result.error is None:
                        result.error = f"failed: {errors.reason(deploy.host.name) or 'see the log above'}"
        finally:
            disconnect_all(state)
    return [results[t.name] for t in targets]


def _os_id(host: Any) -> str:
    release = host.get_fact(OsRelease) or {}
    return str(release.get("id") or "unknown (no /etc/os-release)")


def _detect_family(host: Any) -> OsFamily | None:
    return family_for_os_id(_os_id(host))


def _commands(state: State, deploy: HostDeploy, step: Step) -> tuple[str, ...]:
    data = state.get_op_data_for_host(deploy.host, step.meta._hash)
    with ctx_state.use(state), ctx_host.use(deploy.host):
        return tuple(describe(c) for c in data.command_generator())


def _plan(state: State, deploy: HostDeploy, result: HostResult) -> None:
    changing: set[str] = set()
    for step in deploy.steps:
        if step.after is not None:
            # Runtime steps are conditional; list them when their trigger will change.
            if step.after.label in changing:
                result.changes.append(Change(step.label, _commands(state, deploy, step), step.after.label))
            continue
        if step.meta.will_change:
            changing.add(step.label)
            result.changes.append(Change(step.label, _commands(state, deploy, step)))
        else:
            result.unchanged += 1


def _collect(deploy: HostDeploy, result: HostResult, reason: str | None) -> None:
    for step in deploy.steps:
        meta = step.meta
        if not meta.is_complete():
            continue
        if not meta.did_succeed(_raise_if_not_complete=False):
            # The command's own complaint says more than pyinfra's summary.
            why = next((line.strip() for line in reversed(meta.stderr_lines) if line.strip()), reason)
            result.error = result.error or f"{step.label}: failed" + (f": {why[:300]}" if why else "")
        elif meta.did_change():
            result.changes.append(Change(step.label, (), step.after.label if step.after else None))
        elif step.after is None:
            result.unchanged += 1
