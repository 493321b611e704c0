"""pyghmi's I/O thread must never block in a read: a sender may have set the shared socket blocking.

Real UDP sockets on loopback; a read that blocked would hang the test, so it runs in a
thread bounded by ``join``.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from medcloud.hardware.transports import ipmi
from pyghmi.ipmi.private import session as ipmi_session


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    try:
        yield receiver, sender
    finally:
        receiver.close()
        sender.close()


def _read_in_thread(sock: socket.socket) -> tuple[threading.Thread, list[object]]:
    got: list[object] = []
    thread = threading.Thread(target=lambda: got.append(ipmi_session._io_recvfrom(sock, 3000)), daemon=True)
    thread.start()
    return thread, got


def test_a_read_on_a_socket_a_sender_left_blocking_returns_at_once(pair: tuple[socket.socket, socket.socket]) -> None:
    assert ipmi.install_receive_fix() and ipmi.install_receive_fix()
    receiver, _ = pair
    receiver.setblocking(True)  # what pyghmi's _io_sendto does to the shared socket before sending
    thread, got = _read_in_thread(receiver)
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert got == [None]  # "nothing queued", as pyghmi's own reader says it


def test_a_queued_datagram_is_read(pair: tuple[socket.socket, socket.socket]) -> None:
    assert ipmi.install_receive_fix()
    receiver, sender = pair
    receiver.setblocking(True)
    sender.sendto(b"\x06\x00\xff\x07", receiver.getsockname())
    thread, got = _read_in_thread(receiver)
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(got) == 1 and isinstance(got[0], tuple)
    data, address = got[0]
    assert data == b"\x06\x00\xff\x07" and address[1] == sender.getsockname()[1]
