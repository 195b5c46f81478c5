"""Web Mercator (EPSG:3857) for the map canvas: projecting arrays, zoom, ground scale, scale bar.

The canvas works in Web Mercator metres: every layer's WGS-84 lon/lat is projected once with
the functions here, and the view's range is in those metres. A Mercator metre is only a true
metre on the equator; at latitude φ one true metre spans 1/cos φ Mercator metres (the scale
factor), so anything that shows a distance to a person — the scale bar, a radius — goes
through `ground_metres` first. At Chaoyang (~41.57° N) that factor is about 1.34.

Plain Python and numpy only: no Qt. Bad input raises `GeoError` (a `ValueError`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from command_center.domain.geo import (
    MERCATOR_HALF_WORLD_M,
    MERCATOR_MAX_LAT,
    FloatArray,
    GeoError,
    lonlat_to_mercator_array,
    mercator_to_lonlat_array,
)

__all__ = [
    "TILE_SIZE_PX",
    "WORLD_WIDTH_M",
    "GeoError",
    "ground_metres",
    "mercator_metres",
    "metres_per_pixel",
    "project",
    "project_rings",
    "scale_bar",
    "unproject",
    "zoom_for_resolution",
]

TILE_SIZE_PX = 256  # XYZ tiles: the whole world is 256 px wide at zoom 0
WORLD_WIDTH_M = 2.0 * MERCATOR_HALF_WORLD_M  # 40075016.68557849 m of Mercator x
_NICE_STEPS = (5, 2, 1)  # scale-bar lengths are 1, 2 or 5 × 10^n metres


def project(lons: ArrayLike, lats: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """WGS-84 lon/lat arrays → Web Mercator x, y metres (new arrays, same shape).

    |lat| must be ≤ 85.0511° (the Mercator limit); NaN or infinite input is refused.
    """
    return lonlat_to_mercator_array(lons, lats)


def unproject(xs: ArrayLike, ys: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Web Mercator x, y metres → WGS-84 lon/lat arrays (the inverse of `project`)."""
    return mercator_to_lonlat_array(xs, ys)


def join_rings(
    rings: Iterable[Sequence[tuple[float, float]]],
) -> tuple[FloatArray, FloatArray]:
    """Concatenate rings into x, y arrays with one NaN after each, for one batched line item
    drawn with ``connect="finite"``; rings with fewer than two points are skipped."""
    parts = [np.asarray(r, dtype=np.float64).reshape(-1, 2) for r in rings if len(r) >= 2]
    if not parts:
        return np.empty(0), np.empty(0)
    gap = np.full((1, 2), np.nan)
    stacked = np.concatenate([p for part in parts for p in (part, gap)])
    return stacked[:, 0], stacked[:, 1]


def project_rings(rings: Iterable[Sequence[tuple[float, float]]]) -> tuple[FloatArray, FloatArray]:
    """Project (lon, lat) rings into x, y metre arrays for one batched line item
    (`join_rings` in Web Mercator metres). No rings give two empty arrays."""
    lons, lats = join_rings(rings)
    finite = ~np.isnan(lons)
    x = np.full(len(lons), np.nan)
    y = np.full(len(lons), np.nan)
    x[finite], y[finite] = project(lons[finite], lats[finite])
    return x, y


def _check_lat(lat: float) -> float:
    try:
        value = float(lat)
    except (TypeError, ValueError) as exc:
        raise GeoError(f"latitude must be a number, got {lat!r}") from exc
    if not -MERCATOR_MAX_LAT <= value <= MERCATOR_MAX_LAT:  # also refuses NaN
        raise GeoError(
            f"latitude {value} is outside the Web Mercator range "
            f"[-{MERCATOR_MAX_LAT}, {MERCATOR_MAX_LAT}]"
        )
    return value


def _check_finite(name: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise GeoError(f"{name} must be a number, got {value!r}") from exc
    if not math.isfinite(v):
        raise GeoError(f"{name} must be a finite number, got {v}")
    return v


def _check_positive(name: str, value: float) -> float:
    v = _check_finite(name, value)
    if v <= 0.0:
        raise GeoError(f"{name} must be a finite number > 0, got {v}")
    return v


def metres_per_pixel(zoom: float, lat: float = 0.0) -> float:
    """Ground metres per screen pixel at a (fractional) tile zoom, at a latitude.

    At the equator (the default) this is also the Mercator metres per pixel:
    156543.03 m at zoom 0, halving with each zoom level. At latitude φ the ground
    distance is that times cos φ.
    """
    z = _check_finite("zoom", zoom)
    phi = math.radians(_check_lat(lat))
    return WORLD_WIDTH_M / (TILE_SIZE_PX * 2.0**z) * math.cos(phi)


def zoom_for_resolution(m_per_px: float, lat: float = 0.0) -> float:
    """The (fractional) tile zoom at which one pixel covers `m_per_px` ground metres at `lat`.

    The inverse of `metres_per_pixel`; round or floor it to pick a tile level.
    """
    m = _check_positive("metres per pixel", m_per_px)
    phi = math.radians(_check_lat(lat))
    return math.log2(WORLD_WIDTH_M * math.cos(phi) / (TILE_SIZE_PX * m))


def ground_metres(mercator_dx: float, lat: float) -> float:
    """True ground distance (m) of a Mercator distance measured at latitude `lat`.

    Web Mercator stretches by 1/cos φ, so the ground length is ``mercator_dx * cos φ``.
    Exact along a parallel; a good approximation for the short spans a city view shows.
    """
    dx = _check_finite("distance", mercator_dx)
    return dx * math.cos(math.radians(_check_lat(lat)))


def mercator_metres(ground_m: float, lat: float) -> float:
    """Mercator distance that spans `ground_m` true metres at latitude `lat` (inverse)."""
    d = _check_finite("distance", ground_m)
    return d / math.cos(math.radians(_check_lat(lat)))


def _format_length(metres: float) -> str:
    if metres >= 1000.0:
        return f"{metres / 1000.0:g} km"
    return f"{metres:g} m"


def scale_bar(m_per_px_ground: float, max_px: float) -> tuple[float, float, str]:
    """The longest 1/2/5 × 10^n metre bar that fits in `max_px` pixels.

    Returns ``(metres, pixels, label)``, e.g. ``(500.0, 96.1…, "500 m")`` or
    ``(2000.0, 52.4…, "2 km")``. `m_per_px_ground` is ground metres per pixel (see
    `ground_metres`), not Mercator metres.
    """
    mpp = _check_positive("metres per pixel", m_per_px_ground)
    width = _check_positive("max_px", max_px)
    limit = mpp * width * (1.0 + 1e-9)  # so 100 px × 10 m/px still gives exactly 1 km
    exponent = math.floor(math.log10(limit))
    # log10 may round up just below a power of ten, so the decade below is tried too.
    metres = next(
        m
        for e in (exponent, exponent - 1)
        for step in _NICE_STEPS
        if (m := float(f"{step * 10.0**e:.12g}")) <= limit  # 0.5, not 0.5000000000000001
    )
    return metres, metres / mpp, _format_length(metres)
