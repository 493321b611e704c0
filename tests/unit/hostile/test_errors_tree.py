"""One exception tree (issue 16): everything medcloud raises lives in medcloud.errors and maps to an exit code."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import medcloud
from medcloud import errors
from medcloud.cli import main


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(medcloud.__path__, "medcloud."):
        if ".lab.data" in info.name or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


def _defined_exceptions() -> set[type[BaseException]]:
    found = set()
    for name in _modules():
        try:
            module = importlib.import_module(name)
        except ImportError:  # an optional dependency of one driver; its exceptions would still show here
            continue
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("medcloud."):
                found.add(value)
    return found


def test_every_exception_class_lives_in_errors_under_one_root() -> None:
    classes = _defined_exceptions()
    assert len(classes) >= 24
    elsewhere = sorted(f"{c.__module__}.{c.__qualname__}" for c in classes if c.__module__ != "medcloud.errors")
    assert elsewhere == [], "exception classes belong in medcloud.errors"
    assert all(issubclass(c, errors.MedcloudError) for c in classes)


def test_the_docstring_tree_names_every_class() -> None:
    doc = errors.__doc__ or ""
    tree = set(re.findall(r"[├└]── (\w+)", doc))
    classes = {c.__name__ for c in _defined_exceptions()} - {"MedcloudError"}
    assert classes <= tree, f"missing from the tree: {sorted(classes - tree)}"
    assert "MedcloudError" in doc


def test_old_import_names_still_work() -> None:
    from medcloud.hardware.facts.base import ParseError
    from medcloud.hardware.lab.host import HostSetupError

    from medcloud.crypto.sm2 import KeyFormatError
    from medcloud.crypto.sm4 import InvalidTag
    from medcloud.review.revisions import RevisionError

    assert {KeyFormatError, InvalidTag, ParseError, HostSetupError, RevisionError} <= _defined_exceptions()


@pytest.mark.parametrize(("error", "code"), [
    (errors.SourceError("x.yaml", "bad"), 2),
    (errors.HostSetupError("ip netns add: permission denied"), 2),
    (errors.ParseError("unreadable lscpu"), 2),
    (errors.DeviceTimeout("bmc-01: no answer"), 3),
    (errors.SecretError("no key"), 2),
])
def test_the_cli_maps_the_tree_to_exit_codes_in_one_place(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: Exception, code: int
) -> None:
    """An error escaping any handler (HostSetupError used to) ends with its code and one line."""
    from medcloud.cli import validate

    def boom(args: object) -> int:
        raise error

    monkeypatch.setattr(validate, "handle", boom)
    assert main(["validate", "dev"]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and str(error).splitlines()[0] in err


def test_an_unexpected_bug_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from medcloud.cli import validate

    def boom(args: object) -> int:
        raise ZeroDivisionError("secret-looking text that must not be printed")

    monkeypatch.setattr(validate, "handle", boom)
    monkeypatch.delenv("MEDCLOUD_DEBUG", raising=False)
    assert main(["validate", "dev"]) == 2
    err = capsys.readouterr().err
    assert err == "medcloud: internal error (ZeroDivisionError); run with MEDCLOUD_DEBUG=1 for details\n"
