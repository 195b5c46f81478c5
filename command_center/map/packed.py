"""`PackedRings`: many polygon rings as flat numpy arrays in Web Mercator metres.

Building 50,000 grid cells ring by ring (one `np.asarray` per ring) costs half a second of
Python; packing them once with `itertools.chain` and projecting the whole array in one call
costs a few tens of milliseconds. Everything the map does with a layer of rings — outlines,
choropleth buckets, hit-testing, labels, the minimap — works on this one packed form.

Layout: ``xy`` holds every vertex (n_vertices × 2, Mercator metres); ring ``i`` is
``xy[starts[i]:starts[i + 1]]``. Rings with fewer than three points are kept (as zero-area
rings) so that ring ``i`` is always the ``i``-th ring given.

Plain numpy only: no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np

from command_center.domain.geo import FloatArray
from command_center.map.projection import project, unproject

__all__ = ["PackedRings"]

IntArray = np.ndarray


class PackedRings:
    """Rings (lon, lat sequences, WGS-84) packed and projected to Mercator metres."""

    __slots__ = ("_bboxes", "_centroids", "starts", "xy")

    def __init__(self, xy: FloatArray, starts: IntArray) -> None:
        if xy.ndim != 2 or xy.shape[1] != 2:
            raise ValueError(f"xy must be n × 2, got shape {xy.shape}")
        if starts.ndim != 1 or len(starts) == 0 or starts[0] != 0 or starts[-1] != len(xy):
            raise ValueError("starts must run from 0 to the number of vertices")
        self.xy = xy
        self.starts = starts
        self._bboxes: FloatArray | None = None
        self._centroids: FloatArray | None = None

    @classmethod
    def from_lonlat(cls, rings: Iterable[Sequence[tuple[float, float]]]) -> PackedRings:
        """Pack and project rings of (lon, lat) points."""
        rings = rings if isinstance(rings, (list, tuple)) else list(rings)
        lengths = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
        starts = np.zeros(len(rings) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        n = int(starts[-1])
        flat = np.fromiter(
            chain.from_iterable(chain.from_iterable(rings)), dtype=np.float64, count=2 * n
        ).reshape(n, 2)
        xy = np.empty_like(flat)
        if n:
            xy[:, 0], xy[:, 1] = project(flat[:, 0], flat[:, 1])
        return cls(xy, starts)

    @classmethod
    def empty(cls) -> PackedRings:
        return cls(np.empty((0, 2)), np.zeros(1, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.starts) - 1

    @property
    def vertex_count(self) -> int:
        return len(self.xy)

    def ring(self, i: int) -> FloatArray:
        """Vertices of ring `i` (a view, Mercator metres)."""
        return self.xy[self.starts[i] : self.starts[i + 1]]

    def ring_lonlat(self, i: int) -> list[tuple[float, float]]:
        """Ring `i` back in WGS-84 degrees."""
        r = self.ring(i)
        lons, lats = unproject(r[:, 0], r[:, 1])
        return list(zip(lons.tolist(), lats.tolist(), strict=True))

    def ring_ids(self) -> IntArray:
        """For each vertex, the index of its ring."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.starts))

    def bboxes(self) -> FloatArray:
        """n × 4 array of (x0, y0, x1, y1) per ring (NaN for an empty ring)."""
        if self._bboxes is None:
            out = np.full((len(self), 4), np.nan)
            nonempty = np.diff(self.starts) > 0
            if nonempty.any():
                idx = self.starts[:-1][nonempty]
                for col, (fn, axis) in enumerate(
                    ((np.minimum, 0), (np.minimum, 1), (np.maximum, 0), (np.maximum, 1))
                ):
                    out[nonempty, col] = fn.reduceat(self.xy[:, axis], idx)
            self._bboxes = out
        return self._bboxes

    def bounds(self) -> tuple[float, float, float, float] | None:
        """(x0, y0, x1, y1) of everything, None if there are no vertices."""
        if not len(self.xy):
            return None
        lo = self.xy.min(axis=0)
        hi = self.xy.max(axis=0)
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])

    def centroids(self) -> FloatArray:
        """n × 2 label points: the mean of each ring's vertices (closing point not counted
        twice). Good enough for the convex-ish cells and zones of a city grid."""
        if self._centroids is None:
            out = np.full((len(self), 2), np.nan)
            counts = np.diff(self.starts)
            nonempty = counts > 0
            if nonempty.any():
                idx = self.starts[:-1][nonempty]
                sums = np.add.reduceat(self.xy, idx, axis=0)
                n = counts[nonempty].astype(np.float64)
                first = self.xy[idx]
                last = self.xy[self.starts[1:][nonempty] - 1]
                closed = (first == last).all(axis=1) & (n > 1)
                sums[closed] -= last[closed]
                n[closed] -= 1
                out[nonempty] = sums / n[:, None]
            self._centroids = out
        return self._centroids

    def nan_joined(self, indices: IntArray | None = None) -> tuple[FloatArray, FloatArray]:
        """x, y arrays of the rings (all, or those at `indices`, in that order) with a NaN
        after each ring, for ``pg.arrayToQPath(x, y, connect="finite")``."""
        if indices is None:
            starts, lengths = self.starts[:-1], np.diff(self.starts)
        else:
            indices = np.asarray(indices, dtype=np.int64)
            starts = self.starts[indices]
            lengths = self.starts[indices + 1] - starts
        total = int(lengths.sum()) + len(lengths)
        x = np.full(total, np.nan)
        y = np.full(total, np.nan)
        if total == 0:
            return x, y
        # Destination of each ring's first vertex: its offset plus one NaN per earlier ring.
        dest_start = np.zeros(len(lengths), dtype=np.int64)
        np.cumsum(lengths[:-1] + 1, out=dest_start[1:])
        k = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        src = np.repeat(starts, lengths) + k
        dst = np.repeat(dest_start, lengths) + k
        x[dst] = self.xy[src, 0]
        y[dst] = self.xy[src, 1]
        return x, y

    def contains(self, x: float, y: float) -> IntArray:
        """Indices of the rings whose polygon contains the point (even-odd rule)."""
        bb = self.bboxes()
        with np.errstate(invalid="ignore"):
            cand = np.nonzero(
                (bb[:, 0] <= x) & (x <= bb[:, 2]) & (bb[:, 1] <= y) & (y <= bb[:, 3])
            )[0]
        hits = [int(i) for i in cand if _point_in_ring(self.ring(int(i)), x, y)]
        return np.array(hits, dtype=np.int64)

    def spatial_order(self, band_m: float) -> IntArray:
        """Ring indices sorted into horizontal bands `band_m` high, left to right within a
        band: consecutive runs are compact strips, which the raster engine fills far faster
        than one path spanning the city."""
        c = self.centroids()
        y = np.nan_to_num(c[:, 1])
        x = np.nan_to_num(c[:, 0])
        band = np.floor(y / band_m) if band_m > 0 else np.zeros(len(y))
        return np.lexsort((x, band)).astype(np.int64)


def _point_in_ring(ring: FloatArray, x: float, y: float) -> bool:
    if len(ring) < 3:
        return False
    xi, yi = ring[:, 0], ring[:, 1]
    xj, yj = np.roll(xi, 1), np.roll(yi, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        crosses = ((yi > y) != (yj > y)) & (x < (xj - xi) * (y - yi) / (yj - yi) + xi)
    return bool(np.count_nonzero(crosses) % 2)
