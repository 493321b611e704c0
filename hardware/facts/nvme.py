"""NVMe facts from nvme-cli and sysfs (R-HW-02 NVMe storage).

``nvme list -o json`` names the namespaces and their sizes (a flat ``Devices`` list before
nvme-cli 2.11, hosts → subsystems → controllers → namespaces from 2.11 on); ``nvme id-ctrl``
gives the PCI vendor ID (``vid``: a decimal number in JSON, ``0x…`` in the
text form) which maps to a vendor through the PCI-SIG table in
:mod:`medcloud.hardware.specs.nvme`; sysfs gives the negotiated PCIe link width.
Where nvme-cli is missing (minimal openEuler/Kylin installs ship smartmontools
but not nvme-cli) ``smartctl -i`` answers the same identify fields; it prints one
``PCI Vendor/Subsystem ID`` line when the two IDs agree and separate ``PCI Vendor ID`` and
``PCI Vendor Subsystem ID`` lines when they differ (an OEM-branded drive).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from medcloud.hardware.facts.base import ParseError, SSHFact, key_values, output
from medcloud.hardware.specs.nvme import NVME_VENDORS
from medcloud.hardware.transports.base import Command, CommandResult


@dataclass(frozen=True)
class Controller:
    vendor_id: int
    model: str
    serial: str
    firmware: str
    #: tnvmcap in bytes (0 when the drive does not report it).
    capacity_bytes: int
    #: ssvid: the PCI subsystem vendor (the OEM whose label is on the drive), when reported.
    subsystem_vendor_id: int | None = None

    @property
    def vendor(self) -> str | None:
        return NVME_VENDORS.get(self.vendor_id)


@dataclass(frozen=True)
class Namespace:
    path: str
    model: str
    serial: str
    firmware: str
    size_bytes: int


@dataclass(frozen=True)
class NvmeDrive:
    serial: str
    model: str
    firmware: str
    capacity_bytes: int
    vendor_id: int | None
    vendor: str | None
    pcie_width: int | None


def _size(value: Any) -> int:
    # nvme-cli 2.4 printed sizes above 2 GiB as negative 32-bit numbers (nvme-cli#2028);
    # those become 0 and the id-ctrl capacity is used instead.
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def _text(item: Mapping[str, Any], key: str) -> str:
    return str(item.get(key, "")).strip()


def _nested(device: Mapping[str, Any]) -> list[Namespace]:
    """nvme-cli >= 2.11: each host lists subsystems, their controllers and namespaces (a
    namespace sits under its controller, or under the subsystem when it is shared)."""
    namespaces = []
    for subsystem in device.get("Subsystems") or []:
        if not isinstance(subsystem, Mapping):
            raise ParseError("nvme list -o json: a Subsystems entry is not an object")
        controllers = [c for c in subsystem.get("Controllers") or [] if isinstance(c, Mapping)]
        shared = [n for n in subsystem.get("Namespaces") or [] if isinstance(n, Mapping)]
        for controller in controllers:
            for ns in [*(n for n in controller.get("Namespaces") or [] if isinstance(n, Mapping)), *shared]:
                if "NameSpace" not in ns:
                    raise ParseError("nvme list -o json: a namespace without its NameSpace name")
                namespaces.append(Namespace(
                    path="/dev/" + _text(ns, "NameSpace"), model=_text(controller, "ModelNumber"),
                    serial=_text(controller, "SerialNumber"), firmware=_text(controller, "Firmware"),
                    size_bytes=_size(ns.get("PhysicalSize", 0)),
                ))
    return namespaces


def parse_list_json(text: str) -> list[Namespace]:
    """``nvme list -o json`` in either layout: flat (``DevicePath`` per namespace) or nested (2.11+)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"nvme list -o json: invalid JSON: {exc.msg}") from None
    devices = document.get("Devices") if isinstance(document, dict) else None
    if not isinstance(devices, list):
        raise ParseError("nvme list -o json: no Devices array")
    namespaces = []
    for item in devices:
        if isinstance(item, dict) and "DevicePath" in item:
            namespaces.append(Namespace(
                path=str(item["DevicePath"]), model=_text(item, "ModelNumber"), serial=_text(item, "SerialNumber"),
                firmware=_text(item, "Firmware"), size_bytes=_size(item.get("PhysicalSize", 0)),
            ))
        elif isinstance(item, dict) and "Subsystems" in item:
            namespaces.extend(_nested(item))
        else:
            raise ParseError("nvme list -o json: a device entry has neither DevicePath nor Subsystems")
    return namespaces


def _controller(fields: Mapping[str, Any], hex_numbers: bool) -> Controller:
    def number(key: str) -> int:
        raw = fields.get(key, 0)
        if isinstance(raw, int):
            return raw
        text = str(raw).replace(",", "").strip()
        if not text:
            return 0
        hexadecimal = text.lower().startswith("0x") or (hex_numbers and key in ("vid", "ssvid"))
        return int(text, 16) if hexadecimal else int(text)

    if "vid" not in fields:
        raise ParseError("nvme id-ctrl: no vid field")
    return Controller(
        vendor_id=number("vid"), model=str(fields.get("mn", "")).strip(),
        serial=str(fields.get("sn", "")).strip(), firmware=str(fields.get("fr", "")).strip(),
        capacity_bytes=number("tnvmcap"),
        subsystem_vendor_id=number("ssvid") if "ssvid" in fields else None,
    )


