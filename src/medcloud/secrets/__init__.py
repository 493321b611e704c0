"""Secrets sealed with SM4-GCM (R-SEC-01..03): BMC passwords, SNMPv3 keys, cloud credentials.

Inventories and stack files hold only sealed values (:data:`SealedSecret`);
code calls :func:`unseal` at the moment of use and passes the
:class:`Secret` on, which prints as ``********`` everywhere except
:meth:`Secret.reveal`.  Keys come from :func:`load_key` (env, key file or a
:class:`KeyStore` such as a hardware crypto module).  ``medcloud secret``
encrypts, decrypts, generates keys and rotates whole trees.
"""

from __future__ import annotations

from medcloud.secrets.keys import KeyStore, key_id, load_key, new_key_hex, set_keystore
from medcloud.secrets.sealing import (
    MASK,
    SEALED_PATTERN,
    SealedSecret,
    Secret,
    is_sealed,
    seal,
    sealed_key_id,
    unseal,
)

__all__ = [
    "MASK",
    "SEALED_PATTERN",
    "KeyStore",
    "SealedSecret",
    "Secret",
    "is_sealed",
    "key_id",
    "load_key",
    "new_key_hex",
    "seal",
    "sealed_key_id",
    "set_keystore",
    "unseal",
]
