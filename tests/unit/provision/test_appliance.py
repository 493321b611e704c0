"""SM-suite IPsec appliance configurations from the model (R-NET-04, R-SEC-01)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from medcloud.components.derive import inter_centre_links, link_args

from medcloud.cli import main
from medcloud.ipam import plan
from medcloud.model import Region
from medcloud.provision.appliance.intent import PeerAddressError, build_intents, psk_marker
from medcloud.provision.appliance.render import drift, render
from medcloud.provision.switch.parser import parse
from medcloud.stacks import load

ROOT = Path(__file__).resolve().parents[3]
#: AliCloud VPN gateway addresses as `pulumi stack output drLinkEndpoints --json` gives them.
DEV_ENDPOINTS = {"gz-cd-telecom": {"cd-dr": "192.0.2.41"}, "gz-cd-unicom": {"cd-dr": "192.0.2.42"}}


def _region(stack: str) -> Region:
    return load(stack, ROOT).region


def test_dev_appliance_terminates_both_carriers_to_alicloud_with_the_link_keys() -> None:
    region = _region("dev")
    (gz,) = build_intents(region, plan(region), DEV_ENDPOINTS)
    assert gz.name == "gz-fw-01" and [t.link for t in gz.tunnels] == ["gz-cd-telecom", "gz-cd-unicom"]
    text = render(gz)
    tree = parse(text)
    for t in gz.tunnels:
        assert t.auth == "pre-shared-key"
        proposal = tree.child(f"ike proposal {t.index}")
        assert proposal is not None
        assert {c.line for c in proposal.children} >= {
            "encryption-algorithm sm4-cbc", "authentication-algorithm sm3", "authentication-method pre-share",
        }
        transform = tree.child(f"ipsec transform-set {t.link}")
        assert transform is not None and transform.child("esp encryption-algorithm sm4-cbc") is not None
        assert psk_marker(t.link) in text
        assert f"remote-address {t.peer_address}" in text and f"local-address {t.local_address}" in text
    # The telecom and unicom tunnels leave from their own uplinks, each applying the policy.
    assert [t.uplink_interface for t in gz.tunnels] == ["Route-Aggregation1", "Route-Aggregation3"]
    for uplink in gz.uplinks:
        interface = tree.child(f"interface {uplink}")
        assert interface is not None and interface.child("ipsec apply policy medcloud") is not None
    assert "key simple <<medcloud-secret:ipsecPsk-gz-cd-unicom/psk>>" in text


def test_the_inside_address_is_the_next_hop_neutron_routes_to() -> None:
    region = _region("ref002")
    addresses = plan(region)
    intents = {i.centre: i for i in build_intents(region, addresses)}
    for link in inter_centre_links(region):
        args = link_args(region, link, addresses)
        for side in (args.a, args.b):
            if side.appliance_address is not None:
                intent = intents[side.centre]
                assert side.next_hop == str(intent.inside_address)
                tunnel = next(t for t in intent.tunnels if t.link == link.name)
                assert side.appliance_address == str(tunnel.local_address)
                assert intent.inside_address in intent.transit and intent.router_address in intent.transit
                assert intent.inside_address != intent.router_address


def test_appliance_to_appliance_tunnels_use_sm2_certificates_and_need_no_outputs() -> None:
    region = _region("ref002")
    intents = {i.name: i for i in build_intents(region, plan(region))}
    assert set(intents) == {"py-fw-01", "ga-fw-01"}
    py, ga = intents["py-fw-01"], intents["ga-fw-01"]
    for here, there in ((py, ga), (ga, py)):
        # Each carrier's tunnel joins the two appliances' uplinks of that carrier (R-TOP-05).
        theirs = {t.link: t.local_address for t in there.tunnels}
        assert all(t.peer_address == theirs[t.link] for t in here.tunnels)
        assert len({t.local_address for t in here.tunnels}) == len({t.uplink_interface for t in here.tunnels}) == 2
        assert all(t.auth == "sm2-envelope" and t.psk is None for t in here.tunnels)
        text = render(here)
        assert "authentication-method sm2-de" in text and f"certificate domain {here.pki_domain}" in text
        assert "pre-share" not in text and "<<medcloud-secret" not in text
        prefixes = {(t.local_prefix, t.remote_prefix) for t in here.tunnels}
        assert prefixes == {(here.centre_prefix, there.centre_prefix)}
        assert (f"ip route-static {here.centre_prefix.network_address} {here.centre_prefix.prefixlen} "
                f"{here.router_address}") in text


def test_a_cloud_peer_without_its_address_is_a_clear_input_error() -> None:
    region = _region("dev")
    with pytest.raises(PeerAddressError, match=r"link gz-cd-telecom: .*cd-dr.*--endpoints"):
        build_intents(region, plan(region))
    with pytest.raises(PeerAddressError, match="not an IPv4 address"):
        build_intents(region, plan(region), {"gz-cd-telecom": {"cd-dr": "gw.example"}})


def test_a_running_configuration_matches_its_intent_with_device_ciphered_keys() -> None:
    region = _region("dev")
    (gz,) = build_intents(region, plan(region), DEV_ENDPOINTS)
    # The device stores the key in its own cipher form: compared by presence.
    running = render(gz).replace(psk_marker("gz-cd-telecom"), "cipher $c$3$Zm9vYmFyYmF6cXV4") \
        .replace("key simple", "key")
    assert drift(gz, running) == []


def test_drift_names_missing_and_foreign_tunnel_settings() -> None:
    region = _region("dev")
    (gz,) = build_intents(region, plan(region), DEV_ENDPOINTS)
    running = render(gz).replace(" esp encryption-algorithm sm4-cbc\n", " esp encryption-algorithm aes-cbc-256\n", 1)
    running += "#\nipsec policy medcloud 990 isakmp\n remote-address 192.0.2.99\n#\n"
    found = [str(d) for d in drift(gz, running)]
    assert "- [ipsec transform-set gz-cd-telecom] esp encryption-algorithm sm4-cbc" in found
    assert "+ [top level] ipsec policy medcloud 990 isakmp" in found


def test_cli_renders_and_diffs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["appliance", "render", "ref002", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["ga-fw-01.cfg", "py-fw-01.cfg"]
    assert main(["appliance", "diff", "ref002", "--running", str(out)]) == 0
    (out / "ga-fw-01.cfg").unlink()
    assert main(["appliance", "diff", "ref002", "--running", str(out)]) == 1
    assert "ga-fw-01: no running configuration" in capsys.readouterr().out


def test_cli_takes_stack_outputs_and_refuses_bad_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({"drLinkEndpoints": DEV_ENDPOINTS, "vpcIds": {}}))
    assert main(["appliance", "render", "dev", "--out", str(tmp_path / "o"), "--endpoints", str(outputs)]) == 0
    capsys.readouterr()
    outputs.write_text("[1, 2]")
    assert main(["appliance", "render", "dev", "--out", str(tmp_path / "o"), "--endpoints", str(outputs)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "outputs.json: --endpoints" in err and "Traceback" not in err
    assert main(["appliance", "render", "dev", "--out", str(tmp_path / "o")]) == 2
    assert "--endpoints" in capsys.readouterr().err
