"""medcloud: infrastructure as code for regional medical hybrid clouds.

One typed model of a region (:mod:`medcloud.model`) drives everything: the
Pulumi components (:mod:`medcloud.components`), the compliance checks
(:mod:`medcloud.checks`), hardware acceptance (:mod:`medcloud.hardware`) and
provisioning.
"""

__version__ = "0.1.0"
