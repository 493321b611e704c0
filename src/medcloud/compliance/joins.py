"""The join tables: per requirement, which model fact is compared with which resource property.

Each :class:`JoinTable` is data: the model elements it covers (with their
model path), the resource kinds that realise them (:class:`Probe`: type,
property, how to read it, and whether that property is a real provider
setting or only a marker), and the acceptance rule.  The engine
(:mod:`medcloud.compliance.engine`) runs every table the same way; a new
resource kind is one more ``Probe`` row.

A ``SETTING`` probe is compared and gives ``verified`` or a violation; a
``MARKER`` probe (metadata, a tag or extra spec nothing enforces) and a
``NONE`` probe (the resource exists but carries no such property) give
``declared``: the finding names the evidence it rests on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pulumi_policy.proxy import UnknownValueError
from pydantic import ValidationError

from medcloud.checks.continuity import snapshot_gaps
from medcloud.checks.findings import Loc, Severity
from medcloud.compliance.resources import BUCKET_TYPES, Graph, Resource, lookup
from medcloud.components.backends.alicloud import types as ali
from medcloud.components.backends.openstack import types as os_
from medcloud.components.backends.openstack.types import (
    DECLARED_REPLICA_META,
    OBJECT_ENCRYPTION_META,
    REPLICATION_SPEC,
    SNAPSHOT_TIMES_SPEC,
    VOLUME_ENCRYPTION_SPEC,
    WORM_META,
)
from medcloud.model import CentreRole, Link, LinkKind, Region, ReplicationMode, SnapshotPolicy, System
from medcloud.model import standards as std


class Undecided(str):
    """An acceptance result: the resource is there but leaves the figure to a declaration."""

    __slots__ = ()


def algorithm_family(name: str) -> str:
    """``medcloud.policy.rules.algorithm_family`` (imported late: the policy pack imports this module)."""
    from medcloud.policy.rules import algorithm_family as family

    return family(name)


def alicloud_snapshot_times(points: Iterable[Any]) -> list[str]:
    from medcloud.policy.rules import alicloud_snapshot_times as times

    return times(points)


#: Returned by a probe's reader when the resource does not concern the element at all.
NA: Any = type("NotApplicable", (), {"__repr__": lambda self: "NA"})()


class Backing(StrEnum):
    SETTING = "setting"  # a provider setting the cloud enforces: compared
    MARKER = "marker"  # metadata, tags, extra specs nothing enforces: declared
    NONE = "none"  # the resource carries no such property: the fact stays declared


Reader = Callable[[Graph, Resource, "Element"], Any]


@dataclass(frozen=True)
class Probe:
    """One resource kind realising the fact: its type, the property read, and what backs it."""

    type: str
    prop: str
    read: Reader
    backing: Backing = Backing.SETTING
    #: Why a marker or a missing property cannot verify the fact.
    why: str = ""


@dataclass(frozen=True)
class Element:
    """One model element a table checks: its path, a label, and how resources find it."""

    loc: Loc
    label: str
    #: anchor kind ("link", "system", "centre") and name, or "" when the table selects itself.
    anchor: str
    name: str
    need: Any = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JoinTable:
    requirement: str
    title: str
    #: The model fact compared, as the README and findings name it.
    fact: str
    elements: Callable[[Region], Iterable[Element]]
    probes: tuple[Probe, ...]
    #: (value read, element) → None when the value meets the requirement, else the problem.
    accept: Callable[[Any, Element], str | None]  # an Undecided result reports declared
    #: Severity when no resource realises an element.
    missing: Severity = Severity.ERROR
    missing_why: str = ""
    #: Which resources may realise an element; default: those under the element's anchor component
    #: (or every resource of the probes' types when the element has no anchor, the readers filter).
    select: Callable[[Graph, Element, tuple[str, ...]], list[Resource]] | None = None

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.type for p in self.probes))

    def candidates(self, graph: Graph, element: Element) -> list[Resource]:
        if self.select is not None:
            return self.select(graph, element, self.types)
        if element.anchor:
            return graph.realising(element.anchor, element.name, self.types)
        return list(graph.of_type(*self.types))


# --- readers ---------------------------------------------------------------------

def _num(value: Any) -> float | None:
    try:
        return float(value) if value is not None and str(value) != "" else None
    except (TypeError, ValueError):
        return None


def mbps_as_gbps(prop: str) -> Reader:
    def read(_g: Graph, res: Resource, _e: Element) -> Any:
        value = _num(lookup(res.props, prop))
        return None if value is None else value / 1000.0
    return read


def constant(value: Any) -> Reader:
    return lambda _g, _r, _e: value


def metadata(prop: str, key: str) -> Reader:
    """A metadata/extra-spec entry; NA when the resource does not carry the key at all."""
    def read(_g: Graph, res: Resource, _e: Element) -> Any:
        meta = lookup(res.props, prop)
        if not isinstance(meta, Mapping) or key not in meta:
            return NA
        return meta[key]
    return read


_ALGORITHM_KEY = re.compile(r"(EncAlg|AuthAlg|Algorithm|encryptionAlgorithm|authAlgorithm)$")


def algorithms(_g: Graph, res: Resource, _e: Element) -> Any:
    """Every cipher/integrity algorithm a VPN policy or connection names (nested configs included)."""
    found: set[str] = set()

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, str):
            if _ALGORITHM_KEY.search(key):
                found.add(value)
            return
        if isinstance(value, Mapping):
            items = [(str(k), k) for k in value]
        elif isinstance(value, Sequence):  # lists, and the policy SDK's list proxies (per-tunnel options)
            items = [(key, i) for i in range(len(value))]
        else:
            return
        for name, index in items:
            try:
                item = value[index]
            except UnknownValueError:  # a value not known until apply names no algorithm
                continue
            walk(item, name)
    walk(dict(res.props))
    return sorted(found) or None


def vpn_type(_g: Graph, res: Resource, _e: Element) -> Any:
    kind = res.props.get("vpnType")
    return ["sm4"] if kind == "NationalStandard" else [str(kind or "Normal")]


def volume_type(graph: Graph, res: Resource) -> Resource | None:
    """The volume type resource an OpenStack volume names, in the same centre's program."""
    wanted = res.props.get("volumeType")
    for vt in graph.of_type(os_.VOLUME_TYPE):
        if vt.props.get("name") == wanted:
            return vt
    return None


