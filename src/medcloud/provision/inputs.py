"""Load an inventory together with the region it belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from medcloud.errors import StackNotFoundError
from medcloud.hardware.inventory import Inventory, load_inventory
from medcloud.stacks import LoadedRegion, load, project_root, stack_names


@dataclass(frozen=True)
class Inputs:
    inventory_path: Path
    inventory: Inventory
    loaded: LoadedRegion


def _centres(inventory: Inventory) -> set[str]:
    return {device.location.centre for device in inventory.devices()}


def load_inputs(inventory_arg: str, stack: str | None) -> Inputs:
    """The inventory and its region: ``stack`` if given, else the one stack whose region has every centre."""
    path = Path(inventory_arg)
    inventory = load_inventory(path)
    if stack is not None:
        return Inputs(path, inventory, load(stack))
    wanted = _centres(inventory)
    matches = []
    for name in stack_names(project_root()):
        loaded = load(name)
        if wanted <= {c.name for c in loaded.region.centres}:
            matches.append(loaded)
    if len(matches) != 1:
        found = ", ".join(m.ref.name or str(m.ref.region_file) for m in matches) or "none"
        raise StackNotFoundError(
            f"{path}: cannot tell which region the inventory belongs to "
            f"(centres {', '.join(sorted(wanted))}; matching stacks: {found}); pass --stack"
        )
    return Inputs(path, inventory, matches[0])
