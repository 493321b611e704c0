"""Start, inspect and stop a control plane; its state lives in one folder.

State folder (default ``<repo>/.cloud``, ``--dir`` or ``$MEDCLOUD_CLOUD_DIR``; mode 0700)::

    state.json         what runs: pid, command line and start time of each process, ports,
                       regions, centres, services that did not start and why (no secrets)
    clouds.yaml        one entry per OpenStack centre of the stacks, plus ``medcloud-admin``
    secure.yaml        their passwords (0600; openstacksdk and the Pulumi provider merge it)
    services/<name>/   each service's configuration, database, keys, Swift devices
    logs/              each process's output and each preparation command's
    cache/             database schemas built by migrations, keyed by the Debian package
                       versions that built them (kept by ``down``: the next ``up`` copies them)

Each OpenStack centre is a project of the one Keystone, named after the centre,
in its ``cloud_region`` (every region's catalog points at the same services,
except Cinder, which runs once per region: volume type names are global in a
Cinder deployment and two centres' would collide).

``down`` stops a process only if the pid still runs the command line *and*
has the start time recorded when ``up`` started it — never by name.
``up`` is idempotent: when everything recorded still runs for the same
centres it returns the running plane; otherwise it stops what is left and
starts afresh.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from medcloud import localpeers
from medcloud.cloud import catalog
from medcloud.cloud.catalog import SERVICES, Launch, Service
from medcloud.cloud.rest import Keystone, RestError
from medcloud.cloud.services import Centre, Context, PrepareError, package_versions
from medcloud.errors import CloudError, SourceError
from medcloud.escape import terminal
from medcloud.yamlio import load_json, write_atomic

STATE = "state.json"
CLOUDS = "clouds.yaml"
SECURE = "secure.yaml"
ADMIN_CLOUD = "medcloud-admin"
#: The Keystone user the program's clouds.yaml entries log in as (admin role in each centre's
#: project: the program creates volume types and QoS specs, which Cinder reserves to admins).
PROGRAM_USER = "medcloud"
DEFAULT_REGION = "RegionOne"
LOCK_PATH = Path("/run/lock/medcloud-cloud.lock") if Path("/run/lock").is_dir() else Path("/tmp/medcloud-cloud.lock")
#: Seconds the services get to answer / to go away.
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 10.0
#: Seconds a SIGKILLed process gets to be gone (and reaped).
KILL_TIMEOUT_S = 5.0


@dataclass
class Process:
    """One process the plane started, and how to recognise it later."""

    service: str
    name: str
    region: str | None
    pid: int
    argv: list[str]
    #: /proc/<pid>/stat start time (clock ticks since boot): with argv, the process's identity.
    start_ticks: int
    port: int
    log: str
    #: Serves the service's catalog endpoints (Swift's storage servers do not).
    endpoint: bool = True

    def alive(self) -> bool:
        """Still running, and still the process we started (pid not reused)."""
        return _same(_identity(self.pid), self)


@dataclass
class PlaneState:
    state_dir: str
    started: float
    keystone_url: str
    regions: list[str]
    centres: list[dict[str, Any]]
    processes: list[Process]
    #: Service → why it is not running (not installed, failed to start: the log's words).
    not_started: dict[str, str] = field(default_factory=dict)
    #: Service → seconds from ``up`` until it answered.
    ready_after_s: dict[str, float] = field(default_factory=dict)
    #: Service → its preparation steps → seconds each took ("… (from the cache)": a schema copied).
    prepare_s: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Seconds ``up`` took, start to clouds.yaml.
    up_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlaneState:
        processes = [Process(**p) for p in data.pop("processes")]
        return cls(processes=processes, **data)

    def running(self) -> list[str]:
        return sorted({p.service for p in self.processes})


def _identity(pid: int) -> tuple[list[str], int] | None:
    """(command line, start time) of ``pid``, or None if it is gone or a zombie."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    if not raw or fields[0] == "Z":
        return None
    return [part.decode(errors="replace") for part in raw.rstrip(b"\0").split(b"\0")], int(fields[19])


def _same(identity: tuple[list[str], int] | None, process: Process) -> bool:
    """``identity`` is ``process``'s: same start time, same command line.

    Words are compared, not NUL-separated arguments: setproctitle (imported by
    Neutron and Cinder) rewrites the argument area as one space-separated string.
    """
    if identity is None:
        return False
    argv, ticks = identity
    return ticks == process.start_ticks and " ".join(argv).split() == " ".join(process.argv).split()


