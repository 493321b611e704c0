"""Switch facts from SNMP walks (R-HW-06): system group, IF-MIB, ENTITY-MIB, LLDP-MIB, Q-BRIDGE-MIB.

Parsers take the varbinds a walk returned (numeric OIDs) so they work the
same on a live agent, an snmpsim recording or a fixture file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from medcloud.hardware.facts.base import ParseError
from medcloud.hardware.transports.base import Varbind

SYSTEM = "1.3.6.1.2.1.1"
IF_TABLE = "1.3.6.1.2.1.2.2.1"
IFX_TABLE = "1.3.6.1.2.1.31.1.1.1"
ENTITY = "1.3.6.1.2.1.47.1.1.1.1"
LLDP_LOC_PORT = "1.0.8802.1.1.2.1.3.7.1"
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
QBRIDGE_STATIC = "1.3.6.1.2.1.17.7.1.4.3.1"
ENTERPRISES = "1.3.6.1.4.1."

# The table columns the parsers below read, and nothing else: a switch walks only these.
#: ifDescr, ifType, ifSpeed, ifOperStatus (IF-MIB ifTable).
IF_COLUMNS = (2, 3, 5, 8)
#: ifName, ifHighSpeed (IF-MIB ifXTable).
IFX_COLUMNS = (1, 15)
#: entPhysicalDescr, Class, Name, SoftwareRev, SerialNum, ModelName (ENTITY-MIB).
ENTITY_COLUMNS = (2, 5, 7, 10, 11, 13)
#: lldpLocPortId, lldpLocPortDesc.
LLDP_LOC_COLUMNS = (3, 4)
#: lldpRemChassisId, lldpRemPortId, lldpRemPortDesc, lldpRemSysName.
LLDP_REM_COLUMNS = (5, 7, 8, 9)
#: dot1qVlanStaticName, dot1qVlanStaticEgressPorts (Q-BRIDGE-MIB).
QBRIDGE_COLUMNS = (1, 2)

#: Roots a full switch verification walks: the system group (a handful of scalars) and
#: the columns above.  Whole tables would be ~5x the varbinds (the 28-port H3C E528:
#: 1,983 rows against ~420), all encoded by the agent and decoded by us for nothing.
WALK_ROOTS = (SYSTEM, *(
    f"{table}.{column}"
    for table, columns in ((IF_TABLE, IF_COLUMNS), (IFX_TABLE, IFX_COLUMNS), (ENTITY, ENTITY_COLUMNS),
                           (LLDP_LOC_PORT, LLDP_LOC_COLUMNS), (LLDP_REM, LLDP_REM_COLUMNS),
                           (QBRIDGE_STATIC, QBRIDGE_COLUMNS))
    for column in columns))
_WALKED = frozenset(WALK_ROOTS)

IF_OPER_STATUS = {1: "up", 2: "down", 3: "testing", 4: "unknown", 5: "dormant", 6: "notPresent",
                  7: "lowerLayerDown"}
ENTITY_CLASSES = {1: "other", 2: "unknown", 3: "chassis", 4: "backplane", 5: "container",
                  6: "powerSupply", 7: "fan", 8: "sensor", 9: "module", 10: "port", 11: "stack",
                  12: "cpu"}


def text(value: int | bytes | str | None) -> str:
    """An OctetString as text: UTF-8, else GB18030 (Chinese vendors' sysLocation), never failing."""
    if isinstance(value, bytes):
        for encoding in ("utf-8", "gb18030"):
            try:
                return value.decode(encoding).strip("\x00").strip()
            except UnicodeDecodeError:
                continue
        return value.hex()
    return "" if value is None else str(value)


_TABLES = (IF_TABLE, IFX_TABLE, ENTITY, LLDP_LOC_PORT, LLDP_REM, QBRIDGE_STATIC)


class Columns:
    """The walked table columns of one capture, indexed once: ``(table, column) → {index suffix: varbind}``.

    Parsers read a dozen columns each; scanning every varbind for every column
    was O(columns x varbinds).  Build this once (``parse_switch`` does) and the
    parsers look their columns up.
    """

    __slots__ = ("by_column",)

    def __init__(self, varbinds: Iterable[Varbind]) -> None:
        self.by_column: dict[tuple[str, int], dict[str, Varbind]] = {}
        for vb in varbinds:
            oid = vb.oid
            for table in _TABLES:
                if oid.startswith(table) and oid[len(table):len(table) + 1] == ".":
                    column, dot, suffix = oid[len(table) + 1:].partition(".")
                    if dot and column.isdigit():
                        self.by_column.setdefault((table, int(column)), {})[suffix] = vb
                    break


def _column(varbinds: Iterable[Varbind] | Columns, table: str, column: int) -> dict[str, Varbind]:
    """``index suffix → varbind`` for one column of a table (prefix ``table.column.``)."""
    if f"{table}.{column}" not in _WALKED:
        # A parser reading a column no walk asks for would silently see an empty table.
        raise AssertionError(f"column {table}.{column} is read but not in WALK_ROOTS")
    indexed = varbinds if isinstance(varbinds, Columns) else Columns(varbinds)
    return indexed.by_column.get((table, column), {})


def _text_at(column: dict[str, Varbind], index: str) -> str:
    """The text of one cell, ``""`` when the row has no value in that column."""
    return text(column[index].value) if index in column else ""


@dataclass(frozen=True)
class SystemInfo:
    descr: str
    object_id: str
    name: str
    uptime_ticks: int | None

    @property
    def enterprise(self) -> int | None:
        if not self.object_id.startswith(ENTERPRISES):
            return None
        return int(self.object_id[len(ENTERPRISES):].split(".")[0])


def parse_system(varbinds: Sequence[Varbind]) -> SystemInfo:
    by_oid = {vb.oid: vb for vb in varbinds}
    descr, object_id = by_oid.get(f"{SYSTEM}.1.0"), by_oid.get(f"{SYSTEM}.2.0")
    if descr is None or object_id is None:
        raise ParseError("SNMP system group: sysDescr or sysObjectID missing")
    uptime = by_oid.get(f"{SYSTEM}.3.0")
    return SystemInfo(
        descr=text(descr.value), object_id=str(object_id.value).lstrip("."),
        name=text(by_oid[f"{SYSTEM}.5.0"].value) if f"{SYSTEM}.5.0" in by_oid else "",
        uptime_ticks=uptime.value if uptime is not None and isinstance(uptime.value, int) else None,
    )


#: Nominal port speed (Mb/s) by the port-name prefixes vendors use (Huawei, H3C, Ruijie,
#: BDCOM ``GigaEthernet``/``TGigaEthernet``); longest prefix wins.  Names that say nothing
#: of speed (``Ethernet1/2``, ZTE's ``1/2``) are not guessed.
NOMINAL_SPEEDS = {
    "hundredgigabitethernet": 100_000, "hundredgige": 100_000, "100ge": 100_000,
    "fortygigabitethernet": 40_000, "fortygige": 40_000, "40ge": 40_000,
    "twenty-fivegige": 25_000, "tfgigabitethernet": 25_000, "25ge": 25_000,
    "ten-gigabitethernet": 10_000, "tengigabitethernet": 10_000, "xgigabitethernet": 10_000, "10ge": 10_000,
    "tgigaethernet": 10_000,
    "gigabitethernet": 1_000, "gigaethernet": 1_000, "ge": 1_000,
}
#: ifSpeed saturates at 2^32-1 b/s; above that only ifHighSpeed knows.
IF_SPEED_SATURATED = 4_294_967_295


#: Short port-type names (CLI, LLDP port IDs) → the long form in ifName, per vendor usage.
PORT_ALIASES = {
    "gi": "gigabitethernet", "ge": "gigabitethernet", "te": "tengigabitethernet",
    "ten-gigabitethernet": "tengigabitethernet", "xge": "xgigabitethernet", "xgi": "xgigabitethernet",
    "tf": "tfgigabitethernet", "twenty-fivegige": "tfgigabitethernet", "fo": "fortygigabitethernet",
    "fortygige": "fortygigabitethernet", "hu": "hundredgigabitethernet", "hundredgige": "hundredgigabitethernet",
}


def canonical_port(name: str) -> str:
    """``Gi2/1/14``, ``GigabitEthernet 2/1/14`` and ``GE2/1/14`` all become ``gigabitethernet2/1/14``."""
    compact = "".join(name.split()).lower()
    index = 0
    while index < len(compact) and not compact[index].isdigit():
        index += 1
    prefix, rest = compact[:index], compact[index:]
    return PORT_ALIASES.get(prefix, prefix) + rest


def nominal_speed_mbps(name: str) -> int | None:
    lowered = name.lower().replace(" ", "")
    for prefix in sorted(NOMINAL_SPEEDS, key=len, reverse=True):
        if lowered.startswith(prefix) and lowered[len(prefix):][:1].isdigit():
            return NOMINAL_SPEEDS[prefix]
    return None


@dataclass(frozen=True)
class Interface:
    index: int
    name: str
    descr: str
    if_type: int | None
    oper_status: str
    #: ifHighSpeed, else ifSpeed (agents without ifXTable), in Mb/s; None when neither is reported.
    speed_mbps: int | None

    @property
    def capacity_mbps(self) -> int | None:
        """What the port can carry: its reported speed while it is up, else the speed its name implies.

        A port that is down reports 0 or a leftover figure (ZTE reports 10 Mb/s on idle gigabit
        ports), so only its name is trusted; with a name that implies nothing (``Ethernet1/2``,
        ``2/2``) the speed is unknown (None), never counted as slow.
        """
        if self.oper_status == "up" and self.speed_mbps:
            return self.speed_mbps
        return nominal_speed_mbps(self.name)

    @property
    def ethernet(self) -> bool:
        # 6 ethernetCsmacd, 117 gigabitEthernet, 62 fastEther.
        return self.if_type in (6, 62, 117)


def _speed_mbps(high: Varbind | None, low: Varbind | None) -> int | None:
    """ifHighSpeed (Mb/s), else ifSpeed (b/s) unless it is saturated."""
    if high is not None and isinstance(high.value, int):
        return high.value
    if low is not None and isinstance(low.value, int) and low.value < IF_SPEED_SATURATED:
        return low.value // 1_000_000
    return None


def parse_interfaces(varbinds: Sequence[Varbind]) -> tuple[Interface, ...]:
    """IF-MIB interfaces; an agent without an interface table gives ``()`` (checks on ports say so)."""
    return _interfaces(Columns(varbinds))


def _interfaces(varbinds: Columns) -> tuple[Interface, ...]:
    descr = _column(varbinds, IF_TABLE, 2)
    kinds = _column(varbinds, IF_TABLE, 3)
    low_speeds = _column(varbinds, IF_TABLE, 5)
    oper = _column(varbinds, IF_TABLE, 8)
    names = _column(varbinds, IFX_TABLE, 1)
    speeds = _column(varbinds, IFX_TABLE, 15)
    indexes = sorted({*descr, *names}, key=lambda s: int(s) if s.isdigit() else 0)
    out = []
    for idx in indexes:
        status = oper.get(idx)
        kind = kinds.get(idx)
        out.append(Interface(
            index=int(idx), name=text(names[idx].value) if idx in names else text(descr[idx].value),
            descr=_text_at(descr, idx),
            if_type=kind.value if kind is not None and isinstance(kind.value, int) else None,
            oper_status=IF_OPER_STATUS.get(status.value, "unknown")
            if status is not None and isinstance(status.value, int) else "unknown",
            speed_mbps=_speed_mbps(speeds.get(idx), low_speeds.get(idx)),
        ))
    return tuple(out)


@dataclass(frozen=True)
class Entity:
    index: int
    cls: str
    name: str
    descr: str
    model: str
    serial: str
    software: str


def parse_entities(varbinds: Sequence[Varbind]) -> tuple[Entity, ...]:
    return _entities(Columns(varbinds))


def _entities(varbinds: Columns) -> tuple[Entity, ...]:
    cols = {c: _column(varbinds, ENTITY, c) for c in ENTITY_COLUMNS}
    out = []
    for idx in sorted(cols[5], key=lambda s: int(s) if s.isdigit() else 0):
        cls_value = cols[5][idx].value
        out.append(Entity(
            index=int(idx), cls=ENTITY_CLASSES.get(cls_value, "other") if isinstance(cls_value, int) else "other",
            name=_text_at(cols[7], idx),
            descr=_text_at(cols[2], idx),
            software=_text_at(cols[10], idx),
            serial=_text_at(cols[11], idx),
            model=_text_at(cols[13], idx),
        ))
    return tuple(out)


@dataclass(frozen=True)
class LldpNeighbour:
    local_port_num: int
    #: Our port as LLDP-MIB's lldpLocPortTable names it (port id, else description).
    local_port: str
    remote_system: str
    remote_port: str
    remote_port_descr: str
    remote_chassis: str


def _port_id(value: int | bytes | str | None) -> str:
    """Port IDs are text for most subtypes; six raw bytes are a MAC address."""
    if isinstance(value, bytes) and len(value) == 6 and not value.isascii():
        return ":".join(f"{b:02x}" for b in value)
    return text(value)


def parse_lldp(varbinds: Sequence[Varbind]) -> tuple[LldpNeighbour, ...]:
    return _lldp(Columns(varbinds))


def _lldp(varbinds: Columns) -> tuple[LldpNeighbour, ...]:
    loc_id = _column(varbinds, LLDP_LOC_PORT, 3)
    loc_desc = _column(varbinds, LLDP_LOC_PORT, 4)
    chassis = _column(varbinds, LLDP_REM, 5)
    port_id = _column(varbinds, LLDP_REM, 7)
    port_desc = _column(varbinds, LLDP_REM, 8)
    sys_name = _column(varbinds, LLDP_REM, 9)
    out = []
    for suffix in sorted({*port_id, *sys_name}):
        # Index: lldpRemTimeMark.lldpRemLocalPortNum.lldpRemIndex
        parts = suffix.split(".")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            raise ParseError(f"LLDP-MIB: unexpected lldpRemTable index {suffix}")
        local = parts[1]
        local_name = _port_id(loc_id[local].value) if local in loc_id else ""
        if not local_name and local in loc_desc:
            local_name = text(loc_desc[local].value)
        chassis_value = chassis[suffix].value if suffix in chassis else None
        out.append(LldpNeighbour(
            local_port_num=int(local), local_port=local_name or local,
            remote_system=text(sys_name[suffix].value) if suffix in sys_name else "",
            remote_port=_port_id(port_id[suffix].value) if suffix in port_id else "",
            remote_port_descr=text(port_desc[suffix].value) if suffix in port_desc else "",
            remote_chassis=chassis_value.hex(":") if isinstance(chassis_value, bytes) else text(chassis_value),
        ))
    return tuple(out)


@dataclass(frozen=True)
class VlanInfo:
    id: int
    name: str


def parse_vlans(varbinds: Sequence[Varbind]) -> tuple[VlanInfo, ...]:
    return _vlans(Columns(varbinds))


def _vlans(varbinds: Columns) -> tuple[VlanInfo, ...]:
    names = _column(varbinds, QBRIDGE_STATIC, 1)
    egress = _column(varbinds, QBRIDGE_STATIC, 2)
    ids = sorted({int(i) for i in (*names, *egress) if i.isdigit()})
    return tuple(VlanInfo(i, text(names[str(i)].value) if str(i) in names else "") for i in ids)


@dataclass(frozen=True)
class SwitchFacts:
    system: SystemInfo
    interfaces: tuple[Interface, ...]
    entities: tuple[Entity, ...]
    lldp: tuple[LldpNeighbour, ...]
    lldp_walked: bool
    vlans: tuple[VlanInfo, ...]


def parse_switch(varbinds: Sequence[Varbind]) -> SwitchFacts:
    indexed = Columns(varbinds)
    return SwitchFacts(
        system=parse_system(varbinds), interfaces=_interfaces(indexed),
        entities=_entities(indexed), lldp=_lldp(indexed),
        lldp_walked=any(vb.oid.startswith(LLDP_LOC_PORT + ".") or vb.oid.startswith(LLDP_REM + ".")
                        for vb in varbinds),
        vlans=_vlans(indexed),
    )
