"""Injectable transports: the only code in ``hardware`` that talks to devices.

``base`` defines the protocols, the raw-capture types and how the real
transports are found (:func:`base.real_transports`); ``fake`` replays captures
(unit tests, ``medcloud verify --replay``); ``snmprec`` reads snmpsim
recordings; ``ipmi``, ``snmp`` and ``ssh`` are the real transports (``snmpproc``
runs ``snmp`` in a worker process).
"""
