"""One conformance suite over every registered backend (NAPALM style): the same assertions per cloud.

Each backend folder holds its type tokens (``types.py``) and its cloud API rules
(``rules.py``); every resource type its reference-stack resources use is covered
by provider rule data; and both reference previews pass provider conformance and
the cloud rules for that cloud's resources (issue 11, done-when).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest
from medcloud.components.backends.registry import BACKENDS

from medcloud.conformance import Report
from medcloud.conformance.cloud import load_rules
from medcloud.conformance.provider import providers
from medcloud.preview import conformance, preview

ROOT = Path(__file__).resolve().parents[3]
STACKS = ("dev", "ref002")


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {stack: conformance(preview(stack, ROOT)) for stack in STACKS}


@pytest.mark.parametrize("cloud", sorted(BACKENDS))
def test_backend_has_types_rule_data_and_rules(cloud: str) -> None:
    types = importlib.import_module(f"{BACKENDS[cloud]}.types")
    assert f"pulumi:providers:{cloud}" == types.PROVIDER
    assert cloud in providers(), f"no provider rule data for {cloud} (python -m medcloud.conformance.regen)"
    mine = [r for r in load_rules().values() if r.check.__module__ == f"{BACKENDS[cloud]}.rules"]
    assert mine, f"{cloud}: no cloud API rules"
    for rule in mine:
        assert all(t.startswith(f"{cloud}:") for t in rule.types)
    # which inputs force a replacement: the cloud's own data, read by reviews through the registry
    assert types.FORCE_NEW and all(t.startswith(f"{cloud}:") for t in types.FORCE_NEW)


@pytest.mark.parametrize("cloud", sorted(BACKENDS))
def test_every_type_token_is_one_the_provider_sdk_registers(cloud: str) -> None:
    """A misspelt token (or one the provider never had) would match no resource: a probe reading it could
    never fire, and a requirement it backs would silently have no evidence."""
    types = importlib.import_module(f"{BACKENDS[cloud]}.types")
    tokens = {k: v for k, v in vars(types).items()
              if k.isupper() and isinstance(v, str) and re.fullmatch(rf"{cloud}:[\w/]+:\w+", v)}
    assert tokens
    spec = importlib.util.find_spec(f"pulumi_{cloud}")  # located, not imported: importing warns of deprecations
    assert spec is not None and spec.origin is not None
    sdk = Path(spec.origin).parent
    registered = {m.group(1) for path in sdk.rglob("*.py")
                  for m in re.finditer(rf"__init__\(\s*'({cloud}:[\w/]+:\w+)'", path.read_text(encoding="utf-8"))}
    assert registered, f"no resource tokens found in {sdk}"
    assert {k: v for k, v in tokens.items() if v not in registered} == {}


#: The packages that read cloud resources but build none: they import each cloud's constants.
READERS = ("policy", "review", "preview", "compliance")
SRC = ROOT / "src" / "medcloud"


@pytest.mark.parametrize("cloud", sorted(BACKENDS))
def test_readers_import_the_clouds_constants_instead_of_restating_them(cloud: str) -> None:
    """Type tokens and contract strings (``medcloud:encryption``, ``medcloud-worm``…) are defined once, in
    ``<backend>/types.py``; policy/, review/, preview/ and compliance/ import them (issue 11 item 4)."""
    types = importlib.import_module(f"{BACKENDS[cloud]}.types")
    constants = {v for k, v in vars(types).items() if k.isupper() and isinstance(v, str)}
    token = re.compile(rf"[\"']{cloud}:[\w/]+:\w+[\"']")
    restated = []
    for package in READERS:
        for path in sorted((SRC / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            restated += [f"{path.relative_to(ROOT)}: {v}" for v in sorted(constants)
                         if f'"{v}"' in text or f"'{v}'" in text]
            restated += [f"{path.relative_to(ROOT)}: {m.group()}" for m in token.finditer(text)]
    assert restated == []


@pytest.mark.parametrize("cloud", sorted(BACKENDS))
@pytest.mark.parametrize("stack", STACKS)
def test_reference_stack_passes_provider_checks_and_cloud_rules(cloud: str, stack: str,
                                                                 reports: dict[str, Report]) -> None:
    report = reports[stack]
    assert [t for t in report.unchecked if t.startswith(f"{cloud}:")] == []
    problems = [f.line() for f in report.findings if f.type.startswith(f"{cloud}:")]
    assert problems == []
