"""Model facts that are declarations: what an operator measured, a contract says or a drill proved.

Each row names the requirement, the model fields that carry a declaration
no resource backs, and the evidence such a declaration rests on.  The engine
reports every element a row covers as ``declared`` (citing the region's
evidence documents where it attaches some): a typed figure is never
compliant on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from medcloud.checks.findings import Loc
from medcloud.model import CentreRole, LinkKind, Region


@dataclass(frozen=True)
class Declaration:
    requirement: str
    #: What the declared fact is and what would prove it.
    rests_on: str
    elements: Callable[[Region], Iterator[tuple[Loc, str]]]


def _links_between(a: CentreRole, b: CentreRole, field: str) -> Callable[[Region], Iterator[tuple[Loc, str]]]:
    def elements(region: Region) -> Iterator[tuple[Loc, str]]:
        ends = region.centres_with(a), region.centres_with(b)
        if len(ends[0]) != 1 or len(ends[1]) != 1:
            return
        for link in region.links_between(ends[0][0].name, ends[1][0].name):
            yield ("links", region.links.index(link), field), f"link {link.name!r}: {field}={getattr(link, field)}"
    return elements


def _branch_lines(region: Region) -> Iterator[tuple[Loc, str]]:
    branches = {b.name for b in region.branches}
    for li, link in enumerate(region.links):
        if link.kind == LinkKind.LEASED_LINE and link.endpoints & branches:
            yield ("links", li, "route_id"), f"branch line {link.name!r} over duct {link.route_id!r}"


def _site_facts(region: Region) -> Iterator[tuple[Loc, str]]:
    for ci, centre in enumerate(region.centres):
        if centre.role == CentreRole.REMOTE_DR:
            loc = centre.location
            yield ("centres", ci, "location"), (f"{centre.name!r}: seismic zone {loc.seismic_zone}, basin "
                                                f"{loc.river_basin}, grid {loc.power_grid}")


def _systems(field: str) -> Callable[[Region], Iterator[tuple[Loc, str]]]:
    def elements(region: Region) -> Iterator[tuple[Loc, str]]:
        for si, system in enumerate(region.systems):
            yield ("systems", si, field), f"{system.name!r}: {field}={getattr(system, field)}"
    return elements


def _access(region: Region) -> Iterator[tuple[Loc, str]]:
    for si, system in enumerate(region.systems):
        prot = system.protection
        yield ("systems", si, "protection"), (f"{system.name!r}: {prot.access.value} access control, "
                                              f"{prot.audit.value} audit")


def _dedicated(region: Region) -> Iterator[tuple[Loc, str]]:
    sensitive = {(p.centre, p.pool) for s in region.systems if s.sensitive for p in s.placements}
    for ci, centre in enumerate(region.centres):
        for ai, az in enumerate(centre.azs):
            for pi, pool in enumerate(az.pools):
                if (centre.name, pool.name) in sensitive and pool.dedicated:
                    yield ("centres", ci, "azs", ai, "pools", pi, "dedicated"), f"{centre.name}/{pool.name} dedicated"


def _block_profile(region: Region) -> Iterator[tuple[Loc, str]]:
    block = region.storage.block
    yield ("storage", "block"), f"{block.replicas} replicas over {block.rack_spread} racks"


def _object_profile(region: Region) -> Iterator[tuple[Loc, str]]:
    obj = region.storage.object
    shown = f"EC {obj.ec_data}+{obj.ec_parity}" if obj.ec_data else f"{obj.replicas} replicas"
    yield ("storage", "object"), f"{shown} over {obj.rack_spread} racks"


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration("R-TOP-02", "RTT and loss the operator measured on the active-active links",
                _links_between(CentreRole.PRODUCTION, CentreRole.SAME_CITY, "rtt_ms")),
    Declaration("R-TOP-03", "RTT the operator measured on the remote links",
                _links_between(CentreRole.PRODUCTION, CentreRole.REMOTE_DR, "rtt_ms")),
    Declaration("R-TOP-03", "the sites' seismic zone, river basin and power grid (site survey)", _site_facts),
    Declaration("R-TOP-05", "FEC and retransmission on the remote circuits (carrier contract, RFC 2544 run)",
                _links_between(CentreRole.PRODUCTION, CentreRole.REMOTE_DR, "fec")),
    Declaration("R-TOP-05", "the remote circuits' carriers (carrier contracts)",
                _links_between(CentreRole.PRODUCTION, CentreRole.REMOTE_DR, "carrier")),
    Declaration("R-TOP-08", "physically dedicated hosts (no dedicated-host or aggregate resource shows it)",
                _dedicated),
    Declaration("R-TOP-10", "branch lines over different physical ducts (carrier route documents)", _branch_lines),
    Declaration("R-BC-01", "RTO per system (switch-over drill reports, R-BC-07)", _systems("rto_s")),
    Declaration("R-DC-01", "access control and audit regime (access reviews, audit logs)", _access),
    Declaration("R-ST-01", "block replicas and rack spread (Ceph CRUSH rules, outside the program)", _block_profile),
    Declaration("R-ST-02", "object redundancy and rack spread (Swift rings / OSS, outside the program)",
                _object_profile),
)