def _started(pid: int) -> tuple[list[str], int] | None:
    """The identity of a process just started, once the kernel shows its command line.

    ``Popen`` returns when the child's close-on-exec pipe closes, which the kernel
    does before it lays out the new program's arguments: /proc/PID/cmdline can be
    empty for a moment.
    """
    for _ in range(50):
        identity = _identity(pid)
        if identity is not None or not Path(f"/proc/{pid}").exists():
            return identity
        time.sleep(0.02)
    return None


def free_tcp_ports(count: int) -> list[int]:
    """``count`` distinct free TCP ports on 127.0.0.1 (held together, then released)."""
    return localpeers.free_ports(count, socket.SOCK_STREAM)


def _answers(port: int, probe: str | None) -> bool:
    """The port accepts connections and, with a probe path, answers HTTP (any status)."""
    try:
        if probe is None:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                return True
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5.0)
        try:
            connection.request("GET", probe)
            connection.getresponse().read()
            return True
        finally:
            connection.close()
    except (OSError, http.client.HTTPException):
        return False


def _tail(path: Path, lines: int = 3) -> str:
    return localpeers.tail(path, lines, errors_first=True)


def stack_centres(stacks: list[str], root: Path) -> list[Centre]:
    """The OpenStack centres of ``stacks`` (all stacks in ``stacks/`` when empty)."""
    from medcloud.stacks import load_region_file, resolve

    names = stacks or sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml")
                             for p in (root / "stacks").glob("Pulumi.*.yaml"))
    centres: dict[str, Centre] = {}
    for name in names:
        ref = resolve(name, root)
        region = load_region_file(ref.region_file, ref).region
        for centre in region.centres:
            if centre.cloud.value != "openstack":
                continue
            hosts = tuple(node.name for az in centre.azs for pool in az.pools for cluster in pool.clusters
                          for node in cluster.nodes)
            external = centre.openstack.external_network if centre.openstack else None
            entry = Centre(centre.name, centre.cloud_region, tuple(az.name for az in centre.azs), ref.name or name,
                           external, hosts)
            seen = centres.get(centre.name)
            if seen is not None and seen.region != entry.region:
                raise CloudError(f"centre {centre.name} is in region {seen.region} in stack {seen.stack} and in "
                                 f"{entry.region} in stack {entry.stack}: one Keystone project cannot be both")
            centres.setdefault(centre.name, entry)
    return list(centres.values())


