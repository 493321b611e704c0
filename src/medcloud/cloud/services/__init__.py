"""One module per control-plane service; what each needs is :class:`Context`.

``prepare(ctx)`` writes the service's configuration and database under
``ctx.directory`` (inside the plane's state folder — nothing under /etc or
/var is written) and returns the processes to start.  ``configure(ctx,
admin)``, where present, runs once the service answers.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from medcloud.errors import CloudPrepareError as PrepareError

__all__ = ["PER_REGION", "Centre", "Context", "PrepareError", "cached", "ini", "sqlite_url", "wal"]

#: Seconds a preparation command (db sync, key setup) may take.
PREPARE_TIMEOUT_S = 180.0


#: Prefix of a script run on Debian's Python that records something in each region's database
#: (per-region services: Cinder, Nova): ``per_region(work, pairs)`` calls ``work(conf, names)`` in
#: a child forked per (configuration, comma-separated names) pair, so the service's package is
#: imported once, not once per region; exit 1 if any child failed (its traceback in the log).
PER_REGION = """\
import os, sys, traceback

def per_region(work, pairs):
    children = []
    for conf, names in pairs:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                work(conf, [n for n in names.split(",") if n])
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)
    failed = [pid for pid in children if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
    sys.exit(1 if failed else 0)

"""


@dataclass(frozen=True)
class Centre:
    """An OpenStack centre of a stack: a project of the one Keystone, in its cloud region."""

    name: str
    region: str
    azs: tuple[str, ...]
    stack: str
    #: The Neutron external network its router takes as gateway (the model's ``openstack.external_network``).
    external_network: str | None = None
    #: Its compute nodes (the model's pools → clusters → nodes): Nova learns them as compute hosts.
    hosts: tuple[str, ...] = ()


@dataclass
class Context:
    directory: Path
    #: Where preparation commands' output goes (the plane's ``logs/``).
    logs: Path
    ports: list[int]
    keystone_url: str
    regions: list[str]
    azs: list[str]
    centres: list[Centre]
    #: This service's Keystone user and password (its token middleware logs in with them).
    service_user: str = ""
    service_password: str = ""
    #: Service name → base URL of its (first) instance; filled as services start.
    urls: dict[str, str] = field(default_factory=dict)
    #: Where built schemas are kept between ``up``s (None: build every time), and what they were
    #: built by: the service's Debian package versions.
    cache: Path | None = None
    versions: str = ""
    #: Preparation step → seconds it took (state.json's ``prepare_s``: where ``up``'s time goes).
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports[0]}"

    def path(self, *parts: str) -> Path:
        return self.directory.joinpath(*parts)

    def authtoken(self) -> dict[str, str]:
        """The ``[keystone_authtoken]`` section every API service shares."""
        return {
            "www_authenticate_uri": self.keystone_url, "auth_url": self.keystone_url,
            "auth_type": "password", "username": self.service_user, "password": self.service_password,
            "project_name": "service", "user_domain_name": "Default", "project_domain_name": "Default",
            "service_token_roles_required": "true",
        }

    def run(self, argv: list[str], *, env: Mapping[str, str] | None = None, what: str = "") -> None:
        """Run a preparation command to completion; its output goes to the service's log."""
        log = self.logs / f"{self.directory.name}-prepare.log"
        environment = dict(os.environ)
        environment.update(env or {})
        began = time.monotonic()
        with open(log, "ab") as out:
            out.write(f"$ {' '.join(argv)}\n".encode())
            out.flush()
            try:
                done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                      env=environment, cwd=self.directory, timeout=PREPARE_TIMEOUT_S, check=False)
            except subprocess.TimeoutExpired:
                raise PrepareError(f"{what or argv[0]}: no answer within {PREPARE_TIMEOUT_S:g} s (see {log})") from None
            except OSError as exc:
                raise PrepareError(f"{what or argv[0]}: cannot run: {exc}") from None
            self.timings[what or argv[0]] = round(time.monotonic() - began, 1)
        if done.returncode != 0:
            tail = " | ".join(log.read_text(errors="replace").strip().splitlines()[-3:])
            raise PrepareError(f"{what or argv[0]}: exit {done.returncode}: {tail} (see {log})")


def cached(ctx: Context, step: str, files: Mapping[str, Path], build: Callable[[], None], *, inputs: str = "") -> None:
    """The ``files`` that ``build`` writes, copied from the plane's cache when the same step of
    the same packages (``ctx.versions``) with the same ``inputs`` built them before.

    For what depends on nothing but the packages — a database schema from migrations or
    models — never for keys, passwords or anything naming a port or a path.  ``files``
    maps a name in the cache to where the file goes.  A new entry is written to a private
    folder and renamed into place, so a concurrent or interrupted ``up`` leaves no half entry.
    """
    if ctx.cache is None:
        build()
        return
    key = hashlib.sha256("\0".join([ctx.directory.name, step, ctx.versions, inputs]).encode()).hexdigest()[:16]
    entry = ctx.cache / f"{ctx.directory.name}-{step}-{key}"
    if all((entry / name).is_file() for name in files):
        began = time.monotonic()
        for name, target in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(entry / name, target)
        ctx.timings[f"{step} (from the cache)"] = round(time.monotonic() - began, 1)
        return
    build()
    ctx.cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = ctx.cache / f".{entry.name}.{secrets.token_hex(4)}"
    partial.mkdir(mode=0o700)
    try:
        for name, source in files.items():
            shutil.copyfile(source, partial / name)
        shutil.rmtree(entry, ignore_errors=True)
        partial.rename(entry)
    except OSError:  # another ``up`` put the same entry in place first: theirs is as good
        shutil.rmtree(partial, ignore_errors=True)


def package_versions(packages: tuple[str, ...]) -> str:
    """``name=version`` of each installed Debian package (what a cached schema was built by)."""
    try:
        done = subprocess.run(["dpkg-query", "-W", "-f", "${Package}=${Version}\n", *packages],
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return " ".join(sorted(done.stdout.split()))


def ini(path: Path, sections: Mapping[str, Mapping[str, object]], *, mode: int = 0o600) -> Path:
    """Write an oslo.config / paste style INI file (0600: it holds service passwords)."""
    lines: list[str] = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        for key, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            lines.append(f"{key} = {text}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    return path


#: Seconds a SQLite writer waits for another's lock.  Neutron's API, RPC and periodic workers
#: are separate processes writing one file; with the default 5 s, a loaded machine saw
#: "database is locked" (HTTP 500) on a security-group rule.
SQLITE_BUSY_TIMEOUT_S = 60


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}?timeout={SQLITE_BUSY_TIMEOUT_S}"


def wal(database: Path) -> None:
    """Put a SQLite database in write-ahead-log mode (a setting stored in the file).

    Measured on Keystone Zed: a 404 leaves a read transaction open on a pooled
    connection, and in the default rollback-journal mode every later write then
    fails with "database is locked" (HTTP 500); with WAL, readers do not block
    the writer.
    """
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()
