"""Cloud API rules: what the cloud refuses at ``pulumi up`` although the provider's plan accepted it.

Each rule is a function over the resource graph (:class:`Graph`: every
resource with its inputs, parent, dependencies and property dependencies),
registered with the document or source it comes from and the requirement it
serves.  The rules of a cloud live in that cloud's backend folder
(``components/backends/<cloud>/rules.py``) next to the code that builds the
resources; :func:`load_rules` imports them for every registered backend.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime.rpc import UNKNOWN

from medcloud.conformance.findings import Finding, show
from medcloud.conformance.provider import _ABSENT, _lookup, is_secret
from medcloud.preview.engine import PLACEHOLDER_LOOKUP


def undecidable(value: Any) -> bool:
    """Whether a value cannot be judged before apply: unknown, or built from a lookup the offline
    preview answered with a placeholder (a real preview reads the cloud)."""
    return value == UNKNOWN or (isinstance(value, str) and PLACEHOLDER_LOOKUP in value)


@dataclass(frozen=True)
class Node:
    """One resource as the rules see it."""

    urn: str
    type: str
    inputs: Mapping[str, Any]
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    revealed: Mapping[str, Any] | None = None
    #: the provider resource's URN (a provider reference is ``URN::id``)
    provider: str | None = None

    def get(self, path: str) -> Any:
        """The value at a dotted path; None when absent, :data:`UNKNOWN` when not known until apply."""
        value = _lookup(self.inputs, path)
        return None if value is _ABSENT else value

    def known(self, path: str) -> bool:
        value = self.get(path)
        return value is not None and value != UNKNOWN and not is_secret(value)


class Graph:
    """The resources of one preview with their links: parents, dependencies and property references."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.nodes: dict[str, Node] = {n.urn: n for n in nodes}
        self._by_type: dict[str, list[Node]] = {}
        self._children: dict[str, list[Node]] = {}
        for node in self.nodes.values():
            self._by_type.setdefault(node.type, []).append(node)
            if node.parent:
                self._children.setdefault(node.parent, []).append(node)

    def of_type(self, *types: str) -> Iterator[Node]:
        for kind in types:
            yield from self._by_type.get(kind, ())

    def referenced(self, node: Node, prop: str, *types: str) -> list[Node]:
        """The resources whose outputs ``node.prop`` is built from (its property dependencies)."""
        urns = node.property_dependencies.get(prop, ())
        found = [self.nodes[u] for u in urns if u in self.nodes]
        return [n for n in found if not types or n.type in types]

    def referrers(self, target: Node, prop: str, *types: str) -> list[Node]:
        """Resources of ``types`` whose ``prop`` references ``target``."""
        return [n for n in self.of_type(*types) if target.urn in n.property_dependencies.get(prop, ())]

    def depends_on(self, node: Node, other: Node) -> bool:
        """Whether ``node`` waits for ``other`` (directly, via a property, or through its parent chain)."""
        seen: set[str] = set()
        stack = [node.urn]
        while stack:
            urn = stack.pop()
            if urn in seen:
                continue
            seen.add(urn)
            current = self.nodes.get(urn)
            if current is None:
                continue
            deps = set(current.dependencies)
            for urns in current.property_dependencies.values():
                deps.update(urns)
            if other.urn in deps:
                return True
            stack.extend(deps)
        return False

    def provider_of(self, node: Node) -> Node | None:
        """The provider resource ``node`` is created with (its region, account type…), if in the graph."""
        if not node.provider:
            return None
        ref = node.provider
        urn = ref.rsplit("::", 1)[0] if ref.count("::") > 3 else ref
        return self.nodes.get(urn)

    def siblings(self, node: Node, *types: str) -> list[Node]:
        """Resources of ``types`` under the same parent component."""
        return [n for n in self._children.get(node.parent or "", ()) if not types or n.type in types]


Report = Callable[..., None]


@dataclass(frozen=True)
class CloudRule:
    id: str
    requirement: str
    source: str
    types: tuple[str, ...]
    check: Callable[[Graph, Node, Report], None]


RULES: dict[str, CloudRule] = {}


def cloud_rule(rule_id: str, *, requirement: str, source: str, types: tuple[str, ...],
               ) -> Callable[[Callable[[Graph, Node, Report], None]], Callable[[Graph, Node, Report], None]]:
    """Register ``fn(graph, node, report)``; ``report(property, value, allowed)`` records a finding."""

    def register(fn: Callable[[Graph, Node, Report], None]) -> Callable[[Graph, Node, Report], None]:
        if rule_id in RULES and RULES[rule_id].check is not fn:
            raise ValueError(f"duplicate cloud rule {rule_id}")
        RULES[rule_id] = CloudRule(rule_id, requirement, source, types, fn)
        return fn

    return register


def load_rules() -> dict[str, CloudRule]:
    """Import ``<backend>.rules`` of every registered backend (a backend without rules has none)."""
    from medcloud.components.backends.registry import BACKENDS

    for package in BACKENDS.values():
        try:
            importlib.import_module(f"{package}.rules")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.rules":
                raise
    return RULES


def run_rules(graph: Graph, rules: Mapping[str, CloudRule] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for rule in (rules if rules is not None else load_rules()).values():
        for node in graph.of_type(*rule.types):
            def report(prop: str, value: Any, allowed: str, rule: CloudRule = rule, node: Node = node) -> None:
                shown = "[secret]" if is_secret(value) else show(value)
                findings.append(Finding(node.urn, node.type, prop, shown, allowed, rule.source, "cloud",
                                        rule.id, rule.requirement))
            rule.check(graph, node, report)
    return findings


__all__ = ["UNKNOWN", "CloudRule", "Graph", "Node", "cloud_rule", "load_rules", "run_rules", "undecidable"]
