"""Sign acceptance reports: an evidence block with an SM3 digest and an SM2 signature.

JSON: the SM3 digest covers the *canonical* JSON of the document without its
``evidence`` key (sorted keys, compact separators, UTF-8); the SM2 signature
covers the evidence block itself (digest included) minus the signature.  Write
signed documents with :func:`dumps` / :func:`write_json`: the file is then the
canonical pretty form, so verification can also insist the bytes are exactly
that and catch reordered lines that would not change the parsed data.

HTML: the digest covers every byte before a trailing
``<!-- medcloud-evidence {...} -->`` comment; the signature again covers the block.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from medcloud.crypto import sm3
from medcloud.evidence.keys import ENV_SIGNING_KEY_FILE, SigningKey, load_signing_key
from medcloud.yamlio import write_atomic

EVIDENCE_KEY = "evidence"
FORMAT = "medcloud-evidence/1"
HTML_MARKER = "\n<!-- medcloud-evidence "
HTML_END = " -->\n"
JSON_CANONICALIZATION = "JSON, keys sorted, separators ',' ':', UTF-8, no NaN"
HTML_CANONICALIZATION = "UTF-8 bytes before the evidence comment"
#: OIDs of GM/T 0006: SM3 1.2.156.10197.1.401, SM2-with-SM3 1.2.156.10197.1.501.
DIGEST_ALGORITHM = "SM3 (1.2.156.10197.1.401)"
SIGNATURE_ALGORITHM = "SM2-with-SM3 (1.2.156.10197.1.501)"
UNSIGNED_REASON = f"no signing key configured ({ENV_SIGNING_KEY_FILE} is not set)"

_DEFAULT: Any = object()


def canonical_json(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def dumps(document: dict[str, Any]) -> str:
    """The on-disk layout of a signed JSON report (sorted keys, two-space indent, final newline)."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _block(message: bytes, canonicalization: str, key: SigningKey | None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "format": FORMAT,
        "canonicalization": canonicalization,
        "digest_algorithm": DIGEST_ALGORITHM,
        "digest": sm3.hexdigest(message),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    if key is None:
        block.update(status="unsigned", reason=UNSIGNED_REASON)
        return block
    block.update(
        status="signed",
        signature_algorithm=SIGNATURE_ALGORITHM,
        signer_public_key=key.public,
        signer_id=key.user_id.decode("utf-8"),
        signer_key_id=key.key_id,
    )
    block["signature"] = key.sign(signed_part(block)).hex()
    return block


def signed_part(block: dict[str, Any]) -> bytes:
    """What the SM2 signature covers: the whole evidence block but the signature.

    The block carries the content's SM3 digest, so this binds the content and
    also the signer, the algorithm names and the time to the signature.
    """
    return canonical_json({k: v for k, v in block.items() if k != "signature"})


def sign_json(document: dict[str, Any], key: SigningKey | None = _DEFAULT) -> dict[str, Any]:
    """A copy of ``document`` with an ``evidence`` block (an existing one is replaced).

    ``key`` defaults to the configured signing key; with none configured the
    block has ``status: unsigned`` and the SM3 digest only.
    """
    signer = load_signing_key() if key is _DEFAULT else key
    # A JSON round trip turns tuples, int keys and the like into what a reader will see.
    body = json.loads(json.dumps({k: v for k, v in document.items() if k != EVIDENCE_KEY}, allow_nan=False))
    body[EVIDENCE_KEY] = _block(canonical_json(body), JSON_CANONICALIZATION, signer)
    return dict(body)


def sign_html(html: str, key: SigningKey | None = _DEFAULT) -> str:
    """``html`` followed by an evidence comment over its UTF-8 bytes."""
    signer = load_signing_key() if key is _DEFAULT else key
    block = _block(html.encode("utf-8"), HTML_CANONICALIZATION, signer)
    return html + HTML_MARKER + json.dumps(block, sort_keys=True, separators=(",", ":")) + HTML_END


def write_json(path: Path, document: dict[str, Any], key: SigningKey | None = _DEFAULT) -> dict[str, Any]:
    """Sign ``document`` and write it atomically in the canonical layout; returns the signed document."""
    signed = sign_json(document, key)
    write_atomic(path, dumps(signed))
    return signed


def write_html(path: Path, html: str, key: SigningKey | None = _DEFAULT) -> None:
    write_atomic(path, sign_html(html, key))
