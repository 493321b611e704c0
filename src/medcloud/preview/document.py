"""The preview as ``pulumi preview --json`` would print it, and as a readable tree.

Steps come in a deterministic order: a topological order over parents,
dependencies and providers with ties broken by URN, so two previews of the
same tree are byte-identical whatever order the SDK's threads registered in.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from medcloud.preview.engine import Registration, RunResult


def provider_urn(ref: str) -> str:
    """A provider reference is ``URN::id``; the URN is everything before the last ``::``."""
    return ref.rsplit("::", 1)[0] if ref else ""


def ordered(registrations: dict[str, Registration]) -> list[Registration]:
    """Parents, dependencies and providers before dependants; ties by URN (Kahn + heap)."""
    before: dict[str, set[str]] = {urn: set() for urn in registrations}
    for reg in registrations.values():
        for dep in (reg.parent, provider_urn(reg.provider), *reg.dependencies):
            if dep and dep in registrations and dep != reg.urn:
                before[reg.urn].add(dep)
    after: dict[str, list[str]] = {urn: [] for urn in registrations}
    for urn, deps in before.items():
        for dep in deps:
            after[dep].append(urn)
    waiting = {urn: len(deps) for urn, deps in before.items()}
    ready = [urn for urn, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    out: list[Registration] = []
    while ready:
        urn = heapq.heappop(ready)
        out.append(registrations[urn])
        for nxt in after[urn]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, nxt)
    if len(out) != len(registrations):
        # A cycle cannot come out of the SDK; keep every resource anyway, in URN order.
        seen = {r.urn for r in out}
        out.extend(registrations[u] for u in sorted(registrations) if u not in seen)
    return out


@dataclass(frozen=True)
class Preview:
    run: RunResult
    steps: tuple[Registration, ...]
    config: dict[str, str]

    @classmethod
    def from_run(cls, run: RunResult, config: dict[str, str]) -> Preview:
        return cls(run, tuple(ordered(run.registrations)), config)

    def counts(self) -> Counter[str]:
        return Counter(step.type for step in self.steps)

    def to_json(self, policy_violations: list[dict[str, Any]]) -> dict[str, Any]:
        steps = []
        for reg in self.steps:
            state: dict[str, Any] = {
                "urn": reg.urn, "custom": reg.custom, "type": reg.type, "inputs": reg.inputs,
            }
            if reg.parent:
                state["parent"] = reg.parent
            if reg.provider:
                state["provider"] = reg.provider
            if reg.dependencies:
                state["dependencies"] = list(reg.dependencies)
            if reg.property_dependencies:
                state["propertyDependencies"] = {k: list(v) for k, v in sorted(reg.property_dependencies.items())}
            if reg.urn in self.run.outputs:
                state["outputs"] = self.run.outputs[reg.urn]
            step: dict[str, Any] = {"op": "create", "urn": reg.urn, "newState": state}
            if reg.provider:
                step["provider"] = reg.provider
            steps.append(step)
        return {
            "config": self.config,
            "steps": steps,
            "diagnostics": [],
            "changeSummary": {"create": len(steps)},
            "policyViolations": policy_violations,
        }

    def render_json(self, policy_violations: list[dict[str, Any]]) -> str:
        return json.dumps(self.to_json(policy_violations), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def render_tree(self, policy_violations: list[dict[str, Any]], *, width: int = 120,
                    color_system: str | None = None) -> str:
        """The Pulumi-like tree (:mod:`medcloud.preview.tree`) at ``width`` columns."""
        from medcloud.preview.tree import render

        return render(self, policy_violations, width=width, color_system=color_system)
