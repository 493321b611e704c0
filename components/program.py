"""The Pulumi program's body: load the stack's region and build it.

``__main__.py`` at the repository root calls :func:`run`; the offline preview
executes that same ``__main__.py`` under the SDK's mocks, so there is one
program, whatever runs it.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
from medcloud.components.region import Region
from medcloud.components.secrets import NAMESPACE, ipsec_psk

from medcloud.checks.compute import capacity_summary
from medcloud.errors import StackNotFoundError
from medcloud.model import Region as RegionModel
from medcloud.stacks import load_region_file, region_outside

#: Stack config key naming the region file, relative to ``stacks/``.
REGION_CONFIG = "region"


#: Validated regions by (file, mtime, size).  Models are frozen, so sharing is safe; the
#: offline preview validates the region before running the program and this saves the
#: program a second parse of the same file.
_LOADED: dict[tuple[Path, int, int], RegionModel] = {}


def load_region(path: Path) -> RegionModel:
    """The validated region in ``path`` (re-read whenever the file changes)."""
    resolved = path.resolve()
    try:
        stat = resolved.stat()
    except OSError:
        return load_region_file(path).region  # reports the missing file as an input error
    key = (resolved, stat.st_mtime_ns, stat.st_size)
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = load_region_file(path).region
    return _LOADED[key]


def load_from_config(project_dir: Path) -> RegionModel:
    """The region the stack config names (``medcloud:region``), validated."""
    relative = pulumi.Config(NAMESPACE).require(REGION_CONFIG)
    region_file = project_dir / "stacks" / relative
    outside = region_outside(region_file, project_dir / "stacks")
    if outside is not None:
        raise StackNotFoundError(f"{NAMESPACE}:{REGION_CONFIG}: {outside}")
    return load_region(region_file)


def build(region: RegionModel) -> Region:
    component = Region(region.name, region, ipsec_psk)
    pulumi.export("vpcIds", component.vpc_ids())
    pulumi.export("cidrPlan", component.plan.to_json())
    pulumi.export("drLinkEndpoints", {k: v.endpoints for k, v in component.links.items()})
    # R-POOL-01: per centre, what its nodes hold and what its systems take, in SCU.
    pulumi.export("capacity", capacity_summary(region))
    return component


def run(project_dir: Path) -> Region:
    return build(load_from_config(project_dir))
