"""Offline verification cost: fact parsing and the engine's fan-out, without any network.

Targets (the live-protocol figures are in benchmarks/verify.py):

* parsing a switch's full walk (the 151-neighbour Ruijie N18010 recording) stays
  under 50 ms, so parsing never dominates a run;
* the engine verifies 1,000 devices (800 servers, 200 switches) over replayed
  captures in under 20 s of wall time at concurrency 64 on one core, i.e. its own
  overhead per device is far below any real device's answer time (~1-5 s);
* peak Python heap for those 1,000 results stays under 200 MiB.

Run: ``.venv/bin/python benchmarks/verify_offline.py``
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "unit" / "hardware"))

from captures import bmc, h3c_e528, server_ssh  # noqa: E402
from medcloud.hardware.facts import switch  # noqa: E402
from medcloud.hardware.inventory import Inventory  # noqa: E402
from medcloud.hardware.specs import load_catalogue  # noqa: E402
from medcloud.hardware.transports import snmprec  # noqa: E402
from medcloud.hardware.transports.fake import fake_transports  # noqa: E402
from medcloud.hardware.verify import Verification  # noqa: E402
from medcloud.hardware.verify.engine import Limits  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "hardware"
PARSE_TARGET_MS = 50.0
ENGINE_TARGET_S = 20.0
HEAP_TARGET_MIB = 200.0
SERVERS, SWITCHES = 800, 200


def bench_parse() -> float:
    varbinds = snmprec.load(FIXTURES / "snmp" / "ruijie-n18010.snmprec")
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        facts = switch.parse_switch(varbinds)
        timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    print(f"parse ruijie-n18010: {len(varbinds)} varbinds, {len(facts.lldp)} LLDP neighbours, "
          f"median {median:.2f} ms (target < {PARSE_TARGET_MS:g} ms, ratio {median / PARSE_TARGET_MS:.3f})")
    return median


def inventory() -> Inventory:
    # model_construct skips validation: the benchmark's opener never unseals, so no key is needed.
    location = {"centre": "prod-hz", "room": "r101"}
    return Inventory.model_construct(
        credentials={},
        servers=tuple(_server(i, location) for i in range(SERVERS)),
        switches=tuple(_switch(i, location) for i in range(SWITCHES)),
    )


def _server(i: int, location: dict[str, str]) -> object:
    from medcloud.hardware.inventory import Endpoint, Location, Server

    return Server.model_construct(
        name=f"node-{i:04d}", profile="bench-phytium", roles=("compute",),
        location=Location.model_construct(**location, rack=f"r{i // 20:03d}", unit=i % 20 + 1),
        ssh=Endpoint.model_construct(address=f"10.1.{i // 250}.{i % 250}", port=22, credential="ssh"),
        bmc=Endpoint.model_construct(address=f"10.2.{i // 250}.{i % 250}", port=623, credential="bmc"))


def _switch(i: int, location: dict[str, str]) -> object:
    from medcloud.hardware.inventory import Location, SNMPEndpoint, Switch

    return Switch.model_construct(
        name=f"leaf-{i:03d}", profile="bench-h3c", vendor="h3c", model="E528", cabling=(), vlans=(),
        location=Location.model_construct(**location, rack=f"s{i // 10:03d}", unit=42),
        management=SNMPEndpoint.model_construct(address=f"10.3.{i // 250}.{i % 250}", port=161,
                                                credential="snmp", context=""))


def bench_engine(tmp: Path) -> tuple[float, float]:
    from medcloud.hardware.inventory import IPMICredential, SNMPv3Credential, SSHCredential

    profiles = tmp / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    (profiles / "bench-phytium.yaml").write_text(
        "kind: server\nname: bench-phytium\ncpu: {family: phytium, model_pattern: Phytium, min_physical_cores: 64}\n"
        "memory: {min_gib: 4}\nnvme: {min_count: 1, min_capacity_gb: 1600, vendors: [micron]}\n"
        "nics: {min_ports: 1, min_speed_gbps: 25}\nbmc: {min_firmware: '3.2'}\nos: {ids: [kylin]}\n")
    (profiles / "bench-h3c.yaml").write_text(
        "kind: switch\nname: bench-h3c\nenterprises: [25506]\nversion_pattern: 'Version (\\d+\\.\\d+)'\n"
        "min_os_version: '5.20'\n")
    catalogue = load_catalogue([profiles])
    inv = inventory()
    inv = inv.model_copy(update={"credentials": {
        "ssh": SSHCredential.model_construct(kind="ssh", username="u", password=None, private_key=None),
        "bmc": IPMICredential.model_construct(kind="ipmi", username="u", password="x"),
        "snmp": SNMPv3Credential.model_construct(kind="snmpv3", username="u", auth_protocol="SHA256",
                                                 auth_key="x", priv_protocol="AES", priv_key="x"),
    }})
    ssh_capture, ipmi_capture, snmp_capture = server_ssh(), bmc(), h3c_e528()
    transports = fake_transports(
        ssh={str(s.ssh.address): ssh_capture for s in inv.servers},
        ipmi={str(s.bmc.address): ipmi_capture for s in inv.servers},
        snmp={str(s.management.address): snmp_capture for s in inv.switches},
    )

    class Opened:
        def reveal(self) -> str:
            return "not-a-real-secret"

    tracemalloc.start()
    started = time.perf_counter()
    verification = Verification(inv, catalogue, transports, inventory_name="bench",
                                limits=Limits(concurrency=64, device_timeout=60),
                                opener=lambda sealed, where: Opened())
    report = asyncio.run(verification.run())
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mib = peak / 2**20
    checks = sum(len(d.checks) for d in report.devices)
    print(f"engine: {len(report.devices)} devices, {checks} check results in {elapsed:.2f} s "
          f"({elapsed / len(report.devices) * 1000:.2f} ms/device; target < {ENGINE_TARGET_S:g} s, "
          f"ratio {elapsed / ENGINE_TARGET_S:.3f})")
    print(f"engine: peak traced heap {peak_mib:.1f} MiB (target < {HEAP_TARGET_MIB:g} MiB, "
          f"ratio {peak_mib / HEAP_TARGET_MIB:.3f})")
    assert report.complete and len(report.devices) == SERVERS + SWITCHES
    return elapsed, peak_mib


def main() -> int:
    import tempfile

    median = bench_parse()
    with tempfile.TemporaryDirectory() as tmp:
        elapsed, peak = bench_engine(Path(tmp))
    ok = median < PARSE_TARGET_MS and elapsed < ENGINE_TARGET_S and peak < HEAP_TARGET_MIB
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
