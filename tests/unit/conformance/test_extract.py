"""The rule extractor reads Terraform provider Go source (tests/fixtures/conformance/tfdemo)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from medcloud.conformance.extract import Package, Source, World, resource_schema, resources_map
from medcloud.conformance.golang import GoSyntaxError, Parser, constants, tokenize

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "conformance" / "tfdemo"


@pytest.fixture(scope="module")
def schema() -> tuple[str, dict[str, Any]]:
    source = Source(FIXTURES)
    world = World(Package(source, "demo", "example.com/tfdemo"), {})
    constructor = resources_map(source, "demo/provider.go")["demo_gateway"]
    return resource_schema(world, constructor)


def test_the_resource_function_is_found_through_the_resources_map(schema: tuple[str, dict[str, Any]]) -> None:
    path, block = schema
    assert path == "demo/resource_demo_gateway.go"
    assert set(block) == {"bandwidth", "payment_type", "instance_charge_type", "vpn_type", "period", "name",
                          "tags", "ike_config", "subnets", "checker"}


def test_enums_ranges_and_relations_become_data_with_their_lines(schema: tuple[str, dict[str, Any]]) -> None:
    block = schema[1]
    assert block["bandwidth"]["required"] is True
    assert block["bandwidth"]["validate"] == {"op": "range", "type": "int", "min": 5, "max": 1000, "line": 26}
    assert block["payment_type"]["validate"]["values"] == ["Subscription", "PayAsYouGo"]
    assert block["payment_type"]["validate"]["ignore_case"] is True
    assert block["payment_type"]["conflicts_with"] == ["instance_charge_type"]
    # a package constant inside the slice
    assert block["vpn_type"]["validate"]["values"] == ["Normal", "NationalStandard"]
    assert block["period"]["validate"]["op"] == "any"
    assert [v["op"] for v in block["period"]["validate"]["of"]] == ["range", "in"]
    name = block["name"]["validate"]
    assert [v["op"] for v in name["of"]] == ["length", "match"]
    assert name["of"][1]["pattern"] == "^[a-z][a-z0-9-]*$"


def test_nested_blocks_helpers_and_validator_functions_are_followed(schema: tuple[str, dict[str, Any]]) -> None:
    block = schema[1]
    assert block["tags"]["type"] == "map"  # tagsSchema()
    ike = block["ike_config"]
    assert ike["max_items"] == 1
    # a validator function that switches over another package's typed constants
    assert ike["block"]["auth_alg"]["validate"]["values"] == ["sha256", "sm3"]
    assert ike["block"]["mode"]["validate"]["values"] == ["main"]
    assert ike["block"]["mode"]["required_with"] == ["ike_config.0.psk"]
    assert ike["block"]["psk"]["sensitive"] is True
    assert block["subnets"]["elem"]["validate"]["format"] == "IsCIDR"


def test_a_validator_the_reader_cannot_follow_stays_visible_as_opaque(schema: tuple[str, dict[str, Any]]) -> None:
    assert schema[1]["checker"]["validate"]["op"] == "opaque"
    assert schema[1]["checker"]["validate"]["func"] == "validateSomethingClever"


def test_constants_and_literals() -> None:
    assert constants((FIXTURES / "consts" / "consts.go").read_text()) == {
        "AlgorithmSHA256": "sha256", "AlgorithmSM3": "sm3", "Mode": "main"}
    parser = Parser(tokenize('validation.StringInSlice([]string{"a", `b`}, false)'))
    node = parser.expr()
    assert node[0] == "call" and node[1] == ("sel", ("ident", "validation"), "StringInSlice")


def test_unbalanced_source_is_a_syntax_error_not_a_hang() -> None:
    parser = Parser(tokenize("foo(1, 2"))
    with pytest.raises(GoSyntaxError):
        parser.expr()
