"""CPU facts from ``lscpu -J`` (or its text form), falling back to ``/proc/cpuinfo`` (R-HW-01, R-HW-02).

Domestic CPUs are recognised by what the kernel reports:

* Kunpeng: ARM implementer ``0x48`` (HiSilicon), part ``0xd01`` (TaiShan v110);
* Phytium: ARM implementer ``0x70``;
* Hygon: x86 ``vendor_id`` ``HygonGenuine``;
* Zhaoxin: x86 ``vendor_id`` ``CentaurHauls`` or ``  Shanghai  `` (padded as the CPUID string is);
* Loongson: LoongArch ``Model Name`` ``Loongson-…``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from medcloud.hardware.facts.base import ParseError, SSHFact, key_values, output
from medcloud.hardware.transports.base import Command, CommandResult

ARM_IMPLEMENTERS = {0x48: "HiSilicon", 0x70: "Phytium", 0x41: "ARM", 0xC0: "Ampere"}
HISILICON_PARTS = {0xD01: "Kunpeng-920"}


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
    #: Where the figures came from: "lscpu" or "cpuinfo".
    source: str

    @property
    def physical_cores(self) -> int:
        return self.sockets * self.cores_per_socket


def detect_family(vendor: str, model_name: str, implementer: int | None = None, part: int | None = None) -> str | None:
    lowered = f"{vendor} {model_name}".lower()
    if implementer == 0x48 or "hisilicon" in lowered or "kunpeng" in lowered:
        return "kunpeng"
    if implementer == 0x70 or "phytium" in lowered:
        return "phytium"
    if "hygon" in lowered:
        return "hygon"
    if vendor.strip() in ("CentaurHauls", "Shanghai") or "zhaoxin" in lowered:
        return "zhaoxin"
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
    vendor = fields.get("Vendor ID", "")
    model = fields.get("Model name", "") or fields.get("BIOS Model name", "")
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
    return CpuFacts(
        architecture=fields["Architecture"], vendor=vendor, model_name=model,
        sockets=sockets, cores_per_socket=cores, threads_per_core=threads, logical_cpus=logical,
        family=detect_family(vendor, model, implementer), source="lscpu",
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
    implementer = part = None
    if "cpu implementer" in first:
        architecture = "aarch64"
        implementer = _int(first["cpu implementer"])
        part = _int(first.get("cpu part"), 0)
        vendor = ARM_IMPLEMENTERS.get(implementer, f"0x{implementer:02x}")
        model = first.get("model name") or (
            HISILICON_PARTS.get(part, "") if implementer == 0x48 else "")
        if implementer == 0x70 and not model:
            model = f"Phytium part 0x{part:03x}"
        # No SMT on these ARM server cores and no package field: one socket of
        # ``logical`` cores is all cpuinfo can prove.
        sockets, threads, cores = 1, 1, logical
    elif "vendor_id" in first:
        architecture = "x86_64"
        vendor = first["vendor_id"]
        model = first.get("model name", "")
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
        family=detect_family(vendor, model, implementer, part), source="cpuinfo",
    )


def _parse(results: Mapping[str, CommandResult]) -> CpuFacts:
    lscpu = output(results, "lscpu")
    if lscpu is not None:
        try:
            return parse_lscpu(lscpu)
        except ParseError:
            pass  # an lscpu too old or too odd: the kernel's own table still answers
    cpuinfo = output(results, "cpuinfo")
    if cpuinfo is None:
        raise ParseError("neither lscpu nor /proc/cpuinfo could be read")
    return parse_cpuinfo(cpuinfo)


FACT: SSHFact[CpuFacts] = SSHFact(
    "cpu",
    (Command("lscpu", "lscpu -J"), Command("cpuinfo", "cat /proc/cpuinfo")),
    _parse,
)
