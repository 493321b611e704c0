"""The preview tree (issue 17): Pulumi-like, coloured by operation, counts per type and centre,
unknowns as "(known after apply)", folded (never cropped) at any width, plain text off a terminal."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from rich.text import Text

from medcloud.cli import main
from medcloud.operations import REGION_WIDE, STYLE, SYMBOL
from medcloud.preview import policy_violations, preview
from medcloud.preview.document import Preview
from medcloud.preview.engine import UNKNOWN
from medcloud.preview.tree import KNOWN_AFTER_APPLY, PlanTree, render

ESCAPE = re.compile(r"\x1b")


@pytest.fixture(scope="module")
def dev() -> tuple[Preview, list[dict[str, Any]]]:
    result = preview("dev")
    document = result.to_json([])
    return result, policy_violations({k: v for k, v in document.items() if k != "policyViolations"})


@pytest.mark.parametrize("width", [80, 120, 200])
def test_every_line_fits_and_nothing_is_cropped(dev: tuple[Preview, list[dict[str, Any]]], width: int) -> None:
    result, violations = dev
    text = render(result, violations, width=width)
    lines = text.splitlines()
    assert max(Text(line).cell_len for line in lines) <= width
    # No ellipsis but those the messages carry themselves (an abbreviated digest).
    assert text.count("…") == sum(str(v.get("message", "")).count("…") for v in violations)
    assert not ESCAPE.search(text)
    # Every resource's name is on a line whole (labels break at spaces), unless the name alone is wider
    # than what the tree's guides (4 columns a level) leave of the line: then it folds, and comes back
    # whole once the folds are undone.
    flat = re.sub(r"\s+", "", re.sub(r"[│├└─]", "", text))
    depth = {reg.urn: 0 for reg in result.steps}
    for reg in result.steps:  # parents come first
        depth[reg.urn] = depth[reg.parent] + 1 if reg.parent in depth else 0
    for reg in result.steps:
        if len(reg.name) <= width - 4 * depth[reg.urn]:
            pattern = rf"(?<![\w-]){re.escape(reg.name)}(?![\w-])"
            assert any(re.search(pattern, line) for line in lines), reg.name
        else:
            assert reg.name in flat, reg.name
    # Each violation's message is all there once the folds are undone.
    for violation in violations:
        assert re.sub(r"\s+", "", violation["message"]) in flat
        assert violation["urn"].replace(" ", "") in flat
    assert UNKNOWN not in text


def test_unknown_outputs_show_as_known_after_apply(dev: tuple[Preview, list[dict[str, Any]]]) -> None:
    result, violations = dev
    text = render(result, violations, width=200)
    assert 'vpcIds: {"cd-dr": "(known after apply)", "fs-aa": "(known after apply)"' in text
    assert KNOWN_AFTER_APPLY in text and UNKNOWN not in text


def test_counts_per_type_and_per_centre_add_up(dev: tuple[Preview, list[dict[str, Any]]]) -> None:
    result, violations = dev
    plan = PlanTree(result)
    by_type = plan.counts_by_type()
    assert by_type == Counter((reg.type, "create") for reg in result.steps)
    by_centre = plan.counts_by_centre()
    assert sum(by_centre.values()) == len(result.steps)
    assert {c for c, _ in by_centre} == {"gz-prod", "fs-aa", "cd-dr", REGION_WIDE}
    # A resource is counted where its provider deploys it: a DR link's two ends, a system's volumes.
    steps = {reg.name: reg for reg in result.steps}
    assert plan.centre(steps["dev-his-fs-aa-core-gold"]) == "fs-aa"
    assert plan.centre(steps["dev-gz-cd-telecom-cd-dr-vpn"]) == "cd-dr"
    assert plan.centre(steps["dev-gz-cd-telecom-gz-prod-route"]) == "gz-prod"
    assert plan.centre(steps["dev"]) == REGION_WIDE
    text = render(result, violations, width=200)  # at 80 the longest type folds (checked above)
    for (kind, _), count in by_type.items():
        assert re.search(rf"^\s+{count}\s+{re.escape(kind)}$", text, re.M), kind
    for (centre, _), count in by_centre.items():
        assert re.search(rf"^\s+{count}\s+{re.escape(centre)}$", text, re.M), centre
    assert f"+ {len(result.steps)} to create" in text


def test_colour_by_operation_as_pulumi(dev: tuple[Preview, list[dict[str, Any]]]) -> None:
    result, violations = dev
    coloured = render(result, violations, width=120, color_system="standard")
    assert ESCAPE.search(coloured)
    assert "\x1b[1;32m+ \x1b[0m\x1b[32mmedcloud:region:Region\x1b[0m" in coloured  # create: green +
    # Every operation keeps Pulumi's symbol and colour (a plan against deployed state has all four).
    some = [reg for reg in result.steps if reg.custom][:4]
    ops = dict(zip((r.urn for r in some), ("create", "update", "replace", "delete"), strict=True))
    plan = PlanTree(result, ops)
    for reg in some:
        label = plan._label(reg)
        op = ops[reg.urn]
        assert label.plain.startswith(f"{SYMBOL[op]} {reg.type} {reg.name}")
        assert any(span.style == STYLE[op] for span in label.spans)
    assert Counter(o for _, o in plan.counts_by_type()) == Counter(
        {"create": len({r.type for r in result.steps}), **{op: 1 for op in ("update", "replace", "delete")}})


@pytest.mark.parametrize(("env", "escapes"), [({}, False), ({"FORCE_COLOR": "1"}, True),
                                               ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False)])
def test_cli_colours_only_a_terminal_without_no_color(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      env: dict[str, str], escapes: bool) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code = main(["preview", "ref002"])
    out, _ = capsys.readouterr()
    assert code == 1
    assert bool(ESCAPE.search(out)) is escapes
    assert max(Text(line).cell_len for line in Text.from_ansi(out).plain.splitlines()) <= 80
