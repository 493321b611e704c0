"""Topology checks: two sites, three centres (R-TOP-01…05, R-TOP-08…10; R-TOP-06 is in ``capacity``).

The policy maths are small pure functions on plain values so the Pulumi policy
pack can call the very same rules on resource properties.
"""

from __future__ import annotations

from collections.abc import Iterator

from medcloud.checks.findings import Finding, check, error, skipped, warning
from medcloud.model import Centre, CentreRole, Link, LinkKind, Location, Region, great_circle_km
from medcloud.model import standards as std

# --- pure rules ---------------------------------------------------------------


def same_city_distance_ok(km: float) -> bool:
    """R-TOP-02: the active-active pair is at most 100 km apart."""
    return km <= std.SAME_CITY_MAX_KM


def remote_distance_ok(km: float) -> bool:
    """R-TOP-03: the remote DR centre is at least 300 km from production."""
    return km >= std.REMOTE_DR_MIN_KM


def shared_risks(a: Location, b: Location) -> list[str]:
    """R-TOP-03: the shared-fate facts two sites must not have in common."""
    shared = []
    if a.seismic_zone == b.seismic_zone:
        shared.append(f"seismic zone {a.seismic_zone!r}")
    if a.river_basin == b.river_basin:
        shared.append(f"river basin {a.river_basin!r}")
    if a.power_grid == b.power_grid:
        shared.append(f"power grid {a.power_grid!r}")
    return shared


def remote_rtt_ok(rtt_ms: float) -> bool:
    """R-TOP-03: remote links see 5–30 ms round trip."""
    return std.REMOTE_RTT_MIN_MS <= rtt_ms <= std.REMOTE_RTT_MAX_MS


# --- helpers -----------------------------------------------------------------


def one(region: Region, role: CentreRole) -> Centre | None:
    centres = region.centres_with(role)
    return centres[0] if len(centres) == 1 else None


def not_checkable(requirement: str, *roles: CentreRole) -> Finding:
    """R-TOP-01 reports the role problem itself; here the dependent check says it could not run."""
    wanted = " and ".join(f"one {r.value} centre" for r in roles)
    return skipped(requirement, f"needs exactly {wanted} (R-TOP-01)", "centres")


def _centre_index(region: Region, centre: Centre) -> int:
    return region.centres.index(centre)


def _link_index(region: Region, link: Link) -> int:
    return region.links.index(link)


# --- checks --------------------------------------------------------------------


@check("R-TOP-01", "exactly one production, one same-city and one remote DR centre")
def centre_roles(region: Region) -> Iterator[Finding]:
    for role in (CentreRole.PRODUCTION, CentreRole.SAME_CITY, CentreRole.REMOTE_DR):
        found = region.centres_with(role)
        if not found:
            yield error("R-TOP-01", f"the region has no {role.value} centre", "centres")
        for extra in found[1:]:
            yield error(
                "R-TOP-01", f"more than one {role.value} centre: {extra.name!r} after {found[0].name!r}",
                "centres", _centre_index(region, extra), "role",
            )


@check("R-TOP-02", "same-city pair within 100 km; active-active links RTT ≤ 2 ms, loss ≤ 0.01 %")
def same_city_pair(region: Region) -> Iterator[Finding]:
    prod, twin = one(region, CentreRole.PRODUCTION), one(region, CentreRole.SAME_CITY)
    if prod is None or twin is None:
        yield not_checkable("R-TOP-02", CentreRole.PRODUCTION, CentreRole.SAME_CITY)
        return
    km = great_circle_km(prod.location, twin.location)
    if not same_city_distance_ok(km):
        yield error(
            "R-TOP-02",
            f"same-city centre {twin.name!r} is {km:.1f} km from production {prod.name!r} "
            f"(at most {std.SAME_CITY_MAX_KM:.0f} km)",
            "centres", _centre_index(region, twin), "location",
        )
    for link in region.links_between(prod.name, twin.name):
        li = _link_index(region, link)
        if link.rtt_ms > std.ACTIVE_ACTIVE_RTT_MAX_MS:
            yield error(
                "R-TOP-02", f"active-active link RTT {link.rtt_ms} ms exceeds {std.ACTIVE_ACTIVE_RTT_MAX_MS} ms",
                "links", li, "rtt_ms",
            )
        if link.loss_pct > std.ACTIVE_ACTIVE_LOSS_MAX_PCT:
            yield error(
                "R-TOP-02", f"active-active link loss {link.loss_pct} % exceeds {std.ACTIVE_ACTIVE_LOSS_MAX_PCT} %",
                "links", li, "loss_pct",
            )


