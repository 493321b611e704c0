"""The YAML boundary (medcloud.yamlio): merge keys, positions, every error at once, "did you mean", stdin."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from medcloud.errors import SourceError, SourceErrors
from medcloud.yamlio import field_names, load_document, parse_yaml, validate

ROOT = Path(__file__).resolve().parents[3]
DEV = ROOT / "stacks" / "regions" / "dev.yaml"


class Port(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: int = Field(ge=1, le=65535)


class Host(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    user: str
    port: int = Field(ge=1, le=65535)
    ports: tuple[Port, ...] = ()
    alias_field: str | None = Field(default=None, alias="nick")


class Fleet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hosts: tuple[Host, ...]
    by_role: dict[str, Host] = {}


MERGED = """\
defaults: &kp
  user: admin
  port: 623
other: &other {port: 1, user: root}
host:
  name: a
  <<: [*kp, *other]
  port: 9
quoted:
  "<<": literal
"""


def test_merge_keys_follow_the_yaml_merge_spec() -> None:
    """Explicit keys win over merged ones; in a list of mappings the earlier one wins (yaml.org/type/merge)."""
    document = parse_yaml(MERGED, Path("m.yaml"))
    assert document.data["host"] == {"name": "a", "port": 9, "user": "admin"}
    # A quoted "<<" is an ordinary key, not a merge.
    assert document.data["quoted"] == {"<<": "literal"}
    # A merged key is found where it was written (the anchor's mapping), an explicit one where it stands.
    assert document.position(("host", "user")) == (2, 3)
    assert document.position(("host", "port")) == (8, 3)


def test_a_merged_mapping_validates_and_its_errors_point_into_the_anchor() -> None:
    text = "defaults: &d {user: admin, port: 70000}\nhosts:\n  - name: a\n    <<: *d\n"
    with pytest.raises(SourceErrors) as caught:
        validate(Fleet, parse_yaml(text, Path("f.yaml")))
    # The bad value was written at line 1 (in the anchor), not where it was merged.
    assert [str(p) for p in caught.value.problems] == [
        "f.yaml:1:1: defaults: unknown field",
        "f.yaml:1:28: hosts[0](a).port: Input should be less than or equal to 65535",
    ]
    fixed = parse_yaml(text.replace("70000", "623"), Path("f.yaml"))
    with pytest.raises(SourceError, match="defaults: unknown field"):
        validate(Fleet, fixed)


@pytest.mark.parametrize(("text", "reason"), [
    ("a:\n  <<: 3\n", "a merge key (<<) takes a mapping or a list of mappings"),
    ("a:\n  <<: [{x: 1}, 2]\n", "a merge key (<<) takes a mapping or a list of mappings"),
    ("a:\n  <<: {x: 1}\n  <<: {y: 1}\n", "duplicate key '<<'"),
    ("a: &x\n  <<: *x\n", "refers to no finished anchor"),
])
def test_a_bad_merge_is_refused_at_its_place(text: str, reason: str) -> None:
    with pytest.raises(SourceError, match=r"^m\.yaml:\d+:\d+: ") as caught:
        parse_yaml(text, Path("m.yaml"))
    assert reason in caught.value.reason


def test_merges_cannot_smuggle_an_alias_bomb() -> None:
    """Each level merges the one below twice: counted at its expanded size, refused like any alias bomb."""
    lines = ["l0: &l0 {a: 1, b: 2}"]
    for i in range(1, 30):
        lines.append(f"l{i}: &l{i}\n  x: [*l{i - 1}, *l{i - 1}]\n  <<: *l{i - 1}")
    with pytest.raises(SourceError, match="alias bomb"):
        parse_yaml("\n".join(lines) + "\n", Path("bomb.yaml"))


def test_every_mistake_is_reported_at_once_in_file_order() -> None:
    text = """\
hosts:
  - name: a
    usr: admin
    port: 0
  - name: b
    user: root
    port: many
    ports: [{number: 99999}, {nmber: 1}]
by_role:
  web: {name: c, user: x, port: 1, colour: blue}
