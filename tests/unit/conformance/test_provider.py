"""Provider conformance: seeded bad values of each kind are reported with the rule's source.

The rules are the committed data (src/medcloud/conformance/data/*.json), read from
terraform-provider-alicloud and terraform-provider-openstack at the versions the
installed SDKs pin; every finding names that source file and line.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

import pytest

from medcloud.conformance import check
from medcloud.conformance.cloud import Node
from medcloud.conformance.provider import Checker, load, providers
from medcloud.conformance.sdk import resource_schema
from medcloud.preview.engine import UNKNOWN

GATEWAY = "alicloud:vpn/gateway:Gateway"
KEY = "alicloud:kms/key:Key"
URN = "urn:pulumi:t::medcloud::" + GATEWAY + "::gw"


def run(kind: str, inputs: dict[str, Any], revealed: dict[str, Any] | None = None) -> Checker:
    checker = Checker()
    checker.check(URN, kind, inputs, revealed)
    return checker


def good_gateway(**extra: Any) -> dict[str, Any]:
    return {"vpcId": UNKNOWN, "bandwidth": 200, "vpnType": "NationalStandard", **extra}


def test_a_conformant_resource_has_no_findings() -> None:
    assert run(GATEWAY, good_gateway(paymentType="Subscription", period=12)).findings == []


def test_enum_value_outside_the_providers_list_cites_the_go_source() -> None:
    [finding] = run(GATEWAY, good_gateway(vpnType="Quantum")).findings
    assert (finding.property, finding.value, finding.rule, finding.kind) == ("vpnType", "Quantum", "in", "provider")
    assert '"NationalStandard"' in finding.allowed
    assert finding.source.startswith("terraform-provider-alicloud ")
    assert "alicloud/resource_alicloud_vpn_gateway.go:" in finding.source
    assert finding.urn in finding.line() and "Quantum" in finding.line()


def test_ignore_case_enums_accept_any_case() -> None:
    assert run(GATEWAY, good_gateway(networkType="PUBLIC")).findings == []


def test_range_and_any_of_ranges() -> None:
    [finding] = run(GATEWAY, good_gateway(period=10)).findings
    assert finding.rule == "any" and "1..9" in finding.allowed
    [window] = run(KEY, {"pendingWindowInDays": 3}).findings
    assert (window.property, window.rule, window.allowed) == ("pendingWindowInDays", "range", "int 7..366")


def test_conflicting_properties() -> None:
    findings = run(GATEWAY, good_gateway(paymentType="PayAsYouGo", instanceChargeType="PostPaid")).findings
    assert {(f.property, f.rule) for f in findings} == {("paymentType", "conflicts_with")}
    assert "instanceChargeType" in findings[0].allowed


def test_required_unknown_property_and_type_come_from_the_installed_sdk_schema() -> None:
    findings = run(GATEWAY, {"vpcId": "vpc-1", "bandwidth": "fast", "colour": "blue"}).findings
    assert {(f.property, f.rule, f.kind) for f in findings} == {
        ("bandwidth", "type", "schema"), ("colour", "unknown-property", "schema")}
    [missing] = run(GATEWAY, {"vpcId": "vpc-1"}).findings
    assert (missing.property, missing.rule) == ("bandwidth", "required")
    assert f"pulumi-alicloud {metadata.version('pulumi-alicloud')}" in missing.source


def test_values_unknown_at_preview_are_skipped_as_the_engine_does() -> None:
    assert run(GATEWAY, good_gateway(vpnType=UNKNOWN, period=UNKNOWN, instanceChargeType=UNKNOWN,
                                     paymentType="Subscription")).findings == []


def test_secrets_are_checked_on_their_value_and_never_printed() -> None:
    value = "Aliyun_SECRET_SPEC_xyz"
    checker = run(KEY, {"keySpec": "[secret]"}, {"keySpec": value})
    [finding] = checker.findings
    assert finding.value == "[secret]"
    assert value not in finding.line() and value not in str(finding.to_json())
    # without the plaintext (a real preview document) the secret is unknown, not a pass or a failure
    assert run(KEY, {"keySpec": "[secret]"}).findings == []


def test_nested_blocks_and_list_bounds() -> None:
    conn = "alicloud:vpn/connection:Connection"
    base = {"vpnGatewayId": UNKNOWN, "customerGatewayId": UNKNOWN, "localSubnets": ["10.0.0.0/24"],
            "remoteSubnets": [f"10.1.{i}.0/24" for i in range(11)]}
    [finding] = run(conn, base).findings
    assert (finding.property, finding.rule) == ("remoteSubnets", "max_items")
    bad_nested = dict(base, remoteSubnets=["10.1.0.0/24"], ikeConfig={"ikeVersion": "ikev1", "bogus": 1})
    [nested] = run(conn, bad_nested).findings
    assert nested.property == "ikeConfig.bogus"


def test_openstack_rules_come_from_gophercloud_constants() -> None:
    ike = "openstack:vpnaas/ikePolicy:IkePolicy"
    findings = run(ike, {"authAlgorithm": "sm3", "encryptionAlgorithm": "aes-256", "pfs": "group14"}).findings
    assert [(f.property, f.value) for f in findings] == [("authAlgorithm", "sm3")]
    assert "openstack/resource_openstack_vpnaas_ike_policy_v2.go:" in findings[0].source


def test_types_outside_the_data_of_a_known_provider_are_listed_as_unchecked() -> None:
    report = check([Node("urn:x", "alicloud:foo/bar:Bar", {}), Node("urn:y", "medcloud:vpc:Vpc", {})])
    assert report.unchecked == ["alicloud:foo/bar:Bar"]


@pytest.mark.parametrize("provider", providers())
def test_rule_data_matches_the_installed_sdk(provider: str) -> None:
    """The data was generated against this SDK: same version, same inputs (regenerate after an upgrade)."""
    rules = load(provider)
    distribution, version = rules.sdk.split()
    assert metadata.version(distribution) == version, "run python -m medcloud.conformance.regen after upgrading"
    package = distribution.replace("-", "_")

    def shape(props: dict[str, Any]) -> dict[str, Any]:
        return {k: (v["type"], bool(v.get("required")), shape(v.get("properties", {}))) for k, v in props.items()}

    for token, resource in rules.resources.items():
        assert shape(resource["properties"]) == shape(resource_schema(package, token)), token
