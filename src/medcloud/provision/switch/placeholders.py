"""Secret placeholders in rendered switch configurations.

Rendered files never hold a secret, not even a device-encrypted one: a
Huawei ``%^%#…%^%#`` or Comware ``$c$3$…`` value is reversible by anyone with
the device's (shared, published) obfuscation key.  Instead each secret is a
marker naming the inventory credential and field, e.g.
``<<medcloud-secret:snmp-ro/auth_key>>``.  At push time :func:`resolve`
unseals the credential and substitutes the plain value into the session that
sends the configuration; the device then stores it in its own cipher form.
Anything that still contains a marker must never be sent to a device
(:func:`unresolved`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from medcloud.errors import UnresolvedSecretError as UnresolvedSecretError  # noqa: PLC0414 -- re-export; defined in medcloud.errors

_MARKER = re.compile(r"<<medcloud-secret:([A-Za-z0-9_.-]+)/([a-z_]+)>>")


def marker(credential: str, field: str) -> str:
    return f"<<medcloud-secret:{credential}/{field}>>"


def unresolved(text: str) -> list[tuple[str, str]]:
    """The (credential, field) pairs still marked in ``text``."""
    return [(m.group(1), m.group(2)) for m in _MARKER.finditer(text)]


def is_marker(token: str) -> bool:
    return _MARKER.fullmatch(token) is not None


def resolve(text: str, lookup: Callable[[str, str], str]) -> str:
    """Replace every marker with ``lookup(credential, field)``; the result is for the device session only."""

    def sub(match: re.Match[str]) -> str:
        try:
            return lookup(match.group(1), match.group(2))
        except KeyError:
            raise UnresolvedSecretError(
                f"secret {match.group(1)}/{match.group(2)}: no such credential field in the inventory"
            ) from None

    return _MARKER.sub(sub, text)
