"""Pictures of a region and of its preview.

* :func:`region_graph` — the region as a map: centres placed by their
  coordinates, the distances production → other centres against the
  R-TOP-02 (≤ 100 km) and R-TOP-03 (≥ 300 km) thresholds, each link with
  kind, carrier, bandwidth and route, everything coloured by what the model
  checks found.
* :func:`resource_graph` — a preview's resources as ``pulumi stack graph``
  draws them: one node per resource, parent edges and dependency edges.

Both return :class:`graphviz.Graph` / :class:`graphviz.Digraph` sources;
:func:`render` turns one into SVG with Graphviz (``neato`` keeps the pinned
map positions, ``dot`` lays out the resource graph).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import graphviz

from medcloud.checks import ComplianceReport
from medcloud.checks.findings import Finding, Severity
from medcloud.checks.topology import remote_distance_ok, same_city_distance_ok
from medcloud.errors import GraphError as GraphError
from medcloud.escape import html_text
from medcloud.model import CentreRole, Region
from medcloud.model import standards as std
from medcloud.model.location import great_circle_km

#: Compliance colours (colour-blind safe pairs: blue/orange/red-purple, plus grey for "not checked").
STATUS_COLOUR = {"ok": "#1b7837", "warning": "#e08214", "waived": "#b8860b", "violation": "#c51b7d",
                 "declared": "#5e3c99", "skipped": "#7f7f7f"}
#: Worst first.  Anything a finding says that is not a pass (a declaration, a skip) keeps a line from green.
STATUS_ORDER = ["violation", "waived", "declared", "warning", "skipped", "ok"]
ROLE_FILL = {CentreRole.PRODUCTION: "#d1e5f0", CentreRole.SAME_CITY: "#e0f3f8",
             CentreRole.REMOTE_DR: "#fddbc7", CentreRole.BACKUP: "#f0f0f0"}
#: Width of the map's drawing area, points (graphviz ``neato -n2`` positions are in points).
MAP_WIDTH_PT = 720.0
#: Closest two centres may be drawn, points: a same-city pair 20 km apart would otherwise overlap on a
#: map 1,000 km wide.  Labels carry the true distances.
MIN_SEPARATION_PT = 170.0
#: How far branch hospitals (which have no coordinates) sit from the centre they hang off, points.
BRANCH_OFFSET_PT = 90.0


def _status(findings: Iterable[Finding]) -> str:
    """The worst status among ``findings`` (:data:`STATUS_ORDER`); no finding at all is ``ok``."""
    statuses = []
    for finding in findings:
        if finding.waived:
            statuses.append("waived")
        elif finding.severity == Severity.ERROR:
            statuses.append("violation")
        elif finding.severity in (Severity.VERIFIED, Severity.NOTE):  # a resource verified it; a conflict note
            statuses.append("ok")
        elif finding.severity.value in STATUS_COLOUR:
            statuses.append(finding.severity.value)
        else:  # a severity this module does not know yet is not a pass
            statuses.append("declared")
    return _worst(statuses)


@dataclass(frozen=True)
class Point:
    x: float
    y: float


def project(region: Region) -> dict[str, Point]:
    """Centres onto a plane (equirectangular around the region's mean latitude), scaled to the map width."""
    if not region.centres:
        return {}
    mean_lat = math.radians(sum(c.location.lat for c in region.centres) / len(region.centres))
    raw = {c.name: (c.location.lon * math.cos(mean_lat), c.location.lat) for c in region.centres}
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = MAP_WIDTH_PT / span
    placed = {name: Point((x - min(xs)) * scale, (y - min(ys)) * scale) for name, (x, y) in raw.items()}
    return _margin(_spread(placed))


def _spread(points: dict[str, Point], rounds: int = 50) -> dict[str, Point]:
    """Push centres closer than :data:`MIN_SEPARATION_PT` apart (bounded rounds, deterministic)."""
    names = sorted(points)
    at = {n: [points[n].x, points[n].y] for n in names}
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                dx, dy = at[b][0] - at[a][0], at[b][1] - at[a][1]
                dist = math.hypot(dx, dy)
                if dist >= MIN_SEPARATION_PT:
                    continue
                ux, uy = (dx / dist, dy / dist) if dist > 1e-6 else (1.0, 0.0)
                push = (MIN_SEPARATION_PT - dist) / 2
                at[a][0] -= ux * push
                at[a][1] -= uy * push
                at[b][0] += ux * push
                at[b][1] += uy * push
                moved = True
        if not moved:
            break
    return {n: Point(x, y) for n, (x, y) in at.items()}


def _margin(points: dict[str, Point]) -> dict[str, Point]:
    """Shift so the smallest coordinates sit a branch offset from the origin (room for branches)."""
    low_x = min(p.x for p in points.values())
    low_y = min(p.y for p in points.values())
    return {n: Point(p.x - low_x + BRANCH_OFFSET_PT, p.y - low_y + BRANCH_OFFSET_PT) for n, p in points.items()}


def _findings_at(report: ComplianceReport, *prefix: str | int) -> list[Finding]:
    return [f for f in report.findings if f.loc[: len(prefix)] == prefix]


def _distance_rule(role: CentreRole) -> tuple[str, str, Any] | None:
    """(requirement, threshold text, test) for the production → ``role`` distance, if one applies."""
    if role == CentreRole.SAME_CITY:
        return "R-TOP-02", f"≤ {std.SAME_CITY_MAX_KM:.0f} km", same_city_distance_ok
    if role == CentreRole.REMOTE_DR:
        return "R-TOP-03", f"≥ {std.REMOTE_DR_MIN_KM:.0f} km", remote_distance_ok
    return None


def region_graph(report: ComplianceReport) -> graphviz.Graph:
    """The region as a map (see the module docstring); pure: no Graphviz process runs here."""
    region = report.region
    points = project(region)
    graph = graphviz.Graph(name=region.name, engine="neato")
    graph.attr(label=f"region {region.name} — links and distances coloured by compliance", labelloc="t",
               fontname="sans-serif", fontsize="16", outputorder="edgesfirst", overlap="true", splines="true")
    graph.attr("node", fontname="sans-serif", fontsize="11")
    graph.attr("edge", fontname="sans-serif", fontsize="9")
    index = {c.name: i for i, c in enumerate(region.centres)}
    for centre in region.centres:
        at = points[centre.name]
        status = _status(_findings_at(report, "centres", index[centre.name]))
        label = (f"<<b>{html_text(centre.name)}</b><br/>{html_text(centre.role.value)} · "
                 f"{html_text(centre.cloud.value)}<br/>{html_text(centre.location.city)}, "
                 f"{html_text(centre.location.province)}>")
        graph.node(centre.name, label=label, shape="box", style="rounded,filled", penwidth="2",
                   fillcolor=ROLE_FILL[centre.role], color=STATUS_COLOUR[status], pos=f"{at.x:.1f},{at.y:.1f}!")
    _branches(graph, region, points)
    _distances(graph, report, points)
    _links(graph, report)
    _legend(graph, points)
    return graph


#: What each colour means, as the legend prints it.
LEGEND = {"ok": "passed", "violation": "violation", "waived": "waived", "declared": "declared only (not verified)",
          "warning": "warning", "skipped": "not checked"}


def _legend(graph: graphviz.Graph, points: dict[str, Point]) -> None:
    """A key in the bottom-left corner, below every centre."""
    rows = "".join(f'<tr><td><font color="{STATUS_COLOUR[k]}">■</font></td><td align="left">{html_text(v)}</td></tr>'
                   for k, v in LEGEND.items())
    right = max((p.x for p in points.values()), default=0.0)
    graph.node("medcloud-legend", label=f'<<table border="1" cellborder="0" cellspacing="2">{rows}</table>>',
               shape="plaintext", fontsize="9", pos=f"{right + BRANCH_OFFSET_PT * 2:.1f},0.0!")


def _branches(graph: graphviz.Graph, region: Region, points: dict[str, Point]) -> None:
    homes: dict[str, list[str]] = defaultdict(list)
    for branch in region.branches:
        home = next((lk.b if lk.a == branch.name else lk.a for lk in region.links
                     if branch.name in lk.endpoints and ({lk.a, lk.b} - {branch.name}) & points.keys()), None)
        if home is not None:
            homes[home].append(branch.name)
    for home, names in homes.items():
        for k, name in enumerate(sorted(names)):
            angle = math.pi * (1.25 + 0.5 * k / max(1, len(names) - 1)) if len(names) > 1 else math.pi * 1.5
            at = Point(points[home].x + BRANCH_OFFSET_PT * math.cos(angle),
                       points[home].y + BRANCH_OFFSET_PT * math.sin(angle))
            city = next(b.city for b in region.branches if b.name == name)
            graph.node(name, label=f"{name}\n{city}", shape="ellipse", style="filled", fillcolor="#ffffff",
                       fontsize="9", pos=f"{at.x:.1f},{at.y:.1f}!")


def _distances(graph: graphviz.Graph, report: ComplianceReport, points: dict[str, Point]) -> None:
    region = report.region
    production = region.centres_with(CentreRole.PRODUCTION)
    if len(production) != 1:
        return
    prod = production[0]
    for centre in region.centres:
        if centre is prod:
            continue
        km = great_circle_km(prod.location, centre.location)
        rule = _distance_rule(centre.role)
        if rule is None:
            graph.edge(prod.name, centre.name, label=f"{km:.0f} km", style="dotted", color="#999999",
                       fontcolor="#666666")
            continue
        requirement, threshold, ok = rule
        colour = STATUS_COLOUR["ok" if ok(km) else "violation"]
        graph.edge(prod.name, centre.name, label=f"{km:.0f} km ({threshold}, {requirement})", style="dashed",
                   color=colour, fontcolor=colour, len="2")


def _links(graph: graphviz.Graph, report: ComplianceReport) -> None:
    """One edge per pair of endpoints; its label lists every link between them, each in its own colour."""
    region = report.region
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, link in enumerate(region.links):
        if link.local:
            continue
        a, b = sorted((link.a, link.b))
        pairs[(a, b)].append(i)
    for (a, b), indices in sorted(pairs.items()):
        rows = []
        statuses = []
        for i in indices:
            link = region.links[i]
            status = _status(_findings_at(report, "links", i))
            statuses.append(status)
            members = f"{link.members}×" if link.members > 1 else ""
            text = (f"{link.name}: {link.kind.value}, {link.carrier}, {members}{link.bandwidth_gbps:g} Gbps, "
                    f"route {link.route_id}")
            rows.append(f'<tr><td align="left"><font color="{STATUS_COLOUR[status]}">'
                        f"{html_text(text)}</font></td></tr>")
        worst = _worst(statuses)
        label = '<<table border="0" cellborder="0" cellspacing="0" bgcolor="#ffffffcc">' + "".join(rows) + "</table>>"
        graph.edge(a, b, label=label, color=STATUS_COLOUR[worst], penwidth=str(1 + len(indices)))


def _worst(statuses: Sequence[str]) -> str:
    return min(statuses, key=STATUS_ORDER.index) if statuses else "ok"


def resource_graph(document: dict[str, Any]) -> graphviz.Digraph:
    """A preview (``pulumi preview --json`` shape) as ``pulumi stack graph`` draws it."""
    graph = graphviz.Digraph(name="resources", engine="dot")
    graph.attr(rankdir="LR", fontname="sans-serif")
    graph.attr("node", shape="box", fontname="sans-serif", fontsize="9")
    states: dict[str, dict[str, Any]] = {}
    for step in document.get("steps") or []:
        state = (step.get("newState") or step.get("oldState") or {}) if isinstance(step, dict) else {}
        urn = step.get("urn") or state.get("urn") if isinstance(state, dict) else None
        if isinstance(urn, str) and isinstance(state, dict):
            states[urn] = state
    # DOT reads "a:b" in an edge as node a, port b, and URNs are full of colons: nodes get plain ids.
    ids = {urn: f"r{i}" for i, urn in enumerate(states)}
    for urn, state in states.items():
        graph.node(ids[urn], label=f"{state.get('type', '')}\\n{urn.rsplit('::', 1)[-1]}")
        parent = state.get("parent")
        if isinstance(parent, str) and parent in ids:
            graph.edge(ids[parent], ids[urn], style="dashed", color="#888888")
        for dependency in state.get("dependencies") or []:
            if isinstance(dependency, str) and dependency in ids:
                graph.edge(ids[dependency], ids[urn])
    return graph


def render(graph: graphviz.Graph | graphviz.Digraph, fmt: str) -> bytes:
    """``dot`` source or a Graphviz rendering (``svg``, ``png``) of ``graph``."""
    if fmt == "dot":
        return str(graph.source).encode()
    try:
        # neato -n2 keeps the positions the map pinned (in points); dot lays out freely.
        no_op = 2 if graph.engine == "neato" else None
        drawn: bytes = graphviz.pipe(graph.engine, fmt, str(graph.source).encode(), neato_no_op=no_op, quiet=True)
        return drawn
    except graphviz.ExecutableNotFound as exc:
        raise GraphError(f"Graphviz is not installed ({exc}); install the Debian package 'graphviz'") from None
    except graphviz.CalledProcessError as exc:
        raise GraphError(f"Graphviz failed: {exc.stderr.decode(errors='replace').strip()}") from None
