"""Signed acceptance evidence (R-SEC-01, R-SEC-05): SM3 digests and SM2 signatures on reports.

Report writers call :func:`sign_json` / :func:`sign_html` (or
:func:`write_json` / :func:`write_html`, which also write atomically);
``medcloud report verify`` calls :func:`verify_report`.  Without
``MEDCLOUD_SIGNING_KEY_FILE`` reports are marked ``unsigned`` (digest only).
"""

from __future__ import annotations

from medcloud.evidence.keys import (
    ENV_SIGNING_KEY_FILE,
    SigningKey,
    generate_signing_key,
    load_signing_key,
    public_key_id,
    read_public,
)
from medcloud.evidence.signing import dumps, sign_html, sign_json, write_html, write_json
from medcloud.evidence.verify import EvidenceError, ReportVerification, Status, verify_report

__all__ = [
    "ENV_SIGNING_KEY_FILE",
    "EvidenceError",
    "ReportVerification",
    "SigningKey",
    "Status",
    "dumps",
    "generate_signing_key",
    "load_signing_key",
    "public_key_id",
    "read_public",
    "sign_html",
    "sign_json",
    "verify_report",
    "write_html",
    "write_json",
]
