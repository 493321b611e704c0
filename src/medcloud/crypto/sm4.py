"""SM4 (GB/T 32907-2016) in GCM mode (NIST SP 800-38D, as RFC 8998 uses it for SM4).

``cryptography`` exposes SM4-GCM when its OpenSSL has SM4 (the wheels do);
that path runs in C.  Where it is missing, GCM is built here from gmssl's SM4
block function: CTR keystream from ``inc32`` counters and GHASH over GF(2^128)
with the SP 800-38D bit order.  Both paths are checked against the RFC 8998
appendix vector in the unit tests, so they are interchangeable byte for byte.
"""

from __future__ import annotations

import hmac
import os

from cryptography.exceptions import InvalidTag as _CryptoInvalidTag
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from gmssl import sm4 as _gm_sm4

from medcloud.errors import InvalidTag as InvalidTag  # noqa: PLC0414 -- re-export; defined in medcloud.errors

KEY_SIZE = 16
BLOCK_SIZE = 16
#: 96-bit nonces take GCM's direct J0 path; random ones are safe for far more than 2^32 seals per key.
NONCE_SIZE = 12
TAG_SIZE = 16


def _check(key: bytes, nonce: bytes) -> None:
    if len(key) != KEY_SIZE:
        raise ValueError(f"SM4 key must be {KEY_SIZE} bytes, got {len(key)}")
    if len(nonce) != NONCE_SIZE:
        raise ValueError(f"SM4-GCM nonce must be {NONCE_SIZE} bytes, got {len(nonce)}")


def _openssl_has_sm4_gcm() -> bool:
    try:
        enc = Cipher(algorithms.SM4(bytes(KEY_SIZE)), modes.GCM(bytes(NONCE_SIZE))).encryptor()
        enc.finalize()
    except UnsupportedAlgorithm:
        return False
    return True


# ---------------------------------------------------------------- pure-Python GCM over gmssl SM4

_R = 0xE1 << 120


def _gf_mult(x: int, y: int) -> int:
    """Multiply in GF(2^128) with GCM's reflected bit order (SP 800-38D algorithm 1)."""
    z = 0
    v = y
    for i in range(127, -1, -1):
        if (x >> i) & 1:
            z ^= v
        v = (v >> 1) ^ _R if v & 1 else v >> 1
    return z


class _GmsslGcm:
    def __init__(self, key: bytes) -> None:
        self._sm4 = _gm_sm4.CryptSM4()
        self._sm4.set_key(key, _gm_sm4.SM4_ENCRYPT)
        self._h = int.from_bytes(self._block(bytes(BLOCK_SIZE)), "big")

    def _block(self, block: bytes) -> bytes:
        return bytes(self._sm4.one_round(self._sm4.sk, list(block)))

    def _ctr(self, j0: bytes, data: bytes) -> bytes:
        prefix, counter = j0[:12], int.from_bytes(j0[12:], "big")
        out = bytearray()
        for offset in range(0, len(data), BLOCK_SIZE):
            counter = (counter + 1) & 0xFFFFFFFF
            stream = self._block(prefix + counter.to_bytes(4, "big"))
            chunk = data[offset : offset + BLOCK_SIZE]
            out += bytes(a ^ b for a, b in zip(chunk, stream, strict=False))
        return bytes(out)

    def _ghash(self, aad: bytes, ciphertext: bytes) -> int:
        y = 0
        for data in (aad, ciphertext):
            for offset in range(0, len(data), BLOCK_SIZE):
                block = data[offset : offset + BLOCK_SIZE].ljust(BLOCK_SIZE, b"\0")
                y = _gf_mult(y ^ int.from_bytes(block, "big"), self._h)
        lengths = ((len(aad) * 8) << 64) | (len(ciphertext) * 8)
        return _gf_mult(y ^ lengths, self._h)

    def _tag(self, j0: bytes, aad: bytes, ciphertext: bytes) -> bytes:
        s = self._ghash(aad, ciphertext)
        return (s ^ int.from_bytes(self._block(j0), "big")).to_bytes(BLOCK_SIZE, "big")

    def encrypt(self, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        j0 = nonce + b"\0\0\0\1"
        ciphertext = self._ctr(j0, plaintext)
        return ciphertext + self._tag(j0, aad, ciphertext)

    def decrypt(self, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        if len(data) < TAG_SIZE:
            raise InvalidTag("ciphertext shorter than the tag")
        ciphertext, tag = data[:-TAG_SIZE], data[-TAG_SIZE:]
        j0 = nonce + b"\0\0\0\1"
        if not hmac.compare_digest(self._tag(j0, aad, ciphertext), tag):
            raise InvalidTag("SM4-GCM tag mismatch")
        return self._ctr(j0, ciphertext)


def gmssl_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """SM4-GCM on gmssl's pure-Python block function: ciphertext followed by the 16-byte tag."""
    _check(key, nonce)
    return _GmsslGcm(key).encrypt(nonce, plaintext, aad)


def gmssl_decrypt(key: bytes, nonce: bytes, data: bytes, aad: bytes = b"") -> bytes:
    """Inverse of :func:`gmssl_encrypt`; :class:`InvalidTag` when anything was altered."""
    _check(key, nonce)
    return _GmsslGcm(key).decrypt(nonce, data, aad)


# ---------------------------------------------------------------- OpenSSL path

_OPENSSL = _openssl_has_sm4_gcm()
BACKEND = "openssl" if _OPENSSL else "gmssl"


def encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """SM4-GCM encryption: ciphertext followed by the 16-byte tag."""
    _check(key, nonce)
    if not _OPENSSL:
        return _GmsslGcm(key).encrypt(nonce, plaintext, aad)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad)
    ciphertext = enc.update(plaintext) + enc.finalize()
    return ciphertext + enc.tag


def decrypt(key: bytes, nonce: bytes, data: bytes, aad: bytes = b"") -> bytes:
    """SM4-GCM decryption of ciphertext+tag; :class:`InvalidTag` when anything was altered."""
    _check(key, nonce)
    if not _OPENSSL:
        return _GmsslGcm(key).decrypt(nonce, data, aad)
    if len(data) < TAG_SIZE:
        raise InvalidTag("ciphertext shorter than the tag")
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, data[-TAG_SIZE:])).decryptor()
    dec.authenticate_additional_data(aad)
    try:
        return dec.update(data[:-TAG_SIZE]) + dec.finalize()
    except _CryptoInvalidTag:
        raise InvalidTag("SM4-GCM tag mismatch") from None


def new_key() -> bytes:
    """A fresh random 128-bit SM4 key."""
    return os.urandom(KEY_SIZE)


def new_nonce() -> bytes:
    return os.urandom(NONCE_SIZE)


def ecb_encryptor(key: bytes) -> Cipher[modes.ECB]:
    """Raw SM4 block encryption, for the GB/T 32907 known-answer tests only."""
    return Cipher(algorithms.SM4(key), modes.ECB())
