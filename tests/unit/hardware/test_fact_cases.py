"""Fact parsers as data (pyinfra style): every case is a capture plus the fact it must give.

``tests/fixtures/hardware/cases/<module>.<parser>/<case>.yaml`` holds one case::

    source: https://github.com/…      # where the capture comes from (also in the fixtures README)
    input: os/alinux-3.txt             # a fixture file, or {command: file} for a whole SSH fact
    expect: {id: alinux}               # attributes the parsed fact must have (a subset)
    domestic: true                     # optional: the R-HW verdict the fact must lead to
    error: "regex"                     # instead of expect: the parser must refuse the input

One generic test runs them all; another makes sure every parser in
``medcloud.hardware.facts`` has cases, so a new parser cannot ship untested.
Requirement IDs: R-HW-01 (CPU), R-HW-02 (memory, NVMe, NICs), R-HW-03 (BMC), R-HW-04 (OS),
R-HW-06 (switches).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import pkgutil
import re
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from medcloud.hardware import facts as facts_package
from medcloud.hardware.facts.base import ParseError, SSHFact
from medcloud.hardware.transports import snmprec
from medcloud.hardware.transports.base import CommandResult, IPMICapture, Varbind

from medcloud.model import standards

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hardware"
CASES = FIXTURES / "cases"


def parsers() -> dict[str, Callable[[Any], Any]]:
    """``module.name`` → parser, for every ``parse_*`` function and ``FACT`` in the facts package."""
    found: dict[str, Callable[[Any], Any]] = {}
    for info in pkgutil.iter_modules(facts_package.__path__):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{facts_package.__name__}.{info.name}")
        for name, value in vars(module).items():
            if name.startswith("parse_") and inspect.isfunction(value) and value.__module__ == module.__name__:
                found[f"{info.name}.{name}"] = value
            elif name == "FACT" and isinstance(value, SSHFact):
                found[f"{info.name}.FACT"] = value.parse
    return found


PARSERS = parsers()


def _input_kind(parser: Callable[[Any], Any]) -> Any:
    first = next(iter(inspect.signature(parser).parameters))
    return typing.get_type_hints(parser)[first]


def _command_result(spec: Any) -> CommandResult:
    if isinstance(spec, str):
        return CommandResult((FIXTURES / spec).read_text("utf-8"))
    stdout = (FIXTURES / spec["file"]).read_text("utf-8") if "file" in spec else spec.get("stdout", "")
    return CommandResult(stdout, spec.get("stderr", ""), spec.get("exit", 0))


def load_input(parser: Callable[[Any], Any], case: Mapping[str, Any]) -> Any:
    kind = _input_kind(parser)
    spec = case["input"]
    if kind is str:
        return spec["text"] if isinstance(spec, Mapping) else (FIXTURES / spec).read_text("utf-8")
    if kind is IPMICapture:
        return IPMICapture.from_json(json.loads((FIXTURES / spec).read_text("utf-8")))
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin is not None and issubclass(origin, Sequence) and args == (Varbind,):
        return snmprec.load(FIXTURES / spec)
    if origin is not None and issubclass(origin, Mapping) and args == (str, CommandResult):
        return {name: _command_result(result) for name, result in spec.items()}
    raise AssertionError(f"no loader for parser input {kind!r}")


def _get(actual: Any, key: str) -> Any:
    if isinstance(actual, Mapping):
        return actual[key]
    return getattr(actual, key)


def mismatches(actual: Any, expected: Any, where: str = "fact") -> Iterator[str]:
    """Where ``actual`` differs from ``expected``.

    Dicts are subsets; on sequences ``$len``, ``$any``, ``$none`` and ``$all`` test the items.
    """
    if isinstance(expected, Mapping):
        for key, want in expected.items():
            if key == "$len":
                if len(actual) != want:
                    yield f"{where}: {len(actual)} items, expected {want}"
            elif key == "$any":
                for index, item_want in enumerate(want):
                    if not any(not list(mismatches(item, item_want)) for item in actual):
                        yield f"{where}: no item matches $any[{index}] {item_want!r}"
            elif key == "$none":
                for index, item_want in enumerate(want):
                    if any(not list(mismatches(item, item_want)) for item in actual):
                        yield f"{where}: an item matches $none[{index}] {item_want!r}"
            elif key == "$all":
                for index, item in enumerate(actual):
                    yield from mismatches(item, want, f"{where}[{index}]")
            else:
                try:
                    value = _get(actual, key)
                except (AttributeError, KeyError):
                    yield f"{where}: has no {key!r}"
                    continue
                yield from mismatches(value, want, f"{where}.{key}")
    elif isinstance(expected, list):
        items = list(actual)
        if len(items) != len(expected):
            yield f"{where}: {len(items)} items, expected {len(expected)}"
        for index, (item, want) in enumerate(zip(items, expected, strict=False)):
            yield from mismatches(item, want, f"{where}[{index}]")
    elif actual != expected:
        yield f"{where}: {actual!r}, expected {expected!r}"


#: What a fact must lead to for R-HW: the verdict a case's ``domestic`` key states.
VERDICTS: dict[str, Callable[[Any], bool]] = {
    "os_release": lambda fact: fact.id in standards.DOMESTIC_OS_IDS,
    "cpu": lambda fact: fact.family in standards.DOMESTIC_CPU_FAMILIES,
    "switch": lambda fact: (fact.system if hasattr(fact, "system") else fact).enterprise
    in standards.DOMESTIC_SWITCH_ENTERPRISES,
    "nvme": lambda fact: all(c.vendor in DOMESTIC_NVME for c in fact),
}
DOMESTIC_NVME = frozenset({"memblaze", "dera", "huawei", "ymtc", "dapustor", "innogrit", "umis", "maxio", "netac"})


def all_cases() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*/*.yaml")):
        out.append(pytest.param(path.parent.name, path, id=f"{path.parent.name}/{path.stem}"))
    return out


@pytest.mark.parametrize(("parser_id", "path"), all_cases())
def test_fact_case(parser_id: str, path: Path) -> None:
    case = yaml.safe_load(path.read_text("utf-8"))
    assert parser_id in PARSERS, f"{path}: no parser {parser_id} in medcloud.hardware.facts"
    assert case.get("source"), f"{path}: every case names the source of its capture"
    parser = PARSERS[parser_id]
    data = load_input(parser, case)
    if "error" in case:
        with pytest.raises(ParseError, match=case["error"]):
            parser(data)
        return
    fact = parser(data)
    problems = list(mismatches(fact, case["expect"]))
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)
    if "domestic" in case:
        verdict = VERDICTS[parser_id.split(".", maxsplit=1)[0]](fact)
        assert verdict is case["domestic"], f"{path}: domestic verdict {verdict}, expected {case['domestic']}"


def test_every_parser_has_cases() -> None:
    """A parser without cases is a parser nobody has run on real output."""
    covered = {path.name for path in CASES.iterdir() if path.is_dir() and any(path.glob("*.yaml"))}
    missing = sorted(set(PARSERS) - covered)
    assert not missing, f"parsers without fixture cases in {CASES}: {missing}"
    unknown = sorted(covered - set(PARSERS))
    assert not unknown, f"case folders naming no parser: {unknown}"


def test_every_case_capture_is_cited_in_the_fixtures_readme() -> None:
    readme = (FIXTURES / "README.md").read_text("utf-8")
    uncited = set()
    for path in CASES.glob("*/*.yaml"):
        spec = yaml.safe_load(path.read_text("utf-8"))["input"]
        files = [spec] if isinstance(spec, str) else [
            v if isinstance(v, str) else v.get("file") for v in spec.values()] if "text" not in spec else []
        uncited |= {f for f in files if f and f"`{f}`" not in readme and f"`{f.split('/')[0]}/*" not in readme}
    assert not uncited, f"captures not cited in the fixtures README: {sorted(uncited)}"


def test_matcher_reports_differences() -> None:
    @dataclasses.dataclass
    class Fact:
        id: str
        items: tuple[int, ...]

    assert list(mismatches(Fact("a", (1, 2)), {"id": "a", "items": {"$len": 2, "$any": [2], "$none": [3]}})) == []
    assert list(mismatches(Fact("a", (1, 2)), {"items": {"$none": [2]}})) == ["fact.items: an item matches $none[0] 2"]
    problems = list(mismatches(Fact("a", (1,)), {"id": "b", "items": [1, 2], "other": 1}))
    assert [re.sub(r"'.*", "", p) for p in problems] == [
        "fact.id: ", "fact.items: 1 items, expected 2", "fact: has no "]