class ControlPlane:
    """A control plane rooted at ``state_dir``."""

    def __init__(self, state_dir: Path, services: tuple[Service, ...] = SERVICES, *,
                 cache_dir: Path | None = None) -> None:
        self.state_dir = state_dir.resolve()
        self.services = services
        #: Built schemas (``<state>/cache`` unless another folder is given, e.g. one kept between test sessions).
        self.cache_dir = (cache_dir or self.state_dir / "cache").resolve()

    @property
    def clouds_yaml(self) -> Path:
        return self.state_dir / CLOUDS

    @property
    def secure_yaml(self) -> Path:
        return self.state_dir / SECURE

    def environment(self) -> dict[str, str]:
        """What openstacksdk, the ``openstack`` CLI and the Pulumi provider need to find the clouds."""
        return {"OS_CLIENT_CONFIG_FILE": str(self.clouds_yaml), "OS_CLIENT_SECURE_FILE": str(self.secure_yaml)}

    # --- inspection ------------------------------------------------------------------

    def state(self) -> PlaneState | None:
        path = self.state_dir / STATE
        if not path.exists():
            return None
        try:
            return PlaneState.from_json(load_json(path))  # the input boundary: regular file, limits
        except (ValueError, TypeError, KeyError, AttributeError, SourceError) as exc:
            raise CloudError(f"{path}: unreadable cloud state ({terminal(str(exc))}); "
                             f"run `medcloud cloud down`") from None

    def running(self, centres: list[Centre] | None = None) -> bool:
        state = self.state()
        if state is None or not all(p.alive() for p in state.processes):
            return False
        return centres is None or sorted(c["name"] for c in state.centres) == sorted(c.name for c in centres)

    # --- up ----------------------------------------------------------------------------

    def up(self, centres: list[Centre]) -> PlaneState:
        """Start the plane for ``centres`` (or return the running one serving exactly them)."""
        existing = self.state()
        if existing is not None and self.running(centres):
            return existing
        if existing is not None:
            self.down()
        for required in (s for s in self.services if s.required):
            missing = required.missing()
            if missing:
                raise CloudError(f"cannot start {required.name}: not installed ({', '.join(missing)}); "
                                 f"run scripts/cloud-packages as root (Debian packages {' '.join(required.packages)})")
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.state_dir.chmod(0o700)
        for sub in ("services", "logs"):  # not cache/: schemas built by the same packages are reused
            shutil.rmtree(self.state_dir / sub, ignore_errors=True)
            (self.state_dir / sub).mkdir(mode=0o700)
        regions = sorted({c.region for c in centres}) or [DEFAULT_REGION]
        state = PlaneState(str(self.state_dir), time.time(), "", regions,
                           [asdict(c) for c in centres], [])
        try:
            self._start(state, centres)
        except BaseException:
            self._save(state)
            self.down()
            raise
        self._save(state)
        return state

    def _save(self, state: PlaneState) -> None:
        write_atomic(self.state_dir / STATE, json.dumps(state.to_json(), indent=2) + "\n")

    def _context(self, entry: Service, ports: list[int], keystone_url: str, centres: list[Centre],
                 regions: list[str]) -> Context:
        directory = self.state_dir / "services" / entry.name
        directory.mkdir(mode=0o700, exist_ok=True)
        azs = sorted({az for c in centres for az in c.azs})
        ctx = Context(directory, self.state_dir / "logs", ports, keystone_url, regions, azs, centres)
        ctx.versions = package_versions(entry.packages)
        # Unknown versions: nothing tells a cached schema from a stale one, so none is used.
        ctx.cache = self.cache_dir if ctx.versions else None
        if entry.service_user:
            ctx.service_user, ctx.service_password = f"svc-{entry.name}", secrets.token_urlsafe(18)
        return ctx

    def _start(self, state: PlaneState, centres: list[Centre]) -> None:
        began = time.monotonic()
        startable = []
        for entry in self.services:
            missing = entry.missing()
            if missing:
                state.not_started[entry.name] = f"not installed ({', '.join(missing)}): run scripts/cloud-packages"
            else:
                startable.append(entry)
        admin_password = secrets.token_urlsafe(18)
        with localpeers.machine_lock(LOCK_PATH):
            counts = [entry.ports * (len(state.regions) if entry.per_region else 1) for entry in startable]
            ports = free_tcp_ports(sum(counts))
            keystone_url = f"http://127.0.0.1:{ports[0]}"  # Keystone is SERVICES[0]
            state.keystone_url = keystone_url
            contexts: list[tuple[Service, Context]] = []
            for entry, count in zip(startable, counts, strict=True):
                contexts.append((entry, self._context(entry, ports[:count], keystone_url, centres, state.regions)))
                ports = ports[count:]
            urls = {entry.name: ctx.url for entry, ctx in contexts}
            for _, ctx in contexts:
                ctx.urls = urls
            # Every service prepares (configuration, schema, keys) at once and starts as soon as it
            # is prepared; they need Keystone only when they serve a request, and the users they
            # log in as exist by then.
            with ThreadPoolExecutor(max_workers=len(contexts)) as pool:
                futures = {pool.submit(_prepare, entry, ctx, admin_password): (entry, ctx) for entry, ctx in contexts}
                for future in as_completed(futures):
                    entry, ctx = futures[future]
                    state.prepare_s[entry.name] = ctx.timings
                    try:
                        self._spawn_all(state, entry.name, future.result())
                    except PrepareError as exc:
                        if entry.required:
                            raise CloudError(f"cannot start {entry.name}: {exc}") from None
                        state.not_started[entry.name] = str(exc)
        self._wait(state, began, {"keystone"})
        admin = Keystone(keystone_url, admin_password)
        for region in state.regions:
            admin.region(region)
        service_project = admin.project("service", "medcloud cloud: the services' own users")
        for entry, ctx in contexts:
            if entry.service_user and entry.name in state.running():
                user = admin.user(ctx.service_user, ctx.service_password, service_project)
                admin.grant(service_project, user, "admin")
        self._wait(state, began, set(state.running()) - {"keystone"})
        self._catalog(admin, state)
        program_password = secrets.token_urlsafe(18)
        projects = {c.name: admin.project(c.name, f"medcloud centre {c.name} (stack {c.stack})") for c in centres}
        program_user = admin.user(PROGRAM_USER, program_password, next(iter(projects.values()), service_project))
        for project in projects.values():
            admin.grant(project, program_user, "admin")
            admin.grant(project, program_user, "member")
        for entry, ctx in contexts:
            if entry.name in state.running():
                _configure(entry, ctx, admin, state)
        self._write_clouds(state, centres, admin_password, program_password)
        state.up_s = round(time.monotonic() - began, 1)

    def _spawn_all(self, state: PlaneState, service: str, launches: list[Launch]) -> None:
        for launch in launches:
            log = self.state_dir / "logs" / f"{launch.name}.log"
            environment = dict(os.environ)
            environment.update(launch.env)
            with open(log, "ab") as out:
                process = subprocess.Popen(
                    launch.argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                    start_new_session=True, env=environment, cwd=self.state_dir / "services")
            _CHILDREN[process.pid] = process
            identity = _started(process.pid)
            if identity is None:
                for started in [p for p in state.processes if p.service == service]:
                    _terminate(started)
                    state.processes.remove(started)
                raise PrepareError(f"{launch.name} exited at once: {_tail(log)}")
            state.processes.append(Process(service, launch.name, launch.region, process.pid, identity[0], identity[1],
                                           launch.port, str(log), launch.endpoint))
            _PROBES[process.pid] = launch.probe

    def _wait(self, state: PlaneState, began: float, services: set[str]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        pending = [p for p in state.processes if p.service in services]
        while pending:
            for process in list(pending):
                if process not in state.processes:
                    continue
                if not process.alive():
                    reason = f"{process.name} exited while starting: {_tail(Path(process.log))}"
                    self._drop(state, process.service, reason)
                elif _answers(process.port, _PROBES.get(process.pid, "/")):
                    pending.remove(process)
            pending = [p for p in pending if p in state.processes]
            for service in services - {p.service for p in pending}:
                if service in state.running() and service not in state.ready_after_s:
                    state.ready_after_s[service] = round(time.monotonic() - began, 1)
            if not pending:
                return
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
        for process in pending:
            if process in state.processes:
                self._drop(state, process.service, f"{process.name} did not answer on port {process.port} within "
                                                   f"{START_TIMEOUT_S:g} s: {_tail(Path(process.log))}")

    def _drop(self, state: PlaneState, service: str, reason: str) -> None:
        """A service failed to start: stop its processes, record why; a required one fails ``up``."""
        for process in [p for p in state.processes if p.service == service]:
            _terminate(process)
            state.processes.remove(process)
        state.ready_after_s.pop(service, None)
        entry = catalog.service(service)
        if entry.required:
            raise CloudError(f"cannot start {service}: {reason}")
        state.not_started[service] = reason

    def _catalog(self, admin: Keystone, state: PlaneState) -> None:
        """Each running service's endpoints, in its process's region or in every region."""
        for process in state.processes:
            if not process.endpoint:
                continue
            for region in [process.region] if process.region else state.regions:
                for endpoint in catalog.service(process.service).endpoints:
                    admin.endpoint(endpoint.service_type, endpoint.name, region,
                                   f"http://127.0.0.1:{process.port}{endpoint.path}")

    def _write_clouds(self, state: PlaneState, centres: list[Centre], admin_password: str,
                      program_password: str) -> None:
        auth_url = f"{state.keystone_url}/v3"

        def entry(user: str, project: str, regions: list[str]) -> dict[str, Any]:
            # openstacksdk takes the first of ``regions`` when no region is asked for.
            return {"auth": {"auth_url": auth_url, "username": user, "project_name": project,
                             "user_domain_name": "Default", "project_domain_name": "Default"},
                    "region_name": regions[0], "regions": regions, "identity_api_version": 3,
                    "interface": "public"}

        clouds = {ADMIN_CLOUD: entry("admin", "admin", state.regions)}
        secure = {ADMIN_CLOUD: {"auth": {"password": admin_password}}}
        for centre in centres:
            clouds[centre.name] = entry(PROGRAM_USER, centre.name, [centre.region])
            secure[centre.name] = {"auth": {"password": program_password}}
        header = (f"# Generated by `medcloud cloud up` for the control plane in {self.state_dir}.\n"
                  f"# Passwords are in {self.secure_yaml.name} (0600).  Use: export "
                  + " ".join(f"{k}={v}" for k, v in self.environment().items()) + "\n")
        write_atomic(self.clouds_yaml, header + yaml.safe_dump({"clouds": clouds}, sort_keys=False))
        write_atomic(self.secure_yaml, yaml.safe_dump({"clouds": secure}, sort_keys=False))

    # --- down --------------------------------------------------------------------------

    def down(self) -> tuple[list[str], list[str]]:
        """Stop what this plane started; returns (stopped, left alone because no longer ours)."""
        state = self.state()
        if state is None:
            return [], []
        stopped, foreign = [], []
        for process in state.processes:
            identity = _identity(process.pid)
            if identity is None:
                _terminate(process)  # exited already: reaped (and released) if it was our child
                continue
            if not _same(identity, process):
                foreign.append(f"{process.name}: pid {process.pid} now runs something else; left alone")
                continue
            _terminate(process)
            stopped.append(f"{process.name} (pid {process.pid})")
        for path in (self.state_dir / STATE, self.clouds_yaml, self.secure_yaml):
            path.unlink(missing_ok=True)
        shutil.rmtree(self.state_dir / "services", ignore_errors=True)
        return stopped, foreign


#: Readiness probe per pid, for processes this Python process started.
_PROBES: dict[int, str | None] = {}
#: The services this process started, by pid.  Held so no ``Popen`` is collected (and warns "still
#: running") while its service is meant to run; released, and its exit status noted, once stopped.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def _prepare(entry: Service, ctx: Context, admin_password: str) -> list[Launch]:
    import importlib

    module: Any = importlib.import_module(f"medcloud.cloud.services.{entry.name}")
    began = time.monotonic()
    if entry.name == "keystone":
        launches: list[Launch] = module.prepare(ctx, admin_password)
    else:
        launches = module.prepare(ctx)
    ctx.timings["(all preparation)"] = round(time.monotonic() - began, 1)
    return launches


def _configure(entry: Service, ctx: Context, admin: Keystone, state: PlaneState) -> None:
    import importlib

    module: Any = importlib.import_module(f"medcloud.cloud.services.{entry.name}")
    hook = getattr(module, "configure", None)
    if hook is None:
        return
    try:
        hook(ctx, admin)
    except RestError as exc:
        if entry.required:
            raise CloudError(f"cannot configure {entry.name}: {exc}") from None
        state.not_started[entry.name] = f"configuration failed: {exc}"


def _terminate(process: Process) -> None:
    """SIGTERM the process group the plane started, SIGKILL it if it lingers (bounded waits).

    A process this Python process started is reaped through its ``Popen`` and only then
    released: one released while still running (or unreaped) warns "subprocess still
    running" when collected — under ``-W error`` an error in whichever test's teardown the
    collection falls.  Measured on a loaded 2-core machine: a Nova or Cinder API can take
    more than :data:`STOP_TIMEOUT_S` to go after SIGTERM, and a SIGKILLed process is not
    gone at once either.
    """
    child = _CHILDREN.get(process.pid)
    if process.alive():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        if not _gone(process, child, STOP_TIMEOUT_S):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            _gone(process, child, KILL_TIMEOUT_S)
    if child is not None and child.poll() is not None:
        del _CHILDREN[process.pid]  # reaped: its exit status is noted, collecting it is silent


def _gone(process: Process, child: subprocess.Popen[bytes] | None, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for ``process`` to exit (and, if it is our child, be reaped)."""
    deadline = time.monotonic() + timeout
    while True:
        if child is not None:
            if child.poll() is not None:
                return True
        elif _identity(process.pid) is None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(process.pid, os.WNOHANG)
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def default_state_dir() -> Path:
    """``$MEDCLOUD_CLOUD_DIR``, else ``.cloud`` in the checkout (``$MEDCLOUD_HOME``) or the current directory."""
    explicit = os.environ.get("MEDCLOUD_CLOUD_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("MEDCLOUD_HOME") or ".") / ".cloud"
