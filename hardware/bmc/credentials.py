"""New BMC passwords into the inventory, sealed, without ever losing the one the BMC accepts.

A password change is written twice, each time atomically (:func:`medcloud.yamlio.write_atomic`):

1. :meth:`InventoryFile.stage`, before any BMC is touched: the account's credential holds the
   new password as ``password`` and the one the BMC has as ``previous_password``;
2. :meth:`InventoryFile.finish`, after the BMCs were changed and read back: ``set`` keeps the
   new one (``rotated`` today), ``kept`` goes back to the old one, ``unknown`` (the change was
   under way when the BMC stopped answering) keeps both — the next run logs in with
   whichever works and finishes the change.

So at every moment the inventory holds a password the BMC accepts.  A credential shared by
several BMCs is split into one per BMC (``<server>-<credential>``) at its first change
(R-SEC-04: no shared accounts); the shared one is dropped once no BMC uses it.

The file is edited in place (:class:`medcloud.yamledit.Edit`: the changed values are rewritten
where they stand, checked by reading the result back): comments, order, quoting and layout of
everything but the changed credentials stay.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from medcloud.hardware.bmc.desired import credential_users
from medcloud.hardware.inventory import Inventory

from medcloud.errors import InputError, SourceError
from medcloud.secrets import Secret, seal
from medcloud.yamledit import Edit
from medcloud.yamlio import validate, write_atomic

Outcome = Literal["set", "kept", "unknown"]


@dataclass(frozen=True)
class Rotation:
    """``credential`` (as ``server``'s BMC uses it) gets the new password ``new``."""

    server: str
    credential: str
    new: Secret
    #: The sealed password the BMC has now.
    old_sealed: str

    def __repr__(self) -> str:
        return f"Rotation({self.server}, {self.credential})"


class InventoryFile:
    """The inventory's YAML, edited in place and rewritten atomically (comments and layout kept)."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._key = key
        self._file = Edit(path)
        self.data: dict[str, Any] = self._file.data
        self._servers: dict[str, dict[str, Any]] = {}
        #: (server, credential as the run began) → the name it has now.
        self.names: dict[tuple[str, str], str] = {}
        #: Shared credentials this run split; dropped at the end if no BMC uses them any more.
        self._split: set[str] = set()

    def _server(self, name: str) -> dict[str, Any]:
        if not self._servers:
            self._servers = {server.get("name"): server for server in self.data.get("servers") or []}
        return self._servers[name]

    def stage(self, rotations: list[Rotation]) -> None:
        """Step 1: new passwords in, the BMCs' current ones kept as ``previous_password``."""
        inventory = Inventory.model_validate(self.data)
        users = credential_users(inventory)
        credentials: dict[str, Any] = self.data["credentials"]
        for rotation in rotations:
            name = rotation.credential
            if len(users.get(name, ())) > 1:  # shared: this BMC gets its own credential
                self._split.add(rotation.credential)
                name = f"{rotation.server}-{rotation.credential}"
                while name in credentials:
                    name += "-1"
                bmc = self._server(rotation.server)["bmc"]
                if bmc.get("credential") == rotation.credential:
                    bmc["credential"] = name
                bmc["accounts"] = [name if a == rotation.credential else a for a in bmc.get("accounts") or []]
                if not bmc["accounts"]:
                    del bmc["accounts"]
            entry = copy.deepcopy(credentials[rotation.credential])
            entry["password"] = seal(rotation.new.reveal(), self._key)
            entry["previous_password"] = rotation.old_sealed
            credentials[name] = entry
            self.names[(rotation.server, rotation.credential)] = name
        self._write()

    def finish(self, outcomes: dict[tuple[str, str], Outcome], today: dt.date) -> None:
        """Step 2: settle each staged rotation by what the BMC accepts; drop unused credentials."""
        credentials: dict[str, Any] = self.data["credentials"]
        for key, outcome in outcomes.items():
            entry = credentials[self.names[key]]
            if outcome == "set":
                entry.pop("previous_password", None)
                entry["rotated"] = today
            elif outcome == "kept":
                entry["password"] = entry.pop("previous_password")
        used = set(credential_users(Inventory.model_validate(self.data)))
        for name in self._split - used:
            del credentials[name]
        self._write()

    def _write(self) -> None:
        body = self._file.dump()
        try:
            validate(Inventory, self._file.document)
        except SourceError as exc:  # a bug of ours, never a half-valid inventory on disk
            raise InputError(f"{self.path}: refusing to write an invalid inventory: {exc}") from None
        write_atomic(self.path, body)
