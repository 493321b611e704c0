"""The pack's configuration: Pulumi's policy-config JSON, read the way ``pulumi preview
--policy-pack-config`` reads it.

``{"all": "advisory", "r-net-02-no-any-to-any": "mandatory",
"r-sec-01-key-algorithms": {"enforcementLevel": "mandatory", "interopExceptions": ["hl7-gw"]}}``
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medcloud.errors import SourceError
from medcloud.policy.registry import REGISTRY, Enforcement, PolicySpec
from medcloud.yamlio import load_json

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "array": (list,), "string": (str,), "boolean": (bool,), "number": (int, float), "integer": (int,),
    "object": (dict,),
}


@dataclass(frozen=True)
class PackConfig:
    default: Enforcement | None = None
    levels: Mapping[str, Enforcement] = field(default_factory=dict)
    properties: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def enforcement(self, spec: PolicySpec) -> Enforcement:
        if spec.name in self.levels:
            return self.levels[spec.name]
        return self.default or spec.enforcement

    def config_for(self, spec: PolicySpec) -> dict[str, Any]:
        """The policy's config: schema defaults overlaid with the file's properties."""
        out = {k: v["default"] for k, v in spec.config_schema.items() if "default" in v}
        out.update(self.properties.get(spec.name, {}))
        return out

    @classmethod
    def from_mapping(cls, data: Any, source: str) -> PackConfig:
        if not isinstance(data, Mapping):
            raise SourceError(source, "policy config is a JSON object keyed by policy name")
        known = {s.name: s for s in REGISTRY}
        default: Enforcement | None = None
        levels: dict[str, Enforcement] = {}
        properties: dict[str, dict[str, Any]] = {}
        for name, value in data.items():
            if name != "all" and name not in known:
                raise SourceError(source, f"unknown policy {name!r}", field=name)
            level: Enforcement | None
            if isinstance(value, str):
                level, props = _level(value, source, name), {}
            elif isinstance(value, Mapping):
                raw_level = value.get("enforcementLevel")
                level = _level(raw_level, source, f"{name}.enforcementLevel") if raw_level is not None else None
                props = {k: v for k, v in value.items() if k != "enforcementLevel"}
            else:
                raise SourceError(source, "must be an enforcement level or an object", field=name)
            if name == "all":
                if props:
                    raise SourceError(source, "'all' takes an enforcement level only", field=name)
                default = level
                continue
            _check_properties(known[name], props, source)
            if level is not None:
                levels[name] = level
            if props:
                properties[name] = props
        return cls(default, levels, properties)

    @classmethod
    def load(cls, path: Path) -> PackConfig:
        return cls.from_mapping(load_json(path), str(path))


def _level(value: Any, source: str, where: str) -> Enforcement:
    try:
        return Enforcement(value)
    except ValueError:
        allowed = ", ".join(e.value for e in Enforcement)
        raise SourceError(source, f"enforcement level {value!r} is not one of {allowed}", field=where) from None


def _check_properties(spec: PolicySpec, props: Mapping[str, Any], source: str) -> None:
    for key, value in props.items():
        schema = spec.config_schema.get(key)
        if schema is None:
            raise SourceError(source, f"policy {spec.name} has no config property {key!r}", field=f"{spec.name}.{key}")
        kinds = _JSON_TYPES.get(str(schema.get("type", "")), (object,))
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise SourceError(source, f"must be of type {schema.get('type')}", field=f"{spec.name}.{key}")
