"""Run the policy pack over a preview document, the way Pulumi's analyzer host does.

``pulumi preview --json`` drops policy violations (pulumi/pulumi#18851); this
module lets medcloud's own preview and review record them.  Each resource
policy gets a real :class:`pulumi_policy.ResourceValidationArgs` per resource
(props = the step's new *inputs*, deserialised and wrapped in the unknown-value
proxy exactly as ``Analyze`` does); each stack policy gets one
:class:`pulumi_policy.StackValidationArgs` with :class:`PolicyResource` objects
whose parents and dependencies are linked (props = inputs overlaid with the
outputs the preview knows, the registered state ``AnalyzeStack`` sees).
Enforcement comes from :class:`~medcloud.policy.config.PackConfig`;
``remediate`` reports as ``mandatory`` and ``disabled`` skips, as the SDK does.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi_policy as pp
from pulumi_policy import PolicyResource, ResourceValidationArgs, StackValidationArgs
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from medcloud.gcpause import gc_paused
from medcloud.policy.config import PackConfig
from medcloud.policy.registry import REGISTRY, Enforcement, Kind, PolicySpec, to_pulumi
from medcloud.review.document import ResourceState, urn_name

# (Importing this module imports the medcloud.policy package first, which registers every policy.)


@dataclass(frozen=True)
class Violation:
    policy: str
    requirement: str
    urn: str
    message: str
    enforcement: Enforcement

    @property
    def mandatory(self) -> bool:
        return self.enforcement == Enforcement.MANDATORY

    def to_json(self) -> dict[str, str]:
        return {"policy": self.policy, "requirement": self.requirement, "urn": self.urn,
                "message": self.message, "enforcement": self.enforcement.value}


@dataclass
class Evaluation:
    violations: list[Violation] = field(default_factory=list)
    #: (policy, reason) for policies that declared themselves not applicable.
    not_applicable: list[tuple[str, str]] = field(default_factory=list)
    #: Policies that could not run because a value is unknown until the update.
    unknown: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.mandatory]

    def to_json(self) -> list[dict[str, str]]:
        return [v.to_json() for v in self.violations]


def _run(result: Any) -> None:
    if result is not None and inspect.isawaitable(result):
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(result)
        finally:
            loop.close()


def _props(values: Mapping[str, Any]) -> Any:
    return unknown_checking_proxy(deserialize_properties(dict(values)))


def _options(state: ResourceState) -> Any:
    return pp.PolicyResourceOptions(
        protect=state.protect, ignore_changes=[], delete_before_replace=None, aliases=[],
        custom_timeouts=pp.PolicyCustomTimeouts(0, 0, 0), additional_secret_outputs=[], parent=state.parent,
    )


def _providers(resources: Iterable[ResourceState]) -> dict[str, Any]:
    """Provider references (``urn::id``) → PolicyProviderResource, from the provider resources present."""
    out: dict[str, Any] = {}
    for res in resources:
        if res.type.startswith("pulumi:providers:"):
            out[res.urn] = pp.PolicyProviderResource(res.type, _props(res.inputs), res.urn, res.name)
    return out


def _provider_of(state: ResourceState, providers: Mapping[str, Any]) -> Any:
    if not state.provider:
        return None
    ref = state.provider
    urn = ref.rsplit("::", 1)[0] if ref.count("::") > 3 else ref
    return providers.get(urn)


_Results = tuple[list[Violation], list[tuple[str, str, str]], list[tuple[str, str]]]


@dataclass
class Memo:
    """Resource-policy results by resource, reusable for an identical resource in another preview.

    A resource policy is a function of the resource's type, inputs, options and
    provider (and the pack config), so when a review's BASE and HEAD hold the
    same resource unchanged — most of them — HEAD reuses BASE's results.
    """

    seen: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    results: dict[tuple[str, str], _Results] = field(default_factory=dict)

    @staticmethod
    def identity(res: ResourceState) -> tuple[Any, ...]:
        return res.type, res.parent, res.provider, res.protect, res.inputs


def evaluate(resources: list[ResourceState], config: PackConfig | None = None,
             specs: list[PolicySpec] | None = None, stack_tags: Mapping[str, str] | None = None,
             memo: Memo | None = None) -> Evaluation:
    """Every enabled policy over ``resources`` (a preview's desired resources).

    With ``memo`` (one per pack config), resource-policy results of resources
    identical to ones an earlier call saw are reused instead of recomputed.
    """
    # Proxies of every resource's props, on top of a preview's heap, made the collector's
    # full passes the super-linear part of an evaluation (medcloud.gcpause).
    with gc_paused():
        return _evaluate(resources, config, specs, stack_tags, memo)


def _evaluate(resources: list[ResourceState], config: PackConfig | None, specs: list[PolicySpec] | None,
              stack_tags: Mapping[str, str] | None, memo: Memo | None) -> Evaluation:
    config = config or PackConfig()
    chosen = specs if specs is not None else list(REGISTRY)
    pulumi_policies = dict(zip((s.name for s in chosen), to_pulumi(chosen), strict=True))
    providers = _providers(resources)
    tags = dict(stack_tags or {})
    result = Evaluation()

    stack_resources: list[Any] | None = None
    # One deserialised, proxied copy of each resource's inputs, shared by every policy that looks at it.
    prepared: dict[str, tuple[Any, Any, Any]] = {}
    options: dict[str, Any] = {}
    by_type: dict[str, list[ResourceState]] = {}
    for res in resources:
        by_type.setdefault(res.type, []).append(res)
    # Decided once per call: the memo records a resource the first time it is seen, never again.
    reusable = {r.urn for r in resources if memo is not None and memo.seen.get(r.urn) == Memo.identity(r)}
    memo_results = memo.results if memo is not None else {}

    def opts_of(res: ResourceState) -> Any:
        if res.urn not in options:
            options[res.urn] = _options(res)
        return options[res.urn]

    for spec in chosen:
        level = config.enforcement(spec)
        if level == Enforcement.DISABLED:
            continue
        if level == Enforcement.REMEDIATE:
            level = Enforcement.MANDATORY
        policy = pulumi_policies[spec.name]
        policy_config = config.config_for(spec)

        def reporter(default_urn: str, spec: PolicySpec = spec, level: Enforcement = level) -> Any:
            def report(message: str, urn: str | None = None) -> None:
                # Resource policies always report against their resource (the SDK ignores urn there).
                target = default_urn if spec.kind == Kind.RESOURCE else (urn or default_urn)
                result.violations.append(Violation(spec.name, spec.requirement, target, message, level))
            return report

        if spec.kind == Kind.RESOURCE:
            for kind, members in by_type.items():
                if not spec.applies_to(kind):
                    continue
                for res in members:
                    key = (spec.name, res.urn)
                    if res.urn in reusable and key in memo_results:
                        violations, unknown, not_applicable = memo_results[key]
                        result.violations.extend(violations)
                        result.unknown.extend(unknown)
                        result.not_applicable.extend(not_applicable)
                        continue
                    marks = len(result.violations), len(result.unknown), len(result.not_applicable)
                    if res.urn not in prepared:
                        prepared[res.urn] = (_props(res.inputs), opts_of(res), _provider_of(res, providers))
                    props, opts, provider = prepared[res.urn]
                    args = ResourceValidationArgs(kind, props, res.urn, res.name, opts, provider, policy_config, tags)
                    try:
                        _run(policy.validate(args, reporter(res.urn)))
                    except UnknownValueError as exc:
                        result.unknown.append((spec.name, res.urn, exc.message))
                    except _NotApplicableError as exc:
                        result.not_applicable.append((spec.name, exc.reason or ""))
                    if memo is not None and res.urn not in memo.seen:
                        memo.results[key] = (result.violations[marks[0]:], result.unknown[marks[1]:],
                                             result.not_applicable[marks[2]:])
        else:
            if stack_resources is None:
                stack_resources = _stack_resources(resources, providers, PolicyResource, opts_of)
            stack_args = StackValidationArgs(stack_resources, policy_config, tags)
            try:
                _run(policy.validate(stack_args, reporter("")))
            except UnknownValueError as exc:
                result.unknown.append((spec.name, "", exc.message))
            except _NotApplicableError as exc:
                result.not_applicable.append((spec.name, exc.reason or ""))
    if memo is not None:
        for res in resources:
            memo.seen.setdefault(res.urn, Memo.identity(res))
    # Resource-policy reports come grouped by type; put them back in resource order.
    order = {res.urn: i for i, res in enumerate(resources)}
    result.violations.sort(key=lambda v: order.get(v.urn, -1))
    return result


class _LazyProps(Mapping[str, Any]):
    """A resource's props, deserialised and proxied on first use.

    A stack policy gets every resource of the stack but reads a few; building
    the unknown-checking proxy for all of them up front is most of the cost.
    """

    __slots__ = ("_built", "_raw")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw
        self._built: Any = None

    def _props(self) -> Any:
        if self._built is None:
            self._built = _props(self._raw)
        return self._built

    def __getitem__(self, key: str) -> Any:
        return self._props()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def _stack_resources(resources: list[ResourceState], providers: Mapping[str, Any], factory: Any,
                     opts_of: Callable[[ResourceState], Any]) -> list[Any]:
    by_urn: dict[str, Any] = {}
    for res in resources:
        # Registered state: a custom resource's outputs include its inputs; a component's outputs
        # are only what it registered, so its inputs (the model, the args) stay visible too.
        props = {**res.inputs, **res.outputs}
        by_urn[res.urn] = factory(res.type, _LazyProps(props), res.urn, urn_name(res.urn), opts_of(res),
                                  _provider_of(res, providers), None, [], {})
    for res in resources:
        item = by_urn[res.urn]
        if res.parent in by_urn:
            item.parent = by_urn[res.parent]
        item.dependencies.extend(by_urn[d] for d in res.dependencies if d in by_urn)
        for key, urns in res.property_dependencies.items():
            item.property_dependencies[key] = [by_urn[u] for u in urns if u in by_urn]
    return list(by_urn.values())


def evaluate_document(document: Mapping[str, Any], config: PackConfig | None = None,
                      source: str = "preview") -> Evaluation:
    """Evaluate a preview document given as parsed JSON (what ``medcloud preview`` calls)."""
    from medcloud.review.document import parse_document

    with gc_paused():
        return evaluate(parse_document(document, source).resources(), config)


def attach_violations(document: dict[str, Any], config: PackConfig | None = None) -> dict[str, Any]:
    """Add ``policyViolations`` (policy, requirement, urn, message, enforcement) to a preview document."""
    document["policyViolations"] = evaluate_document(document, config).to_json()
    return document
