"""Stacks and region files: finding them and loading them.

A stack is Pulumi's: ``stacks/Pulumi.<name>.yaml`` whose ``medcloud:region``
config value names the region file (relative to the stack file).  Anywhere a
command takes STACK it accepts a stack name (``dev``), a stack file, or a path
to a region file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from medcloud.errors import SourceError, StackNotFoundError
from medcloud.model import Region
from medcloud.yamlio import STDIN_NAME, Document, is_stdin, load_document, problem, raise_problems, validate

#: The stack config key naming the region file.
REGION_KEY = "medcloud:region"
#: Extra directories (``os.pathsep``-separated) a stack's region file may lie in (issue 16).
ENV_REGION_DIRS = "MEDCLOUD_REGION_DIRS"


def region_outside(region_file: Path, stacks_dir: Path) -> str | None:
    """Why ``region_file`` may not be read for a stack in ``stacks_dir``, or None if it may.

    A region file lies in the stack file's own directory tree (the project's ``stacks/``) or
    in a directory the user names in ``$MEDCLOUD_REGION_DIRS``; symlinks are resolved first.
    So a stack file cannot make medcloud read (and quote) ``/etc/shadow``.
    """
    allowed = [stacks_dir.resolve(), *(Path(d).expanduser().resolve()
                                       for d in os.environ.get(ENV_REGION_DIRS, "").split(os.pathsep) if d)]
    if any(region_file.resolve().is_relative_to(directory) for directory in allowed):
        return None
    return (f"region file {region_file} lies outside {', '.join(map(str, allowed))}; "
            f"add its directory to ${ENV_REGION_DIRS} if you mean it")


@dataclass(frozen=True)
class StackRef:
    name: str | None
    stack_file: Path | None
    region_file: Path


@dataclass(frozen=True)
class LoadedRegion:
    ref: StackRef
    region: Region
    document: Document

    def position(self, loc: tuple[str | int, ...]) -> str:
        """``file:line`` of a model path, for findings."""
        pos = self.document.position(loc)
        return f"{display_path(self.ref.region_file)}:{pos[0]}" if pos else display_path(self.ref.region_file)


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it, else absolute (``<stdin>`` stays)."""
    if is_stdin(path):
        return STDIN_NAME
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def project_root(start: Path | None = None) -> Path:
    """The medcloud project directory: ``$MEDCLOUD_HOME``, or the nearest parent holding Pulumi.yaml."""
    env = os.environ.get("MEDCLOUD_HOME")
    if env:
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "Pulumi.yaml").is_file() and (candidate / "stacks").is_dir():
            return candidate
    raise StackNotFoundError(
        f"no medcloud project (Pulumi.yaml with stacks/) in {here} or its parents; set MEDCLOUD_HOME"
    )


def stack_names(root: Path) -> list[str]:
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (root / "stacks").glob("Pulumi.*.yaml"))


def _is_file(path: Path) -> bool:
    """``path.is_file()``, where a name the system refuses (too long, not permitted…) is a clear input error.

    pathlib swallows only "no such file"-like errors; ENAMETOOLONG or EACCES would escape as a traceback.
    """
    try:
        return path.is_file()
    except OSError as exc:
        shown = str(path) if len(str(path)) <= 120 else str(path)[:117] + "..."
        raise StackNotFoundError(f"{shown}: {exc.strerror or exc}") from None


def resolve(arg: str, root: Path | None = None) -> StackRef:
    """Turn a STACK argument into the stack and region files it means (``-``: a region file on stdin)."""
    path = Path(arg)
    if is_stdin(arg):
        # A stack file names its region relative to itself; on stdin it has no place, so only a region.
        document = load_document(path)
        if isinstance(document.data, dict) and "config" in document.data:
            raise SourceError(document.path, "a stack file cannot come from standard input (its region file "
                                             "is named relative to it); pipe in the region file")
        return StackRef(None, None, document.path)
    if _is_file(path):
        document = load_document(path)
        if isinstance(document.data, dict) and "config" in document.data:
            return _from_stack_file(path, document, _stack_name(path))
        return StackRef(None, None, path)
    if path.suffix in (".yaml", ".yml"):
        raise StackNotFoundError(f"{arg}: no such file")
    # A bare name, or `stacks/dev` meaning the stack named dev.
    name = path.name
    base = root or project_root()
    stack_file = base / "stacks" / f"Pulumi.{name}.yaml"
    if not _is_file(stack_file):
        known = ", ".join(stack_names(base)) or "none"
        raise StackNotFoundError(f"{arg}: no stack named {name!r} (stacks: {known})")
    return _from_stack_file(stack_file, load_document(stack_file), name)


def _stack_name(path: Path) -> str | None:
    name = path.name
    if name.startswith("Pulumi.") and name.endswith(".yaml"):
        return name[len("Pulumi."):-len(".yaml")]
    return None


def _from_stack_file(path: Path, document: Document, name: str | None) -> StackRef:
    config = document.data.get("config") if isinstance(document.data, dict) else None
    value = config.get(REGION_KEY) if isinstance(config, dict) else None
    if not isinstance(value, str) or not value:
        pos = document.position(("config",))
        raise SourceError(
            path, f"the stack does not name its region file ({REGION_KEY}: regions/NAME.yaml)",
            line=pos[0] if pos else None, field=f"config.{REGION_KEY}",
        )
    pos = document.position(("config", REGION_KEY))
    try:
        region_file = (path.parent / value).resolve()
        outside = region_outside(region_file, path.parent)
        found = region_file.is_file()
    except (OSError, ValueError) as exc:  # a name the system refuses: a NUL byte, too long, a loop of links
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a usable file name"
        raise SourceError(path, f"region file cannot be opened: {reason}",
                          line=pos[0] if pos else None, field=f"config.{REGION_KEY}") from None
    if outside is not None:
        raise SourceError(path, outside, line=pos[0] if pos else None, field=f"config.{REGION_KEY}")
    if not found:
        raise SourceError(path, f"region file {value} not found", line=pos[0] if pos else None,
                          field=f"config.{REGION_KEY}")
    return StackRef(name, path, region_file)


def load_region_file(path: Path, ref: StackRef | None = None) -> LoadedRegion:
    """Load and validate a region file, including its cross references."""
    document = load_document(path)
    region = validate(Region, document)
    raise_problems([problem(document, loc, reason) for loc, reason in region.reference_errors()])
    return LoadedRegion(ref or StackRef(None, None, path), region, document)


def load(arg: str, root: Path | None = None) -> LoadedRegion:
    """Resolve STACK and load its region."""
    ref = resolve(arg, root)
    return load_region_file(ref.region_file, ref)
