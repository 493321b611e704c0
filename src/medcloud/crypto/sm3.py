"""SM3 (GB/T 32905-2016): OpenSSL through ``hashlib`` when it has SM3, else gmssl.

``hashlib.new("sm3")`` exists only when the linked OpenSSL ships the SM suite
(OpenSSL >= 1.1.1 without ``no-sm3``); distributions differ, so the choice is
made once at import and recorded in :data:`BACKEND`.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from gmssl import func as _gm_func
from gmssl import sm3 as _gm_sm3

DIGEST_SIZE = 32


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...


def _openssl_has_sm3() -> bool:
    try:
        # The known answer guards against a provider that names SM3 but computes something else.
        return hashlib.new("sm3", b"abc").hexdigest().startswith("66c7f0f4")
    except ValueError:
        return False


class _GmsslHasher:
    """gmssl's SM3 is one-shot over a list of ints; buffer updates until ``digest``."""

    def __init__(self, data: bytes = b"") -> None:
        self._parts: list[bytes] = [data] if data else []

    def update(self, data: bytes, /) -> None:
        self._parts.append(bytes(data))

    def digest(self) -> bytes:
        return bytes.fromhex(self.hexdigest())

    def hexdigest(self) -> str:
        return str(_gm_sm3.sm3_hash(_gm_func.bytes_to_list(b"".join(self._parts))))


_OPENSSL = _openssl_has_sm3()
BACKEND = "openssl" if _OPENSSL else "gmssl"


def new(data: bytes = b"") -> Hasher:
    """An incremental SM3 hasher."""
    if _OPENSSL:
        return hashlib.new("sm3", data)
    return _GmsslHasher(data)


def digest(data: bytes) -> bytes:
    """SM3 of ``data`` (32 bytes)."""
    return new(data).digest()


def hexdigest(data: bytes) -> str:
    """SM3 of ``data`` as 64 lower-case hex digits."""
    return new(data).hexdigest()


def gmssl_hexdigest(data: bytes) -> str:
    """gmssl's pure-Python SM3, whatever the live backend (for cross-checks and benchmarks)."""
    return _GmsslHasher(data).hexdigest()
