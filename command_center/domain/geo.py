"""Coordinates for a Chinese command centre: WGS-84, GCJ-02, BD-09, Web Mercator, distances.

Geometry is stored in WGS-84 (CGCS2000 equals it at this accuracy); AMap/Tencent data arrive
in GCJ-02 and Baidu data in BD-09, so they are converted at the edges with the functions here.
GCJ-02 has no closed-form inverse: `gcj02_to_wgs84` iterates the forward formula until it
matches to ~1 cm. Every function has a scalar form (plain floats, fast for one point) and an
``_array`` form (numpy, for whole boundary files). Bad input raises `GeoError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
# China's bounding box for the GCJ-02 formula; outside it the transform is the identity.
_CHINA_MIN_LON, _CHINA_MAX_LON = 72.004, 137.8347
_CHINA_MIN_LAT, _CHINA_MAX_LAT = 0.8293, 55.8271
# Largest GCJ-02 offset is well under 0.01 degree; the inverse looks this far past the box.
_GCJ_MARGIN_DEG = 0.05
# The inverse stops when the forward transform of its estimate is this close (~1 cm).
GCJ_INVERSE_TOLERANCE_DEG = 1e-7
GCJ_INVERSE_MAX_ITERATIONS = 30

_BD_X_PI = math.pi * 3000.0 / 180.0
_BD_DLON, _BD_DLAT = 0.0065, 0.006
_BD_INVERSE_ITERATIONS = 3  # the closed-form inverse is ~1e-6 deg off; each step gains ~1000x

# Web Mercator (EPSG:3857): sphere of the WGS-84 semi-major axis.
MERCATOR_RADIUS_M = 6378137.0
MERCATOR_HALF_WORLD_M = math.pi * MERCATOR_RADIUS_M  # 20037508.342789244
MERCATOR_MAX_LAT = math.degrees(math.atan(math.sinh(math.pi)))  # 85.0511287798066
MAX_TILE_ZOOM = 30

# Mean Earth radius (IUGG) for great-circle distances.
EARTH_MEAN_RADIUS_M = 6371008.8
# WGS-84 ellipsoid for local metres-per-degree.
_WGS84_A = 6378137.0
_WGS84_E2 = 6.69437999014e-3


class GeoError(ValueError):
    """A coordinate that cannot be used: not a number, or latitude outside its range."""


class CRS(StrEnum):
    """The geographic coordinate systems met in Chinese map data."""

    WGS84 = "wgs84"  # GPS, OSM, Open311, Tianditu (CGCS2000)
    GCJ02 = "gcj02"  # AMap, Tencent
    BD09 = "bd09"  # Baidu


# ---------------------------------------------------------------- validation


def _check_point(lon: float, lat: float, *, lat_limit: float = 90.0) -> tuple[float, float]:
    """Return (lon, lat) as floats, or raise GeoError saying what is wrong."""
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError) as exc:
        raise GeoError(f"coordinates must be numbers, got lon={lon!r}, lat={lat!r}") from exc
    if not (math.isfinite(x) and math.isfinite(y)):
        raise GeoError(f"coordinates must be finite numbers, got lon={x}, lat={y}")
    if not -lat_limit <= y <= lat_limit:
        raise GeoError(f"latitude {y} is outside [-{lat_limit}, {lat_limit}] (lon={x})")
    return x, y


def _check_arrays(
    lons: ArrayLike, lats: ArrayLike, *, lat_limit: float = 90.0
) -> tuple[FloatArray, FloatArray]:
    """Return lons, lats as float64 arrays of one shape, or raise GeoError on bad values."""
    try:
        x = np.asarray(lons, dtype=np.float64)
        y = np.asarray(lats, dtype=np.float64)
        x, y = np.broadcast_arrays(x, y)
    except (TypeError, ValueError) as exc:
        raise GeoError(
            f"longitudes and latitudes must be numeric arrays of one shape: {exc}"
        ) from exc
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise GeoError(
            f"{int(bad.sum())} coordinate(s) are not finite numbers; "
            f"first at index {i}: lon={x.ravel()[i]}, lat={y.ravel()[i]}"
        )
    out = np.abs(y) > lat_limit
    if out.any():
        i = int(np.flatnonzero(out.ravel())[0])
        raise GeoError(
            f"{int(out.sum())} latitude(s) outside [-{lat_limit}, {lat_limit}]; "
            f"first at index {i}: lat={y.ravel()[i]}"
        )
    return x, y


# ---------------------------------------------------------------- GCJ-02


def out_of_china(lon: float, lat: float) -> bool:
    """True where the GCJ-02 formula does not apply (outside China's bounding box)."""
    return not (_CHINA_MIN_LON <= lon <= _CHINA_MAX_LON and _CHINA_MIN_LAT <= lat <= _CHINA_MAX_LAT)


def _out_of_china_array(x: FloatArray, y: FloatArray, margin: float = 0.0) -> NDArray[np.bool_]:
    return ~(
        (x >= _CHINA_MIN_LON - margin)
        & (x <= _CHINA_MAX_LON + margin)
        & (y >= _CHINA_MIN_LAT - margin)
        & (y <= _CHINA_MAX_LAT + margin)
    )


def _gcj_delta(
    lon: Any,
    lat: Any,
    sin: Callable[[Any], Any],
    cos: Callable[[Any], Any],
    sqrt: Callable[[Any], Any],
    fabs: Callable[[Any], Any],
) -> tuple[Any, Any]:
    """GCJ-02 minus WGS-84 in degrees at a WGS-84 point (no bounding-box test).

    Written once for both backends: pass `math` functions for floats, numpy's for arrays.
    """
    pi = math.pi
    x = lon - 105.0
    y = lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x))
    dlat = dlat + (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = dlat + (20.0 * sin(y * pi) + 40.0 * sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat = dlat + (160.0 * sin(y / 12.0 * pi) + 320.0 * sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x))
    dlon = dlon + (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    dlon = dlon + (20.0 * sin(x * pi) + 40.0 * sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon = dlon + (150.0 * sin(x / 12.0 * pi) + 300.0 * sin(x / 30.0 * pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * pi
    magic = sin(radlat)
    magic = 1.0 - _KRASOVSKY_EE * magic * magic
    sqrtmagic = sqrt(magic)
    dlat = (dlat * 180.0) / ((_KRASOVSKY_A * (1.0 - _KRASOVSKY_EE)) / (magic * sqrtmagic) * pi)
    dlon = (dlon * 180.0) / (_KRASOVSKY_A / sqrtmagic * cos(radlat) * pi)
    return dlon, dlat


def _delta_scalar(lon: float, lat: float) -> tuple[float, float]:
    return _gcj_delta(lon, lat, math.sin, math.cos, math.sqrt, math.fabs)  # type: ignore[no-any-return]


def _delta_array(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    return _gcj_delta(lon, lat, np.sin, np.cos, np.sqrt, np.abs)  # type: ignore[no-any-return]


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02 (AMap/Tencent). Identity outside China's bounding box."""
    x, y = _check_point(lon, lat)
    if out_of_china(x, y):
        return x, y
    dlon, dlat = _delta_scalar(x, y)
    return x + dlon, y + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → WGS-84 by fixed-point iteration on the forward formula (error ~1 cm).

    The answer is the WGS-84 point whose forward transform gives the input; if that point
    falls outside China's box, the forward transform there is the identity, so the input
    itself is the answer.
    """
    gx, gy = _check_point(lon, lat)
    if not (
        _CHINA_MIN_LON - _GCJ_MARGIN_DEG <= gx <= _CHINA_MAX_LON + _GCJ_MARGIN_DEG
        and _CHINA_MIN_LAT - _GCJ_MARGIN_DEG <= gy <= _CHINA_MAX_LAT + _GCJ_MARGIN_DEG
    ):
        return gx, gy
    dlon, dlat = _delta_scalar(gx, gy)
    x, y = gx - dlon, gy - dlat
    for _ in range(GCJ_INVERSE_MAX_ITERATIONS):
        dlon, dlat = _delta_scalar(x, y)
        ex, ey = x + dlon - gx, y + dlat - gy
        x, y = x - ex, y - ey
        if abs(ex) < GCJ_INVERSE_TOLERANCE_DEG and abs(ey) < GCJ_INVERSE_TOLERANCE_DEG:
            break
    if out_of_china(x, y):
        return gx, gy
    return x, y


def wgs84_to_gcj02_array(lons: ArrayLike, lats: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised `wgs84_to_gcj02`: arrays in, new arrays out (same shape)."""
    x, y = _check_arrays(lons, lats)
    dlon, dlat = _delta_array(x, y)
    outside = _out_of_china_array(x, y)
    return np.where(outside, x, x + dlon), np.where(outside, y, y + dlat)


def gcj02_to_wgs84_array(lons: ArrayLike, lats: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised `gcj02_to_wgs84`; iterates until every point is within the tolerance."""
    gx, gy = _check_arrays(lons, lats)
    x, y = gx.copy(), gy.copy()
    near = ~_out_of_china_array(gx, gy, margin=_GCJ_MARGIN_DEG)
    if not near.any():
        return x, y
    tx, ty = gx[near], gy[near]
    dlon, dlat = _delta_array(tx, ty)
    ix, iy = tx - dlon, ty - dlat
    for _ in range(GCJ_INVERSE_MAX_ITERATIONS):
        dlon, dlat = _delta_array(ix, iy)
        ex, ey = ix + dlon - tx, iy + dlat - ty
        ix, iy = ix - ex, iy - ey
        if max(np.abs(ex).max(), np.abs(ey).max()) < GCJ_INVERSE_TOLERANCE_DEG:
            break
    inside = ~_out_of_china_array(ix, iy)
    x[near] = np.where(inside, ix, tx)
    y[near] = np.where(inside, iy, ty)
    return x, y


# ---------------------------------------------------------------- BD-09


def _bd_forward(
    x: Any,
    y: Any,
    sqrt: Callable[[Any], Any],
    sin: Callable[[Any], Any],
    cos: Callable[[Any], Any],
    atan2: Callable[[Any, Any], Any],
) -> tuple[Any, Any]:
    z = sqrt(x * x + y * y) + 0.00002 * sin(y * _BD_X_PI)
    theta = atan2(y, x) + 0.000003 * cos(x * _BD_X_PI)
    return z * cos(theta) + _BD_DLON, z * sin(theta) + _BD_DLAT


def _bd_inverse(
    bx: Any,
    by: Any,
    sqrt: Callable[[Any], Any],
    sin: Callable[[Any], Any],
    cos: Callable[[Any], Any],
    atan2: Callable[[Any, Any], Any],
) -> tuple[Any, Any]:
    """Baidu's closed-form inverse (~1e-6 deg off), then fixed-point corrections."""
    x, y = bx - _BD_DLON, by - _BD_DLAT
    z = sqrt(x * x + y * y) - 0.00002 * sin(y * _BD_X_PI)
    theta = atan2(y, x) - 0.000003 * cos(x * _BD_X_PI)
    gx, gy = z * cos(theta), z * sin(theta)
    for _ in range(_BD_INVERSE_ITERATIONS):
        fx, fy = _bd_forward(gx, gy, sqrt, sin, cos, atan2)
        gx, gy = gx - (fx - bx), gy - (fy - by)
    return gx, gy


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 (Baidu)."""
    x, y = _check_point(lon, lat)
    return _bd_forward(x, y, math.sqrt, math.sin, math.cos, math.atan2)  # type: ignore[no-any-return]


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 (Baidu) → GCJ-02, refined so a round trip agrees to well under a millimetre."""
    x, y = _check_point(lon, lat)
    return _bd_inverse(x, y, math.sqrt, math.sin, math.cos, math.atan2)  # type: ignore[no-any-return]


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 → BD-09, through GCJ-02."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 → WGS-84, through GCJ-02."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def gcj02_to_bd09_array(lons: ArrayLike, lats: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised `gcj02_to_bd09`."""
    x, y = _check_arrays(lons, lats)
    return _bd_forward(x, y, np.sqrt, np.sin, np.cos, np.arctan2)  # type: ignore[no-any-return]


def bd09_to_gcj02_array(lons: ArrayLike, lats: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised `bd09_to_gcj02`."""
    x, y = _check_arrays(lons, lats)
    return _bd_inverse(x, y, np.sqrt, np.sin, np.cos, np.arctan2)  # type: ignore[no-any-return]


# ---------------------------------------------------------------- any → any

_SCALAR_STEPS: dict[tuple[CRS, CRS], Callable[[float, float], tuple[float, float]]] = {
    (CRS.WGS84, CRS.GCJ02): wgs84_to_gcj02,
    (CRS.GCJ02, CRS.WGS84): gcj02_to_wgs84,
    (CRS.GCJ02, CRS.BD09): gcj02_to_bd09,
    (CRS.BD09, CRS.GCJ02): bd09_to_gcj02,
}
_ARRAY_STEPS: dict[
    tuple[CRS, CRS], Callable[[ArrayLike, ArrayLike], tuple[FloatArray, FloatArray]]
] = {
    (CRS.WGS84, CRS.GCJ02): wgs84_to_gcj02_array,
    (CRS.GCJ02, CRS.WGS84): gcj02_to_wgs84_array,
    (CRS.GCJ02, CRS.BD09): gcj02_to_bd09_array,
    (CRS.BD09, CRS.GCJ02): bd09_to_gcj02_array,
}


def _path(src: CRS | str, dst: CRS | str) -> list[tuple[CRS, CRS]]:
    """The chain of single steps from src to dst (GCJ-02 sits between the other two)."""
    try:
        s, d = CRS(src), CRS(dst)
    except ValueError as exc:
        raise GeoError(
            f"unknown coordinate system: {exc}; use one of {[c.value for c in CRS]}"
        ) from exc
    if s == d:
        return []
    if CRS.GCJ02 in (s, d):
        return [(s, d)]
    return [(s, CRS.GCJ02), (CRS.GCJ02, d)]


def convert(lon: float, lat: float, src: CRS | str, dst: CRS | str) -> tuple[float, float]:
    """Convert one point between any two of WGS-84, GCJ-02 and BD-09."""
    x, y = _check_point(lon, lat)
    for step in _path(src, dst):
        x, y = _SCALAR_STEPS[step](x, y)
    return x, y


def convert_array(
    lons: ArrayLike, lats: ArrayLike, src: CRS | str, dst: CRS | str
) -> tuple[FloatArray, FloatArray]:
    """Vectorised `convert`: arrays in, new arrays out (same shape)."""
    x, y = _check_arrays(lons, lats)
    for step in _path(src, dst):
        x, y = _ARRAY_STEPS[step](x, y)
    return x.copy(), y.copy()


# ---------------------------------------------------------------- Web Mercator


def lonlat_to_mercator(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 lon/lat → Web Mercator metres (EPSG:3857). |lat| must be ≤ 85.0511°."""
    x, y = _check_point(lon, lat, lat_limit=MERCATOR_MAX_LAT)
    mx = math.radians(x) * MERCATOR_RADIUS_M
    my = math.log(math.tan(math.pi / 4.0 + math.radians(y) / 2.0)) * MERCATOR_RADIUS_M
    return mx, my


def mercator_to_lonlat(x: float, y: float) -> tuple[float, float]:
    """Web Mercator metres → WGS-84 lon/lat."""
    mx, my = _check_point(x, y, lat_limit=math.inf)
    lon = math.degrees(mx / MERCATOR_RADIUS_M)
    t = min(max(my / MERCATOR_RADIUS_M, -700.0), 700.0)  # beyond this lat is ±90 anyway
    lat = math.degrees(2.0 * math.atan(math.exp(t)) - math.pi / 2.0)
    return lon, lat


def lonlat_to_mercator_array(lons: ArrayLike, lats: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised `lonlat_to_mercator`."""
    x, y = _check_arrays(lons, lats, lat_limit=MERCATOR_MAX_LAT)
    mx = np.radians(x) * MERCATOR_RADIUS_M
    my = np.log(np.tan(np.pi / 4.0 + np.radians(y) / 2.0)) * MERCATOR_RADIUS_M
    return mx, my


def mercator_to_lonlat_array(xs: ArrayLike, ys: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised `mercator_to_lonlat`."""
    mx, my = _check_arrays(xs, ys, lat_limit=math.inf)
    lon = np.degrees(mx / MERCATOR_RADIUS_M)
    t = np.clip(my / MERCATOR_RADIUS_M, -700.0, 700.0)
    lat = np.degrees(2.0 * np.arctan(np.exp(t)) - np.pi / 2.0)
    return lon, lat


def _check_zoom(z: int) -> int:
    if isinstance(z, bool) or not isinstance(z, (int, np.integer)) or not 0 <= z <= MAX_TILE_ZOOM:
        raise GeoError(f"tile zoom must be an integer in 0..{MAX_TILE_ZOOM}, got {z!r}")
    return int(z)


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile (x east, y south, as in OSM/Tianditu `_w`) that holds a WGS-84 point.

    Latitudes beyond the Mercator limit are clamped to the top/bottom row; lon 180 maps to
    the last column.
    """
    z = _check_zoom(z)
    x, y = _check_point(lon, lat)
    n = 1 << z
    y = min(max(y, -MERCATOR_MAX_LAT), MERCATOR_MAX_LAT)
    if not -180.0 <= x <= 180.0:
        x = (x + 180.0) % 360.0 - 180.0  # wrap around the antimeridian
    fx = (x + 180.0) / 360.0
    rad = math.radians(y)
    fy = (1.0 - math.log(math.tan(rad) + 1.0 / math.cos(rad)) / math.pi) / 2.0
    tx = min(max(int(math.floor(fx * n)), 0), n - 1)
    ty = min(max(int(math.floor(fy * n)), 0), n - 1)
    return tx, ty


def _check_tile(x: int, y: int, z: int) -> tuple[int, int, int]:
    z = _check_zoom(z)
    n = 1 << z
    for name, v in (("x", x), ("y", y)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 0 <= v < n:
            raise GeoError(f"tile {name} must be an integer in 0..{n - 1} at zoom {z}, got {v!r}")
    return int(x), int(y), z


def tile_bounds_mercator(x: int, y: int, z: int) -> tuple[float, float, float, float]:
    """(min_x, min_y, max_x, max_y) of an XYZ tile in Web Mercator metres."""
    x, y, z = _check_tile(x, y, z)
    size = 2.0 * MERCATOR_HALF_WORLD_M / (1 << z)
    min_x = -MERCATOR_HALF_WORLD_M + x * size
    max_y = MERCATOR_HALF_WORLD_M - y * size
    return min_x, max_y - size, min_x + size, max_y


def tile_bounds(x: int, y: int, z: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of an XYZ tile in WGS-84 degrees."""
    x, y, z = _check_tile(x, y, z)
    n = 1 << z

    def lat_of(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * row / n))))

    return x / n * 360.0 - 180.0, lat_of(y + 1), (x + 1) / n * 360.0 - 180.0, lat_of(y)


# ---------------------------------------------------------------- distances


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres on a sphere of the mean Earth radius (~0.5 % error)."""
    x1, y1 = _check_point(lon1, lat1)
    x2, y2 = _check_point(lon2, lat2)
    p1, p2 = math.radians(y1), math.radians(y2)
    dp, dl = p2 - p1, math.radians(x2 - x1)
    h = math.sin(dp / 2.0) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_MEAN_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def haversine_m_array(
    lons1: ArrayLike, lats1: ArrayLike, lons2: ArrayLike, lats2: ArrayLike
) -> FloatArray:
    """Vectorised `haversine_m`; the two point sets broadcast against each other."""
    x1, y1 = _check_arrays(lons1, lats1)
    x2, y2 = _check_arrays(lons2, lats2)
    p1, p2 = np.radians(y1), np.radians(y2)
    dp, dl = p2 - p1, np.radians(x2 - x1)
    h = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_MEAN_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def local_metres_per_degree(lat: float) -> tuple[float, float]:
    """(metres per degree of longitude, metres per degree of latitude) at a latitude.

    From the WGS-84 ellipsoid, so a small lon/lat box can be sized in metres (e.g. ~100 m
    grid cells, ~50 m duplicate radius) without projecting.
    """
    _, y = _check_point(0.0, lat)
    phi = math.radians(y)
    w = 1.0 - _WGS84_E2 * math.sin(phi) ** 2
    meridional = _WGS84_A * (1.0 - _WGS84_E2) / w**1.5
    normal = _WGS84_A / math.sqrt(w)
    return math.radians(1.0) * normal * math.cos(phi), math.radians(1.0) * meridional
