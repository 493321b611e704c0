"""A real OpenStack control plane on loopback: ``medcloud cloud up|status|down``.

The hardware side is rehearsed against real protocol peers (``medcloud lab``);
this is the cloud side's peer: Debian 12's OpenStack Zed API services
(Keystone, Neutron with the L3 router and VPNaaS, Cinder, Barbican, Swift)
started on free 127.0.0.1 ports, with every file they write in one state
folder.  Nothing here fakes an answer: requests reach the services' own API
code, policy and database layers.  What runs behind the APIs is absent (no
agents, no hypervisors, no volume drivers): the plane answers *whether a
request is accepted and what is recorded*, not whether packets flow.

- :mod:`medcloud.cloud.catalog` — the service list, as data: a service is a
  module in :mod:`medcloud.cloud.services` plus an entry in ``SERVICES``.
- :mod:`medcloud.cloud.plane` — start, inspect and stop a plane; clouds.yaml.
- :mod:`medcloud.cloud.rest` — the few Keystone/Neutron admin requests ``up``
  makes itself (standard library HTTP; openstacksdk is not a runtime need).
"""

from __future__ import annotations

from medcloud.cloud.plane import ControlPlane, default_state_dir
from medcloud.errors import CloudError

__all__ = ["CloudError", "ControlPlane", "default_state_dir"]
