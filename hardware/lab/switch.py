"""Lab switches: ``snmpsim`` replaying real device recordings from PyPI ``snmpsim-data``.

A lab switch's recording is composed at ``lab up``:

1. the device recording (e.g. ``network/switch/h3c-comware-7-1-075``),
   keeping only the subtrees verification walks (system, IF-MIB, ENTITY-MIB,
   LLDP-MIB, Q-BRIDGE): those rows are copied byte for byte, none is edited;
2. LLDP rows the cabling scenario needs (``lldpLocPortTable`` for the
   cabled ports, ``lldpRemTable`` for the servers' NICs, as ``lldpd`` with
   ``portidsubtype ifname`` announces them) and Q-BRIDGE static VLAN rows for
   design VLANs the recording lacks;
3. all lines sorted by OID, which snmpsim's index needs.

An added row never replaces a recorded one: a clash is an error.  The only
deliberate edit is the *slow agent* fault, which wraps one recorded row in
snmpsim's ``delay`` variation module (same value, late answer).

Filtering keeps snmpsim's start-up in seconds: the full Huawei S12704 file
has 657,000 rows, a 336 MB index and takes ~6 s to load even when indexed.
"""

from __future__ import annotations

import bz2
import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from medcloud.errors import SourceError

SYSTEM = "1.3.6.1.2.1.1"
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
IF_TABLE = "1.3.6.1.2.1.2.2.1"
IFX_TABLE = "1.3.6.1.2.1.31.1.1.1"
IF_NAME = IFX_TABLE + ".1"
ENTITY = "1.3.6.1.2.1.47.1.1.1.1"
LLDP_LOC_PORT = "1.0.8802.1.1.2.1.3.7.1"
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
QBRIDGE_STATIC = "1.3.6.1.2.1.17.7.1.4.3.1"
#: The subtrees a lab switch serves (what ``medcloud verify`` walks).
SERVED_ROOTS = (SYSTEM, IF_TABLE, IFX_TABLE, ENTITY, LLDP_LOC_PORT, LLDP_REM, QBRIDGE_STATIC)

#: LLDP-MIB subtypes: chassis ID by MAC address (4), port ID by interface name (5).
CHASSIS_ID_MAC = 4
PORT_ID_IFNAME = 5
#: RowStatus active(1) for the static VLAN rows.
ROW_ACTIVE = 1


def recordings_root() -> Path:
    """Where ``snmpsim-data`` installed its recordings."""
    try:
        import snmpsim_data  # type: ignore[import-untyped]
    except ImportError:
        raise SourceError("snmpsim-data", "not installed: pip install 'medcloud[lab]'") from None
    return Path(snmpsim_data.__file__).parent / "data"


def oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(part) for part in oid.split("."))


def _under(oid: str, roots: Sequence[str]) -> bool:
    return any(oid == root or oid.startswith(root + ".") for root in roots)


def read_recording(name: str, roots: Sequence[str] = SERVED_ROOTS) -> list[str]:
    """The recorded lines of ``name`` (e.g. ``network/switch/huawei-s12704``) under ``roots``."""
    return list(_read_recording(name, tuple(roots)))


@functools.lru_cache(maxsize=8)
def _read_recording(name: str, roots: tuple[str, ...]) -> tuple[str, ...]:
    # Decompressing a recording takes ~1 s; a lab with twenty copies of one switch reads it once.
    path = recordings_root() / f"{name}.snmprec.bz2"
    if not path.exists():
        path = recordings_root() / f"{name}.snmprec"
    if not path.exists():
        raise SourceError(path, "no such snmpsim-data recording")
    opener = bz2.open if path.suffix == ".bz2" else open
    lines = []
    with opener(path, "rt", encoding="utf-8", errors="surrogateescape") as handle:
        for raw in handle:
            line = raw.rstrip("\r\n")
            if line and not line.startswith("#") and _under(line.split("|", 1)[0], roots):
                lines.append(line)
    return tuple(lines)


def _hex(value: bytes) -> str:
    return value.hex()


def _octets(oid: str, value: bytes) -> str:
    return f"{oid}|4x|{_hex(value)}"


