"""Helpers to call policies the way the Pulumi analyzer does: real pulumi_policy argument objects."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.proxy import unknown_checking_proxy

from medcloud.policy import to_pulumi
from medcloud.policy.registry import PolicySpec
from medcloud.stacks import load

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "policy"
STACK = "urn:pulumi:dev::medcloud::"


def urn(kind: str, name: str) -> str:
    return f"{STACK}{kind}::{name}"


def options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def fixture(name: str) -> Any:
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))


def call_resource(spec: PolicySpec, kind: str, name: str, inputs: Mapping[str, Any],
                  config: Mapping[str, Any] | None = None) -> list[str]:
    """Run the pulumi_policy ResourceValidationPolicy built from ``spec`` on one resource."""
    policy = to_pulumi([spec])[0]
    args = ResourceValidationArgs(kind, unknown_checking_proxy(copy.deepcopy(dict(inputs))), urn(kind, name),
                                  name, options(), None, dict(config or {}))
    messages: list[str] = []
    result = policy.validate(args, lambda message, _urn=None: messages.append(message))
    assert result is None  # synchronous policies
    return messages


def call_stack(spec: PolicySpec, resources: list[Mapping[str, Any]]) -> list[tuple[str, str | None]]:
    policy = to_pulumi([spec])[0]
    items = [PolicyResource(r["type"], unknown_checking_proxy(copy.deepcopy(dict(r["inputs"]))),
                            urn(r["type"], r["name"]), r["name"], options(), None, None, [], {})
             for r in resources]
    by_name = {r.name: r for r in items}
    for raw, item in zip(resources, items, strict=True):
        if raw.get("parent"):
            item.parent = by_name[raw["parent"]]
            item.opts.parent = item.parent.urn
    reports: list[tuple[str, str | None]] = []
    policy.validate(StackValidationArgs(items, {}), lambda message, u=None: reports.append((message, u)))
    return reports


def edit(data: Any, path: str, value: Any) -> None:
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = data
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value


@pytest.fixture(scope="session")
def dev_model() -> dict[str, Any]:
    return load("dev", Path(__file__).resolve().parents[3]).region.model_dump(mode="json")


@pytest.fixture(scope="session")
def ref002_model() -> dict[str, Any]:
    return load("ref002", Path(__file__).resolve().parents[3]).region.model_dump(mode="json")
