"""BMC management: users, password policy, network, boot and power, as desired state (R-SEC-04).

Ironic-style layers, each small:

* :mod:`.base` — the management interface (a session's reads and writes) beside the read-only
  :class:`~medcloud.hardware.transports.base.IPMITransport`, and the state it reads;
* :mod:`.ipmi` — the interface on pyghmi, sharing the read-only transport's session handling
  and bounded worker threads; :mod:`.fake` — an in-memory BMC for unit tests;
* :mod:`.desired` — the state each BMC must have, from the inventory, its profile and
  :mod:`medcloud.model.standards`;
* :mod:`.plan` — the changes from one state to the other (pure);
* :mod:`.engine` — plan/apply/pxe over an inventory: bounded parallelism, per-device
  timeouts, read-back, and new passwords sealed into the inventory without ever leaving it
  without the password the BMC accepts (:mod:`.credentials`).
"""
