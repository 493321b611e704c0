"""pyinfra operations and facts medcloud adds to pyinfra's own.

Each operation is a generator of shell commands or file uploads computed from
facts, so it is idempotent by construction and can be tested the way pyinfra
tests its own operations: arguments plus facts in, expected commands out.
"""
