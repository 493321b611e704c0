"""Evidence documents a region attaches to its declarations (file + SM3 digest).

A document never turns a declaration into a verified fact: the declared
findings it backs cite it, and a document whose file is missing or whose
digest does not match is a violation of the requirement it claims to back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from medcloud.checks.findings import Finding, Severity, error
from medcloud.crypto.sm3 import hexdigest as sm3_hex
from medcloud.model import Region
from medcloud.yamlio import describe_loc


def digest_problems(region: Region, base_dir: Path | None) -> Iterator[Finding]:
    """Evidence whose file is missing or altered (nothing is read without the region's directory)."""
    if base_dir is None:
        return
    for i, ev in enumerate(region.evidence):
        path = (base_dir / ev.file).resolve()
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield error(ev.requirement, f"evidence {ev.title!r}: cannot read {ev.file} ({exc.strerror})",
                        "evidence", i, "file")
            continue
        actual = sm3_hex(data)
        if actual != ev.sm3:
            yield error(ev.requirement, f"evidence {ev.title!r}: {ev.file} has SM3 {actual[:16]}…, the region "
                        f"records {ev.sm3[:16]}… (altered or replaced)", "evidence", i, "sm3")


def cite(region: Region, findings: Iterable[Finding], data: object, base_dir: Path | None) -> list[Finding]:
    """Declared findings gain the evidence documents covering their requirement and path."""
    checked = "SM3 checked" if base_dir is not None else "SM3 not checked: no region directory"
    out = []
    for finding in findings:
        if finding.severity == Severity.DECLARED:
            path = describe_loc(finding.loc, data)
            docs = tuple(f"{ev.title}: {ev.file} (sm3 {ev.sm3[:16]}…, {checked})" for ev in region.evidence
                         if ev.requirement == finding.requirement and path.startswith(ev.path))
            if docs:
                finding = replace(finding, evidence=finding.evidence + docs)  # noqa: PLW2901
        out.append(finding)
    return out
