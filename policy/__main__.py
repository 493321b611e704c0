"""Entry point of the medcloud policy pack: ``pulumi preview --policy-pack policy``.

``PolicyPack(...)`` starts the analyzer's gRPC server and blocks, so it is
constructed here and nowhere else; the policies themselves live in
``medcloud.policy`` and import without side effects.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from medcloud.policy import PACK_NAME, to_pulumi

PolicyPack(
    name=PACK_NAME,
    policies=to_pulumi(),
    enforcement_level=EnforcementLevel.MANDATORY,
    description="Regional medical hybrid-cloud standards as policy; every policy names its requirement ID",
)
