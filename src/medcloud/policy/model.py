"""Policies on the Region component: the model checks, run on the model the stack deploys.

The ``Region`` component carries the whole validated region model as an input
(``region.model_dump(mode="json")``).  These resource policies rebuild
:class:`medcloud.model.Region` from it and report the findings of
:func:`medcloud.checks.run_checks` — one policy per requirement the checks
cover, so the rule logic is the model checks' own and enforcement is
configurable per requirement.  Requirements with no model check but with
facts in the model (R-NET-04 link crypto and TLS floors, R-SEC-01 algorithm
choices) get their rules here, as pure functions of the model.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from medcloud.checks import REGISTRY as CHECKS
from medcloud.checks import ComplianceReport, Severity, run_checks
from medcloud.model import CipherSuite, Region
from medcloud.model import standards as std
from medcloud.model.systems import Algorithm
from medcloud.policy.registry import Enforcement, Report, resource_policy
from medcloud.policy.rules import plain, tls_version

REGION_TYPE = re.compile(r"^medcloud:[A-Za-z0-9_./-]+:Region$")

#: Parsed models and their reports, by content hash: every per-requirement policy
#: sees the same Region resource, and parsing plus checking it once is enough.
_CACHE: OrderedDict[str, RegionReport] = OrderedDict()
#: The same, by the identity of the props proxy: an evaluation hands every policy the same
#: (read-only) proxy, and hashing a 10k-resource model per policy was most of their cost.
#: The entry holds the proxy itself, so its id cannot be reused while cached.  Plain
#: dicts are never cached by identity: a caller may mutate one between calls.
_BY_ID: OrderedDict[int, tuple[object, RegionReport]] = OrderedDict()
_CACHE_SIZE = 8


@dataclass(frozen=True)
class RegionReport:
    """A rebuilt region (or why it does not validate), its check report, and its JSON form."""

    region: Region | str
    report: ComplianceReport | None


def _looks_like_region(value: Any) -> bool:
    return isinstance(value, Mapping) and "centres" in value and "residency" in value


def find_model(props: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The region model among a Region component's props: the props themselves or one of them.

    Offline the props are the component's inputs; under ``pulumi preview
    --policy-pack`` a stack policy sees only a component's registered outputs,
    which is why the Region component registers ``model`` as an output too.
    """
    if _looks_like_region(props):
        return props
    for key in props:
        value = props[key]
        if _looks_like_region(value):
            return value  # type: ignore[no-any-return]
    return None


def region_report(model: Mapping[str, Any]) -> RegionReport:
    """Rebuild the Region and run the checks; a model that fails validation gives its error text."""
    by_identity = not isinstance(model, dict)
    hit = _BY_ID.get(id(model)) if by_identity else None
    if hit is not None and hit[0] is model:
        _BY_ID.move_to_end(id(model))
        return hit[1]
    data = plain(model)
    key = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    if key in _CACHE:
        _CACHE.move_to_end(key)
        result = _CACHE[key]
    else:
        try:
            region = Region.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            result = RegionReport(f"the region model input does not validate: {where}: {first['msg']}", None)
        else:
            # The cross-references a region file is checked for at load (a placement's pool, a link's
            # ends…): a model carried in a preview passed no loader, and the checks assume them.
            dangling = next(region.reference_errors(), None)
            if dangling is not None:
                where = ".".join(str(p) for p in dangling[0])
                result = RegionReport(f"the region model input does not validate: {where}: {dangling[1]}", None)
            else:
                result = RegionReport(region, run_checks(region))
        _remember(_CACHE, key, result)
    if by_identity:
        _remember(_BY_ID, id(model), (model, result))
    return result


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    cache[key] = value
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)


def _region_of(args: Any, report: Report) -> Region | None:
    """The Region of a Region component, or None for every other resource."""
    if not REGION_TYPE.match(str(args.resource_type)):
        return None
    model = find_model(args.props)
    if model is None:
        report("the Region component carries no region model input (model_dump of medcloud.model.Region)")
        return None
    region = region_report(model).region
    if isinstance(region, str):
        report(region)
        return None
    return region