def _integer(oid: str, value: int) -> str:
    return f"{oid}|2|{value}"


def interface_names(lines: Iterable[str]) -> dict[str, int]:
    """ifName → ifIndex from the recording's ifXTable."""
    names: dict[str, int] = {}
    for line in lines:
        oid, tag, value = line.split("|", 2)
        if oid.startswith(IF_NAME + "."):
            text = bytes.fromhex(value).decode("utf-8", "replace") if tag.startswith("4x") else value
            names[text] = int(oid.rsplit(".", 1)[1])
    return names


@dataclass(frozen=True)
class Neighbour:
    """What LLDP shows on one switch port: the server and NIC at the other end."""

    local_port: str
    system_name: str
    port: str
    chassis_mac: bytes


@dataclass(frozen=True)
class SwitchRecording:
    """The inputs that make one lab switch's ``.snmprec`` file."""

    recording: str
    neighbours: tuple[Neighbour, ...] = ()
    #: VLAN id → name, added unless the recording already has that VLAN.
    vlans: tuple[tuple[int, str], ...] = ()
    #: Slow-agent fault: milliseconds the sysDescr answer is held back (0: none).
    delay_ms: int = 0
    extra_roots: tuple[str, ...] = field(default=())

    def compose(self) -> str:
        lines = read_recording(self.recording, SERVED_ROOTS + self.extra_roots)
        recorded = {line.split("|", 1)[0] for line in lines}
        names = interface_names(lines)
        added: list[str] = []
        for n in self.neighbours:
            if n.local_port not in names:
                raise ValueError(f"{self.recording} has no interface named {n.local_port!r}")
            index = names[n.local_port]
            added += [
                _integer(f"{LLDP_LOC_PORT}.2.{index}", PORT_ID_IFNAME),
                _octets(f"{LLDP_LOC_PORT}.3.{index}", n.local_port.encode()),
                _octets(f"{LLDP_LOC_PORT}.4.{index}", n.local_port.encode()),
            ]
            row = f"0.{index}.1"  # lldpRemTimeMark 0, local port number, remote index 1
            added += [
                _integer(f"{LLDP_REM}.4.{row}", CHASSIS_ID_MAC),
                _octets(f"{LLDP_REM}.5.{row}", n.chassis_mac),
                _integer(f"{LLDP_REM}.6.{row}", PORT_ID_IFNAME),
                _octets(f"{LLDP_REM}.7.{row}", n.port.encode()),
                _octets(f"{LLDP_REM}.8.{row}", n.port.encode()),
                _octets(f"{LLDP_REM}.9.{row}", n.system_name.encode()),
            ]
        for vlan_id, name in self.vlans:
            if f"{QBRIDGE_STATIC}.1.{vlan_id}" in recorded:
                continue
            added += [
                _octets(f"{QBRIDGE_STATIC}.1.{vlan_id}", name.encode()),
                _integer(f"{QBRIDGE_STATIC}.5.{vlan_id}", ROW_ACTIVE),
            ]
        clashes = [line for line in added if line.split("|", 1)[0] in recorded]
        if clashes:
            raise ValueError(f"{self.recording}: added rows would replace recorded ones: {clashes[:3]}")
        if self.delay_ms:
            lines = [self._delayed(line) if line.startswith(SYS_DESCR + "|") else line for line in lines]
        every = sorted(lines + added, key=lambda line: oid_key(line.split("|", 1)[0]))
        return "\n".join(every) + "\n"

    def _delayed(self, line: str) -> str:
        oid, tag, value = line.split("|", 2)
        if tag.endswith("x"):
            return f"{oid}|{tag[:-1]}:delay|hexvalue={value},wait={self.delay_ms}"
        if "," in value or "=" in value:
            return f"{oid}|{tag}:delay|hexvalue={value.encode().hex()},wait={self.delay_ms}"
        return f"{oid}|{tag}:delay|value={value},wait={self.delay_ms}"


def mac_for(name: str, port: str) -> bytes:
    """A stable locally administered MAC for a lab server's NIC."""
    digest = hashlib.sha256(f"{name}/{port}".encode()).digest()
    return bytes([0x02, *digest[:5]])
