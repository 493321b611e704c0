"""The input boundary (issue 16): every file a user hands in is size-, shape- and alias-checked.

Each case goes through the real command a user would run and must end with exit 2, one line
on stderr naming the file, no traceback, and within milliseconds (a 342-byte alias bomb
used to take 5 GB and 88 s).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from medcloud.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "review"
BASE = FIXTURES / "offline_base.json"

#: The billion-laughs bomb: nine levels of nine aliases, 342 bytes of YAML.
ALIAS_BOMB = "\n".join(
    [f'a: &a [{",".join(["lol"] * 9)}]']
    + [f"{c}: &{c} [{','.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
) + "\n"

HOSTILE_YAML = {
    "alias-bomb": (ALIAS_BOMB, "alias bomb"),
    "deep-block": ("- " * 100_000 + "x\n", "nest"),
    "deep-flow": ("[" * 100_000 + "]" * 100_000 + "\n", "nest"),
    "recursive-alias": ("a: &a [*a]\n", "refers to no finished anchor"),
    "huge-int": ("name: " + "9" * 5000 + "\n", "integer out of range"),
    "infinite-float": ("name: .inf\n", "not a finite number"),
    "nan": ("name: .nan\n", "not a finite number"),
    "python-tag": ("name: !!python/object:os.system ls\n", "unknown YAML tag"),
    "two-documents": ("a: 1\n---\nb: 2\n", "single document"),
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert err.startswith("medcloud: error: ") and err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, err


@pytest.mark.parametrize("case", sorted(HOSTILE_YAML))
@pytest.mark.parametrize("command", ["validate", "verify", "secret-scan"])
def test_hostile_yaml_is_refused_by_every_yaml_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, command: str
) -> None:
    text, reason = HOSTILE_YAML[case]
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    argv = {"validate": ["validate", str(path)],
            "verify": ["verify", str(path), "--out", str(tmp_path / "out")],
            "secret-scan": ["secret", "scan", str(path)]}[command]
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err, str(path), reason)
    assert not (tmp_path / "out").exists()


def test_a_stack_whose_region_is_a_bomb_is_refused_by_preview(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "stacks" / "regions").mkdir(parents=True)
    (tmp_path / "stacks" / "regions" / "bomb.yaml").write_text(ALIAS_BOMB)
    stack = tmp_path / "stacks" / "Pulumi.bomb.yaml"
    stack.write_text("config:\n  medcloud:region: regions/bomb.yaml\n")
    code, _, err = run(capsys, "preview", str(stack))
    assert_one_line_error(code, err, "bomb.yaml", "alias bomb")


@pytest.mark.parametrize("kind", ["fifo", "directory", "symlink-loop", "device"])
def test_only_regular_files_are_read(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    path = tmp_path / "inventory.yaml"
    if kind == "fifo":
        os.mkfifo(path)  # reading it used to hang verify forever
    elif kind == "directory":
        path.mkdir()
    elif kind == "symlink-loop":
        path.symlink_to(tmp_path / "loop.yaml")
        (tmp_path / "loop.yaml").symlink_to(path)
    else:
        path.symlink_to("/dev/zero")
    for argv in (["verify", str(path), "--out", str(tmp_path / "out")], ["validate", str(path)],
                 ["review", str(path), str(BASE)]):
        code, _, err = run(capsys, *argv)
        assert_one_line_error(code, err, str(path))


HOSTILE_JSON = {
    "infinity": ('{"steps": [], "x": Infinity}', "not a finite number"),
    "nan": ('{"steps": [NaN]}', "not a finite number"),
    "overflowing-float": ('{"steps": [], "x": 1e999}', "not a finite number"),
    "huge-int": ('{"steps": [], "x": ' + "9" * 5000 + "}", "integer out of range"),
    "deep": ("[" * 100_000 + "]" * 100_000, "nested more than"),
    "moderately-deep": ('{"steps": []' + ', "x": ' + "[" * 200 + "]" * 200 + "}", "nested more than"),
}

_STEP = {"op": "create", "urn": "urn:pulumi:dev::medcloud::openstack:networking/network:Network::n",
         "newState": {"type": "openstack:networking/network:Network", "custom": True, "inputs": {}}}


def _step(**changes: object) -> str:
    step = json.loads(json.dumps(_STEP))
    for path, value in changes.items():
        node = step
        *parents, last = path.split("__")
        for part in parents:
            node = node[part]
        node[last] = value
    return json.dumps({"steps": [step]})


WRONG_SHAPES = {
    "dependencies-number": (_step(newState__dependencies=7), "steps[0].newState.dependencies"),
    "diff-reasons-string": (_step(diffReasons="cidr"), "steps[0].diffReasons"),
    "diff-reasons-objects": (_step(diffReasons=[{"a": 1}]), "steps[0].diffReasons"),
    "property-deps-list": (_step(newState__propertyDependencies=[1]), "propertyDependencies"),
    "property-deps-values": (_step(newState__propertyDependencies={"a": 3}), "propertyDependencies.a"),
    "custom-string": (_step(newState__custom="yes"), "steps[0].newState.custom"),
    "parent-number": (_step(newState__parent=5), "steps[0].newState.parent"),
    "detailed-diff-list": (_step(detailedDiff=[1]), "steps[0].detailedDiff"),
    "violations-strings": ('{"steps": [], "policyViolations": ["x"]}', "policyViolations"),
    "steps-object": ('{"steps": {}}', "steps"),
    "top-level-list": ("[]", "a preview document is a JSON object"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_JSON) + sorted(WRONG_SHAPES))
@pytest.mark.parametrize("side", ["base", "head"])
def test_review_refuses_hostile_json_and_wrong_shapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, side: str
) -> None:
    text, reason = HOSTILE_JSON.get(case) or WRONG_SHAPES[case]
    path = tmp_path / "preview.json"
    path.write_text(text)
    argv = [str(path), str(BASE)] if side == "base" else [str(BASE), str(path)]
    out = tmp_path / "review.md"
    code, _, err = run(capsys, "review", *argv, "--format", "markdown", "--output", str(out))
    assert_one_line_error(code, err, str(path), reason)
    assert not out.exists()


@pytest.mark.parametrize("argv", [
    ["graph", "dev", "--out", "DIR"],
    ["graph", "dev", "--out", "FILE/x.svg"],
    ["switch", "render", "inventories/dev-fabric.yaml", "--out", "FILE"],
    ["appliance", "render", "dev", "--out", "FILE"],
    ["report", "convert", "REPORT", "--format", "junit", "--out", "DIR"],
    ["report", "sign", "REPORT", "--out", "DIR"],
    ["secret", "keygen", "--out", "DIR"],
    ["lab", "--dir", "LAB", "up", "--no-ssh", "--servers", "1", "--switches", "0", "--inventory", "DIR"],
], ids=lambda argv: "-".join(a for a in argv[:2] if a.isalpha()))
def test_an_output_that_cannot_be_written_is_refused_before_the_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str],
) -> None:
    """A directory where a file goes, a file where a directory goes, a path under a file: exit 2 with one
    line naming the option, before anything is read, rendered, generated or started."""
    root = Path(__file__).resolve().parents[3]
    monkeypatch.chdir(root)
    (tmp_path / "DIR").mkdir()
    (tmp_path / "FILE").write_text("keep\n")
    report = tmp_path / "REPORT.json"
    report.write_text('{"format": "medcloud-verify/1"}')
    names = {"DIR": tmp_path / "DIR", "FILE": tmp_path / "FILE", "FILE/x.svg": tmp_path / "FILE" / "x.svg",
             "REPORT": report, "LAB": tmp_path / "lab"}
    code, _, err = run(capsys, *(str(names.get(a, a)) for a in argv))
    assert_one_line_error(code, err, "--out" if "--out" in argv else "--inventory")
    made = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("audit"))  # the record: see conftest
    assert made == ["DIR", "FILE", "REPORT.json"]  # no lab, no key
    assert list((tmp_path / "DIR").iterdir()) == [] and (tmp_path / "FILE").read_text() == "keep\n"
    assert report.read_text() == '{"format": "medcloud-verify/1"}'


def test_a_write_that_fails_late_is_one_line_naming_the_path(tmp_path: Path) -> None:
    """Past the checks (a disk that fills, a name taken meanwhile), a write still ends as an OutputError."""
    from medcloud.errors import OutputError
    from medcloud.yamlio import write_atomic

    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(Path("/dev/full/x"), "data")
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("x")
    with pytest.raises(OutputError, match=f"{target}: cannot write"):
        write_atomic(target, "data")  # a directory appeared where the file goes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # the temporary file is gone


@pytest.mark.parametrize("kind", ["fifo", "directory", "device", "huge"])
def test_r_sec_03_a_key_file_must_be_a_small_regular_file(tmp_path: Path, kind: str) -> None:
    """MEDCLOUD_SECRET_KEY_FILE naming a FIFO used to block the command for ever; a device, never end."""
    from medcloud.errors import SecretError
    from medcloud.secrets.keys import read_key_file

    path = tmp_path / "key"
    if kind == "fifo":
        os.mkfifo(path, 0o600)
    elif kind == "directory":
        path.mkdir(mode=0o700)
    elif kind == "device":
        path = Path("/dev/zero")
    else:
        path.write_text("0" * 32 + "\n" + " " * 10_000)
        path.chmod(0o600)
    with pytest.raises(SecretError, match=r"not a regular file|larger than"):
        read_key_file(path)


@pytest.mark.parametrize("name", ["\\0", "regions/dev\\0.yaml", "x" * 5000])
def test_a_region_name_the_system_refuses_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      name: str) -> None:
    """Found by the fuzzer: a NUL byte in ``medcloud:region`` was a ValueError traceback."""
    stack = tmp_path / "Pulumi.bad.yaml"
    stack.write_text(f'config:\n  medcloud:region: "{name}"\n')
    code, _, err = run(capsys, "validate", str(stack))
    assert_one_line_error(code, err, "medcloud:region")
