"""Switch spec profile (R-HW-06: domestic vendor and OS, ports, LLDP)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from medcloud.model import standards
from medcloud.model.base import Model, Regex


class PortGroup(Model):
    """At least ``count`` ports of at least ``speed_gbps`` (ifHighSpeed)."""

    count: int = Field(ge=1)
    speed_gbps: float = Field(gt=0)


class SwitchProfile(Model):
    kind: Literal["switch"]
    name: str
    description: str = ""
    #: IANA enterprise numbers allowed in sysObjectID (R-HW-06 domestic vendors).
    enterprises: tuple[int, ...] = Field(min_length=1)
    #: Regular expression sysDescr must match (model family), case-insensitive.
    model_pattern: Regex = ".*"
    #: Regular expression capturing the OS version from sysDescr (or the chassis entity); with
    #: several groups (version, release) they are read left to right.
    version_pattern: Regex
    min_os_version: str
    ports: tuple[PortGroup, ...] = ()
    lldp: bool = True
    #: ENTITY-MIB power supplies and fans required (R-HW-03); 0 skips the check, for
    #: single-PSU access switches whose redundancy is the pair they are deployed in.
    min_psus: int = Field(default=standards.MIN_REDUNDANT_PSUS, ge=0)
    min_fans: int = Field(default=standards.MIN_REDUNDANT_FANS, ge=0)

    @field_validator("enterprises")
    @classmethod
    def _domestic(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        foreign = [v for v in value if v not in standards.DOMESTIC_SWITCH_ENTERPRISES]
        if foreign:
            raise ValueError(f"R-HW-06: not a domestic switch vendor: {foreign}")
        return value

    @field_validator("lldp")
    @classmethod
    def _lldp_required(cls, value: bool) -> bool:
        if not value:
            raise ValueError("R-HW-06 requires LLDP")
        return value