def parse_id_ctrl(text: str) -> list[Controller]:
    """One or more ``nvme id-ctrl`` outputs, JSON documents or text blocks, back to back."""
    stripped = text.strip()
    controllers: list[Controller] = []
    if stripped.startswith("{"):
        decoder = json.JSONDecoder()
        index = 0
        while index < len(stripped):
            try:
                document, end = decoder.raw_decode(stripped, index)
            except json.JSONDecodeError as exc:
                raise ParseError(f"nvme id-ctrl -o json: invalid JSON: {exc.msg}") from None
            controllers.append(_controller(document, hex_numbers=False))
            index = end
            while index < len(stripped) and stripped[index].isspace():
                index += 1
        return controllers
    for block in re.split(r"^NVME Identify Controller:\s*$", stripped, flags=re.MULTILINE):
        # Only top-level "key : value" lines; -H detail lines start with whitespace or '['.
        fields = dict(pair for pair in key_values("\n".join(
            line for line in block.splitlines() if line[:1].isalpha())))
        if "vid" in fields:
            controllers.append(_controller(fields, hex_numbers=True))
    if not controllers:
        raise ParseError("nvme id-ctrl: no controller found")
    return controllers


_SMARTCTL_FIELDS = {
    "Model Number": "mn", "Serial Number": "sn", "Firmware Version": "fr",
    "PCI Vendor/Subsystem ID": "vid", "PCI Vendor ID": "vid", "PCI Vendor Subsystem ID": "ssvid",
    "Total NVM Capacity": "tnvmcap",
}


def parse_smartctl(text: str) -> list[Controller]:
    """One or more ``smartctl -i`` (or ``-a``) outputs for NVMe devices, back to back."""
    controllers: list[Controller] = []
    for block in re.split(r"^=== START OF INFORMATION SECTION ===\s*$", text, flags=re.MULTILINE)[1:]:
        fields: dict[str, str] = {}
        for key, value in key_values(block.split("===", 1)[0]):
            if key in _SMARTCTL_FIELDS:
                # "3,200,631,791,616 [3.20 TB]": the exact byte count comes first.
                fields[_SMARTCTL_FIELDS[key]] = value.split("[")[0].strip()
        if "vid" in fields:
            if "ssvid" not in fields and "PCI Vendor/Subsystem ID" in block:
                fields["ssvid"] = fields["vid"]  # one line: both IDs are the same
            controllers.append(_controller(fields, hex_numbers=True))
    if not controllers:
        raise ParseError("smartctl: no NVMe identify section (not an NVMe device?)")
    return controllers


def parse_link_widths(text: str) -> dict[str, int]:
    """``<controller> <width>`` lines from sysfs ``current_link_width``."""
    widths: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            widths[parts[0]] = int(parts[1])
    return widths


def merge(controllers: list[Controller], namespaces: list[Namespace],
          widths: Mapping[str, int]) -> tuple[NvmeDrive, ...]:
    by_serial = {ns.serial: ns for ns in namespaces}
    drives = []
    for index, ctrl in enumerate(controllers):
        ns = by_serial.get(ctrl.serial)
        name = re.sub(r"n\d+$", "", ns.path.rsplit("/", 1)[-1]) if ns else f"nvme{index}"
        capacity = ctrl.capacity_bytes or (ns.size_bytes if ns else 0)
        drives.append(NvmeDrive(
            serial=ctrl.serial, model=ctrl.model, firmware=ctrl.firmware, capacity_bytes=capacity,
            vendor_id=ctrl.vendor_id, vendor=ctrl.vendor, pcie_width=widths.get(name),
        ))
    return tuple(drives)


def _parse(results: Mapping[str, CommandResult]) -> tuple[NvmeDrive, ...]:
    id_ctrl = output(results, "nvme-id-ctrl")
    listing = output(results, "nvme-list")
    links = output(results, "nvme-link")
    widths = parse_link_widths(links) if links else {}
    if id_ctrl is not None:
        return merge(parse_id_ctrl(id_ctrl), parse_list_json(listing) if listing else [], widths)
    smartctl = output(results, "nvme-smartctl")
    if smartctl is not None:
        return merge(parse_smartctl(smartctl), [], widths)
    if listing is not None:
        return tuple(NvmeDrive(ns.serial, ns.model, ns.firmware, ns.size_bytes, None, None, None)
                     for ns in parse_list_json(listing))
    raise ParseError("neither nvme-cli nor smartctl gave output (not installed, or no NVMe drive)")


FACT: SSHFact[tuple[NvmeDrive, ...]] = SSHFact(
    "nvme",
    (
        Command("nvme-list", "nvme list -o json", sudo=True),
        Command("nvme-id-ctrl",
                "for c in /sys/class/nvme/nvme*; do nvme id-ctrl -o json /dev/${c##*/}; done", sudo=True),
        Command("nvme-smartctl",
                "for c in /sys/class/nvme/nvme*; do smartctl -i /dev/${c##*/}; done", sudo=True),
        Command("nvme-link",
                "for c in /sys/class/nvme/nvme*; do echo ${c##*/} $(cat $c/device/current_link_width); done"),
    ),
    _parse,
)
