"""Signed acceptance reports: SM3 digest + SM2 signature, tamper detection (R-SEC-01, R-SEC-05)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from medcloud.errors import SecretError, SourceError
from medcloud.evidence import (
    EvidenceError,
    SigningKey,
    Status,
    generate_signing_key,
    load_signing_key,
    sign_html,
    sign_json,
    verify_report,
    write_html,
    write_json,
)

from .conftest import PLAINTEXT, assert_no_plaintext

REPORT = {
    "report": "hardware acceptance",
    "inventory": "inventories/lab.yaml",
    "results": [
        {"node": "n1", "check": "R-HW-02 cores", "status": "pass", "value": 64},
        {"node": "n1", "check": "R-HW-03 psu", "status": "fail", "value": 1},
        {"node": "n2", "check": "R-HW-02 cores", "status": "pass", "value": 32},
    ],
    "summary": {"pass": 2, "fail": 1},
}
HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>验收报告</title></head>
<body>
<h1>Hardware acceptance</h1>
<table>
<tr><td>n1</td><td>R-HW-02</td><td>pass</td></tr>
<tr><td>n1</td><td>R-HW-03</td><td>fail</td></tr>
</table>
</body></html>
"""


@pytest.fixture
def signing_key(tmp_path: Path, data_key: bytes, monkeypatch: pytest.MonkeyPatch) -> SigningKey:
    path = tmp_path / "signing.yaml"
    generate_signing_key(path, data_key)
    monkeypatch.setenv("MEDCLOUD_SIGNING_KEY_FILE", str(path))
    key = load_signing_key()
    assert key is not None
    return key


def change_byte(lines: list[str], i: int) -> None:
    lines[i] = lines[i][:-2] + ("X" if lines[i][-2] != "X" else "Y") + lines[i][-1]


def delete_line(lines: list[str], i: int) -> None:
    del lines[i]


def insert_line(lines: list[str], i: int) -> None:
    lines.insert(i, lines[i])


def swap_pair(lines: list[str], i: int) -> None:
    lines[i], lines[i + 1] = lines[i + 1], lines[i]


TAMPERS: dict[str, Callable[[list[str], int], None]] = {
    "changed byte": change_byte, "deleted line": delete_line,
    "inserted line": insert_line, "swapped pair": swap_pair,
}
#: Where to tamper: a line of the report's content, or a line of the evidence block itself.
WHERE = {"content": '"node": "n1"', "evidence": '"created_at"', "html": "<tr><td>n1"}


def tamper(path: Path, how: Callable[[list[str], int], None], marker: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if marker in line)
    before = list(lines)
    how(lines, at)
    assert lines != before
    path.write_text("\n".join(lines), encoding="utf-8")


def test_r_sec_01_signed_json_verifies(tmp_path: Path, signing_key: SigningKey) -> None:
    path = tmp_path / "report.json"
    signed = write_json(path, REPORT)
    block = signed["evidence"]
    assert block["status"] == "signed" and block["signer_key_id"] == signing_key.key_id
    assert block["digest_algorithm"].startswith("SM3") and block["signature_algorithm"].startswith("SM2")
    result = verify_report(path)
    assert result.valid and result.signer_key_id == signing_key.key_id
    assert verify_report(path, trusted=[signing_key.public]).valid


def test_sign_json_does_not_change_the_input(signing_key: SigningKey) -> None:
    original = json.loads(json.dumps(REPORT))
    signed = sign_json(REPORT)
    assert original == REPORT and "evidence" not in REPORT
    assert {k: v for k, v in signed.items() if k != "evidence"} == REPORT
    # Re-signing replaces the block instead of signing over it.
    assert verify_report_dict(sign_json(signed))


def verify_report_dict(document: dict[str, object]) -> bool:
    import tempfile

    from medcloud.evidence import dumps

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.json"
        path.write_text(dumps(document), encoding="utf-8")
        return verify_report(path).valid


@pytest.mark.parametrize("where", ["content", "evidence"])
@pytest.mark.parametrize("name", list(TAMPERS))
def test_r_sec_05_json_tampering_is_detected(
    tmp_path: Path, signing_key: SigningKey, name: str, where: str
) -> None:
    path = tmp_path / "report.json"
    write_json(path, REPORT)
    tamper(path, TAMPERS[name], WHERE[where])
    result = verify_report(path)
    assert result.status is Status.TAMPERED, result.reasons


