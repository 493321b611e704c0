"""Which unit was delivered: serial numbers and asset tags against the delivery note (R-HW-08).

R-HW-08 asks for products on the provincial xinchuang catalogue with valid certificates.
A certificate and a delivery note name units by serial number, so acceptance has to
prove that the box in the rack is the unit on the paper: the inventory may carry each
device's delivery-note ``serial`` (and ``asset_tag``), and these checks compare them with
what the device itself reports (BMC FRU for servers, the ENTITY-MIB chassis for switches).

The serials read are also the report's record of what was accepted (:func:`server_identity`,
:func:`switch_identity`): FRU, every NVMe drive, every ENTITY-MIB part with a serial.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from medcloud.hardware.facts.bmc import BmcFacts
from medcloud.hardware.facts.nvme import NvmeDrive
from medcloud.hardware.facts.switch import SwitchFacts
from medcloud.hardware.inventory import Delivered
from medcloud.hardware.verify.checks import Check, FactFailure, Skip
from medcloud.hardware.verify.expect import Equals
from medcloud.hardware.verify.results import FollowUp

#: What devices print when they have no serial, or one masked by the capture.
_BLANK = {"", "--", "N/A", "NA", "NONE", "NULL", "0", "TO BE FILLED BY O.E.M.", "DEFAULT STRING"}


def known(value: str) -> str:
    """The value, or "" for the placeholders vendors print instead of a serial."""
    text = value.strip()
    return "" if text.upper() in _BLANK else text


def _match(wanted: str | None, candidates: Sequence[str], what: str, where: str) -> object:
    """The candidate equal to ``wanted`` (ignoring case and blanks), else the first one read.

    Only called when the inventory has a value (the expectation skips otherwise).
    """
    wanted = wanted or ""
    seen = [c for c in (known(c) for c in candidates) if c]
    if not seen:
        return Skip(f"cannot tell: the device reports no {what} ({where})",
                    FollowUp("acceptance engineer", f"compare the {what} on the device label with the delivery note"))
    for candidate in seen:
        if candidate.casefold() == wanted.strip().casefold():
            return wanted
    return seen[0]


def _expect(attr: str) -> Callable[[Any], Equals | Skip]:
    def expect(ctx: Any) -> Equals | Skip:
        wanted = getattr(ctx_device(ctx), attr)
        if wanted is None:
            return Skip(f"the inventory carries no delivery-note {attr.replace('_', ' ')} for this device")
        return Equals(wanted)
    return expect


def ctx_device(ctx: Any) -> Delivered:
    device = getattr(ctx, "server", None) or getattr(ctx, "switch", None)
    assert isinstance(device, Delivered)
    return device


SERVER_CHECKS: tuple[Check, ...] = (
    Check("asset.serial", "R-HW-08", "serial number as on the delivery note (BMC FRU)", "bmc",
          lambda f, c: _match(c.server.serial, (f.serial, f.chassis_serial), "serial number", "BMC FRU"),
          _expect("serial"),
          explain=lambda a: f"the BMC reports serial {a}: not the unit on the delivery note"),
    Check("asset.tag", "R-HW-08", "asset tag as on the delivery note (BMC FRU)", "bmc",
          lambda f, c: _match(c.server.asset_tag, (f.asset_tag,), "asset tag", "BMC FRU"),
          _expect("asset_tag"),
          explain=lambda a: f"the BMC reports asset tag {a}, not the delivery note's"),
)


def _switch_serials(facts: SwitchFacts) -> list[str]:
    return [e.serial for e in facts.entities if e.cls == "chassis"] or [e.serial for e in facts.entities if e.serial]


SWITCH_CHECKS: tuple[Check, ...] = (
    Check("asset.serial", "R-HW-08", "serial number as on the delivery note (ENTITY-MIB chassis)", "switch",
          lambda f, c: _match(c.switch.serial, _switch_serials(f), "serial number", "ENTITY-MIB"),
          _expect("serial"),
          explain=lambda a: f"the switch reports serial {a}: not the unit on the delivery note"),
)


def server_identity(bmc: BmcFacts | FactFailure, drives: tuple[NvmeDrive, ...] | FactFailure) -> dict[str, Any]:
    """What a server says it is, for the report; parts that could not be read are left out."""
    out: dict[str, Any] = {}
    if not isinstance(bmc, FactFailure):
        out.update({k: v for k, v in {
            "manufacturer": bmc.manufacturer, "product": bmc.product, "serial": known(bmc.serial),
            "chassis_serial": known(bmc.chassis_serial), "board_serial": known(bmc.board_serial),
            "asset_tag": known(bmc.asset_tag), "bmc_firmware": bmc.bmc_firmware or "",
        }.items() if v})
    if not isinstance(drives, FactFailure):
        out["nvme"] = [{"model": d.model, "serial": known(d.serial), "firmware": d.firmware} for d in drives]
    return out


def switch_identity(facts: SwitchFacts | FactFailure) -> dict[str, Any]:
    if isinstance(facts, FactFailure):
        return {}
    chassis = next((e for e in facts.entities if e.cls == "chassis"), None)
    out: dict[str, Any] = {"sys_object_id": facts.system.object_id}
    if chassis is not None:
        out.update({k: v for k, v in {"model": chassis.model or chassis.name, "serial": known(chassis.serial),
                                      "software": chassis.software}.items() if v})
    parts = [{"class": e.cls, "name": e.name, "model": e.model, "serial": known(e.serial)}
             for e in facts.entities if known(e.serial) and e is not chassis]
    if parts:
        out["parts"] = parts
    return out
