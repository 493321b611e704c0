"""Lab BMCs: OpenIPMI ``ipmi_sim`` configured to look like a domestic server's BMC.

Each BMC is one ``ipmi_sim`` process (≈3.5 MiB resident, see
``benchmarks/verify.py``) listening for RMCP+ on its own UDP port of
127.0.0.1.  What it serves is encoded here in the IPMI wire formats, so the
transport reads it exactly as it would read a real BMC:

* FRU 0 (IPMI Platform Management FRU Information Storage Definition v1.0):
  chassis, board and product areas with the vendor strings of the model;
* full sensor records (IPMI 2.0 §43.1) for CPU/inlet temperature, fans (RPM)
  and power-supply status (sensor type 08h, sensor-specific offsets);
* the firmware revision in Get Device ID, and a few SEL entries.

``ipmi_sim`` reads two files: ``lan.conf`` (network, users, chassis control)
and an emulator command file (``*.emu``) that adds the MC, SDRs, sensors and
FRU data.  Its command parser wants every byte as a ``0x`` number.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: IPMI unit type codes (IPMI 2.0 table 43-15) for the units we model.
UNIT_DEGREES_C = 1
UNIT_WATTS = 6
UNIT_RPM = 18

#: Sensor types (IPMI 2.0 table 42-3).
SENSOR_TEMPERATURE = 0x01
SENSOR_FAN = 0x04
SENSOR_POWER_SUPPLY = 0x08

#: Entity IDs (IPMI 2.0 table 43-13).
ENTITY_PROCESSOR = 0x03
ENTITY_POWER_SUPPLY = 0x0A
ENTITY_COOLING = 0x1D
ENTITY_AIR_INLET = 0x37

#: Power-supply sensor-specific offsets (IPMI 2.0 table 42-3, sensor type 08h).
PSU_PRESENT = 0
PSU_FAILURE = 1

#: Event/reading type codes.
READING_THRESHOLD = 0x01
READING_SENSOR_SPECIFIC = 0x6F

#: IPMI FRU "rack mount chassis" (SMBIOS chassis type 17h).
CHASSIS_RACK_MOUNT = 0x17
FRU_EPOCH = dt.datetime(1996, 1, 1, tzinfo=dt.UTC)


# --- FRU -----------------------------------------------------------------------


def _checksum(data: Iterable[int]) -> int:
    """Zero checksum: the byte that makes the area sum to 0 modulo 256."""
    return (-sum(data)) & 0xFF


def _tlv(text: str) -> bytes:
    raw = text.encode("ascii")
    if len(raw) > 63:
        raise ValueError(f"FRU field longer than 63 bytes: {text!r}")
    return bytes([0xC0 | len(raw)]) + raw


def _area(header: bytes, fields: Sequence[str]) -> bytes:
    """One FRU area: version, length in 8-byte units, fields, end marker, padding, checksum."""
    body = bytearray(header)
    for value in fields:
        body += _tlv(value)
    body.append(0xC1)
    total = -(-(len(body) + 3) // 8) * 8  # + version, length and checksum bytes
    area = bytearray([0x01, total // 8]) + body
    area += bytes(total - len(area) - 1)
    area.append(_checksum(area))
    return bytes(area)


@dataclass(frozen=True)
class FRU:
    """The board/product strings a BMC reports for its server (FRU device 0)."""

    manufacturer: str
    product: str
    model: str
    serial: str
    board_product: str
    board_serial: str
    board_part: str
    chassis_part: str
    chassis_serial: str
    version: str = "V100R001"
    asset_tag: str = ""
    manufactured: dt.datetime = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)

    def encode(self) -> bytes:
        minutes = int((self.manufactured - FRU_EPOCH).total_seconds() // 60)
        chassis = _area(bytes([CHASSIS_RACK_MOUNT]), [self.chassis_part, self.chassis_serial])
        board = _area(
            bytes([0x00]) + minutes.to_bytes(3, "little"),
            [self.manufacturer, self.board_product, self.board_serial, self.board_part, ""],
        )
        product = _area(
            bytes([0x00]),
            [self.manufacturer, self.product, self.model, self.version, self.serial, self.asset_tag, ""],
        )
        offset = 1  # in 8-byte units; the common header takes the first
        offsets = []
        for area in (chassis, board, product):
            offsets.append(offset)
            offset += len(area) // 8
        header = bytearray([0x01, 0x00, *offsets, 0x00, 0x00])
        header.append(_checksum(header))
        return bytes(header) + chassis + board + product


# --- sensors -------------------------------------------------------------------


@dataclass(frozen=True)
class Sensor:
    """One sensor and its full SDR; ``raw`` is the reading byte (value = raw × multiplier)."""

    number: int
    name: str
    sensor_type: int
    entity: int
    instance: int
    unit: int = 0
    multiplier: int = 1
    raw: int = 0
    #: Upper non-critical, critical, non-recoverable; lower the same (raw bytes, 0 = unset).
    upper: tuple[int, int, int] = (0, 0, 0)
    lower: tuple[int, int, int] = (0, 0, 0)
    #: Discrete sensors: the state offsets that are asserted.
    states: tuple[int, ...] = ()

    @property
    def discrete(self) -> bool:
        return self.sensor_type == SENSOR_POWER_SUPPLY

    def sdr(self, record_id: int) -> bytes:
        """The full sensor record (type 01h) describing this sensor."""
        name = self.name.encode("ascii")
        if len(name) > 16:
            raise ValueError(f"sensor name longer than 16 bytes: {self.name!r}")
        if self.discrete:
            reading_type = READING_SENSOR_SPECIFIC
            # Assertion, deassertion and readable masks: presence and failure offsets.
            masks = [0x03, 0x00, 0x03, 0x00, 0x03, 0x00]
            threshold_flags = 0x00
        else:
            reading_type = READING_THRESHOLD
            unc, uc, unr = self.upper
            lnc, lc, lnr = self.lower
            readable = (
                (1 if lnc else 0) | (2 if lc else 0) | (4 if lnr else 0)
                | (8 if unc else 0) | (16 if uc else 0) | (32 if unr else 0)
            )
            masks = [0x00, 0x00, 0x00, 0x00, readable, readable]
            threshold_flags = 0x08  # threshold access: readable
        unc, uc, unr = self.upper
        lnc, lc, lnr = self.lower
        body = bytes([
            0x20, 0x00, self.number,            # owner: BMC, LUN 0, sensor number
            self.entity, self.instance,
            0x67,                               # init: scanning, events, thresholds, hysteresis
            0x40 | threshold_flags,             # capabilities: auto re-arm
            self.sensor_type, reading_type,
            *masks,
            0x00, self.unit, 0x00,              # unsigned analog, base unit, no modifier
            0x00,                               # linear
            self.multiplier & 0xFF, (self.multiplier >> 8) & 0x03,  # M
            0x00, 0x00, 0x00, 0x00,             # B, accuracy, exponents
            0x00,                               # analog characteristics
            self.raw, 0xFF, 0x00, 0xFF, 0x00,   # nominal, normal max/min, sensor max/min
            unr, uc, unc, lnr, lc, lnc,
            0x00, 0x00, 0x00, 0x00, 0x00,       # hysteresis, reserved, OEM
            0xC0 | len(name),
        ]) + name
        header = bytes([record_id & 0xFF, record_id >> 8, 0x51, 0x01, len(body)])
        return header + body

    def emu_commands(self, record_id: int) -> list[str]:
        """The ``ipmi_sim`` commands that create the sensor, its SDR and its reading."""
        reading = READING_SENSOR_SPECIFIC if self.discrete else READING_THRESHOLD
        lines = [
            f"sensor_add 0x20 0 {self.number:#04x} {self.sensor_type:#04x} {reading:#04x}",
            "main_sdr_add 0x20 " + _hex(self.sdr(record_id)),
        ]
        if self.discrete:
            for offset in self.states:
                lines.append(f"sensor_set_bit 0x20 0 {self.number:#04x} {offset} 1 0")
        else:
            unc, uc, unr = self.upper
            lnc, lc, lnr = self.lower
            enabled = "".join("1" if v else "0" for v in (unr, uc, unc, lnr, lc, lnc))
            lines.append(
                f"sensor_set_threshold 0x20 0 {self.number:#04x} readable {enabled} "
                f"{unr:#04x} {uc:#04x} {unc:#04x} {lnr:#04x} {lc:#04x} {lnc:#04x}"
            )
            lines.append(f"sensor_set_value 0x20 0 {self.number:#04x} {self.raw:#04x} 0")
        # Scanning on; without it the BMC reports the reading as unavailable.
        lines.append(
            f"sensor_set_event_support 0x20 0 {self.number:#04x} enable scanning per-state "
            "000000000000000 000000000000000 000000000000000 000000000000000"
        )
        return lines


def _hex(data: bytes) -> str:
    return " ".join(f"{b:#04x}" for b in data)


# --- the whole BMC -------------------------------------------------------------


@dataclass(frozen=True)
class BMCModel:
    """What one lab BMC serves: identity, FRU, sensors, firmware and SEL."""

    fru: FRU
    sensors: tuple[Sensor, ...]
    #: IANA enterprise number and product id reported by Get Device ID.
    manufacturer_id: int
    product_id: int
    firmware: tuple[int, int]
    sel: tuple[bytes, ...] = ()
    power_on: bool = True

    def emu(self) -> str:
        major, minor = self.firmware
        lines = [
            "# Generated by medcloud lab: one BMC (IPMB 0x20) of a domestic server.",
            "mc_setbmc 0x20",
            # device support 0x9f: chassis, bridge, event generator/receiver, FRU, SEL, SDR, sensor.
            f"mc_add 0x20 0 no-device-sdrs 0x01 {major:#04x} {minor:#04x} 0x9f "
            f"{self.manufacturer_id:#x} {self.product_id:#x}",
            "sel_enable 0x20 1000 0x0a",
        ]
        for record_id, sensor in enumerate(self.sensors, start=1):
            lines += sensor.emu_commands(record_id)
        fru = self.fru.encode()
        lines.append(f"mc_add_fru_data 0x20 0 {len(fru):#x} data {_hex(fru)}")
        for entry in self.sel:
            lines.append(f"sel_add 0x20 0x02 {_hex(entry)}")
        lines.append("mc_enable 0x20")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class BMCInstance:
    """One running BMC: where it listens, the account it accepts and its factory accounts."""

    name: str
    port: int
    username: str
    password: str = field(repr=False)
    model: BMCModel = field(repr=False)
    #: (user name, password) the BMC ships with; "" is the anonymous user (slot 1).
    factory_accounts: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def lan_conf(self, chassis_control: Path, lan_control: Path) -> str:
        """``ipmi_sim``'s configuration: the LAN channel, its helper programs and the users.

        ``lan_control`` answers the LAN parameters that live outside ipmi_sim (address,
        source, netmask, gateway), ``chassis_control`` power and boot device.  Serial over
        LAN is configured (without it ipmi_sim answers Get/Set SOL Configuration with C1h,
        "invalid command"); its console would be a TCP connection to 127.0.0.1 on the
        BMC's own port number, where nothing listens: the lab's servers have no serial
        console to show, but their BMCs have the SOL settings a real one has (enabled as
        shipped).
        """
        accounts = [(self.username, self.password), *self.factory_accounts]
        # ipmi_sim's config tokenizer takes double-quoted strings without escapes.
        for name, password in accounts:
            for value in (name, password):
                if '"' in value or "\\" in value or not value.isprintable():
                    raise ValueError("BMC user names and passwords must be printable, without quotes")
        users = [f'  user 2 true "{self.username}" "{self.password}" admin 10 md5']
        slot = 3
        for name, password in self.factory_accounts:
            if name:
                users.append(f'  user {slot} true "{name}" "{password}" admin 10 md5')
                slot += 1
            else:  # IPMI's anonymous user: slot 1, no name
                users.append(f'  user 1 true "" "{password}" user 10 md5')
        return "\n".join([
            f'name "{self.name}"',
            "set_working_mc 0x20",
            "  startlan 1",
            f"    addr 127.0.0.1 {self.port}",
            "    priv_limit admin",
            "    allowed_auths_callback md5",
            "    allowed_auths_user md5",
            "    allowed_auths_operator md5",
            "    allowed_auths_admin md5",
            "    guid " + (self.name.encode().hex() + "0" * 32)[:32],
            f'    lan_config_program "{lan_control} {shlex.quote(self.name)}"',
            "  endlan",
            f'  sol "tcp:127.0.0.1:{self.port}" 115200',
            f'  chassis_control "{chassis_control} {shlex.quote(self.name)}"',
            *users,
            "",
        ])
