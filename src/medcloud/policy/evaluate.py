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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from medcloud.policy.config import PackConfig
from medcloud.policy.registry import REGISTRY, Enforcement, Kind, PolicySpec
from medcloud.review.document import ResourceState, urn_name


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

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Violation:
        return cls(str(raw["policy"]), str(raw["requirement"]), str(raw.get("urn", "")),
                   str(raw["message"]), Enforcement(str(raw.get("enforcement", "mandatory"))))


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
    from pulumi_policy.deserialize import deserialize_properties
    from pulumi_policy.proxy import unknown_checking_proxy

    return unknown_checking_proxy(deserialize_properties(dict(values)))


def _options(state: ResourceState) -> Any:
    import pulumi_policy as pp

    return pp.PolicyResourceOptions(
        protect=state.protect, ignore_changes=[], delete_before_replace=None, aliases=[],
        custom_timeouts=pp.PolicyCustomTimeouts(0, 0, 0), additional_secret_outputs=[], parent=state.parent,
    )


def _providers(resources: Iterable[ResourceState]) -> dict[str, Any]:
    """Provider references (``urn::id``) → PolicyProviderResource, from the provider resources present."""
    import pulumi_policy as pp

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


def evaluate(resources: list[ResourceState], config: PackConfig | None = None,
             specs: list[PolicySpec] | None = None, stack_tags: Mapping[str, str] | None = None) -> Evaluation:
    """Every enabled policy over ``resources`` (a preview's desired resources)."""
    from pulumi_policy import PolicyResource, ResourceValidationArgs, StackValidationArgs
    from pulumi_policy.policy import _NotApplicableError
    from pulumi_policy.proxy import UnknownValueError

    import medcloud.policy  # noqa: F401  (registers every policy module)
    from medcloud.policy.registry import to_pulumi

    config = config or PackConfig()
    chosen = specs if specs is not None else list(REGISTRY)
    pulumi_policies = dict(zip((s.name for s in chosen), to_pulumi(chosen), strict=True))
    providers = _providers(resources)
    tags = dict(stack_tags or {})
    result = Evaluation()

    stack_resources: list[Any] | None = None
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
            for res in resources:
                args = ResourceValidationArgs(
                    res.type, _props(res.inputs), res.urn, res.name, _options(res),
                    _provider_of(res, providers), policy_config, tags,
                )
                try:
                    _run(policy.validate(args, reporter(res.urn)))
                except UnknownValueError as exc:
                    result.unknown.append((spec.name, res.urn, exc.message))
                except _NotApplicableError as exc:
                    result.not_applicable.append((spec.name, exc.reason or ""))
        else:
            if stack_resources is None:
                stack_resources = _stack_resources(resources, providers, PolicyResource)
            stack_args = StackValidationArgs(stack_resources, policy_config, tags)
            try:
                _run(policy.validate(stack_args, reporter("")))
            except UnknownValueError as exc:
                result.unknown.append((spec.name, "", exc.message))
            except _NotApplicableError as exc:
                result.not_applicable.append((spec.name, exc.reason or ""))
    return result


def _stack_resources(resources: list[ResourceState], providers: Mapping[str, Any], factory: Any) -> list[Any]:
    by_urn: dict[str, Any] = {}
    for res in resources:
        # Registered state: a custom resource's outputs include its inputs; a component's outputs
        # are only what it registered, so its inputs (the model, the args) stay visible too.
        props = {**res.inputs, **res.outputs}
        by_urn[res.urn] = factory(res.type, _props(props), res.urn, urn_name(res.urn), _options(res),
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

    return evaluate(parse_document(document, source).resources(), config)


def attach_violations(document: dict[str, Any], config: PackConfig | None = None) -> dict[str, Any]:
    """Add ``policyViolations`` (policy, requirement, urn, message, enforcement) to a preview document."""
    document["policyViolations"] = evaluate_document(document, config).to_json()
    return document
