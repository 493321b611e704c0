"""Run verification over an inventory: bounded fan-out, per-device timeouts, partial reports.

Every device runs in its own task under a semaphore (``concurrency``).  Each
transport call is bounded by ``device_timeout``; a dead, slow or
mis-authenticated device turns into ``error`` results for the checks that
needed it and never stops the other devices.  Results are kept as devices
finish, so an interrupted run (Ctrl-C) can still be reported: devices that
did not finish are listed as not run and the report is marked incomplete.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from medcloud.hardware.facts import cpu, dmi, nic, nvme, os_release
from medcloud.hardware.facts.base import ParseError, SSHFact
from medcloud.hardware.facts.bmc import parse_bmc
from medcloud.hardware.facts.switch import WALK_ROOTS, parse_switch
from medcloud.hardware.inventory import (
    Inventory,
    IPMICredential,
    Server,
    SNMPv3Credential,
    SSHCredential,
    Switch,
)
from medcloud.hardware.specs import Catalogue, ServerProfile, SwitchProfile
from medcloud.hardware.transports.base import (
    IPMITarget,
    Revealable,
    SNMPTarget,
    SSHTarget,
    Timeouts,
    Transports,
)
from medcloud.hardware.verify import design, identity
from medcloud.hardware.verify import server as server_checks
from medcloud.hardware.verify import switch as switch_checks
from medcloud.hardware.verify.checks import FactFailure, evaluate
from medcloud.hardware.verify.results import CheckResult, DeviceResult, PortCabling, Report, Status

from medcloud.errors import DeviceAuthError, DeviceError, DeviceTimeout

if TYPE_CHECKING:  # loaded only for an inventory that names its stack
    from medcloud.model import Region

SSH_FACTS: tuple[SSHFact[Any], ...] = (cpu.FACT, dmi.FACT, nvme.FACT, nic.FACT, os_release.FACT)
MASK = "********"
#: The one finding that stands for every check a failed protocol kept from running.
ROOT_FINDINGS: dict[str, tuple[str, str]] = {
    "SSH": ("ssh.reachable", "server answers over SSH"),
    "IPMI": ("bmc.reachable", "BMC answers over IPMI"),
    "SNMP": ("snmp.reachable", "switch answers over SNMPv3"),
}


def with_root_findings(results: list[CheckResult], failures: dict[str, FactFailure]) -> list[CheckResult]:
    """Prepend one error per failed protocol; the checks it blocked already name it as their cause."""
    roots = []
    for protocol, failure in failures.items():
        check_id, title = ROOT_FINDINGS[protocol]
        blocked = [r for r in results if r.cause == check_id]
        requirements = ", ".join(sorted({r.requirement for r in blocked if r.requirement}))
        roots.append(CheckResult(check_id, requirements, title, Status.ERROR,
                                 reason=f"{failure.reason} ({len(blocked)} checks not run)"))
    return roots + results

#: Opens a sealed value; ``where`` names the inventory field for error messages.
Opener = Callable[[str, str], Revealable]


def _default_opener() -> Opener:
    from medcloud.secrets import load_key, unseal

    key = load_key()
    return lambda sealed, where: unseal(sealed, key, where=where)


@dataclass(frozen=True)
class Limits:
    concurrency: int = 16
    device_timeout: float = 120.0
    timeouts: Timeouts = field(default_factory=Timeouts)

    def __post_init__(self) -> None:
        if not 1 <= self.concurrency <= 1024:
            raise ValueError("concurrency must be between 1 and 1024")
        if self.device_timeout <= 0:
            raise ValueError("device timeout must be positive")


class Verification:
    """One run over one inventory; ``results`` fills in as devices finish."""

    def __init__(
        self,
        inventory: Inventory,
        catalogue: Catalogue,
        transports: Transports,
        *,
        inventory_name: str,
        limits: Limits = Limits(),
        opener: Opener | None = None,
        on_done: Callable[[DeviceResult], None] | None = None,
        region: Region | None = None,
    ) -> None:
        self.inventory = inventory
        self.catalogue = catalogue
        self.transports = transports
        self.inventory_name = inventory_name
        self.limits = limits
        self.on_done = on_done
        #: The region the inventory names (``stack:``): servers are also checked against its nodes.
        self.region = region
        self.results: dict[str, DeviceResult] = {}
        self.started_at = _now()
        self._identity: dict[str, dict[str, Any]] = {}
        self._cabling: dict[str, list[PortCabling]] = {}
        self._device_names = frozenset(d.name for d in inventory.devices())
        self._secrets: dict[str, Revealable] = {}
        self._open_credentials(opener)

    # -- credentials ----------------------------------------------------------

    def _open_credentials(self, opener: Opener | None) -> None:
        """Open every sealed value now: a missing or wrong key is one clear error before any connection."""
        fields = [
            (f"credentials.{name}.{attr}", getattr(cred, attr))
            for name, cred in sorted(self.inventory.credentials.items())
            for attr in ("password", "private_key", "auth_key", "priv_key")
            if getattr(cred, attr, None) is not None
        ]
        if not fields:
            return
        open_ = opener or _default_opener()
        for where, sealed in fields:
            self._secrets[where] = open_(sealed, where)

    def _secret(self, credential: str, attr: str) -> Revealable | None:
        return self._secrets.get(f"credentials.{credential}.{attr}")

    def _scrub(self, message: str) -> str:
        # Transports should never echo a secret; this makes sure a careless one cannot leak it.
        for secret in self._secrets.values():
            value = secret.reveal()
            if value:
                message = message.replace(value, MASK)
        return message

    # -- the run --------------------------------------------------------------

    async def run(self) -> Report:
        semaphore = asyncio.Semaphore(self.limits.concurrency)
        # A transport with a start-up cost (the SNMP worker processes) pays it while the servers are read.
        start = getattr(self.transports.snmp, "start", None)
        if self.inventory.switches and callable(start):
            start()
        # Switches first: a switch is one long walk served by another process, a server many short
        # exchanges in this one.  Queued behind the servers (inventory order), the switches' walks
        # started only once most servers were done and ran alone at the end: 5 of the 200-BMC +
        # 20-switch benchmark's 13 s.  Started first, they overlap the servers.
        order: list[Server | Switch] = [*self.inventory.switches, *self.inventory.servers]
        tasks = [asyncio.create_task(self._guarded(d, semaphore), name=d.name) for d in order]
        try:
            await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        return self.report(complete=True)

    def report(self, *, complete: bool) -> Report:
        devices = self.inventory.devices()
        return Report(
            inventory=self.inventory_name, started_at=self.started_at, finished_at=_now(),
            complete=complete and len(self.results) == len(devices),
            devices=[self.results[d.name] for d in devices if d.name in self.results],
            not_run=[d.name for d in devices if d.name not in self.results],
        )

    async def _guarded(self, device: Server | Switch, semaphore: asyncio.Semaphore) -> None:
        async with semaphore:
            started = time.monotonic()
            result = DeviceResult(
                name=device.name, kind="server" if isinstance(device, Server) else "switch",
                profile=device.profile, centre=device.location.centre, room=device.location.room,
                rack=device.location.rack, unit=device.location.unit,
            )
            try:
                if isinstance(device, Server):
                    result.checks = await self._server(device)
                else:
                    result.checks = await self._switch(device)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # A bug in a parser or check must cost one device, not the run.
                result.checks = [CheckResult("device", "", "verification ran", Status.ERROR,
                                             reason=self._scrub(f"internal error: {type(exc).__name__}: {exc}"))]
            result.seconds = time.monotonic() - started
            result.identity = self._identity.pop(device.name, {})
            result.cabling = self._cabling.pop(device.name, [])
            self.results[device.name] = result
            if self.on_done is not None:
                self.on_done(result)

    async def _bounded(self, protocol: str, call: Any) -> Any:
        """Await a transport call within the device timeout; device errors become a FactFailure
        whose cause is the protocol's finding (``ssh.reachable``…), reported once per device."""
        timeout = self.limits.device_timeout
        cause = ROOT_FINDINGS[protocol][0]
        try:
            return await asyncio.wait_for(call, timeout)
        except TimeoutError:
            return FactFailure(f"{protocol}: no answer within {timeout:g} s (device dead or too slow)", cause)
        except DeviceTimeout as exc:
            return FactFailure(self._scrub(f"{protocol}: timed out: {exc}"), cause)
        except DeviceAuthError as exc:
            return FactFailure(self._scrub(f"{protocol}: authentication refused: {exc}"), cause)
        except DeviceError as exc:
            return FactFailure(self._scrub(f"{protocol}: {exc}"), cause)
        except OSError as exc:
            return FactFailure(self._scrub(f"{protocol}: connection failed: {exc.strerror or exc}"), cause)

    # -- servers --------------------------------------------------------------

    async def _server(self, server: Server) -> list[CheckResult]:
        profile = self.catalogue[server.profile]
        if not isinstance(profile, ServerProfile):
            raise TypeError(f"profile {server.profile} is not a server profile")
        ssh_cred = self.inventory.credentials[server.ssh.credential]
        bmc_cred = self.inventory.credentials[server.bmc.credential]
        assert isinstance(ssh_cred, SSHCredential) and isinstance(bmc_cred, IPMICredential)
        bmc_password = self._secret(server.bmc.credential, "password")
        assert bmc_password is not None
        ssh_port = self.inventory.port(server.ssh, "ssh")
        ssh_target = SSHTarget(
            host=str(server.ssh.address), port=ssh_port,
            username=ssh_cred.username, password=self._secret(server.ssh.credential, "password"),
            private_key=self._secret(server.ssh.credential, "private_key"),
            known_hosts=server.ssh.known_hosts_line(ssh_port),
        )
        ipmi_target = IPMITarget(
            host=str(server.bmc.address), port=self.inventory.port(server.bmc, "bmc"),
            username=bmc_cred.username, password=bmc_password,
        )
        commands = tuple(c for fact in SSH_FACTS for c in fact.commands)
        timeouts = self.limits.timeouts
        ssh, ipmi = await asyncio.gather(
            self._bounded("SSH", self.transports.ssh.run(ssh_target, commands, timeouts)),
            self._bounded("IPMI", self.transports.ipmi.collect(ipmi_target, timeouts)),
        )
        facts: dict[str, Any] = {}
        for fact in SSH_FACTS:
            facts[fact.name] = ssh if isinstance(ssh, FactFailure) else _parse(fact.parse, ssh.results)
        facts["bmc"] = ipmi if isinstance(ipmi, FactFailure) else _parse(parse_bmc, ipmi)
        context = server_checks.ServerContext(server, profile)
        self._identity[server.name] = identity.server_identity(facts["bmc"], facts["nvme"])
        results = [evaluate(c, facts, context) for c in (*server_checks.CHECKS, *identity.SERVER_CHECKS)]
        if self.region is not None:
            node = design.find_node(self.region, server.name)
            if node is None:
                results.append(design.missing_node(server.name, self.region.name))
            else:
                planned = design.DesignContext(self.region.name, node)
                results += [evaluate(c, facts, planned) for c in design.CHECKS]
        failed = {p: f for p, f in (("SSH", ssh), ("IPMI", ipmi)) if isinstance(f, FactFailure)}
        return with_root_findings(results, failed) + server_checks.declared_results()

    # -- switches ---------------------------------------------------------------

    async def _switch(self, switch: Switch) -> list[CheckResult]:
        profile = self.catalogue[switch.profile]
        if not isinstance(profile, SwitchProfile):
            raise TypeError(f"profile {switch.profile} is not a switch profile")
        cred = self.inventory.credentials[switch.management.credential]
        assert isinstance(cred, SNMPv3Credential)
        target = SNMPTarget(
            host=str(switch.management.address), port=self.inventory.port(switch.management, "management"),
            username=cred.username, auth_protocol=cred.auth_protocol,
            auth_key=self._secret(switch.management.credential, "auth_key"),
            priv_protocol=cred.priv_protocol, priv_key=self._secret(switch.management.credential, "priv_key"),
            context=switch.management.context,
        )
        walked = await self._bounded("SNMP", self.transports.snmp.walk(target, WALK_ROOTS, self.limits.timeouts))
        facts: dict[str, Any] = {
            "switch": walked if isinstance(walked, FactFailure) else _parse(parse_switch, walked.varbinds)}
        context = switch_checks.SwitchContext(switch, profile)
        self._identity[switch.name] = identity.switch_identity(facts["switch"])
        results = [evaluate(c, facts, context) for c in (*switch_checks.checks_for(profile), *identity.SWITCH_CHECKS)]
        cables, self._cabling[switch.name] = switch_checks.cabling(facts["switch"], switch, self._device_names)
        results += cables
        failed = {"SNMP": walked} if isinstance(walked, FactFailure) else {}
        return with_root_findings(results, failed) + switch_checks.declared_results()


def _parse(parser: Callable[[Any], Any], capture: Any) -> Any:
    try:
        return parser(capture)
    except ParseError as exc:
        return FactFailure(str(exc))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


__all__ = ["Limits", "Verification"]
