"""Shell completion and the man page are generated from the parser: every command and option appears,
the bash script is valid and completes, and the environment variables medcloud reads are all listed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from medcloud.cli import COMMANDS, build_parser, main
from medcloud.cli.manual import ENVIRONMENT, EXIT_STATUS, bash_completion, man_page, options, subcommands

SRC = Path(__file__).resolve().parents[3]


def test_man_page_lists_every_command_option_exit_code_and_variable() -> None:
    parser = build_parser()
    page = man_page(parser)
    assert page.startswith(".TH MEDCLOUD 1 ")
    for name, sub in subcommands(parser).items():
        assert f".SS medcloud {name}" in page
        for action in options(sub):
            if action.dest != "help":
                assert action.option_strings[0].replace("-", "\\-") in page, (name, action.option_strings)
    for code in EXIT_STATUS:
        assert f"\\fB{code}\\fR" in page
    for variable in ENVIRONMENT:
        assert f"\\fB{variable}\\fR" in page


def test_every_environment_variable_the_code_reads_is_documented() -> None:
    read = set()
    for folder in ("src", "hardware", "components"):
        for path in (SRC / folder).rglob("*.py"):
            read |= set(re.findall(r"[\"'](MEDCLOUD_[A-Z_]+)[\"']", path.read_text(encoding="utf-8")))
    assert read <= set(ENVIRONMENT), read - set(ENVIRONMENT)


def test_top_level_help_names_the_environment(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "environment:" in out and "MEDCLOUD_SECRET_KEY_FILE" in out


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
@pytest.mark.parametrize(("line", "expected"), [
    ("medcloud val", {"validate"}),
    ("medcloud validate --fo", {"--format"}),
    ("medcloud validate --format ", {"text", "json"}),
    ("medcloud completion ", {"bash", "zsh"}),
])
def test_bash_completion_completes_commands_options_and_choices(
    tmp_path: Path, line: str, expected: set[str],
) -> None:
    script = tmp_path / "medcloud.bash"
    script.write_text(bash_completion(build_parser()))
    words = line.split(" ")
    driver = (
        f"source {script}\n"
        f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
        "_medcloud; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    out = subprocess.run(["bash", "-c", driver], capture_output=True, text=True, timeout=30, check=True,
                         cwd=tmp_path).stdout.split()
    assert expected <= set(out), out


def test_the_completion_covers_every_registered_command() -> None:
    script = bash_completion(build_parser())
    for name in COMMANDS:
        command = {"manual": "man"}.get(name, name)
        assert f"    {command})" in script
