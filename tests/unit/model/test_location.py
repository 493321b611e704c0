"""Great-circle distances, the basis of R-TOP-02 and R-TOP-03."""

from __future__ import annotations

import pytest

from medcloud.model import Location, great_circle_km


def place(lat: float, lon: float) -> Location:
    return Location(lat=lat, lon=lon, province="p", city="c", seismic_zone="s", river_basin="r", power_grid="g")


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        # Beijing – Shanghai city centres: 1,067 km great-circle.
        ((39.9042, 116.4074), (31.2304, 121.4737), 1067.0),
        # Guangzhou – Chengdu (the dev region's production and remote DR): about 1,240 km.
        ((23.1291, 113.2644), (30.5728, 104.0668), 1236.0),
        # A quarter of the equator.
        ((0.0, 0.0), (0.0, 90.0), 10007.5),
    ],
)
def test_great_circle_distance(a: tuple[float, float], b: tuple[float, float], km: float) -> None:
    assert great_circle_km(place(*a), place(*b)) == pytest.approx(km, rel=0.005)


def test_distance_is_symmetric_and_zero_on_the_spot() -> None:
    gz, fs = place(23.1291, 113.2644), place(23.0218, 113.1219)
    assert great_circle_km(gz, fs) == pytest.approx(great_circle_km(fs, gz))
    assert great_circle_km(gz, gz) == 0.0
    assert great_circle_km(gz, fs) < 20  # the dev same-city pair
