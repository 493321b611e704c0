"""Property-based fuzzing of every loader a user's file reaches (issue 16).

Each loader gets (a) random documents built from hypothesis' recursive values and
hostile scalars, and (b) the project's own real files with random edits spliced in
(aliases, tags, brackets, huge numbers, control bytes, truncation).  The property:
the loader returns, or raises a :class:`medcloud.errors.MedcloudError` whose message
is one line naming the file (each problem's, when several are reported at once); never
any other exception, never a hang.  Example counts come from the suite's hypothesis
profile (``conftest.FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcloud.errors import MedcloudError, SourceErrors

ROOT = Path(__file__).resolve().parents[3]
REVIEW = ROOT / "tests" / "fixtures" / "review"

#: Fragments that have broken parsers before: aliases, tags, deep nesting, huge or
#: non-finite numbers, control bytes, quotes, and structure characters.
HOSTILE = [
    "&a ", "*a", "*b", "!!python/object:os.system ", "!x ", "<<: *a", "[", "]", "{", "}", ": ", "- ",
    "? ", "---\n", "...\n", "\n  ", "\t", "9" * 30, "9" * 5000, "1e999", ".nan", "-.inf", "NaN", "Infinity",
    "true", "null", "0x7f", "\x1b[2J", "\x00", "\ud800", '"', "'", "\\", "%YAML 1.1\n", "#", ",", "@",
    "[" * 200, "{" * 200, "- " * 200,
]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(HOSTILE),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=30)


@st.composite
def mutated(draw: st.DrawFn, original: str) -> str:
    """``original`` with a few random edits: hostile fragments spliced in, spans cut, the end truncated."""
    text = original
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        kind = draw(st.sampled_from(["insert", "cut", "truncate", "replace"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(HOSTILE)) + text[at:]
        elif kind == "cut":
            text = text[:at] + text[at + draw(st.integers(min_value=1, max_value=40)):]
        elif kind == "truncate":
            text = text[:at]
        else:
            text = text[:at] + draw(st.text(min_size=1, max_size=3)) + text[at + 1:]
    return text


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    path.write_bytes(content)
    return path


def _holds(load: Callable[[Path], Any], path: Path) -> None:
    try:
        load(path)
    except MedcloudError as exc:
        # Several problems in one file (SourceErrors) are reported at once: each is one line.
        for problem in exc.problems if isinstance(exc, SourceErrors) else [exc]:
            message = str(problem)
            assert message and "\n" not in message.strip(), message
    except RecursionError:  # pragma: no cover - the property's failure, reported by name
        pytest.fail(f"RecursionError loading {path.name}")


def _yaml_dump(value: Any) -> str:
    import yaml

    return yaml.safe_dump(value, allow_unicode=True)


# --- loaders -------------------------------------------------------------------------------


def _region(path: Path) -> Any:
    from medcloud.stacks import load_region_file

    return load_region_file(path)


def _stack(path: Path) -> Any:
    from medcloud.stacks import load

    return load(str(path), ROOT)


def _inventory(path: Path) -> Any:
    from medcloud.hardware.inventory import load_inventory

    return load_inventory(path)


def _preview(path: Path) -> Any:
    from medcloud.review.document import load_document
    from medcloud.review.engine import review

    document = load_document(path)
    return review(document, document)  # what `medcloud review` does with it next


def _state(path: Path) -> Any:
    from medcloud.hardware.lab.runner import STATE, Lab

    path.rename(path.with_name(STATE))
    return Lab(path.parent).state()


def _audit(path: Path) -> Any:
    from medcloud.audit import verify_log

    return verify_log(path)


def _report(path: Path) -> Any:
    from medcloud.evidence import verify_report

    return verify_report(path)


def _round_trip(path: Path) -> Any:
    from medcloud.yamlio import RoundTrip

    return RoundTrip(path).dump()  # what `bmc apply` does to edit an inventory in place


YAML_LOADERS = {
    "region": (_region, ROOT / "stacks" / "regions" / "ref002.yaml"),
    "inventory": (_inventory, ROOT / "inventories" / "dev-fabric.yaml"),
    "round-trip": (_round_trip, ROOT / "inventories" / "dev-fabric.yaml"),
}


@pytest.mark.parametrize("kind", sorted(YAML_LOADERS))
@given(data=st.data())
def test_yaml_loaders_survive_mutated_real_files(tmp_path_factory: pytest.TempPathFactory, kind: str,
                                                 data: st.DataObject) -> None:
    load, original = YAML_LOADERS[kind]
    text = data.draw(mutated(original.read_text()))
    _holds(load, _write(tmp_path_factory.mktemp(kind) / original.name, text))


@pytest.mark.parametrize("kind", [*sorted(YAML_LOADERS), "stack"])
@given(value=values)
def test_yaml_loaders_survive_random_documents(tmp_path_factory: pytest.TempPathFactory, kind: str,
                                               value: Any) -> None:
    load = _stack if kind == "stack" else YAML_LOADERS[kind][0]
    document = {"config": {"medcloud:region": value}} if kind == "stack" else value
    _holds(load, _write(tmp_path_factory.mktemp(kind) / "Pulumi.fuzz.yaml", _yaml_dump(document)))


@given(text=st.text(max_size=300))
def test_stack_loader_survives_random_text(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    _holds(_stack, _write(tmp_path_factory.mktemp("stack") / "Pulumi.fuzz.yaml", "config:\n" + text))


JSON_LOADERS = {
    "preview": (_preview, REVIEW / "pulumi_head.json"),
    "state": (_state, None),
}


@pytest.mark.parametrize("kind", ["preview", "preview-offline", "state"])
@given(data=st.data())
def test_json_loaders_survive_mutated_and_random_documents(tmp_path_factory: pytest.TempPathFactory, kind: str,
                                                           data: st.DataObject) -> None:
    if kind == "state":
        original = json.dumps({"run_dir": "x", "scenario": "default", "inventory": "i.yaml", "started": 0,
                               "peers": [{"kind": "bmc", "name": "a", "pid": 123456, "address": "127.0.0.1",
                                          "ports": [1], "log": "l"}],
                               "netns": [], "veths": [], "faults": {}}, indent=1)
        load = _state
    else:
        source = REVIEW / ("offline_base.json" if kind == "preview-offline" else "pulumi_head.json")
        original, load = source.read_text(), _preview
    mutate = data.draw(st.booleans())
    text = data.draw(mutated(original)) if mutate else json.dumps(data.draw(values), allow_nan=True)
    _holds(load, _write(tmp_path_factory.mktemp(kind) / "doc.json", text))


@pytest.fixture(scope="module")
def signed_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    from medcloud.evidence import write_html, write_json

    directory = tmp_path_factory.mktemp("report")
    document = {"format": "medcloud-verify/1", "complete": True, "devices": [{"name": "kp-node-01"}]}
    write_json(directory / "r.json", document, None)
    write_html(directory / "r.html", "<html><body><p>kp-node-01</p></body></html>\n", None)
    return {name: (directory / name).read_bytes() for name in ("r.json", "r.html")}


@pytest.mark.parametrize("name", ["r.json", "r.html"])
@given(data=st.data())
def test_report_verification_survives_mutated_reports(tmp_path_factory: pytest.TempPathFactory,
                                                      signed_report: dict[str, bytes], name: str,
                                                      data: st.DataObject) -> None:
    text = data.draw(mutated(signed_report[name].decode()))
    _holds(_report, _write(tmp_path_factory.mktemp("report") / name, text))


@pytest.fixture(scope="module")
def audit_log(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    from medcloud.audit import Event, append

    log = tmp_path_factory.mktemp("audit") / "audit.jsonl"
    for i in range(4):
        append(Event(action="verify", target=f"n{i}", parameters={"i": i}), log)
    return log.read_bytes(), log.with_name("audit.jsonl.head").read_bytes()


@given(data=st.data())
def test_audit_verification_survives_mutated_logs(tmp_path_factory: pytest.TempPathFactory,
                                                 audit_log: tuple[bytes, bytes], data: st.DataObject) -> None:
    directory = tmp_path_factory.mktemp("audit")
    log, head = audit_log
    _write(directory / "audit.jsonl.head", data.draw(mutated(head.decode())) if data.draw(st.booleans()) else head)
    _holds(_audit, _write(directory / "audit.jsonl", data.draw(mutated(log.decode()))))
