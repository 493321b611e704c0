"""Sealed secrets: format, masking, keys and their errors (R-SEC-01, R-SEC-02, R-SEC-03)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from medcloud.errors import InputError, SecretError
from medcloud.secrets import (
    MASK,
    KeyStore,
    SealedSecret,
    Secret,
    is_sealed,
    key_id,
    load_key,
    seal,
    sealed_key_id,
    set_keystore,
    unseal,
)

from .conftest import PLAINTEXT, assert_no_plaintext


class Bmc(BaseModel):
    password: SealedSecret


class Ssh(BaseModel):
    password: SealedSecret | None = None


def test_r_sec_02_seal_unseal_round_trip(data_key: bytes) -> None:
    sealed = seal(PLAINTEXT)
    assert sealed.startswith(f"sm4gcm:v1:{key_id(data_key)}:")
    assert is_sealed(sealed)
    assert_no_plaintext(sealed)
    assert unseal(sealed).reveal() == PLAINTEXT
    # Random nonces: sealing twice never gives the same text.
    assert seal(PLAINTEXT) != sealed
    assert sealed_key_id(sealed) == key_id(data_key)


def test_unicode_and_empty_values(data_key: bytes) -> None:
    for value in ("", "密码-Ω", "a" * 4096):
        assert unseal(seal(value, data_key), data_key).reveal() == value


def test_secret_never_renders_its_value() -> None:
    secret = Secret(PLAINTEXT)
    renders = [str(secret), repr(secret), f"{secret}", f"{secret!r}", f"{secret:>20}",
               "{}".format(secret), str([secret]), str({"pw": secret})]  # noqa: UP032
    assert_no_plaintext(*renders)
    assert MASK in str(secret)
    assert secret.reveal() == PLAINTEXT
    with pytest.raises(TypeError, match="pickled"):
        pickle.dumps(secret)


def test_sealed_secret_field_accepts_only_sealed_values(data_key: bytes) -> None:
    sealed = seal(PLAINTEXT)
    assert Bmc(password=sealed).password == sealed
    with pytest.raises(ValidationError) as info:
        Bmc(password=PLAINTEXT)
    message = str(info.value)
    assert "plain-text secret; seal it with `medcloud secret encrypt`" in message
    assert_no_plaintext(message, repr(info.value.errors()), info.value.json())
    with pytest.raises(ValidationError) as optional:
        Ssh(password=PLAINTEXT)
    assert_no_plaintext(str(optional.value), optional.value.json())
    assert Ssh().password is None
    # A YAML number is no safer: `password: 123456` must not be echoed either.
    with pytest.raises(ValidationError, match="plain-text secret") as number:
        Bmc.model_validate({"password": 918273645})
    assert "918273645" not in str(number.value) + number.value.json()


def test_r_sec_03_wrong_key_is_a_clear_error(data_key: bytes) -> None:
    sealed = seal(PLAINTEXT)
    other = bytes(16)
    with pytest.raises(SecretError, match=f"sealed with key {key_id(data_key)}, but the loaded key is") as info:
        unseal(sealed, other, where="inv.yaml:3 bmc.password")
    assert str(info.value).startswith("inv.yaml:3 bmc.password: ")
    assert isinstance(info.value, InputError)


@pytest.mark.parametrize("position", [30, -3])
def test_damaged_ciphertext_is_detected(data_key: bytes, position: int) -> None:
    sealed = seal(PLAINTEXT)
    char = "A" if sealed[position] != "A" else "B"
    damaged = sealed[:position] + char + sealed[position + 1:]
    with pytest.raises(SecretError, match=r"damaged|not a sealed secret|sealed with key"):
        unseal(damaged)


def test_relabelled_key_id_fails_the_tag(data_key: bytes) -> None:
    # The header is GCM associated data: changing the key id is tampering, not a key mix-up.
    other = bytes(16)
    sealed = seal(PLAINTEXT, other)
    relabelled = sealed.replace(key_id(other), key_id(data_key))
    with pytest.raises(SecretError, match="damaged"):
        unseal(relabelled)


def test_not_sealed_never_echoes_input(data_key: bytes) -> None:
    with pytest.raises(SecretError, match="not a sealed secret") as info:
        unseal(PLAINTEXT)
    assert_no_plaintext(str(info.value))


def test_missing_key_names_every_source(no_key: None) -> None:
    with pytest.raises(SecretError) as info:
        load_key()
    message = str(info.value)
    for name in ("MEDCLOUD_SECRET_KEY", "MEDCLOUD_SECRET_KEY_FILE", "MEDCLOUD_KEYSTORE", "keygen"):
        assert name in message


@pytest.mark.parametrize("value", ["zz" * 16, "00" * 15, "00" * 32])
def test_malformed_env_key_is_not_echoed(no_key: None, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("MEDCLOUD_SECRET_KEY", value)
    with pytest.raises(SecretError, match="MEDCLOUD_SECRET_KEY") as info:
        load_key()
    assert value not in str(info.value)


def test_key_file(no_key: None, monkeypatch: pytest.MonkeyPatch, key_file: Path) -> None:
    monkeypatch.setenv("MEDCLOUD_SECRET_KEY_FILE", str(key_file))
    assert load_key() == bytes.fromhex(key_file.read_text())
    key_file.chmod(0o644)
    with pytest.raises(SecretError, match="chmod 600"):
        load_key()
    monkeypatch.setenv("MEDCLOUD_SECRET_KEY_FILE", str(key_file.with_name("missing.key")))
    with pytest.raises(SecretError, match=r"missing\.key: key file not found"):
        load_key()


def test_env_key_wins_over_key_file(data_key: bytes, monkeypatch: pytest.MonkeyPatch, key_file: Path) -> None:
    monkeypatch.setenv("MEDCLOUD_SECRET_KEY_FILE", str(key_file))
    assert load_key() == data_key


class FakeHsm:
    """Stands in for a hardware crypto module (R-SEC-03): hands out a key it holds."""

    name = "fake-hsm"

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.calls = 0

    def load_key(self) -> bytes:
        self.calls += 1
        return self.key


def make_store() -> FakeHsm:
    return FakeHsm(bytes(range(16)))


def test_r_sec_03_keystore_plugin(no_key: None) -> None:
    hsm = FakeHsm(bytes(range(16)))
    assert isinstance(hsm, KeyStore)
    set_keystore(hsm)
    assert unseal(seal(PLAINTEXT)).reveal() == PLAINTEXT
    assert hsm.calls == 2
    set_keystore(FakeHsm(b"short"))
    with pytest.raises(SecretError, match="fake-hsm: returned a 40-bit key"):
        load_key()


def test_keystore_from_environment(no_key: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDCLOUD_KEYSTORE", f"{__name__}:make_store")
    assert load_key() == bytes(range(16))
    monkeypatch.setenv("MEDCLOUD_KEYSTORE", "no.such.module:factory")
    with pytest.raises(SecretError, match="MEDCLOUD_KEYSTORE: cannot load"):
        load_key()
    monkeypatch.setenv("MEDCLOUD_KEYSTORE", "nocolon")
    with pytest.raises(SecretError, match="module:factory"):
        load_key()