@check("R-TOP-03", "remote DR ≥ 300 km away, no shared seismic zone, basin, grid or fibre route; RTT 5–30 ms")
def remote_dr_site(region: Region) -> Iterator[Finding]:
    prod, dr = one(region, CentreRole.PRODUCTION), one(region, CentreRole.REMOTE_DR)
    if prod is None or dr is None:
        yield not_checkable("R-TOP-03", CentreRole.PRODUCTION, CentreRole.REMOTE_DR)
        return
    di = _centre_index(region, dr)
    km = great_circle_km(prod.location, dr.location)
    if not remote_distance_ok(km):
        yield error(
            "R-TOP-03",
            f"remote DR centre {dr.name!r} is {km:.1f} km from production {prod.name!r} "
            f"(at least {std.REMOTE_DR_MIN_KM:.0f} km)",
            "centres", di, "location",
        )
    for risk in shared_risks(prod.location, dr.location):
        yield error(
            "R-TOP-03", f"remote DR centre {dr.name!r} shares the {risk} with production", "centres", di, "location",
        )
    remote_links = region.links_between(prod.name, dr.name)
    for link in remote_links:
        if not remote_rtt_ok(link.rtt_ms):
            yield error(
                "R-TOP-03",
                f"remote link RTT {link.rtt_ms} ms is outside "
                f"{std.REMOTE_RTT_MIN_MS:.0f}–{std.REMOTE_RTT_MAX_MS:.0f} ms",
                "links", _link_index(region, link), "rtt_ms",
            )
    twin = one(region, CentreRole.SAME_CITY)
    local_routes = {k.route_id for k in region.links_between(prod.name, twin.name)} if twin else set()
    seen: dict[str, str] = {}
    for link in remote_links:
        li = _link_index(region, link)
        if link.route_id in local_routes:
            yield error(
                "R-TOP-03", f"remote link {link.name!r} shares fibre route {link.route_id!r} with the same-city links",
                "links", li, "route_id",
            )
        if link.route_id in seen:
            yield error(
                "R-TOP-03",
                f"remote links {seen[link.route_id]!r} and {link.name!r} share fibre route {link.route_id!r}",
                "links", li, "route_id",
            )
        seen.setdefault(link.route_id, link.name)


@check("R-TOP-04", "≥ 2 diverse-route WDM links of ≥ 100 Gbps between the same-city pair")
def same_city_links(region: Region) -> Iterator[Finding]:
    prod, twin = one(region, CentreRole.PRODUCTION), one(region, CentreRole.SAME_CITY)
    if prod is None or twin is None:
        yield not_checkable("R-TOP-04", CentreRole.PRODUCTION, CentreRole.SAME_CITY)
        return
    wdm = [k for k in region.links_between(prod.name, twin.name) if k.kind == LinkKind.WDM]
    for link in wdm:
        if link.bandwidth_gbps < std.SAME_CITY_LINK_MIN_GBPS:
            yield error(
                "R-TOP-04", f"WDM link {link.name!r} carries {link.bandwidth_gbps:g} Gbps (at least "
                f"{std.SAME_CITY_LINK_MIN_GBPS:g})", "links", _link_index(region, link), "bandwidth_gbps",
            )
    routes = {k.route_id for k in wdm if k.bandwidth_gbps >= std.SAME_CITY_LINK_MIN_GBPS}
    if len(routes) < std.SAME_CITY_MIN_LINKS:
        yield error(
            "R-TOP-04",
            f"{prod.name!r}–{twin.name!r} has {len(routes)} diverse-route WDM link(s) of ≥ "
            f"{std.SAME_CITY_LINK_MIN_GBPS:g} Gbps (needs {std.SAME_CITY_MIN_LINKS})",
            "links",
        )


