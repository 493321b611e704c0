"""What a conformance check reports: one problem per resource property, with where the rule comes from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

#: How a secret value is shown: never the value.
SECRET = "[secret]"


@dataclass(frozen=True)
class Finding:
    """One property of one resource that the provider or the cloud would refuse.

    ``kind`` is ``schema`` (the installed SDK's inputs), ``provider`` (the
    bridged Terraform provider's plan-time validation, which ``pulumi preview``
    runs) or ``cloud`` (the cloud API's rules, which ``pulumi up`` meets).
    ``value`` is already safe to print: secrets arrive here as ``[secret]``.
    """

    urn: str
    type: str
    property: str
    value: str
    allowed: str
    source: str
    kind: str
    rule: str
    requirement: str = ""

    def line(self) -> str:
        """``URN: property: value: allowed: source`` — the one line the CLI prints."""
        return f"{self.urn}: {self.property or '-'}: {self.value}: {self.allowed} [{self.kind}: {self.source}]"

    def to_json(self) -> dict[str, str]:
        out = {"urn": self.urn, "type": self.type, "property": self.property, "value": self.value,
               "allowed": self.allowed, "source": self.source, "kind": self.kind, "rule": self.rule}
        if self.requirement:
            out["requirement"] = self.requirement
        return out


@dataclass(frozen=True)
class Skipped:
    """A rule that could not be evaluated offline, and why (never counted as passed)."""

    type: str
    property: str
    reason: str
    source: str

    def to_json(self) -> dict[str, str]:
        return {"type": self.type, "property": self.property, "reason": self.reason, "source": self.source}


def show(value: Any, limit: int = 80) -> str:
    """A value as a finding prints it: JSON, cut short."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit - 1] + "…"
