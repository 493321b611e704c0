"""Every exception medcloud raises, in one tree, and the exit code each one means.

The tree, so callers can catch exactly what they mean (issue 16: nothing medcloud raises
lives anywhere else; the old module of each class re-exports it)::

    MedcloudError                    anything medcloud raises on purpose
    ├── InputError                   the user's input is wrong: CLI exit 2, one line, no traceback
    │   ├── SourceError              a file's content is wrong at a known place (file:line:col field)
    │   │   └── SourceErrors         several such problems in one file, all reported at once
    │   ├── StackNotFoundError       a STACK argument names no stack or region file
    │   ├── UsageError               the command line itself is wrong (argparse's message)
    │   ├── SecretError              a secret cannot be opened (missing or wrong key)
    │   ├── OutputError              an output path (--out, --output) cannot be written
    │   ├── AuditError               the audit log cannot be written or read (R-SEC-05)
    │   ├── EvidenceError            a file is not a report medcloud can verify
    │   ├── IpamError                the address space cannot hold the plan
    │   ├── PlacementError           a system cannot be placed as its class requires (R-BC-01)
    │   ├── UnknownCloudError        a centre names a cloud no backend is registered for
    │   ├── UnsupportedPoolError     a pool asks AliCloud for a CPU architecture it does not sell
    │   ├── TrafficError             a front door or GSLB setting the region cannot have (R-NET-05, R-BC-06)
    │   ├── FrontDoorZonesError      an ALB/NLB whose security domain sits in fewer than two zones
    │   ├── GslbPoolTypeError        a GTM strategy's pools mix IP and domain addresses
    │   ├── UnknownZonesError        an AliCloud region without the zone list a second vSwitch needs
    │   ├── GraphError               a picture cannot be drawn (Graphviz missing or failing)
    │   ├── PeerAddressError         a tunnel's peer address is not known (a cloud gateway before `up`)
    │   ├── PreviewProgramError      the program rejected its stack config in an offline preview
    │   ├── RevisionError            a git revision cannot be read or previewed (review --git)
    │   ├── IntentError              inventory and region disagree about a switch
    │   ├── UnresolvedSecretError    a switch configuration holds a secret marker nothing resolves
    │   ├── TargetError              a provisioning target does not fit the inventory
    │   ├── PlanError                no OS baseline can be planned for a server
    │   ├── LabError                 the lab cannot be started or inspected as asked
    │   └── CloudError               the local OpenStack control plane cannot be started or inspected as asked
    ├── SetupError                   this machine cannot do what was asked (a tool failed): exit 2
    │   ├── HostSetupError           a lab host (netns, sshd) could not be set up
    │   ├── CloudPrepareError        a control-plane service's preparation (db sync, keys) failed
    │   └── CloudApiError            a control-plane API refused a request `medcloud cloud up` made
    ├── DataError                    data medcloud reads or computes has the wrong form (a ValueError)
    │   ├── ParseError               captured device output does not say what a fact parser needs
    │   ├── KeyFormatError           an SM2 key or signature has the wrong shape
    │   ├── GoSyntaxError            provider Go source is not Go the conformance reader understands
    │   ├── InvalidTag               SM4-GCM: ciphertext, nonce, data or key do not match the tag
    │   └── UnsplicableEdit          a YAML edit is more than values changed in place (never escapes yamledit)
    └── DeviceError                  a device answered badly or not at all: exit 3 if it escapes
        ├── DeviceTimeout
        ├── DeviceAuthError
        └── DeviceProtocolError
            └── Unsupported          a BMC does not implement a setting (completion code 80h…)

Ctrl-C and SIGTERM are not in the tree: they stay ``KeyboardInterrupt`` (so no
``except Exception`` swallows them) and :mod:`medcloud.signals` records which
signal it was.  :data:`EXIT_CODES` maps the tree to exit codes; ``medcloud.cli``
uses it and nothing else.  Device failures never abort a run: verification turns
them into ``error`` results for that device.
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
        # One line whatever a parser's message holds: the CLI prints it as `file:line:col: field: reason`.
        self.reason = " ".join(reason.split()) if "\n" in reason or "\r" in reason else reason
        self.line = line
        self.column = column
        # A key may hold a line break (a YAML "\n" key): shown escaped, the message stays one line.
        self.field = field.replace("\r", "\\r").replace("\n", "\\n") if field else field
        super().__init__(self._render())

    def _render(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.reason}"


class SourceErrors(SourceError):
    """Every problem found in one file, reported at once (a region with six mistakes shows six).

    It is a :class:`SourceError` whose ``path``, ``line``, ``column``, ``field`` and ``reason``
    are the first problem's; :attr:`problems` holds them all, and ``str()`` is one
    ``path:line:col: field: reason`` line per problem.
    """

    def __init__(self, problems: list[SourceError]) -> None:
        if not problems:
            raise ValueError("SourceErrors needs at least one problem")
        self.problems = list(problems)
        first = problems[0]
        super().__init__(first.path, first.reason, line=first.line, column=first.column, field=first.field)
        self.args = ("\n".join(p._render() for p in self.problems),)

    def __str__(self) -> str:
        return str(self.args[0])

    @classmethod
    def of(cls, problems: list[SourceError]) -> SourceError:
        """The one problem itself when there is one, else all of them as :class:`SourceErrors`."""
        return problems[0] if len(problems) == 1 else cls(problems)


class StackNotFoundError(InputError):
    """A STACK argument names neither a stack nor a region file."""


class UsageError(InputError):
    """The command line itself is wrong: an unknown option, a missing argument (argparse's message)."""


class SecretError(InputError):
    """A sealed secret cannot be opened: no key, wrong key or damaged ciphertext."""


class OutputError(InputError):
    """An output path cannot be written (a directory where a file is wanted, no permission…)."""


class AuditError(InputError):
    """The audit log cannot be written or read (bad path, permissions, lock timeout)."""


class EvidenceError(InputError):
    """The file is not a report medcloud can verify (missing, unreadable, no evidence)."""


class IpamError(InputError):
    """The address space cannot hold the plan (too small, or full)."""


class PlacementError(InputError):
    """A business system cannot be placed as its class requires (R-BC-01)."""


class UnknownCloudError(InputError):
    """A centre names a cloud no backend is registered for."""


class UnsupportedPoolError(InputError):
    """A pool asks AliCloud for a CPU architecture it does not sell."""


class TrafficError(InputError):
    """A front door or GSLB setting the region cannot have (R-NET-05, R-BC-06)."""


class FrontDoorZonesError(InputError):
    """A centre cannot hold an ALB/NLB: its security domain is in fewer than two zones (R-NET-05)."""


class GslbPoolTypeError(InputError):
    """A GTM access strategy's default (or failover) pools mix IP and domain addresses (R-BC-06)."""


class UnknownZonesError(InputError):
    """A centre's AliCloud region has no zone list, and the backend needs a second zone."""


class GraphError(InputError):
    """A picture cannot be drawn (Graphviz missing or failing)."""


class PeerAddressError(InputError):
    """A tunnel's peer address is not known (a cloud gateway before ``pulumi up``)."""


class PreviewProgramError(InputError):
    """The program rejected its input (config or region) during an offline preview."""


class RevisionError(InputError):
    """A revision cannot be read or previewed."""


class IntentError(InputError):
    """The inventory and the region disagree, or name something that cannot be rendered."""

    def __init__(self, source: Path | str, switch: str, field: str, reason: str) -> None:
        super().__init__(f"{source}: switches[{switch}].{field}: {reason}")


class UnresolvedSecretError(InputError):
    """A configuration still holds a secret marker that no credential resolves."""


class TargetError(InputError):
    """A requested server or connector override does not fit the inventory."""


class PlanError(InputError):
    """The region and inventory do not describe a server we can plan a baseline for."""


class LabError(InputError):
    """The lab cannot be started or inspected as asked (the message says why and what to do)."""


class CloudError(InputError):
    """The local OpenStack control plane cannot be started or inspected as asked (the message says why)."""


class SetupError(MedcloudError):
    """This machine cannot do what was asked: a tool it needs failed (the message names it)."""


class CloudPrepareError(SetupError):
    """A control-plane service's preparation command failed (the message names it and its output's tail)."""


class CloudApiError(SetupError):
    """A control-plane API refused a request ``medcloud cloud up`` made (the message carries its answer)."""


class HostSetupError(SetupError, RuntimeError):
    """A lab host could not be set up (message names the step and the tool's answer)."""


class DataError(MedcloudError, ValueError):
    """Data medcloud reads or computes has the wrong form."""


class ParseError(DataError):
    """The captured output does not say what the parser needs (message says why)."""


class KeyFormatError(DataError):
    """A private key, public key or signature has the wrong shape."""


class GoSyntaxError(DataError):
    """The source is not Go this reader understands (the extractor reports the file and line)."""


class InvalidTag(DataError):
    """The ciphertext, nonce, associated data or key does not match the tag."""


class UnsplicableEdit(DataError):
    """An in-place YAML edit :mod:`medcloud.yamledit` does not make by splicing (it falls back)."""


class DeviceError(MedcloudError):
    """A device did not answer as expected."""


class DeviceTimeout(DeviceError):
    """The device did not answer within its timeout."""


class DeviceAuthError(DeviceError):
    """The device refused our credentials."""


class DeviceProtocolError(DeviceError):
    """The device answered something we could not understand."""


class Unsupported(DeviceProtocolError):
    """The BMC does not implement this setting (e.g. completion code 80h, parameter not supported)."""


#: Exit codes of the command line (README "Exit codes"); the first matching class wins.
EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_UNREACHABLE = 0, 1, 2, 3
EXIT_CODES: tuple[tuple[type[MedcloudError], int], ...] = (
    (InputError, EXIT_BAD_INPUT),
    (DeviceError, EXIT_UNREACHABLE),
    (MedcloudError, EXIT_BAD_INPUT),
)


def exit_code(error: MedcloudError) -> int:
    """The exit code ``error`` ends a command with."""
    return next(code for kind, code in EXIT_CODES if isinstance(error, kind))


def error_record(error: MedcloudError) -> dict[str, object]:
    """The one JSON object a command prints under ``--format json`` when it fails (issue 17).

    ``file``, ``line``, ``column``, ``field`` and ``reason`` are the (first) problem's; ``errors``
    lists every problem in that same shape (one item for a single error), so a CI job reads
    either.  ``kind`` is the exception class, ``exit_code`` what the command exits with.
    """
    problems: list[MedcloudError] = list(error.problems) if isinstance(error, SourceErrors) else [error]
    items: list[dict[str, object]] = []
    for problem in problems:
        if isinstance(problem, SourceError):
            items.append({"file": str(problem.path), "line": problem.line, "column": problem.column,
                          "field": problem.field, "reason": problem.reason})
        else:
            items.append({"file": None, "line": None, "column": None, "field": None, "reason": str(problem)})
    return {"error": True, "kind": type(error).__name__, "exit_code": exit_code(error), **items[0], "errors": items}
