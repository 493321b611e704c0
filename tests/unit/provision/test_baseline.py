"""The OS baseline planned from the region (R-HW-04, R-NET-04, R-SEC-05, R-SEC-07)."""

from __future__ import annotations

import pytest

from medcloud.model import Region
from medcloud.provision.operations.facts import parse_crypto_policy, parse_hugepage_size
from medcloud.provision.os.baseline import PlanError, plan_baseline, tls_requirement
from medcloud.provision.os.families import OsFamily, family_for_os_id


def test_node_takes_pool_hugepages_and_centre_ntp(dev_region: Region) -> None:
    plan = plan_baseline(dev_region, "gz-kp-01", OsFamily.OPENEULER)
    assert (plan.centre, plan.pool) == ("gz-prod", "core-gold")
    assert plan.ntp_servers == ("10.64.0.10", "10.64.0.11")
    assert plan.hugepages_gib == 64
    chrony = plan.chrony_conf()
    assert "server 10.64.0.10 iburst\nserver 10.64.0.11 iburst\n" in chrony
    assert "pool " not in chrony  # no public pool: the centre's servers only


@pytest.mark.parametrize(("page_kib", "pages"), [(2048, 32768), (524288, 128)])
def test_hugepage_count_follows_the_kernel_page_size(dev_region: Region, page_kib: int, pages: int) -> None:
    # 64 GiB of 2 MiB pages on x86/4K-page aarch64, of 512 MiB pages on 64K-page aarch64 kernels.
    plan = plan_baseline(dev_region, "gz-kp-01", OsFamily.KYLIN)
    assert f"vm.nr_hugepages = {pages}\n" in plan.sysctl_conf(page_kib)


def test_pool_without_hugepages_sets_none(dev_region: Region) -> None:
    plan = plan_baseline(dev_region, "gz-hg-01", OsFamily.OPENEULER)
    assert "nr_hugepages" not in plan.sysctl_conf()
    assert "net.core.rmem_max = 268435456" in plan.sysctl_conf()


def test_r_net_04_tls13_where_systems_need_it(dev_region: Region) -> None:
    core = plan_baseline(dev_region, "gz-kp-01", OsFamily.UOS)
    assert core.tls13_only
    assert core.tls_reason.startswith("R-NET-04: his declares tls_min 1.3")
    # The management pool hosts no system: nothing requires TLS 1.3 there.
    centre = dev_region.centre("gz-prod")
    assert centre is not None
    mgmt = centre.pool("mgmt-silver")
    assert mgmt is not None
    assert tls_requirement(dev_region, centre, mgmt) == (False, "no system in the pool requires TLS 1.3")


def test_r_net_04_encryption_mandatory_level_forces_tls13(dev_region: Region) -> None:
    # A level-3 system that (wrongly) declares tls_min 1.2 still gets TLS 1.3: SM4 is mandatory at level 3.
    system = dev_region.systems[3].model_copy(update={"data_level": 3, "protection": dev_region.systems[3]
                                              .protection.model_copy(update={"tls_min": "1.2"})})
    region = dev_region.model_copy(update={"systems": [system]})
    centre = region.centre("gz-prod")
    assert centre is not None
    pool = centre.pool("research-bronze")
    assert pool is not None
    assert tls_requirement(region, centre, pool) == (True, "R-NET-04: research holds level-3 data")


def test_r_sec_07_audit_rules_key_privileged_and_network_changes(dev_region: Region) -> None:
    rules = plan_baseline(dev_region, "gz-kp-01", OsFamily.OPENEULER).audit_rules().splitlines()
    assert "-a always,exit -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -F auid!=unset -k medcloud-privileged" in rules
    assert "-w /usr/sbin/ip -p x -k medcloud-network" in rules
    assert "-w /etc/sysconfig/network-scripts -p wa -k medcloud-network" in rules
    # R-SEC-05: the log and the rules are watched, and the rule set is locked last.
    assert "-w /var/log/audit/ -p wa -k medcloud-audit-log" in rules
    assert rules[-1] == "-e 2"


def test_debian_family_watches_its_own_network_files(dev_region: Region) -> None:
    rules = plan_baseline(dev_region, "gz-kp-01", OsFamily.UOS).audit_rules()
    assert "-w /etc/network -p wa -k medcloud-network" in rules
    assert "network-scripts" not in rules


def test_ssh_hardening_refuses_passwords(dev_region: Region) -> None:
    sshd = plan_baseline(dev_region, "gz-kp-01", OsFamily.UOS).sshd_conf().splitlines()
    assert "PasswordAuthentication no" in sshd
    assert "PermitRootLogin prohibit-password" in sshd


@pytest.mark.parametrize(("family", "expected"), [
    (OsFamily.OPENEULER, "baseurl=https://mirror.example.cn/openEuler-22.03-LTS-SP3/everything/$basearch/"),
    (OsFamily.KYLIN, "baseurl=https://mirror.example.cn/V10SP3/os/adv/lic/base/$basearch/"),
    (OsFamily.UOS, "deb https://mirror.example.cn fou/sp3 main contrib non-free"),
])
def test_package_sources_per_family(dev_region: Region, family: OsFamily, expected: str) -> None:
    plan = plan_baseline(dev_region, "gz-kp-01", family, repo_mirror="https://mirror.example.cn/")
    assert expected in plan.repo_file().splitlines()


def test_nvme_scheduler_and_native_multipath(dev_region: Region) -> None:
    plan = plan_baseline(dev_region, "gz-kp-01", OsFamily.OPENEULER)
    assert 'ATTR{queue/scheduler}="none"' in plan.nvme_udev_rules()
    assert "options nvme_core multipath=Y" in plan.nvme_modprobe_conf()


def test_unknown_node_is_a_plan_error(dev_region: Region) -> None:
    with pytest.raises(PlanError, match="region dev: no node named 'gz-nope-01' in any pool"):
        plan_baseline(dev_region, "gz-nope-01", OsFamily.UOS)


def test_centre_without_ntp_is_a_plan_error(dev_region: Region) -> None:
    centres = [c.model_copy(update={"ntp_servers": []}) if c.name == "fs-aa" else c for c in dev_region.centres]
    region = dev_region.model_copy(update={"centres": centres})
    with pytest.raises(PlanError, match="centre fs-aa has no ntp_servers"):
        plan_baseline(region, "fs-kp-01", OsFamily.UOS)


def test_family_from_os_release_id() -> None:
    assert family_for_os_id("openEuler") is OsFamily.OPENEULER
    assert family_for_os_id("kylin") is OsFamily.KYLIN
    assert family_for_os_id("uos") is OsFamily.UOS
    assert family_for_os_id("centos") is None


def test_fact_parsers() -> None:
    # /proc/meminfo lines as printed by Linux 5.10 (openEuler 22.03, 4K pages) and a 64K-page Kylin kernel.
    assert parse_hugepage_size(["Hugepagesize:       2048 kB"]) == 2048
    assert parse_hugepage_size(["Hugepagesize:     524288 kB"]) == 524288
    assert parse_hugepage_size([]) is None
    assert parse_crypto_policy(["DEFAULT:MEDCLOUD-TLS13"]) == "DEFAULT:MEDCLOUD-TLS13"
    assert parse_crypto_policy([]) is None
