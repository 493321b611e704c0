"""Policy specs: one requirement, one validate function, one default enforcement level.

A spec is plain data plus a function with the ``pulumi_policy`` callback
signature, so the very same function runs under ``pulumi preview
--policy-pack policy`` (through :func:`to_pulumi`) and inside medcloud's
offline preview and review (:mod:`medcloud.policy.evaluate`).  Building the
``pulumi_policy`` objects never serves: only ``PolicyPack(...)`` does, and that
call lives in ``policy/__main__.py`` alone.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: ``report_violation(message, urn=None)`` as pulumi_policy defines it.
Report = Callable[..., None]
Validate = Callable[[Any, Report], None]

_REQUIREMENT = re.compile(r"^R-[A-Z]+-\d{2}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{2,99}$")


class Enforcement(StrEnum):
    """pulumi_policy's enforcement levels, by their config spelling."""

    ADVISORY = "advisory"
    MANDATORY = "mandatory"
    REMEDIATE = "remediate"
    DISABLED = "disabled"


class Kind(StrEnum):
    RESOURCE = "resource"
    STACK = "stack"


@dataclass(frozen=True)
class PolicySpec:
    name: str
    requirement: str
    description: str
    kind: Kind
    validate: Validate = field(compare=False)
    enforcement: Enforcement = Enforcement.MANDATORY
    #: JSON-schema properties of the policy's config (besides enforcementLevel).
    config_schema: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, compare=False)
    #: Resource types the policy looks at ("" = every type); documentation and fast skipping.
    types: tuple[str, ...] = ()

    def applies_to(self, resource_type: str) -> bool:
        """Whether the policy looks at this type at all (its validate returns at once for others)."""
        return not self.types or any(fnmatch.fnmatchcase(resource_type, t) for t in self.types)

    def __post_init__(self) -> None:
        if not _REQUIREMENT.match(self.requirement):
            raise ValueError(f"policy {self.name}: bad requirement id {self.requirement!r}")
        if not _NAME.match(self.name) or not self.name.startswith(self.requirement.lower()):
            raise ValueError(f"policy {self.name}: names start with the requirement id, e.g. r-net-02-…")
        if self.requirement not in self.description:
            raise ValueError(f"policy {self.name}: the description must name {self.requirement}")


REGISTRY: list[PolicySpec] = []


def _register(spec: PolicySpec) -> PolicySpec:
    if any(existing.name == spec.name for existing in REGISTRY):
        raise ValueError(f"duplicate policy name {spec.name}")
    REGISTRY.append(spec)
    return spec


def resource_policy(
    name: str, requirement: str, description: str, *,
    enforcement: Enforcement = Enforcement.MANDATORY,
    config_schema: Mapping[str, Mapping[str, Any]] | None = None,
    types: tuple[str, ...] = (),
) -> Callable[[Validate], Validate]:
    """Register a resource policy: ``fn(args: ResourceValidationArgs, report)``."""

    def register(fn: Validate) -> Validate:
        _register(PolicySpec(name, requirement, description, Kind.RESOURCE, fn, enforcement,
                             dict(config_schema or {}), types))
        return fn

    return register


def marker_policy(
    name: str, requirement: str, description: str, *, types: tuple[str, ...],
    declared: Callable[[Mapping[str, Any]], str | None],
) -> None:
    """Register an advisory ``r-…-marker-declared`` resource policy for a marker nothing enforces.

    ``declared(props)`` returns what the resource declares (or None: no such marker, or one that
    contradicts the requirement — that is the mandatory policy's violation).  The pack reports it as
    ``declared, not verified``, so a marker is never a silent pass.
    """
    if not name.endswith("-marker-declared"):
        raise ValueError(f"policy {name}: marker policies are named r-…-marker-declared")

    def validate(args: Any, report: Report) -> None:
        if args.resource_type in types and (what := declared(args.props)):
            report(f"{requirement}: declared, not verified: {what}")

    resource_policy(name, requirement, description, enforcement=Enforcement.ADVISORY, types=types)(validate)


def stack_policy(
    name: str, requirement: str, description: str, *,
    enforcement: Enforcement = Enforcement.MANDATORY,
    config_schema: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[Validate], Validate]:
    """Register a stack policy: ``fn(args: StackValidationArgs, report)``."""

    def register(fn: Validate) -> Validate:
        _register(PolicySpec(name, requirement, description, Kind.STACK, fn, enforcement,
                             dict(config_schema or {})))
        return fn

    return register


def spec(name: str) -> PolicySpec:
    for candidate in REGISTRY:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def to_pulumi(specs: list[PolicySpec] | None = None) -> list[Any]:
    """The ``pulumi_policy`` policy objects for ``specs`` (default: all); never starts a server."""
    import pulumi_policy as pp

    out: list[Any] = []
    for item in specs if specs is not None else REGISTRY:
        schema = pp.PolicyConfigSchema(properties={k: dict(v) for k, v in item.config_schema.items()}) \
            if item.config_schema else None
        common: dict[str, Any] = {
            "name": item.name,
            "description": item.description,
            "enforcement_level": pp.EnforcementLevel(item.enforcement.value),
            "config_schema": schema,
            "tags": [item.requirement],
            "framework": pp.PolicyComplianceFramework(
                name="medcloud", reference=item.requirement,
                specification="../shared/REQUIREMENTS.md",
            ),
        }
        if item.kind == Kind.RESOURCE:
            out.append(pp.ResourceValidationPolicy(validate=item.validate, **common))
        else:
            out.append(pp.StackValidationPolicy(validate=item.validate, **common))
    return out
