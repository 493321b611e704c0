"""One embedded lab per test session: real ipmi_sim, snmpsim and sshd peers on this machine.

The lab lives in a temporary run directory with its own freshly allocated
ports and /30 links, so it never collides with a developer's ``medcloud lab
up`` or with another test run.  Tests skip (with the reason) only when a
peer binary or privilege is genuinely missing; CI installs them.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from medcloud.hardware.inventory import Inventory, load_inventory
from medcloud.hardware.lab import host as hostlab
from medcloud.hardware.lab.runner import Lab, LabState
from medcloud.hardware.lab.scenario import default
from medcloud.hardware.specs import load_catalogue
from medcloud.hardware.transports.base import Timeouts, real_transports
from medcloud.hardware.verify.engine import Limits, Verification
from medcloud.hardware.verify.results import Report

from medcloud.secrets import new_key_hex, unseal
from medcloud.secrets.keys import parse_key


def missing_peer() -> str | None:
    if shutil.which("ipmi_sim") is None:
        return "ipmi_sim not installed (Debian package openipmi)"
    try:
        import snmpsim  # noqa: F401
        import snmpsim_data  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return "snmpsim / snmpsim-data not installed (pip install 'medcloud[lab]')"
    return hostlab.missing_requirements()


@dataclass(frozen=True)
class RunningLab:
    state: LabState
    inventory: Inventory
    key: bytes
    run_dir: Path


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningLab]:
    reason = missing_peer()
    if reason is not None:
        pytest.skip(f"embedded lab unavailable: {reason}")
    run_dir = tmp_path_factory.mktemp("lab")
    key_hex = new_key_hex()
    previous = os.environ.get("MEDCLOUD_SECRET_KEY")
    os.environ["MEDCLOUD_SECRET_KEY"] = key_hex
    lab = Lab(run_dir, default())
    try:
        state, _ = lab.up()
        inventory = load_inventory(Path(state.inventory))
        yield RunningLab(state, inventory, parse_key(key_hex, "test key"), run_dir)
    finally:
        lab.down()
        if previous is None:
            os.environ.pop("MEDCLOUD_SECRET_KEY", None)
        else:
            os.environ["MEDCLOUD_SECRET_KEY"] = previous


#: Tight transport timeouts keep the dead-BMC and slow-agent cases to seconds.
LIMITS = Limits(concurrency=16, device_timeout=60.0, timeouts=Timeouts(connect=2.0, operation=20.0, retries=0))


@pytest.fixture(scope="session")
def report(lab: RunningLab) -> Report:
    """One real verification run over the whole lab, shared by the fault tests."""
    catalogue = load_catalogue()
    transports = real_transports()
    verification = Verification(
        lab.inventory, catalogue, transports, inventory_name="lab", limits=LIMITS,
        opener=lambda sealed, where: unseal(sealed, lab.key, where=where))
    return asyncio.run(verification.run())
