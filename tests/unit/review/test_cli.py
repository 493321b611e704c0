"""``medcloud review``: formats, exit codes, atomic output, one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from medcloud.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "review"
BASE, HEAD, REAL = (str(FIXTURES / n) for n in ("offline_base.json", "offline_head.json", "pulumi_head.json"))


def test_text_view_and_exit_1_on_new_mandatory_violations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", BASE, HEAD]) == 1
    out = capsys.readouterr().out
    assert "blocked: 4 new mandatory violation(s)" in out
    assert "1 to create, 3 to update, 1 to replace, 1 to delete" in out
    assert "[R-TOP-03] R-TOP-03: remote DR centre 'cd-dr' is 150.2 km" in out
    assert "[R-BC-01] R-BC-01: class-A system 'his' has no remote DR copy" in out
    assert "deletes a resource that holds data" in out
    assert "~ cidr: \"10.64.1.0/24\" → \"10.64.2.0/24\"" in out


def test_exit_0_without_new_mandatory_violations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", BASE, BASE]) == 0
    assert "no new mandatory violations" in capsys.readouterr().out


def test_advisory_violations_do_not_block(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"all": "advisory"}))
    assert main(["review", BASE, HEAD, "--policy-config", str(config), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["blocking"] is False
    assert {v["enforcement"] for v in data["compliance"]["introduced"]} == {"advisory"}


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", BASE, REAL, "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"create": 1, "update": 3, "replace": 1, "delete": 1}
    introduced = {(v["requirement"], v["policy"]) for v in data["compliance"]["introduced"]}
    assert ("R-TOP-03", "r-top-03-region-model") in introduced
    assert ("R-BC-01", "r-bc-01-region-model") in introduced
    assert all(v["urn"].startswith("urn:pulumi:") for v in data["compliance"]["introduced"])


def test_markdown_to_file_is_written_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out" / "review.md"
    assert main(["review", BASE, REAL, "--format", "markdown", "--output", str(out)]) == 1
    assert capsys.readouterr().out == ""
    text = out.read_text()
    assert text.startswith("## medcloud review:")
    assert "❌ **blocked: 4 new mandatory violation(s)**" in text
    assert "| 🆕 new | R-TOP-03 | `r-top-03-region-model` | `dev` |" in text
    assert "| ✔️ fixed | R-NET-04 |" in text
    assert "<details><summary><b>gz-prod</b> (2 changes)</summary>" in text
    assert "~ ikeConfig.psk: [secret] changed" in text
    assert [p.name for p in out.parent.iterdir()] == ["review.md"]  # no temp file left behind


def test_text_to_file_has_no_terminal_codes(tmp_path: Path) -> None:
    out = tmp_path / "review.txt"
    main(["review", BASE, HEAD, "--output", str(out)])
    text = out.read_text()
    assert "\x1b[" not in text and "R-TOP-03" in text


@pytest.mark.parametrize(("argv", "message"), [
    (["review", BASE], "review needs BASE and HEAD preview files (got 1) or --git REV1 REV2 STACK"),
    (["review", BASE, "/nonexistent/head.json"], "/nonexistent/head.json: file not found"),
    (["review", BASE, HEAD, "--git", "a", "b", "dev"], "review takes either BASE HEAD or --git REV1 REV2 STACK"),
])
def test_bad_input_exits_2_with_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_bad_policy_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"r-top-03-region-model": "strict"}))
    assert main(["review", BASE, HEAD, "--policy-config", str(config)]) == 2
    assert "r-top-03-region-model: enforcement level 'strict' is not one of" in capsys.readouterr().err


def test_review_is_audited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    main(["review", BASE, HEAD, "--format", "json"])
    capsys.readouterr()
    log = Path(os.environ["MEDCLOUD_AUDIT_LOG"]).read_text().splitlines()
    record = json.loads(log[-1])
    assert record["action"] == "review"
    assert "offline_head.json" in json.dumps(record)


def test_markdown_lists_violations_already_in_the_base(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", HEAD, HEAD, "--format", "markdown"]) == 0
    text = capsys.readouterr().out
    assert "✅ **no new mandatory violations**" in text
    # The fixture's region predates the declarations R-BAK-01, R-BC-08, R-DC-03, R-NET-06, R-ST-04/05 and
    # R-HW-07 need, and the joins to its resources find violations and declarations: all already in the base.
    assert re.search(r"<details><summary>\d+ violation\(s\) already present in the base</summary>", text)
    assert "| unchanged | R-TOP-03 |" in text
    assert "### Changes" not in text
