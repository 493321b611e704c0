"""The lab's simulated switches answer GETBULK up to the lab's stated limit, not pysnmp's default.

snmpsim 1.2 passes ``--max-var-binds`` to pysnmp 7 under a name pysnmp does
not read, so the lab's agents stopped every answer at 64 varbinds while the lab
declared 128 (``runner.MAX_VAR_BINDS``); ``medcloud.hardware.lab.snmpagent``
puts the limit in force.  Checked on the wire with one GETBULK.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys

from medcloud.hardware.lab.runner import MAX_VAR_BINDS
from medcloud.hardware.transports import snmp
from medcloud.hardware.transports.base import SNMPTarget, Timeouts

from medcloud.secrets import unseal

from .conftest import RunningLab


def _target(lab: RunningLab) -> SNMPTarget:
    switch = lab.inventory.switches[0]
    cred = lab.inventory.credentials[switch.management.credential]
    assert cred.kind == "snmpv3"
    return SNMPTarget(str(switch.management.address), switch.management.port or 161, cred.username,
                      cred.auth_protocol, unseal(cred.auth_key, lab.key), cred.priv_protocol,
                      unseal(cred.priv_key, lab.key), context=switch.management.context)


def test_a_getbulk_answer_holds_the_labs_max_var_binds(lab: RunningLab) -> None:
    target = _target(lab)

    async def answer_sizes() -> list[int]:
        try:
            sizes = []
            engine = snmp.engine()
            address = engine.address(target, target.host, Timeouts(connect=2, operation=10, retries=1))
            for repetitions, roots in ((200, [(1, 3, 6, 1, 2, 1)]), (100, [(1, 3, 6, 1, 2, 1, 2)] * 2)):
                indication, status, _, rows = await snmp._bulk(engine, address, target.context, repetitions, roots)
                assert not indication and not status
                sizes.append(len(rows))
            return sizes
        finally:
            snmp.close_engine()

    # 200 asked of one column: the limit; 2 x 100 asked: whole rows of both columns up to the limit.
    assert asyncio.run(answer_sizes()) == [MAX_VAR_BINDS, MAX_VAR_BINDS // 2 * 2]
    assert MAX_VAR_BINDS > 64  # pysnmp's default, what the agents answered before


def test_the_agent_entry_point_refuses_a_missing_limit() -> None:
    done = subprocess.run([sys.executable, "-m", "medcloud.hardware.lab.snmpagent", "--v3-only"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "--max-var-binds=N" in done.stderr


def test_same_named_users_with_other_keys_walk_side_by_side(lab: RunningLab) -> None:
    """One account name with a password per switch is common: a walk with other keys for the same user
    name (here: wrong ones) runs from its own engine and cannot replace the user of a walk in flight."""
    import dataclasses

    from medcloud.errors import DeviceAuthError
    from medcloud.secrets import Secret

    good = _target(lab)
    other = dataclasses.replace(good, auth_key=Secret("not-the-auth-key"), priv_key=Secret("not-the-priv-key"))
    timeouts = Timeouts(connect=2, operation=20, retries=1)

    async def side_by_side() -> list[object]:
        try:
            walks = []
            for _ in range(4):  # interleaved: each wrong-key walk starts while a right-key walk is in flight
                walks += [snmp.PysnmpSNMP().walk(good, ["1.3.6.1.2.1.2.2.1.2"], timeouts),
                          snmp.PysnmpSNMP().walk(other, ["1.3.6.1.2.1.2.2.1.2"], timeouts)]
            return await asyncio.gather(*walks, return_exceptions=True)
        finally:
            snmp.close_engine()

    outcomes = asyncio.run(side_by_side())
    assert all(not isinstance(o, BaseException) and len(o.varbinds) > 0 for o in outcomes[0::2]), outcomes[0::2]
    assert all(isinstance(o, DeviceAuthError) for o in outcomes[1::2]), outcomes[1::2]


def test_an_engine_is_chosen_per_key_set() -> None:
    from medcloud.secrets import Secret

    async def chosen() -> tuple[bool, bool]:
        try:
            first = SNMPTarget("127.0.0.1", 161, "ops", auth_key=Secret("a" * 12), priv_key=Secret("p" * 12))
            again = SNMPTarget("127.0.0.2", 161, "ops", auth_key=Secret("a" * 12), priv_key=Secret("p" * 12))
            rekeyed = SNMPTarget("127.0.0.3", 161, "ops", auth_key=Secret("b" * 12), priv_key=Secret("p" * 12))
            return snmp.engine(first) is snmp.engine(again), snmp.engine(first) is snmp.engine(rekeyed)
        finally:
            snmp.close_engine()

    assert asyncio.run(chosen()) == (True, False)
