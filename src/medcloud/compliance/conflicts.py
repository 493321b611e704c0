"""Conflicts between the seeds (C1–C6, ../shared/REQUIREMENTS.md): when a region hits one,
a note says which figure was applied and why (the rules are ``standards.CONFLICTS``)."""

from __future__ import annotations

from collections.abc import Iterator

from medcloud.checks.findings import Finding, note
from medcloud.model import CentreRole, LinkKind, Region, ReplicationMode
from medcloud.model import standards as std
from medcloud.model.systems import Algorithm


def conflicts(region: Region) -> Iterator[Finding]:
    yield from _c1(region)
    yield from _c2(region)
    yield from _c3(region)
    yield from _c4(region)
    yield from _c5(region)
    yield from _c6(region)


def _c1(region: Region) -> Iterator[Finding]:
    for si, system in enumerate(region.systems):
        cls, lvl = std.BUSINESS_CLASSES[system.business_class], std.DATA_LEVELS[system.data_level]
        if lvl.rto_max_s is not None and lvl.rto_max_s != cls.rto_max_s:
            strict = min(cls.rto_max_s, lvl.rto_max_s)
            source = f"class {system.business_class.value} [013 table 2]" if strict == cls.rto_max_s \
                else f"level {system.data_level} [014 C.1]"
            yield note("R-BC-01", f"{system.name!r}: class {system.business_class.value} RTO {cls.rto_max_s:g} s "
                       f"and level-{system.data_level} RTO {lvl.rto_max_s:g} s both apply; applied {strict:g} s "
                       f"from {source}, the strictest", "systems", si, "rto_s", conflict="C1")


def _c2(region: Region) -> Iterator[Finding]:
    for si, system in enumerate(region.systems):
        if system.replication.remote == ReplicationMode.ASYNC:
            yield note("R-BC-02", f"{system.name!r} replicates to the remote centre asynchronously: 013's lag "
                       f"≤ {std.REMOTE_ASYNC_LAG_MAX_S} s is applied; 003-2022 7.6/A.2's synchronous zero-loss "
                       "remote backup is not met", "systems", si, "replication", "remote", conflict="C2")


def _c3(region: Region) -> Iterator[Finding]:
    provinces = set(region.residency.imaging_provinces)
    remote = region.centres_with(CentreRole.REMOTE_DR)
    for si, system in enumerate(region.systems):
        if not system.carries_imaging:
            continue
        inside = [p.centre for p in system.placements[1:]
                  if (c := region.centre(p.centre)) is not None and c.location.province in provinces]
        for dr in remote:
            if dr.location.province in provinces:
                continue
            copies = f"its in-province copies ({', '.join(inside)}) are the LN two-site backup, not" if inside \
                else "it has no"
            yield note("R-TOP-09", f"{system.name!r} carries imaging, which stays in {', '.join(sorted(provinces))} "
                       f"[LN]; {copies} a 013 remote-DR copy: {dr.name!r} is in {dr.location.province}. "
                       "Residency is applied (compliance before business SLA, R-POOL-03)",
                       "systems", si, "placements", conflict="C3")


def _c4(region: Region) -> Iterator[Finding]:
    for ci, centre in enumerate(region.centres):
        for ai, az in enumerate(centre.azs):
            for pi, pool in enumerate(az.pools):
                if pool.xinchuang and pool.cpu_arch.value == "x86_64":
                    yield note("R-HW-01", f"{centre.name}/{pool.name}: {pool.cpu_family.value} runs a licensed x86 "
                               "instruction set; 013, 014 7.5.1 c and the tender allow it, 014 7.1.1.2 a would not. "
                               "The permissive reading is applied", "centres", ci, "azs", ai, "pools", pi,
                               "cpu_family", conflict="C4")


def _c5(region: Region) -> Iterator[Finding]:
    for si, system in enumerate(region.systems):
        if system.protection.algorithm == Algorithm.AES256:
            yield note("R-SEC-01", f"{system.name!r} encrypts with AES-256 (LN front gateway); SM4 first [014 7.2.1 c] "
                       "is applied: AES-256 only under an interop exception", "systems", si, "protection",
                       "algorithm", conflict="C5")


def _c6(region: Region) -> Iterator[Finding]:
    prod, twin = region.centres_with(CentreRole.PRODUCTION), region.centres_with(CentreRole.SAME_CITY)
    if len(prod) != 1 or len(twin) != 1:
        return
    for link in region.links_between(prod[0].name, twin[0].name):
        if link.kind in (LinkKind.DARK_FIBRE, LinkKind.WDM) and link.bandwidth_gbps < std.SAME_CITY_LINK_MIN_GBPS:
            yield note("R-TOP-04", f"link {link.name!r} is {link.kind.value} at {link.bandwidth_gbps:g} Gbps: "
                       f"003-2022 A.2's 2×10G dark fibre vs 013's ≥ 2×{std.SAME_CITY_LINK_MIN_GBPS:g}G WDM; "
                       "013's figure is applied (newer, stricter)", "links", region.links.index(link),
                       conflict="C6")
