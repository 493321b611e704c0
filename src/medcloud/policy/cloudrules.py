"""The clouds' API rules (:mod:`medcloud.conformance.cloud`) as stack policies of the pack.

One stack policy per requirement the rules serve (``r-net-04-cloud-api-rules``
…): it rebuilds the resource graph from the stack's resources — inputs,
parents, dependencies, property dependencies, providers — and runs that
requirement's rules, each finding naming its rule and source.  The rules
themselves live in each backend folder's ``rules.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from medcloud.conformance.cloud import UNKNOWN, Graph, Node, load_rules, run_rules
from medcloud.policy.registry import Report, stack_policy

#: Requirement → what its cloud rules are about (the policy's description).
TOPICS = {
    "R-NET-01": "IDC-to-VPC circuits and routes the cloud accepts (VBR on a physical connection, next hops "
                "on attached subnets)",
    "R-NET-04": "IPsec gateways the cloud accepts (external routers, endpoint groups, dual tunnels, SM "
                "certificates, billing)",
    "R-SEC-02": "encryption keys the key service accepts (Barbican backend algorithms, KMS key specs)",
    "R-SEC-03": "key rotation the key service accepts (HSM keys, rotation intervals)",
    "R-BC-02": "replication the storage service accepts (Swift container-sync prerequisites)",
}


def _plain(value: Any, depth: int = 0) -> Any:
    """A policy proxy as plain data; a value unknown until the update becomes the unknown marker."""
    from pulumi_policy.proxy import UnknownValueError

    if depth > 32:
        return UNKNOWN
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in list(value.keys()):
            try:
                out[key] = _plain(value[key], depth + 1)
            except UnknownValueError:
                out[key] = UNKNOWN
        return out
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        items = []
        for i in range(len(value)):
            try:
                items.append(_plain(value[i], depth + 1))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    return value


def graph_of(resources: list[Any]) -> Graph:
    """The rules' graph from ``StackValidationArgs.resources`` (pulumi_policy PolicyResource objects)."""
    nodes: dict[str, Node] = {}
    for res in resources:
        provider = getattr(res, "provider", None)
        if provider is not None and provider.urn not in nodes:
            nodes[provider.urn] = Node(provider.urn, provider.resource_type, _plain(provider.props))
        deps = {k: tuple(d.urn for d in v) for k, v in (res.property_dependencies or {}).items()}
        nodes[res.urn] = Node(
            res.urn, res.resource_type, _plain(res.props), res.parent.urn if res.parent else None,
            tuple(d.urn for d in res.dependencies or ()), deps, provider=provider.urn if provider else None,
        )
    return Graph(nodes.values())


def _register(requirement: str) -> None:
    topic = TOPICS.get(requirement, "what the cloud APIs accept")

    @stack_policy(f"{requirement.lower()}-cloud-api-rules", requirement,
                  f"{requirement}: {topic}; each finding cites the cloud document or upstream source")
    def validate(args: Any, report: Report) -> None:
        rules = {k: r for k, r in load_rules().items() if r.requirement == requirement}
        for finding in run_rules(graph_of(list(args.resources)), rules):
            report(f"{requirement}: {finding.property}: {finding.value}: {finding.allowed} "
                   f"[{finding.rule}: {finding.source}]", finding.urn)


for _requirement in sorted({rule.requirement for rule in load_rules().values()}):
    _register(_requirement)
