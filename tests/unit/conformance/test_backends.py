"""One conformance suite over every registered backend (NAPALM style): the same assertions per cloud.

Each backend folder holds its type tokens (``types.py``) and its cloud API rules
(``rules.py``); every resource type its reference-stack resources use is covered
by provider rule data; and both reference previews pass provider conformance and
the cloud rules for that cloud's resources (issue 11, done-when).
"""

from __future__ import annotations

import importlib
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


@pytest.mark.parametrize("cloud", sorted(BACKENDS))
@pytest.mark.parametrize("stack", STACKS)
def test_reference_stack_passes_provider_checks_and_cloud_rules(cloud: str, stack: str,
                                                                 reports: dict[str, Report]) -> None:
    report = reports[stack]
    assert [t for t in report.unchecked if t.startswith(f"{cloud}:")] == []
    problems = [f.line() for f in report.findings if f.type.startswith(f"{cloud}:")]
    assert problems == []
