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

from medcloud.preview.engine import UNKNOWN, Registration, RunResult

#: How the tree shows a value the engine knows only after apply (ids, addresses), as Pulumi does.
KNOWN_AFTER_APPLY = "(known after apply)"

#: Inputs worth showing inline in the tree, in this order.
TREE_INPUTS = (
    "cidr", "cidrBlock", "zoneId", "destinationCidr", "nextHop", "direction", "protocol", "ipProtocol",
    "portRangeMin", "portRangeMax", "portRange", "remoteIpPrefix", "cidrIp", "size", "volumeType",
    "category", "encrypted", "keySpec", "protectionLevel", "encryptionAlgorithm", "authAlgorithm",
    "vpnType", "networkType", "storageClass", "storagePolicy", "retentionPeriodInDays", "timePoints",
    "retentionDays", "peerAddress",
)


def _provider_urn(ref: str) -> str:
    """A provider reference is ``URN::id``; the URN is everything before the last ``::``."""
    return ref.rsplit("::", 1)[0] if ref else ""


def ordered(registrations: dict[str, Registration]) -> list[Registration]:
    """Parents, dependencies and providers before dependants; ties by URN (Kahn + heap)."""
    before: dict[str, set[str]] = {urn: set() for urn in registrations}
    for reg in registrations.values():
        for dep in (reg.parent, _provider_urn(reg.provider), *reg.dependencies):
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

    def render_tree(self, policy_violations: list[dict[str, Any]]) -> str:
        children: dict[str, list[Registration]] = {}
        roots: list[Registration] = []
        for reg in self.steps:
            if reg.parent and reg.parent in self.run.registrations:
                children.setdefault(reg.parent, []).append(reg)
            else:
                roots.append(reg)
        lines = [f"Previewing stack {self.run.project}/{self.run.stack} (offline, mock engine)", ""]

        def walk(reg: Registration, prefix: str, last: bool, top: bool) -> None:
            branch = "" if top else ("└─ " if last else "├─ ")
            lines.append(f"{prefix}{branch}+ {reg.type}  {reg.name}{_inline(reg)}")
            kids = children.get(reg.urn, [])
            deeper = prefix + ("" if top else ("   " if last else "│  "))
            for i, kid in enumerate(kids):
                walk(kid, deeper, i == len(kids) - 1, False)

        for reg in roots:
            walk(reg, "", True, True)
        stack_outputs = next((self.run.outputs[r.urn] for r in roots if r.urn in self.run.outputs), {})
        if stack_outputs:
            lines += ["", "Outputs:"]
            lines += [f"    {k}: {json.dumps(_known(v), sort_keys=True, ensure_ascii=False)}"
                      for k, v in sorted(stack_outputs.items())]
        counts = self.counts()
        custom = sum(1 for s in self.steps if s.custom)
        lines += ["", "Resources:", f"    + {len(self.steps)} to create ({custom} cloud resources, "
                  f"{len(self.steps) - custom} components and stack)"]
        for kind in sorted(counts):
            lines.append(f"      {counts[kind]:5d}  {kind}")
        declared = sum(1 for v in policy_violations if str(v.get("policy", "")).endswith("-declared"))
        mandatory = sum(1 for v in policy_violations
                        if v.get("enforcement", v.get("enforcementLevel", "mandatory")) == "mandatory")
        # Declared findings (``r-…-declared``, advisory) are counted apart: only a declaration backs them.
        lines += ["", f"Policy violations: {len(policy_violations)} ({mandatory} mandatory, {declared} declared "
                  "only, not verified)"]
        for violation in policy_violations:
            level = violation.get("enforcement", violation.get("enforcementLevel", "mandatory"))
            name = violation.get("policy", violation.get("policyName", "?"))
            lines.append(f"    [{level}] {name}: {violation.get('message', '')}  {violation.get('urn', '')}")
        return "\n".join(lines) + "\n"


def _known(value: Any) -> Any:
    """``value`` with the engine's unknown marker shown as :data:`KNOWN_AFTER_APPLY` (never as an id)."""
    if value == UNKNOWN:
        return KNOWN_AFTER_APPLY
    if isinstance(value, dict):
        return {k: _known(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_known(v) for v in value]
    return value


def _inline(reg: Registration) -> str:
    shown = [f"{key}={_short(reg.inputs[key])}" for key in TREE_INPUTS if key in reg.inputs]
    return f"  [{' '.join(shown)}]" if shown else ""


def _short(value: Any) -> str:
    if value == UNKNOWN:
        return KNOWN_AFTER_APPLY
    if isinstance(value, list):
        return ",".join(_short(v) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
