"""What the lab (``medcloud lab``) and the cloud (``medcloud cloud``) share about local peers:
a machine-wide lock while ports are chosen, free loopback ports, a log's last words.
"""

from __future__ import annotations

import contextlib
import fcntl
import socket
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def machine_lock(path: Path) -> Iterator[None]:
    """Serialise port (and link) allocation between runs on this machine."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def free_ports(count: int, kind: socket.SocketKind) -> list[int]:
    """``count`` distinct free ports on 127.0.0.1 (``SOCK_DGRAM`` or ``SOCK_STREAM``; held together, then released)."""
    held = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, kind)
            sock.bind(("127.0.0.1", 0))
            held.append(sock)
        return [s.getsockname()[1] for s in held]
    finally:
        for sock in held:
            sock.close()


def tail(path: Path, lines: int = 3, *, errors_first: bool = False) -> str:
    """The last ``lines`` lines of a log, joined by " | " (with ``errors_first``: of its ERROR lines, if any)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return "(no log)"
    if errors_first:
        text = [line for line in text if "ERROR" in line or "CRITICAL" in line or "Error" in line] or text
    return " | ".join(line.strip()[:300] if errors_first else line for line in text[-lines:]) or "(empty log)"
