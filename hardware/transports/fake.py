"""A transport that replays recorded captures: unit tests and demos run without hardware.

Each endpoint maps to a capture, or to a fault: an exception the transport raises
(:class:`~medcloud.errors.DeviceAuthError`…) or a :class:`Hang` that sleeps so
the engine's per-device timeout fires, like a dead device that never answers.
An endpoint is keyed by everything that tells devices sharing it apart: ``"host:port"``
(the lab's BMCs on 127.0.0.1) and, for SNMP, ``"host:port/context"`` (one agent serving several
switches by SNMPv3 context, as snmpsim does in the lab); or by ``"host"`` alone for any port.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from medcloud.hardware.inventory import Endpoint, Inventory, Server, SNMPEndpoint
from medcloud.hardware.transports import snmprec
from medcloud.hardware.transports.base import (
    Command,
    CommandResult,
    IPMICapture,
    IPMITarget,
    SNMPCapture,
    SNMPTarget,
    SSHCapture,
    SSHTarget,
    Timeouts,
    Transports,
)
from medcloud.hardware.transports.snmprec import oid_key

from medcloud.errors import DeviceProtocolError, SourceError
from medcloud.yamlio import load_json


@dataclass(frozen=True)
class Hang:
    """Answer after ``seconds`` (longer than any sane timeout: the device looks dead)."""

    seconds: float = 3600.0


Fault = BaseException | Hang


def endpoint_key(host: str, port: int, context: str = "") -> str:
    """``host:port``, with ``/context`` when an SNMPv3 context selects the device behind the agent."""
    return f"{host}:{port}/{context}" if context else f"{host}:{port}"


def _reply(hosts: Mapping[str, object], host: str, port: int, context: str = "") -> object | None:
    for key in (endpoint_key(host, port, context), endpoint_key(host, port), host):
        if key in hosts:
            return hosts[key]
    return None


async def _fault(reply: object) -> None:
    if isinstance(reply, Hang):
        await asyncio.sleep(reply.seconds)
    if isinstance(reply, BaseException):
        raise reply


@dataclass
class FakeSSH:
    """Host → {command name → result}; a command with no recording exits 127 like a missing tool."""

    hosts: Mapping[str, Mapping[str, CommandResult] | Fault]
    delay: float = 0.0
    calls: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    async def run(self, target: SSHTarget, commands: Sequence[Command], timeouts: Timeouts) -> SSHCapture:
        self.calls.append((target.host, tuple(c.name for c in commands)))
        reply = _reply(self.hosts, target.host, target.port)
        if reply is None:
            raise DeviceProtocolError(f"{target.host}:{target.port}: no SSH server")
        await asyncio.sleep(self.delay)
        await _fault(reply)
        assert isinstance(reply, Mapping)
        missing = CommandResult("", "sh: command not found", 127)
        return SSHCapture({c.name: reply.get(c.name, missing) for c in commands})


@dataclass
class FakeIPMI:
    hosts: Mapping[str, IPMICapture | Fault]
    delay: float = 0.0
    calls: list[str] = field(default_factory=list)

    async def collect(self, target: IPMITarget, timeouts: Timeouts) -> IPMICapture:
        self.calls.append(target.host)
        reply = _reply(self.hosts, target.host, target.port)
        if reply is None:
            raise DeviceProtocolError(f"{target.host}:{target.port}: no BMC answered")
        await asyncio.sleep(self.delay)
        await _fault(reply)
        assert isinstance(reply, IPMICapture)
        return reply


@dataclass
class FakeSNMP:
    """Host → recording; a walk returns the recorded varbinds under each root, in OID order."""

    hosts: Mapping[str, SNMPCapture | Fault]
    delay: float = 0.0
    calls: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    async def walk(self, target: SNMPTarget, roots: Sequence[str], timeouts: Timeouts) -> SNMPCapture:
        self.calls.append((target.host, tuple(roots)))
        reply = _reply(self.hosts, target.host, target.port, target.context)
        if reply is None:
            raise DeviceProtocolError(f"{target.host}:{target.port}: no SNMP agent")
        await asyncio.sleep(self.delay)
        await _fault(reply)
        assert isinstance(reply, SNMPCapture)
        prefixes = tuple(root.lstrip(".") + "." for root in roots)
        selected = [vb for vb in reply.varbinds if vb.oid.startswith(prefixes)]
        return SNMPCapture(sorted(selected, key=lambda vb: oid_key(vb.oid)))


def fake_transports(
    ssh: Mapping[str, Mapping[str, CommandResult] | Fault] | None = None,
    ipmi: Mapping[str, IPMICapture | Fault] | None = None,
    snmp: Mapping[str, SNMPCapture | Fault] | None = None,
) -> Transports:
    return Transports(FakeSSH(ssh or {}), FakeIPMI(ipmi or {}), FakeSNMP(snmp or {}))


def _endpoint(inventory: Inventory, endpoint: Endpoint, role: str) -> str:
    context = endpoint.context if isinstance(endpoint, SNMPEndpoint) else ""
    return endpoint_key(str(endpoint.address), inventory.port(endpoint, role), context)


def load_replay(directory: Path, inventory: Inventory) -> Transports:
    """Replay transports from recorded captures, one folder per device name.

    ``directory/<device>/ssh.json`` (:meth:`SSHCapture.to_json`), ``ipmi.json``
    (:meth:`IPMICapture.to_json`) and ``snmp.snmprec`` (snmpsim format) or
    ``snmp.json``.  Captures are keyed by the endpoints the inventory gives (SSH, BMC,
    management: address, port and SNMPv3 context), so devices sharing an address or an
    agent each get their own.  A device with no
    recording answers like an unreachable host.
    """
    if not directory.is_dir():
        raise SourceError(directory, "replay directory not found")
    ssh: dict[str, Mapping[str, CommandResult] | Fault] = {}
    ipmi: dict[str, IPMICapture | Fault] = {}
    snmp: dict[str, SNMPCapture | Fault] = {}
    for device in inventory.devices():
        folder = directory / device.name
        try:
            if isinstance(device, Server):
                if (folder / "ssh.json").is_file():
                    ssh[_endpoint(inventory, device.ssh, "ssh")] = SSHCapture.from_json(
                        load_json(folder / "ssh.json")).results
                if (folder / "ipmi.json").is_file():
                    ipmi[_endpoint(inventory, device.bmc, "bmc")] = IPMICapture.from_json(
                        load_json(folder / "ipmi.json"))
            elif (folder / "snmp.snmprec").is_file():
                snmp[_endpoint(inventory, device.management, "management")] = SNMPCapture(
                    snmprec.load(folder / "snmp.snmprec"))
            elif (folder / "snmp.json").is_file():
                snmp[_endpoint(inventory, device.management, "management")] = SNMPCapture.from_json(
                    load_json(folder / "snmp.json"))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise SourceError(folder, f"bad capture: {exc}") from None
    return fake_transports(ssh, ipmi, snmp)
