"""Review of two ~10k-resource previews: time and peak memory.

Run:  .venv/bin/python benchmarks/review.py [--resources 10000] [--repeat 3]

Builds two offline-preview documents of ``--resources`` resources each (the
dev region's components plus generated centres' worth of security rules,
subnets, volumes, buckets and VPN links, in the shape ``medcloud preview``
writes), where HEAD updates ~5 %, adds ~1 % and deletes ~1 % of BASE and
moves the DR centre.  Times, best of ``--repeat``: reading both JSON
documents, the resource diff alone, and the whole review (diff plus the
policy pack over both sides, 2 × N resources).  Peak memory is
tracemalloc's peak over one whole review.  Targets: whole review < 2 s,
peak < 500 MiB, on wall time.  CPU time is printed beside it: on a shared,
loaded machine it is the fairer figure.  Exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from medcloud.review.document import load_document
from medcloud.review.engine import _changes, review
from medcloud.stacks import load

TARGET_S = 2.0
TARGET_MIB = 500.0
P = "urn:pulumi:bench::medcloud::"


def _state(urn: str, kind: str, inputs: dict[str, Any], parent: str | None, custom: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"urn": urn, "type": kind, "custom": custom, "inputs": inputs}
    if parent:
        out["parent"] = parent
    return out


def build(n: int, seed: int = 7) -> tuple[dict[str, Any], dict[str, Any]]:
    rnd = random.Random(seed)
    model = load("dev").region.model_dump(mode="json")
    region = f"{P}medcloud:region:Region::bench"
    base: list[dict[str, Any]] = [_state(region, "medcloud:region:Region", {"model": model}, None, custom=False)]
    centres = 40
    for c in range(centres):
        centre = f"{P}medcloud:region:Region$medcloud:centre:Centre::c{c}"
        vpc = f"{P}medcloud:region:Region$medcloud:centre:Centre$medcloud:vpc:Vpc::c{c}-vpc"
        base.append(_state(centre, "medcloud:centre:Centre", {"centre": f"c{c}", "cloud": "openstack"}, region, False))
        base.append(_state(vpc, "medcloud:vpc:Vpc", {"centre": f"c{c}", "cidr": f"10.{c}.0.0/16", "rules": []},
                           centre, False))
    i = 0
    while len(base) < n:
        c = i % centres
        vpc = f"{P}medcloud:region:Region$medcloud:centre:Centre$medcloud:vpc:Vpc::c{c}-vpc"
        kind = i % 5
        if kind in (0, 1):
            t = "openstack:networking/secGroupRule:SecGroupRule"
            inputs: dict[str, Any] = {"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp",
                                      "portRangeMin": 1000 + i % 5000, "portRangeMax": 1000 + i % 5000,
                                      "remoteIpPrefix": f"10.{(c + 1) % centres}.{i % 250}.0/24",
                                      "securityGroupId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}
        elif kind == 2:
            t = "openstack:networking/subnet:Subnet"
            inputs = {"cidr": f"10.{c}.{(i // centres) % 250}.{(i // (centres * 250)) * 16 % 256}/28",
                      "ipVersion": 4, "name": f"s{i}", "region": "RegionOne"}
        elif kind == 3:
            t = "openstack:blockstorage/volume:Volume"
            inputs = {"name": f"v{i}", "size": 100 + i % 900, "volumeType": "gold-r3-sm4", "availabilityZone": "az1",
                      "metadata": {"medcloud-pool": "core-gold", "medcloud-system": f"sys{i % 30}"}}
        else:
            t = "alicloud:oss/bucket:Bucket"
            inputs = {"bucket": f"b{i}", "storageClass": "Standard", "tags": {"medcloud-centre": f"c{c}"},
                      "serverSideEncryptionRule": {"sseAlgorithm": "KMS", "kmsDataEncryption": "SM4"}}
        base.append(_state(f"{P}medcloud:vpc:Vpc${t}::r{i}", t, inputs, vpc))
        i += 1
    head = copy.deepcopy(base)
    head[0]["inputs"]["model"]["centres"][2]["location"].update(lat=24.48, lon=113.26)
    body = head[1 + 2 * centres:]
    for item in rnd.sample(body, len(body) // 20):
        if "size" in item["inputs"]:
            item["inputs"]["size"] += 100
        elif "portRangeMin" in item["inputs"]:
            item["inputs"]["description"] = "tightened"
        elif "cidr" in item["inputs"]:
            item["inputs"]["name"] += "-renamed"
        else:
            item["inputs"]["tags"]["owner"] = "radiology"
    gone = {id(x) for x in rnd.sample(body, len(body) // 100)}
    head = [x for x in head if id(x) not in gone]
    for j in range(len(body) // 100):
        head.append(_state(f"{P}medcloud:vpc:Vpc$openstack:blockstorage/volume:Volume::new{j}",
                           "openstack:blockstorage/volume:Volume", {"name": f"new{j}", "size": 200}, head[1]["urn"]))

    def document(states: list[dict[str, Any]]) -> dict[str, Any]:
        return {"steps": [{"op": "create", "urn": s["urn"], "newState": s} for s in states], "policyViolations": []}

    return document(base), document(head)


def best_of(fn: Any, repeat: int) -> tuple[float, float, Any]:
    """Best wall time and best CPU time of ``repeat`` runs (CPU time shows the cost on a loaded machine)."""
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best, best_cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base_doc, head_doc = build(args.resources)
    with tempfile.TemporaryDirectory() as tmp:
        base_path, head_path = Path(tmp) / "base.json", Path(tmp) / "head.json"
        base_path.write_text(json.dumps(base_doc))
        head_path.write_text(json.dumps(head_doc))
        size_mib = (base_path.stat().st_size + head_path.stat().st_size) / 2**20
        load_s, load_cpu, (base, head) = best_of(lambda: (load_document(base_path), load_document(head_path)),
                                                 args.repeat)
        diff_s, diff_cpu, changes = best_of(lambda: _changes(base, head), args.repeat)
        review_s, review_cpu, result = best_of(lambda: review(base, head), args.repeat)
        tracemalloc.start()
        review(load_document(base_path), load_document(head_path))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    peak_mib = peak / 2**20
    total_s = load_s + review_s
    print(f"previews: {len(base.desired)} and {len(head.desired)} resources, {size_mib:.1f} MiB of JSON")
    print(f"changes: {result.summary}; violations introduced {len(result.compliance.introduced)}, "
          f"fixed {len(result.compliance.fixed)}")
    print(f"load average        : {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"read both documents : {load_s:.3f} s wall, {load_cpu:.3f} s CPU")
    print(f"resource diff       : {diff_s:.3f} s wall, {diff_cpu:.3f} s CPU ({len(changes)} changes)")
    print(f"review (diff + pack): {review_s:.3f} s wall, {review_cpu:.3f} s CPU "
          f"({2 * len(base.desired) / review_s:,.0f} resources/s evaluated)")
    print(f"read + review       : {total_s:.3f} s wall, {load_cpu + review_cpu:.3f} s CPU  target < {TARGET_S:g} s  "
          f"ratio {total_s / TARGET_S:.2f}")
    print(f"peak memory         : {peak_mib:.1f} MiB  target < {TARGET_MIB:g} MiB  ratio {peak_mib / TARGET_MIB:.2f}")
    ok = total_s < TARGET_S and peak_mib < TARGET_MIB
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
