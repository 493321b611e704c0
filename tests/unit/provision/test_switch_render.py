"""Switch configurations rendered from the reference regions (R-NET-02, R-NET-03, R-HW-06).

Golden files pin the exact text per vendor; the parser-based tests prove,
independently of the template text, that each file declares the VLANs, VNIs
and M-LAG pairing the model asks for.  Regenerate goldens after a deliberate
template change with ``MEDCLOUD_UPDATE_GOLDENS=1``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from medcloud.hardware.inventory import load_inventory

from medcloud.model import Region
from medcloud.provision.switch import drivers
from medcloud.provision.switch.diff import diff
from medcloud.provision.switch.intent import SwitchIntent, build_intents
from medcloud.provision.switch.parser import parse
from medcloud.provision.switch.placeholders import unresolved
from medcloud.provision.switch.render import render, summarise
from medcloud.stacks import load

from .conftest import FIXTURES, REFERENCE, ROOT

GOLDEN = FIXTURES / "golden"


def _intents(region_name: str) -> list[SwitchIntent]:
    region = load(region_name, ROOT).region
    return build_intents(region, load_inventory(REFERENCE[region_name]), REFERENCE[region_name])


ALL = [(name, intent) for name in REFERENCE for intent in _intents(name)]
IDS = [f"{name}-{intent.name}" for name, intent in ALL]


def test_every_driver_in_both_reference_regions() -> None:
    """The conformance tests below then run over every driver (a new driver folder needs a switch here)."""
    for name in REFERENCE:
        assert {i.driver for i in _intents(name)} == {d.name for d in drivers.drivers()}, name


@pytest.mark.parametrize(("region", "intent"), ALL, ids=IDS)
def test_golden(region: str, intent: SwitchIntent) -> None:
    path = GOLDEN / region / f"{intent.name}.cfg"
    text = render(intent)
    if os.environ.get("MEDCLOUD_UPDATE_GOLDENS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.is_file(), f"no golden file {path}; run with MEDCLOUD_UPDATE_GOLDENS=1"
    assert text == path.read_text()


@pytest.mark.parametrize(("region", "intent"), ALL, ids=IDS)
def test_r_net_03_rendered_config_declares_vlans_vnis_and_mlag_pair(region: str, intent: SwitchIntent) -> None:
    summary = summarise(parse(render(intent)), intent.driver)
    if intent.role == "spine":
        assert summary.vlans == frozenset() and summary.vnis == frozenset()
        return
    assert summary.vlans == {v.id for v in intent.vlans}
    assert summary.vnis == {v.vni for v in intent.vlans}
    assert summary.vni_vlan == {v.vni: v.id for v in intent.vlans}
    assert intent.mlag is not None
    assert summary.peer_link
    assert summary.mlag_peer_keepalive == intent.mlag.peer_keepalive


@pytest.mark.parametrize("region", list(REFERENCE))
def test_r_net_02_every_security_domain_has_a_vlan(region: str) -> None:
    loaded: Region = load(region, ROOT).region
    for intent in _intents(region):
        if intent.role == "spine":
            continue
        centre = loaded.centre(intent.centre)
        assert centre is not None
        domains = {p.security_domain for p in centre.pools}
        names = {v.name for v in intent.vlans}
        assert domains <= names, intent.name


@pytest.mark.parametrize("region", list(REFERENCE))
def test_mlag_pairs_agree(region: str) -> None:
    intents = {i.name: i for i in _intents(region)}
    for intent in intents.values():
        if intent.mlag is None:
            continue
        peer = intents[intent.mlag.peer]
        assert peer.mlag is not None and peer.mlag.peer == intent.name
        assert intent.mlag.primary != peer.mlag.primary
        assert intent.mlag.system_mac == peer.mlag.system_mac
        assert intent.vtep == peer.vtep
        assert intent.mlag.peer_keepalive == peer.management


@pytest.mark.parametrize(("region", "intent"), ALL, ids=IDS)
def test_secrets_are_markers_never_values(region: str, intent: SwitchIntent) -> None:
    text = render(intent)
    assert "sm4gcm:" not in text
    marked = set(unresolved(text))
    assert ("snmp-fabric", "auth_key") in marked
    assert ("snmp-fabric", "priv_key") in marked
    assert ("net-admin", "password") in marked


def test_r_hw_06_lldp_snmpv3_ntp_syslog_on_every_switch() -> None:
    for _, intent in ALL:
        tree = parse(render(intent))
        lines = {line for _, node in tree.walk() for line in [node.line]}
        assert {"lldp enable", "lldp global enable"} & lines, intent.name
        assert "snmp-agent sys-info version v3" in lines
        assert not any(line.startswith("snmp-agent community") for line in lines)
        for server in intent.ntp_servers:
            assert f"ntp-service unicast-server {server}" in lines
        for host in intent.syslog_hosts:
            assert f"info-center loghost {host}" in lines


def test_spine_reflects_evpn_routes_to_leaves() -> None:
    spine = next(i for _, i in ALL if i.role == "spine")
    bgp = parse(render(spine)).find(f"bgp {spine.asn}")[0]
    evpn = bgp.child("l2vpn-family evpn")
    assert evpn is not None
    for peer in spine.bgp_peers:
        assert evpn.child(f"peer {peer.address} reflect-client") is not None


@pytest.mark.parametrize(("region", "intent"), ALL, ids=IDS)
def test_round_trip_render_parse_diff_over_every_driver(region: str, intent: SwitchIntent) -> None:
    """Render → parse → diff: a switch running exactly the rendered file shows no drift, and one
    whose configuration lost a VLAN, or gained one medcloud owns, does (R-NET-02, R-NET-03)."""
    owned = drivers.by_name(intent.driver).owned_families()
    text = render(intent)
    assert diff(parse(text), parse(text), owned=owned) == []
    if intent.role == "spine":
        return
    vlan = intent.vlans[0]
    extra = text.replace(f"\nvlan {vlan.id}\n", f"\nvlan 3999\n#\nvlan {vlan.id}\n", 1)
    assert extra != text
    drift = diff(parse(text), parse(extra), owned=owned)
    assert [str(d) for d in drift] == ["+ [top level] vlan 3999"]
    missing = diff(parse(extra), parse(text), owned=owned)
    assert [str(d) for d in missing] == ["- [top level] vlan 3999"]
    summary = summarise(parse(text), intent.driver)
    assert summary.vlans == {v.id for v in intent.vlans}


def test_golden_directory_has_no_stale_files() -> None:
    expected = {(name, f"{intent.name}.cfg") for name, intent in ALL}
    found = {(p.parent.name, p.name) for p in GOLDEN.glob("*/*.cfg")}
    assert found == expected


def test_render_writes_each_switch_atomically(tmp_path: Path) -> None:
    from medcloud.provision.switch.render import write_all

    intents = _intents("dev")
    paths = write_all(intents, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{i.name}.cfg" for i in intents)
    assert all(p.read_text() == render(i) for p, i in zip(paths, intents, strict=True))


@pytest.mark.parametrize(("ids", "text"), [
    ([110, 120, 130], "110 120 130"),
    ([110, 111, 112, 120], "110 to 112 120"),
    ([5, 3, 4, 9, 10], "3 to 5 9 to 10"),
    ([7], "7"),
])
def test_vlan_lists_in_device_form(ids: list[int], text: str) -> None:
    from medcloud.provision.switch.render import id_ranges

    assert id_ranges(ids) == text
