"""The control plane's bookkeeping, without OpenStack: process identity, `down`, the service list."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest

from medcloud.cloud import ControlPlane
from medcloud.cloud.catalog import SERVICES
from medcloud.cloud.plane import STATE, PlaneState, Process, _identity, _same, stack_centres
from medcloud.cloud.services import Centre, ini
from medcloud.errors import CloudError

ROOT = Path(__file__).resolve().parents[3]


def _sleeper() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)


def _record(process: subprocess.Popen[bytes], name: str) -> Process:
    for _ in range(100):
        identity = _identity(process.pid)
        if identity is not None:
            break
        time.sleep(0.01)
    assert identity is not None
    return Process("test", name, None, process.pid, identity[0], identity[1], 9, "/dev/null")


def test_down_stops_only_what_it_started_by_pid_command_line_and_start_time(tmp_path: Path) -> None:
    ours, reused, renamed = _sleeper(), _sleeper(), _sleeper()
    try:
        records = [_record(ours, "ours"), _record(reused, "reused"), _record(renamed, "renamed")]
        records[1].start_ticks -= 1  # the pid now belongs to a process started at another time
        records[2].argv = ["/usr/bin/something-else"]  # … or running another command
        state = PlaneState(str(tmp_path), time.time(), "http://127.0.0.1:9", ["RegionOne"], [], records)
        (tmp_path / STATE).write_text(json.dumps(state.to_json()))
        plane = ControlPlane(tmp_path)
        assert [p.name for p in plane.state().processes if p.alive()] == ["ours"]  # type: ignore[union-attr]
        stopped, foreign = plane.down()
        assert stopped == [f"ours (pid {ours.pid})"]
        assert len(foreign) == 2 and all("left alone" in line for line in foreign)
        assert ours.wait(timeout=10) is not None
        assert reused.poll() is None and renamed.poll() is None
        assert not (tmp_path / STATE).exists()
    finally:
        for process in (ours, reused, renamed):
            process.kill()
            process.wait()


def test_identity_survives_setproctitle_rewriting_the_argument_area() -> None:
    record = Process("neutron", "neutron", None, 1, ["/usr/bin/python3", "/usr/bin/neutron-server", "--config-file",
                                                       "/s/neutron.conf"], 42, 9, "/dev/null")
    rewritten = ["/usr/bin/python3 /usr/bin/neutron-server --config-file /s/neutron.conf"]
    assert _same((rewritten, 42), record)
    assert not _same((rewritten, 43), record)
    assert not _same((["/usr/bin/python3 /usr/bin/cinder-api"], 42), record)
    assert not _same(None, record)


def test_service_list_is_data_each_entry_a_module_with_prepare() -> None:
    names = [s.name for s in SERVICES]
    assert names[0] == "keystone" and len(set(names)) == len(names)
    assert {"keystone", "neutron"} == {s.name for s in SERVICES if s.required}
    for entry in SERVICES:
        module = importlib.import_module(f"medcloud.cloud.services.{entry.name}")
        assert callable(module.prepare)
        assert entry.endpoints and entry.packages and entry.executables


def test_ini_files_are_private(tmp_path: Path) -> None:
    path = ini(tmp_path / "a" / "x.conf", {"DEFAULT": {"flag": True, "port": 5, "dir": tmp_path}})
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text() == f"[DEFAULT]\nflag = true\nport = 5\ndir = {tmp_path}\n"


def test_centres_of_the_reference_stacks_become_projects_in_their_regions() -> None:
    centres = {c.name: c for c in stack_centres([], ROOT)}
    assert {n: c.region for n, c in centres.items()} == {
        "gz-prod": "RegionOne", "fs-aa": "RegionTwo", "hospital-prod": "RegionOne",
        "provider-prod": "RegionTwo", "guian-dr": "RegionGuian",
    }
    assert all(c.azs for c in centres.values())
    assert [asdict(c)["stack"] for c in stack_centres(["dev"], ROOT)] == ["dev", "dev"]


def test_one_centre_in_two_regions_is_refused(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: x\n")
    stacks = tmp_path / "stacks"
    (stacks / "regions").mkdir(parents=True)
    dev = (ROOT / "stacks" / "regions" / "dev.yaml").read_text()
    (stacks / "regions" / "a.yaml").write_text(dev)
    (stacks / "regions" / "b.yaml").write_text(dev.replace("cloud_region: RegionOne", "cloud_region: RegionNine"))
    for name in ("a", "b"):
        (stacks / f"Pulumi.{name}.yaml").write_text(f"config:\n  medcloud:region: regions/{name}.yaml\n")
    with pytest.raises(CloudError, match="gz-prod is in region RegionOne in stack a and in RegionNine in stack b"):
        stack_centres([], tmp_path)


def test_a_centre_is_a_frozen_record() -> None:
    centre = Centre("gz-prod", "RegionOne", ("az1",), "dev")
    with pytest.raises(AttributeError):
        centre.name = "x"  # type: ignore[misc]


def test_a_service_slow_to_stop_is_killed_reaped_and_released(monkeypatch: pytest.MonkeyPatch) -> None:
    """A service that outlives SIGTERM is SIGKILLed and reaped before its Popen is let go.

    Released unreaped, the Popen warns "subprocess still running" when collected: under
    ``-W error`` that failed the teardown of whichever test the collection fell in.
    """
    from medcloud.cloud import plane

    monkeypatch.setattr(plane, "STOP_TIMEOUT_S", 0.3)
    stubborn = subprocess.Popen([sys.executable, "-c", "import signal, sys, time\n"
                                 "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint(flush=True)\ntime.sleep(60)"],
                                stdout=subprocess.PIPE, start_new_session=True)
    try:
        assert stubborn.stdout is not None and stubborn.stdout.readline() == b"\n"  # SIGTERM is ignored from now
        plane._CHILDREN[stubborn.pid] = stubborn
        plane._terminate(_record(stubborn, "stubborn"))
        assert stubborn.returncode == -9
        assert stubborn.pid not in plane._CHILDREN
    finally:
        plane._CHILDREN.pop(stubborn.pid, None)
        if stubborn.poll() is None:
            stubborn.kill()
            stubborn.wait()
        assert stubborn.stdout is not None
        stubborn.stdout.close()


def test_a_schema_is_built_once_per_package_versions_and_copied_after(tmp_path: Path) -> None:
    from medcloud.cloud.services import Context, cached

    builds: list[str] = []

    def context(versions: str, folder: str) -> Context:
        ctx = Context(tmp_path / folder / "nova", tmp_path / "logs", [9], "http://127.0.0.1:9", ["RegionOne"], [], [])
        ctx.directory.mkdir(parents=True)
        ctx.cache, ctx.versions = tmp_path / "cache", versions
        return ctx

    def build(ctx: Context) -> None:
        builds.append(ctx.versions)
        ctx.path("RegionOne").mkdir()
        ctx.path("RegionOne", "nova_api.sqlite").write_text(f"schema of {ctx.versions}")

    for folder, versions in (("a", "nova-api=26.2.1"), ("b", "nova-api=26.2.1"), ("c", "nova-api=26.3.0")):
        ctx = context(versions, folder)
        cached(ctx, "schema", {"nova_api.sqlite": ctx.path("RegionOne", "nova_api.sqlite")}, lambda c=ctx: build(c))
        assert ctx.path("RegionOne", "nova_api.sqlite").read_text() == f"schema of {versions}"
    assert builds == ["nova-api=26.2.1", "nova-api=26.3.0"]  # b copied a's; c's packages differ
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")]  # no half-written entry


def test_keystone_key_repositories_are_written_as_fernet_setup_writes_them(tmp_path: Path) -> None:
    """Staged key 0 and primary key 1, each a Fernet key (urlsafe base64 of 32 bytes), 0600; fresh each time."""
    import base64

    from medcloud.cloud.services.keystone import key_repository

    key_repository(tmp_path / "a")
    key_repository(tmp_path / "b")
    for folder in ("a", "b"):
        assert sorted(p.name for p in (tmp_path / folder).iterdir()) == ["0", "1"]
        for key in (tmp_path / folder).iterdir():
            assert key.stat().st_mode & 0o777 == 0o600
            assert len(base64.urlsafe_b64decode(key.read_text())) == 32
    assert (tmp_path / "a" / "1").read_text() != (tmp_path / "b" / "1").read_text()
