"""Which cameras see a place: a camera's view cone on the ground, nearest first.

A camera stands at (lon, lat), looks along `heading_deg` (0 = north, clockwise) with a
horizontal field of view `fov_deg`, and shows usable detail up to `range_m`. A camera with
no heading is a dome (it can turn): it covers the whole circle. Pure geometry on the local
tangent plane, which is exact enough within a few hundred metres.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from command_center.domain.geo import haversine_m, local_metres_per_degree

__all__ = ["DEFAULT_RANGE_M", "CameraView", "Coverage", "covering", "sees"]

DEFAULT_RANGE_M = 150.0  # a street camera resolves people and stalls to about this far


@dataclass(frozen=True)
class CameraView:
    """What `covering` needs to know about one camera."""

    id: int
    lon: float
    lat: float
    heading_deg: float | None = None  # None: a dome that can turn to any direction
    fov_deg: float | None = None
    range_m: float = DEFAULT_RANGE_M
    usable: bool = True  # enabled and in service


@dataclass(frozen=True)
class Coverage:
    camera_id: int
    distance_m: float
    off_axis_deg: float  # how far from the centre line of the view; 0 for a dome


def sees(camera: CameraView, lon: float, lat: float) -> Coverage | None:
    """The coverage of the point by `camera`, or None when it is outside the cone."""
    distance = haversine_m(camera.lon, camera.lat, lon, lat)
    if distance > camera.range_m:
        return None
    if camera.heading_deg is None or camera.fov_deg is None or camera.fov_deg >= 360:
        return Coverage(camera.id, distance, 0.0)
    if distance < 1.0:  # under the camera: visible whatever the direction
        return Coverage(camera.id, distance, 0.0)
    m_lon, m_lat = local_metres_per_degree(camera.lat)
    east, north = (lon - camera.lon) * m_lon, (lat - camera.lat) * m_lat
    bearing = math.degrees(math.atan2(east, north)) % 360.0
    off = abs((bearing - camera.heading_deg + 180.0) % 360.0 - 180.0)
    if off > camera.fov_deg / 2.0:
        return None
    return Coverage(camera.id, distance, off)


def covering(
    lon: float, lat: float, cameras: Iterable[CameraView], *, limit: int | None = None
) -> list[Coverage]:
    """The usable cameras whose cone covers (lon, lat), nearest first (then the one looking
    most squarely at it, then the id)."""
    found = [c for cam in cameras if cam.usable and (c := sees(cam, lon, lat)) is not None]
    found.sort(key=lambda c: (round(c.distance_m, 1), c.off_axis_deg, c.camera_id))
    return found if limit is None else found[:limit]
