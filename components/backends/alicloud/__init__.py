"""AliCloud (public cloud) backend: VPC, ECS, KMS, OSS, VPN gateway, CEN."""

from medcloud.components.backends.alicloud.backend import AliCloudBackend, CenRegistry, create

__all__ = ["AliCloudBackend", "CenRegistry", "create"]
