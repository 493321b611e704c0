"""Every command that prints a table, run as a user runs it in a pipe or a CI log: 80 columns (issue 17).

Each command's text output is checked against the same command's data (its JSON, or the state
it reads): no line wider than 80 columns, no escape sequence, no ellipsis a value did not carry,
every identifier, status, ``file:line``, address and pid whole on one line (unless it is itself
wider than the line, then folded and whole once the folds are undone), and every word of the
prose there.  `verify`'s summary is issue 15's (its own 80-column test); `preview`'s tree has
its own tests at 80, 120 and 200 columns (tests/unit/preview/test_tree.py) and is run here too.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from rich.text import Text

from medcloud.cli import main

WIDTH = 80
ROOT = Path(__file__).resolve().parents[3]
#: Box-drawing characters rich's tables and trees draw; removed before prose is compared.
FRAME = re.compile("[\u2500-\u257f]")


@pytest.fixture(autouse=True)
def _pipe_at_80(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.chdir(ROOT)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, _ = capsys.readouterr()
    return code, out


def assert_fits(text: str, atoms: Iterable[str], prose: Iterable[str] = ()) -> None:
    atoms, prose = [a for a in atoms if a], [p for p in prose if p]
    lines = text.splitlines()
    assert lines, "the command printed nothing"
    assert max(Text(line).cell_len for line in lines) <= WIDTH
    assert "\x1b" not in text
    assert text.count("…") <= sum(value.count("…") for value in (*atoms, *prose)), "a value was cut short"
    flat = re.sub(r"\s+", "", FRAME.sub("", text))
    for atom in atoms:
        whole = rf"(?<![\w.:/-]){re.escape(atom)}(?![\w.:/-])"
        if Text(atom).cell_len <= WIDTH - 8:
            assert any(re.search(whole, line) for line in lines), f"{atom!r} is split or missing"
        else:
            assert re.sub(r"\s+", "", atom) in flat, f"{atom!r} is cut"
    for value in prose:
        for word in value.split():
            assert word in text or word in flat, f"{word!r} of {value[:60]!r}… is missing"


def test_validate(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(capsys, "validate", "dev")
    code_json, out = run(capsys, "validate", "dev", "--format", "json")
    assert code == code_json == 1
    data = json.loads(out)
    atoms, prose = [], []
    for requirement in data["requirements"]:
        atoms += [requirement["requirement"], requirement["status"]]
        for finding in requirement["findings"]:
            if finding["severity"] == "verified":
                continue
            atoms.append(finding.get("source", ""))
            prose += [finding["message"], finding.get("path", ""), *finding.get("evidence", [])]
    assert any(re.fullmatch(r".+\.yaml:\d+", a) for a in atoms)
    assert_fits(text, atoms, prose)


def test_preview(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(capsys, "preview", "ref002")
    _, out = run(capsys, "preview", "ref002", "--format", "json")
    assert code == 1
    data = json.loads(out)
    names = [step["urn"].rsplit("::", 1)[-1] for step in data["steps"]]
    # Names deep in the tree are narrower than the line minus its guides; those that are not fold.
    assert_fits(text, [n for n in names if len(n) <= WIDTH - 24],
                [v["message"] for v in data["policyViolations"]] + [v["urn"] for v in data["policyViolations"]])


def _lab_state(directory: Path) -> dict[str, object]:
    """A lab as `lab up` records it, with names and addresses as long as real ones get."""
    def peer(kind: str, name: str, address: str, ports: list[int], serves: list[str]) -> dict[str, object]:
        # pid 2 (kthreadd) never matches the recorded start time: the peer shows as down.
        return {"kind": kind, "name": name, "pid": 2, "address": address, "ports": ports,
                "log": str(directory / f"{name}.log"), "serves": serves, "start_ticks": 1, "cmdline_sha": None}

    servers = [f"gw-ft2500-phytium-s2500-node-{i:02d}" for i in range(1, 4)]
    peers = [peer("bmc", s, "127.0.0.1", [62300 + i], [s]) for i, s in enumerate(servers)]
    peers.append(peer("snmp", "snmpsim", "127.0.0.1", [16100 + i for i in range(6)], ["leaf-01", "oob-01"]))
    peers += [peer("ssh", s, f"10.213.0.{i + 2}", [22, 2222], [s]) for i, s in enumerate(servers)]
    return {"run_dir": str(directory), "scenario": "default", "inventory": str(ROOT / "inventories" / "lab.yaml"),
            "started": 0.0, "peers": peers, "netns": [], "veths": [],
            "faults": {servers[0]: "wrong BMC password (R-HW-03): the inventory's is not the BMC's",
                       "ls-node-01": "dead BMC (R-HW-03)"},
            "absent": ["ls-node-01"], "fault_peers": {servers[0]: "bmc"}}


def test_lab_status(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    state = _lab_state(tmp_path)
    (tmp_path / "state.json").write_text(json.dumps(state), encoding="utf-8")
    code, text = run(capsys, "lab", "--dir", str(tmp_path), "status")
    assert code == 1  # the peers are not running
    atoms = ["ls-node-01", "not started", "down"]
    prose = list(state["faults"].values())  # type: ignore[union-attr]
    for peer in state["peers"]:  # type: ignore[union-attr]
        atoms += [f"{peer['address']}:{port}" for port in peer["ports"]] + [str(peer["pid"])]
        prose += [f"{peer['kind']} {peer['name']}", ", ".join(peer["serves"])]
    assert_fits(text, atoms, prose)


def test_cloud_status(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    processes = [
        {"service": service, "name": f"{service}-{region or 'all'}", "region": region, "pid": 2,
         "argv": ["/usr/bin/python3", f"/usr/bin/{service}-api"], "start_ticks": 1, "port": 40000 + i,
         "log": str(tmp_path / f"{service}.log")}
        for i, (service, region) in enumerate(
            [("keystone", None), ("neutron-server", "gz-prod-RegionOne"), ("cinder-api", "fs-aa-RegionTwo"),
             ("swift-object-server", None), ("octavia-api", "gz-prod-RegionOne")])
    ]
    state = {"state_dir": str(tmp_path / "a" / "rather" / "long" / "state" / "directory" / ".cloud"),
             "started": 0.0, "keystone_url": "http://127.0.0.1:40000/v3",
             "regions": ["gz-prod-RegionOne", "fs-aa-RegionTwo"], "centres": [], "processes": processes,
             "not_started": {"designate": "not installed: apt-get install designate-api (scripts/cloud-packages)"},
             "ready_after_s": {"keystone": 212.4}}
    (tmp_path / "state.json").write_text(json.dumps(state), encoding="utf-8")
    code, text = run(capsys, "cloud", "--dir", str(tmp_path), "status")
    assert code == 1  # the processes are not running
    atoms = ["designate", "keystone"]
    for process in processes:
        atoms += [str(process["service"]), str(process["name"]), str(process["region"] or "all"),
                  f"127.0.0.1:{process['port']}", str(process["pid"])]
    assert_fits(text, atoms, list(state["not_started"].values()))  # type: ignore[union-attr]


def test_no_command_module_draws_a_table_of_its_own() -> None:
    """A table goes through medcloud.tables (or folds every column): a new command cannot crop by accident."""
    offenders = []
    for folder in (ROOT / "src" / "medcloud" / "cli",):
        for path in sorted(folder.glob("*.py")):
            source = path.read_text(encoding="utf-8")
            if re.search(r"\bTable\(", source):
                offenders.append(os.path.relpath(path, ROOT))
    assert offenders == []
