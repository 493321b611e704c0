"""Preview a stack as it was at a git revision, or as the working tree has it, without touching either.

The revision's tree is exported with ``git archive`` (read-only on the
repository: no worktree, no checkout) into a temporary directory; the working
tree is copied there as git sees it (tracked files as they are on disk,
untracked files that are not ignored, deleted files left out).  That tree's own
``medcloud preview STACK --format json`` runs there in a subprocess with a time
limit — so the review compares what each side's code and stack files would build.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from medcloud.errors import RevisionError as RevisionError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.review.document import PreviewDocument, parse_document
from medcloud.stacks import project_root

#: Top-level folders installed as sub-packages of medcloud (pyproject's package-dir).
SUBPACKAGES = ("components", "hardware")
#: How a review names the working tree (``review --git REV STACK``).
WORKTREE = "worktree"


def _git(args: list[str], cwd: Path, timeout: float) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise RevisionError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise RevisionError(f"git {args[0]} took longer than {timeout:g} s") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise RevisionError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


def export(rev: str, root: Path, into: Path, timeout: float) -> Path:
    """Write the tree of ``rev`` (the project directory's part of it) under ``into``; return its project dir."""
    top = Path(_git(["rev-parse", "--show-toplevel"], root, timeout).decode().strip())
    commit = _git(["rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}"], root, timeout).decode().strip()
    archive = _git(["archive", "--format=tar", commit], top, timeout)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    project = into / root.resolve().relative_to(top.resolve())
    if not (project / "Pulumi.yaml").is_file():
        raise RevisionError(f"revision {rev} has no medcloud project at {project.relative_to(into)}")
    return project


def export_worktree(root: Path, into: Path, timeout: float) -> Path:
    """Copy the working tree as git sees it under ``into``; return its project dir.

    Tracked files as they are on disk (edited or not), untracked files git does not
    ignore; tracked files deleted from the disk are left out, as a commit of the tree
    would leave them.  Ignored files (``.venv``, state folders, reports) are not copied.
    """
    top = Path(_git(["rev-parse", "--show-toplevel"], root, timeout).decode().strip())
    listing = _git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], top, timeout)
    for name in sorted({os.fsdecode(n) for n in listing.split(b"\0") if n}):
        source = top / name
        if not (source.is_symlink() or source.is_file()):
            continue
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    project = into / root.resolve().relative_to(top.resolve())
    if not (project / "Pulumi.yaml").is_file():
        raise RevisionError(f"the working tree has no medcloud project at {project.relative_to(into)}")
    return project


def _python_path(project: Path) -> str:
    """A sys.path entry importing the revision's medcloud, sub-packages mapped as pyproject maps them."""
    package = project / "src" / "medcloud"
    if not package.is_dir():
        raise RevisionError(f"{project}: no src/medcloud package at this revision")
    for name in SUBPACKAGES:
        source, link = project / name, package / name
        if source.is_dir() and not link.exists():
            link.symlink_to(source, target_is_directory=True)
    return str(project / "src")


def preview_at(rev: str | None, stack: str, timeout: float = 600.0) -> PreviewDocument:
    """The offline preview of ``stack`` at ``rev`` (``None``: the working tree), parsed."""
    root = project_root()
    label = WORKTREE if rev is None else rev
    with tempfile.TemporaryDirectory(prefix="medcloud-review-") as tmp:
        project = export_worktree(root, Path(tmp), timeout) if rev is None else export(rev, root, Path(tmp), timeout)
        env = {**os.environ, "MEDCLOUD_HOME": str(project), "PYTHONPATH": _python_path(project)}
        try:
            done = subprocess.run(
                [sys.executable, "-c", "import sys; from medcloud.cli import main; sys.exit(main(sys.argv[1:]))",
                 "preview", stack, "--format", "json"],
                cwd=project, env=env, capture_output=True, timeout=timeout, check=False,
            )
        except subprocess.TimeoutExpired:
            raise RevisionError(f"{label}: preview of {stack} took longer than {timeout:g} s") from None
        stderr = done.stderr.decode(errors="replace").strip().splitlines()
        if done.returncode not in (0, 1) or not done.stdout.strip():
            reason = stderr[-1] if stderr else f"exit code {done.returncode}"
            raise RevisionError(f"{label}: `medcloud preview {stack}` failed: {reason}")
        try:
            data = json.loads(done.stdout)
        except json.JSONDecodeError as exc:
            raise RevisionError(f"{label}: `medcloud preview {stack}` printed no JSON document ({exc.msg})") from None
    return parse_document(data, f"{label}:{stack}")
