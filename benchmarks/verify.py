"""``medcloud verify`` end to end at scale on the embedded lab: 200 BMCs + 20 switches.

Prints, in one run on this machine:

1. the cost of the lab itself: ``lab up`` time, resident memory and CPU of
   the ipmi_sim processes (one per BMC) and of snmpsim;
2. the wall time of ``medcloud verify INVENTORY`` as a user runs it, a new
   process from start to exit: imports, opening the sealed credentials, pyghmi
   and pysnmp reading every device, the checks, and the signed JSON and HTML
   reports written -- target <= 5 s -- once the peers have settled and every
   simulated switch has answered one ``snmpget`` (snmpsim loads a recording's
   index on its first request: simulator start-up, like ipmi_sim's, is kept
   out of both timings).  The benchmark lab's servers have BMCs only, so their
   SSH facts end as one ``ssh.reachable`` finding each (connection refused);
3. the same device queries the way a shell script runs them in parallel:
   ``ipmitool`` (power status, fru print 0, sdr elist, mc info, sel list) per
   BMC and ``snmpbulkwalk`` per root of the same ``WALK_ROOTS`` per switch, one
   command per line through ``xargs -P 32``, and the ratio, target >= 4x.

Usage (root, from the checkout; takes about two minutes)::

    .venv/bin/python benchmarks/verify.py [--bmcs 200] [--switches 20] [--parallel 32] [--strict]
        [--medcloud PATH]   # another build's ``medcloud`` (same lab, same baseline): before/after

Exit status is 0 whatever the figures (2 if a tool is missing); with
``--strict``, 1 when a target is missed or verify did not run to the end.
Credentials never reach a command line: ipmitool reads ``IPMI_PASSWORD`` (``-E``),
net-snmp a 0600 ``snmp.conf``, medcloud its sealed inventory and ``MEDCLOUD_SECRET_KEY``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from medcloud.hardware.facts.switch import WALK_ROOTS
from medcloud.hardware.inventory import IPMICredential, SNMPv3Credential, load_inventory
from medcloud.hardware.lab.runner import Lab
from medcloud.hardware.lab.scenario import scaled
from medcloud.hardware.transports.base import IPMITarget, SNMPTarget
from medcloud.hardware.transports.snmp import MAX_REPETITIONS

from medcloud.secrets import new_key_hex, unseal
from medcloud.secrets.keys import parse_key

WALL_TARGET_S = 5.0
RATIO_TARGET = 4.0
MEDCLOUD = Path(sys.executable).with_name("medcloud")
TICKS = os.sysconf("SC_CLK_TCK")
IPMITOOL_QUERIES = (("power", "status"), ("fru", "print", "0"), ("sdr", "elist"), ("mc", "info"), ("sel", "list"))


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _children_cpu_s() -> float:
    """CPU of our ended child processes (the SNMP worker, once ``close`` has reaped it)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measure(pids: list[int]) -> tuple[float, float]:
    """Total RSS (MiB) and CPU seconds so far of ``pids``."""
    return sum(_rss_kib(p) for p in pids) / 1024, sum(_cpu_s(p) for p in pids)


def _net_snmp_env(switches: list[SNMPTarget], scratch: Path) -> dict[str, str]:
    """Environment for net-snmp tools: the lab's USM user in a 0600 snmp.conf, never on argv."""
    conf = scratch / "snmp.conf"
    if switches and not conf.exists():
        first = switches[0]
        assert first.auth_key is not None and first.priv_key is not None
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(
                f"defSecurityName {first.username}\ndefSecurityLevel authPriv\n"
                f"defAuthType SHA-256\ndefAuthPassphrase {first.auth_key.reveal()}\n"
                f"defPrivType AES\ndefPrivPassphrase {first.priv_key.reveal()}\n")
    return {**os.environ, "SNMPCONFPATH": str(scratch)}


