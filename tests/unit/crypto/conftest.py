"""Fixtures for the crypto, secrets, audit and evidence tests: throwaway keys, never real ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medcloud.secrets import new_key_hex, set_keystore

#: A value that must never show up in any output, log, report or exception.
PLAINTEXT = "Pl41n-T3xt-BMC-p@ss"


@pytest.fixture
def data_key(monkeypatch: pytest.MonkeyPatch) -> bytes:
    """A fresh SM4 data key, configured through MEDCLOUD_SECRET_KEY."""
    key_hex = new_key_hex()
    monkeypatch.setenv("MEDCLOUD_SECRET_KEY", key_hex)
    monkeypatch.delenv("MEDCLOUD_SECRET_KEY_FILE", raising=False)
    monkeypatch.delenv("MEDCLOUD_KEYSTORE", raising=False)
    monkeypatch.delenv("MEDCLOUD_SIGNING_KEY_FILE", raising=False)
    return bytes.fromhex(key_hex)


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MEDCLOUD_SECRET_KEY", "MEDCLOUD_SECRET_KEY_FILE", "MEDCLOUD_KEYSTORE",
                 "MEDCLOUD_SIGNING_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.key"
    path.write_text(new_key_hex() + "\n")
    path.chmod(0o600)
    return path


@pytest.fixture(autouse=True)
def _no_keystore() -> Iterator[None]:
    yield
    set_keystore(None)


def assert_no_plaintext(*texts: str | bytes) -> None:
    for text in texts:
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        assert PLAINTEXT.encode("utf-8") not in data