@check("R-TOP-05", "≥ 2 remote links from different carriers, ≥ 10 Gbps, FEC and retransmission on")
def remote_links(region: Region) -> Iterator[Finding]:
    prod, dr = one(region, CentreRole.PRODUCTION), one(region, CentreRole.REMOTE_DR)
    if prod is None or dr is None:
        yield not_checkable("R-TOP-05", CentreRole.PRODUCTION, CentreRole.REMOTE_DR)
        return
    links = region.links_between(prod.name, dr.name)
    carriers = {k.carrier for k in links}
    if len(links) < std.REMOTE_MIN_LINKS or len(carriers) < std.REMOTE_MIN_LINKS:
        yield error(
            "R-TOP-05",
            f"{prod.name!r}–{dr.name!r} has {len(links)} link(s) from {len(carriers)} carrier(s) "
            f"(needs {std.REMOTE_MIN_LINKS} from different carriers)",
            "links",
        )
    for link in links:
        li = _link_index(region, link)
        if link.bandwidth_gbps < std.REMOTE_LINK_MIN_GBPS:
            yield error(
                "R-TOP-05", f"remote link {link.name!r} carries {link.bandwidth_gbps:g} Gbps (at least "
                f"{std.REMOTE_LINK_MIN_GBPS:g})", "links", li, "bandwidth_gbps",
            )
        if not link.fec:
            yield error("R-TOP-05", f"remote link {link.name!r} has FEC off", "links", li, "fec")
        if not link.retransmission:
            yield error("R-TOP-05", f"remote link {link.name!r} has retransmission off", "links", li, "retransmission")
        if link.utilisation_pct is not None and link.utilisation_pct > std.REMOTE_SCALE_OUT_UTILISATION_PCT:
            yield warning(
                "R-TOP-05", f"remote link {link.name!r} peaks at {link.utilisation_pct:g} % utilisation: scale out "
                f"(above {std.REMOTE_SCALE_OUT_UTILISATION_PCT:g} %)", "links", li, "utilisation_pct",
            )


@check("R-TOP-08", "sensitive workloads (HIS, PACS, data level ≥ 4) on physically dedicated pools")
def dedicated_pools(region: Region) -> Iterator[Finding]:
    for si, system in enumerate(region.systems):
        if not system.sensitive:
            continue
        for pi, placement in enumerate(system.placements):
            centre = region.centre(placement.centre)
            pool = centre.pool(placement.pool) if centre else None
            if centre is not None and pool is not None and not pool.dedicated:
                yield error(
                    "R-TOP-08",
                    f"sensitive system {system.name!r} ({system.kind.value}, level {system.data_level}) is placed "
                    f"on shared pool {centre.name}/{pool.name}",
                    "systems", si, "placements", pi, "pool",
                )


@check("R-TOP-09", "imaging and sensitive data stay inside the declared provinces")
def data_residency(region: Region) -> Iterator[Finding]:
    for si, system in enumerate(region.systems):
        rules: list[tuple[str, list[str]]] = []
        if system.carries_imaging:
            rules.append(("imaging", region.residency.imaging_provinces))
        if system.data_level >= std.SENSITIVE_DATA_LEVEL:
            rules.append((f"level-{system.data_level}", region.residency.sensitive))
        for pi, placement in enumerate(system.placements):
            centre = region.centre(placement.centre)
            if centre is None:
                continue
            for what, provinces in rules:
                if centre.location.province not in provinces:
                    yield error(
                        "R-TOP-09",
                        f"{system.name!r} holds {what} data in {centre.name!r} ({centre.location.province}), "
                        f"outside {', '.join(provinces)}",
                        "systems", si, "placements", pi, "centre",
                    )
                    break


@check("R-TOP-10", "branch leased lines come in pairs over different physical ducts")
def branch_lines(region: Region) -> Iterator[Finding]:
    for bi, branch in enumerate(region.branches):
        lines = [k for k in region.links if branch.name in k.endpoints and k.kind == LinkKind.LEASED_LINE]
        routes = {k.route_id for k in lines}
        if len(routes) < std.BRANCH_MIN_LINES:
            yield error(
                "R-TOP-10",
                f"branch {branch.name!r} has {len(lines)} leased line(s) over {len(routes)} duct(s) "
                f"(needs {std.BRANCH_MIN_LINES} over different ducts)",
                "branches", bi,
            )
