"""The SM2 evidence-signing key: a YAML file whose private half is an SM4-sealed secret.

``MEDCLOUD_SIGNING_KEY_FILE`` names the file; unsealing needs the data key
(:func:`medcloud.secrets.load_key`), so the signing key is never on disk in
plain text (R-SEC-03) and rotates with ``medcloud secret rotate`` like any
other sealed value.  No variable set means *unsigned* evidence, an explicit
state; a variable pointing at a broken file is an error, never silently unsigned.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from medcloud.crypto import sm2, sm3
from medcloud.errors import SecretError, SourceError
from medcloud.model.standards import SM2_DEFAULT_USER_ID
from medcloud.secrets import SealedSecret, Secret, seal, unseal
from medcloud.yamlio import load_document, validate, write_atomic

ENV_SIGNING_KEY_FILE = "MEDCLOUD_SIGNING_KEY_FILE"


class SigningKeyFile(BaseModel):
    """The on-disk form: algorithm, signer ID, public key in clear, private key sealed."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    algorithm: str = "SM2"
    user_id: str = SM2_DEFAULT_USER_ID.decode()
    public_key: str
    private_key: SealedSecret

    @field_validator("algorithm")
    @classmethod
    def _sm2_only(cls, value: str) -> str:
        if value != "SM2":
            raise ValueError("only SM2 signing keys are supported (R-SEC-01)")
        return value

    @field_validator("public_key")
    @classmethod
    def _on_curve(cls, value: str) -> str:
        try:
            sm2.parse_public(value)
        except sm2.KeyFormatError as exc:
            raise ValueError(str(exc)) from None
        return value.lower()


def public_key_id(public_key: str) -> str:
    """16 hex digits identifying a signer; printed in reports and verification output."""
    return sm3.hexdigest(bytes.fromhex(public_key))[:16]


@dataclass(frozen=True)
class SigningKey:
    private: Secret
    public: str
    user_id: bytes

    @property
    def key_id(self) -> str:
        return public_key_id(self.public)

    def sign(self, message: bytes) -> bytes:
        return sm2.sign(self.private.reveal(), message, uid=self.user_id)


def read_public(path: Path) -> SigningKeyFile:
    """Parse a signing key file without unsealing it (enough to pin its public key)."""
    return validate(SigningKeyFile, load_document(path))


def load_signing_key(path: Path | None = None, data_key: bytes | None = None) -> SigningKey | None:
    """The configured signing key, or ``None`` when none is configured (evidence stays unsigned)."""
    if path is None:
        configured = os.environ.get(ENV_SIGNING_KEY_FILE, "").strip()
        if not configured:
            return None
        path = Path(configured).expanduser()
    document = load_document(path)
    spec = validate(SigningKeyFile, document)
    line = document.position(("private_key",))
    where = f"{path}:{line[0]}: private_key" if line else f"{path}: private_key"
    private = unseal(spec.private_key, data_key, where=where)
    try:
        matches = sm2.public_from_private(private.reveal()) == spec.public_key
    except sm2.KeyFormatError as exc:
        raise SecretError(f"{where}: {exc}") from None
    if not matches:
        raise SourceError(path, "public key does not belong to the sealed private key", field="public_key")
    return SigningKey(private, spec.public_key, spec.user_id.encode("utf-8"))


def generate_signing_key(path: Path, data_key: bytes | None = None,
                         user_id: str = SM2_DEFAULT_USER_ID.decode()) -> str:
    """Create a new SM2 key pair, write it to ``path`` (mode 0600, private half sealed); returns the public key."""
    if path.exists():
        raise SourceError(path, "file exists; refusing to overwrite a signing key")
    private, public = sm2.generate_keypair()
    sealed = seal(private, data_key)
    text = (
        "# medcloud evidence signing key (SM2, R-SEC-01). The private key is sealed with SM4-GCM;\n"
        "# it opens only with the data key (MEDCLOUD_SECRET_KEY / MEDCLOUD_SECRET_KEY_FILE).\n"
        "algorithm: SM2\n"
        f'user_id: "{user_id}"\n'
        f"public_key: {public}\n"
        f"private_key: {sealed}\n"
    )
    try:
        write_atomic(path, text, exclusive=True)
    except FileExistsError:
        raise SourceError(path, "file exists; refusing to overwrite a signing key") from None
    return public
