"""Domestic server OS families (R-HW-04) and what differs between them.

openEuler and Kylin Server V10 are RPM systems managed with dnf; UOS server
(the Debian-based edition) is managed with apt.  Everything the baseline does
differently per family — package names, file locations, the repository file,
how the TLS floor is enforced — is looked up here, so the deploy itself has no
``if family == …`` branches scattered through it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class PackageManager(StrEnum):
    DNF = "dnf"
    APT = "apt"


class TlsMechanism(StrEnum):
    """How a family sets the system-wide TLS floor (R-NET-04)."""

    #: RHEL-style crypto-policies: a policy module plus ``update-crypto-policies``.
    CRYPTO_POLICIES = "crypto-policies"
    #: Debian-style: the ``system_default`` section of ``/etc/ssl/openssl.cnf``.
    OPENSSL_CNF = "openssl-cnf"


class OsFamily(StrEnum):
    OPENEULER = "openeuler"
    KYLIN = "kylin"
    UOS = "uos"

    @property
    def profile(self) -> FamilyProfile:
        return _PROFILES[self]


@dataclass(frozen=True)
class RepoDefault:
    """The vendor's public repository layout; hospitals override ``mirror`` with an internal one."""

    mirror: str
    release: str


@dataclass(frozen=True)
class FamilyProfile:
    package_manager: PackageManager
    tls: TlsMechanism
    packages: tuple[str, ...]
    chrony_conf: str
    chrony_service: str
    ssh_service: str
    repo_file: str
    repo: RepoDefault
    #: Files whose change counts as a network-policy change (R-SEC-07).
    network_paths: tuple[str, ...]
    #: The ``os-release`` IDs this family answers to.
    os_ids: tuple[str, ...]


_RPM_NETWORK = ("/etc/sysconfig/network-scripts", "/etc/NetworkManager", "/etc/hosts", "/etc/sysconfig/nftables.conf")
_DEB_NETWORK = ("/etc/network", "/etc/NetworkManager", "/etc/hosts", "/etc/nftables.conf")

#: openEuler and Kylin V10 share the RHEL layout; they differ only in their repository and IDs.
_OPENEULER = FamilyProfile(
    package_manager=PackageManager.DNF,
    tls=TlsMechanism.CRYPTO_POLICIES,
    packages=("chrony", "audit", "openssh-server", "nvme-cli", "crypto-policies"),
    chrony_conf="/etc/chrony.conf",
    chrony_service="chronyd",
    ssh_service="sshd",
    repo_file="/etc/yum.repos.d/medcloud-openeuler.repo",
    repo=RepoDefault("https://repo.openeuler.org", "openEuler-22.03-LTS-SP3"),
    network_paths=_RPM_NETWORK,
    os_ids=("openEuler",),
)

_PROFILES: dict[OsFamily, FamilyProfile] = {
    OsFamily.OPENEULER: _OPENEULER,
    OsFamily.KYLIN: replace(
        _OPENEULER,
        repo_file="/etc/yum.repos.d/medcloud-kylin.repo",
        repo=RepoDefault("https://update.cs2c.com.cn/NS/V10", "V10SP3"),
        os_ids=("kylin",),
    ),
    OsFamily.UOS: FamilyProfile(
        package_manager=PackageManager.APT,
        tls=TlsMechanism.OPENSSL_CNF,
        packages=("chrony", "auditd", "openssh-server", "nvme-cli"),
        chrony_conf="/etc/chrony/chrony.conf",
        chrony_service="chrony",
        ssh_service="ssh",
        repo_file="/etc/apt/sources.list.d/medcloud-uos.list",
        repo=RepoDefault("https://professional-packages.chinauos.com/server-enterprise", "fou/sp3"),
        network_paths=_DEB_NETWORK,
        # UOS derives from Debian; a Debian root stands in for it in the integration test.
        os_ids=("uos", "deepin", "debian"),
    ),
}


def family_for_os_id(os_id: str) -> OsFamily | None:
    """The family an ``/etc/os-release`` ``ID`` belongs to, if any."""
    for family, profile in _PROFILES.items():
        if os_id in profile.os_ids:
            return family
    return None
