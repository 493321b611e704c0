"""Switch intent checks and provisioning plans at data-centre scale.

Run:  .venv/bin/python benchmarks/provision.py [--pairs 100] [--servers 24] [--hosts 50]

Switch side: a synthetic fabric of ``--pairs`` M-LAG leaf pairs (half Huawei
CloudEngine, half H3C Comware 7), each cabled to ``--servers`` servers, is
built into intents from the dev region, rendered, parsed and diffed against
itself (the in-sync case ``medcloud switch diff`` spends its time on).
Target: render + parse + diff of the whole fabric in <= 10 s, so the intent
check stays interactive for a 200-switch region.

Provisioning side: ``--hosts`` servers planned as a dry run through pyinfra's
``@fake`` connector (no network, no delay), which times medcloud's planning
plus pyinfra's fact and operation machinery.  Target: <= 0.5 s per host.
Exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from ipaddress import IPv4Address

from medcloud.hardware.inventory import Cable, Inventory, Location, Switch, SwitchFabric, Vlan, load_inventory

from medcloud.provision.os.baseline import plan_baseline
from medcloud.provision.os.families import OsFamily
from medcloud.provision.runner import Target, run
from medcloud.provision.switch.diff import diff
from medcloud.provision.switch.intent import build_intents
from medcloud.provision.switch.parser import parse
from medcloud.provision.switch.render import render
from medcloud.stacks import load, project_root

FABRIC_TARGET_S = 10.0
HOST_TARGET_S = 0.5


def synthetic_fabric(base: Inventory, pairs: int, servers: int) -> Inventory:
    """``pairs`` leaf pairs in gz-prod, alternating vendors, each dual-homing ``servers`` servers."""
    template = next(s for s in base.switches if s.name == "gz-leaf-01")
    names = [s.name for s in base.servers]
    vlans = (Vlan(id=110, name="core-medical"), Vlan(id=120, name="imaging"),
             Vlan(id=130, name="research"), Vlan(id=140, name="management"))
    switches = []
    for p in range(pairs):
        vendor, model, prefix = (("huawei", "CE6881-48S6CQ", "10GE1/0/") if p % 2 == 0
                                 else ("h3c", "S6850-56HF", "Twenty-FiveGigE1/0/"))
        pair = (f"bl-{p:03d}-a", f"bl-{p:03d}-b")
        for i, name in enumerate(pair):
            peer = pair[1 - i]
            cabling = [Cable(port=f"{prefix}{49 + k}", remote_device=peer, remote_port=f"{prefix}{49 + k}")
                       for k in range(2)]
            cabling += [Cable(port=f"{prefix}{s + 1}", remote_device=names[s % len(names)],
                              remote_port=f"enp{s}") for s in range(servers)]
            switches.append(Switch(
                name=name, profile=template.profile, vendor=vendor, model=model,
                location=Location(centre="gz-prod", room="dc1", rack=f"r{p:03d}"),
                management=template.management.model_copy(
                    update={"address": IPv4Address(f"10.65.{p // 100}.{(p % 100) * 2 + i + 1}")}),
                cabling=tuple(cabling), vlans=vlans,
                fabric=SwitchFabric(role="leaf", loopback=IPv4Address(f"10.66.{p // 100}.{(p % 100) * 2 + i + 1}"),
                                    asn=65010, vtep=IPv4Address(f"10.67.{p // 100}.{p % 100 + 1}"),
                                    mlag_peer=peer, admin_credential="net-admin"),
            ))
    spine = next(s for s in base.switches if s.name == "gz-spine-01")
    return base.model_copy(update={"switches": (*switches, spine)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--servers", type=int, default=24)
    parser.add_argument("--hosts", type=int, default=50)
    args = parser.parse_args()
    root = project_root()
    region = load("dev", root).region
    base = load_inventory(root / "inventories" / "dev-fabric.yaml")
    inventory = synthetic_fabric(base, args.pairs, args.servers)

    t0 = time.perf_counter()
    intents = build_intents(region, inventory, "synthetic")
    t1 = time.perf_counter()
    texts = [render(i) for i in intents]
    t2 = time.perf_counter()
    trees = [parse(t) for t in texts]
    t3 = time.perf_counter()
    drift = sum(len(diff(t, t)) for t in trees)
    t4 = time.perf_counter()
    lines = sum(t.count("\n") for t in texts)
    total = t4 - t0
    print(f"switches: {len(intents)} ({args.pairs} M-LAG pairs + 1 spine), {lines} config lines")
    print(f"  intents {t1 - t0:.3f} s | render {t2 - t1:.3f} s | parse {t3 - t2:.3f} s | diff {t4 - t3:.3f} s")
    print(f"  total {total:.3f} s = {total / len(intents) * 1000:.2f} ms/switch; "
          f"target {FABRIC_TARGET_S:g} s -> ratio {total / FABRIC_TARGET_S:.3f}; drift found {drift}")

    from pyinfra.connectors.base import DataMeta
    from pyinfra.connectors.fake import FakeConnector

    for key in ("fake_delay", "fake_delay_jitter"):
        FakeConnector.data_meta[key] = DataMeta(key, default=0.0)
    nodes = ["gz-kp-01", "gz-kp-02", "gz-hg-01", "gz-ft-01", "gz-ls-01"]
    # A booted systemd host, so the runtime steps are planned too.
    booted = {"/run/systemd/system": "user=root group=root mode=drwxr-xr-x atime=0 mtime=0 ctime=0 size=40 "
                                     "/run/systemd/system"}
    targets = [Target(f"h{i:03d}", f"@fake/h{i:03d}", partial(plan_baseline, region, nodes[i % len(nodes)]),
                      list(OsFamily)[i % 3], data={"fake_responses": booted}) for i in range(args.hosts)]
    t5 = time.perf_counter()
    results = run(targets, dry_run=True)
    t6 = time.perf_counter()
    per_host = (t6 - t5) / args.hosts
    changes = sum(len(r.changes) for r in results)
    errors = sum(1 for r in results if r.error)
    print(f"provision dry run: {args.hosts} hosts, {changes} planned changes, {errors} errors")
    print(f"  total {t6 - t5:.3f} s = {per_host * 1000:.1f} ms/host; "
          f"target {HOST_TARGET_S * 1000:g} ms -> ratio {per_host / HOST_TARGET_S:.3f}")
    ok = total <= FABRIC_TARGET_S and per_host <= HOST_TARGET_S and drift == 0 and errors == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
