"""Check a signed report: layout, SM3 digest, SM2 signature and, optionally, a pinned signer."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from medcloud.crypto import sm2, sm3
from medcloud.errors import EvidenceError as EvidenceError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.evidence.keys import public_key_id
from medcloud.evidence.signing import (
    EVIDENCE_KEY,
    HTML_END,
    HTML_MARKER,
    canonical_json,
    dumps,
    signed_part,
)
from medcloud.yamlio import read_bytes


class Status(StrEnum):
    VALID = "valid"
    TAMPERED = "tampered"
    UNSIGNED = "unsigned"
    UNTRUSTED = "untrusted"


@dataclass
class ReportVerification:
    path: Path
    kind: str
    status: Status = Status.VALID
    reasons: list[str] = field(default_factory=list)
    signer_key_id: str | None = None

    @property
    def valid(self) -> bool:
        return self.status is Status.VALID

    def fail(self, status: Status, reason: str) -> None:
        # Tampering outranks every other finding.
        if self.status is not Status.TAMPERED:
            self.status = status
        self.reasons.append(reason)


def _check_block(result: ReportVerification, block: Any, message: bytes,
                 trusted: Collection[str] | None) -> None:
    if not isinstance(block, dict):
        result.fail(Status.TAMPERED, "evidence block is not an object")
        return
    digest = block.get("digest")
    if digest != sm3.hexdigest(message):
        result.fail(Status.TAMPERED, "SM3 digest does not match the content")
    status = block.get("status")
    if status == "unsigned":
        result.fail(Status.UNSIGNED, f"report is unsigned: {block.get('reason', 'no reason given')}")
        return
    if status != "signed":
        result.fail(Status.TAMPERED, f"unknown evidence status {status!r}")
        return
    public = str(block.get("signer_public_key", ""))
    try:
        sm2.parse_public(public)
        signature = bytes.fromhex(str(block.get("signature", "")))
    except (sm2.KeyFormatError, ValueError):
        result.fail(Status.TAMPERED, "signer public key or signature is malformed")
        return
    result.signer_key_id = public_key_id(public)
    uid = str(block.get("signer_id", "")).encode("utf-8")
    if not sm2.verify(public, signed_part(block), signature, uid=uid):
        result.fail(Status.TAMPERED, "SM2 signature does not verify")
    if trusted is not None and public.lower() not in {t.lower() for t in trusted}:
        result.fail(Status.UNTRUSTED, f"signer {result.signer_key_id} is not among the trusted keys")


def _verify_html(path: Path, data: bytes, trusted: Collection[str] | None) -> ReportVerification:
    result = ReportVerification(path, "html")
    marker = HTML_MARKER.encode()
    at = data.rfind(marker)
    body, tail = data[:at], data[at + len(marker):]
    end = tail.rfind(HTML_END.encode())
    if end < 0 or tail[end + len(HTML_END):].strip():
        result.fail(Status.TAMPERED, "evidence comment is damaged or followed by other content")
        return result
    try:
        block = json.loads(tail[:end].decode("utf-8"))  # strict: no lone surrogates
    except (ValueError, UnicodeDecodeError):
        result.fail(Status.TAMPERED, "evidence comment is not valid JSON")
        return result
    _check_block(result, block, body, trusted)
    return result


def _verify_json(path: Path, data: bytes, trusted: Collection[str] | None) -> ReportVerification:
    result = ReportVerification(path, "json")
    try:
        document = json.loads(data.decode("utf-8"))  # strict: no lone surrogates
    except (ValueError, UnicodeDecodeError):
        result.fail(Status.TAMPERED, "report is no longer valid JSON")
        return result
    if not isinstance(document, dict) or EVIDENCE_KEY not in document:
        result.fail(Status.TAMPERED, "evidence block removed")
        return result
    try:
        layout_ok = dumps(document).encode("utf-8") == data
    except ValueError:
        layout_ok = False
    if not layout_ok:
        result.fail(Status.TAMPERED, "file differs from its signed layout (lines edited, moved or reformatted)")
    block = document.pop(EVIDENCE_KEY)
    try:
        message = canonical_json(document)
    except ValueError:
        result.fail(Status.TAMPERED, "report holds values JSON cannot sign (NaN, Infinity)")
        return result
    _check_block(result, block, message, trusted)
    return result


def verify_report(path: Path, trusted: Collection[str] | None = None) -> ReportVerification:
    """Verify a signed JSON or HTML report.

    ``trusted``: public keys (``04||x||y`` hex) the signer must be one of;
    ``None`` accepts any key whose signature verifies and reports its id.
    """
    data = read_bytes(path)
    if HTML_MARKER.encode() in data:
        return _verify_html(path, data, trusted)
    head = data.lstrip()[:1]
    if head == b"{" or path.suffix.lower() == ".json":
        return _verify_json(path, data, trusted)
    if head == b"<" or path.suffix.lower() in (".html", ".htm"):
        # A report whose evidence comment was stripped or cut off is tampered evidence, not bad input.
        result = ReportVerification(path, "html")
        result.fail(Status.TAMPERED, "evidence comment removed or truncated")
        return result
    raise EvidenceError(f"{path}: not a medcloud report (neither a JSON object nor an HTML page)")
