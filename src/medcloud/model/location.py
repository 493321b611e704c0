"""Where a centre stands, and the distance between two places."""

from __future__ import annotations

import math

from pydantic import Field

from medcloud.model.base import Model

#: Mean Earth radius (IUGG), km: the figure great-circle distances use.
EARTH_RADIUS_KM = 6371.0088


class Location(Model):
    """A site's coordinates and the shared-risk facts R-TOP-03 compares."""

    lat: float = Field(ge=-90, le=90, description="latitude, decimal degrees (WGS 84)")
    lon: float = Field(ge=-180, le=180, description="longitude, decimal degrees (WGS 84)")
    province: str = Field(min_length=1, description="province-level division, e.g. Liaoning")
    city: str = Field(min_length=1)
    seismic_zone: str = Field(min_length=1, description="seismic zone per GB 18306 zoning")
    river_basin: str = Field(min_length=1, description="river basin, e.g. Pearl, Yangtze")
    power_grid: str = Field(min_length=1, description="provincial power grid company")


def great_circle_km(a: Location, b: Location) -> float:
    """Straight-line (great-circle) distance between two locations, haversine formula."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
