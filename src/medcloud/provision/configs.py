"""Rendered device configurations on disk (switches, IPsec appliances): written one file per
device, and compared with saved running configurations (``display current-configuration``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from medcloud.errors import InputError
from medcloud.escape import terminal
from medcloud.provision.switch.diff import OWNED_FAMILIES, diff
from medcloud.provision.switch.parser import parse
from medcloud.yamlio import read_text, write_atomic


def filename(device: str) -> str:
    return f"{device}.cfg"


def write_configs(rendered: Iterable[tuple[str, str]], out: Path) -> list[Path]:
    """Write each (device, configuration) to ``out/<device>.cfg``, each file atomically."""
    written = []
    for device, text in rendered:
        path = out / filename(device)
        write_atomic(path, text)
        written.append(path)
    return written


def diff_saved(rendered: Iterable[tuple[str, str]], running: Path,
               owned: tuple[re.Pattern[str], ...] = OWNED_FAMILIES) -> tuple[list[str], int]:
    """Report lines and the number of drifted devices, comparing each intent with ``running/<device>.cfg``.

    A missing running configuration counts as drift; an unreadable one is an input error.
    """
    if not running.is_dir():
        raise InputError(f"{running}: --running: not a directory")
    lines: list[str] = []
    drifted = 0
    for device, text in rendered:
        path = running / filename(device)
        if not path.is_file():
            lines.append(f"{device}: no running configuration at {path}")
            drifted += 1
            continue
        saved = read_text(path)  # the input boundary: regular file, bounded, UTF-8
        found = diff(parse(text), parse(saved), owned=owned)
        if not found:
            lines.append(f"{device}: in sync")
            continue
        drifted += 1
        lines.append(f"{device}: {len(found)} difference(s) (- intended but missing, + unexpected)")
        # Drift quotes a running configuration a device (or anyone) wrote: escaped for the terminal.
        lines.extend(f"  {terminal(str(item))}" for item in found)
    return lines, drifted
