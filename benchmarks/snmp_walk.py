"""The switch half of ``medcloud verify`` alone: walking N lab switches, CPU ours and the agents'.

``benchmarks/verify.py`` times the whole run, where pyghmi, the checks and
the reports share two cores with the SNMP work; this one isolates the SNMP
work so a change to the walk can be measured without the BMCs' noise.  It
prints, in one run on the same lab (``N`` H3C E528 recordings served by
snmpsim, the benchmark lab's switches):

1. the walk as ``verify`` runs it: every switch's ``WALK_ROOTS`` at once through
   ``ProcessSNMP`` (the SNMP worker process, its start included): wall time,
   CPU of the worker and of the simulated agents;
2. the same walk in this process through ``PysnmpSNMP``, counting GETBULK
   requests and the varbinds decoded (the work both sides do per switch);
3. the same roots walked by ``snmpbulkwalk`` (one command per root and switch,
   ``xargs -P 32``) and the ratio of wall times, and the agents' CPU for it.

Usage: ``.venv/bin/python benchmarks/snmp_walk.py [--switches 20] [--rounds 3]``.
Exit status 0 (2 if a tool is missing).  Figures only: the targets are
``benchmarks/verify.py``'s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from medcloud.hardware.facts.switch import WALK_ROOTS
from medcloud.hardware.inventory import SNMPv3Credential, load_inventory
from medcloud.hardware.lab.runner import Lab
from medcloud.hardware.lab.scenario import scaled
from medcloud.hardware.transports import snmp
from medcloud.hardware.transports.base import SNMPCapture, SNMPTarget, Timeouts
from medcloud.hardware.transports.snmpproc import ProcessSNMP
from verify import _cpu_s, _net_snmp_env, _warm_switches

from medcloud.secrets import new_key_hex, unseal
from medcloud.secrets.keys import parse_key

TIMEOUTS = Timeouts(connect=5, operation=30, retries=1)


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _through_worker(targets: list[SNMPTarget]) -> tuple[float, float, int]:
    """Wall and worker CPU of one ``verify``-style pass (worker started and closed); varbinds returned."""
    before = _children_cpu_s()
    start = time.perf_counter()
    transport = ProcessSNMP()

    async def walk() -> list[SNMPCapture]:
        return await asyncio.gather(*(transport.walk(t, WALK_ROOTS, TIMEOUTS) for t in targets))

    try:
        captures = asyncio.run(walk())
    finally:
        transport.close()  # reaps the worker, so its CPU is in RUSAGE_CHILDREN
    return time.perf_counter() - start, _children_cpu_s() - before, sum(len(c.varbinds) for c in captures)


def _in_process(targets: list[SNMPTarget]) -> tuple[float, int, int]:
    """CPU of this process for one pass with ``PysnmpSNMP``; GETBULK requests and varbinds decoded."""
    counted = {"requests": 0, "varbinds": 0}
    bulk = snmp._bulk

    async def counting(*args: object) -> object:
        answer = await bulk(*args)  # type: ignore[arg-type]
        counted["requests"] += 1
        counted["varbinds"] += len(answer[3])
        return answer

    async def walk() -> None:
        transport = snmp.PysnmpSNMP()
        try:
            await asyncio.gather(*(transport.walk(t, WALK_ROOTS, TIMEOUTS) for t in targets))
        finally:
            snmp.close_engine()

    snmp._bulk = counting  # type: ignore[assignment]
    try:
        start = time.process_time()
        asyncio.run(walk())
        return time.process_time() - start, counted["requests"], counted["varbinds"]
    finally:
        snmp._bulk = bulk


def _baseline(targets: list[SNMPTarget], scratch: Path, parallel: int) -> float:
    env = _net_snmp_env(targets, scratch)
    lines = [shlex.join(["snmpbulkwalk", "-On", f"-Cr{snmp.MAX_REPETITIONS}", "-n", t.context,
                         f"{t.host}:{t.port}", root]) for t in targets for root in WALK_ROOTS]
    jobs = scratch / "walks.jobs"
    jobs.write_text("\n".join(lines) + "\n")
    start = time.perf_counter()
    with jobs.open() as stdin:
        subprocess.run(["xargs", "-P", str(parallel), "-d", "\n", "-n", "1", "sh", "-c"], stdin=stdin, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--switches", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="passes of each kind; medians are printed")
    parser.add_argument("--parallel", type=int, default=32, metavar="N", help="xargs -P of the baseline")
    args = parser.parse_args()
    for tool in ("snmpbulkwalk", "snmpget", "xargs"):
        if shutil.which(tool) is None:
            print(f"benchmark needs {tool} (Debian package snmp)")
            return 2
    os.environ["MEDCLOUD_SECRET_KEY"] = key_hex = new_key_hex()
    key = parse_key(key_hex, "benchmark key")
    with tempfile.TemporaryDirectory(prefix="medcloud-snmp-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        lab = Lab(scratch / "lab", scaled(1, args.switches), ssh=False, inventory=scratch / "inv.yaml")
        state, _ = lab.up()
        try:
            agents = [p.pid for p in state.peers if p.kind == "snmp" and p.pid]
            inventory = load_inventory(Path(state.inventory))
            cred = inventory.credentials["snmp-lab"]
            assert isinstance(cred, SNMPv3Credential)
            targets = [SNMPTarget(str(s.management.address), s.management.port or 161, cred.username,
                                  cred.auth_protocol, unseal(cred.auth_key, key), cred.priv_protocol,
                                  unseal(cred.priv_key, key), context=s.management.context)
                       for s in inventory.switches]
            _warm_switches(targets, scratch)
            print(f"{len(targets)} switches ({len(WALK_ROOTS)} roots each) on {len(agents)} snmpsim processes; "
                  f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

            def agents_cpu() -> float:
                return sum(_cpu_s(pid) for pid in agents)

            worker, walks, cpu_in, agents_ours, base, agents_base = [], [], [], [], [], []
            requests = varbinds = returned = 0
            for _ in range(args.rounds):
                mark = agents_cpu()
                wall, cpu, returned = _through_worker(targets)
                agents_ours.append(agents_cpu() - mark)
                walks.append(wall)
                worker.append(cpu)
                cpu_s, requests, varbinds = _in_process(targets)
                cpu_in.append(cpu_s)
                mark = agents_cpu()
                base.append(_baseline(targets, scratch, args.parallel))
                agents_base.append(agents_cpu() - mark)
            med = statistics.median
            print(f"medcloud (SNMP worker, as verify): {med(walks):.2f} s wall, worker CPU {med(worker):.2f} s "
                  f"(its start included), agents' CPU {med(agents_ours):.2f} s; {returned} varbinds kept")
            print(f"  in-process PysnmpSNMP: CPU {med(cpu_in):.2f} s, {requests} GETBULK requests, "
                  f"{varbinds} varbinds decoded ({requests / len(targets):.1f} requests, "
                  f"{varbinds / len(targets):.0f} varbinds per switch)")
            print(f"xargs -P {args.parallel} snmpbulkwalk: {med(base):.2f} s wall, "
                  f"agents' CPU {med(agents_base):.2f} s ({len(targets) * len(WALK_ROOTS)} commands)")
            print(f"ratio: {med(base) / med(walks):.1f}x (medians of {args.rounds})")
            return 0
        finally:
            lab.down()


if __name__ == "__main__":
    sys.exit(main())
