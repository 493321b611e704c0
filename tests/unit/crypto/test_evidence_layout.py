"""The signed JSON report's on-disk layout (:func:`medcloud.evidence.dumps`) is byte for byte what
``json.dumps(sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)`` writes: it is what
``medcloud report verify`` insists on, and reports written before the faster encoder (issue 15)
must still verify.  Anything that is not plain JSON data is left to the standard library, errors
included."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcloud.evidence import dumps

_scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
            | st.floats(allow_nan=False, allow_infinity=False) | st.text())
_documents = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=5)
                          | st.dictionaries(st.text(max_size=8), inner, max_size=5), max_leaves=40)


def _stdlib(document: Any) -> tuple[str, str]:
    try:
        return "ok", json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except (TypeError, ValueError) as exc:
        return type(exc).__name__, str(exc)


def _ours(document: Any) -> tuple[str, str]:
    try:
        return "ok", dumps(document)
    except (TypeError, ValueError) as exc:
        return type(exc).__name__, str(exc)


@settings(max_examples=300, deadline=None)
@given(document=_documents)
def test_layout_is_the_standard_librarys_for_any_json_document(document: Any) -> None:
    assert _ours(document) == _stdlib(document)


class _Text(str):
    pass


class _Number(int):
    pass


_circular: dict[str, Any] = {}
_circular["self"] = _circular


@pytest.mark.parametrize("document", [
    {"empty": {}, "none": [], "nested": [[], {}, [[{}]]]},
    {"text": "quote \" backslash \\ newline \n nul \x00 line-sep \u2028 é 中文 😀", "B": 1, "a": 0, "_": True},
    {"floats": [0.0, -0.0, 1e16, 1e-7, 2.5, 1.7976931348623157e308, 5e-324], "big": 2**80, "bool": [True, False]},
    {"tuple": (1, "two")}, {1: "int key"}, {"mixed": {1: "a", "b": 2}}, {"nan": float("nan")},
    {"inf": [float("-inf")]}, {"subclass": _Text("x")}, {"subclass": _Number(7)}, {"bytes": b"x"},
    {"deep": json.loads("[" * 150 + "]" * 150)}, _circular,
], ids=["empty", "text", "numbers", "tuple", "int-key", "mixed-keys", "nan", "inf", "str-subclass",
        "int-subclass", "bytes", "deep", "circular"])
def test_layout_and_errors_match_the_standard_library(document: Any) -> None:
    assert _ours(document) == _stdlib(document)
