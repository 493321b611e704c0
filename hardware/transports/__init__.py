"""Injectable transports: the only code in ``hardware`` that talks to devices.

``base`` defines the protocols and raw-capture types; ``fake`` replays fixture
captures for unit tests; ``ipmi``, ``snmp`` and ``ssh`` are the real transports.
"""