def volume_type_spec(key: str) -> Reader:
    def read(graph: Graph, res: Resource, _e: Element) -> Any:
        vt = volume_type(graph, res)
        specs = vt.props.get("extraSpecs") if vt else None
        return specs.get(key) if isinstance(specs, Mapping) else None
    return read


def disk_algorithm(graph: Graph, res: Resource, _e: Element) -> Any:
    """An ECS disk's at-rest algorithm: its own ``encryptAlgorithm`` or its KMS key's spec."""
    if not res.props.get("encrypted"):
        return "none"
    if res.props.get("encryptAlgorithm"):
        return algorithm_family(str(res.props["encryptAlgorithm"]))
    for key in graph.dependencies(res, ali.KMS_KEY):
        return algorithm_family(str(key.props.get("keySpec") or "Aliyun_AES_256"))
    return "aes256"  # ECS encrypts with an AES-256 service key when none is named


def bucket_algorithm(_g: Graph, res: Resource, _e: Element) -> Any:
    rule = res.props.get("serverSideEncryptionRule")
    if not isinstance(rule, Mapping) or not rule.get("sseAlgorithm"):
        return "none"
    algorithm = str(rule["sseAlgorithm"]).upper()
    if algorithm == "KMS":
        return algorithm_family(str(rule.get("kmsDataEncryption") or "AES256"))
    return algorithm_family(algorithm)


