"""Read snmpsim ``.snmprec`` recordings into :class:`~.base.Varbind` lists.

The format is one ``oid|tag|value`` line per variable.  ``tag`` is the BER
type number, optionally suffixed ``x`` (value is hex) or ``e`` (value is a
Python escaped string), optionally followed by ``:module`` for snmpsim
variation modules; of those only ``numeric`` (a counter that grows from
``initial``) is replayed, at its initial value.
Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import bz2
import codecs
from collections.abc import Iterable, Iterator
from pathlib import Path

from medcloud.hardware.transports.base import Varbind, VarbindKind

from medcloud.errors import SourceError

TAGS: dict[int, VarbindKind] = {
    2: "Integer32", 4: "OctetString", 5: "Null", 6: "ObjectIdentifier", 64: "IpAddress",
    65: "Counter32", 66: "Gauge32", 67: "TimeTicks", 68: "Opaque", 70: "Counter64",
    128: "noSuchObject", 129: "noSuchInstance", 130: "endOfMibView",
}


def parse_line(line: str) -> Varbind:
    """One ``oid|tag|value`` line → varbind; ``ValueError`` with the reason if malformed."""
    parts = line.split("|", 2)
    if len(parts) != 3:
        raise ValueError("expected 'oid|tag|value'")
    oid, tag, raw = parts
    tag, _, module = tag.partition(":")
    if module:
        raw = _variation(module, raw)
    encoding = ""
    if tag and tag[-1] in "xe":
        tag, encoding = tag[:-1], tag[-1]
    try:
        kind = TAGS[int(tag)]
    except (ValueError, KeyError):
        raise ValueError(f"unknown tag {tag!r}") from None
    oid = oid.strip().lstrip(".")
    if not oid or not all(part.isdigit() for part in oid.split(".")):
        raise ValueError(f"bad OID {oid!r}")
    if encoding == "x":
        data = bytes.fromhex(raw)
    elif encoding == "e":
        data = codecs.escape_decode(raw.encode("latin-1"))[0]
    else:
        data = raw.encode("utf-8")
    value: int | bytes | str | None
    if kind in ("OctetString", "Opaque"):
        value = data
    elif kind == "IpAddress":
        # 64x carries the four address octets in hex.
        value = ".".join(str(b) for b in data) if encoding == "x" else data.decode()
    elif kind == "ObjectIdentifier":
        value = data.decode().lstrip(".")
    elif kind in ("Null", "noSuchObject", "noSuchInstance", "endOfMibView"):
        value = None
    else:
        value = int(data.decode() or "0")
    return Varbind(oid, kind, value)


def _variation(module: str, raw: str) -> str:
    """The value a variation module starts from; only ``numeric`` (counters, uptime) is replayed."""
    if module != "numeric":
        raise ValueError(f"variation module {module!r} cannot be replayed statically")
    params = dict(item.partition("=")[::2] for item in raw.split(","))
    return params.get("initial", params.get("value", "0"))


def parse(lines: Iterable[str], path: Path | str = "<snmprec>") -> Iterator[Varbind]:
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line or line.startswith("#"):
            continue
        try:
            yield parse_line(line)
        except ValueError as exc:
            raise SourceError(path, str(exc), line=number) from None


def load(path: Path, roots: Iterable[str] = ()) -> list[Varbind]:
    """Read ``path`` (``.snmprec`` or ``.snmprec.bz2``), keeping only OIDs under ``roots`` if given."""
    prefixes = tuple(root.lstrip(".") + "." for root in roots)
    opener = bz2.open if path.suffix == ".bz2" else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="surrogateescape") as handle:
            return [vb for vb in parse(handle, path) if not prefixes or vb.oid.startswith(prefixes)]
    except OSError as exc:
        raise SourceError(path, f"cannot read recording: {exc.strerror or exc}") from None


def oid_key(oid: str) -> tuple[int, ...]:
    """Sort key giving SNMP's lexicographic OID order."""
    return tuple(int(part) for part in oid.split("."))
