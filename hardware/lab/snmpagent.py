"""The lab's SNMP agent: snmpsim's command responder, ``--max-var-binds`` in force, answers from memory.

snmpsim 1.2 hands ``--max-var-binds`` to pysnmp's GETBULK responder as
``maxVarBinds``, but pysnmp 7 reads ``max_varbinds``: the option had no
effect, and every GETBULK answer stopped at pysnmp's default of 64 varbinds
whatever the lab asked for (``MAX_VAR_BINDS`` in ``runner``, the 100-128 of
the vendors the lab stands in for).  The agent walks then needed half again
as many requests as against the switches it simulates.  This entry point sets
the limit where pysnmp reads it.

It also answers plain recordings from an in-memory table (``snmptable``):
the same answers for a fraction of snmpsim's CPU, which shares the cores with
the verification it serves.  ``--no-answer-table`` leaves snmpsim's own
lookups in charge (what the table is compared against).

Usage (what ``Lab`` runs)::

    python -m medcloud.hardware.lab.snmpagent --max-var-binds=N [--no-answer-table] [snmpsim options]

``--max-var-binds`` must come first; the rest goes to snmpsim as is.
"""

from __future__ import annotations

import sys

OPTION = "--max-var-binds="
NO_TABLE = "--no-answer-table"


def main(argv: list[str]) -> int:
    if not argv or not argv[0].startswith(OPTION) or not argv[0][len(OPTION):].isdigit():
        print(f"usage: python -m {__spec__.name if __spec__ else __name__} {OPTION}N [{NO_TABLE}] "
              "[snmpsim options]",
              file=sys.stderr)
        return 2
    limit = int(argv[0][len(OPTION):])
    if not 1 <= limit <= 10_000:
        print(f"{OPTION}{limit}: must be between 1 and 10000", file=sys.stderr)
        return 2
    rest = argv[1:]
    from medcloud.hardware.lab import snmptable
    from pysnmp.entity.rfc3413 import cmdrsp
    from snmpsim.commands import responder

    # A class attribute: snmpsim builds one responder per endpoint, each reads it per request.
    cmdrsp.BulkCommandResponder.max_varbinds = limit
    if rest[:1] == [NO_TABLE]:
        rest = rest[1:]
    else:
        for reason in snmptable.install():  # slower, never wrong: the lab still works, and says why
            print(f"lab SNMP agent: {reason}", file=sys.stderr, flush=True)
    sys.argv = ["snmpsim-command-responder", *rest]
    return int(responder.main() or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
