"""The OS baseline as pyinfra operations (R-HW-04, R-SEC-05, R-SEC-07, R-NET-04).

:func:`add_baseline` adds, for one host, the operations that bring it to its
:class:`~medcloud.provision.os.baseline.HostBaseline`.  Every step is a
file, a package set or a policy compared with the target's facts, so a
second run has nothing to do.

*Runtime* steps (reloading sysctl, udev, auditd, chrony, sshd) act on the
running kernel and services.  They run only after their file changed, and
only on targets that are running systems: a chroot (the integration test's
target, or an image being built) shares the builder's kernel, so its
runtime steps are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from functools import partial
from io import StringIO
from typing import Any

from pyinfra.api.command import StringCommand
from pyinfra.api.host import Host
from pyinfra.api.operation import OperationMeta, add_op, operation
from pyinfra.api.state import State
from pyinfra.context import host as current_host
from pyinfra.facts.deb import DebPackages
from pyinfra.facts.files import Directory
from pyinfra.operations import apt, dnf, files, systemd

from medcloud.provision.operations.config import crypto_policy, edit
from medcloud.provision.operations.facts import HugepageSizeKib
from medcloud.provision.os import baseline as bl
from medcloud.provision.os.edits import openssl_tls_floor, sshd_include_first
from medcloud.provision.os.families import PackageManager, TlsMechanism


@dataclass
class Step:
    """One operation of the deploy, for one host."""

    label: str
    meta: OperationMeta
    #: A runtime step runs only when this earlier step changed something.
    after: Step | None = None


@dataclass
class HostDeploy:
    host: Host
    baseline: bl.HostBaseline
    runtime: bool
    steps: list[Step] = field(default_factory=list)
    #: What the operator should know about this host's run (steps left out and why).
    notes: list[str] = field(default_factory=list)


@operation()
def packages(names: list[str], manager: str) -> Generator[Any, None, None]:
    """Install missing packages; refresh apt's index only when something is missing.

    pyinfra's ``apt.packages(update=True)`` refreshes on every run, which would
    make every run report a change.
    """
    if manager == PackageManager.APT:
        installed = current_host.get_fact(DebPackages) or {}
        missing = [name for name in names if name not in installed]
        if not missing:
            current_host.noop(f"packages {', '.join(names)} are installed")
            return
        yield StringCommand("apt-get", "update")
        yield from apt.packages._inner(packages=missing)
    else:
        yield from dnf.packages._inner(packages=names)


@operation()
def run_after_change(commands: list[str]) -> Generator[Any, None, None]:
    """Commands that apply a changed file to the running system."""
    yield from commands


def _one(results: dict[Host, OperationMeta], host: Host) -> OperationMeta:
    return results[host]


def add_baseline(state: State, deploy: HostDeploy) -> HostDeploy:
    """Add the baseline operations for ``deploy.host`` to ``state``."""
    host, plan = deploy.host, deploy.baseline
    profile = plan.family.profile
    if deploy.runtime and host.get_fact(Directory, path="/run/systemd/system") is None:
        # A rescue system or container: files are still managed, services cannot be.
        deploy.runtime = False
        deploy.notes.append("systemd is not running: service and kernel steps left out")

    def step(label: str, op: Any, *args: Any, after: Step | None = None, **kwargs: Any) -> Step:
        if after is not None:
            kwargs["_if"] = after.meta.did_change
        meta = _one(add_op(state, op, *args, host=host, name=label, **kwargs), host)
        made = Step(label, meta, after)
        deploy.steps.append(made)
        return made

    def runtime(label: str, commands: list[str], after: Step) -> None:
        if deploy.runtime:
            step(label, run_after_change, commands, after=after)

    put: Callable[..., Step] = partial(step, op=files.put)

    step(f"package sources ({plan.family.value})", files.put,
         src=StringIO(plan.repo_file()), dest=profile.repo_file, mode="644")
    step("baseline packages", packages, list(plan.packages), profile.package_manager.value)

    hugepage_kib = host.get_fact(HugepageSizeKib) or bl.DEFAULT_HUGEPAGE_KIB
    hugepages = f", {plan.hugepages_gib} GiB hugepages" if plan.hugepages_gib else ""
    sysctl = put(f"sysctl: storage, network{hugepages}",
                 src=StringIO(plan.sysctl_conf(hugepage_kib)), dest=bl.FILE_SYSCTL, mode="644")
    runtime("sysctl: apply", [f"sysctl -p {bl.FILE_SYSCTL}"], sysctl)

    udev = put("NVMe: I/O scheduler none", src=StringIO(plan.nvme_udev_rules()),
               dest=bl.FILE_NVME_UDEV, mode="644")
    put("NVMe: native multipath", src=StringIO(plan.nvme_modprobe_conf()),
        dest=bl.FILE_NVME_MODPROBE, mode="644")
    runtime("NVMe: apply udev rules",
            ["udevadm control --reload", "udevadm trigger --subsystem-match=block --action=change"], udev)

    chrony = put(f"chrony: {', '.join(plan.ntp_servers)}", src=StringIO(plan.chrony_conf()),
                 dest=profile.chrony_conf, mode="644")
    if deploy.runtime:
        step("chrony: running and enabled", systemd.service, service=profile.chrony_service,
             running=True, enabled=True)
    runtime("chrony: restart", [f"systemctl restart {profile.chrony_service}"], chrony)

    audit = put("auditd: R-SEC-05/R-SEC-07 rules", src=StringIO(plan.audit_rules()),
                dest=bl.FILE_AUDIT, mode="640")
    runtime("auditd: load rules", ["augenrules --load"], audit)

    include = step("sshd: read drop-ins first", edit, path="/etc/ssh/sshd_config",
                   editor=sshd_include_first, mode="600")
    sshd = put("sshd: hardening", src=StringIO(plan.sshd_conf()), dest=bl.FILE_SSHD, mode="600")
    runtime("sshd: validate and reload",
            ["sshd -t", f"systemctl reload {profile.ssh_service}"], sshd)
    runtime("sshd: validate and reload for include", ["sshd -t", f"systemctl reload {profile.ssh_service}"], include)

    tls = "TLS 1.3 only" if plan.tls13_only else "distribution default"
    if profile.tls is TlsMechanism.CRYPTO_POLICIES:
        module = put("crypto policy module MEDCLOUD-TLS13", src=StringIO(plan.crypto_policy_module()),
                     dest=bl.FILE_CRYPTO_MODULE, mode="644")
        step(f"crypto policy: {tls}", crypto_policy, tls13_only=plan.tls13_only, module=module.meta)
    else:
        step(f"openssl: {tls}", edit, path="/etc/ssl/openssl.cnf",
             editor=partial(openssl_tls_floor, tls13_only=plan.tls13_only), mode="644")
    return deploy
