"""The SNMP engine reads pysnmp's bundled MIB modules from their installed bytecode when it is current.

pysnmp's MIB builder compiles those modules from source in every process
(twice under ``__debug__``); ``snmp._snmp_engine`` puts a source in front that
serves the ``__pycache__`` bytecode Python's import system would accept, and
falls back to the source otherwise.
"""

from __future__ import annotations

import asyncio
import builtins
import os
import py_compile
from pathlib import Path
from typing import Any

import pytest
from medcloud.hardware.transports import snmp


def _module(directory: Path, body: str) -> Path:
    source = directory / "TEST-MIB.py"
    source.write_text(body)
    py_compile.compile(str(source), doraise=True)
    return source


def test_current_bytecode_is_served_and_runs_without_compiling(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _module(tmp_path, "answer = 42\n")
    source = snmp._installed_bytecode_source(str(tmp_path))
    code, suffix = source.read("TEST-MIB")
    path = source.full_path("TEST-MIB", suffix)
    assert path.startswith(str(tmp_path / "__pycache__" / "TEST-MIB.")) and path.endswith(".pyc")
    compiled: list[Any] = []
    real = builtins.compile
    monkeypatch.setattr(builtins, "compile", lambda *a, **k: compiled.append(a[1]) or real(*a, **k))
    import runpy

    assert runpy.run_path(path)["answer"] == 42  # what pysnmp's loader does under __debug__
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # and what it does under -O
    assert namespace["answer"] == 42 and compiled == []


@pytest.mark.parametrize("change", ["edited", "no bytecode", "no source"])
def test_stale_or_missing_bytecode_is_not_here_so_the_source_is_compiled(tmp_path: Path, change: str) -> None:
    source_file = _module(tmp_path, "answer = 42\n")
    if change == "edited":  # another size and mtime than the bytecode's header says
        source_file.write_text("answer = 420000\n")
        os.utime(source_file, (1, 1))
    elif change == "no bytecode":
        for cached in (tmp_path / "__pycache__").iterdir():
            cached.unlink()
    else:
        source_file.unlink()
    with pytest.raises(FileNotFoundError, match="TEST-MIB"):
        snmp._installed_bytecode_source(str(tmp_path)).read("TEST-MIB")


def test_the_engine_has_the_mib_symbols_of_a_default_engine_and_compiles_none(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from pysnmp.entity.engine import SnmpEngine

    def symbols(engine: Any) -> dict[str, list[str]]:
        built = engine.message_dispatcher.mib_instrum_controller.get_mib_builder()
        return {module: sorted(names) for module, names in built.mibSymbols.items()}

    compiled: list[str] = []
    real = builtins.compile

    def counting(*args: Any, **kwargs: Any) -> Any:
        compiled.append(str(args[1]))
        return real(*args, **kwargs)

    async def build() -> tuple[Any, Any]:
        reference = SnmpEngine()
        monkeypatch.setattr(builtins, "compile", counting)
        ours = snmp._snmp_engine()
        monkeypatch.undo()
        return reference, ours

    reference, ours = asyncio.run(build())
    assert symbols(ours) == symbols(reference)
    assert [name for name in compiled if "pysnmp" in name] == []
