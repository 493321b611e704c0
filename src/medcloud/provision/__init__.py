"""Provisioning: bring servers and switches to the designed state, repeatably.

Everything starts from the same region model (:mod:`medcloud.model`) and
hardware inventory the acceptance tests use:

- ``os/`` plans the OS baseline of a domestic server (a pure
  :class:`~medcloud.provision.os.baseline.HostBaseline`) and renders its files;
- ``operations/`` holds the pyinfra operations and facts the baseline needs
  beyond pyinfra's own;
- ``deploy.py`` turns a baseline into pyinfra operations, ``runner.py`` runs
  them (dry run or apply) against SSH or chroot targets;
- ``switch/`` renders vendor configurations (one jinja2 template set per
  vendor family), parses running configurations and diffs the two.
"""
