"""The sealed-value format and the in-memory :class:`Secret` (R-SEC-01, R-SEC-02).

A sealed value is one line of text that YAML keeps as a plain scalar::

    sm4gcm:v1:<key-id>:<base64 nonce>:<base64 ciphertext+tag>

The header ``sm4gcm:v1:<key-id>`` is the GCM associated data, so a value
cannot be relabelled to another key or version without failing the tag.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from typing import Annotated, Any, Final

from pydantic import AfterValidator, PlainSerializer, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError

from medcloud.crypto import sm4
from medcloud.errors import SecretError
from medcloud.secrets.keys import key_id, load_key

PREFIX: Final = "sm4gcm"
VERSION: Final = "v1"
MASK: Final = "********"

_B64 = r"[A-Za-z0-9+/]+={0,2}"
#: A sealed value anywhere in a text (rotation rewrites these in place).
SEALED_PATTERN: Final = re.compile(rf"{PREFIX}:{VERSION}:(?P<kid>[0-9a-f]{{16}}):(?P<nonce>{_B64}):(?P<data>{_B64})")
_PLAIN_HINT = "plain-text secret; seal it with `medcloud secret encrypt`"


class Secret:
    """A decrypted value that only :meth:`reveal` gives out; every other rendering is a mask."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The plain text, for the one call that needs it (a BMC login, an SNMP session)."""
        return self._value

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __format__(self, spec: str) -> str:
        return format(MASK, spec)

    def __eq__(self, other: object) -> bool:
        # Constant time: comparing secrets must not leak how long their common prefix is.
        return isinstance(other, Secret) and hmac.compare_digest(other._value.encode(), self._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> Any:
        # Pickles end up in caches and crash dumps; a Secret must not travel that way.
        raise TypeError("Secret values cannot be pickled")


def is_sealed(value: str) -> bool:
    return SEALED_PATTERN.fullmatch(value) is not None


def _where(where: str | None) -> str:
    return f"{where}: " if where else ""


def seal(plaintext: str, key: bytes | None = None) -> str:
    """Encrypt ``plaintext`` under ``key`` (default :func:`load_key`) into a sealed value."""
    key = load_key() if key is None else key
    header = f"{PREFIX}:{VERSION}:{key_id(key)}"
    nonce = sm4.new_nonce()
    data = sm4.encrypt(key, nonce, plaintext.encode("utf-8"), header.encode("ascii"))
    return f"{header}:{base64.b64encode(nonce).decode()}:{base64.b64encode(data).decode()}"


def sealed_key_id(sealed: str, *, where: str | None = None) -> str:
    """The key fingerprint a sealed value names; :class:`SecretError` if it is not sealed."""
    match = SEALED_PATTERN.fullmatch(sealed.strip())
    if match is None:
        raise SecretError(f"{_where(where)}not a sealed secret (expected {PREFIX}:{VERSION}:<key-id>:…)")
    return match["kid"]


def unseal(sealed: str, key: bytes | None = None, *, where: str | None = None) -> Secret:
    """Decrypt a sealed value into a :class:`Secret`.

    ``where`` (``file:line field``) prefixes every error.  Errors say which key
    was expected and which was loaded, by fingerprint only.
    """
    match = SEALED_PATTERN.fullmatch(sealed.strip())
    if match is None:
        raise SecretError(f"{_where(where)}not a sealed secret (expected {PREFIX}:{VERSION}:<key-id>:…)")
    key = load_key() if key is None else key
    loaded = key_id(key)
    if match["kid"] != loaded:
        raise SecretError(
            f"{_where(where)}sealed with key {match['kid']}, but the loaded key is {loaded} "
            "(wrong MEDCLOUD_SECRET_KEY / key file?)"
        )
    try:
        nonce = base64.b64decode(match["nonce"], validate=True)
        data = base64.b64decode(match["data"], validate=True)
        header = f"{PREFIX}:{VERSION}:{match['kid']}".encode("ascii")
        plain = sm4.decrypt(key, nonce, data, header)
        return Secret(plain.decode("utf-8"))
    except (binascii.Error, ValueError, sm4.InvalidTag, UnicodeDecodeError):
        raise SecretError(f"{_where(where)}sealed secret is damaged (SM4-GCM authentication failed)") from None


_HIDDEN = "<plain text withheld>"


def _require_sealed(value: str) -> str:
    if not is_sealed(value.strip()):
        raise PydanticCustomError("plain_text_secret", _PLAIN_HINT)
    return value.strip()


def _withhold_plain_text(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # pydantic records the failing input in its errors (str(), .errors(), .json()); handing the
    # inner validators a placeholder keeps a plain-text secret out of every error rendering.
    if isinstance(value, str) and is_sealed(value.strip()):
        return handler(value)
    return handler(_HIDDEN)


#: A pydantic field type that accepts only sealed values; plain text (or a number, a list…) is a
#: validation error that never contains the rejected value.
SealedSecret = Annotated[
    str,
    AfterValidator(_require_sealed),
    WrapValidator(_withhold_plain_text),
    PlainSerializer(lambda v: v, return_type=str),
]
