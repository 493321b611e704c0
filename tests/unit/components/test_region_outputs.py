"""The Region component registers its model as an output (R-TOP-09 under ``pulumi preview --policy-pack``)."""

from __future__ import annotations

from medcloud.model import Region

from .conftest import Graph


def test_region_registers_the_model_it_was_given_as_an_output(graph: Graph) -> None:
    """Stack policies see only a component's registered outputs under the real engine (R-TOP-09)."""
    (region,) = graph.of_type("medcloud:region:Region")
    outputs = graph.result.run.outputs[region.urn]
    assert outputs["model"] == region.inputs["model"]
    assert Region.model_validate(outputs["model"]) == graph.region
    assert set(outputs) == {"model", "vpcIds", "linkEndpoints"}
