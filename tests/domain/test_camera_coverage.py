"""Which cameras see a case: inside the view cone and range, nearest first."""

from __future__ import annotations

import pytest

from command_center.domain.cameras import CameraView, covering, sees
from command_center.domain.geo import local_metres_per_degree

LON, LAT = 120.45, 41.57
M_LON, M_LAT = local_metres_per_degree(LAT)


def at(east_m: float, north_m: float) -> tuple[float, float]:
    return LON + east_m / M_LON, LAT + north_m / M_LAT


def test_a_point_ahead_inside_the_half_angle_is_seen():
    cam = CameraView(1, LON, LAT, heading_deg=90.0, fov_deg=60.0, range_m=150.0)  # looks east
    assert sees(cam, *at(100, 0)).off_axis_deg == pytest.approx(0.0, abs=0.01)
    assert sees(cam, *at(100, 50)) is not None  # 26.6° off axis < 30°
    assert sees(cam, *at(100, 70)) is None  # 35° off axis
    assert sees(cam, *at(-100, 0)) is None  # behind
    assert sees(cam, *at(160, 0)) is None  # beyond range


def test_the_cone_wraps_around_north():
    cam = CameraView(1, LON, LAT, heading_deg=350.0, fov_deg=40.0)
    assert sees(cam, *at(10, 100)) is not None  # bearing ≈ 5.7°, 15.7° from 350°
    assert sees(cam, *at(-40, 100)) is not None  # bearing ≈ 338°
    assert sees(cam, *at(60, 100)) is None  # bearing ≈ 31°


def test_a_dome_sees_all_round_and_unusable_cameras_see_nothing():
    dome = CameraView(1, LON, LAT)
    assert sees(dome, *at(-80, -80)) is not None
    found = covering(*at(0, 50), [
        CameraView(3, *at(0, 150), heading_deg=180.0, fov_deg=60.0),  # 100 m away, facing it
        CameraView(2, LON, LAT),  # dome, 50 m
        CameraView(4, LON, LAT, usable=False),
        CameraView(5, *at(0, -20), heading_deg=180.0, fov_deg=60.0),  # looks away
    ])
    assert [c.camera_id for c in found] == [2, 3]
    assert [round(c.distance_m) for c in found] == [50, 100]
    assert covering(*at(0, 50), [CameraView(2, LON, LAT), CameraView(3, LON, LAT)], limit=1)[0].camera_id == 2
