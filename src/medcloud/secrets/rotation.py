"""Re-seal every secret in a tree of YAML files under a new key (R-SEC-03).

Only the sealed values change: each file is rewritten by substituting the
matched ``sm4gcm:v1:…`` spans in the original text, so comments, quoting,
ordering and line endings stay byte for byte (a stricter round trip than a YAML
library's re-emitting, ruamel.yaml's included, which may re-indent or re-wrap).
Everything is decrypted and re-encrypted in memory first; files are written (atomically, mode kept) only
when every secret in every file opened, so a wrong key changes nothing.
Values already sealed under the new key are left alone, which makes an
interrupted rotation safe to run again.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from medcloud.errors import InputError, SecretError
from medcloud.secrets.keys import key_id
from medcloud.secrets.sealing import SEALED_PATTERN, seal, unseal
from medcloud.yamlio import read_bytes, write_atomic

SUFFIXES = (".yaml", ".yml")
_SKIP_DIRS = {".git", ".venv", "node_modules", "build", "__pycache__"}
#: A bound on the walk, so a mistaken `/` argument ends with an error instead of hours of I/O.
MAX_FILES = 20_000


@dataclass
class FilePlan:
    path: Path
    original: bytes
    rotated: bytes
    resealed: int
    already_current: int

    @property
    def changed(self) -> bool:
        return self.rotated != self.original


def yaml_files(paths: Iterable[Path]) -> Iterator[Path]:
    count = 0
    for root in paths:
        if root.is_file():
            candidates: Iterable[Path] = [root]
        elif root.is_dir():
            candidates = sorted(
                p for p in root.rglob("*")
                if p.suffix in SUFFIXES and p.is_file()
                and not any(part in _SKIP_DIRS for part in p.relative_to(root).parts[:-1])
            )
        else:
            raise SecretError(f"{root}: no such file or directory")
        for path in candidates:
            count += 1
            if count > MAX_FILES:
                raise SecretError(f"more than {MAX_FILES} YAML files under the given paths; narrow them down")
            yield path


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def plan(paths: Iterable[Path], old_key: bytes, new_key: bytes) -> list[FilePlan]:
    """Re-seal in memory; :class:`SecretError` naming ``file:line`` for the first secret that will not open."""
    old_id, new_id = key_id(old_key), key_id(new_key)
    plans = []
    for path in yaml_files(paths):
        original = read_bytes(path)  # the input boundary: a regular file of bounded size
        try:
            text = original.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SecretError(f"{path}: cannot read: not UTF-8 text (byte {exc.start})") from None
        counts = {"resealed": 0, "current": 0}

        def reseal(match: re.Match[str], *, path: Path = path, text: str = text,
                   counts: dict[str, int] = counts) -> str:
            where = f"{path}:{_line_of(text, match.start())}"
            if match["kid"] == new_id:
                unseal(match[0], new_key, where=where)  # still prove it opens
                counts["current"] += 1
                return match[0]
            if match["kid"] != old_id:
                raise SecretError(f"{where}: sealed with key {match['kid']}, which is neither the old key "
                                  f"{old_id} nor the new key {new_id}")
            counts["resealed"] += 1
            return seal(unseal(match[0], old_key, where=where).reveal(), new_key)

        rotated = SEALED_PATTERN.sub(reseal, text).encode("utf-8")
        if counts["resealed"] or counts["current"]:
            plans.append(FilePlan(path, original, rotated, counts["resealed"], counts["current"]))
    return plans


def apply(plans: Iterable[FilePlan]) -> list[Path]:
    """Write the changed files atomically, keeping each file's permission bits.

    All or nothing across files too: if one write fails, the files already written
    get their original bytes back.  A half-rotated tree would hold values sealed
    under two keys, and ``rotate`` refuses a tree with a foreign key in it.
    """
    done: list[tuple[FilePlan, int]] = []
    current: Path | None = None
    try:
        for item in plans:
            if not item.changed:
                continue
            current = item.path
            mode = item.path.stat().st_mode & 0o7777
            write_atomic(item.path, item.rotated)
            os.chmod(item.path, mode)
            done.append((item, mode))
    except BaseException as exc:
        for item, mode in reversed(done):
            write_atomic(item.path, item.original)
            os.chmod(item.path, mode)
        if isinstance(exc, OSError):
            raise InputError(f"{current}: cannot write: {exc.strerror or exc}; no file was rotated") from None
        raise
    return [item.path for item, _ in done]
