"""The HTML acceptance report a person signs: verdict, findings, follow-ups, rack elevation,
the signature of the JSON report, a sign-off block, A4 print layout, English and Chinese.

R-SEC-01/R-SEC-05 (signed evidence), R-HW-01…08 (what it reports).  Rendering in a real
browser is tested in tests/integration/hardware/test_report_in_chromium.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from medcloud.hardware.reports.i18n import MESSAGES

from medcloud.cli import main

from .test_cli_verify import prepare


def run_verify(tmp_path: Path, key: str, *extra: str, psu2_absent: bool = False) -> tuple[int, str, dict]:  # type: ignore[type-arg]
    code = main(["verify", *prepare(tmp_path, key, psu2_absent=psu2_absent), "--format", "json", *extra])
    html = next((tmp_path / "out").glob("*.html")).read_text("utf-8")
    document = json.loads(next((tmp_path / "out").glob("*.json")).read_text("utf-8"))
    return code, html, document


def test_languages_carry_the_same_messages() -> None:
    assert set(MESSAGES["en"]) == set(MESSAGES["zh-CN"])
    for key, text in MESSAGES["en"].items():
        assert re.findall(r"\{\w+\}", text) == re.findall(r"\{\w+\}", MESSAGES["zh-CN"][key]), key


def test_signed_report_shows_signer_key_digest_and_validity(
        tmp_path: Path, secret_key: str, profiles_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from medcloud.evidence import generate_signing_key, public_key_id

    signing = tmp_path / "signing.yaml"
    public = generate_signing_key(signing, bytes.fromhex(secret_key), user_id="acceptance@gz-prod")
    monkeypatch.setenv("MEDCLOUD_SIGNING_KEY_FILE", str(signing))
    code, html, document = run_verify(tmp_path, secret_key)
    capsys.readouterr()
    assert code == 0
    evidence = document["evidence"]
    assert evidence["status"] == "signed"
    block = html[html.index('id="signature"'):html.index('id="sign-off"')]
    assert "acceptance@gz-prod" in block
    assert public_key_id(public) in block and evidence["signer_key_id"] in block
    assert evidence["digest"] in block
    assert "<strong>valid</strong>" in block


def test_unsigned_report_says_so(tmp_path: Path, secret_key: str, profiles_dir: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    _, html, document = run_verify(tmp_path, secret_key)
    capsys.readouterr()
    block = html[html.index('id="signature"'):html.index('id="sign-off"')]
    assert "UNSIGNED" in block and document["evidence"]["digest"] in block


def test_sign_off_print_layout_elevation_and_every_row(tmp_path: Path, secret_key: str, profiles_dir: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, html, document = run_verify(tmp_path, secret_key, psu2_absent=True)
    capsys.readouterr()
    assert code == 1
    sign_off = html[html.index('id="sign-off"'):]
    for role in MESSAGES["en"]["roles"].split("|"):
        assert f"<td>{role}</td>" in sign_off
    assert "NOT ACCEPTED" in sign_off
    # A4 print layout; nothing folded away (a closed <details> would not print its rows).
    assert "@page { size: A4;" in html and "<details" not in html
    rows = sum(len(d["checks"]) for d in document["devices"])
    assert html.count("<tr class=") >= rows + document["counts"]["findings"]
    for device in document["devices"]:
        for check in device["checks"]:
            assert f"<code>{check['check']}</code>" in html
    # Rack elevation: 42 units per rack, each device at its unit.
    elevation = html[html.index('id="elevation"'):html.index("Devices by rack")]
    assert elevation.count('<div class="u">') == 42 * 2
    assert re.search(r'<span class="n">10</span><span class="slot fail">ph-node-01</span>', elevation)
    assert re.search(r'<span class="n">42</span><span class="slot pass">leaf-01</span>', elevation)
    # Manual follow-ups are listed with who and what.
    follow_ups = html[html.index('id="follow-ups"'):html.index('id="elevation"')]
    assert "supplier" in follow_ups and "MTBF" in follow_ups and "network engineer" in follow_ups


def test_chinese_report(tmp_path: Path, secret_key: str, profiles_dir: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    code, html, _ = run_verify(tmp_path, secret_key, "--lang", "zh-CN", psu2_absent=True)
    capsys.readouterr()
    assert code == 1
    assert '<html lang="zh-CN">' in html
    for text in ("硬件验收报告", "验收不通过", "人工跟进事项", "机柜布局", "签字确认", "供应商代表", "不符合",
                 "未签名"):
        assert text in html, text
    assert "Hardware acceptance report" not in html


def test_cabling_view_shows_expected_against_seen_per_port(tmp_path: Path, secret_key: str, profiles_dir: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """R-HW-06 in the report: per port the plan's neighbour against what LLDP sees; a mis-cabled port
    says where its expected neighbour was seen, and the neighbour it sees instead is shown as unexpected.
    The E528 recording sees WRD-Huiju-2 GigabitEthernet1/0/33 on port 24 and nothing else."""
    args = prepare(tmp_path, secret_key)
    inventory = Path(args[0])
    # The recording's neighbour as a device of the inventory (a cable's far end must be one).
    wrd = ("  - name: wrd-huiju-2\n    profile: test-phytium\n"
           "    location: {centre: prod-hz, room: r101, rack: a01, unit: 12}\n"
           "    ssh: {address: 127.0.0.12, credential: ssh-accept}\n"
           "    bmc: {address: 127.0.1.12, credential: bmc-admin}\n")
    inventory.write_text(inventory.read_text().replace("switches:\n", wrd + "switches:\n", 1).replace(
        "    vlans:", ("    cabling:\n"
                      "      - {port: '23', remote_device: wrd-huiju-2, remote_port: GigabitEthernet1/0/33}\n"
                      "      - {port: '24', remote_device: ph-node-01, remote_port: enp1s0f0}\n"
                      "    vlans:"), 1))
    code = main(["verify", *args, "--format", "json"])
    capsys.readouterr()
    assert code == 1
    html = next((tmp_path / "out").glob("*.html")).read_text("utf-8")
    document = json.loads(next((tmp_path / "out").glob("*.json")).read_text("utf-8"))
    [leaf] = [d for d in document["devices"] if d["name"] == "leaf-01"]
    assert leaf["cabling"] == [
        {"port": "23", "status": "fail", "expected": "wrd-huiju-2 GigabitEthernet1/0/33", "seen": [],
         "expected_seen_on": ["24"]},
        {"port": "24", "status": "fail", "expected": "ph-node-01 enp1s0f0",
         "seen": ["WRD-Huiju-2 GigabitEthernet1/0/33"], "expected_seen_on": []},
    ]
    view = html[html.index('id="cabling"'):html.index("Devices by rack")]
    rows = re.findall(r'<tr class="(\w+)">(.*?)</tr>', view, re.S)
    assert [status for status, _ in rows] == ["fail", "fail"]
    port23, port24 = (re.sub(r"<[^>]+>", "|", row) for _, row in rows)
    assert "|23|" in port23 and "wrd-huiju-2 GigabitEthernet1/0/33" in port23 and "nothing seen" in port23
    assert "expected neighbour seen on 24 instead" in port23
    assert "|24|" in port24 and "ph-node-01 enp1s0f0" in port24
    assert '<span class="neighbour unexpected">WRD-Huiju-2 GigabitEthernet1/0/33</span>' in rows[1][1]
    assert "expected neighbour seen on no port" in port24 and "unexpected neighbour" in port24
