"""Switch vendor drivers (NAPALM style): one folder per vendor operating-system family.

A driver folder holds ``driver.yaml`` (which switches it renders, the command families
it owns, the device's secret cipher forms, how to read a configuration back) and
``config.j2`` (the template).  Everything vendor-specific is there as data: adding a
vendor is adding a folder, and no code branches on a vendor's name.  One conformance
test renders, parses and reads back every driver (tests/unit/provision/).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from medcloud.hardware.inventory import Switch
from medcloud.model.base import Model
from medcloud.yamlio import load_document, validate

ROOT = Path(__file__).resolve().parent

#: A reader step: a regex that descends into the matching children, or a list of regexes
#: that must each match a child of the view reached (siblings read together).
Step = str | list[str]


class Match(Model):
    vendor: str = Field(min_length=1)
    #: Regular expression the inventory's model must match (case-insensitive); "" for any.
    model: str = ""


class Summary(Model):
    """Readers of what a configuration declares; each field is one or more readers (joined)."""

    vlans: list[list[Step]] = Field(min_length=1)
    vnis: list[list[Step]] = Field(min_length=1)
    vni_vlan: list[list[Step]] = Field(min_length=1)
    keepalive: list[list[Step]] = Field(min_length=1)
    peer_link: list[list[Step]] = Field(min_length=1)


class Driver(Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    match: Match
    owned: tuple[str, ...] = Field(min_length=1)
    ciphers: tuple[str, ...] = Field(min_length=1)
    summary: Summary

    @field_validator("owned", "ciphers")
    @classmethod
    def _regexes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            re.compile(pattern)
        return value

    @property
    def template(self) -> str:
        return f"{self.name}/config.j2"

    def owned_families(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.owned)

    def matches(self, switch: Switch) -> bool:
        return switch.vendor == self.match.vendor and re.search(self.match.model, switch.model, re.I) is not None


@cache
def drivers() -> tuple[Driver, ...]:
    """Every driver folder, by name."""
    found = []
    for folder in sorted(p for p in ROOT.iterdir() if (p / "driver.yaml").is_file()):
        driver = validate(Driver, load_document(folder / "driver.yaml"))
        if driver.name != folder.name:
            raise ValueError(f"{folder / 'driver.yaml'}: name {driver.name!r} must be the folder's name")
        if not (folder / "config.j2").is_file():
            raise ValueError(f"{folder}: a driver needs its config.j2 template")
        found.append(driver)
    return tuple(found)


def by_name(name: str) -> Driver:
    for driver in drivers():
        if driver.name == name:
            return driver
    raise KeyError(name)


def for_switch(switch: Switch) -> Driver | None:
    """The driver that renders ``switch``; None when no driver does."""
    return next((d for d in drivers() if d.matches(switch)), None)


def all_owned() -> tuple[re.Pattern[str], ...]:
    """Every driver's owned families (diffing a configuration whose driver is not known)."""
    return tuple(p for d in drivers() for p in d.owned_families())


def cipher_forms() -> re.Pattern[str]:
    """Any driver's stored-secret form, as one anchored pattern."""
    return re.compile("^(" + "|".join(f"(?:{c})" for c in (c for d in drivers() for c in d.ciphers)) + ")$")


# --- reading a parsed configuration back -------------------------------------------------

def _records(node: Any, steps: Sequence[Step], captured: Mapping[str, str]) -> Iterator[dict[str, str]]:
    if not steps:
        yield dict(captured)
        return
    step, rest = steps[0], steps[1:]
    if isinstance(step, str):
        pattern = re.compile(step)
        for child in node.children:
            match = pattern.search(child.line)
            if match is not None:
                yield from _records(child, rest, {**captured, **match.groupdict()})
        return
    merged = dict(captured)
    for regex in step:
        pattern = re.compile(regex)
        match = next((m for m in (pattern.search(c.line) for c in node.children) if m is not None), None)
        if match is None:
            return
        merged.update(match.groupdict())
    yield from _records(node, rest, merged)


def read(tree: Any, readers: Sequence[Sequence[Step]]) -> list[dict[str, str]]:
    """Records the readers find in ``tree``; several readers are joined on the names they share."""
    result: list[dict[str, str]] | None = None
    for reader in readers:
        records = list(_records(tree, reader, {}))
        if result is None:
            result = records
            continue
        result = [{**left, **right} for left in result for right in records
                  if all(left[k] == right[k] for k in left.keys() & right.keys())]
    return result or []
