"""Web Mercator for the canvas: projection, zoom/resolution, ground distance, scale bar."""

from __future__ import annotations

import math

import numpy as np
import pytest

from command_center.domain.geo import GeoError, haversine_m
from command_center.map.projection import (
    ground_metres,
    mercator_metres,
    metres_per_pixel,
    project,
    project_rings,
    scale_bar,
    unproject,
    zoom_for_resolution,
)

CHAOYANG_LAT = 41.57


def test_known_values():
    x, y = project([180.0, -180.0, 0.0], [0.0, 0.0, 85.0511287798066])
    assert x[0] == pytest.approx(20037508.34, abs=0.01)
    assert x[1] == pytest.approx(-20037508.34, abs=0.01)
    assert y[2] == pytest.approx(20037508.34, abs=0.01)  # the square world's top edge
    assert abs(y[0]) < 1e-6


def test_round_trip_keeps_chaoyang_points():
    lons = np.array([120.10, 120.45, 119.85])
    lats = np.array([41.50, 41.62, 41.30])
    back_lon, back_lat = unproject(*project(lons, lats))
    np.testing.assert_allclose(back_lon, lons, atol=1e-9)
    np.testing.assert_allclose(back_lat, lats, atol=1e-9)


def test_projection_refuses_the_poles_and_nan():
    with pytest.raises(GeoError, match="outside"):
        project([0.0], [89.0])
    with pytest.raises(GeoError, match="not finite"):
        project([np.nan], [40.0])


def test_project_rings_separates_rings_with_nan_and_skips_single_points():
    rings = [((0.0, 0.0), (1.0, 0.0)), ((5.0, 5.0),), ((120.0, 41.5), (120.1, 41.6), (120.0, 41.5))]
    x, y = project_rings(rings)
    assert len(x) == len(y) == 2 + 1 + 3 + 1
    assert np.isnan(x[[2, 6]]).all() and np.isnan(y[[2, 6]]).all()
    assert np.isfinite(x[[0, 1, 3, 4, 5]]).all()
    assert x[1] == pytest.approx(20037508.342789244 / 180.0)
    ex, ey = project([120.1], [41.6])
    assert (x[4], y[4]) == (ex[0], ey[0])


def test_project_rings_of_nothing_is_empty():
    x, y = project_rings([])
    assert x.shape == y.shape == (0,)


def test_metres_per_pixel_at_the_equator_and_at_chaoyang():
    assert metres_per_pixel(0) == pytest.approx(156543.03392804097, rel=1e-12)
    assert metres_per_pixel(12) == pytest.approx(156543.03392804097 / 4096, rel=1e-12)
    assert metres_per_pixel(12, CHAOYANG_LAT) == pytest.approx(
        38.21851414258813 * math.cos(math.radians(CHAOYANG_LAT)), rel=1e-12
    )


@pytest.mark.parametrize("lat", [0.0, CHAOYANG_LAT, -60.0])
@pytest.mark.parametrize("zoom", [0.0, 10.5, 18.0])
def test_zoom_for_resolution_inverts_metres_per_pixel(zoom, lat):
    assert zoom_for_resolution(metres_per_pixel(zoom, lat), lat) == pytest.approx(zoom, abs=1e-9)


def test_zoom_for_resolution_refuses_non_positive():
    with pytest.raises(GeoError, match="> 0"):
        zoom_for_resolution(0.0)
    with pytest.raises(GeoError, match="Web Mercator range"):
        metres_per_pixel(10, 88.0)


def test_ground_distance_at_41_57_north():
    # 1 km of Mercator x at Chaoyang is cos(41.57°) km on the ground.
    assert ground_metres(1000.0, CHAOYANG_LAT) == pytest.approx(748.1456189281362, rel=1e-12)
    assert mercator_metres(748.1456189281362, CHAOYANG_LAT) == pytest.approx(1000.0, rel=1e-12)
    # …and agrees with a great-circle distance along the parallel (different radius: ~0.2 %).
    x, _ = project([120.40, 120.41], [CHAOYANG_LAT, CHAOYANG_LAT])
    ground = ground_metres(x[1] - x[0], CHAOYANG_LAT)
    assert ground == pytest.approx(
        haversine_m(120.40, CHAOYANG_LAT, 120.41, CHAOYANG_LAT), rel=2e-3
    )
    assert x[1] - x[0] > 1.3 * ground  # the Mercator distance is visibly stretched


@pytest.mark.parametrize(
    ("m_per_px", "max_px", "expected"),
    [
        (1.0, 120, (100.0, 100.0, "100 m")),
        (10.0, 100, (1000.0, 100.0, "1 km")),  # exactly fits
        (38.2, 100, (2000.0, 2000.0 / 38.2, "2 km")),
        (2.6, 200, (500.0, 500.0 / 2.6, "500 m")),
        (150.0, 100, (10000.0, 10000.0 / 150.0, "10 km")),
        (0.003, 100, (0.2, 0.2 / 0.003, "0.2 m")),
    ],
)
def test_scale_bar_picks_the_longest_nice_length(m_per_px, max_px, expected):
    assert scale_bar(m_per_px, max_px) == expected


def test_scale_bar_refuses_nonsense():
    with pytest.raises(GeoError, match="metres per pixel"):
        scale_bar(float("nan"), 100)
    with pytest.raises(GeoError, match="max_px"):
        scale_bar(1.0, 0)
