"""What the HTML report reuses to render faster (issue 15) changes no byte of the page: rows
remembered within one page, and the template compiled once and kept in the user's cache folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup
from medcloud.hardware.reports import html
from medcloud.hardware.reports.i18n import STATUS_NAMES
from medcloud.hardware.verify.results import CheckResult, DeviceResult, FollowUp, Report, Status


def _device(name: str, unit: int, actual: str, *, skipped_reason: str = "") -> DeviceResult:
    checks = [
        CheckResult("cpu.model", "R-HW-01", "CPU model", Status.PASS, "FT-2000+/64", "FT-2000+/64"),
        CheckResult("psu.count", "R-HW-03", "Power supplies", Status.FAIL, "2", actual, "one PSU missing"),
        CheckResult("bmc.sel", "R-HW-04", "Event log <clean>", Status.ERROR, "", "", "timeout & retry",
                    cause="bmc.reachable"),
        CheckResult("rack.label", "R-HW-08", "Label", Status.SKIPPED, reason=skipped_reason or "manual",
                    follow_up=FollowUp("installer", "check the label")),
    ]
    return DeviceResult(name, "server", "phytium", "lab", "r101", "r1", unit, checks=checks)


def _report(devices: list[DeviceResult]) -> Report:
    return Report("inv.yaml", "2026-11-30T08:00:00Z", "2026-11-30T08:01:00Z", True, devices)


@pytest.fixture
def fresh_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The template environment built again, its compiled-template cache under ``tmp_path``."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    html._environment.cache_clear()
    yield tmp_path / "cache" / "medcloud" / "templates"
    html._environment.cache_clear()


def test_remembered_rows_are_the_rows_built_afresh() -> None:
    devices = [_device(f"n{i}", i, "1" if i % 2 else "<b>0</b> & none") for i in range(1, 7)]
    for lang in STATUS_NAMES:
        built: dict[tuple[object, ...], str] = {}
        for device in devices:
            assert html.check_rows(device, STATUS_NAMES[lang], built) == html.check_rows(device, STATUS_NAMES[lang])
        assert len(built) == 5  # four rows alike on every device, the PSU row in two variants


@pytest.mark.parametrize("markup_first", [True, False])
def test_a_value_equal_to_a_remembered_one_but_markup_is_not_printed_as_it(markup_first: bool) -> None:
    """``Markup('<b>0</b>') == '<b>0</b>'``: the page prints the one as markup and escapes the other."""
    plain, markup = _device("plain", 1, "<b>0</b>"), _device("markup", 2, Markup("<b>0</b>"))
    order = [markup, plain] if markup_first else [plain, markup]
    built: dict[tuple[object, ...], str] = {}
    rows = {d.name: str(html.check_rows(d, STATUS_NAMES["en"], built)) for d in order}
    assert "<td><b>0</b></td>" in rows["markup"] and "&lt;b&gt;0&lt;/b&gt;" in rows["plain"]
    assert rows == {d.name: str(html.check_rows(d, STATUS_NAMES["en"])) for d in order}


def test_the_compiled_template_is_kept_and_reused_for_the_same_page(
        fresh_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = _report([_device("n1", 1, "1"), _device("n2", 2, "0")])
    first = html.render(report, json_name="r.json")
    [entry] = fresh_environment.iterdir()
    assert entry.stat().st_size > 0 and (fresh_environment.stat().st_mode & 0o777) == 0o700
    html._environment.cache_clear()

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("the template was compiled again")

    with monkeypatch.context() as patch:
        patch.setattr(jinja2.Environment, "compile", no_compiling)
        assert html.render(report, json_name="r.json") == first
    for lang in STATUS_NAMES:
        assert html.render(report, lang=lang, json_name="r.json") == html.render(report, lang=lang, json_name="r.json")


def test_a_broken_cache_entry_is_compiled_again_and_replaced(fresh_environment: Path) -> None:
    report = _report([_device("n1", 1, "1")])
    first = html.render(report, json_name="r.json")
    [entry] = fresh_environment.iterdir()
    good = entry.read_bytes()
    for broken in (b"", good[: len(good) // 2], b"j2" + b"\x00" * 64):
        entry.write_bytes(broken)
        html._environment.cache_clear()
        assert html.render(report, json_name="r.json") == first
        assert entry.read_bytes() == good


def test_a_cache_folder_that_cannot_be_made_costs_only_the_compile(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    report = _report([_device("n1", 1, "1")])
    html._environment.cache_clear()
    try:
        expected = html.render(report, json_name="r.json")
        (tmp_path / "file").write_text("not a folder")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
        html._environment.cache_clear()
        assert html.render(report, json_name="r.json") == expected
    finally:
        html._environment.cache_clear()


def test_another_jinja2_or_module_uses_another_entry(fresh_environment: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The generated code depends on the environment's options (set in the module) and Jinja2's version."""
    report = _report([_device("n1", 1, "1")])
    html.render(report, json_name="r.json")
    monkeypatch.setattr(jinja2, "__version__", jinja2.__version__ + ".post1")
    html._environment.cache_clear()
    html.render(report, json_name="r.json")
    assert len(list(fresh_environment.iterdir())) == 2
