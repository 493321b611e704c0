"""Parsing VRP/Comware configurations and diffing intended vs running (R-NET-03, R-HW-06)."""

from __future__ import annotations

from medcloud.hardware.inventory import Inventory

from medcloud.model import Region
from medcloud.provision.switch.diff import Drift, DriftKind, diff
from medcloud.provision.switch.intent import SwitchIntent, build_intents
from medcloud.provision.switch.parser import SECRET, normalise, parse
from medcloud.provision.switch.render import render

from .conftest import FIXTURES, REFERENCE

RUNNING = FIXTURES / "running"


def _intent(region: Region, inventory: Inventory, name: str) -> SwitchIntent:
    return next(i for i in build_intents(region, inventory, REFERENCE["dev"]) if i.name == name)


def test_vrp_views_nest_by_indentation() -> None:
    tree = parse((RUNNING / "gz-leaf-01.cfg").read_text())
    bgp = tree.find("bgp 65010")[0]
    evpn = bgp.child("l2vpn-family evpn")
    assert evpn is not None and evpn.child("peer 10.64.254.10 enable") is not None
    bd = tree.child("bridge-domain 10110")
    assert bd is not None
    assert [c.line for c in bd.children] == ["l2 binding vlan 110", "vxlan vni 10110", "evpn"]
    # `!` header lines and `return` carry nothing.
    assert not tree.find("!Software") and not tree.find("return")


def test_comware_global_commands_are_top_level_despite_their_indent() -> None:
    tree = parse((RUNNING / "fs-leaf-01.cfg").read_text())
    assert tree.child("sysname fs-leaf-01") is not None
    assert tree.child("ntp-service enable") is not None
    assert tree.child("m-lag system-number 1") is not None
    bagg = tree.child("interface Bridge-Aggregation11")
    assert bagg is not None
    si = bagg.child("service-instance 110")
    assert si is not None and [c.line for c in si.children] == ["encapsulation s-vid 110", "xconnect vsi vsi110"]


def test_secrets_compare_by_presence() -> None:
    intended = "snmp-agent usm-user v3 medcloud authentication-mode sha2-256 cipher <<medcloud-secret:snmp/auth_key>>"
    running = "snmp-agent usm-user v3 medcloud authentication-mode sha2-256 cipher %^%#K9wh6&G!l1N%TjF5eQ%^%#"
    assert normalise(intended) == normalise(running) == (
        f"snmp-agent usm-user v3 medcloud authentication-mode sha2-256 {SECRET}")
    comware_typed = "password simple <<medcloud-secret:net-admin/password>>"
    comware_shown = "password hash $h$6$Rq2SAcC3pDxWH2Jp$dpY/Gq5yTzZrO1=="
    assert normalise(comware_typed) == normalise(comware_shown) == f"password {SECRET}"
    assert normalise("snmp-agent community read cipher public acl 2000") == (
        f"snmp-agent community read {SECRET} acl 2000")


def test_saved_running_configs_are_in_sync(dev_region: Region, dev_inventory: Inventory) -> None:
    for name in ("gz-leaf-01", "fs-leaf-01"):
        intent = _intent(dev_region, dev_inventory, name)
        running = parse((RUNNING / f"{name}.cfg").read_text())
        assert diff(parse(render(intent)), running) == [], name


def test_drift_is_reported_section_by_section(dev_region: Region, dev_inventory: Inventory) -> None:
    intent = _intent(dev_region, dev_inventory, "gz-leaf-01")
    text = (RUNNING / "gz-leaf-01.cfg").read_text()
    drifted = (
        text.replace("vlan batch 110 120 130 140", "vlan batch 110 120 130 140 999")
        .replace("#\nvlan 140\n name management\n", "#\nvlan 140\n name mgmt-old\n#\nvlan 999\n")
        .replace(" vni 10130 head-end peer-list protocol bgp\n", "")
        .replace("ntp-service unicast-server 10.64.0.11\n", "ntp-service unicast-server 10.64.0.11\n"
                 "ntp-service unicast-server 203.0.113.5\n")
        .replace("  peer 10.64.254.10 enable\n", "  peer 10.64.254.10 enable\n  peer 10.64.254.99 enable\n")
    )
    found = set(diff(parse(render(intent)), parse(drifted)))
    assert found == {
        Drift(DriftKind.MISSING, (), "vlan batch 110 120 130 140"),
        Drift(DriftKind.UNEXPECTED, (), "vlan batch 110 120 130 140 999"),
        Drift(DriftKind.MISSING, ("vlan 140",), "name management"),
        Drift(DriftKind.UNEXPECTED, ("vlan 140",), "name mgmt-old"),
        Drift(DriftKind.UNEXPECTED, (), "vlan 999"),
        Drift(DriftKind.MISSING, ("interface Nve1",), "vni 10130 head-end peer-list protocol bgp"),
        Drift(DriftKind.UNEXPECTED, (), "ntp-service unicast-server 203.0.113.5"),
        Drift(DriftKind.UNEXPECTED, ("bgp 65010", "l2vpn-family evpn"), "peer 10.64.254.99 enable"),
    }


def test_device_defaults_outside_owned_families_are_not_drift(dev_region: Region,
                                                              dev_inventory: Inventory) -> None:
    intent = _intent(dev_region, dev_inventory, "fs-leaf-01")
    text = (RUNNING / "fs-leaf-01.cfg").read_text() + "#\n ip http enable\n#\nvlan 1\n#\n"
    drift = diff(parse(render(intent)), parse(text))
    # `ip http enable` is not ours; a stray `vlan 1` section is (medcloud owns every VLAN).
    assert [str(d) for d in drift] == ["+ [top level] vlan 1"]


def test_missing_mlag_peer_link_is_drift(dev_region: Region, dev_inventory: Inventory) -> None:
    intent = _intent(dev_region, dev_inventory, "fs-leaf-01")
    text = (RUNNING / "fs-leaf-01.cfg").read_text().replace(" port m-lag peer-link 1\n", "")
    drift = diff(parse(render(intent)), parse(text))
    assert [str(d) for d in drift] == ["- [interface Bridge-Aggregation1] port m-lag peer-link 1"]