def worm_days(_g: Graph, res: Resource, _e: Element) -> Any:
    """Locked retention days; an unlocked (InProgress) configuration can still be deleted: 0."""
    days = _num(res.props.get("retentionPeriodInDays"))
    if days is None:
        return None
    return days if str(res.props.get("status") or "InProgress") == "Locked" else 0.0


def disk_snapshot_policy(graph: Graph, res: Resource, _e: Element) -> Any:
    """The automatic snapshot policy attached to an ECS disk, as a SnapshotPolicy."""
    for attachment in graph.dependants(res, ali.SNAPSHOT_POLICY_ATTACHMENT):
        for policy in graph.dependencies(attachment, ali.SNAPSHOT_POLICY):
            days = int(_num(policy.props.get("retentionDays")) or 0)
            try:
                return SnapshotPolicy(
                    times=alicloud_snapshot_times(policy.props.get("timePoints") or []),
                    retention_days=std.SNAPSHOT_RETENTION_DAYS if days == -1 else max(days, 1),
                )
            except ValidationError:
                return None
    return None


#: AliCloud OSS storage classes colder than Standard (R-ST-04).
OSS_COLD_CLASSES = frozenset({"IA", "Archive", "ColdArchive", "DeepColdArchive"})


def bucket_cold_classes(_g: Graph, res: Resource, _e: Element) -> Any:
    classes = set()
    if res.props.get("storageClass") in OSS_COLD_CLASSES:
        classes.add(str(res.props["storageClass"]))
    for rule in res.props.get("lifecycleRules") or []:
        if isinstance(rule, Mapping) and str(rule.get("enabled", True)).lower() != "false":
            for tr in rule.get("transitions") or []:
                if isinstance(tr, Mapping) and tr.get("storageClass") in OSS_COLD_CLASSES:
                    classes.add(str(tr["storageClass"]))
    return sorted(classes)


# --- replication edges -----------------------------------------------------------

@dataclass(frozen=True)
class Edge:
    """What one replication resource copies: kind of data, from and to which centre, how, with what lag."""

    kind: str  # block | object
    source: str | None
    target: str | None  # None: the target is configured outside the resource
    mode: ReplicationMode
    lag_s: float | None

    def __str__(self) -> str:
        lag = f", lag ≤ {self.lag_s:g} s" if self.lag_s is not None else ""
        return f"{self.mode.value} {self.kind} {self.source} → {self.target or '(target outside the resource)'}{lag}"


#: AliCloud OSS replication time control: 99.99 % of objects within 10 minutes (the provider's SLA).
OSS_RTC_LAG_S = 600.0


def _zone_centre(region: Region, zone: Any, cloud: str) -> str | None:
    """The centre of ``cloud`` whose AZ is the provider zone ``zone`` (AZ names repeat across clouds)."""
    return next((c.name for c in region.centres if c.cloud.value == cloud for az in c.azs if az.name == zone), None)


def edge_reader(extract: Callable[[Graph, Resource, Region], Edge | None]) -> Reader:
    """Read a replication resource as an Edge; NA unless it copies the element's data the element's way."""
    def read(graph: Graph, res: Resource, element: Element) -> Any:
        edge = extract(graph, res, element.data["region"])
        if edge is None or edge.kind != element.data["kind"] or edge.source != element.data["source"]:
            return NA
        if edge.target is not None and edge.target != element.data["target"]:
            return NA
        return edge
    return read


def _oss_edge(graph: Graph, res: Resource, _region: Region) -> Edge | None:
    dest = lookup(res.props, "destination.bucket")
    rtc = str(lookup(res.props, "rtc.enabled")).lower() == "true"
    return Edge("object", graph.bucket_centre(str(res.props.get("bucket"))),
                graph.bucket_centre(str(dest)) if dest else None, ReplicationMode.ASYNC,
                OSS_RTC_LAG_S if rtc else None)


def _swift_edge(graph: Graph, res: Resource, _region: Region) -> Edge | None:
    target = res.props.get("containerSyncTo")
    if not target or not res.props.get("containerSyncKey"):
        return None  # container sync needs both the target and the shared key
    return Edge("object", graph.centre_of(res), graph.bucket_centre(str(target).rstrip("/").rsplit("/", 1)[-1]),
                ReplicationMode.ASYNC, None)


