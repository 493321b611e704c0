"""Memory and power-supply facts from ``dmidecode -t 16,17,39`` (R-HW-02 ECC, R-HW-03 PSUs).

SMBIOS type 16 (Physical Memory Array) carries ``Error Correction Type``;
type 17 (Memory Device) one ``Size`` per slot; type 39 (System Power Supply)
one record per PSU with ``Status``.  Firmware often leaves type 39 out: then
PSU redundancy is judged from the BMC's sensors instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from medcloud.hardware.facts.base import ParseError, SSHFact, output
from medcloud.hardware.transports.base import Command, CommandResult

_SIZE = re.compile(r"^(\d+)\s*(kB|KB|MB|GB|TB)$")
_UNITS = {"kB": 1 / (1024 * 1024), "KB": 1 / (1024 * 1024), "MB": 1 / 1024, "GB": 1.0, "TB": 1024.0}
ECC_TYPES = frozenset({"Single-bit ECC", "Multi-bit ECC", "CRC", "Parity"})


@dataclass(frozen=True)
class PowerSupply:
    name: str
    present: bool
    ok: bool
    status: str


@dataclass(frozen=True)
class DmiFacts:
    #: Error Correction Type of each system-memory array.
    error_correction: tuple[str, ...]
    total_memory_gib: float
    modules: int
    power_supplies: tuple[PowerSupply, ...]

    @property
    def ecc(self) -> bool:
        return bool(self.error_correction) and all(e in ECC_TYPES for e in self.error_correction)


def _records(text: str) -> list[tuple[int, dict[str, str]]]:
    records: list[tuple[int, dict[str, str]]] = []
    dmi_type: int | None = None
    fields: dict[str, str] = {}
    for line in text.splitlines():
        header = re.match(r"^Handle 0x[0-9A-Fa-f]+, DMI type (\d+),", line)
        if header:
            if dmi_type is not None:
                records.append((dmi_type, fields))
            dmi_type, fields = int(header.group(1)), {}
            continue
        key, sep, value = line.strip().partition(":")
        if dmi_type is not None and sep and line[:1].isspace():
            fields.setdefault(key.strip(), value.strip())
    if dmi_type is not None:
        records.append((dmi_type, fields))
    return records


def parse_dmidecode(text: str) -> DmiFacts:
    records = _records(text)
    if not records:
        raise ParseError("dmidecode: no DMI records (is dmidecode run as root?)")
    arrays = [f for t, f in records if t == 16 and f.get("Use", "System Memory") == "System Memory"]
    total = 0.0
    modules = 0
    for dmi_type, fields in records:
        if dmi_type != 17:
            continue
        size = _SIZE.match(fields.get("Size", ""))
        if size:
            total += int(size.group(1)) * _UNITS[size.group(2)]
            modules += 1
    psus: list[PowerSupply] = []
    for dmi_type, fields in records:
        if dmi_type != 39:
            continue
        status = fields.get("Status", "")
        psus.append(PowerSupply(
            name=fields.get("Name") or fields.get("Location") or f"PSU{len(psus) + 1}",
            present=status.startswith("Present"),
            ok=status.endswith("OK"),
            status=status,
        ))
    return DmiFacts(
        error_correction=tuple(a.get("Error Correction Type", "Unknown") for a in arrays),
        total_memory_gib=round(total, 3), modules=modules, power_supplies=tuple(psus),
    )


def _parse(results: Mapping[str, CommandResult]) -> DmiFacts:
    text = output(results, "dmidecode")
    if text is None:
        result = results.get("dmidecode")
        reason = result.stderr.strip().splitlines()[-1] if result and result.stderr.strip() else "no output"
        raise ParseError(f"dmidecode failed: {reason}")
    return parse_dmidecode(text)


FACT: SSHFact[DmiFacts] = SSHFact(
    "dmi", (Command("dmidecode", "dmidecode -t 16,17,39", sudo=True),), _parse)
