"""The embedded acceptance lab: real protocol peers on this machine.

``medcloud lab up`` starts BMCs (OpenIPMI ``ipmi_sim``), switches (``snmpsim``
serving device recordings from ``snmpsim-data``) and SSH targets (``sshd`` in
network namespaces serving recorded command outputs), writes an inventory that
points at them, and injects the faults acceptance must catch.  One module per
peer family (``bmc``, ``switch``, ``host``); ``runner`` starts, tracks and
stops them; ``scenario`` says what the lab contains.
"""
