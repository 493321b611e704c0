"""End to end: two revisions of a stack, previewed offline, reviewed.

A temporary git repository holds a copy of this project (code, program and
stacks); the second commit moves the remote DR centre to ~150 km from
production and drops the A-class HIS system's remote replica.  ``medcloud
review --git`` must report both as new mandatory violations with their
requirement IDs and exit 1.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from medcloud.cli import main

ROOT = Path(__file__).resolve().parents[3]
COPY = ("src", "components", "hardware", "stacks", "Pulumi.yaml", "__main__.py", "pyproject.toml")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=medcloud-test", "-c", "user.email=test@medcloud.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".mypy_cache")
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, repo / name)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    region_file = repo / "stacks" / "regions" / "dev.yaml"
    region = yaml.safe_load(region_file.read_text())
    dr = next(c for c in region["centres"] if c["role"] == "remote_dr")
    dr["location"].update(lat=24.48, lon=113.26)  # Shaoguan: ~150 km north of Guangzhou
    his = next(s for s in region["systems"] if s["name"] == "his")
    his["placements"] = [p for p in his["placements"] if p["centre"] != dr["name"]]
    his["replication"] = {**his["replication"], "remote": "none"}
    his["replication"].pop("remote_lag_s", None)
    region_file.write_text(yaml.safe_dump(region, sort_keys=False))
    _git(repo, "commit", "-q", "-am", "move DR, drop HIS remote copy")
    return repo


@pytest.mark.slow
def test_review_git_reports_the_new_violations(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MEDCLOUD_HOME", str(repo))
    monkeypatch.chdir(repo)
    code = main(["review", "--git", "HEAD~1", "HEAD", "dev", "--format", "json", "--timeout", "300"])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    data = json.loads(captured.out)
    introduced = {(v["requirement"], v["policy"], v["enforcement"]) for v in data["compliance"]["introduced"]}
    assert ("R-TOP-03", "r-top-03-region-model", "mandatory") in introduced
    assert ("R-BC-01", "r-bc-01-region-model", "mandatory") in introduced
    messages = " ".join(v["message"] for v in data["compliance"]["introduced"])
    assert "remote DR centre 'cd-dr' is 150.2 km from production 'gz-prod'" in messages
    assert "class-A system 'his' has no remote DR copy" in messages
    assert data["base"] == "HEAD~1:dev" and data["head"] == "HEAD:dev"
    # The components keep a class-A system's DR replica (re-derived from the class table), so the
    # property diff shows the replica turning "derived" rather than a deleted volume.
    changes = {c["name"]: c for c in data["changes"]}
    assert {c["op"] for c in changes.values()} == {"update"}
    assert "model.systems[0].placements[2]" in [p["path"] for p in changes["dev"]["properties"]]
    assert "replicas[2].derived" in [p["path"] for p in changes["dev-his"]["properties"]]
    assert changes["dev-his"]["centre"] == "region-wide" and changes["dev-cd-dr"]["centre"] == "cd-dr"


def test_review_git_bad_revision_is_one_line(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MEDCLOUD_HOME", str(repo))
    assert main(["review", "--git", "no-such-rev", "HEAD", "dev"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no-such-rev" in err and "Traceback" not in err


@pytest.mark.slow
def test_review_git_rev_against_the_working_tree(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """``review --git REV STACK``: uncommitted edits count, and so do untracked files; ignored ones do not."""
    monkeypatch.setenv("MEDCLOUD_HOME", str(repo))
    monkeypatch.chdir(repo)
    region_file = repo / "stacks" / "regions" / "dev.yaml"
    # Uncommitted: the south WDM link at 40G (R-TOP-04 needs two diverse links of >= 100G).
    region = yaml.safe_load(region_file.read_text())
    south = next(link for link in region["links"] if link["name"] == "gz-fs-wdm-south")
    assert south["bandwidth_gbps"] == 200
    south["bandwidth_gbps"] = 40
    region_file.write_text(yaml.safe_dump(region, sort_keys=False))
    # Untracked: a new stack file the working tree's preview must find; an ignored file must not be copied.
    (repo / "stacks" / "Pulumi.edited.yaml").write_text("config:\n  medcloud:region: regions/dev.yaml\n")
    (repo / ".gitignore").write_text("ignored.txt\n")
    (repo / "ignored.txt").write_text("not part of the tree\n")
    code = main(["review", "--git", "HEAD~1", "edited", "--format", "json", "--timeout", "300"])
    captured = capsys.readouterr()
    # HEAD~1 has no stack `edited`: exit 2, and under --format json the error is the JSON object on stdout.
    assert code == 2 and json.loads(captured.out)["kind"] == "RevisionError" and "edited" in captured.out
    code = main(["review", "--git", "HEAD", "dev", "--format", "json", "--timeout", "300"])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    data = json.loads(captured.out)
    assert data["base"] == "HEAD:dev" and data["head"] == "worktree:dev"
    introduced = [v for v in data["compliance"]["introduced"] if v["requirement"] == "R-TOP-04"]
    assert any("'gz-fs-wdm-south' carries 40 Gbps" in v["message"] for v in introduced)
    changes = {c["name"]: c for c in data["changes"]}
    assert changes["dev-gz-fs-wdm-south"]["op"] == "update"
    # The working tree is read, never written: the edit is still there, nothing else appeared.
    assert yaml.safe_load(region_file.read_text())["links"][1]["bandwidth_gbps"] == 40
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True,
                            check=True, timeout=60).stdout.split("\n")
    assert sorted(line for line in status if line) == [
        " M stacks/regions/dev.yaml", "?? .gitignore", "?? stacks/Pulumi.edited.yaml"]


def test_review_git_takes_two_or_three_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "--git", "dev"]) == 2
    assert "--git takes REV1 REV2 STACK or REV STACK (got 1 value(s))" in capsys.readouterr().err
    assert main(["review", "--git", "a", "b", "c", "d"]) == 2
    assert "(got 4 value(s))" in capsys.readouterr().err
