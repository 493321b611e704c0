"""`--format json` wherever a command prints a result, and bad input as one JSON object there too (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medcloud.cli import build_parser, main
from medcloud.cli.manual import commands

#: Commands with no JSON result, and why.
NO_JSON = {
    "graph": "its result is a picture (--format svg|dot|png)",
    "man": "prints the man page itself", "completion": "prints a shell script",
    "secret": "has actions", "secret encrypt": "prints only the sealed value",
    "secret decrypt": "prints only the plain text, to a terminal",
    "report convert": "its result is JUnit or SARIF (--format junit|sarif)",
    "report sign": "writes a signed file", "lab up": "starts processes", "lab down": "stops them",
    "cloud up": "starts processes", "cloud down": "stops them",
    "audit": "has actions", "report": "has actions", "lab": "has actions", "cloud": "has actions",
    "switch": "has actions", "appliance": "has actions", "bmc": "has actions",
}


def test_every_command_that_prints_a_result_offers_json() -> None:
    missing = []
    for path, parser in commands(build_parser()):
        formats = next((a.choices for a in parser._actions if "--format" in a.option_strings), None)
        if path not in NO_JSON and (formats is None or "json" not in formats):
            missing.append(path)
    assert not missing, missing


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object], str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@pytest.mark.parametrize("argv", [
    ["audit", "verify", "{missing}", "-f", "json"],
    ["secret", "scan", "{missing}", "--format", "json"],
    ["switch", "render", "{missing}", "-o", "{tmp}", "-f", "json"],
    ["verify", "{missing}", "--format", "json"],
    ["bmc", "plan", "{missing}", "--format", "json"],
])
def test_bad_input_is_one_json_object_for_every_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str],
) -> None:
    missing = str(tmp_path / "nothing.yaml")
    code, record, err = run(capsys, *(a.format(missing=missing, tmp=tmp_path / "out") for a in argv))
    assert code == 2 and err == ""
    assert record["error"] is True and record["exit_code"] == 2
    errors = record["errors"]
    assert isinstance(errors, list) and errors
    assert all(set(e) == {"file", "line", "column", "field", "reason"} for e in errors)
    assert "nothing.yaml" in json.dumps(record)


def test_secret_scan_json_names_file_line_and_field(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "inv.yaml").write_text("credentials:\n  root: {kind: ssh, password: hunter2}\n", encoding="utf-8")
    code, record, _ = run(capsys, "secret", "scan", str(tmp_path), "-f", "json")
    assert code == 1
    assert record["findings"] == [{"file": str(tmp_path / "inv.yaml"), "line": 2, "column": 21,
                                   "field": "credentials.root.password",
                                   "reason": "plain-text secret; seal it with `medcloud secret encrypt`"}]
    assert "hunter2" not in json.dumps(record)


def test_audit_verify_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    log.write_text("", encoding="utf-8")
    code, record, _ = run(capsys, "audit", "verify", str(log), "-f", "json")
    assert (code, record) == (0, {"log": str(log), "records": 0, "intact": True, "problems": []})


def test_switch_render_json_lists_the_files(capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path) -> None:
    code, record, _ = run(capsys, "switch", "render", str(root / "inventories" / "dev-fabric.yaml"),
                          "-o", str(tmp_path), "-f", "json")
    written = record["written"]
    assert code == 0 and isinstance(written, list) and written
    assert all(Path(p).is_file() for p in written)


def test_lab_status_json_when_nothing_runs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, record, _ = run(capsys, "lab", "--dir", str(tmp_path), "status", "-f", "json")
    assert (code, record) == (0, {"running": False, "peers": []})


def test_review_reads_head_from_standard_input(
    capsys: pytest.CaptureFixture[str], root: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    fixtures = root / "tests" / "fixtures" / "review"
    monkeypatch.setattr("sys.stdin", io.StringIO((fixtures / "offline_head.json").read_text(encoding="utf-8")))
    code, record, _ = run(capsys, "review", str(fixtures / "offline_base.json"), "-", "-f", "json")
    assert record["head"] == "<stdin>" and code in (0, 1)
    monkeypatch.setattr("sys.stdin", io.StringIO('{"steps": 7}'))
    code, record, _ = run(capsys, "review", str(fixtures / "offline_base.json"), "-", "-f", "json")
    assert code == 2 and record["file"] == "<stdin>" and record["field"] == "steps"


def test_secret_scan_reads_standard_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("credentials:\n  root: {kind: ssh, password: hunter2}\n"))
    code, record, _ = run(capsys, "secret", "scan", "-", "-f", "json")
    assert code == 1 and [(f["file"], f["line"]) for f in record["findings"]] == [("<stdin>", 2)]


@pytest.mark.parametrize("argv", [["validate", "-f", "json"], ["validate", "dev", "--bogus", "--format=json"]])
def test_a_usage_error_under_format_json_is_json_too(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, record, err = run(capsys, *argv)
    assert (code, err, record["kind"]) == (2, "", "UsageError")
    assert "error:" in str(record["reason"])


def test_a_usage_error_without_json_stays_argparse_text(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["validate", "dev", "--bogus"])
    assert exited.value.code == 2 and "unrecognized arguments: --bogus" in capsys.readouterr().err
