"""Per-family deploy plans from operation fixtures, through pyinfra's ``@fake`` connector.

Each fixture gives the raw output the target's commands would print; pyinfra's
own fact parsers read it and the deploy plans its operations.  This covers the
openEuler and Kylin (dnf, crypto-policies) branches the Debian-based
integration root cannot run (R-HW-04, R-NET-04).
"""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from medcloud.model import Region
from medcloud.provision.os.baseline import plan_baseline
from medcloud.provision.os.families import OsFamily
from medcloud.provision.runner import Target, run

from .conftest import FIXTURES

CASES = sorted((FIXTURES / "fake").glob("*.json"))


def _responses(raw: dict[str, Any]) -> dict[str | re.Pattern[str], Any]:
    """Fixture keys are substrings of a command, or ``re:`` + a regular expression."""
    return {re.compile(k[3:]) if k.startswith("re:") else k: v for k, v in raw.items()}


def _target(region: Region, case: dict[str, Any]) -> Target:
    data = {"fake_delay": 0, "fake_delay_jitter": 0, "fake_responses": _responses(case["responses"])}
    return Target(case["node"], f"@fake/{case['node']}", partial(plan_baseline, region, case["node"]),
                  OsFamily(case["family"]), runtime=True, data=data)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_operation_fixture(dev_region: Region, path: Path) -> None:
    case = json.loads(path.read_text())
    [result] = run([_target(dev_region, case)], dry_run=True)
    assert result.error is None
    planned = {change.label: change.commands for change in result.changes}
    for step, commands in case["expect_steps"].items():
        assert step in planned, f"{path.name}: step {step!r} not planned; planned: {sorted(planned)}"
        for command in commands:
            assert any(c.startswith(command) for c in planned[step]), (
                f"{path.name}: {step!r} lacks {command!r}: {planned[step]}")
    for step in case["absent_steps"]:
        assert step not in planned, f"{path.name}: {step!r} should plan nothing: {planned.get(step)}"
    assert result.notes == case.get("expect_notes", [])


def test_fixtures_cover_every_family() -> None:
    families = {json.loads(p.read_text())["family"] for p in CASES}
    assert families == {f.value for f in OsFamily}


def test_runtime_steps_are_left_out_of_image_roots(dev_region: Region) -> None:
    case = json.loads((FIXTURES / "fake" / "openeuler-fresh.json").read_text())
    target = _target(dev_region, case)
    image = Target(target.name, target.connect, target.plan, target.family, runtime=False, data=target.data)
    [result] = run([image], dry_run=True)
    labels = [c.label for c in result.changes]
    assert "chrony: running and enabled" not in labels
    assert all(c.after is None for c in result.changes)
    assert "chrony: 10.64.0.10, 10.64.0.11" in labels


def test_unreachable_host_is_reported_not_raised(dev_region: Region) -> None:
    # Port 1 on loopback refuses at once: the run reports the host and carries on.
    target = Target("gz-kp-01", "127.0.0.1", partial(plan_baseline, dev_region, "gz-kp-01"), None,
                    data={"ssh_port": 1, "ssh_user": "nobody", "ssh_known_hosts_file": "/dev/null"})
    [result] = run([target], dry_run=True)
    assert result.error == ("unreachable (127.0.0.1): Could not connect "
                            "([Errno None] Unable to connect to port 1 on 127.0.0.1)")
    assert result.changes == []


def test_failed_step_is_reported_with_the_reason(dev_region: Region) -> None:
    case = json.loads((FIXTURES / "fake" / "openeuler-fresh.json").read_text())
    case["responses"] = {"dnf install": {"success": False, "stderr": ["Error: Unable to find a match: nvme-cli"]},
                         **case["responses"]}
    [result] = run([_target(dev_region, case)], dry_run=False)
    assert result.error is not None
    assert result.error == "baseline packages: failed: Error: Unable to find a match: nvme-cli"
    # Steps after the failure did not run: the repository file was written, chrony was not.
    labels = [c.label for c in result.changes]
    assert "package sources (openeuler)" in labels
    assert "chrony: 10.64.0.10, 10.64.0.11" not in labels
