"""`medcloud validate`: exit codes, output formats and one-line errors for malformed files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from medcloud.cli import main

DEV = "stacks/regions/dev.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("stack", ["dev", "stacks/dev", "stacks/Pulumi.dev.yaml", DEV])
def test_every_spelling_of_the_dev_stack_is_read(
    capsys: pytest.CaptureFixture[str], root: Path, monkeypatch: pytest.MonkeyPatch, stack: str
) -> None:
    """The model alone violates nothing, but most of it is only declared: exit 0, and the verdict says so."""
    monkeypatch.chdir(root)
    code, out, err = run(capsys, "validate", stack, "--model-only")
    assert (code, err) == (0, "")
    assert re.search(r"dev: 0 violation\(s\), [1-9]\d* declared, 0 waived, 0 skipped, \d+ compliant \(model only", out)


def test_json_format_lists_every_requirement(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    """A region file alone: every requirement joined to resources is declared, never compliant."""
    code, out, _ = run(capsys, "validate", str(root / DEV), "--format", "json")
    document = json.loads(out)
    assert code == 0 and document["compliant"] is False
    assert document["resources"].startswith("model only")
    status = {r["requirement"]: r["status"] for r in document["requirements"]}
    assert {"R-TOP-01", "R-TOP-03", "R-TOP-09", "R-BC-01", "R-BC-03", "R-DC-01"} <= set(status)
    for joined in ("R-TOP-05", "R-DC-02", "R-BC-03", "R-SEC-02", "R-NET-04"):
        assert status[joined] == "declared", joined
    assert status["R-TOP-01"] == "compliant"
    assert set(document["summary"]["status"]) == {"compliant", "declared", "violation", "waived", "skipped"}


def edited_dev(root: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = (root / DEV).read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "region.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_violations_exit_1_and_name_requirement_and_line(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path
) -> None:
    """R-TOP-03: DR moved to ~150 km; the JSON finding points at the file and line."""
    path = edited_dev(root, tmp_path, "lat: 30.5728, lon: 104.0668", "lat: 24.48, lon: 113.60")
    code, out, _ = run(capsys, "validate", str(path), "--format", "json")
    assert code == 1
    document = json.loads(out)
    r_top_03 = next(r for r in document["requirements"] if r["requirement"] == "R-TOP-03")
    assert r_top_03["status"] == "violation"
    finding = next(f for f in r_top_03["findings"] if f["severity"] == "error")
    assert finding["path"] == "centres[2](cd-dr).location"
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "lat: 24.48" in t)
    assert finding["source"].endswith(f"region.yaml:{line}")


def test_table_format_shows_violation(capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path) -> None:
    """R-BC-01: a class-A system declaring a 45 s RTO shows up in the table."""
    path = edited_dev(root, tmp_path, "    rto_s: 20\n", "    rto_s: 45\n")
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert "R-BC-01" in out and "violation" in out and "RTO 45 s" in out


MALFORMED = [
    ("bad YAML", "name: dev\n", "name: [dev\n", r"region\.yaml:\d+:\d+: invalid YAML"),
    ("unknown field", "    cloud: openstack\n", "    cloud: openstack\n    colour: blue\n",
     r"region\.yaml:\d+:\d+: centres\[0\]\(gz-prod\)\.colour: unknown field"),
    ("wrong type", "vcpus: 2048,", "vcpus: lots,",
     r"region\.yaml:\d+:\d+: centres\[0\]\(gz-prod\)\.capacity\.vcpus: Input should be a valid integer"),
    ("missing centre", "{centre: cd-dr, pool: core-gold}", "{centre: xa-dr, pool: core-gold}",
     r"region\.yaml:\d+:\d+: systems\[0\]\(his\)\.placements\[2\]\.centre: no centre named 'xa-dr'"),
    ("missing field", "    cloud_region: cn-chengdu\n", "\n",
     r"region\.yaml:\d+:\d+: centres\[2\]\(cd-dr\)\.cloud_region: field required"),
    ("duplicate key", "    role: production\n", "    role: production\n    role: same_city\n",
     r"region\.yaml:\d+:\d+: centres\[0\]\.role: duplicate key 'role'"),
]


@pytest.mark.parametrize(("case", "old", "new", "pattern"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_region_is_one_line_error_with_file_line_exit_2(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path, case: str, old: str, new: str, pattern: str
) -> None:
    path = edited_dev(root, tmp_path, old, new)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2, case
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in err


def test_error_line_points_at_the_offending_value(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path
) -> None:
    path = edited_dev(root, tmp_path, "vcpus: 2048,", "vcpus: lots,")
    _, _, err = run(capsys, "validate", str(path))
    line = int(re.search(r"region\.yaml:(\d+):", err).group(1))  # type: ignore[union-attr]
    assert "vcpus: lots" in path.read_text().splitlines()[line - 1]


def test_unknown_stack_and_missing_file_exit_2(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    code, _, err = run(capsys, "validate", "nosuch")
    assert code == 2 and "no stack named 'nosuch'" in err and "dev" in err
    code, _, err = run(capsys, "validate", "nosuch.yaml")
    assert code == 2 and "nosuch.yaml: no such file" in err


def test_stack_file_without_region_key(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    stack = tmp_path / "Pulumi.broken.yaml"
    stack.write_text("config:\n  medcloud:other: x\n", encoding="utf-8")
    code, _, err = run(capsys, "validate", str(stack))
    assert code == 2
    assert "Pulumi.broken.yaml:1: config.medcloud:region: the stack does not name its region file" in err


def test_help_is_available_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["validate", "--help"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 0
        assert "usage: medcloud" in capsys.readouterr().out


def test_table_at_80_columns_never_splits_file_line_or_crops(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pipes and CI logs are 80 columns: `file:129` once wrapped to `file:12` / `9`."""
    monkeypatch.setenv("COLUMNS", "80")
    main(["validate", "ref002", "--model-only"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "…" not in out
    sources = re.findall(r"stacks/regions/ref002\.yaml:\d+", out)
    assert sources, out[:2000]
    for line in lines:
        tail = re.search(r"stacks/regions/ref002\.yaml:?\d*\s*$", line)
        if tail:
            assert re.search(r"ref002\.yaml:\d+", tail.group(0)), line


def _six_mistakes(root: Path, tmp_path: Path) -> Path:
    text = (root / DEV).read_text(encoding="utf-8")
    for old, new in [("address_space: 10.64.0.0/12", "adress_space: 10.64.0.0/12"),
                     ("    cloud_region: RegionOne", "    cloud_regon: RegionOne"),
                     ("retention_years: 30", "retention_years: thirty"), ("qos_iops: 20000", "qos_iops: -5"),
                     ("    role: production", "    role: produktion"), ("lat: 23.1291", "lat: 123.1291")]:
        assert old in text
        text = text.replace(old, new, 1)
    (tmp_path / "six.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "six.yaml"


def test_six_mistakes_show_six_lines_with_suggestions(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: every validation error at once, `file:line:col: field: reason`, "did you mean" for a typo."""
    monkeypatch.setenv("MEDCLOUD_REGION_DIRS", str(tmp_path))
    code, out, err = run(capsys, "validate", str(_six_mistakes(root, tmp_path)))
    lines = err.splitlines()
    assert code == 2 and out == ""
    assert lines[-1] == "medcloud: 6 problems"
    problems = [line.removeprefix("medcloud: error: ") for line in lines[:-1]]
    assert len(problems) == 6 and all(re.match(r"\S+six\.yaml:\d+:\d+: \S+: .+", p) for p in problems)
    assert any(p.endswith("adress_space: unknown field; did you mean 'address_space'? (a required field)")
               for p in problems)
    assert any("cloud_regon: unknown field; did you mean 'cloud_region'?" in p for p in problems)


def test_bad_input_under_format_json_is_one_json_object(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDCLOUD_REGION_DIRS", str(tmp_path))
    code, out, err = run(capsys, "validate", str(_six_mistakes(root, tmp_path)), "--format", "json")
    record = json.loads(out)
    assert (code, err, record["exit_code"], record["kind"]) == (2, "", 2, "SourceErrors")
    assert len(record["errors"]) == 6
    assert all(set(item) == {"file", "line", "column", "field", "reason"} for item in record["errors"])
    assert {k: record[k] for k in ("file", "line", "column", "field", "reason")} == record["errors"][0]
    # One error, no position (an unknown stack): the same shape, with nulls.
    code, out, _ = run(capsys, "validate", "no-such-stack.yaml", "-f", "json")
    record = json.loads(out)
    assert code == 2 and record["errors"] == [{"file": None, "line": None, "column": None, "field": None,
                                               "reason": "no-such-stack.yaml: no such file"}]


def test_a_region_from_standard_input(
    capsys: pytest.CaptureFixture[str], root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    # Relative paths in a region on stdin (its evidence files) are relative to the working directory.
    monkeypatch.chdir(root / "stacks" / "regions")
    monkeypatch.setattr("sys.stdin", io.StringIO((root / DEV).read_text(encoding="utf-8")))
    code, out, _ = run(capsys, "validate", "-", "--model-only", "--format", "json")
    assert code == 0 and json.loads(out)["region"] == "dev"
