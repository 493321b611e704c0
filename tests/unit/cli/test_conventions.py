"""Flag conventions (issue 17): one spelling per idea across commands, short aliases, old spellings hidden but kept."""

from __future__ import annotations

import argparse

import pytest

from medcloud.cli import build_parser
from medcloud.cli.conventions import FORMATS, HIDDEN, SHORT, STDIN_ARGUMENTS, parsers
from medcloud.cli.manual import bash_completion, commands, man_page


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.option_strings]


def test_every_long_flag_has_its_short_alias_and_no_old_spelling_is_shown() -> None:
    seen: dict[str, set[str]] = {}
    for parser in parsers(build_parser()):
        for action in _options(parser):
            shown = action.option_strings
            assert not set(shown) & set(HIDDEN), (parser.prog, shown)
            for long, short in SHORT.items():
                if long in shown:
                    # Never a letter taken by something else in that command.
                    assert short in shown, (parser.prog, shown)
            for option in shown:
                seen.setdefault(option, set()).add(next(o for o in shown if o.startswith("--")))
    # A short alias means one long flag everywhere.
    assert all(len(longs) == 1 for option, longs in seen.items() if not option.startswith("--")), seen


def test_format_values_are_named_alike() -> None:
    for parser in parsers(build_parser()):
        for action in _options(parser):
            if "--format" in action.option_strings:
                assert action.choices is not None and set(action.choices) <= set(FORMATS), parser.prog
                assert "table" not in action.choices and "tree" not in action.choices


@pytest.mark.parametrize(("argv", "dest", "value"), [
    (["validate", "dev", "--format", "table"], "format", "text"),  # the old name still works
    (["validate", "dev", "-f", "sarif"], "format", "sarif"),
    (["preview", "dev", "--format", "tree"], "format", "text"),
    (["review", "a.json", "b.json", "--output", "r.md"], "output", "r.md"),  # hidden old spelling
    (["review", "a.json", "b.json", "-o", "r.md"], "output", "r.md"),
    (["bmc", "apply", "inv.yaml", "-l", "gz-kp-01", "-l", "gz-kp-02"], "limit", ["gz-kp-01", "gz-kp-02"]),
    (["provision", "inv.yaml", "-n", "-s", "dev"], "stack", "dev"),
    (["verify", "inv.yaml", "-j", "4", "-t", "9"], "concurrency", 4),
])
def test_spellings_parse(argv: list[str], dest: str, value: object) -> None:
    args = build_parser().parse_args(argv)
    got = getattr(args, dest)
    assert (str(got) if isinstance(value, str) else got) == value


def test_a_misspelt_format_value_is_still_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["validate", "dev", "--format", "yaml"])
    assert "invalid choice: 'yaml'" in capsys.readouterr().err


def test_man_page_and_completion_show_the_conventions_at_every_level() -> None:
    parser = build_parser()
    page = man_page(parser)
    script = bash_completion(parser)
    assert ".SS medcloud secret rotate" in page and "\\fB\\-o\\fR, \\fB\\-\\-out\\fR" in page
    assert "\\-\\-output" not in page and "--output" not in script
    for path, sub in commands(parser):
        for action in _options(sub):
            if action.dest != "help":
                assert all(o in script for o in action.option_strings), (path, action.option_strings)
    assert "rotate" in script and "--to" in script


def test_file_arguments_say_that_dash_is_standard_input() -> None:
    for parser in parsers(build_parser()):
        for action in parser._actions:
            if not action.option_strings and str(action.metavar) in STDIN_ARGUMENTS:
                assert "standard input" in (action.help or ""), parser.prog


def test_bmc_apply_refuses_standard_input(capsys: pytest.CaptureFixture[str]) -> None:
    """apply writes the inventory back: `-` would leave the new passwords nowhere."""
    from medcloud.cli import main

    assert main(["bmc", "apply", "-"]) == 2
    assert "give its file, not -" in capsys.readouterr().err
