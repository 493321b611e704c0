"""Provider conformance: each resource's inputs against the SDK schema and the provider's validators.

The rules are data (``data/<provider>.json``, written by
:mod:`medcloud.conformance.regen` from the providers' source).  A resource is
checked as the bridged provider's ``Check`` checks it during ``pulumi
preview``: unknown properties and missing required ones, value types,
``ValidateFunc``s on known values, list bounds, ``ConflictsWith`` /
``RequiredWith`` / ``ExactlyOneOf`` / ``AtLeastOneOf``.  A value still unknown
at preview (an id, an address) is skipped exactly as Terraform defers it; a
secret is checked on its value and printed as ``[secret]``.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from pulumi.runtime.rpc import UNKNOWN

from medcloud.conformance.findings import SECRET, Finding, Skipped, show

DATA_DIR = Path(__file__).resolve().parent / "data"
#: The engine's secret envelope in wire form and in ``pulumi preview --json`` documents.
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_ABSENT = object()
#: An allowed-values list longer than this is cut in a finding's line (the source has it all).
SHOWN_VALUES = 8


@dataclass(frozen=True)
class ProviderRules:
    provider: str
    sdk: str
    source: str
    terraform_url: str
    resources: Mapping[str, Any]

    def cite(self, resource: Mapping[str, Any], line: int | None) -> str:
        where = f"{resource['file']}:{line}" if line else resource["file"]
        return f"{self.source} {where}"


@cache
def load(provider: str) -> ProviderRules:
    data = json.loads((DATA_DIR / f"{provider}.json").read_text(encoding="utf-8"))
    tf = data["terraform"]
    repo = tf["repository"].rsplit("/", 1)[-1]
    return ProviderRules(
        provider=data["provider"], sdk=f"{data['sdk']['distribution']} {data['sdk']['version']}",
        source=f"{repo} {tf['ref']}", terraform_url=f"https://{tf['repository']}/blob/{tf['commit']}",
        resources=data["resources"],
    )


def providers() -> list[str]:
    return sorted(p.stem for p in DATA_DIR.glob("*.json"))


@cache
def _all() -> dict[str, tuple[ProviderRules, Mapping[str, Any]]]:
    out: dict[str, tuple[ProviderRules, Mapping[str, Any]]] = {}
    for name in providers():
        rules = load(name)
        for token, resource in rules.resources.items():
            out[token] = (rules, resource)
    return out


def rules_for(resource_type: str) -> tuple[ProviderRules, Mapping[str, Any]] | None:
    return _all().get(resource_type)


def is_secret(value: Any) -> bool:
    return value == SECRET or (isinstance(value, Mapping) and value.get(SECRET_SIG_KEY) == SECRET_SIG)


def _reveal(value: Any, revealed: Any) -> tuple[Any, bool]:
    """(the value to check, whether it is secret). A secret without its plaintext checks as unknown."""
    if not is_secret(value):
        return value, False
    if revealed is not _ABSENT and not is_secret(revealed):
        return revealed, True
    if isinstance(value, Mapping) and "value" in value and not is_secret(value["value"]):
        return value["value"], True
    return UNKNOWN, True


# --- value validators ------------------------------------------------------------------
def _format_ok(name: str, args: list[Any], value: Any) -> bool | None:
    """Whether ``value`` passes Terraform's ``validation.<name>``; None when this reader cannot say."""
    text = value if isinstance(value, str) else None
    try:
        if name == "IsCIDR":
            return text is not None and "/" in text and bool(ipaddress.ip_network(text, strict=False))
        if name == "IsCIDRNetwork":
            net = ipaddress.ip_network(text or "", strict=True)
            lo, hi = [*args, 0, 128][:2]
            return bool(lo <= net.prefixlen <= hi)
        if name in ("IsIPAddress", "IsIPv4Address", "IsIPv6Address"):
            addr = ipaddress.ip_address(text or "")
            return name == "IsIPAddress" or (addr.version == 4) == (name == "IsIPv4Address")
    except ValueError:
        return False
    if name in ("IsPortNumber", "IsPortNumberOrZero"):
        return isinstance(value, int) and (0 if name.endswith("OrZero") else 1) <= value <= 65535
    if name == "StringIsJSON":
        try:
            json.loads(text or "")
        except ValueError:
            return False
        return True
    if name == "IsUUID":
        try:
            uuid.UUID(text or "")
        except ValueError:
            return False
        return True
    if name == "StringIsNotEmpty":
        return bool(text)
    if name == "StringIsNotWhiteSpace":
        return bool(text and text.strip())
    if name == "NoZeroValues":
        return value not in ("", 0, 0.0, False)
    if name == "IsRFC3339Time":
        try:
            datetime.fromisoformat((text or "").replace("Z", "+00:00"))
        except ValueError:
            return False
        return True
    if name in ("IsURLWithHTTPorHTTPS", "IsURLWithHTTPS"):
        schemes = ("https://",) if name.endswith("HTTPS") and "HTTPor" not in name else ("http://", "https://")
        return bool(text) and text.startswith(schemes) and len(text.split("://", 1)[1]) > 0  # type: ignore[union-attr]
    if name == "StringIsBase64":
        try:
            base64.b64decode(text or "", validate=True)
        except ValueError:
            return False
        return True
    return None