def _check_policy(requirement: str, title: str) -> None:
    def validate(args: Any, report: Report) -> None:
        if not REGION_TYPE.match(str(args.resource_type)):
            return
        model = find_model(args.props)
        if model is None:
            report("the Region component carries no region model input (model_dump of medcloud.model.Region)")
            return
        built = region_report(model)
        if built.report is None or isinstance(built.region, str):
            report(str(built.region))
            return
        for finding in built.report.for_requirement(requirement):
            if finding.severity == Severity.ERROR and not finding.waived:
                report(f"{requirement}: {finding.message} [{built.report.path(finding)}]")

    resource_policy(
        f"{requirement.lower()}-region-model", requirement,
        f"{requirement}: {title} (model check on the Region component)",
        types=("medcloud:*:Region",),
    )(validate)


# One policy per requirement the model checks cover, registered at import.
for _requirement, _title in dict.fromkeys((c.requirement, c.title) for c in CHECKS):
    _check_policy(_requirement, _title)


# --- rules with no model check ---------------------------------------------------


def link_crypto_problems(region: Region) -> Iterator[str]:
    """R-NET-04: cross-institution links carry IPsec with the SM suite; TLS links are 1.3."""
    for link in region.links:
        enc = link.encryption
        if link.cross_institution:
            if enc is None or enc.protocol != "ipsec":
                shown = enc.protocol if enc else "no encryption"
                yield f"cross-institution link {link.name!r} uses {shown} (needs IPsec with SM-suite crypto)"
            elif enc.suite != CipherSuite.SM:
                yield f"cross-institution link {link.name!r} runs IPsec with the {enc.suite.value} suite (needs SM)"
        if enc is not None and enc.protocol.startswith("tls"):
            version = tls_version(enc.protocol)
            if version is None or version < std.TLS_MIN_VERSION:
                yield f"link {link.name!r} uses {enc.protocol} (TLS 1.3 only)"


def system_tls_problems(region: Region) -> Iterator[str]:
    """R-NET-04: systems accept nothing below TLS 1.3."""
    for system in region.systems:
        version = tls_version(system.protection.tls_min)
        if version is None or version < std.TLS_MIN_VERSION:
            yield f"system {system.name!r} accepts TLS {system.protection.tls_min} (TLS 1.3 only)"


def algorithm_problems(region: Region, interop: frozenset[str]) -> Iterator[str]:
    """R-SEC-01: SM algorithms; AES-256 / international suites only for declared interop exceptions."""
    for system in region.systems:
        algo = system.protection.algorithm
        if algo == Algorithm.AES256 and system.name not in interop:
            yield f"system {system.name!r} encrypts with AES-256 without an interop exception (SM4 for core systems)"
    for link in region.links:
        enc = link.encryption
        if enc is not None and enc.suite == CipherSuite.INTERNATIONAL and link.name not in interop:
            yield f"link {link.name!r} uses the international cipher suite without an interop exception"


_INTEROP_SCHEMA = {
    "interopExceptions": {
        "type": "array", "items": {"type": "string"}, "default": [],
        "description": "systems, links or resource names allowed AES-256/RSA-2048 for interop (R-SEC-01)",
    },
}


def interop_exceptions(args: Any) -> frozenset[str]:
    raw = args.get_config().get("interopExceptions", []) if hasattr(args, "get_config") else []
    return frozenset(str(x) for x in raw)


@resource_policy(
    "r-net-04-region-link-crypto", "R-NET-04",
    "R-NET-04: cross-institution links carry SM-suite IPsec; links and systems use TLS 1.3 only (region model)",
    types=("medcloud:*:Region",),
)
def region_link_crypto(args: Any, report: Report) -> None:
    region = _region_of(args, report)
    if region is None:
        return
    for problem in (*link_crypto_problems(region), *system_tls_problems(region)):
        report(f"R-NET-04: {problem}")


@resource_policy(
    "r-sec-01-region-algorithms", "R-SEC-01",
    "R-SEC-01: core systems and links use SM2/SM3/SM4; AES-256/RSA-2048 only for interop (region model)",
    config_schema=_INTEROP_SCHEMA, types=("medcloud:*:Region",),
)
def region_algorithms(args: Any, report: Report) -> None:
    region = _region_of(args, report)
    if region is None:
        return
    for problem in algorithm_problems(region, interop_exceptions(args)):
        report(f"R-SEC-01: {problem}")


__all__ = [
    "REGION_TYPE", "Enforcement", "RegionReport", "algorithm_problems", "find_model", "link_crypto_problems",
    "region_report", "system_tls_problems",
]
