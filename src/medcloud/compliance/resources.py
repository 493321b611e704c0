"""Deployed resources as the compliance joins see them, from any of the three sources.

A :class:`Resource` is a type, a URN, its properties (planned inputs overlaid
with the outputs a preview knows), its parent and dependencies — what an
offline preview records, what a real ``pulumi preview --json`` step carries
and what a CrossGuard stack policy receives.  :class:`Graph` answers the
questions every join asks: which model element a resource realises (through
the ``medcloud:*`` component above it) and which centre holds a bucket.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.runtime import rpc

from medcloud.components.backends.alicloud import types as ali
from medcloud.components.backends.openstack import types as os_
from medcloud.review.document import ResourceState, urn_name


@dataclass(frozen=True)
class Resource:
    urn: str
    type: str
    props: Mapping[str, Any]
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    #: Provider reference (``urn::id``); each centre has its own, parented to its Centre component.
    provider: str | None = None

    @property
    def name(self) -> str:
        return urn_name(self.urn)


def from_states(states: Iterable[ResourceState]) -> list[Resource]:
    """Preview or review states (inputs overlaid with known outputs)."""
    return [Resource(s.urn, s.type, {**s.inputs, **s.outputs}, s.parent, tuple(s.dependencies), s.provider)
            for s in states]


#: What a value not known until the update reads as (the preview documents' marker).
UNKNOWN = rpc.UNKNOWN


def _known(value: Any) -> Any:
    """pulumi_policy's proxies as plain data; a value unknown until the update becomes :data:`UNKNOWN`
    (only that value: the rest of its mapping stays readable)."""
    from pulumi_policy.proxy import UnknownValueError

    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            try:
                out[str(key)] = _known(value[key])
            except UnknownValueError:
                out[str(key)] = UNKNOWN
        return out
    if isinstance(value, (list, tuple)):
        items = []
        for i in range(len(value)):
            try:
                items.append(_known(value[i]))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    return value


def from_policy(resources: Iterable[Any]) -> list[Resource]:
    """``pulumi_policy.PolicyResource`` objects of a stack policy."""
    out = []
    for res in resources:
        provider = getattr(res, "provider", None)
        out.append(Resource(res.urn, res.resource_type, _known(res.props), res.parent.urn if res.parent else None,
                            tuple(d.urn for d in res.dependencies), provider.urn if provider else None))
    return out


def lookup(props: Mapping[str, Any], path: str) -> Any:
    """``a.b.c`` in nested props; None when any step is missing."""
    value: Any = props
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


class Graph:
    """The resources of one preview, indexed for the joins."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.by_urn: dict[str, Resource] = {r.urn: r for r in resources}
        self._anchor_cache: dict[tuple[str, str, str], str | None] = {}
        self._buckets: dict[str, str] | None = None

    def __len__(self) -> int:
        return len(self.by_urn)

    def of_type(self, *patterns: str) -> Iterator[Resource]:
        for res in self.by_urn.values():
            if any(fnmatch.fnmatchcase(res.type, p) for p in patterns):
                yield res

    def ancestors(self, res: Resource) -> Iterator[Resource]:
        seen = {res.urn}
        parent = res.parent
        while parent and parent in self.by_urn and parent not in seen:
            seen.add(parent)
            item = self.by_urn[parent]
            yield item
            parent = item.parent

    def anchor(self, res: Resource, component: str, key: str) -> str | None:
        """The ``key`` input of the nearest ancestor component of type ``component`` (a glob)."""
        cache_key = (res.urn, component, key)
        if cache_key not in self._anchor_cache:
            found = None
            for item in self.ancestors(res):
                if fnmatch.fnmatchcase(item.type, component) and isinstance(item.props.get(key), str):
                    found = str(item.props[key])
                    break
            self._anchor_cache[cache_key] = found
        return self._anchor_cache[cache_key]

    def realising(self, element: str, name: str, patterns: Iterable[str]) -> list[Resource]:
        """Resources of ``patterns`` under a component realising model element ``element`` named ``name``."""
        component, key = ANCHORS[element]
        pats = tuple(patterns)
        return [r for r in self.of_type(*pats) if self.anchor(r, component, key) == name]

    def centre_of(self, res: Resource) -> str | None:
        """The centre a resource is built in: a component above it naming the centre, else its
        provider's (a link's resources hang under the link, each end's under its centre's provider)."""
        component, key = ANCHORS["centre"]
        found = self.anchor(res, component, key)
        if found is None and res.provider:
            provider = self.by_urn.get(res.provider.rsplit("::", 1)[0]) or self.by_urn.get(res.provider)
            if provider is not None:
                found = self.anchor(provider, component, key)
        return found

    def bucket_centre(self, bucket: str) -> str | None:
        """The centre holding the bucket or container named ``bucket``."""
        if self._buckets is None:
            self._buckets = {}
            for res in self.of_type(*BUCKET_TYPES):
                name = next((res.props.get(k) for k in ("bucket", "name") if isinstance(res.props.get(k), str)), None)
                centre = self.centre_of(res)
                if name and centre:
                    self._buckets.setdefault(str(name), centre)
        return self._buckets.get(bucket)

    def dependants(self, res: Resource, *patterns: str) -> list[Resource]:
        """Resources of ``patterns`` that depend on ``res`` (an attachment naming it by id)."""
        return [r for r in self.of_type(*patterns) if res.urn in r.dependencies]

    def dependencies(self, res: Resource, *patterns: str) -> list[Resource]:
        return [d for u in res.dependencies if (d := self.by_urn.get(u)) is not None
                and any(fnmatch.fnmatchcase(d.type, p) for p in patterns)]


#: Model element kind → (component type glob, the input naming the element).  The components
#: carry the model's names as inputs, so a real preview joins exactly as the offline one does.
ANCHORS: dict[str, tuple[str, str]] = {
    "link": ("medcloud:*:DrLink", "link"),
    "system": ("medcloud:*:SystemPlacement", "system"),
    "centre": ("medcloud:*", "centre"),
}

#: Object buckets and containers, by the property naming them (``bucket`` or ``name``).
BUCKET_TYPES = (ali.BUCKET, os_.CONTAINER)
