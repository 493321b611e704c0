"""SSH with pyinfra's SSH connector (paramiko underneath): run the fact commands on a server.

One connection per server runs every command of the capture in turn.  The
connector is blocking, so a bounded thread pool carries it; the event loop
waits with a deadline.  Keys never touch the disk: the opened private key is
parsed in memory by paramiko and handed to the connector through
``ssh_paramiko_connect_kwargs``.  Host keys: with ``known_hosts`` given the
key must match (strict); without, the first key seen is accepted for this
run only (a temporary known_hosts file), never written to ``~/.ssh``.

Error mapping: refused or unreachable or no answer → :class:`DeviceTimeout`
(for an acceptance run a server that does not answer SSH is "not there");
authentication refused → :class:`DeviceAuthError`; host key mismatch and
anything else → :class:`DeviceProtocolError`.  A command that exits
non-zero is *not* an error: it is returned in :class:`CommandResult`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import io
import shlex
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from medcloud.hardware.transports.base import (
    Command,
    CommandResult,
    SSHCapture,
    SSHTarget,
    Timeouts,
)

from medcloud import signals
from medcloud.errors import DeviceAuthError, DeviceError, DeviceProtocolError, DeviceTimeout


def _private_key(text: str) -> Any:
    import paramiko

    errors = []
    for kind in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return kind.from_private_key(io.StringIO(text))
        except (paramiko.SSHException, ValueError) as exc:
            errors.append(type(exc).__name__)
    raise DeviceAuthError("the SSH private key is not an unencrypted Ed25519, ECDSA or RSA key")


def _classify(where: str, exc: BaseException) -> DeviceError:
    if isinstance(exc, DeviceError):
        return exc
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    lowered = text.lower()
    if "authentication" in lowered:
        return DeviceAuthError(f"{where}: SSH authentication refused")
    if "host key" in lowered:
        return DeviceProtocolError(f"{where}: SSH host key does not match known_hosts")
    if any(w in lowered for w in ("could not connect", "timed out", "timeout", "refused", "unreachable",
                                   "no route", "eof error")):
        return DeviceTimeout(f"{where}: no SSH answer ({text})")
    return DeviceProtocolError(f"{where}: {text}")


def wrap(command: Command, username: str) -> str:
    """The shell line for ``command``: root runs it as is, others through ``sudo -n``."""
    if command.sudo and username != "root":
        return f"sudo -n sh -c {shlex.quote(command.command)}"
    return command.command


@functools.cache
def install_connector_cache() -> None:
    """Look pyinfra's connectors up once per process, not three times per server.

    pyinfra 3 finds its connectors through the ``pyinfra.connectors`` entry
    points, and ``Inventory()`` asks for them three times; each time
    ``importlib.metadata`` opens and parses the metadata of every installed
    distribution.  With one inventory per server that was the largest CPU
    cost of an acceptance run (a fifth of the 200-BMC benchmark's samples,
    under the GIL that the IPMI threads need).  Entry points cannot change
    within a process: the inventory module gets the first answer each time
    (a fresh dict, so a caller that mutates it changes nothing).
    """
    from pyinfra.api import connectors
    from pyinfra.api import inventory as pyinfra_inventory

    found: dict[str, Any] = connectors.get_all_connectors()  # type: ignore[no-untyped-call]
    execution = {name: module for name, module in found.items() if module.handles_execution}
    pyinfra_inventory.get_all_connectors = lambda: dict(found)  # type: ignore[attr-defined]
    pyinfra_inventory.get_execution_connectors = lambda: dict(execution)  # type: ignore[attr-defined]


def _run_blocking(target: SSHTarget, commands: Sequence[Command], timeouts: Timeouts) -> SSHCapture:
    from pyinfra.api.config import Config
    from pyinfra.api.exceptions import PyinfraError
    from pyinfra.api.inventory import Inventory
    from pyinfra.api.state import State

    install_connector_cache()
    # pyinfra's constructors are untyped; hold them as Any for strict mypy.
    make_inventory: Any = Inventory
    make_config: Any = Config

    where = f"{target.host}:{target.port}"
    # In a worker thread: under the process's scratch folder, which an interrupted command removes.
    with tempfile.TemporaryDirectory(prefix="medcloud-ssh-", dir=signals.scratch_dir()) as scratch:
        known_hosts = Path(scratch) / "known_hosts"
        known_hosts.write_text((target.known_hosts or "") + "\n", encoding="utf-8")
        data: dict[str, Any] = {
            "ssh_hostname": target.host,
            "ssh_port": target.port,
            "ssh_user": target.username,
            "ssh_known_hosts_file": str(known_hosts),
            "ssh_strict_host_key_checking": "yes" if target.known_hosts else "accept-new",
            "ssh_connect_retries": 0,
            "ssh_allow_agent": False,
            "ssh_look_for_keys": False,
        }
        connect_kwargs: dict[str, Any] = {"banner_timeout": timeouts.connect, "auth_timeout": timeouts.connect}
        if target.private_key is not None:
            connect_kwargs["pkey"] = _private_key(target.private_key.reveal())
        if target.password is not None:
            data["ssh_password"] = target.password.reveal()
        data["ssh_paramiko_connect_kwargs"] = connect_kwargs
        inventory = make_inventory(([(f"@ssh/{target.host}", data)], {}))
        state = State(inventory, make_config(CONNECT_TIMEOUT=max(1, round(timeouts.connect)), PARALLEL=1))
        host = inventory.get_host(f"@ssh/{target.host}")
        try:
            host.connect(show_errors=False, raise_exceptions=True)
        except PyinfraError as exc:
            raise _classify(where, exc) from None
        except Exception as exc:  # paramiko/socket errors that pyinfra does not wrap
            raise _classify(where, exc) from None
        try:
            client: Any = getattr(host.connector, "client", None)
            if client is None:
                raise DeviceProtocolError(f"{where}: pyinfra connected without an SSH client")
            return SSHCapture({
                command.name: _exec(client, wrap(command, target.username), where, command.name, timeouts)
                for command in commands
            })
        finally:
            host.disconnect()
            leftover = getattr(host.connector, "client", None)
            if leftover is not None:
                leftover.close()
            del state


#: Output a fact command may print before we call the server broken (lscpu -J is ~5 KiB).
MAX_OUTPUT = 16 * 1024 * 1024


def _exec(client: Any, line: str, where: str, name: str, timeouts: Timeouts) -> CommandResult:
    """Run one command on the connection pyinfra opened; keeps the real exit status.

    pyinfra's ``run_shell_command`` reduces the exit status to success/failure,
    while fact parsers need it (127 "not installed" differs from 1 "no device").
    """
    try:
        stdin, stdout, stderr = client.exec_command(line, timeout=timeouts.operation)
        stdin.close()
        out = stdout.read(MAX_OUTPUT + 1)
        err = stderr.read(MAX_OUTPUT + 1)
        if len(out) > MAX_OUTPUT or len(err) > MAX_OUTPUT:
            raise DeviceProtocolError(f"{where}: {name} printed more than {MAX_OUTPUT} bytes")
        channel = stdout.channel
        if not channel.status_event.wait(timeouts.operation):
            raise DeviceTimeout(f"{where}: {name} did not exit within {timeouts.operation:g} s")
        code = channel.recv_exit_status()
    except TimeoutError:
        raise DeviceTimeout(f"{where}: {name} did not finish within {timeouts.operation:g} s") from None
    except DeviceError:
        raise
    except Exception as exc:  # paramiko.SSHException, EOFError: the connection broke
        raise _classify(where, exc) from None
    return CommandResult(out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), code)


class PyinfraSSH:
    """:class:`~medcloud.hardware.transports.base.SSHTransport` on pyinfra's SSH connector."""

    def __init__(self, workers: int = 32) -> None:
        if not 1 <= workers <= 256:
            raise ValueError("workers must be between 1 and 256")
        self._workers = workers
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> concurrent.futures.ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(
                    max_workers=self._workers, thread_name_prefix="medcloud-ssh")
            return self._pool

    async def run(self, target: SSHTarget, commands: Sequence[Command], timeouts: Timeouts) -> SSHCapture:
        where = f"{target.host}:{target.port}"
        future = asyncio.get_running_loop().run_in_executor(
            self._executor(), _run_blocking, target, commands, timeouts)
        budget = timeouts.connect + timeouts.operation * max(1, len(commands))
        try:
            return await asyncio.wait_for(future, timeout=budget)
        except TimeoutError:
            raise DeviceTimeout(f"{where}: SSH capture not finished within {budget:g} s") from None

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


#: The class ``real_transports`` instantiates.
Transport = PyinfraSSH
