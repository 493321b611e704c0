"""A real target for the baseline: a Debian root (UOS's base) driven through pyinfra's ``@chroot``.

The root is built once with debootstrap into a cache outside the repository
(``$MEDCLOUD_PROVISION_CACHE``, default ``/var/cache/medcloud/provision``) and
copied per test, so tests never see each other's changes.  Building takes a
few minutes and needs the Debian mirror; later runs only copy (~2 s).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

CACHE = Path(os.environ.get("MEDCLOUD_PROVISION_CACHE", "/var/cache/medcloud/provision"))
SUITE = "bookworm"
MIRROR = os.environ.get("MEDCLOUD_DEBIAN_MIRROR", "http://deb.debian.org/debian")
#: What a domestic server image ships before the baseline (the baseline installs nothing else here).
INCLUDE = "chrony,auditd,openssh-server,openssl,kmod,udev,nvme-cli,sudo"
BUILD_TIMEOUT_S = 1200
COPY_TIMEOUT_S = 300


def _build(root: Path) -> None:
    staging = root.with_name(root.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    done = subprocess.run(
        ["debootstrap", "--variant=minbase", f"--include={INCLUDE}", SUITE, str(staging), MIRROR],
        capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False,
    )
    if done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        pytest.fail(f"debootstrap failed ({done.returncode}): {done.stderr[-2000:]}")
    staging.rename(root)


@pytest.fixture(scope="session")
def pristine_root() -> Path:
    if os.geteuid() != 0:
        pytest.skip("the @chroot target needs root")
    root = CACHE / f"{SUITE}-root"
    if not (root / "etc" / "os-release").is_file():
        if shutil.which("debootstrap") is None:
            pytest.skip("no cached root and no debootstrap (apt-get install debootstrap)")
        CACHE.mkdir(parents=True, exist_ok=True)
        with (CACHE / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (root / "etc" / "os-release").is_file():
                _build(root)
    return root


@pytest.fixture
def target_root(pristine_root: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the cached root."""
    root = tmp_path / "root"
    subprocess.run(["cp", "-a", "--reflink=auto", str(pristine_root), str(root)],
                   check=True, timeout=COPY_TIMEOUT_S)
    yield root
    shutil.rmtree(root, ignore_errors=True)
