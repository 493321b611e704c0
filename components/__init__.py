"""Pulumi component resources for a medcloud region, one module per concept.

``Region`` → ``Centre`` → (``Vpc``, ``StoragePolicy``); ``DrLink`` per
inter-centre circuit and ``SystemPlacement`` per business system hang off
the ``Region``.  Arguments are cloud-neutral (:mod:`.args`, derived by
:mod:`.derive`); :mod:`.backends` maps them to OpenStack or AliCloud.
"""
