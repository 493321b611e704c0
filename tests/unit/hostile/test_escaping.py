"""Output-medium escaping (issue 16): hostile names cannot break out of Markdown, HTML or the terminal."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcloud import escape
from medcloud.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "review"

HOSTILE_NAMES = [
    "x` [click](javascript:alert(1)) `y",
    "a</summary></details><img src=x onerror=alert(1)>",
    "![track](https://evil.example/pixel.png)",
    "``` \n</details>\n<script>alert(1)</script>",
    "col|umn | injected",
    "\x1b]0;owned\x07\x1b[2J\x1b[31mRED",
    "line\nbreak\rreturn",
    "\u202etxt.exe",
]


def _hostile_previews(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """The review fixtures with one resource and its centre renamed to ``name``."""
    paths = []
    for which in ("offline_base.json", "offline_head.json"):
        document = json.loads((FIXTURES / which).read_text())
        for step in document["steps"]:
            for key in ("newState", "oldState"):
                state = step.get(key)
                if state and isinstance(state.get("inputs"), dict) and "centre" in state["inputs"]:
                    state["inputs"]["centre"] = name
            step["urn"] = step["urn"].replace("dev-gz-prod-vpc", "dev-gz-prod-vpc" + name)
            for key in ("newState", "oldState"):
                if step.get(key) and step[key].get("urn"):
                    step[key]["urn"] = step[key]["urn"].replace("dev-gz-prod-vpc", "dev-gz-prod-vpc" + name)
        path = tmp_path / which
        path.write_text(json.dumps(document))
        paths.append(path)
    return paths[0], paths[1]


def _prose(text: str) -> str:
    """``text`` without its fenced blocks and code spans (whose content Markdown shows literally)."""
    kept, fence = [], None
    for line in text.split("\n"):
        stripped = line.strip()
        if fence is None and (opening := re.match(r"`{3,}", stripped)):
            fence = opening.group()
            continue
        if fence is not None:
            if stripped == fence:
                fence = None
            continue
        kept.append(line)
    assert fence is None, "a fenced block was left open"
    return re.sub(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", "", "\n".join(kept))


def _markdown_is_inert(text: str) -> None:
    """No raw HTML but the renderer's own, no link or image syntax outside code, no control byte."""
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)
    prose = _prose(text)
    assert not re.search(r"<(?!/?(details|summary|b)>)[a-zA-Z/!?]", prose), prose
    assert prose.count("<details>") == prose.count("</details>")
    assert prose.count("<summary>") == prose.count("</summary>")
    assert not re.search(r"(?<!\\)\]\(|(?<!\\)!\[", prose), prose


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_review_markdown_keeps_hostile_names_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   name: str) -> None:
    base, head = _hostile_previews(tmp_path, name)
    main(["review", str(base), str(head), "--format", "markdown", "--output", str(tmp_path / "r.md")])
    assert "Traceback" not in capsys.readouterr().err
    _markdown_is_inert((tmp_path / "r.md").read_text())


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_review_text_output_has_no_terminal_escape(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   name: str) -> None:
    base, head = _hostile_previews(tmp_path, name)
    main(["review", str(base), str(head)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out


@given(st.text())
def test_terminal_escaping_leaves_no_control_character(text: str) -> None:
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", escape.terminal(text))
    assert "\n" in escape.terminal(text + "\n", multiline=True)


@given(st.text())
def test_markdown_code_span_cannot_be_left(text: str) -> None:
    span = escape.markdown_code(text)
    fence = re.match(r"`+", span)
    assert fence is not None
    inner = span[len(fence.group()):-len(fence.group())]
    assert fence.group() not in inner and "\n" not in span and "|" not in span.replace("\\|", "")


@given(st.text())
def test_markdown_text_and_html_escape_every_markup_character(text: str) -> None:
    md = escape.markdown_text(text)
    assert not re.search(r"(?<!\\)[`*_\[\]<>|!~]", md.replace("&lt;", "").replace("&gt;", ""))
    assert not re.search(r"[<>\"']", escape.html_text(text))


@given(st.lists(st.text(), max_size=5))
def test_markdown_fence_is_longer_than_any_backtick_run_inside(lines: list[str]) -> None:
    block = escape.markdown_fence(lines, "diff")
    fence = block[0].removesuffix("diff")
    assert block[-1] == fence and all(fence not in line for line in block[1:-1])


def test_cli_error_lines_are_terminal_safe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x\x1b[2Jy.yaml"
    path.write_text("name: [\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and err.count("\n") == 1 and "\\x1b" in err


def test_a_stack_cannot_name_a_region_outside_the_project(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$hash-that-must-not-be-quoted:19000:0:99999:7:::\n")
    stack = stacks / "Pulumi.evil.yaml"
    stack.write_text(f"config:\n  medcloud:region: {secret}\n")
    for command in ("validate", "preview"):
        assert main([command, str(stack)]) == 2
        err = capsys.readouterr().err
        assert "outside" in err and "hash-that-must-not-be-quoted" not in err
    monkeypatch.setenv("MEDCLOUD_REGION_DIRS", str(tmp_path))
    assert main(["validate", str(stack)]) == 2  # now read, and refused for what it is
    assert "outside" not in capsys.readouterr().err


def test_verify_text_keeps_a_hostile_lldp_neighbour_off_the_terminal() -> None:
    """R-HW-06: what a switch reports (an LLDP neighbour name) reaches the operator's terminal escaped."""
    import io

    from medcloud.hardware.reports import text
    from medcloud.hardware.verify.results import CheckResult, DeviceResult, Report, Status
    from rich.console import Console

    neighbour = "kp-node-01\x1b]0;pwned\x07\x1b[2J[link=javascript:alert(1)]x[/link]"
    check = CheckResult("switch.cabling", "R-HW-06", "cabling", Status.FAIL, expected="kp-node-01",
                        actual=neighbour, reason=f"10GE1/0/1 goes to {neighbour}")
    device = DeviceResult("leaf-01\x1b[31m", "switch", "h3c-comware", "prod", "r1", "a1", 1, [check])
    report = Report(inventory="site\x1b[2J.yaml", started_at="", finished_at="", complete=True, devices=[device])
    buffer = io.StringIO()
    text.render(report, Console(file=buffer, force_terminal=True, width=200, color_system=None))
    out = buffer.getvalue()
    assert "\x07" not in out and "]0;" not in out.replace("\\x1b]0;", "")
    assert "\x1b[2J" not in out and "\x1b]" not in out
    assert "\\x1b" in out  # shown, not obeyed


class _Markup(HTMLParser):
    """The elements and attributes of a page (what a hostile string must not add to)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(name for name, _ in attrs))))


def _acceptance_report(name: str) -> Any:
    from medcloud.hardware.verify.results import CheckResult, DeviceResult, FollowUp, Report, Status

    checks = [
        CheckResult("switch.cabling", "R-HW-06", "cabling", Status.FAIL, expected=f"kp-node-01 {name}",
                    actual=name, reason=f"10GE1/0/1 goes to {name}"),
        CheckResult("bmc.firmware", "R-HW-01", "firmware", Status.ERROR, reason=f"BMC answered {name}"),
        CheckResult("host.seal", "R-HW-01", "seal", Status.SKIPPED, reason=name,
                    follow_up=FollowUp("tester", f"check the seal of {name}")),
    ]
    devices = [DeviceResult(f"leaf-01{name}", "switch", "h3c-comware", f"prod{name}", f"r1{name}", f"a1{name}", 1,
                            checks),
               DeviceResult(f"kp-node-01{name}", "server", "kunpeng-920-compute", "prod", "r1", "a1", 3,
                            checks[1:])]
    return Report(inventory=f"site{name}.yaml", started_at="2026-11-30T00:00:00Z",
                  finished_at="2026-11-30T00:01:00Z", complete=False, devices=devices, not_run=[f"x{name}"])


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_html_acceptance_report_keeps_hostile_strings_inert(name: str) -> None:
    """Every string a device, an inventory or an error supplies is text in the page: it adds no element
    or attribute (no script, image, handler or link), and no control or direction-override character
    reaches the page (R-HW-06's LLDP names, R-SEC-05 evidence)."""
    from medcloud.hardware.reports import html as report_html

    pages = {}
    for label, value in (("benign", "-benign"), ("hostile", name)):
        page = report_html.render(_acceptance_report(value), evidence={"signature": f"sig{value}"},
                                  json_name=f"site{value}.json")
        parser = _Markup()
        parser.feed(page)
        parser.close()
        pages[label] = (page, parser.tags)
    page, tags = pages["hostile"]
    assert tags == pages["benign"][1], "a hostile string changed the page's markup"
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", page)
    if "<" in name:
        assert "&lt;" in page
    assert escape.html_text(name) in page  # escaped by the one escaping module, shown rather than dropped


def test_every_renderer_escapes_through_the_one_module() -> None:
    """Markdown, terminal and HTML escaping live in ``medcloud.escape`` only: no renderer carries its own
    (a second, partial escaper is how a medium gets missed)."""
    root = Path(__file__).resolve().parents[3]
    own = re.compile(r"from rich\.markup import escape|^import html$|html\.escape\(|from markupsafe import escape"
                     r"|markupsafe\.escape\(", re.MULTILINE)
    offenders = [str(path.relative_to(root)) for folder in ("src", "hardware", "components")
                 for path in sorted((root / folder).rglob("*.py"))
                 if path.name != "escape.py" and own.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_bmc_text_output_shows_what_a_bmc_said_without_obeying_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A BMC account name or error: escaped for the terminal (R-SEC-04 reports)."""
    import argparse

    from medcloud.hardware.bmc.engine import DeviceResult
    from medcloud.hardware.bmc.plan import Change, Plan

    from medcloud.cli import bmc as bmc_cli

    hostile = "\x1b]0;owned\x07\x1b[2J"
    change = Change("delete-user", f"user 3 ({hostile})", f"{hostile} -> deleted", slot=3)
    result = DeviceResult("kp-node-01", "failed", plan=Plan((change,), ()), not_applied=[change],
                          error=f"BMC said {hostile}", notes=[hostile])
    bmc_cli._print(argparse.Namespace(format="text", verb="apply"), [result])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert out.count("\\x1b]0;owned\\x07") >= 3
