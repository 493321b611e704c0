"""The domestic server models the lab can impersonate, as their BMCs describe them.

Vendor strings follow what these vendors' BMCs (iBMC, BMC based on AMI
MegaRAC/OpenBMC) put in FRU 0; serials are generated per lab device.  The
sensor set is the part acceptance looks at for R-HW-03: one CPU and one inlet
temperature, four fans, two power supplies.  Thresholds are raw bytes with
multiplier 1 (°C) or 100 (RPM).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from medcloud.hardware.lab.bmc import (
    ENTITY_AIR_INLET,
    ENTITY_COOLING,
    ENTITY_POWER_SUPPLY,
    ENTITY_PROCESSOR,
    FRU,
    PSU_PRESENT,
    SENSOR_FAN,
    SENSOR_POWER_SUPPLY,
    SENSOR_TEMPERATURE,
    UNIT_DEGREES_C,
    UNIT_RPM,
    BMCModel,
    Sensor,
)


@dataclass(frozen=True)
class ServerModel:
    """A server model: its BMC's vendor strings and the host recordings it serves over SSH."""

    key: str
    cpu_family: str
    manufacturer: str
    product: str
    model: str
    board: str
    #: IANA enterprise number in the BMC's Get Device ID (0: not registered by the BMC vendor).
    manufacturer_id: int
    product_id: int
    firmware: tuple[int, int]
    #: Directory under ``hardware/lab/data/hosts`` with the recorded command outputs.
    host_recording: str
    #: Accounts the BMC ships with, (user name, password); "" is IPMI's anonymous user 1.
    #: Acceptance must find and remove them (R-SEC-04: no shared accounts).
    factory_accounts: tuple[tuple[str, str], ...] = ()


MODELS: dict[str, ServerModel] = {
    m.key: m
    for m in (
        ServerModel("taishan-2280", "kunpeng", "Huawei", "TaiShan 200 (Model 2280)", "2280 V2",
                    "BC82AMDA", 2011, 0x0280, (6, 0x57), "taishan-2280-kunpeng920",
                    factory_accounts=(("Administrator", "Admin@9000"),)),
        ServerModel("gw-ft2500", "phytium", "Great Wall", "GW-FT2500-2U", "GF7280 V5",
                    "FT2500-MB", 0, 0x2500, (2, 0x10), "gw-ft2500-phytium-s2500",
                    factory_accounts=(("ADMIN", "ADMIN"),)),
        ServerModel("sugon-h620", "hygon", "Sugon", "H620-G30", "H620-G30 Hygon",
                    "H620G30-MB", 0, 0x0620, (3, 0x21), "sugon-h620-hygon-3250",
                    factory_accounts=(("", "anonymous"), ("ADMIN", "ADMIN"))),
        ServerModel("ls-3c5000", "loongson", "Loongson Technology", "LS3C5000L-2U", "3C5000L",
                    "LS3C5000-MB", 0, 0x5000, (1, 0x08), "ls-3c5000-loongson",
                    factory_accounts=(("ADMIN", "ADMIN"),)),
    )
}


def _serial(seed: str, prefix: str) -> str:
    return prefix + hashlib.sha256(seed.encode()).hexdigest()[:10].upper()


def product_serial(device: str) -> str:
    """The product serial the lab BMC of ``device`` reports (and its delivery note states)."""
    return _serial(device, "SN")


def bmc_model(model: ServerModel, device: str, *, psus_ok: int = 2, fans_ok: int = 4) -> BMCModel:
    """The BMC contents of ``device`` (a lab server name) of ``model``.

    ``psus_ok``/``fans_ok`` below the installed count (2 PSUs, 4 fans) model a
    server whose redundancy is gone: the missing PSU reports no presence, the
    stopped fan reads 0 RPM below its critical threshold.
    """
    fru = FRU(
        manufacturer=model.manufacturer,
        product=model.product,
        model=model.model,
        serial=product_serial(device),
        board_product=model.board,
        board_serial=_serial(device + "/board", "BS"),
        board_part=model.board + "-01",
        chassis_part="CH-" + model.key.upper(),
        chassis_serial=_serial(device + "/chassis", "CS"),
    )
    sensors = [
        Sensor(1, "CPU1 Temp", SENSOR_TEMPERATURE, ENTITY_PROCESSOR, 1, UNIT_DEGREES_C, 1, 52,
               upper=(85, 95, 105)),
        Sensor(2, "Inlet Temp", SENSOR_TEMPERATURE, ENTITY_AIR_INLET, 1, UNIT_DEGREES_C, 1, 24,
               upper=(40, 45, 50)),
    ]
    for i in range(4):
        rpm = 72 - 3 * i if i < fans_ok else 0
        sensors.append(Sensor(3 + i, f"FAN{i + 1} Speed", SENSOR_FAN, ENTITY_COOLING, i + 1, UNIT_RPM,
                              100, rpm, lower=(12, 8, 0)))
    for i in range(2):
        states = (PSU_PRESENT,) if i < psus_ok else ()
        sensors.append(Sensor(7 + i, f"PSU{i + 1} Status", SENSOR_POWER_SUPPLY, ENTITY_POWER_SUPPLY, i + 1,
                              states=states))
    # Two SEL entries a freshly racked server typically has: PSU presence asserted.
    sel = tuple(
        bytes([0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x04, SENSOR_POWER_SUPPLY, 7 + i, 0x6F, PSU_PRESENT,
               0xFF, 0xFF])
        for i in range(psus_ok)
    )
    return BMCModel(fru=fru, sensors=tuple(sensors), manufacturer_id=model.manufacturer_id,
                    product_id=model.product_id, firmware=model.firmware, sel=sel)
