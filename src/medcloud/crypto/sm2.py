"""SM2 digital signatures (GB/T 32918.2-2016) with the signer ID digest Z_A (GM/T 0009-2012).

The signed value is ``e = SM3(Z_A || M)`` where
``Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A)``.  gmssl's
own ``sign_with_sm3`` hard-codes the ID and hashes with its slow SM3, so Z_A
and e are computed here (fast SM3, any ID, any curve) and only the elliptic-curve
step — pure Python, the one part OpenSSL's Python bindings do not expose for SM2 —
goes to gmssl.  Public keys are checked to lie on the curve before any verify.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from gmssl import sm2 as _gm_sm2

from medcloud.crypto import sm3
from medcloud.errors import KeyFormatError as KeyFormatError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.model.standards import SM2_DEFAULT_USER_ID

BACKEND = "gmssl"
SIGNATURE_SIZE = 64


@dataclass(frozen=True)
class Curve:
    """Short Weierstrass curve y^2 = x^3 + ax + b over F_p with base point G of order n."""

    p: int
    a: int
    b: int
    gx: int
    gy: int
    n: int

    @property
    def size(self) -> int:
        return (self.p.bit_length() + 7) // 8

    def table(self) -> dict[str, str]:
        width = self.size * 2
        return {
            "n": f"{self.n:0{width}x}",
            "p": f"{self.p:0{width}x}",
            "g": f"{self.gx:0{width}x}{self.gy:0{width}x}",
            "a": f"{self.a:0{width}x}",
            "b": f"{self.b:0{width}x}",
        }

    def on_curve(self, x: int, y: int) -> bool:
        if not (0 <= x < self.p and 0 <= y < self.p):
            return False
        return (y * y - (x * x * x + self.a * x + self.b)) % self.p == 0


#: The recommended 256-bit curve of GB/T 32918.5-2017.
SM2_P256 = Curve(
    p=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF,
    a=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC,
    b=0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93,
    gx=0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
    gy=0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0,
    n=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123,
)


def _engine(curve: Curve, private_hex: str = "", public_hex: str = "") -> Any:
    engine = _gm_sm2.CryptSM2(private_key=private_hex, public_key="", ecc_table=curve.table())
    # Assigned after construction: gmssl lstrip()s "04" off the key, which also eats
    # leading 0/4 digits of x_A and corrupts one key in a few dozen.
    engine.public_key = public_hex
    return engine


def parse_public(public: str, curve: Curve = SM2_P256) -> tuple[int, int]:
    """``04 || x || y`` in hex (uncompressed point) -> (x, y), checked to lie on ``curve``."""
    width = curve.size * 2
    text = public.strip().lower()
    if len(text) != 2 + 2 * width or not text.startswith("04"):
        raise KeyFormatError(f"SM2 public key must be 04||x||y, {2 + 2 * width} hex digits")
    try:
        x, y = int(text[2 : 2 + width], 16), int(text[2 + width :], 16)
    except ValueError:
        raise KeyFormatError("SM2 public key is not hex") from None
    if not curve.on_curve(x, y):
        raise KeyFormatError("SM2 public key is not a point on the curve")
    return x, y


def parse_private(private: str, curve: Curve = SM2_P256) -> int:
    try:
        d = int(private.strip(), 16)
    except ValueError:
        raise KeyFormatError("SM2 private key is not hex") from None
    # GB/T 32918.1 6.1: d in [1, n-2] (d = n-1 makes (1+d) non-invertible).
    if not 1 <= d <= curve.n - 2:
        raise KeyFormatError("SM2 private key out of range [1, n-2]")
    return d


def public_from_private(private: str, curve: Curve = SM2_P256) -> str:
    d = parse_private(private, curve)
    point: str = _engine(curve)._kg(d, curve.table()["g"])
    return "04" + point


def generate_keypair(curve: Curve = SM2_P256) -> tuple[str, str]:
    """A fresh key pair as (private hex, public ``04||x||y`` hex)."""
    d = secrets.randbelow(curve.n - 2) + 1
    private = f"{d:0{curve.size * 2}x}"
    return private, public_from_private(private, curve)


def za(public: str, uid: bytes = SM2_DEFAULT_USER_ID, curve: Curve = SM2_P256) -> bytes:
    """Z_A: the SM3 digest binding the signer's ID and public key to the curve."""
    if len(uid) * 8 > 0xFFFF:
        raise KeyFormatError("SM2 user ID longer than 8191 bytes")
    x, y = parse_public(public, curve)
    size = curve.size
    data = (len(uid) * 8).to_bytes(2, "big") + uid + b"".join(
        v.to_bytes(size, "big") for v in (curve.a, curve.b, curve.gx, curve.gy, x, y)
    )
    return sm3.digest(data)


def message_digest(public: str, message: bytes, uid: bytes = SM2_DEFAULT_USER_ID,
                   curve: Curve = SM2_P256) -> bytes:
    """e = SM3(Z_A || M), the value the signature covers."""
    return sm3.digest(za(public, uid, curve) + message)


def sign(private: str, message: bytes, *, uid: bytes = SM2_DEFAULT_USER_ID,
         curve: Curve = SM2_P256, k: int | None = None) -> bytes:
    """Sign ``message``; returns r || s (64 bytes).  ``k`` is only for known-answer tests."""
    d = parse_private(private, curve)
    public = public_from_private(private, curve)
    e = message_digest(public, message, uid, curve)
    engine = _engine(curve, f"{d:0{curve.size * 2}x}", public[2:])
    # A random k yields r = 0 or r + k = n with probability ~2^-255; retry a bounded number of times.
    for _ in range(8):
        nonce = k if k is not None else secrets.randbelow(curve.n - 1) + 1
        result = engine.sign(e, f"{nonce:064x}")
        if result is not None:
            return bytes.fromhex(result)
        if k is not None:
            break
    raise KeyFormatError("SM2 signing failed for this nonce")


def verify(public: str, message: bytes, signature: bytes, *, uid: bytes = SM2_DEFAULT_USER_ID,
           curve: Curve = SM2_P256) -> bool:
    """True when ``signature`` (r || s) is ``public``'s SM2 signature over ``message``."""
    if len(signature) != 2 * curve.size:
        return False
    r = int.from_bytes(signature[: curve.size], "big")
    s = int.from_bytes(signature[curve.size :], "big")
    if not (1 <= r < curve.n and 1 <= s < curve.n):
        return False
    try:
        e = message_digest(public, message, uid, curve)
    except KeyFormatError:
        return False
    engine = _engine(curve, "", public[2:].lower())
    try:
        return bool(engine.verify(signature.hex(), e))
    except (TypeError, ValueError):
        # gmssl returns None points for the point at infinity and then fails to slice them.
        return False
