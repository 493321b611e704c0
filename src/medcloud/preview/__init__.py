"""Offline preview: the real ``__main__.py`` under the Pulumi SDK's mock engine.

``medcloud preview STACK`` needs no Pulumi CLI and no cloud credentials.  It
loads the stack's config from ``stacks/Pulumi.<stack>.yaml``, stands in a
placeholder for every secret the program asks for (shown only as
``[secret]``), runs the program, and returns a :class:`Preview` that renders
as ``pulumi preview --json`` does or as a tree.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pulumi.config import ConfigMissingError

from medcloud.conformance import Report
from medcloud.errors import SourceError
from medcloud.gcpause import gc_paused
from medcloud.preview.document import Preview
from medcloud.preview.engine import (
    PLACEHOLDER_LOOKUP,
    PLACEHOLDER_SECRET,
    SECRET,
    PreviewProgramError,
    run_program,
    stack_config,
)
from medcloud.stacks import ENV_REGION_DIRS, project_root, resolve
from medcloud.yamlio import load_document

__all__ = ["Preview", "PreviewProgramError", "conformance", "policy_violations", "preview", "render"]

#: The program every preview runs: the one ``pulumi up`` runs.
PROGRAM = "__main__.py"


def policy_violations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Policy findings on a preview document — the policy pack's one hook.

    ``document`` is the ``pulumi preview --json`` shaped dict (``steps`` with
    each resource's type, inputs, parent and dependencies), without its
    ``policyViolations`` key.  Each entry names the policy, the requirement,
    the resource URN, a message and the enforcement level: the CrossGuard
    pack's validate functions run over the preview's resources as Pulumi's
    analyzer would call them (:mod:`medcloud.policy.evaluate`).
    """
    from medcloud.policy.evaluate import evaluate_document

    return evaluate_document(document, source="preview").to_json()


def conformance(result: Preview) -> Report:
    """Provider conformance and cloud API rules over the preview's resources (:mod:`medcloud.conformance`).

    What ``pulumi preview`` (the providers' ``Check``) and ``pulumi up`` (the
    clouds' APIs) would refuse; secrets are checked on their values, shown as
    ``[secret]``; values unknown until apply are skipped as the engine does.
    """
    from medcloud.conformance import check
    from medcloud.conformance.cloud import Node

    with gc_paused():
        return check(
            Node(r.urn, r.type, r.inputs, r.parent or None, r.dependencies, r.property_dependencies, r.revealed,
                 r.provider or None)
            for r in result.steps if r.custom
        )


def render(result: Preview, fmt: str, *, width: int = 120,
           color_system: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """The preview as ``json`` or ``tree`` text, and the policy violations found on it.

    The tree is ``width`` columns wide (long labels fold, nothing is cropped) and
    coloured only with a ``color_system``; JSON ignores both.
    """
    with gc_paused():
        document = result.to_json([])
        violations = policy_violations({k: v for k, v in document.items() if k != "policyViolations"})
        if fmt == "json":
            text = result.render_json(violations)
        else:
            text = result.render_tree(violations, width=width, color_system=color_system)
    return text, violations


def _project_name(root: Path) -> str:
    data = load_document(root / "Pulumi.yaml").data
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name:
        raise SourceError(root / "Pulumi.yaml", "the project has no name", field="name")
    return name


def preview(stack_arg: str, root: Path | None = None) -> Preview:
    """Preview STACK (a stack name, stack file or region file) offline."""
    # Loading, running and ordering build the whole graph at once (medcloud.gcpause).
    with gc_paused():
        return _preview(stack_arg, root)


@contextmanager
def _region_dir_allowed(region_file: Path) -> Iterator[None]:
    """The program may read the region file the user named, wherever it lies (only while it runs).

    A stack file may only name a region under ``stacks/`` or ``$MEDCLOUD_REGION_DIRS``
    (:func:`medcloud.stacks.region_outside`); a region file given on the command line is the
    user's own choice, so its directory is allowed for this run.
    """
    saved = os.environ.get(ENV_REGION_DIRS)
    directory = str(region_file.resolve().parent)
    os.environ[ENV_REGION_DIRS] = os.pathsep.join(d for d in (saved, directory) if d)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(ENV_REGION_DIRS, None)
        else:
            os.environ[ENV_REGION_DIRS] = saved


def _preview(stack_arg: str, root: Path | None) -> Preview:
    base = root or project_root()
    ref = resolve(stack_arg, base)
    # Validate the region first, so bad input fails with file:line before any Pulumi runs
    # (the program then finds it in the loader's cache).
    from medcloud.components.program import REGION_CONFIG, load_region
    from medcloud.components.secrets import NAMESPACE, required_config, required_secrets

    region = load_region(ref.region_file)
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    if ref.stack_file is not None:
        config, secret_keys = stack_config(ref.stack_file, load_document(ref.stack_file).data)
    if ref.stack_file is None or ref.name is None:
        # A region file (or a stack file not named Pulumi.<stack>.yaml): a stack of its own, named
        # after the region, whose config names the region file as `pulumi config set` would.
        config[f"{NAMESPACE}:{REGION_CONFIG}"] = str(ref.region_file.resolve())
    stack_name = ref.name or region.name

    for key in required_secrets(region):
        if key not in config:
            config[key] = PLACEHOLDER_SECRET
            secret_keys.append(key)
    # Facts only the operator knows (an Express Connect access point): a visible placeholder.
    for key in required_config(region):
        config.setdefault(key, PLACEHOLDER_LOOKUP)
    try:
        with _region_dir_allowed(ref.region_file):
            run = run_program(
                base / PROGRAM, project=_project_name(base), stack_name=stack_name, config=config,
                secret_keys=secret_keys,
            )
    except ConfigMissingError as exc:
        raise PreviewProgramError(
            f"{ref.stack_file or ref.region_file}: config.{exc.key}: missing "
            "(the program requires it; add it under config:)"
        ) from None
    shown = {k: (SECRET if k in secret_keys else v) for k, v in sorted(config.items())}
    return Preview.from_run(run, shown)