def _describe(rule: Mapping[str, Any]) -> str:
    op = rule["op"]
    if op == "in":
        shown = rule["values"][:SHOWN_VALUES]
        values = ", ".join(json.dumps(v, ensure_ascii=False) for v in shown)
        if len(rule["values"]) > len(shown):
            values += f", … ({len(rule['values']) - len(shown)} more at the source)"
        return f"one of {values}" + (" (any case)" if rule.get("ignore_case") else "")
    if op == "not_in":
        return "none of " + ", ".join(json.dumps(v) for v in rule["values"])
    if op == "range":
        if "min" in rule and "max" in rule:
            return f"{rule['type']} {rule['min']}..{rule['max']}"
        return f"{rule['type']} ≥ {rule['min']}" if "min" in rule else f"{rule['type']} ≤ {rule['max']}"
    if op == "length":
        return f"length {rule['min']}..{rule['max']} bytes"
    if op in ("match", "not_match"):
        pattern = f"{'' if op == 'match' else 'not '}matching /{rule['pattern']}/"
        return str(rule.get("message") or pattern)
    if op == "format":
        return str(rule["format"])
    if op in ("all", "any"):
        return (" and " if op == "all" else " or ").join(_describe(r) for r in rule["of"])
    return str(op)


def violates(rule: Mapping[str, Any], value: Any) -> bool | None:
    """True when ``value`` breaks ``rule``; None when the rule cannot be evaluated here."""
    op = rule["op"]
    if op in ("in", "not_in"):
        values = rule["values"]
        if rule.get("ignore_case") and isinstance(value, str):
            hit = value.lower() in {str(v).lower() for v in values}
        else:
            hit = value in values and not isinstance(value, bool)
        return not hit if op == "in" else hit
    if op == "range":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return True
        if rule["type"] == "int" and not float(value).is_integer():
            return True
        return ("min" in rule and value < rule["min"]) or ("max" in rule and value > rule["max"])
    if op == "length":
        if not isinstance(value, str):
            return True
        size = len(value.encode("utf-8"))  # Go's len(): bytes
        return not rule["min"] <= size <= rule["max"]
    if op in ("match", "not_match"):
        if not isinstance(value, str):
            return True
        try:
            found = re.search(rule["pattern"], value) is not None
        except re.error:
            return None
        return not found if op == "match" else found
    if op == "format":
        ok = _format_ok(rule["format"], list(rule.get("args", [])), value)
        return None if ok is None else not ok
    if op in ("all", "any"):
        results = [violates(r, value) for r in rule["of"]]
        if op == "all":
            return True if any(r is True for r in results) else (None if None in results else False)
        return False if any(r is False for r in results) else (None if None in results else True)
    return None


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
    "array": (list,), "object": (dict,), "map": (dict,),
}


