"""Where the SM4 data key comes from (R-SEC-03): environment, key file, or a key store.

Order: ``MEDCLOUD_SECRET_KEY`` (32 hex digits), else ``MEDCLOUD_SECRET_KEY_FILE``
(a file holding those digits, mode 0600), else a :class:`KeyStore`.  The key
store is the seam where production plugs in its hardware crypto module
(GM/T 0018 SDF, PKCS#11): install one with :func:`set_keystore` or name a
factory in ``MEDCLOUD_KEYSTORE=package.module:callable``.  The key never
appears in an error message; only its fingerprint (:func:`key_id`) does.
"""

from __future__ import annotations

import importlib
import json
import os
import stat
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from medcloud.crypto import sm3, sm4
from medcloud.errors import SecretError

ENV_KEY = "MEDCLOUD_SECRET_KEY"
ENV_KEY_FILE = "MEDCLOUD_SECRET_KEY_FILE"
ENV_KEYSTORE = "MEDCLOUD_KEYSTORE"

_NO_KEY = (
    f"no secret key: set {ENV_KEY} (32 hex digits) or {ENV_KEY_FILE} (path to a 0600 key file), "
    f"or configure a key store ({ENV_KEYSTORE}=module:factory); "
    "`medcloud secret keygen` makes a key file"
)


@runtime_checkable
class KeyStore(Protocol):
    """What a hardware crypto module offers medcloud: the current SM4 data key.

    ``load_key`` returns the 16-byte key (unwrapped inside the module) or
    raises :class:`~medcloud.errors.SecretError` with a reason; ``name``
    identifies the store in errors and audit records.
    """

    name: str

    def load_key(self) -> bytes: ...


#: The process-wide key store, if one was installed in code (a one-slot registry).
_installed: dict[str, KeyStore] = {}


def set_keystore(store: KeyStore | None) -> None:
    """Install (or with ``None`` remove) the process-wide key store."""
    if store is None:
        _installed.pop("store", None)
    else:
        _installed["store"] = store


def key_id(key: bytes) -> str:
    """A 16-hex-digit fingerprint of ``key``: safe to print, shows which key sealed a value."""
    return sm3.hexdigest(b"medcloud-key-id\0" + key)[:16]


def parse_key(text: str, source: str) -> bytes:
    """Hex text -> 16-byte key; the error names ``source`` but never echoes the text."""
    digits = "".join(text.split())
    try:
        key = bytes.fromhex(digits)
    except ValueError:
        raise SecretError(f"{source}: not a hex key ({sm4.KEY_SIZE * 2} hex digits expected)") from None
    if len(key) != sm4.KEY_SIZE:
        raise SecretError(
            f"{source}: key is {len(key) * 8} bits, SM4 needs {sm4.KEY_SIZE * 8} "
            f"({sm4.KEY_SIZE * 2} hex digits)"
        )
    return key


#: A key file holds one hex key and a newline; anything much larger is not one.
MAX_KEY_FILE_BYTES = 4096


def read_key_file(path: Path) -> bytes:
    """Read a key file, refusing one that group or others could read (as ssh does)."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):  # a FIFO would block the command, a device never end
            raise SecretError(f"{path}: key file is not a regular file")
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SecretError(
                f"{path}: key file is accessible by group/others (mode {stat.S_IMODE(mode):04o}); "
                f"run `chmod 600 {path}`"
            )
        with path.open("rb") as handle:
            raw = handle.read(MAX_KEY_FILE_BYTES + 1)
        if len(raw) > MAX_KEY_FILE_BYTES:
            raise SecretError(f"{path}: key file is larger than {MAX_KEY_FILE_BYTES} bytes: not a key file")
        text = raw.decode("ascii")
    except FileNotFoundError:
        raise SecretError(f"{path}: key file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a text key file"
        raise SecretError(f"{path}: cannot read key file: {reason}") from None
    return parse_key(text, str(path))


def _configured_keystore() -> KeyStore | None:
    if "store" in _installed:
        return _installed["store"]
    spec = os.environ.get(ENV_KEYSTORE, "").strip()
    if not spec:
        return None
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise SecretError(f"{ENV_KEYSTORE}: expected module:factory, got {spec!r}")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise SecretError(f"{ENV_KEYSTORE}: cannot load {spec!r}: {exc}") from None
    except Exception as exc:
        raise SecretError(f"{ENV_KEYSTORE}: importing {module_name!r} failed ({type(exc).__name__})") from None
    # The store is someone else's code (a crypto module's driver): whatever it raises is named,
    # not shown, since its message may hold anything (a PIN, a key handle).
    try:
        store = factory()
    except Exception as exc:
        raise SecretError(f"{ENV_KEYSTORE}: {spec!r} failed to open the key store ({type(exc).__name__})") from None
    if not isinstance(store, KeyStore):
        raise SecretError(f"{ENV_KEYSTORE}: {spec!r} did not return a KeyStore (name, load_key())")
    return store


def load_key() -> bytes:
    """The current SM4 data key; :class:`SecretError` when none is configured or it is malformed."""
    env = os.environ.get(ENV_KEY)
    if env:
        return parse_key(env, ENV_KEY)
    path = os.environ.get(ENV_KEY_FILE)
    if path:
        return read_key_file(Path(path).expanduser())
    store = _configured_keystore()
    if store is None:
        raise SecretError(_NO_KEY)
    try:
        key = store.load_key()
    except SecretError:
        raise
    except Exception as exc:
        raise SecretError(f"key store {store.name}: load_key() failed ({type(exc).__name__})") from None
    if not isinstance(key, bytes):
        raise SecretError(f"key store {store.name}: load_key() returned {type(key).__name__}, not bytes")
    if len(key) != sm4.KEY_SIZE:
        raise SecretError(f"key store {store.name}: returned a {len(key) * 8}-bit key, SM4 needs 128")
    return key


def new_key_hex() -> str:
    """A fresh random SM4 key as hex, the format of key files and ``MEDCLOUD_SECRET_KEY``."""
    return sm4.new_key().hex()


def key_activated(kid: str, audit_log: Path) -> datetime | None:
    """When key ``kid`` was generated or rotated to, per the key-change records of the audit trail.

    The trail doubles as the key-change log (R-SEC-03); ``medcloud audit verify``
    says whether it can be trusted.  ``None`` when no record names the key.
    """
    try:
        handle = audit_log.open("rb")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SecretError(f"{audit_log}: cannot read the key-change log: {exc.strerror}") from None
    found: datetime | None = None
    with handle:
        for raw in handle:
            try:
                record = json.loads(raw)
                detail = record.get("detail")
                if (record.get("category") != "key-change" or record.get("outcome") != "ok"
                        or not isinstance(detail, dict) or detail.get("dry_run")):
                    continue
                if kid in (detail.get("new_key_id"), detail.get("key_id")):
                    when = datetime.fromisoformat(str(record["time"]).replace("Z", "+00:00"))
                    found = when if found is None else min(found, when)
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # damaged lines are `audit verify`'s business, not a reason to fail here
    return found
