"""AliCloud (public cloud) backend: VPC, ECS, KMS, OSS, VPN gateway, CEN, Express Connect.

The backend (``backend.py``) imports the ``pulumi_alicloud`` SDK; the cloud's
constants (``types.py``), region facts (``regions.py``) and API rules
(``rules.py``) do not, so policies, reviews and the conformance checks import
them without loading the SDK.
"""

from __future__ import annotations

from typing import Any

__all__ = ["AliCloudBackend", "CenRegistry", "create"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from medcloud.components.backends.alicloud import backend

        return getattr(backend, name)
    raise AttributeError(name)
