"""Shared inputs for the provisioning unit tests: the reference regions and fabric inventories."""

from __future__ import annotations

from pathlib import Path

import pytest
from medcloud.hardware.inventory import Inventory, load_inventory

from medcloud.model import Region
from medcloud.stacks import load

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "provision"
#: The reference regions and the fabric inventory of each.
REFERENCE = {"dev": ROOT / "inventories" / "dev-fabric.yaml", "ref002": ROOT / "inventories" / "ref002-fabric.yaml"}


@pytest.fixture(scope="session")
def dev_region() -> Region:
    return load("dev", ROOT).region


@pytest.fixture(scope="session")
def ref002_region() -> Region:
    return load("ref002", ROOT).region


@pytest.fixture(scope="session")
def dev_inventory() -> Inventory:
    return load_inventory(REFERENCE["dev"])
