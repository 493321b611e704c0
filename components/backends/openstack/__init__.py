"""OpenStack (private, xinchuang) backend: Neutron, Cinder, Swift, Barbican, VPNaaS."""

from medcloud.components.backends.openstack.backend import OpenStackBackend, create

__all__ = ["OpenStackBackend", "create"]