"""
    with pytest.raises(SourceErrors) as caught:
        validate(Fleet, parse_yaml(text, Path("six.yaml")))
    lines = str(caught.value).splitlines()
    assert lines == [
        "six.yaml:3:5: hosts[0](a).usr: unknown field; did you mean 'user'? (a required field)",
        "six.yaml:4:5: hosts[0](a).port: Input should be greater than or equal to 1",
        "six.yaml:7:5: hosts[1](b).port: Input should be a valid integer",
        "six.yaml:8:14: hosts[1](b).ports[0].number: Input should be less than or equal to 65535",
        "six.yaml:8:31: hosts[1](b).ports[1].nmber: unknown field; did you mean 'number'? (a required field)",
        "six.yaml:10:36: by_role.web.colour: unknown field",
    ]
    assert len(caught.value.problems) == 6
    # The exception still reads as its first problem for code that expects one SourceError.
    assert (caught.value.line, caught.value.field) == (3, "hosts[0](a).usr")


def test_field_names_follow_lists_dicts_unions_and_aliases() -> None:
    assert field_names(Fleet, ("hosts", 3)) >= {"name", "user", "port", "ports", "nick", "alias_field"}
    assert field_names(Fleet, ("by_role", "web", "ports", 0)) == {"number"}
    assert field_names(Fleet, ("nowhere",)) == set()


def test_the_real_region_gets_suggestions_from_its_own_models(tmp_path: Path) -> None:
    from medcloud.stacks import load_region_file

    text = DEV.read_text(encoding="utf-8").replace("    cloud_region: RegionOne", "    cloud_regoin: RegionOne", 1)
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_region_file(tmp_path / "r.yaml")
    assert "cloud_regoin: unknown field; did you mean 'cloud_region'?" in str(caught.value)


def test_dash_reads_standard_input_once_and_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a: [1, 2\n"))
    with pytest.raises(SourceError, match=r"^<stdin>:\d+:\d+: invalid YAML"):
        load_document(Path("-"))
    monkeypatch.setattr("sys.stdin", io.StringIO("a: 1\n"))
    first = load_document(Path("-"))
    again = load_document(Path("-"))  # the same input, not an empty second read
    assert first.data == again.data == {"a": 1}
    assert str(first.path) == "<stdin>"


def test_dash_refuses_a_terminal_instead_of_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal(""))
    with pytest.raises(SourceError, match="standard input, which is a terminal"):
        load_document(Path("-"))


def test_round_trip_keeps_comments_anchors_merges_and_quoting(tmp_path: Path) -> None:
    from medcloud.yamlio import RoundTrip

    text = """\
# header
defaults: &kp
  user: admin   # the shared part
hosts:
  - name: a     # first
    <<: *kp
    secret: "sealed-1"
  - {name: b, <<: *kp}
"""
    path = tmp_path / "inv.yaml"
    path.write_text(text, encoding="utf-8")
    edit = RoundTrip(path)
    edit.data["hosts"][0]["secret"] = RoundTrip.styled(edit.data["hosts"][0]["secret"], "sealed-2")
    assert edit.dump() == text.replace('"sealed-1"', '"sealed-2"')


def test_round_trip_refuses_hostile_yaml_before_building_it(tmp_path: Path) -> None:
    from medcloud.yamlio import RoundTrip

    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    (tmp_path / "bomb.yaml").write_text("\n".join(levels) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"bomb\.yaml:\d+:\d+: .*alias bomb"):
        RoundTrip(tmp_path / "bomb.yaml")


def test_round_trip_takes_a_reused_anchor_without_a_warning(tmp_path: Path) -> None:
    """Found by the fuzzer: ruamel.yaml warns (an error under -W error) where the YAML is valid."""
    from medcloud.yamlio import RoundTrip

    (tmp_path / "a.yaml").write_text("a: &a 1\nb: &a 2\nc: *a\n", encoding="utf-8")
    assert RoundTrip(tmp_path / "a.yaml").dump() == "a: &a 1\nb: &a 2\nc: *a\n"


def test_a_misspelt_choice_gets_a_suggestion_too(tmp_path: Path) -> None:
    from medcloud.stacks import load_region_file

    text = DEV.read_text(encoding="utf-8").replace("    role: production", "    role: produktion", 1)
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=r"role: Input should be .*; did you mean 'production'\?"):
        load_region_file(tmp_path / "r.yaml")


def test_a_dangling_reference_gets_a_suggestion(tmp_path: Path) -> None:
    from medcloud.stacks import load_region_file

    text = DEV.read_text(encoding="utf-8")
    assert "centre: gz-prod" in text
    (tmp_path / "r.yaml").write_text(text.replace("centre: gz-prod", "centre: gz-prd", 1), encoding="utf-8")
    with pytest.raises(SourceError, match=r"no centre named 'gz-prd'; did you mean 'gz-prod'\?"):
        load_region_file(tmp_path / "r.yaml")