def _warm_switches(switches: list[SNMPTarget], scratch: Path) -> float:
    """One ``snmpget`` of sysUpTime.0 per simulated switch, all at once; returns the seconds taken.

    snmpsim opens a recording's index on the first request for it (with a
    Python built without gdbm, a ``dbm.dumb`` file parsed line by line):
    measured, ~0.5 s of snmpsim CPU for 20 switches that real switches, up
    for days, do not spend.  Without this the timed run paid it and the
    baseline, which runs after it, did not.  The warm-up goes through net-snmp in other processes, so nothing
    in ours is primed by it.
    """
    env = _net_snmp_env(switches, scratch)
    start = time.perf_counter()
    running = [subprocess.Popen(["snmpget", "-On", "-n", t.context, f"{t.host}:{t.port}", "1.3.6.1.2.1.1.3.0"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for t in switches]
    failed = sum(1 for proc in running if proc.wait(timeout=60) != 0)
    if failed:
        raise SystemExit(f"warm-up: {failed} simulated switch(es) did not answer snmpget")
    return time.perf_counter() - start


def _verify(inventory: Path, scratch: Path, concurrency: int,
            medcloud: Path = MEDCLOUD) -> tuple[float, int, dict[str, object]]:
    """``medcloud verify`` in a new process, as a user runs it: (wall seconds, exit code, report summary)."""
    out = scratch / "reports"
    start = time.perf_counter()
    done = subprocess.run([str(medcloud), "verify", str(inventory), "--out", str(out), "--format", "json",
                           "--concurrency", str(concurrency), "--timeout", "30"],
                          capture_output=True, text=True, timeout=600, check=False,
                          env={**os.environ, "MEDCLOUD_AUDIT_LOG": str(scratch / "audit.jsonl")})
    wall = time.perf_counter() - start
    try:
        document = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(f"  medcloud verify printed no report (exit {done.returncode}): {done.stderr.strip()[-300:]}")
        return wall, done.returncode, {}
    written = sorted(p.name for p in out.iterdir())
    return wall, done.returncode, {"outcome": document["outcome"], "counts": document["counts"],
                                   "devices": len(document["devices"]), "files": written}


def _baseline(bmcs: list[IPMITarget], switches: list[SNMPTarget], scratch: Path, parallel: int) -> float:
    """The same queries, one shell command per line, run by ``xargs -P parallel``; returns the wall time."""
    env = _net_snmp_env(switches, scratch)
    if bmcs:
        env["IPMI_PASSWORD"] = bmcs[0].password.reveal()  # the lab's BMCs share one account
    lines = []
    for target in bmcs:
        for query in IPMITOOL_QUERIES:
            # -C 3: ipmi_sim lacks Get Channel Cipher Suites; without it ipmitool waits 10 s per call.
            lines.append(shlex.join(["ipmitool", "-I", "lanplus", "-C", "3", "-H", target.host, "-p",
                                     str(target.port), "-U", target.username, "-E", *query]))
    for target in switches:
        for root in WALK_ROOTS:
            lines.append(shlex.join(["snmpbulkwalk", "-On", f"-Cr{MAX_REPETITIONS}", "-n", target.context,
                                     f"{target.host}:{target.port}", root]))
    jobs = scratch / "baseline.jobs"
    jobs.write_text("\n".join(lines) + "\n")
    start = time.perf_counter()
    with jobs.open() as stdin:
        done = subprocess.run(["xargs", "-P", str(parallel), "-d", "\n", "-n", "1", "sh", "-c"],
                              stdin=stdin, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=1800, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        print(f"  baseline: some commands failed (xargs exit {done.returncode}): "
              f"{done.stderr.decode(errors='replace').strip()[-300:]}")
    return wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bmcs", type=int, default=200)
    parser.add_argument("--switches", type=int, default=20)
    parser.add_argument("--parallel", type=int, default=32, metavar="N",
                        help="xargs -P of the shell baseline (default 32)")
    parser.add_argument("--concurrency", type=int, default=64, metavar="N",
                        help="medcloud verify --concurrency (default 64)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the xargs baseline (no ratio)")
    parser.add_argument("--medcloud", type=Path, default=MEDCLOUD, metavar="PATH",
                        help="the medcloud executable to time (default: this venv's), e.g. another build's")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 if a target is missed or a device failed (default: always 0)")
    parser.add_argument("--settle", type=float, default=20.0, metavar="S",
                        help="seconds the freshly started peers get before timing (real BMCs have been up "
                             "for days; the start-up CPU of 200 ipmi_sim and snmpsim stays out of the figures)")
    args = parser.parse_args()
    for tool in ("ipmi_sim", "ipmitool", "snmpbulkwalk", "snmpget", "xargs", str(args.medcloud)):
        if shutil.which(tool) is None:
            print(f"benchmark needs {tool} (Debian packages openipmi, ipmitool, snmp)")
            return 2
    # SIGTERM (e.g. `timeout`) must still run `lab.down()` below, not leave 220 peers behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ["MEDCLOUD_SECRET_KEY"] = key_hex = new_key_hex()
    key = parse_key(key_hex, "benchmark key")
    with tempfile.TemporaryDirectory(prefix="medcloud-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        lab = Lab(scratch / "lab", scaled(args.bmcs, args.switches), ssh=False, inventory=scratch / "inv.yaml")
        start = time.perf_counter()
        state, _ = lab.up()
        up_s = time.perf_counter() - start
        try:
            bmc_pids = [p.pid for p in state.peers if p.kind == "bmc" and p.pid]
            snmp_pids = [p.pid for p in state.peers if p.kind == "snmp" and p.pid]
            bmc_rss, bmc_cpu_up = _measure(bmc_pids)
            snmp_rss, snmp_cpu_up = _measure(snmp_pids)
            time.sleep(3.0)
            _, bmc_cpu_idle = _measure(bmc_pids)
            print(f"lab up: {up_s:.2f} s for {len(bmc_pids)} ipmi_sim + {len(snmp_pids)} snmpsim "
                  f"({args.switches} switch endpoints)")
            print(f"ipmi_sim: {bmc_rss:.0f} MiB RSS total, {bmc_rss / max(1, len(bmc_pids)) * 1024:.0f} KiB each; "
                  f"CPU {bmc_cpu_up:.2f} s to start, {bmc_cpu_idle - bmc_cpu_up:.2f} s over 3 s idle")
            print(f"snmpsim: {snmp_rss:.0f} MiB RSS, CPU {snmp_cpu_up:.2f} s to load {args.switches} recordings")
            time.sleep(max(0.0, args.settle - 3.0))
            print(f"load average before timing: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs "
                  f"(peers settled {max(3.0, args.settle):g} s)", flush=True)

            inventory = load_inventory(Path(state.inventory))
            bmc_cred = inventory.credentials["bmc-admin"]
            snmp_cred = inventory.credentials["snmp-lab"]
            assert isinstance(bmc_cred, IPMICredential) and isinstance(snmp_cred, SNMPv3Credential)
            password = unseal(bmc_cred.password, key)
            bmcs = [IPMITarget(str(s.bmc.address), s.bmc.port or 623, bmc_cred.username, password)
                    for s in inventory.servers]
            switches = [SNMPTarget(str(s.management.address), s.management.port or 161, snmp_cred.username,
                                   snmp_cred.auth_protocol, unseal(snmp_cred.auth_key, key), snmp_cred.priv_protocol,
                                   unseal(snmp_cred.priv_key, key), context=s.management.context)
                        for s in inventory.switches]

            if switches:
                print(f"warm-up: every simulated switch answered one snmpget "
                      f"({_warm_switches(switches, scratch):.2f} s)", flush=True)
            bmc_before, snmp_before = _measure(bmc_pids)[1], _measure(snmp_pids)[1]
            children = _children_cpu_s()
            load_before = os.getloadavg()[0]
            wall, code, summary = _verify(Path(state.inventory), scratch, args.concurrency, args.medcloud)
            children = _children_cpu_s() - children
            bmc_cpu, snmp_cpu = _measure(bmc_pids)[1] - bmc_before, _measure(snmp_pids)[1] - snmp_before
            print(f"{args.medcloud}: load average {load_before:.2f} when it started, {os.getloadavg()[0]:.2f} "
                  f"when it ended")
            print(f"medcloud verify end to end: {wall:.2f} s wall for {len(bmcs)} BMCs + {len(switches)} switches, "
                  f"exit {code}, outcome {summary.get('outcome')}, {summary.get('devices')} devices in the report, "
                  f"counts {summary.get('counts')}; files {summary.get('files')}; CPU {children:.2f} s in "
                  f"medcloud's processes, {bmc_cpu + snmp_cpu:.2f} s in the peers "
                  f"(ipmi_sim {bmc_cpu:.2f} s, snmpsim {snmp_cpu:.2f} s)")
            ran = bool(summary) and summary.get("devices") == len(bmcs) + len(switches)
            # A run that did not report every device measured nothing: no target is met by it.
            wall_ok = ran and wall <= WALL_TARGET_S
            print(f"wall time target <= {WALL_TARGET_S:g} s: {wall:.2f} s "
                  f"{'OK' if wall_ok else 'MISSED' if ran else 'NOT MEASURED (verify did not report every device)'}")
            if args.no_baseline:
                return 1 if args.strict and (not ran or not wall_ok) else 0
            baseline = _baseline(bmcs, switches, scratch, args.parallel)
            calls = len(bmcs) * len(IPMITOOL_QUERIES) + len(switches) * len(WALK_ROOTS)
            print(f"xargs -P {args.parallel} ipmitool/snmpbulkwalk: {baseline:.2f} s for {calls} commands "
                  f"({len(IPMITOOL_QUERIES)} ipmitool calls per BMC, {len(WALK_ROOTS)} walks per switch)")
            ratio = baseline / wall
            ratio_ok = ran and ratio >= RATIO_TARGET
            print(f"speed-up target >= {RATIO_TARGET:g}x: {ratio:.1f}x "
                  f"{'OK' if ratio_ok else 'MISSED' if ran else 'NOT MEASURED (verify did not report every device)'}")
            return 1 if args.strict and (not ran or not wall_ok or not ratio_ok) else 0
        finally:
            lab.down()


if __name__ == "__main__":
    sys.exit(main())
