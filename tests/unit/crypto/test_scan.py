"""`medcloud secret scan`: plain-text secrets in inventories and stack files are findings (R-SEC-02, R-SEC-06)."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcloud.cli import main
from medcloud.secrets import seal
from medcloud.secrets.scan import is_secret_name, scan

from .conftest import PLAINTEXT, assert_no_plaintext


@pytest.mark.parametrize(
    ("name", "secret"),
    [("password", True), ("bmcPassword", True), ("auth_key", True), ("priv_key", True), ("community", True),
     ("api_key", True), ("key", True), ("secret_access_key", True),
     ("medcloud:ipsecPsk-gz-fs", True), ("pre_shared_key", True), ("medcloud:containerSyncKey", True),
     ("auth_protocol", False), ("priv_protocol", False), ("private_key_path", False), ("credential", False),
     ("username", False), ("keyboard", False), ("password_id", False)],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_stack_config_secrets_set_without_secret_are_found(tmp_path: Path) -> None:
    """R-NET-04, R-SEC-06: an IPsec PSK or sync key set with plain `pulumi config set` is a finding."""
    stack = tmp_path / "Pulumi.dev.yaml"
    stack.write_text(
        "config:\n"
        "  medcloud:region: regions/dev.yaml\n"
        f"  medcloud:ipsecPsk-gz-fs: {PLAINTEXT}\n"
        "  medcloud:containerSyncKey:\n"
        "    secure: AAABAKx3dGVzdA==\n"
    )
    findings = [str(f) for f in scan([tmp_path])]
    assert len(findings) == 1 and ":3:" in findings[0] and "ipsecPsk-gz-fs" in findings[0]
    assert_no_plaintext(*findings)


def test_scan_reports_position_and_field_never_the_value(tmp_path: Path, data_key: bytes) -> None:
    inventory = tmp_path / "lab.yaml"
    inventory.write_text(
        "credentials:\n"
        f"  bmc: {{kind: ipmi, username: admin, password: \"{seal(PLAINTEXT)}\"}}\n"
        f"  snmp: {{kind: snmpv3, auth_protocol: SHA256, auth_key: {PLAINTEXT}}}\n"
        "servers:\n"
        "  - name: n1\n"
        "    bmc: {credential: bmc, community: 123456, password: ''}\n"
    )
    findings = [str(f) for f in scan([tmp_path])]
    assert findings == [
        f"{inventory}:3:47: credentials.snmp.auth_key: plain-text secret; seal it with `medcloud secret encrypt`",
        f"{inventory}:6:28: servers[0](n1).bmc.community: plain-text secret; seal it with `medcloud secret encrypt`",
    ]
    assert_no_plaintext(*findings)


def test_scan_cli_exit_codes(tmp_path: Path, data_key: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean.yaml"
    clean.write_text(f"password: {seal(PLAINTEXT)}\n")
    assert main(["secret", "scan", str(clean)]) == 0
    dirty = tmp_path / "dirty.yaml"
    dirty.write_text(f"password: {PLAINTEXT}\n")
    assert main(["secret", "scan", str(tmp_path)]) == 1
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [\n")
    assert main(["secret", "scan", str(broken)]) == 2
    out, err = capsys.readouterr()
    assert "dirty.yaml:1:1: password: plain-text secret" in out
    assert err.startswith("medcloud: error: ") and "broken.yaml" in err
    assert_no_plaintext(out, err)


def test_repository_inventories_and_stacks_hold_no_plain_text(root: Path) -> None:
    """The checked-in inventories and stack files pass the scan (R-SEC-02)."""
    paths = [p for p in (root / "inventories", root / "stacks") if p.exists()]
    assert [str(f) for f in scan(paths)] == []
