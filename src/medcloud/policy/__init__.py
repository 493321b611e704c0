"""The compliance policy pack: CrossGuard policies for the standards' requirements.

Importing this package registers every policy (:data:`REGISTRY`) and never
starts a policy server: ``pulumi_policy.PolicyPack(...)`` serves on
construction, so only ``policy/__main__.py`` builds one.  The same validate
functions run offline over preview documents (:mod:`medcloud.policy.evaluate`).
"""

from __future__ import annotations

from medcloud.policy import (  # noqa: F401  (register)
    cloudrules,
    components,
    crypto,
    deployed,
    model,
    network,
    residency,
    storage,
    traffic,
)
from medcloud.policy.config import PackConfig
from medcloud.policy.registry import REGISTRY, Enforcement, Kind, PolicySpec, spec, to_pulumi

PACK_NAME = "medcloud-compliance"

__all__ = ["PACK_NAME", "REGISTRY", "Enforcement", "Kind", "PackConfig", "PolicySpec", "spec", "to_pulumi"]
