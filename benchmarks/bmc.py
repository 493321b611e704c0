"""``medcloud bmc apply`` at scale on the embedded lab: 200 BMCs as delivered, brought to policy.

Prints, in one run on this machine:

1. the wall time of ``medcloud bmc apply`` (the command in its own process: start-up, inventory load,
   every BMC read, planned, changed — factory account removed, LAN set, a new password
   generated and sealed per BMC — read back with its new password, the inventory written
   twice and the audit records appended), target <= 15 s; every BMC must end confirmed;
2. the wall time of a second ``apply`` (idempotence: every BMC reports no change);
3. the same work the classic way on a fresh lab, a sequential shell loop of ``ipmitool``
   per BMC: ``user list`` and ``lan print`` to read, ``user disable``/``priv``/``set name`` for
   the factory account, five ``lan set`` for the network, ``user set password`` (from a 0600
   ``exec`` file, never argv) and ``user list``/``lan print`` again with the new password — 13
   calls — and the ratio.

Usage (from the checkout; several minutes, mostly the baseline)::

    .venv/bin/python benchmarks/bmc.py [--bmcs 200] [--baseline-sample N] [--strict] [--medcloud PATH]

``--baseline-sample N`` times the loop on the first N BMCs and scales it linearly (printed as
"extrapolated").  Exit status 0 whatever the figures (2 if a tool is missing); with
``--strict``, 1 when the target is missed or a BMC was not confirmed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from medcloud.hardware.inventory import IPMICredential, load_inventory
from medcloud.hardware.lab.runner import Lab
from medcloud.hardware.lab.scenario import scaled

from medcloud.secrets import new_key_hex, unseal
from medcloud.secrets.keys import parse_key

WALL_TARGET_S = 15.0
IPMITOOL_CALLS_PER_BMC = 13
MEDCLOUD = Path(sys.executable).with_name("medcloud")


def _apply(inventory: Path, medcloud: Path = MEDCLOUD) -> tuple[float, int, dict[str, int]]:
    """``medcloud bmc apply`` as an operator runs it: its own process (interpreter start included)."""
    start = time.perf_counter()
    done = subprocess.run([str(medcloud), "bmc", "apply", str(inventory),
                           "--format", "json"], capture_output=True, timeout=600, check=False)
    wall = time.perf_counter() - start
    code = done.returncode
    counts: dict[str, int] = {}
    problems: dict[str, int] = {}
    try:
        devices = json.loads(done.stdout)["bmcs"]
    except (ValueError, KeyError):
        raise SystemExit(f"{medcloud} bmc apply (exit {code}) printed no report: "
                         f"{done.stderr.decode(errors='replace').strip()[-2000:]}") from None
    for device in devices:
        key = device["status"] + ("" if device["confirmed"] in (True, None) else " unconfirmed")
        counts[key] = counts.get(key, 0) + 1
        if device["error"]:
            reason = device["error"].split(": ", 1)[-1]
            problems[reason] = problems.get(reason, 0) + 1
    for reason, count in sorted(problems.items(), key=lambda item: -item[1])[:5]:
        print(f"  {count} BMC(s): {reason}")
    return wall, code, counts


def _fresh_lab(scratch: Path, bmcs: int, name: str, settle: float) -> tuple[Lab, Path]:
    lab = Lab(scratch / name, scaled(bmcs, 0), ssh=False, inventory=scratch / f"{name}.yaml")
    start = time.perf_counter()
    state, _ = lab.up()
    print(f"lab {name}: {len(state.peers)} ipmi_sim up in {time.perf_counter() - start:.2f} s; "
          f"settling {settle:g} s", flush=True)
    time.sleep(settle)
    return lab, Path(state.inventory)


def _ipmitool(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, timeout=60, check=False)
    if done.returncode:
        raise SystemExit(f"baseline: {' '.join(argv[-4:])} failed: {done.stderr.decode(errors='replace').strip()}")


def _baseline(inventory: Path, key: bytes, scratch: Path, sample: int) -> tuple[float, int]:
    """The sequential ipmitool loop over the first ``sample`` BMCs (0: all); returns (seconds, BMCs)."""
    loaded = load_inventory(inventory)
    credential = loaded.credentials["bmc-admin"]
    assert isinstance(credential, IPMICredential)
    servers = loaded.servers[:sample] if sample else loaded.servers
    env = dict(os.environ)
    exec_file = scratch / "set-password.ipmitool"
    start = time.perf_counter()
    for server in servers:
        old = unseal(credential.password, key).reveal()
        # ipmitool's exec files treat '#' as a comment: the loop's passwords are URL-safe characters.
        new = secrets.token_urlsafe(12)
        network = server.bmc.network
        assert network is not None
        # -C 3: ipmi_sim lacks Get Channel Cipher Suites; without it ipmitool waits 10 s per call.
        base = ["ipmitool", "-I", "lanplus", "-C", "3", "-H", str(server.bmc.address), "-p", str(server.bmc.port),
                "-U", credential.username, "-E"]
        env["IPMI_PASSWORD"] = old
        calls: list[list[str]] = [
            ["user", "list", "1"], ["lan", "print", "1"],
            ["user", "disable", "3"], ["user", "priv", "3", "15", "1"], ["user", "set", "name", "3", ""],
            ["lan", "set", "1", "ipsrc", "static"], ["lan", "set", "1", "ipaddr", str(network.address)],
            ["lan", "set", "1", "netmask", str(network.netmask)],
            ["lan", "set", "1", "defgw", "ipaddr", str(network.gateway)],
            ["lan", "set", "1", "vlan", "id", str(network.vlan)],
        ]
        for call in calls:
            _ipmitool(base + call, env)
        fd = os.open(exec_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(f"user set password 2 {new}\n")
        _ipmitool([*base, "exec", str(exec_file)], env)
        env["IPMI_PASSWORD"] = new
        for call in (["user", "list", "1"], ["lan", "print", "1"]):
            _ipmitool(base + call, env)
    exec_file.unlink(missing_ok=True)
    return time.perf_counter() - start, len(servers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bmcs", type=int, default=200)
    parser.add_argument("--baseline-sample", type=int, default=0, metavar="N",
                        help="time the ipmitool loop on N BMCs only, then scale")
    parser.add_argument("--settle", type=float, default=10.0, metavar="S",
                        help="seconds freshly started BMCs get before timing (real BMCs have been up for days)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the ipmitool loop (no ratio)")
    parser.add_argument("--medcloud", type=Path, default=MEDCLOUD, metavar="PATH",
                        help="another build's medcloud (or a wrapper, e.g. a profiler's) on the same lab")
    parser.add_argument("--strict", action="store_true", help="exit 1 if the target is missed or a BMC failed")
    args = parser.parse_args()
    for tool in ("ipmi_sim", "ipmitool"):
        if shutil.which(tool) is None:
            print(f"benchmark needs {tool} (Debian packages openipmi, ipmitool)")
            return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ["MEDCLOUD_SECRET_KEY"] = key_hex = new_key_hex()
    key = parse_key(key_hex, "benchmark key")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="medcloud-bench-bmc-") as scratch_dir:
        scratch = Path(scratch_dir)
        os.environ["MEDCLOUD_AUDIT_LOG"] = str(scratch / "audit.jsonl")
        lab, inventory = _fresh_lab(scratch, args.bmcs, "ours", args.settle)
        try:
            print(f"load average before timing: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
            wall, code, counts = _apply(inventory, args.medcloud)
            results["apply"] = wall
            ok = code == 0 and counts == {"changed": args.bmcs}
            print(f"medcloud bmc apply: {wall:.2f} s wall for {args.bmcs} BMCs (exit {code}; {counts})")
            again, code2, counts2 = _apply(inventory, args.medcloud)
            ok = ok and code2 == 0 and counts2 == {"unchanged": args.bmcs}
            print(f"second apply: {again:.2f} s (exit {code2}; {counts2})")
            records = len((scratch / "audit.jsonl").read_text().splitlines())
            print(f"audit records written: {records}")
        finally:
            lab.down()
        wall_ok = wall <= WALL_TARGET_S
        print(f"wall time target <= {WALL_TARGET_S:g} s: {wall:.2f} s {'OK' if wall_ok else 'MISSED'}")

        if args.no_baseline:
            return 1 if args.strict and not (ok and wall_ok) else 0
        lab, inventory = _fresh_lab(scratch, args.bmcs, "baseline", args.settle)
        try:
            measured, done = _baseline(inventory, key, scratch, args.baseline_sample)
        finally:
            lab.down()
        sequential = measured * args.bmcs / done
        label = f"extrapolated x{args.bmcs / done:.1f} from {done} BMCs" if done != args.bmcs else "measured"
        print(f"sequential ipmitool loop: {sequential:.2f} s ({label}; {IPMITOOL_CALLS_PER_BMC} calls per BMC, "
              f"{measured / done / IPMITOOL_CALLS_PER_BMC * 1000:.0f} ms per call)")
        print(f"ratio loop / medcloud bmc apply: {sequential / wall:.1f}x")
    return 1 if args.strict and not (ok and wall_ok) else 0


if __name__ == "__main__":
    sys.exit(main())
