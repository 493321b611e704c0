"""The local OpenStack control plane (``medcloud cloud``), started once per test session.

It serves the OpenStack centres of both reference stacks (a plane already
running for them in ``$MEDCLOUD_CLOUD_DIR`` is used instead, and left running); each stack's run is
undone after its test, so the stacks (whose centres share Cinder regions) and
repeated runs never see each other's resources.  Without the Debian packages
(``scripts/cloud-packages``, run by ``scripts/bootstrap`` as root) the tests
are skipped with that reason.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parents[2]


def _load(name: str) -> ModuleType:
    """This folder's helper modules (tests run with --import-mode=importlib: no package imports)."""
    key = f"medcloud_cloud_contract_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, HERE / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


@pytest.fixture(scope="session")
def apis() -> ModuleType:
    return _load("real_apis")


@pytest.fixture(scope="session")
def contract() -> ModuleType:
    return _load("contract")


@pytest.fixture(scope="session")
def topology() -> ModuleType:
    return _load("topology")


@pytest.fixture(scope="session")
def plane(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Any]:
    from medcloud.cloud import ControlPlane
    from medcloud.cloud.plane import stack_centres

    pytest.importorskip("openstack", reason="openstacksdk is in the dev extras: run scripts/bootstrap")
    missing = [exe for exe in ("keystone-wsgi-public", "neutron-server") if shutil.which(exe) is None]
    if missing:
        pytest.skip(f"OpenStack services not installed ({', '.join(missing)}): run scripts/cloud-packages as root")
    centres = stack_centres([], ROOT)
    # A plane already running for these centres in $MEDCLOUD_CLOUD_DIR is used (and left running).
    if os.environ.get("MEDCLOUD_CLOUD_DIR"):
        running = ControlPlane(Path(os.environ["MEDCLOUD_CLOUD_DIR"]))
        if running.running(centres):
            yield running
            return
    # Built schemas are kept in pytest's cache folder between sessions (cold on a fresh clone).
    cache = pytestconfig.cache.mkdir("medcloud-cloud-schemas") if pytestconfig.cache is not None else None
    control = ControlPlane(tmp_path_factory.mktemp("cloud"), cache_dir=cache)
    control.up(centres)
    try:
        yield control
    finally:
        control.down()
