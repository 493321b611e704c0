"""``medcloud secret``: seal, open, generate keys for and rotate SM4-GCM secrets (R-SEC-01..03).

Plain text never travels on the command line (shell history, ``ps``): it is
read from a no-echo prompt or stdin.  ``decrypt`` writes the plain text only
to a terminal; to a pipe or file it needs ``--force``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from medcloud.cli.conventions import add_format
from medcloud.cli.jsonout import print_json
from medcloud.errors import InputError, SecretError


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "secret", help="seal, open and rotate SM4-GCM secrets (R-SEC-01..03)",
        description="Secrets in inventories and stack files are sealed with SM4-GCM. "
                    "The key comes from MEDCLOUD_SECRET_KEY, MEDCLOUD_SECRET_KEY_FILE or a key store.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    enc = actions.add_parser("encrypt", help="seal a value read from a no-echo prompt or stdin")
    enc.set_defaults(handler=handle_encrypt)

    dec = actions.add_parser("decrypt", help="open a sealed value (to a terminal only unless --force)")
    dec.add_argument("value", nargs="?", metavar="SEALED", help="sealed value (default: read stdin)")
    dec.add_argument("--force", action="store_true", help="allow writing the plain text to a pipe or file")
    # A plain-text value passed by mistake must never reach the audit log verbatim.
    dec.set_defaults(handler=handle_decrypt, audit_action="secret-decrypt", audit_secret_params=("value",))

    gen = actions.add_parser("keygen", help="create an SM4 data key file, or an SM2 signing key file")
    gen.add_argument("--out", type=Path, required=True, metavar="FILE", help="file to create (mode 0600)")
    gen.add_argument("--signing", action="store_true",
                     help="create an SM2 evidence-signing key, its private half sealed with the data key")
    add_format(gen)
    gen.set_defaults(handler=handle_keygen, audit_action="secret-keygen")

    status = actions.add_parser(
        "status", help="which key is configured and whether it is due for rotation (R-SEC-03)",
        description="Exit 0 key in date, 1 rotation overdue or key age unknown, 2 no usable key.",
    )
    add_format(status)
    status.set_defaults(handler=handle_status)

    scan = actions.add_parser(
        "scan", help="find plain-text secrets in YAML files",
        description="Exit 0 when every secret-named field is sealed, 1 when some are not.",
    )
    scan.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                      help="YAML files or directories; - reads one document from standard input")
    add_format(scan)
    scan.set_defaults(handler=handle_scan)

    rot = actions.add_parser("rotate", help="re-seal every secret in YAML files under a new key")
    rot.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="YAML files or directories")
    rot.add_argument("--to", dest="new_key_file", type=Path, required=True, metavar="KEY_FILE",
                     help="key file of the new data key")
    rot.add_argument("--from", dest="old_key_file", type=Path, metavar="KEY_FILE",
                     help="key file of the old data key (default: the configured key)")
    rot.add_argument("--dry-run", action="store_true", help="check every secret opens, write nothing")
    add_format(rot)
    rot.set_defaults(handler=handle_rotate, audit_action="secret-rotate")


def _read_plaintext() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("secret: ")
        if getpass.getpass("again: ") != first:
            raise InputError("the two entries differ; nothing sealed")
        return first
    text = sys.stdin.read()
    # One trailing newline comes from `echo`/here-strings, not from the secret.
    return text[:-1] if text.endswith("\n") else text


def handle_encrypt(args: argparse.Namespace) -> int:
    from medcloud.secrets import load_key, seal

    key = load_key()  # before prompting: a missing key should not waste the operator's typing
    plaintext = _read_plaintext()
    if not plaintext:
        raise InputError("empty secret; nothing sealed")
    print(seal(plaintext, key))
    return 0


def handle_decrypt(args: argparse.Namespace) -> int:
    from medcloud.secrets import load_key, unseal

    if not sys.stdout.isatty() and not args.force:
        raise InputError("refusing to write a decrypted secret to a pipe or file; add --force if you mean it")
    sealed = args.value if args.value is not None else sys.stdin.read().strip()
    secret = unseal(sealed, load_key(), where="SEALED" if args.value is not None else "stdin")
    sys.stdout.write(secret.reveal() + "\n")
    return 0


def handle_keygen(args: argparse.Namespace) -> int:
    from medcloud.yamlio import check_output_file

    out: Path = args.out
    check_output_file(out)
    if args.signing:
        from medcloud.evidence import generate_signing_key, public_key_id
        from medcloud.secrets import load_key

        public = generate_signing_key(out, load_key())
        args.audit_detail = {"kind": "sm2-signing", "signer_key_id": public_key_id(public)}
        if args.format == "json":
            print_json({"file": str(out), **args.audit_detail, "public_key": public})
        else:
            print(f"{out}: SM2 signing key {public_key_id(public)}\npublic key: {public}")
        return 0
    from medcloud.secrets import key_id, new_key_hex
    from medcloud.yamlio import write_atomic

    key_hex = new_key_hex()
    try:
        write_atomic(out, key_hex + "\n", exclusive=True)
    except FileExistsError:
        raise InputError(f"{out}: file exists; refusing to overwrite a key") from None
    except OSError as exc:
        raise InputError(f"{out}: cannot create key file: {exc.strerror}") from None
    kid = key_id(bytes.fromhex(key_hex))
    args.audit_detail = {"kind": "sm4-data", "key_id": kid}
    if args.format == "json":
        print_json({"file": str(out), **args.audit_detail})
    else:
        print(f"{out}: SM4 data key {kid}")
    return 0


def handle_rotate(args: argparse.Namespace) -> int:
    from medcloud.model.standards import KEY_ROTATION_MAX_DAYS
    from medcloud.secrets import key_id, load_key, rotation
    from medcloud.secrets.keys import read_key_file

    new_key = read_key_file(args.new_key_file)
    old_key = read_key_file(args.old_key_file) if args.old_key_file else load_key()
    if new_key == old_key:
        raise SecretError("the new key is the key in use; generate one with `medcloud secret keygen`")
    plans = rotation.plan(args.paths, old_key, new_key)
    written = [] if args.dry_run else rotation.apply(plans)
    resealed = sum(p.resealed for p in plans)
    current = sum(p.already_current for p in plans)
    # The key-change log (R-SEC-03) is this audit record: old and new key ids, files, counts.
    args.audit_detail = {
        "old_key_id": key_id(old_key), "new_key_id": key_id(new_key), "dry_run": args.dry_run,
        "resealed": resealed, "already_current": current, "files": [str(p) for p in written],
    }
    if args.format == "json":
        print_json({**args.audit_detail, "changed": [str(p.path) for p in plans if p.changed]})
        return 0
    verb = "would re-seal" if args.dry_run else "re-sealed"
    print(f"{verb} {resealed} secret(s) in {sum(1 for p in plans if p.changed)} file(s) "
          f"from key {key_id(old_key)} to {key_id(new_key)}; {current} already on the new key")
    if not args.dry_run:
        print(f"now point MEDCLOUD_SECRET_KEY / MEDCLOUD_SECRET_KEY_FILE at the new key "
              f"(rotate again within {KEY_ROTATION_MAX_DAYS} days, R-SEC-03)")
    return 0


def handle_scan(args: argparse.Namespace) -> int:
    from medcloud.secrets.scan import PLAIN_TEXT_REASON, scan

    findings = scan(args.paths)
    if args.format == "json":
        print_json({"findings": [{"file": str(f.path), "line": f.line, "column": f.column, "field": f.field,
                                  "reason": PLAIN_TEXT_REASON} for f in findings]})
        return 1 if findings else 0
    for finding in findings:
        print(finding)
    if findings:
        print(f"{len(findings)} plain-text secret(s)")
        return 1
    print("no plain-text secrets")
    return 0


def handle_status(args: argparse.Namespace) -> int:
    from medcloud.audit import default_path
    from medcloud.model.standards import KEY_ROTATION_MAX_DAYS
    from medcloud.secrets import key_id, load_key
    from medcloud.secrets.keys import key_activated

    kid = key_id(load_key())
    log = default_path()
    since = key_activated(kid, log)
    if args.format == "json":
        from datetime import UTC, datetime

        age = (datetime.now(UTC) - since).days if since is not None else None
        left = KEY_ROTATION_MAX_DAYS - age if age is not None else None
        print_json({"key_id": kid, "audit_log": str(log), "in_use_since": since.isoformat() if since else None,
                    "age_days": age, "days_left": left, "max_days": KEY_ROTATION_MAX_DAYS,
                    "rotation_due": left is None or left < 0})
        return 0 if left is not None and left >= 0 else 1
    print(f"data key {kid}")
    if since is None:
        print(f"  no keygen or rotation to this key in {log}: its age is unknown (R-SEC-03)")
        return 1
    from datetime import UTC, datetime

    age = (datetime.now(UTC) - since).days
    left = KEY_ROTATION_MAX_DAYS - age
    print(f"  in use since {since:%Y-%m-%d} ({age} days); "
          + (f"rotate within {left} days" if left >= 0 else f"ROTATION OVERDUE by {-left} days")
          + f" (R-SEC-03: <= {KEY_ROTATION_MAX_DAYS} days)")
    return 0 if left >= 0 else 1
