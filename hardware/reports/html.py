"""The HTML acceptance report: one self-contained page to print, sign and archive.

Verdict, findings, manual follow-ups, a rack elevation, each switch's cabling (the plan's
neighbour against what LLDP sees, port by port) and the devices of each rack,
the signature of the JSON report and a sign-off block; A4 print layout in which every
check row is printed (nothing is folded away).  English or Chinese (``lang``).

No external assets (fonts, scripts, stylesheets): the file is archived as
evidence and must render the same offline years later.  Every value the template
prints goes through :func:`medcloud.escape.html_text` (the one escaping module: HTML
markup characters, and control and bidirectional-override characters shown, not
obeyed); Jinja2's autoescape stays on behind it for anything that bypasses ``finalize``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from markupsafe import Markup
from medcloud.hardware.reports.i18n import STATUS_NAMES, messages
from medcloud.hardware.verify.results import CheckResult, DeviceResult, Report, Status

from medcloud.escape import html_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Height of a standard rack; a rack whose inventory names a higher unit is drawn that high.
RACK_UNITS = 42


@dataclass
class Rack:
    centre: str
    room: str
    rack: str
    devices: list[DeviceResult] = field(default_factory=list)

    @property
    def status(self) -> Status:
        return max((d.status for d in self.devices), key=lambda s: s.rank, default=Status.SKIPPED)

    def elevation(self) -> list[tuple[int, list[DeviceResult]]]:
        """Units from the top (42U or the highest unit used) down, with the devices placed there."""
        placed: dict[int, list[DeviceResult]] = {}
        for device in self.devices:
            if device.unit is not None:
                placed.setdefault(device.unit, []).append(device)
        top = max([RACK_UNITS, *placed])
        return [(unit, placed.get(unit, [])) for unit in range(top, 0, -1)]

    @property
    def unplaced(self) -> list[DeviceResult]:
        return [d for d in self.devices if d.unit is None]


def _device_order(device: DeviceResult) -> tuple[int, int, str]:
    return (-device.status.rank, device.unit or 0, device.name)


def racks(report: Report) -> list[Rack]:
    """Racks with the worst status first; inside a rack, worst devices first, then by unit."""
    grouped: dict[tuple[str, str, str], Rack] = {}
    for device in report.devices:
        key = (device.centre, device.room, device.rack)
        grouped.setdefault(key, Rack(*key)).devices.append(device)
    for rack in grouped.values():
        rack.devices.sort(key=_device_order)
    return sorted(grouped.values(), key=lambda r: (-r.status.rank, r.centre, r.room, r.rack))


def attention(report: Report) -> list[tuple[DeviceResult, CheckResult]]:
    """Every finding (failures, and root errors: a dead BMC once, not once per BMC check), errors first."""
    return report.findings()


def sorted_checks(device: DeviceResult) -> list[CheckResult]:
    return sorted(device.checks, key=lambda c: -c.status.rank)


def check_rows(device: DeviceResult, status_name: Mapping[Status, str],
               built: dict[tuple[Any, ...], str] | None = None) -> Markup:
    """The rows of a device's check table, worst first: every check of every device, so most of
    the page.  Built here rather than by the template (a fifth of the values, a tenth of the time),
    each value escaped by :func:`_escaped` like every other value the page prints.

    ``built`` remembers the rows of one page by what they print: a fleet repeats most of them (the
    200-server lab's 5240 checks are 256 distinct rows).  Only rows of plain strings are remembered,
    so a value that merely compares equal (a ``Markup``, a str enum) is never printed as another.
    """
    rows = []
    for check in sorted_checks(device):
        if built is None or not (str is type(check.check) is type(check.requirement) is type(check.title)
                                 is type(check.expected) is type(check.actual) is type(check.reason)
                                 is type(check.cause)):
            rows.append(_check_row(check, status_name))
            continue
        key = (check.status, check.check, check.requirement, check.title, check.expected, check.actual,
               check.reason, check.cause)
        row = built.get(key)
        if row is None:
            row = built[key] = _check_row(check, status_name)
        rows.append(row)
    return Markup("\n".join(rows))


def _check_row(check: CheckResult, status_name: Mapping[Status, str]) -> str:
    status = _escaped(check.status.value)
    cause = f" (→ <code>{_escaped(check.cause)}</code>)" if check.cause else ""
    return (f'<tr class="{status}"><td><span class="pill {status}">{_escaped(status_name[check.status])}</span>'
            f"</td><td><code>{_escaped(check.check)}</code></td><td>{_escaped(check.requirement)}</td>"
            f"<td>{_escaped(check.title)}</td><td>{_escaped(check.expected)}</td><td>{_escaped(check.actual)}</td>"
            f"<td>{_escaped(check.reason)}{cause}</td></tr>")


@lru_cache(maxsize=16384, typed=True)
def _escaped_scalar(value: str | int) -> Markup:
    return Markup(html_text(value))


def _escaped(value: Any) -> Any:
    """Every printed value, escaped by :mod:`medcloud.escape` (markup the template built stays markup).

    A report prints the same strings thousands of times (check ids, titles, requirements,
    statuses, expected values): plain strings and integers are escaped once and remembered.
    """
    if value is None or isinstance(value, Markup):
        return value
    if type(value) is str or type(value) is int:
        return _escaped_scalar(value)
    return Markup(html_text(value))


class CompiledTemplates(FileSystemBytecodeCache):
    """The report's template, compiled, kept between runs in ``$XDG_CACHE_HOME/medcloud/templates``.

    Lexing, parsing and compiling the template was ~0.05 s of CPU at the end of every
    ``verify``; loading the compiled code takes a millisecond.  Jinja2 keys an entry by the
    template's name and the checksum of its source, and refuses one written by another
    Python; the code it generates also depends on the environment's options and on Jinja2's
    version, so the file name carries a digest of both (of this module, where the options
    are set): an edited template, module, Jinja2 or Python is simply compiled again.  A cache
    folder that cannot be created, read or written costs the compile and nothing else.
    """

    def __init__(self, directory: Path) -> None:
        import hashlib

        import jinja2

        origin = hashlib.sha256(jinja2.__version__.encode() + b"\0" + Path(__file__).read_bytes())
        super().__init__(str(directory), f"%s-{origin.hexdigest()[:16]}.cache")

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a truncated or foreign file: compile, and replace it
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            super().dump_bytecode(bucket)


def template_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/medcloud/templates`` (XDG's fallback ``~/.cache``); None without a home."""
    try:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except (RuntimeError, KeyError):
        return None
    return Path(base) / "medcloud" / "templates"


@cache
def _environment() -> Environment:
    folder = template_cache_dir()
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                       finalize=_escaped, trim_blocks=True, lstrip_blocks=True,
                       bytecode_cache=None if folder is None else CompiledTemplates(folder))


def render(report: Report, *, lang: str = "en", evidence: dict[str, Any] | None = None,
           evidence_valid: bool | None = None, json_name: str = "") -> str:
    """The page; ``evidence`` is the JSON report's evidence block, ``evidence_valid`` whether it verified."""
    t = messages(lang)
    counts = report.counts()
    failed = sum(1 for _, c in report.findings() if c.status is Status.FAIL)
    verdict = t[report.outcome].format(failed=failed, errors=counts["findings"] - failed,
                                       not_run=len(report.not_run))
    blocked = {(d.name, c.check): sum(1 for other in d.checks if other.cause == c.check)
               for d in report.devices for c in d.findings}
    return _environment().get_template("report.html.j2").render(
        report=report, racks=racks(report), cabled=[d for d in report.devices if d.cabling],
        attention=attention(report), follow_ups=report.follow_ups(),
        check_rows=partial(check_rows, built={}), counts=counts, Status=Status, t=t, lang=lang,
        status_name=STATUS_NAMES[lang], verdict=verdict, blocked=blocked, roles=t["roles"].split("|"),
        evidence=evidence or {}, evidence_valid=evidence_valid, json_name=json_name,
    )
