"""The OS baseline of one server, planned from the region model.

:func:`plan_baseline` is pure: region + node name + OS family in, a frozen
:class:`HostBaseline` out.  The files it renders are what the deploy uploads,
so unit tests can read exactly what a server will get without running pyinfra.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import jinja2

from medcloud.errors import PlanError as PlanError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.model import Centre, Pool, Region
from medcloud.model.standards import DATA_LEVELS
from medcloud.provision.os.families import OsFamily, PackageManager

#: Binaries whose use by a logged-in person is a privileged command (R-SEC-07).
PRIVILEGED_COMMANDS = (
    "/usr/bin/sudo", "/usr/bin/su", "/usr/bin/passwd", "/usr/bin/chage", "/usr/bin/gpasswd",
    "/usr/bin/newgrp", "/usr/sbin/usermod", "/usr/sbin/useradd", "/usr/sbin/userdel",
    "/usr/sbin/groupmod", "/usr/bin/crontab", "/usr/bin/mount", "/usr/bin/umount",
    "/usr/sbin/insmod", "/usr/sbin/rmmod", "/usr/sbin/modprobe",
)
#: Tools that change network policy (R-SEC-07).
NETWORK_TOOLS = (
    "/usr/sbin/ip", "/usr/sbin/nft", "/usr/sbin/iptables", "/usr/sbin/ip6tables",
    "/usr/bin/nmcli", "/usr/bin/firewall-cmd", "/usr/sbin/ethtool",
)
#: Hugepage size when the target does not report one (x86-64 and 4 KiB-page aarch64 kernels).
DEFAULT_HUGEPAGE_KIB = 2048

FILE_SYSCTL = "/etc/sysctl.d/90-medcloud.conf"
FILE_AUDIT = "/etc/audit/rules.d/90-medcloud.rules"
FILE_SSHD = "/etc/ssh/sshd_config.d/90-medcloud.conf"
FILE_NVME_UDEV = "/etc/udev/rules.d/60-medcloud-nvme.rules"
FILE_NVME_MODPROBE = "/etc/modprobe.d/medcloud-nvme.conf"
FILE_CRYPTO_MODULE = "/etc/crypto-policies/policies/modules/MEDCLOUD-TLS13.pmod"


@dataclass(frozen=True)
class HostBaseline:
    host: str
    family: OsFamily
    centre: str
    pool: str
    ntp_servers: tuple[str, ...]
    hugepages_gib: int
    #: R-NET-04: TLS 1.3 only, because a system in this pool needs it.
    tls13_only: bool
    tls_reason: str
    repo_mirror: str
    repo_release: str

    @property
    def packages(self) -> tuple[str, ...]:
        return self.family.profile.packages

    def nr_hugepages(self, hugepage_kib: int) -> int:
        return self.hugepages_gib * 1024 * 1024 // hugepage_kib

    def sysctl_conf(self, hugepage_kib: int = DEFAULT_HUGEPAGE_KIB) -> str:
        return _render("sysctl.conf.j2", b=self, hugepage_kib=hugepage_kib,
                       nr_hugepages=self.nr_hugepages(hugepage_kib))

    def chrony_conf(self) -> str:
        return _render("chrony.conf.j2", b=self)

    def audit_rules(self) -> str:
        return _render("audit.rules.j2", b=self, privileged=PRIVILEGED_COMMANDS,
                       network_tools=NETWORK_TOOLS, network_paths=self.family.profile.network_paths)

    def sshd_conf(self) -> str:
        return _render("sshd.conf.j2", b=self)

    def nvme_udev_rules(self) -> str:
        return _render("nvme.rules.j2", b=self)

    def nvme_modprobe_conf(self) -> str:
        return _render("nvme-modprobe.conf.j2", b=self)

    def repo_file(self) -> str:
        manager = self.family.profile.package_manager
        return _render("repo-dnf.repo.j2" if manager is PackageManager.DNF else "repo-apt.list.j2", b=self)

    def crypto_policy_module(self) -> str:
        return _render("crypto-policy.pmod.j2", b=self)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("medcloud.provision.os", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # configuration files, not HTML
    )


def _render(template: str, **context: object) -> str:
    return _environment().get_template(template).render(**context)


def locate_node(region: Region, node: str) -> tuple[Centre, Pool]:
    """The centre and pool holding ``node``; :class:`PlanError` if the region has no such node."""
    for centre in region.centres:
        for pool in centre.pools:
            if any(n.name == node for n in pool.nodes):
                return centre, pool
    raise PlanError(f"region {region.name}: no node named {node!r} in any pool")


def tls_requirement(region: Region, centre: Centre, pool: Pool) -> tuple[bool, str]:
    """Whether the pool must refuse anything below TLS 1.3, and why (R-NET-04, R-DC-01).

    A pool runs TLS 1.3 only when a system placed in it declares ``tls_min: 1.3``
    or holds data of a level whose encryption is mandatory.
    """
    reasons = []
    for system in region.systems:
        if not any(p.centre == centre.name and p.pool == pool.name for p in system.placements):
            continue
        if system.protection.tls_min == "1.3":
            reasons.append(f"{system.name} declares tls_min 1.3")
        elif DATA_LEVELS[system.data_level].encryption_required:
            reasons.append(f"{system.name} holds level-{system.data_level} data")
    if reasons:
        return True, "R-NET-04: " + "; ".join(reasons)
    return False, "no system in the pool requires TLS 1.3"


def plan_baseline(
    region: Region,
    node: str,
    family: OsFamily,
    *,
    repo_mirror: str | None = None,
    repo_release: str | None = None,
) -> HostBaseline:
    centre, pool = locate_node(region, node)
    if not centre.ntp_servers:
        raise PlanError(f"region {region.name}: centre {centre.name} has no ntp_servers; "
                        f"node {node} cannot be given a time source")
    tls13, reason = tls_requirement(region, centre, pool)
    default = family.profile.repo
    return HostBaseline(
        host=node,
        family=family,
        centre=centre.name,
        pool=pool.name,
        ntp_servers=tuple(centre.ntp_servers),
        hugepages_gib=pool.hugepages_gib,
        tls13_only=tls13,
        tls_reason=reason,
        repo_mirror=(repo_mirror or default.mirror).rstrip("/"),
        repo_release=repo_release or default.release,
    )
