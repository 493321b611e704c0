"""Exceptions raised by medcloud.

The tree, so callers can catch exactly what they mean::

    MedcloudError                    anything medcloud raises on purpose
    ├── InputError                   the user's input is wrong; CLI exit 2, no traceback
    │   ├── SourceError              a file's content is wrong at a known place (file:line:col field)
    │   ├── StackNotFoundError       a STACK argument names no stack or region file
    │   ├── SecretError              a secret cannot be opened (missing or wrong key)
    │   ├── IpamError                (medcloud.ipam) the address space cannot hold the plan
    │   ├── PlacementError           (medcloud.components.derive) a system cannot be placed per its class
    │   └── PreviewProgramError      (medcloud.preview.engine) the program rejected its stack config
    └── DeviceError                  a device answered badly or not at all (reported per device)
        ├── DeviceTimeout
        ├── DeviceAuthError
        └── DeviceProtocolError

User mistakes are ``InputError``; the CLI prints ``str(error)`` on one line and
exits 2.  Device failures never abort a run: verification turns them into
``error`` results for that device.
"""

from __future__ import annotations

from pathlib import Path


class MedcloudError(Exception):
    """Base of every exception medcloud raises on purpose."""


class InputError(MedcloudError):
    """The user's input (a file, an argument, a key) is wrong."""


class SourceError(InputError):
    """A problem at a known place in a source file.

    ``str()`` gives the one-line form editors understand:
    ``path:line:col: field: reason``.
    """

    def __init__(
        self,
        path: Path | str,
        reason: str,
        *,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.reason = reason
        self.line = line
        self.column = column
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.reason}"


class StackNotFoundError(InputError):
    """A STACK argument names neither a stack nor a region file."""


class SecretError(InputError):
    """A sealed secret cannot be opened: no key, wrong key or damaged ciphertext."""


class DeviceError(MedcloudError):
    """A device did not answer as expected."""


class DeviceTimeout(DeviceError):
    """The device did not answer within its timeout."""


class DeviceAuthError(DeviceError):
    """The device refused our credentials."""


class DeviceProtocolError(DeviceError):
    """The device answered something we could not understand."""