@pytest.mark.parametrize("name", list(TAMPERS))
def test_r_sec_05_html_tampering_is_detected(tmp_path: Path, signing_key: SigningKey, name: str) -> None:
    path = tmp_path / "report.html"
    write_html(path, HTML)
    assert verify_report(path).valid
    tamper(path, TAMPERS[name], WHERE["html"])
    result = verify_report(path)
    assert result.status is Status.TAMPERED, result.reasons


def test_html_evidence_is_a_trailing_comment(signing_key: SigningKey) -> None:
    signed = sign_html(HTML)
    assert signed.startswith(HTML)
    assert signed.rstrip().endswith("-->")
    assert "<!-- medcloud-evidence " in signed[len(HTML):]


def test_content_appended_after_the_html_evidence(tmp_path: Path, signing_key: SigningKey) -> None:
    path = tmp_path / "report.html"
    write_html(path, HTML)
    path.write_text(path.read_text() + "<script>alert(1)</script>\n")
    assert verify_report(path).status is Status.TAMPERED


def test_resigned_by_another_key_is_untrusted(tmp_path: Path, signing_key: SigningKey, data_key: bytes) -> None:
    other_path = tmp_path / "other.yaml"
    generate_signing_key(other_path, data_key)
    other = load_signing_key(other_path)
    path = tmp_path / "report.json"
    write_json(path, {**REPORT, "summary": {"pass": 3, "fail": 0}}, other)
    assert verify_report(path).valid  # a valid signature, but by whom?
    result = verify_report(path, trusted=[signing_key.public])
    assert result.status is Status.UNTRUSTED


def test_missing_signing_key_means_unsigned_not_a_crash(tmp_path: Path, no_key: None) -> None:
    signed = sign_json(REPORT)
    assert signed["evidence"]["status"] == "unsigned"
    assert "MEDCLOUD_SIGNING_KEY_FILE" in signed["evidence"]["reason"]
    assert "signature" not in signed["evidence"]
    path = tmp_path / "r.html"
    write_html(path, HTML)
    result = verify_report(path)
    assert result.status is Status.UNSIGNED
    path.write_text(path.read_text().replace("fail", "pass"))
    assert verify_report(path).status is Status.TAMPERED


def test_configured_but_unusable_signing_key_is_an_error(
    tmp_path: Path, data_key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "signing.yaml"
    generate_signing_key(path, data_key)
    monkeypatch.setenv("MEDCLOUD_SIGNING_KEY_FILE", str(path))
    monkeypatch.setenv("MEDCLOUD_SECRET_KEY", "00" * 16)  # the wrong data key
    with pytest.raises(SecretError, match=r"signing\.yaml:\d+: private_key: sealed with key"):
        sign_json(REPORT)
    monkeypatch.setenv("MEDCLOUD_SIGNING_KEY_FILE", str(tmp_path / "absent.yaml"))
    with pytest.raises(SourceError, match="file not found"):
        sign_json(REPORT)


def test_signing_key_file_rejects_plain_text_and_mismatched_halves(tmp_path: Path, data_key: bytes) -> None:
    path = tmp_path / "signing.yaml"
    public = generate_signing_key(path, data_key)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    text = path.read_text()
    plain = tmp_path / "plain.yaml"
    plain.write_text(text.split("private_key:")[0] + f"private_key: {PLAINTEXT}\n")
    with pytest.raises(SourceError, match="plain-text secret") as info:
        load_signing_key(plain, data_key)
    assert_no_plaintext(str(info.value))
    other = tmp_path / "other.yaml"
    other_public = generate_signing_key(other, data_key)
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(text.replace(public, other_public))
    with pytest.raises(SourceError, match="does not belong"):
        load_signing_key(mixed, data_key)
    with pytest.raises(SourceError, match="refusing to overwrite"):
        generate_signing_key(path, data_key)


def test_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("plain words")
    with pytest.raises(EvidenceError, match="not a medcloud report"):
        verify_report(path)
    with pytest.raises(SourceError, match="file not found"):
        verify_report(tmp_path / "missing.json")


@pytest.mark.parametrize(("name", "text"), [
    ("stripped.json", '{"a": 1}'),
    ("truncated.json", '{"a": 1, "evidence": {"digest": "ab'),
    ("stripped.html", "<html><body>report</body></html>\n"),
    ("truncated.html", "<html><body>report</body></html>\n<!-- medcloud-evi"),
])
def test_stripped_or_truncated_evidence_is_tampered(tmp_path: Path, name: str, text: str) -> None:
    """R-SEC-05: evidence cut off or removed is tampering (exit 1), never "bad input" (exit 2)."""
    path = tmp_path / name
    path.write_text(text)
    assert verify_report(path).status is Status.TAMPERED
