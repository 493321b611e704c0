"""``bmc plan``, ``bmc apply`` and ``bmc pxe`` over an inventory: concurrent, bounded, per device.

Apply runs in phases so that new passwords reach the inventory before any BMC has them
(:mod:`.credentials`):

1. read every BMC (login with ``password``, then ``previous_password``) and plan;
2. generate the new passwords and stage them in the inventory (one atomic write);
3. make each BMC's changes in one session, recording what started and what finished;
4. read each changed BMC back, logging in with its new password, and plan again: an empty
   plan is the confirmation (each BMC right after its own changes, not after everyone's);
5. settle the inventory (one atomic write) and append an audit record per device
   (R-SEC-05/07: privileged and network changes apart, parameters masked).

Devices run concurrently (``Limits.concurrency``); every session has ``Limits.timeout``
seconds.  A device that fails is reported with what was and was not applied and never
stops the others.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from medcloud.hardware.bmc.base import BMCState, Management, ManagementTarget, ReadScope, Session
from medcloud.hardware.bmc.credentials import InventoryFile, Outcome, Rotation
from medcloud.hardware.bmc.desired import (
    DesiredBMC,
    PolicyGap,
    credential_users,
    desired_state,
    generate_password,
)
from medcloud.hardware.bmc.plan import NETWORK_KINDS, Change, Plan, execute, plan
from medcloud.hardware.inventory import Inventory, IPMICredential, Server
from medcloud.hardware.specs.server import ServerProfile

from medcloud.errors import DeviceError, DeviceProtocolError, DeviceTimeout, InputError
from medcloud.secrets import Secret

Status = Literal["unchanged", "pending", "changed", "failed", "error"]
Opener = Callable[[str, str], Secret]
#: One audit record: server, category ("privileged" or "network-policy"), result, the changes touched.
AuditEntry = tuple[str, str, "DeviceResult", list[Change]]
#: Called once per run with every record (one lock and one fsync for the lot).
Auditor = Callable[[list[AuditEntry]], None]


@dataclass(frozen=True)
class Limits:
    concurrency: int = 64
    #: Seconds one session with one BMC may take (login, reads, changes).
    timeout: float = 30.0


@dataclass
class DeviceResult:
    """One BMC's outcome.  ``applied``/``not_applied``/``unknown`` partition the plan's changes."""

    name: str
    status: Status
    plan: Plan | None = None
    applied: list[Change] = field(default_factory=list)
    not_applied: list[Change] = field(default_factory=list)
    #: The change under way when the BMC failed: it may or may not have taken effect.
    unknown: Change | None = None
    error: str | None = None
    #: After apply: whether the read-back state needs nothing more (None: not read back).
    confirmed: bool | None = None
    remaining: tuple[Change, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def gaps(self) -> tuple[PolicyGap, ...]:
        return self.plan.gaps if self.plan else ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "status": self.status, "error": self.error, "confirmed": self.confirmed,
            "planned": [str(c) for c in self.plan.changes] if self.plan else [],
            "applied": [str(c) for c in self.applied], "not_applied": [str(c) for c in self.not_applied],
            "unknown": str(self.unknown) if self.unknown else None,
            "remaining": [str(c) for c in self.remaining],
            "not_enforceable": [dataclasses.asdict(g) for g in self.gaps], "notes": self.notes,
        }


@dataclass
class _Device:
    server: Server
    desired: DesiredBMC
    target: ManagementTarget
    #: The sealed passwords ``target.passwords`` came from, in the same order.
    sealed: tuple[str, ...]
    #: Credential name → its current (opened) password.
    current: dict[str, Secret]
    result: DeviceResult
    state: BMCState | None = None
    opened_with: int = 0
    new: dict[str, Secret] = field(default_factory=dict)


class Engine:
    """Plans and applies the desired BMC state of ``inventory``'s servers."""

    def __init__(self, inventory: Inventory, inventory_path: Path, management: Management, *,
                 opener: Opener, key: bytes, profiles: dict[str, ServerProfile] | None = None,
                 limits: Limits = Limits(), today: dt.date | None = None,
                 audit: Auditor | None = None, ntp: dict[str, tuple[str, ...]] | None = None) -> None:
        self.inventory = inventory
        self.path = inventory_path
        self.management = management
        self.opener = opener
        self.key = key
        self.profiles = profiles or {}
        self.limits = limits
        self.today = today or dt.datetime.now(dt.UTC).date()
        self.audit = audit
        #: Centre name → its NTP servers (from the region), for the BMCs standing there.
        self.ntp = ntp or {}
        #: Guards the changes' started/done records; set once the run settles the inventory.
        self._progress_lock = threading.Lock()
        self._settled = threading.Event()

    # --- setup ------------------------------------------------------------------------

    def _devices(self, limit: Iterable[str]) -> list[_Device]:
        wanted = list(limit)
        names = {s.name for s in self.inventory.servers}
        unknown = [n for n in wanted if n not in names]
        if unknown:
            raise InputError(f"--limit: no server named {', '.join(unknown)} in {self.path}")
        users = credential_users(self.inventory)
        devices = []
        for server in self.inventory.servers:
            if wanted and server.name not in wanted:
                continue
            profile = self.profiles.get(server.profile)
            length = profile.bmc.password_length if isinstance(profile, ServerProfile) else None
            desired = desired_state(self.inventory, server, self.today, length, users,
                                    self.ntp.get(server.location.centre, ()))
            current: dict[str, Secret] = {}
            for account in desired.accounts:
                credential = self.inventory.credentials[account.credential]
                assert isinstance(credential, IPMICredential)
                current[account.credential] = self.opener(
                    credential.password, f"{self.path}: credentials.{account.credential}.password")
            management = self.inventory.credentials[server.bmc.credential]
            assert isinstance(management, IPMICredential)
            sealed = (management.password,) + ((management.previous_password,) if management.previous_password
                                               else ())
            passwords = tuple(self.opener(s, f"{self.path}: credentials.{server.bmc.credential}") for s in sealed)
            target = ManagementTarget(str(server.bmc.address), self.inventory.port(server.bmc, "bmc"),
                                      management.username, passwords)
            devices.append(_Device(server, desired, target, sealed, current, DeviceResult(server.name, "unchanged")))
        return devices

    @staticmethod
    def _scope(desired: DesiredBMC) -> ReadScope:
        return ReadScope(lan=desired.lan is not None, boot=desired.boot is not None, sol=desired.sol is not None,
                         lockout=True, ntp=bool(desired.ntp))

    async def _each(self, devices: list[_Device], work: Callable[[_Device], Awaitable[None]]) -> None:
        slots = asyncio.Semaphore(self.limits.concurrency)

        async def one(device: _Device) -> None:
            async with slots:
                try:
                    await work(device)
                except DeviceError as exc:
                    device.result.status = "failed" if device.result.status == "changed" else "error"
                    device.result.error = str(exc)

        await asyncio.gather(*(one(d) for d in devices))

    # --- plan -------------------------------------------------------------------------

    async def _read(self, device: _Device) -> None:
        scope = self._scope(device.desired)
        state, index = await self.management.run(device.target, lambda s: s.read(scope), self.limits.timeout)
        device.state, device.opened_with = state, index
        device.result.plan = planned = plan(state, device.desired)
        if index:
            device.result.notes.append("opened with the previous password: an earlier change did not finish")
        if planned.blockers:
            device.result.status = "error"
            device.result.error = "; ".join(planned.blockers)
        elif planned.changes:
            device.result.status = "pending"

    async def plan(self, limit: Iterable[str] = ()) -> list[DeviceResult]:
        devices = self._devices(limit)
        await self._each(devices, self._read)
        return [d.result for d in devices]

    # --- apply ------------------------------------------------------------------------

    async def apply(self, limit: Iterable[str] = ()) -> list[DeviceResult]:
        self._settled = threading.Event()
        devices = self._devices(limit)
        await self._each(devices, self._read)
        ready = [d for d in devices if d.result.status == "pending"]
        rotations = self._rotations(ready)
        inventory_file = InventoryFile(self.path, self.key) if rotations else None
        if inventory_file is not None:
            inventory_file.stage(rotations)
        progress: dict[str, tuple[list[Change], list[Change]]] = {}

        async def change_and_confirm(device: _Device) -> None:
            # Each BMC goes on to its read-back as soon as its own changes are made: no BMC
            # waits for the slowest one's changes (the read-back is still a new login).
            started, done = progress.setdefault(device.server.name, ([], []))
            try:
                await self._change(device, (started, done))
            except DeviceError as exc:
                device.result.error = str(exc)
            self._account(device, started, done)
            if device.result.status == "changed":
                await self._read_back(device)

        try:
            await self._each(ready, change_and_confirm)
        finally:
            with self._progress_lock:
                self._settled.set()
                outcomes = self._outcomes(ready, progress)
            if inventory_file is not None:
                inventory_file.finish(outcomes, self.today)
            self._write_audit(ready)
        return [d.result for d in devices]

    def _rotations(self, devices: list[_Device]) -> list[Rotation]:
        rotations = []
        for device in devices:
            assert device.result.plan is not None
            for account in device.desired.accounts:
                if account.rotate is None or device.result.plan.sets_password(account.credential) is None:
                    continue
                new = Secret(generate_password(device.desired.password_length))
                device.new[account.credential] = new
                old = (device.sealed[device.opened_with] if account.management
                       else self._sealed_password(account.credential))
                rotations.append(Rotation(device.server.name, account.credential, new, old))
        return rotations

    def _sealed_password(self, credential: str) -> str:
        entry = self.inventory.credentials[credential]
        assert isinstance(entry, IPMICredential)
        return entry.password

    async def _change(self, device: _Device, progress: tuple[list[Change], list[Change]]) -> None:
        started, done = progress
        planned = device.result.plan
        assert planned is not None
        passwords = {**device.current, **device.new}
        # Log in with the password that worked for the read (the BMC's, not the staged new one).
        target = dataclasses.replace(device.target, passwords=(device.target.passwords[device.opened_with],))
        settled = self._settled  # this run's: a late thread of an earlier run keeps its own

        def job(session: Session) -> None:
            for change in planned.changes:
                with self._progress_lock:
                    # A session that outlived its timeout (or an interrupted run) must not start a
                    # change after the inventory was settled from what had started.
                    if settled.is_set():
                        raise DeviceTimeout(f"{device.target.host}:{device.target.port}: run over before {change}")
                    started.append(change)
                execute(session, change, device.desired, passwords)
                with self._progress_lock:
                    done.append(change)

        await self.management.run(target, job, self.limits.timeout)

    def _account(self, device: _Device, started: list[Change], done: list[Change]) -> None:
        """Partition the plan into applied / under way / not applied, from what the job recorded."""
        result = device.result
        assert result.plan is not None
        result.applied = list(done)
        in_flight = [c for c in started if c not in done]
        result.unknown = in_flight[0] if in_flight else None
        result.not_applied = [c for c in result.plan.changes if c not in started]
        if result.error is None:
            result.status = "changed"
        else:  # failed: something may have changed; error: nothing did
            result.status = "failed" if result.applied or result.unknown else "error"

    async def _read_back(self, device: _Device) -> None:
        management = device.desired.management
        new = device.new.get(management.credential)
        passwords = (new, device.target.passwords[device.opened_with]) if new else (
            device.target.passwords[device.opened_with],)
        target = dataclasses.replace(device.target, passwords=passwords)
        # The slots this run changed and those of the desired accounts: the rest were read a moment
        # ago, and a full scan is most of a BMC's requests (up to 63 slots on some BMCs).
        assert device.state is not None and device.result.plan is not None
        slots = {c.slot for c in device.result.plan.changes if c.slot} | {
            a.slot for a in device.state.accounts if a.name in {d.username for d in device.desired.accounts}}
        scope = dataclasses.replace(self._scope(device.desired), slots=frozenset(slots))
        state, index = await self.management.run(target, lambda s: s.read(scope), self.limits.timeout)
        device.opened_with = -1 if new and index == 0 else index  # -1: the new password opened it
        settled = dataclasses.replace(device.desired, accounts=tuple(
            dataclasses.replace(a, rotate=None) for a in device.desired.accounts))
        again = plan(state, settled)
        device.result.remaining = again.changes
        device.result.confirmed = not again.changes and not again.blockers
        if new and index != 0:
            device.result.confirmed = False
            device.result.notes.append("the BMC still takes the old management password")
        if not device.result.confirmed:
            device.result.status = "failed"
            device.result.error = "read-back differs from the desired state"

    def _outcomes(self, devices: list[_Device], progress: dict[str, tuple[list[Change], list[Change]]],
                  ) -> dict[tuple[str, str], Outcome]:
        outcomes: dict[tuple[str, str], Outcome] = {}
        for device in devices:
            started, done = progress.get(device.server.name, ([], []))
            assert device.result.plan is not None
            for credential in device.new:
                change = device.result.plan.sets_password(credential)
                outcome: Outcome = ("set" if change in done else "unknown" if change in started else "kept")
                if credential == device.desired.management.credential and device.result.confirmed is not None:
                    # The read-back login is the proof: the password that opened the BMC is the one it has.
                    outcome = "set" if device.opened_with == -1 else "kept"
                elif credential == device.desired.management.credential and change in done:
                    outcome = "unknown"  # set, but not proven by a login: keep both
                outcomes[(device.server.name, credential)] = outcome
        return outcomes

    @staticmethod
    def _audit_entries(devices: list[_Device]) -> list[AuditEntry]:
        entries: list[AuditEntry] = []
        for device in devices:
            result = device.result
            for category in ("privileged", "network-policy"):
                touched = [c for c in (result.applied + ([result.unknown] if result.unknown else [])
                                       + result.not_applied)
                           if (c.kind in NETWORK_KINDS) == (category == "network-policy")]
                if touched:
                    entries.append((device.server.name, category, result, touched))
        return entries

    def _write_audit(self, devices: list[_Device]) -> None:
        entries = self._audit_entries(devices)
        if self.audit is not None and entries:
            self.audit(entries)

    # --- pxe ----------------------------------------------------------------------------

    async def pxe(self, limit: Iterable[str]) -> list[DeviceResult]:
        """Next boot from the network (once), then power-cycle (or power on) — R-POOL-02."""
        devices = self._devices(limit)

        async def one(device: _Device) -> None:
            steps = (Change("set-boot", "next boot", "pxe (once)"), Change("set-boot", "power", "cycle, or on if off"))
            device.result.plan = Plan(steps, ())
            started: list[Change] = []
            done: list[Change] = []

            def job(session: Session) -> str:
                started.append(steps[0])
                session.set_boot("pxe", False)
                state = session.read(ReadScope(boot=True, power=True))
                if state.boot is None or state.boot.device != "pxe":
                    raise DeviceProtocolError(f"{device.target.host}:{device.target.port}: boot device reads back "
                                              f"as {state.boot.device if state.boot else 'unknown'}, not pxe")
                done.append(steps[0])
                started.append(steps[1])
                session.power("cycle" if state.power == "on" else "on")
                done.append(steps[1])
                return "power-cycled" if state.power == "on" else "powered on"

            try:
                action, _ = await self.management.run(device.target, job, self.limits.timeout)
                device.result.notes.append(f"next boot pxe, {action}")
                device.result.confirmed = True
            except DeviceError as exc:
                device.result.error = str(exc)
            self._account(device, started, done)

        try:
            await self._each(devices, one)
        finally:
            self._write_audit(devices)
        return [d.result for d in devices]

