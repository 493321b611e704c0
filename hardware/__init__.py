"""Hardware acceptance: spec profiles, inventories, facts, transports, verification.

Data flows one way: an inventory names devices and the spec profile each must
meet; transports (``transports/``) fetch *raw captures* from the devices; pure
fact parsers (``facts/``) turn captures into typed facts; ``verify/`` compares
facts with the profile and reports per-device, per-check results.
"""
