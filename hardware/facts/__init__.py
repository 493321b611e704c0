"""Facts: what a device says about itself, as typed values.

Each fact (pyinfra style) is a set of commands or a capture section plus a
*pure* parser, so parsers are tested from fixture files of real output.  A
parser that cannot make sense of its input raises :class:`ParseError`; the
verification engine turns that into an ``error`` result for the checks that
need the fact, never into a pass.
"""

from medcloud.hardware.facts.base import ParseError, SSHFact

__all__ = ["ParseError", "SSHFact"]