def _disk_pair_edge(_graph: Graph, res: Resource, region: Region) -> Edge | None:
    return Edge("block", _zone_centre(region, res.props.get("sourceZoneId"), "alicloud"),
                _zone_centre(region, res.props.get("destinationZoneId"), "alicloud"), ReplicationMode.ASYNC,
                _num(res.props.get("rpo")))


def _cinder_edge(graph: Graph, res: Resource, _region: Region) -> Edge | None:
    specs = res.props.get("extraSpecs")
    if not isinstance(specs, Mapping) or "true" not in str(specs.get(REPLICATION_SPEC, "")).lower():
        return None
    return Edge("block", graph.centre_of(res), None, ReplicationMode.ASYNC, None)


def _declared_replica_edge(graph: Graph, res: Resource, _region: Region) -> Edge | None:
    """``medcloud-replica-declared: <cloud>:<region>/<bucket>``: a replica nothing in the program creates."""
    meta = res.props.get("metadata")
    target = meta.get(DECLARED_REPLICA_META) if isinstance(meta, Mapping) else None
    if not target:
        return None
    return Edge("object", graph.centre_of(res), graph.bucket_centre(str(target).rsplit("/", 1)[-1]),
                ReplicationMode.ASYNC, None)


REPLICATION_PROBES = (
    Probe(ali.BUCKET_REPLICATION, "destination.bucket, rtc", edge_reader(_oss_edge)),
    Probe(os_.CONTAINER, "containerSyncTo, containerSyncKey",
          edge_reader(_swift_edge)),
    Probe(ali.DISK_REPLICA_PAIR, "destinationZoneId, rpo", edge_reader(_disk_pair_edge)),
    Probe(os_.VOLUME_TYPE, f"extraSpecs.{REPLICATION_SPEC}",
          edge_reader(_cinder_edge), Backing.MARKER,
          "Cinder replicates to the replication_device of cinder.conf; the target is not in the resource"),
    Probe(os_.CONTAINER, f"metadata.{DECLARED_REPLICA_META}",
          edge_reader(_declared_replica_edge), Backing.MARKER,
          "no provider resource replicates Swift to OSS: the replica is run outside the program"),
)


def _copies(region: Region) -> Iterator[Element]:
    """Per system, per copy the class table demands (or the system declares), per kind of data it holds."""
    prod = region.centres_with(CentreRole.PRODUCTION)
    for si, system in enumerate(region.systems):
        spec = std.BUSINESS_CLASSES[system.business_class]
        primary = region.centre(system.placements[0].centre)
        if primary is None or not prod:
            continue
        for role, need, mode, field_name in (
            (CentreRole.SAME_CITY, spec.same_city, system.replication.same_city, "same_city"),
            (CentreRole.REMOTE_DR, spec.remote_dr, system.replication.remote, "remote"),
        ):
            targets = region.centres_with(role)
            if not targets or (need != std.Need.REQUIRED and mode == ReplicationMode.NONE):
                continue
            for kind, held in (("block", system.storage.block_gib > 0), ("object", system.storage.object_tib > 0)):
                if not held:
                    continue
                sync_needed = role == CentreRole.SAME_CITY and spec.rpo_max_s == 0
                yield Element(
                    ("systems", si, "replication", field_name),
                    f"{system.name!r} {kind} data {primary.name} → {targets[0].name} ({role.value})", "", "",
                    need=ReplicationMode.SYNC if sync_needed else None,
                    data={"region": region, "kind": kind, "source": primary.name, "target": targets[0].name,
                          "role": role, "system": system},
                )


