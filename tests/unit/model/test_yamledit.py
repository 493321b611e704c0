"""In-place YAML edits (``medcloud.yamledit``): only the changed values' text moves, the rest stays byte for byte.

What ``bmc apply`` does to an inventory (R-SEC-04: per-BMC sealed credentials written back
atomically) rests on this: the result must read back as exactly the edited data, and anything the
splicer cannot do goes through ruamel.yaml's round trip instead, checked the same way.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcloud import yamledit
from medcloud.yamledit import Edit, identical
from medcloud.yamlio import parse_yaml

INVENTORY = """\
# header comment
credentials:   # sealed only
  bmc-admin: {kind: ipmi, username: admin, password: "sealed-1"}
  ops: {kind: ipmi, username: ops, privilege: operator, password: "sealed-2"}   # the operators
  ssh:
    kind: ssh
    username: root
    password: 'sealed-3'
# servers follow
servers:
  - name: n0    # first
    bmc: {address: 127.0.0.1, credential: bmc-admin, accounts: [ops]}
  - name: n1
    bmc:
      address: 127.0.0.2
      credential: bmc-admin
"""


@pytest.fixture
def edit(tmp_path: Path) -> Edit:
    path = tmp_path / "inv.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return Edit(path)


@pytest.fixture
def no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Edit) -> str:
        raise AssertionError("the splicer should have made this edit")

    monkeypatch.setattr(Edit, "_round_trip", refuse)


def test_changed_scalars_keep_their_quoting_and_every_other_line(edit: Edit, no_fallback: None) -> None:
    edit.data["credentials"]["bmc-admin"]["password"] = "sealed-9"
    edit.data["credentials"]["ssh"]["password"] = "it's sealed"
    edit.data["servers"][1]["bmc"]["credential"] = "n1-bmc-admin"
    text = edit.dump()
    assert text == (INVENTORY.replace('"sealed-1"', '"sealed-9"').replace("'sealed-3'", "'it''s sealed'")
                    .replace("      credential: bmc-admin", "      credential: n1-bmc-admin"))


def test_entries_added_and_removed_in_the_style_of_their_siblings(edit: Edit, no_fallback: None) -> None:
    credentials = edit.data["credentials"]
    copied = copy.deepcopy(credentials["ops"])
    copied["previous_password"] = "sealed-2"
    copied["password"] = "sealed-8"
    credentials["n0-ops"] = copied
    credentials["bmc-admin"]["rotated"] = dt.date(2026, 11, 30)
    credentials["ssh"]["rotated"] = dt.date(2026, 11, 30)
    del credentials["ops"]
    edit.data["servers"][0]["bmc"]["accounts"] = ["n0-ops"]
    del edit.data["servers"][0]["bmc"]["address"]
    text = edit.dump()
    ops_line = '  ops: {kind: ipmi, username: ops, privilege: operator, password: "sealed-2"}   # the operators\n'
    assert text == INVENTORY.replace('"sealed-1"}', '"sealed-1", rotated: 2026-11-30}').replace(ops_line, "").replace(
        "    password: 'sealed-3'\n", "    password: 'sealed-3'\n    rotated: 2026-11-30\n"
        '  n0-ops: {kind: ipmi, username: ops, privilege: operator, password: "sealed-8", '
        'previous_password: "sealed-2"}\n').replace(
        "{address: 127.0.0.1, credential: bmc-admin, accounts: [ops]}", "{credential: bmc-admin, accounts: [n0-ops]}")


def test_the_result_is_the_base_of_the_next_dump(edit: Edit, no_fallback: None) -> None:
    edit.data["credentials"]["bmc-admin"]["password"] = "sealed-9"
    first = edit.dump()
    edit.data["credentials"]["bmc-admin"]["password"] = "sealed-10"
    assert edit.dump() == first.replace("sealed-9", "sealed-10")
    assert identical(edit.document.data, edit.data) and edit.document.data is not edit.data


def test_what_the_splicer_does_not_do_goes_through_the_round_trip(tmp_path: Path) -> None:
    """A merge key (its entries are not in the mapping's own text) and a growing block sequence."""
    path = tmp_path / "merge.yaml"
    path.write_text("base: &b {user: admin}\nhost:\n  <<: *b\n  secret: x   # kept\nlist:\n  - 1\n", encoding="utf-8")
    edit = Edit(path)
    edit.data["host"]["secret"] = "y"
    edit.data["list"].append(2)
    text = edit.dump()
    assert "# kept" in text
    assert identical(parse_yaml(text, path).data, {"base": {"user": "admin"},
                                                   "host": {"user": "admin", "secret": "y"}, "list": [1, 2]})


def test_a_result_that_would_not_read_back_is_never_returned(edit: Edit, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamledit, "_splice", lambda text, old, new: text)  # a splicer bug: nothing changed
    monkeypatch.setattr(Edit, "_round_trip", lambda self: self._text)  # and the fallback too
    edit.data["credentials"]["bmc-admin"]["password"] = "sealed-9"
    with pytest.raises(Exception, match="would not hold the intended values"):
        edit.dump()


def test_identical_tells_types_apart() -> None:
    assert identical({"a": [1, "x"]}, {"a": [1, "x"]})
    assert not identical(1, True) and not identical(1, 1.0) and not identical({"a": 1}, {"a": 1, "b": 2})


_scalars = st.one_of(st.text(max_size=12), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.booleans(),
                     st.none(), st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
_keys = st.sampled_from(["password", "username", "rotated", "new key", "previous_password", "x:y", "#c"])


@settings(max_examples=int(os.environ.get("EDIT_EXAMPLES", "60")), deadline=None)
@given(changes=st.lists(st.tuples(st.sampled_from(["bmc-admin", "ops", "ssh", "fresh", 0, 1]), _keys,
                                  st.one_of(_scalars, st.lists(_scalars, max_size=3)), st.booleans()), max_size=6))
def test_any_edit_reads_back_as_the_edited_data(tmp_path_factory: pytest.TempPathFactory,
                                                 changes: list[tuple[str | int, str, Any, bool]]) -> None:
    """Credentials and servers' BMC entries get values set, replaced (a scalar by a list too) and removed."""
    path = tmp_path_factory.mktemp("edit") / "inv.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    edit = Edit(path)
    for name, key, value, remove in changes:
        entry = (edit.data["servers"][name]["bmc"] if isinstance(name, int)
                 else edit.data["credentials"].setdefault(name, {"kind": "ipmi"}))
        if remove and len(entry) > 1:
            entry.pop(key, None)
        else:
            entry[key] = value
    text = edit.dump()
    assert identical(parse_yaml(text, path).data, edit.data)
    assert text.startswith("# header comment\ncredentials:   # sealed only\n")
    assert "# servers follow\n" in text
