"""Shared pydantic configuration for every medcloud model."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


class Model(BaseModel):
    """Strict, immutable model: unknown fields are errors, values never change after load."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


#: A resource name: lower-case DNS-label style, so it is safe in URNs, tags and hostnames.
Name = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"),
    Field(description="lower-case letters, digits and '-', at most 63 characters"),
]


def _compiles(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None
    return value


#: A regular expression, checked to compile when the file is loaded rather than when first used.
Regex = Annotated[str, AfterValidator(_compiles)]