def _copy_ok(edge: Edge, element: Element) -> str | None:
    """The copy's replication can meet the class RPO: synchronous for RPO 0, else a lag within it.

    Remote copies are judged by R-BC-02's lag (C1/C2: 013 5.6.2.2 c allows asynchronous remote DR).
    """
    system: System = element.data["system"]
    if element.need == ReplicationMode.SYNC and edge.mode != ReplicationMode.SYNC:
        return (f"replicates {edge.mode.value}ly, but class {system.business_class.value} needs RPO 0 "
                "(synchronous same-city replication)")
    rpo = std.BUSINESS_CLASSES[system.business_class].rpo_max_s
    if element.data["role"] == CentreRole.SAME_CITY and edge.lag_s is not None and edge.lag_s > rpo > 0:
        return f"replicates with RPO up to {edge.lag_s:g} s (class {system.business_class.value}: ≤ {rpo:g} s)"
    return None


def _remote_copies(region: Region) -> Iterator[Element]:
    for element in _copies(region):
        if element.data["role"] == CentreRole.REMOTE_DR:
            kind = element.data["kind"]
            limit = std.OBJECT_REPLICATION_LAG_MAX_S if kind == "object" else std.REMOTE_ASYNC_LAG_MAX_S
            yield Element((*element.loc[:-1], f"{kind if kind == 'object' else 'remote'}_lag_s"),
                          element.label, "", "", need=float(limit), data=element.data)


def _lag_ok(edge: Edge, element: Element) -> str | None:
    if edge.lag_s is None:
        return Undecided(f"the resource bounds no lag: the {element.need:g} s limit rests on the declared "
                         "replication lag")
    if edge.lag_s > element.need:
        return f"replication lag up to {edge.lag_s:g} s (at most {element.need:g} s)"
    return None


# --- elements of the other tables ---------------------------------------------------

def _links(region: Region, a_role: CentreRole, b_role: CentreRole,
           keep: Callable[[Link], bool], need: float) -> Iterator[Element]:
    ends = [region.centres_with(a_role), region.centres_with(b_role)]
    if len(ends[0]) != 1 or len(ends[1]) != 1:
        return
    for link in region.links_between(ends[0][0].name, ends[1][0].name):
        if keep(link):
            li = region.links.index(link)
            yield Element(("links", li, "bandwidth_gbps"), f"link {link.name!r} (declared "
                          f"{link.bandwidth_gbps:g} Gbps)", "link", link.name, need=need)


def _remote_links(region: Region) -> Iterator[Element]:
    return _links(region, CentreRole.PRODUCTION, CentreRole.REMOTE_DR, lambda _k: True, std.REMOTE_LINK_MIN_GBPS)


def _same_city_links(region: Region) -> Iterator[Element]:
    return _links(region, CentreRole.PRODUCTION, CentreRole.SAME_CITY, lambda k: k.kind == LinkKind.WDM,
                  std.SAME_CITY_LINK_MIN_GBPS)


def _capacity_ok(gbps: float, element: Element) -> str | None:
    return None if gbps >= element.need else f"{gbps:g} Gbps (the link needs ≥ {element.need:g} Gbps)"


def _ipsec_links(region: Region) -> Iterator[Element]:
    """Each end of each inter-centre IPsec link: both tunnel ends must negotiate the suite."""
    centres = {c.name for c in region.centres}
    for li, link in enumerate(region.links):
        if link.a in centres and link.b in centres and not link.local and link.encryption is not None \
                and link.encryption.protocol == "ipsec":
            for end in (link.a, link.b):
                yield Element(("links", li, "encryption"), f"IPsec link {link.name!r} at {end} "
                              f"({link.encryption.suite.value} suite declared)", "link", link.name,
                              need=link.encryption.suite.value, data={"centre": end})


def _link_end(graph: Graph, element: Element, types: tuple[str, ...]) -> list[Resource]:
    """The link's resources built in the element's centre (by the provider of that centre)."""
    return [r for r in graph.realising("link", element.name, types) if graph.centre_of(r) == element.data["centre"]]


def _sm_suite(found: list[str], element: Element) -> str | None:
    if element.need != "sm":
        return None
    bad = [a for a in found if algorithm_family(a) not in std.SM_ALGORITHMS]
    return f"negotiates {', '.join(bad)} (the SM suite: SM3/SM4)" if bad else None


