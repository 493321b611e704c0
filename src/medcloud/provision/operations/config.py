"""Operations on configuration files owned partly by the distribution, partly by medcloud."""

from __future__ import annotations

from collections.abc import Callable, Generator
from io import StringIO
from typing import Any

from pyinfra.api.command import StringCommand
from pyinfra.api.operation import OperationMeta, operation
from pyinfra.context import host
from pyinfra.facts.files import FileContents
from pyinfra.operations import files

from medcloud.provision.operations.facts import CryptoPolicy

#: The crypto-policies policy a TLS-1.3-only host runs: the distribution default plus our module.
TLS13_POLICY = "DEFAULT:MEDCLOUD-TLS13"
DEFAULT_POLICY = "DEFAULT"


@operation()
def edit(path: str, editor: Callable[[str], str], mode: str = "644") -> Generator[Any, None, None]:
    """Rewrite ``path`` through a pure ``editor`` (see :mod:`medcloud.provision.os.edits`).

    Nothing happens when the file is missing (the package that owns it is not
    installed) or when the editor returns the text unchanged.
    """
    lines = host.get_fact(FileContents, path=path)
    if lines is None:
        host.noop(f"{path} does not exist")
        return
    current = "\n".join(lines) + "\n"
    wanted = editor(current)
    if wanted == current:
        host.noop(f"{path} is already as wanted")
        return
    yield from files.put._inner(src=StringIO(wanted), dest=path, mode=mode)


@operation()
def crypto_policy(tls13_only: bool, module: OperationMeta | None = None) -> Generator[Any, None, None]:
    """Set the system crypto policy of an RPM-family host (R-NET-04).

    The ``MEDCLOUD-TLS13`` module must already be uploaded (``module`` is that
    upload): this switches the policy to ``DEFAULT:MEDCLOUD-TLS13`` (TLS 1.3
    only) or back to ``DEFAULT``, and re-applies it when the module changed,
    since the generated back-end configurations only follow a module on ``--set``.
    """
    wanted = TLS13_POLICY if tls13_only else DEFAULT_POLICY
    current = host.get_fact(CryptoPolicy)
    if current == wanted and not (tls13_only and module is not None and _changed(module)):
        host.noop(f"crypto policy is already {wanted}")
        return
    yield StringCommand("update-crypto-policies", "--set", wanted)


def _changed(meta: OperationMeta) -> bool:
    # Planning sees the predicted change; execution the actual one.
    return meta.did_change() if meta.is_complete() else meta.will_change
