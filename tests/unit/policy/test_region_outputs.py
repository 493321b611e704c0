"""R-TOP-09's stack policy finds the region model in a Region component's inputs or its outputs.

Offline (``medcloud preview``/``review``) a component's inputs are known; under
``pulumi preview --policy-pack`` the engine's ``AnalyzeStack`` hands a stack
policy only each component's *registered outputs*.
"""

from __future__ import annotations

from typing import Any

from medcloud.policy.evaluate import evaluate
from medcloud.policy.registry import spec
from medcloud.review.document import ResourceState

REGION_URN = "urn:pulumi:dev::medcloud::pulumi:pulumi:Stack$medcloud:region:Region::dev"
RESIDENCY = "r-top-09-provider-residency"


def _region(inputs: dict[str, Any], outputs: dict[str, Any]) -> ResourceState:
    return ResourceState(REGION_URN, "medcloud:region:Region", False, None, inputs, outputs)


def _provider(region: str) -> ResourceState:
    return ResourceState(f"urn:pulumi:dev::medcloud::pulumi:providers:alicloud::p-{region}",
                         "pulumi:providers:alicloud", True, REGION_URN, {"region": region}, {})


def _residency(resources: list[ResourceState]) -> tuple[list[str], list[tuple[str, str]]]:
    result = evaluate(resources, specs=[spec(RESIDENCY)])
    return [v.message for v in result.violations], result.not_applicable


def test_model_from_outputs_only_as_the_real_engine_shows_it(dev_model: dict[str, Any]) -> None:
    """R-TOP-09: a component whose inputs the engine does not pass still yields its registered model."""
    messages, not_applicable = _residency([_region({}, {"model": dev_model}), _provider("cn-hongkong")])
    assert not_applicable == []
    assert len(messages) == 1 and "cn-hongkong" in messages[0] and messages[0].startswith("R-TOP-09")


def test_model_from_inputs_as_offline_previews_show_it(dev_model: dict[str, Any]) -> None:
    """R-TOP-09: offline documents written before the model was an output still evaluate."""
    messages, not_applicable = _residency([_region({"model": dev_model}, {}), _provider("cn-hongkong")])
    assert not_applicable == []
    assert len(messages) == 1 and "cn-hongkong" in messages[0]


def test_compliant_provider_passes_from_outputs(dev_model: dict[str, Any]) -> None:
    """R-TOP-09: a provider on one of the model's centres is not reported, whichever side holds the model."""
    centre = next(c for c in dev_model["centres"] if c["cloud"] == "alicloud")
    messages, not_applicable = _residency([_region({}, {"model": dev_model}), _provider(centre["cloud_region"])])
    assert (messages, not_applicable) == ([], [])


def test_neither_inputs_nor_outputs_is_not_applicable_never_a_pass() -> None:
    messages, not_applicable = _residency([_region({}, {"vpcIds": {}}), _provider("cn-hongkong")])
    assert messages == []
    assert (RESIDENCY, "no Region component with a valid region model in the stack") in not_applicable