def _encrypting_systems(minimum_level: int) -> Callable[[Region], Iterator[Element]]:
    def elements(region: Region) -> Iterator[Element]:
        for si, system in enumerate(region.systems):
            spec = std.DATA_LEVELS[system.data_level]
            if system.data_level < minimum_level or not spec.encryption_required:
                continue
            yield Element(("systems", si, "protection", "algorithm"), f"level-{system.data_level} system "
                          f"{system.name!r}", "system", system.name, need="sm4",
                          data={"centres": sorted(roles_centres(region, system)),
                                "objects": system.storage.object_tib > 0})
    return elements


def roles_centres(region: Region, system: System) -> set[str]:
    return {p.centre for p in system.placements}


def _algorithm_ok(found: str, _element: Element) -> str | None:
    return None if found == "sm4" else f"stores data with {found} (needs SM4)"


def _worm_centres(region: Region) -> Iterator[Element]:
    archiving = {p.centre for s in region.systems if s.storage.archive_years > 0 for p in s.placements}
    if not region.storage.archive.worm:
        return
    for centre in region.centres:
        if centre.name in archiving:
            yield Element(("storage", "archive", "worm"), f"archive of centre {centre.name!r}", "centre",
                          centre.name, need=float(std.retention_days(region.storage.archive.retention_years)))


def _worm_ok(days: float, element: Element) -> str | None:
    if days <= 0:
        return "the WORM configuration is not locked (an InProgress lock can still be removed)"
    if days < max(element.need, std.ARCHIVE_RETENTION_MIN_DAYS):
        return f"locks objects for {days:g} days (at least {max(element.need, std.ARCHIVE_RETENTION_MIN_DAYS):g})"
    return None


def _block_systems(region: Region) -> Iterator[Element]:
    for si, system in enumerate(region.systems):
        if system.storage.block_gib == 0:
            continue
        loc: Loc = ("systems", si, "snapshots") if system.snapshots else ("storage", "snapshots")
        yield Element(loc, f"volumes of {system.name!r}", "system", system.name,
                      need=system.snapshots or region.storage.snapshots)


def _block_systems_at(field_loc: tuple[str, ...]) -> Callable[[Region], Iterator[Element]]:
    def elements(region: Region) -> Iterator[Element]:
        for si, system in enumerate(region.systems):
            if system.storage.block_gib > 0:
                yield Element(("systems", si, *field_loc), f"volumes of {system.name!r}", "system", system.name)
    return elements


def _schedule_ok(policy: SnapshotPolicy | None, element: Element) -> str | None:
    if policy is None:
        return "no automatic snapshot policy is attached"
    gaps = snapshot_gaps(policy)
    return "; ".join(gaps) if gaps else None


def _object_centres(region: Region) -> Iterator[Element]:
    for centre in region.centres:
        if any(s.storage.object_tib > 0 and any(p.centre == centre.name for p in s.placements)
               for s in region.systems):
            yield Element(("storage", "tiering"), f"object storage of centre {centre.name!r}", "centre", centre.name)


ENCRYPTION_PROBES = (
    Probe(ali.ECS_DISK, "encrypted, encryptAlgorithm, kmsKeyId", disk_algorithm),
    Probe(ali.DISK, "encrypted, encryptAlgorithm, kmsKeyId", disk_algorithm),
    Probe(os_.VOLUME, f"volumeType → extraSpecs.{VOLUME_ENCRYPTION_SPEC}",
          volume_type_spec(VOLUME_ENCRYPTION_SPEC), Backing.MARKER,
          "Cinder encrypts a volume only through a volume-type encryption spec (encryption provider and "
          "cipher), which no resource of the program sets; the extra spec is read by nothing"),
)

