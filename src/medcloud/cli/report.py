"""``medcloud report verify|sign``: SM3/SM2 evidence on acceptance reports (R-SEC-01, R-SEC-05)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from medcloud.cli.jsonout import print_json
from medcloud.errors import InputError


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "report", help="sign and verify acceptance reports (SM3 digest, SM2 signature)",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    ver = actions.add_parser(
        "verify", help="check a report's digest and signature",
        description="Exit 0 valid, 1 tampered/unsigned/untrusted signer, 2 not a report or unreadable.",
    )
    ver.add_argument("report", type=Path, metavar="REPORT", help="signed .json or .html report")
    ver.add_argument("--trust", type=Path, action="append", metavar="KEY_FILE",
                     help="signing key file (or file holding a 04||x||y public key) the signer must match; repeatable")
    ver.add_argument("--format", choices=("text", "json"), default="text")
    ver.set_defaults(handler=handle_verify, audit_action="report-verify")

    sig = actions.add_parser("sign", help="add an evidence block to a JSON or HTML report")
    sig.add_argument("report", type=Path, metavar="REPORT", help=".json or .html file")
    sig.add_argument("--out", type=Path, metavar="FILE", help="write here instead of in place")
    sig.set_defaults(handler=handle_sign, audit_action="report-sign")

    conv = actions.add_parser(
        "convert", help="a verify report as JUnit XML or SARIF for CI systems",
        description="Convert a `medcloud verify` JSON report into JUnit XML (one test case per device check) "
                    "or SARIF 2.1.0 (one result per check, rules named by requirement ID). Exit 0, 2 bad input.",
        epilog="examples:\n  medcloud report convert reports/site-20261129T1000Z.json --format junit -o verify.xml\n"
               "  medcloud report convert reports/site-20261129T1000Z.json --format sarif",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    conv.add_argument("report", type=Path, metavar="REPORT", help="verify report (.json)")
    conv.add_argument("--format", "-f", choices=("junit", "sarif"), required=True)
    conv.add_argument("--out", "-o", type=Path, metavar="FILE", help="write here (atomically) instead of stdout")
    conv.set_defaults(handler=handle_convert)


def _trusted_key(path: Path) -> str:
    from medcloud.crypto import sm2
    from medcloud.evidence import read_public
    from medcloud.yamlio import read_text

    text = read_text(path, limit=64 * 1024).strip()
    try:
        sm2.parse_public(text)
        return text.lower()
    except sm2.KeyFormatError:
        return read_public(path).public_key


def handle_verify(args: argparse.Namespace) -> int:
    from medcloud.evidence import verify_report

    trusted = [_trusted_key(p) for p in args.trust] if args.trust else None
    result = verify_report(args.report, trusted)
    args.audit_detail = {"status": result.status.value, "signer_key_id": result.signer_key_id}
    if args.format == "json":
        print_json({"report": str(result.path), "kind": result.kind, "status": result.status.value,
                    "signer_key_id": result.signer_key_id, "reasons": result.reasons})
    else:
        signer = f"signer {result.signer_key_id}" if result.signer_key_id else "no signer"
        pinned = "" if trusted is not None or not result.valid else " (signer not pinned; pass --trust)"
        print(f"{result.path}: {result.status.value.upper()} ({result.kind}, {signer}){pinned}")
        for reason in result.reasons:
            print(f"  - {reason}")
    return 0 if result.valid else 1


def handle_sign(args: argparse.Namespace) -> int:
    from medcloud.evidence import load_signing_key, write_html, write_json
    from medcloud.evidence.signing import EVIDENCE_KEY, HTML_MARKER
    from medcloud.yamlio import check_output_file, parse_json, read_text

    source: Path = args.report
    out: Path = args.out or source
    check_output_file(out)  # before the work
    text = read_text(source)
    key = load_signing_key()
    if source.suffix.lower() in (".html", ".htm"):
        # Re-signing replaces the old evidence comment rather than signing over it.
        at = text.rfind(HTML_MARKER)
        write_html(out, text[:at] if at >= 0 else text, key)
    elif source.suffix.lower() == ".json":
        document = parse_json(text, source)
        if not isinstance(document, dict):
            raise InputError(f"{source}: a JSON report must be an object")
        document.pop(EVIDENCE_KEY, None)
        write_json(out, document, key)
    else:
        raise InputError(f"{source}: only .json and .html reports can be signed")
    state = f"signed by {key.key_id}" if key else "UNSIGNED (no MEDCLOUD_SIGNING_KEY_FILE): digest only"
    args.audit_detail = {"signed": key is not None, "out": str(out)}
    print(f"{out}: {state}")
    return 0


def handle_convert(args: argparse.Namespace) -> int:
    from medcloud.ciformats import junit, sarif, verify_cases
    from medcloud.hardware.verify.results import REPORT_FORMAT
    from medcloud.yamlio import check_output_file, load_json

    source: Path = args.report
    if args.out is not None:
        check_output_file(args.out)  # before the work
    document = load_json(source)  # the input boundary: regular file, size, depth, finite numbers
    if not isinstance(document, dict) or document.get("format") != REPORT_FORMAT:
        raise InputError(f"{source}: format: not a verify report (expected {REPORT_FORMAT!r})")
    cases, rules = verify_cases(document, str(document.get("inventory", "")))
    text = junit(cases, name=f"medcloud verify {document.get('inventory', '')}") if args.format == "junit" \
        else sarif(cases, rules=rules)
    if args.out is None:
        print(text, end="")
    else:
        from medcloud.yamlio import write_atomic

        write_atomic(args.out, text)
    return 0
