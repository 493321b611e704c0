"""What a resource step does and where it lands: shared by the preview tree and the review.

Pure helpers, no rendering: the operations Pulumi plans (with the symbol and
colour its CLI shows for each) and the centre a resource belongs to, found by
walking up its parents to the component that names one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

#: Pulumi's operations in the order its summaries list them.
OPS_ORDER = ("create", "update", "replace", "delete")
#: The symbol Pulumi's CLI prints before a resource for each operation.
SYMBOL = {"create": "+", "update": "~", "replace": "+-", "delete": "-"}
#: The colour Pulumi's CLI gives each operation.
STYLE = {"create": "green", "update": "yellow", "replace": "magenta", "delete": "red"}
#: The centre of a resource no centre's component holds (GSLB instances, the region, the stack).
REGION_WIDE = "region-wide"


class Node(Protocol):
    """What :func:`centre_of` reads of a resource (a preview registration or a review state)."""

    @property
    def type(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def inputs(self) -> Mapping[str, Any]: ...


def centre_of(chain: Iterable[Node]) -> str:
    """The centre of the first resource in ``chain`` (it, then its parents upwards) that names one.

    Components carry the model's centre name as their ``centre`` input; a
    ``Centre`` component's URN name has the region prefix and is taken as is.
    """
    for item in chain:
        centre = item.inputs.get("centre")
        if isinstance(centre, str) and centre:
            return centre
        if item.type.endswith(":Centre"):
            return item.name
    return REGION_WIDE