LINK_CAPACITY_PROBES = (
    Probe(ali.VPN_GATEWAY, "bandwidth (Mbps)", mbps_as_gbps("bandwidth")),
    Probe(ali.PHYSICAL_CONNECTION, "bandwidth (Mbps)",
          mbps_as_gbps("bandwidth")),
    Probe(ali.VBR, "bandwidth (Mbps)",
          mbps_as_gbps("bandwidth")),
    Probe(ali.CEN_BANDWIDTH_PACKAGE, "bandwidth (Mbps)", mbps_as_gbps("bandwidth")),
    Probe(os_.VPN_SERVICE, "(no capacity)", constant(None), Backing.NONE,
          "a VPNaaS service has no capacity: the circuit's bandwidth is the region file's figure"),
    Probe(os_.ROUTER_ROUTE, "(no capacity)", constant(None), Backing.NONE,
          "a route to the circuit's edge router has no capacity: the circuit's bandwidth is the region file's figure"),
)

#: Bucket rows join R-DC-01/R-SEC-02 on the object data of the centres a system lives in.
BUCKET_ENCRYPTION_PROBES = (
    Probe(ali.BUCKET, "serverSideEncryptionRule", bucket_algorithm),
    Probe(os_.CONTAINER, f"metadata.{OBJECT_ENCRYPTION_META}",
          metadata("metadata", OBJECT_ENCRYPTION_META), Backing.MARKER,
          "Swift encrypts at rest cluster-wide (encryption middleware); no container setting shows it"),
)


def _system_data(graph: Graph, element: Element, types: tuple[str, ...]) -> list[Resource]:
    """A system's volumes, plus the buckets of the centres it keeps object data in."""
    found = graph.realising("system", element.name, types)
    if element.data.get("objects"):
        buckets = [t for t in types if t in BUCKET_TYPES]
        found += [r for r in graph.of_type(*buckets) if graph.centre_of(r) in element.data["centres"]]
    return found


