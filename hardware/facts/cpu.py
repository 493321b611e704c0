"""CPU facts from ``lscpu -J`` (or its text form), falling back to ``/proc/cpuinfo`` (R-HW-01, R-HW-02).

Domestic CPUs are recognised by what the kernel reports:

* Kunpeng: ARM implementer ``0x48`` (HiSilicon), part ``0xd01`` (TaiShan v110);
* Phytium: ARM implementer ``0x70``;
* Hygon: x86 ``vendor_id`` ``HygonGenuine``;
* Zhaoxin: x86 ``vendor_id`` ``  Shanghai  `` (padded as the CPUID string is), or ``CentaurHauls``
  with a ``ZHAOXIN`` model name or CPU family 7 and later.  ``CentaurHauls`` is also VIA's
  vendor string (C3/C7/Eden/Nano, family 6 with a ``VIA …`` model name): those are not domestic;
* Loongson: LoongArch ``Model Name`` ``Loongson-…``.

When ``lscpu`` names no vendor or model (``Model name: -``, or none at all as older
util-linux prints on Kunpeng and Phytium), the kernel's ``/proc/cpuinfo`` is read too and
fills in what lscpu left out; the counts stay lscpu's, which knows the sockets.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace

from medcloud.hardware.facts.base import ParseError, SSHFact, key_values, output
from medcloud.hardware.transports.base import Command, CommandResult

ARM_IMPLEMENTERS = {0x48: "HiSilicon", 0x70: "Phytium", 0x41: "ARM", 0xC0: "Ampere"}
HISILICON_PARTS = {0xD01: "Kunpeng-920"}
#: Phytium core names by ARM part number, as util-linux lscpu names them.
PHYTIUM_PARTS = {0x660: "FTC660", 0x661: "FTC661", 0x662: "FTC662", 0x663: "FTC663", 0x664: "FTC664",
                 0x862: "FTC862"}
#: What lscpu prints for a field it cannot fill.
_UNKNOWN = ("", "-")


@dataclass(frozen=True)
class CpuFacts:
    architecture: str
    vendor: str
    model_name: str
    sockets: int
    cores_per_socket: int
    threads_per_core: int
    logical_cpus: int
    #: kunpeng, phytium, hygon, zhaoxin, loongson, or None for anything else.
    family: str | None
    #: Where the figures came from: "lscpu", "cpuinfo" or "lscpu+cpuinfo".
    source: str
    #: x86 CPUID family (``cpu family``), when reported.
    cpu_family: int | None = None
    #: The processor's name as the firmware (SMBIOS) gives it, when lscpu shows it
    #: (``BIOS Model name``: "Kunpeng 920-4826", "S2500 NULL CPU @ 2.1GHz").
    bios_model_name: str = ""

    @property
    def physical_cores(self) -> int:
        return self.sockets * self.cores_per_socket


def detect_family(vendor: str, model_name: str, implementer: int | None = None, part: int | None = None,
                  cpu_family: int | None = None) -> str | None:
    lowered = f"{vendor} {model_name}".lower()
    if implementer == 0x48 or "hisilicon" in lowered or "kunpeng" in lowered:
        return "kunpeng"
    if implementer == 0x70 or "phytium" in lowered:
        return "phytium"
    if "hygon" in lowered:
        return "hygon"
    if vendor.strip() == "Shanghai" or "zhaoxin" in lowered:
        return "zhaoxin"
    if vendor.strip() == "CentaurHauls":
        # VIA and Zhaoxin share the Centaur vendor string; Zhaoxin's cores are family 7 on,
        # VIA's (and Centaur's own) family 6 or below.
        return "zhaoxin" if cpu_family is not None and cpu_family >= 7 else None
    if "loongson" in lowered:
        return "loongson"
    return None


def _int(value: str | None, default: int | None = None) -> int:
    if value is None or value.strip() in ("", "-"):
        if default is None:
            raise ParseError("missing number")
        return default
    text = value.strip()
    return int(text, 16) if text.lower().startswith("0x") else int(text)


def parse_lscpu(text: str) -> CpuFacts:
    """``lscpu -J`` (util-linux ≥ 2.30; nested ``children`` since 2.37) or plain ``lscpu``."""
    fields: dict[str, str] = {}
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"lscpu -J: invalid JSON: {exc.msg}") from None

        def walk(items: object) -> None:
            if not isinstance(items, list):
                return
            for item in items:
                if isinstance(item, Mapping):
                    key = str(item.get("field", "")).rstrip(":").strip()
                    if key and key not in fields and item.get("data") is not None:
                        fields[key] = str(item["data"])
                    walk(item.get("children"))

        walk(document.get("lscpu") if isinstance(document, Mapping) else None)
    else:
        for key, value in key_values(text):
            fields.setdefault(key, value)
    if "Architecture" not in fields:
        raise ParseError("lscpu: no Architecture field")
    vendor = fields.get("Vendor ID", "").strip()
    model = next((fields[k].strip() for k in ("Model name", "BIOS Model name")
                  if fields.get(k, "").strip() not in _UNKNOWN), "")
    vendor = "" if vendor in _UNKNOWN else vendor
    implementer = None
    if vendor.lower().startswith("0x"):
        implementer = int(vendor, 16)
        vendor = ARM_IMPLEMENTERS.get(implementer, vendor)
    try:
        logical = _int(fields.get("CPU(s)"))
        threads = _int(fields.get("Thread(s) per core"), 1)
        cores = _int(fields.get("Core(s) per socket") or fields.get("Core(s) per cluster"), 0)
        sockets = _int(fields.get("Socket(s)") or fields.get("Cluster(s)"), 1)
    except (ParseError, ValueError):
        raise ParseError("lscpu: CPU counts are not numbers") from None
    if cores == 0:
        cores = logical // max(threads * sockets, 1)
    x86_family = _int(fields["CPU family"]) if fields.get("CPU family", "").strip().isdigit() else None
    return CpuFacts(
        architecture=fields["Architecture"], vendor=vendor, model_name=model,
        sockets=sockets, cores_per_socket=cores, threads_per_core=threads, logical_cpus=logical,
        family=detect_family(vendor, model, implementer, cpu_family=x86_family), source="lscpu",
        cpu_family=x86_family, bios_model_name=fields.get("BIOS Model name", "").strip(),
    )


def parse_cpuinfo(text: str) -> CpuFacts:
    """``/proc/cpuinfo`` on aarch64, x86_64 or loongarch64 (an excerpt is fine: counts come from what is listed)."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
                current = {}
            continue
        key, sep, value = line.partition(":")
        if sep:
            current.setdefault(key.strip().lower(), value.strip())
    if current:
        blocks.append(current)
    processors = [b for b in blocks if "processor" in b]
    if not processors:
        raise ParseError("/proc/cpuinfo: no processor entries")
    first = processors[0]
    logical = len(processors)
    implementer = part = x86_family = None
    if "cpu implementer" in first:
        architecture = "aarch64"
        implementer = _int(first["cpu implementer"])
        part = _int(first.get("cpu part"), 0)
        vendor = ARM_IMPLEMENTERS.get(implementer, f"0x{implementer:02x}")
        model = first.get("model name") or {0x48: HISILICON_PARTS, 0x70: PHYTIUM_PARTS}.get(
            implementer, {}).get(part, "")
        # No SMT on these ARM server cores and no package field: one socket of
        # ``logical`` cores is all cpuinfo can prove.
        sockets, threads, cores = 1, 1, logical
    elif "vendor_id" in first:
        architecture = "x86_64"
        vendor = first["vendor_id"]
        model = first.get("model name", "")
        x86_family = _int(first["cpu family"]) if first.get("cpu family", "").isdigit() else None
        packages = {b.get("physical id", "0") for b in processors}
        sockets = len(packages)
        cores = _int(first.get("cpu cores"), logical)
        siblings = _int(first.get("siblings"), cores)
        threads = max(siblings // max(cores, 1), 1)
    elif "model name" in first and "cpu family" in first and "loongson" in first["cpu family"].lower():
        architecture = "loongarch64"
        vendor = "Loongson"
        model = first["model name"]
        packages = {b.get("package", "0") for b in processors}
        sockets = len(packages)
        cores = len({(b.get("package"), b.get("core")) for b in processors}) // max(sockets, 1)
        threads = max(logical // max(sockets * cores, 1), 1)
    else:
        raise ParseError("/proc/cpuinfo: unknown layout (neither ARM, x86 nor LoongArch fields)")
    return CpuFacts(
        architecture=architecture, vendor=vendor, model_name=model, sockets=sockets,
        cores_per_socket=cores, threads_per_core=threads, logical_cpus=logical,
        family=detect_family(vendor, model, implementer, part, x86_family), source="cpuinfo",
        cpu_family=x86_family,
    )


def _parse(results: Mapping[str, CommandResult]) -> CpuFacts:
    lscpu = output(results, "lscpu")
    cpuinfo = output(results, "cpuinfo")
    facts = None
    if lscpu is not None:
        # An lscpu too old or too odd: the kernel's own table still answers.
        with contextlib.suppress(ParseError):
            facts = parse_lscpu(lscpu)
    if facts is not None and facts.vendor and facts.model_name and facts.family is not None:
        return facts
    if cpuinfo is None:
        if facts is not None:
            return facts
        raise ParseError("neither lscpu nor /proc/cpuinfo could be read")
    kernel = parse_cpuinfo(cpuinfo)
    if facts is None:
        return kernel
    return complete(facts, kernel)


def complete(lscpu: CpuFacts, kernel: CpuFacts) -> CpuFacts:
    """lscpu's counts with the vendor, model and family it could not name taken from /proc/cpuinfo."""
    vendor = lscpu.vendor or kernel.vendor
    model = lscpu.model_name or kernel.model_name
    return replace(
        lscpu, vendor=vendor, model_name=model, family=lscpu.family or kernel.family,
        cpu_family=lscpu.cpu_family if lscpu.cpu_family is not None else kernel.cpu_family,
        source="lscpu+cpuinfo",
    )


FACT: SSHFact[CpuFacts] = SSHFact(
    "cpu",
    (Command("lscpu", "lscpu -J"), Command("cpuinfo", "cat /proc/cpuinfo")),
    _parse,
)