def _type_ok(kind: str, value: Any) -> bool:
    expected = _TYPES.get(kind)
    if expected is None:
        return True
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    if kind == "object" and isinstance(value, list):  # a maxItems-1 block written as a one-element list
        return len(value) <= 1
    return isinstance(value, expected)


# --- the checker ------------------------------------------------------------------------
def _lookup(root: Any, path: str) -> Any:
    """The value at a dotted property path (a list takes its first element), or _ABSENT."""
    node = root
    for part in path.split("."):
        if isinstance(node, list):
            node = node[0] if node else _ABSENT
        if not isinstance(node, Mapping) or part not in node:
            return _ABSENT
        node = node[part]
        if node == UNKNOWN:
            return UNKNOWN
    return _ABSENT if node is None else node


def _set(value: Any) -> bool | None:
    """Whether a value counts as set (None: unknown until apply)."""
    if value is _ABSENT:
        return False
    if value == UNKNOWN:
        return None
    return True


@dataclass
class Checker:
    """Checks resources one by one; collects findings and the rules it had to skip."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    #: resource types with no rule data (reported once each, never as conformant)
    unchecked: set[str] = field(default_factory=set)
    _skip_seen: set[tuple[str, str]] = field(default_factory=set)

    def check(self, urn: str, resource_type: str, inputs: Mapping[str, Any],
              revealed: Mapping[str, Any] | None = None) -> None:
        found = rules_for(resource_type)
        if found is None:
            if resource_type.split(":", 1)[0] in providers():
                self.unchecked.add(resource_type)
            return
        rules, resource = found
        ctx = _Resource(self, rules, resource, urn, resource_type, inputs)
        ctx.block(resource["properties"], inputs, revealed if revealed is not None else _ABSENT, "")

    def skip(self, resource_type: str, prop: str, reason: str, source: str) -> None:
        if (resource_type, prop) not in self._skip_seen:
            self._skip_seen.add((resource_type, prop))
            self.skipped.append(Skipped(resource_type, prop, reason, source))


@dataclass
class _Resource:
    checker: Checker
    rules: ProviderRules
    resource: Mapping[str, Any]
    urn: str
    type: str
    root: Mapping[str, Any]
    _groups_seen: set[tuple[str, frozenset[str]]] = field(default_factory=set)

    def report(self, prop: str, value: str, allowed: str, kind: str, rule: str, line: int | None) -> None:
        source = self.rules.cite(self.resource, line) if kind == "provider" else \
            f"{self.rules.sdk} {self.type} inputs"
        self.checker.findings.append(Finding(self.urn, self.type, prop, value, allowed, source, kind, rule))

    def block(self, props: Mapping[str, Any], values: Mapping[str, Any], revealed: Any, prefix: str) -> None:
        for key in values:
            if key not in props and not key.startswith("__"):
                self.report(prefix + key, show(values[key]) if not is_secret(values[key]) else SECRET,
                            f"not an input of {self.type} in {self.rules.sdk}", "schema", "unknown-property", None)
        for name, prop in props.items():
            path = prefix + name
            raw = values.get(name, _ABSENT)
            if raw is None:
                raw = _ABSENT
            hidden = revealed.get(name, _ABSENT) if isinstance(revealed, Mapping) else _ABSENT
            self.groups(prop, path)
            if raw is _ABSENT:
                if prop.get("required"):
                    self.report(path, "(not set)", "required", "schema", "required", None)
                continue
            if raw == UNKNOWN:
                continue
            value, secret = _reveal(raw, hidden)
            if value == UNKNOWN:
                continue
            shown = SECRET if secret else show(value)
            if not _type_ok(prop["type"], value):
                self.report(path, shown, f"a {prop['type']}", "schema", "type", None)
                continue
            self.relations(prop, path, shown)
            if isinstance(value, list):
                self.bounds(prop, path, value)
                for i, item in enumerate(value):
                    if item == UNKNOWN:
                        continue
                    sub = hidden[i] if isinstance(hidden, list) and i < len(hidden) else _ABSENT
                    item_value, item_secret = _reveal(item, sub)
                    if "elem_validate" in prop and item_value != UNKNOWN:
                        self.validate(prop["elem_validate"], f"{path}[{i}]", item_value, item_secret)
                    if "properties" in prop and isinstance(item_value, Mapping):
                        self.block(prop["properties"], item_value, sub, f"{path}[{i}].")
                continue
            if "validate" in prop:
                self.validate(prop["validate"], path, value, secret)
            if "properties" in prop and isinstance(value, Mapping):
                self.block(prop["properties"], value, hidden, path + ".")

    def validate(self, rule: Mapping[str, Any], path: str, value: Any, secret: bool) -> None:
        result = violates(rule, value)
        if result is None:
            self.checker.skip(self.type, path, f"validator {rule.get('func', rule['op'])} is not evaluated offline",
                              self.rules.cite(self.resource, rule.get("line")))
        elif result:
            self.report(path, SECRET if secret else show(value), _describe(rule), "provider",
                        str(rule["op"]), rule.get("line"))

    def bounds(self, prop: Mapping[str, Any], path: str, value: list[Any]) -> None:
        if "max_items" in prop and len(value) > prop["max_items"]:
            self.report(path, f"{len(value)} items", f"at most {prop['max_items']}", "provider", "max_items",
                        prop.get("line"))
        if "min_items" in prop and len(value) < prop["min_items"]:
            self.report(path, f"{len(value)} items", f"at least {prop['min_items']}", "provider", "min_items",
                        prop.get("line"))

    def relations(self, prop: Mapping[str, Any], path: str, shown: str) -> None:
        for other in prop.get("conflicts_with", ()):
            if not other.startswith("!") and _set(_lookup(self.root, other)) is True:
                self.report(path, shown, f"not together with {other}", "provider", "conflicts_with",
                            prop.get("line"))
        missing = [o for o in prop.get("required_with", ())
                   if not o.startswith("!") and _set(_lookup(self.root, o)) is False]
        if missing:
            self.report(path, shown, "only together with " + ", ".join(missing), "provider", "required_with",
                        prop.get("line"))

    def groups(self, prop: Mapping[str, Any], path: str) -> None:
        """ExactlyOneOf / AtLeastOneOf: evaluated for the group whether or not this member is set."""
        for key, exact in (("exactly_one_of", True), ("at_least_one_of", False)):
            members = [m for m in prop.get(key, ()) if not m.startswith("!")]
            if not members:
                continue
            group = frozenset(members)
            if (key, group) in self._groups_seen:
                continue
            self._groups_seen.add((key, group))
            states = [_set(_lookup(self.root, m)) for m in members]
            if None in states:
                continue
            count = sum(1 for s in states if s)
            names = ", ".join(sorted(members))
            if count == 0 or (exact and count > 1):
                value = f"{count} set" if count else "(none set)"
                self.report(path, value, ("exactly one of " if exact else "at least one of ") + names,
                            "provider", key, prop.get("line"))


def check_resources(resources: Iterator[tuple[str, str, Mapping[str, Any], Mapping[str, Any] | None]],
                    checker: Checker | None = None) -> Checker:
    """Check (urn, type, inputs, revealed-inputs-or-None) tuples; returns the checker with its findings."""
    checker = checker or Checker()
    for urn, kind, inputs, revealed in resources:
        checker.check(urn, kind, inputs, revealed)
    return checker