TABLES: tuple[JoinTable, ...] = (
    JoinTable("R-TOP-05", "remote links ≥ 10 Gbps each, on the gateways and circuits that carry them",
              "links[].bandwidth_gbps ↔ gateway/circuit bandwidth", _remote_links, LINK_CAPACITY_PROBES,
              _capacity_ok),
    JoinTable("R-TOP-04", "same-city WDM links ≥ 100 Gbps each, on the circuits that carry them",
              "links[].bandwidth_gbps ↔ circuit bandwidth", _same_city_links, LINK_CAPACITY_PROBES,
              _capacity_ok, Severity.DECLARED, "the circuit is outside the program"),
    JoinTable("R-NET-04", "inter-centre IPsec negotiates the SM suite, on the real IKE/IPsec policies",
              "links[].encryption.suite ↔ IKE/ESP algorithms", _ipsec_links, (
                  Probe(os_.IKE_POLICY, "authAlgorithm, encryptionAlgorithm", algorithms),
                  Probe(os_.IPSEC_POLICY, "authAlgorithm, encryptionAlgorithm", algorithms),
                  Probe(ali.VPN_CONNECTION, "ikeConfig/ipsecConfig algorithms", algorithms),
                  Probe(ali.VPN_GATEWAY, "vpnType", vpn_type),
                  Probe(os_.PORT, "(appliance port)", constant(None), Backing.NONE,
                        "SM-suite IPsec ends on the domestic firewall appliance behind this port; its rendered "
                        "configuration is not a cloud resource"),
              ), _sm_suite, Severity.DECLARED, "no IPsec resource at this end", select=_link_end),
    JoinTable("R-DC-01", "SM4 at rest, on the disks' and volumes' real encryption",
              "systems[].protection.algorithm ↔ disk/volume/bucket encryption", _encrypting_systems(1),
              ENCRYPTION_PROBES + BUCKET_ENCRYPTION_PROBES, _algorithm_ok, select=_system_data),
    JoinTable("R-SEC-02", "core medical data (level ≥ 4) SM4-encrypted, on the disks' and volumes' real encryption",
              "systems[].protection.algorithm ↔ disk/volume/bucket encryption",
              _encrypting_systems(std.SENSITIVE_DATA_LEVEL), ENCRYPTION_PROBES + BUCKET_ENCRYPTION_PROBES,
              _algorithm_ok, select=_system_data),
    JoinTable("R-DC-02", "archives on a locked WORM retention of ≥ 30 years",
              "storage.archive ↔ bucket retention lock", _worm_centres, (
                  Probe(ali.BUCKET_WORM, "retentionPeriodInDays, status", worm_days),
                  Probe(os_.CONTAINER, f"metadata.{WORM_META}",
                        metadata("metadata", WORM_META), Backing.MARKER,
                        "Swift has no object lock: container metadata binds nobody"),
              ), _worm_ok),
    JoinTable("R-BC-03", "block snapshots 00/06/12/18 kept 7 days, on the schedule attached to each volume",
              "storage.snapshots ↔ snapshot policy attached to the disk", _block_systems, (
                  Probe(ali.ECS_DISK, "EcsAutoSnapshotPolicyAttachment → timePoints, retentionDays",
                        disk_snapshot_policy),
                  Probe(os_.VOLUME, f"volumeType → extraSpecs.{SNAPSHOT_TIMES_SPEC}",
                        volume_type_spec(SNAPSHOT_TIMES_SPEC), Backing.MARKER,
                        "no snapshot scheduler resource exists for Cinder; the extra spec is read by nothing"),
              ), _schedule_ok),
    JoinTable("R-BC-01", "each copy the class table demands is replicated by a resource",
              "systems[].replication ↔ replication resources (per copy, per data kind)", _copies,
              REPLICATION_PROBES, _copy_ok),
    JoinTable("R-BC-02", "remote replication lag bounded by the replication resource (≤ 15 min, objects ≤ 1 min)",
              "systems[].replication.*_lag_s ↔ replication RPO/RTC", _remote_copies, REPLICATION_PROBES, _lag_ok,
              Severity.SKIPPED, "no replication resource (R-BC-01 reports it)"),
    JoinTable("R-ST-03", "snapshots kept in object storage, usable after the volume is deleted",
              "volumes ↔ snapshot placement", _block_systems_at(("storage", "block_gib")), (
                  Probe(ali.ECS_DISK, "deleteAutoSnapshot",
                        lambda _g, r, _e: str(r.props.get("deleteAutoSnapshot")).lower() == "false"),
                  Probe(os_.VOLUME, "(no snapshot placement)", constant(None), Backing.NONE,
                        "Cinder RBD snapshots live in the volume's Ceph pool; only cinder-backup (configured outside "
                        "the program) would put them in Swift"),
              ), lambda kept, _e: None if kept else "auto snapshots are released with the disk"),
    JoinTable("R-BAK-01", "backups (volume snapshots) encrypted, from the volumes' real encryption",
              "storage.backups.encrypted ↔ snapshot encryption", _block_systems_at(("storage", "block_gib")), (
                  Probe(ali.ECS_DISK, "encrypted (snapshots inherit it)", disk_algorithm),
                  Probe(os_.VOLUME, f"volumeType → extraSpecs.{VOLUME_ENCRYPTION_SPEC}",
                        volume_type_spec(VOLUME_ENCRYPTION_SPEC), Backing.MARKER,
                        "snapshot encryption follows the volume's, which only a marker declares"),
              ), lambda found, _e: None if found != "none" else "snapshots of an unencrypted disk are unencrypted"),
    JoinTable("R-ST-04", "rarely accessed objects move to a cold storage class",
              "storage.tiering ↔ bucket storage class / lifecycle transitions", _object_centres, (
                  Probe(ali.BUCKET, "storageClass, lifecycleRules[].transitions",
                        bucket_cold_classes),
                  Probe(os_.CONTAINER, "(no lifecycle)", constant(None), Backing.NONE,
                        "Swift has no lifecycle tiering; cold tiers are cluster storage policies outside the program"),
              ), lambda found, _e: None if found else "no lifecycle transition to a cold class"),
)

