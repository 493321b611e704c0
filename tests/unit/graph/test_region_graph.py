"""`medcloud graph`: the region map (centres, distances against R-TOP-02/03 thresholds, links coloured by
the model checks) and the preview's resource graph."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from medcloud.checks import run_checks
from medcloud.cli import main
from medcloud.graph import MIN_SEPARATION_PT, STATUS_COLOUR, project, region_graph, render, resource_graph
from medcloud.model import Region
from medcloud.stacks import load

needs_graphviz = pytest.mark.skipif(shutil.which("neato") is None, reason="Graphviz (Debian 'graphviz') missing")


@pytest.fixture(scope="module")
def dev() -> Region:
    return load("stacks/regions/dev.yaml", Path(__file__).resolve().parents[3]).region


def _edge_lines(source: str, a: str, b: str) -> list[str]:
    return [line for line in source.splitlines()
            if re.search(rf'"?{a}"? -- "?{b}"?|"?{b}"? -- "?{a}"?', line)]


def test_map_has_every_centre_pinned_and_every_link_labelled(dev: Region) -> None:
    source = region_graph(run_checks(dev)).source
    for centre in dev.centres:
        assert re.search(rf'"{centre.name}" \[.*pos="[\d.]+,[\d.]+!"', source), centre.name
    for link in dev.links:
        assert f"{link.name}: {link.kind.value}, {link.carrier}" in source
        assert f"route {link.route_id}" in source


def test_distances_are_drawn_against_the_r_top_02_and_03_thresholds(dev: Region) -> None:
    source = region_graph(run_checks(dev)).source
    assert re.search(r'label="\d+ km \(≤ 100 km, R-TOP-02\)" color="' + STATUS_COLOUR["ok"], source)
    assert re.search(r'label="\d+ km \(≥ 300 km, R-TOP-03\)" color="' + STATUS_COLOUR["ok"], source)


def test_a_dr_centre_too_close_and_a_slow_remote_link_are_coloured_as_violations(dev: Region) -> None:
    """R-TOP-03 / R-TOP-05: move the DR centre next door and halve a remote link; the map turns them red."""
    dr = next(c for c in dev.centres if c.role.value == "remote_dr")
    prod = next(c for c in dev.centres if c.role.value == "production")
    near = dr.model_copy(update={"location": prod.location.model_copy(update={"lat": prod.location.lat + 0.5})})
    slow = [lk.model_copy(update={"bandwidth_gbps": 1.0}) if dr.name in lk.endpoints else lk for lk in dev.links]
    bad = dev.model_copy(update={"centres": [near if c is dr else c for c in dev.centres], "links": slow})
    source = region_graph(run_checks(bad)).source
    violation = STATUS_COLOUR["violation"]
    assert re.search(r'label="\d+ km \(≥ 300 km, R-TOP-03\)" color="' + violation, source)
    remote = _edge_lines(source, prod.name, dr.name)
    assert any(f'color="{violation}" penwidth' in line for line in remote), remote
    assert f'color="{violation}" fillcolor' in source  # the DR centre's box is outlined as violating


def test_centres_a_few_km_apart_are_still_drawn_apart(dev: Region) -> None:
    points = project(dev)
    names = sorted(points)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            gap = ((points[a].x - points[b].x) ** 2 + (points[a].y - points[b].y) ** 2) ** 0.5
            assert gap >= MIN_SEPARATION_PT - 1e-6, (a, b, gap)


def test_names_are_escaped_in_html_labels(dev: Region) -> None:
    hostile = dev.model_copy(update={"description": "x"})
    first = hostile.centres[0]
    centre = first.model_copy(update={"location": first.location.model_copy(update={"city": "<b>&evil"})})
    source = region_graph(run_checks(hostile.model_copy(update={"centres": [centre, *hostile.centres[1:]]}))).source
    assert "&lt;b&gt;&amp;evil" in source and "<b>&evil" not in source


def test_resource_graph_has_parent_and_dependency_edges() -> None:
    document = {"steps": [
        {"urn": "urn:a", "newState": {"type": "medcloud:region:Region", "urn": "urn:a"}},
        {"urn": "urn:b", "newState": {"type": "openstack:networking/router:Router", "parent": "urn:a",
                                      "dependencies": ["urn:c"]}},
        {"urn": "urn:c", "newState": {"type": "openstack:networking/network:Network", "parent": "urn:a"}},
        {"urn": 7, "newState": "garbage"},
    ]}
    source = resource_graph(document).source
    # URNs contain ':' (a port separator in DOT), so nodes get plain ids and the URN goes in the label.
    assert 'r0 -> r1 [color="#888888" style=dashed]' in source
    assert "r2 -> r1" in source
    assert 'r1 [label="openstack:networking/router:Router\\nurn:b"' in source


@needs_graphviz
def test_svg_of_the_map_is_a_real_graphviz_rendering(dev: Region) -> None:
    svg = render(region_graph(run_checks(dev)), "svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for centre in dev.centres:  # Graphviz writes "-" as an entity in SVG text
        assert f">{centre.name.replace('-', '&#45;')}<" in svg


@needs_graphviz
def test_cli_writes_the_svg_and_refuses_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "region.svg"
    assert main(["graph", "dev", "--out", str(out)]) == 0
    assert "<svg" in out.read_text()
    assert main(["graph", "dev", "--out", str(tmp_path)]) == 2
    assert f"--out {tmp_path}: is a directory" in capsys.readouterr().err
