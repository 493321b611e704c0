"""SSH with pyinfra's SSH connector (paramiko underneath): run the fact commands on a server.

One connection per server runs every command of the capture in turn.  The
connector is blocking, so a bounded thread pool carries it; the event loop
waits with a deadline.  The TCP connection is opened first, on the event loop,
and pyinfra's connector runs the SSH session over it (paramiko's ``sock``): a
server that does not answer costs a ``connect``, not a thread, a pyinfra
inventory and state.  Keys never
touch the disk: the opened private key is parsed in memory by paramiko and
handed to the connector through ``ssh_paramiko_connect_kwargs``.  Host keys:
with ``known_hosts`` given the key must match (strict); without, the first key
seen is accepted for this run only (a temporary known_hosts file in the
process's scratch folder), never written to ``~/.ssh``.

Error mapping: refused or unreachable or no answer → :class:`DeviceTimeout`
(for an acceptance run a server that does not answer SSH is "not there");
authentication refused → :class:`DeviceAuthError`; host key mismatch and
anything else → :class:`DeviceProtocolError`.  A command that exits
non-zero is *not* an error: it is returned in :class:`CommandResult`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import errno
import functools
import io
import itertools
import os
import shlex
import socket
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


async def _addresses(target: SSHTarget) -> list[tuple[Any, ...]]:
    """The addresses to try: an address literal at once, a name through the loop's resolver."""
    where = f"{target.host}:{target.port}"
    try:
        return socket.getaddrinfo(target.host, target.port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0,
                                  socket.AI_NUMERICHOST)
    except socket.gaierror:
        pass  # a name, not an address
    try:
        return await asyncio.get_running_loop().getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:  # pyinfra's wording for the same failure
        raise _classify(where, ConnectionError(f"Could not resolve hostname ({exc})")) from None


async def open_socket(target: SSHTarget, timeout: float) -> socket.socket:
    """The TCP connection to the server's SSH port, on the event loop, before any pyinfra object.

    A server that is off or has no SSH answers here at the cost of a ``connect``: no worker
    thread, no pyinfra inventory, state or known_hosts file, and no import of pyinfra and
    paramiko when no server answers (the benchmark lab's 200 BMC-only servers).  paramiko's
    own loop, kept: every address of the name is tried, each within ``timeout``; refused and
    unreachable move on to the next, anything else (a timeout, a resolution error) ends it.
    The socket comes back blocking, as paramiko uses it.
    """
    where = f"{target.host}:{target.port}"
    loop = asyncio.get_running_loop()
    refused: list[str] = []
    for family, kind, proto, _, address in await _addresses(target):
        sock = socket.socket(family, kind, proto)
        try:
            sock.setblocking(False)
            await asyncio.wait_for(loop.sock_connect(sock, address), timeout)
        except TimeoutError:
            sock.close()
            raise _classify(where, ConnectionError("Could not connect (timed out)")) from None
        except OSError as exc:
            sock.close()
            if exc.errno not in (errno.ECONNREFUSED, errno.EHOSTUNREACH):
                raise _classify(where, ConnectionError(f"Could not connect ({exc})")) from None
            refused.append(f"{address[0]}: {os.strerror(exc.errno)}")
            continue
        except BaseException:
            sock.close()
            raise
        sock.setblocking(True)
        return sock
    detail = "; ".join(refused) or "no address"
    raise _classify(where, ConnectionError(f"Could not connect ({detail})"))


#: Makes each temporary known_hosts path unique in the process: pyinfra memoizes a file's
#: host keys by its path, so a path must never come back with another server's key.
_known_hosts_serial = itertools.count()


def _known_hosts_file(target: SSHTarget) -> Path:
    """The target's pinned key (or nothing: accept-new) in a file of this process's scratch folder.

    One file, not a folder per server; the scratch folder goes on every way out, an
    interrupted command included, so nothing is left behind.
    """
    path = Path(signals.scratch_dir()) / f"ssh-known-hosts-{next(_known_hosts_serial)}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write((target.known_hosts or "") + "\n")
    return path


def _run_blocking(target: SSHTarget, sock: socket.socket, commands: Sequence[Command],
                  timeouts: Timeouts) -> SSHCapture:
    """In a worker thread: the SSH session over the connected ``sock``, which it closes."""
    try:
        known_hosts = _known_hosts_file(target)
        try:
            return _capture(target, sock, known_hosts, commands, timeouts)
        finally:
            known_hosts.unlink(missing_ok=True)
    finally:
        sock.close()


def _capture(target: SSHTarget, sock: socket.socket, known_hosts: Path, commands: Sequence[Command],
             timeouts: Timeouts) -> SSHCapture:
    """pyinfra's SSH connector over the connected ``sock``: host key, authentication, the commands."""
    from pyinfra.api.config import Config
    from pyinfra.api.exceptions import PyinfraError
    from pyinfra.api.inventory import Inventory
    from pyinfra.api.state import State

    install_connector_cache()
    # pyinfra's constructors are untyped; hold them as Any for strict mypy.
    make_inventory: Any = Inventory
    make_config: Any = Config

    where = f"{target.host}:{target.port}"
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
    # paramiko runs the SSH session over the socket already connected (``sock``).
    connect_kwargs: dict[str, Any] = {"sock": sock, "banner_timeout": timeouts.connect,
                                      "auth_timeout": timeouts.connect}
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
        sock = await open_socket(target, timeouts.connect)
        try:
            future = asyncio.get_running_loop().run_in_executor(
                self._executor(), _run_blocking, target, sock, commands, timeouts)
        except BaseException:
            sock.close()
            raise
        budget = timeouts.connect + timeouts.operation * max(1, len(commands))
        try:
            return await asyncio.wait_for(future, timeout=budget)
        except TimeoutError:
            raise DeviceTimeout(f"{where}: SSH capture not finished within {budget:g} s") from None
        finally:
            if future.cancelled():
                # Given up (timeout, device timeout, Ctrl-C): a capture that never started would
                # leave the socket open, and one still running ends at its next read.
                sock.close()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


#: The class ``real_transports`` instantiates.
Transport = PyinfraSSH
