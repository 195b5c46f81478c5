"""Unit grids (单元网格, GB/T 30428.1): the 15-digit code and a fast point-to-cell index.

Every case is filed under the unit grid it lies in, so "which cell holds this point" runs for
each report, each field-unit position and each bulk import. `GridIndex` answers it with a
uniform bucket grid over the cells' bounding boxes and an exact even-odd ray test, in pure
Python for one point and with numpy for many.

Boundary rule: a point on an edge shared by two cells belongs to exactly one of them — the
cell on its east side, or on its north side if the edge runs east–west. Points on the outer
east/north edge of the whole grid are therefore outside it. Both sharers evaluate a shared
edge with identical floating-point operations, so the rule holds bit for bit.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

Ring = Sequence[tuple[float, float]] | Sequence[Sequence[float]]
CellInput = tuple[str, Ring] | tuple[str, Ring, Sequence[Ring]]

# GB/T 2260 province-level prefixes (the first two digits of every admin code).
_PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_DIGITS = re.compile(r"[0-9]*")


class GridCodeError(ValueError):
    """A unit-grid code that does not follow GB/T 30428.1."""


@dataclass(frozen=True, order=True)
class GridCode:
    """A unit-grid code: 6-digit admin (GB/T 2260) + 3 street + 3 community + 3 sequence.

    Fields are digit strings so leading zeros survive; codes sort in numbering order.
    """

    admin: str
    street: str
    community: str
    seq: str

    def __post_init__(self) -> None:
        for name, value, width in (
            ("admin", self.admin, 6),
            ("street", self.street, 3),
            ("community", self.community, 3),
            ("seq", self.seq, 3),
        ):
            if not isinstance(value, str) or len(value) != width or not _DIGITS.fullmatch(value):
                raise GridCodeError(
                    f"{name} part of a unit-grid code must be {width} digits, got {value!r}"
                )
        if self.admin[:2] not in _PROVINCE_PREFIXES:
            raise GridCodeError(
                f"admin code {self.admin} does not start with a GB/T 2260 province code "
                f"(11–82), e.g. 211302 for 双塔区"
            )
        if self.seq == "000":
            raise GridCodeError(
                f"sequence number of unit-grid code {self.admin}{self.street}{self.community}000 "
                "is 000; cells are numbered from 001"
            )

    @classmethod
    def parse(cls, text: str) -> GridCode:
        """Read a 15-digit code; full-width digits and surrounding spaces are accepted."""
        if not isinstance(text, str):
            raise GridCodeError(f"a unit-grid code must be text, got {type(text).__name__}")
        s = unicodedata.normalize("NFKC", text).strip()
        if len(s) != 15:
            raise GridCodeError(
                f"a unit-grid code has 15 digits (6 admin + 3 street + 3 community + "
                f"3 sequence), got {len(s)} characters: {text!r}"
            )
        if not _DIGITS.fullmatch(s):
            bad = next(c for c in s if not "0" <= c <= "9")
            raise GridCodeError(f"a unit-grid code has digits only, got {bad!r} in {text!r}")
        return cls(s[:6], s[6:9], s[9:12], s[12:])

    def __str__(self) -> str:
        return f"{self.admin}{self.street}{self.community}{self.seq}"

    @property
    def district_code(self) -> str:
        """The 6-digit county-level admin code, e.g. 211302."""
        return self.admin

    @property
    def street_code(self) -> str:
        """The 9-digit street (街道/乡镇) code."""
        return self.admin + self.street

    @property
    def community_code(self) -> str:
        """The 12-digit community (社区/村) code."""
        return self.admin + self.street + self.community


def number_cells(centres: ArrayLike, row_height: float) -> NDArray[np.intp]:
    """Order cells by the standard's numbering rule: rows north→south, west→east in a row.

    `centres` is an (n, 2) array of (lon, lat); a cell's row is its distance below the
    northernmost centre in units of `row_height`, rounded. Returns indices into `centres`:
    the cell at ``order[0]`` gets sequence 001.
    """
    c = np.asarray(centres, dtype=np.float64)
    if c.ndim != 2 or c.shape[1] != 2:
        raise ValueError(f"centres must be an (n, 2) array of (lon, lat), got shape {c.shape}")
    if not (math.isfinite(row_height) and row_height > 0):
        raise ValueError(f"row_height must be a positive number, got {row_height}")
    if len(c) == 0:
        return np.empty(0, dtype=np.intp)
    if not np.isfinite(c).all():
        raise ValueError("centres contain NaN or infinite coordinates")
    row = np.rint((c[:, 1].max() - c[:, 1]) / row_height)
    return np.lexsort((np.arange(len(c)), c[:, 0], row)).astype(np.intp)


def _offsets(counts: NDArray[np.intp]) -> NDArray[np.intp]:
    """0..c-1 for each group size c, concatenated: walks ragged groups without a loop."""
    return np.arange(int(counts.sum()), dtype=np.intp) - np.repeat(
        np.cumsum(counts) - counts, counts
    )


def _to_array(typecode: str, values: NDArray[Any]) -> array[Any]:
    """A numpy array as a flat array.array (doubles or 64-bit ints), copied byte for byte."""
    out = array(typecode)
    out.frombytes(np.ascontiguousarray(values, dtype=np.dtype(typecode)).tobytes())
    return out


def _polygons_of(geom: Any, code: str) -> list[tuple[Ring, list[Ring]]]:
    """(exterior, holes) pairs of a Polygon/MultiPolygon given as GeoJSON or shapely."""
    gi = getattr(geom, "__geo_interface__", geom)
    if not isinstance(gi, Mapping) or "type" not in gi:
        raise ValueError(
            f"cell {code}: geometry must be GeoJSON-like or shapely, got {type(geom).__name__}"
        )
    kind, coords = gi["type"], gi.get("coordinates") or ()
    if kind == "Polygon":
        polys = [coords]
    elif kind == "MultiPolygon":
        polys = list(coords)
    else:
        raise ValueError(f"cell {code}: expected a Polygon or MultiPolygon, got {kind}")
    return [(p[0], list(p[1:])) for p in polys if p]


class GridIndex:
    """Which unit grid holds a point: bucket grid over cell bounding boxes + exact ray test.

    Built from ``(code, exterior_ring)`` or ``(code, exterior_ring, holes)`` in lon/lat.
    A code may appear more than once (a cell split in parts by clipping); its parts act as
    one cell. If cells overlap (bad data), the one given first wins, every time.
    """

    def __init__(self, cells: Iterable[CellInput], *, bucket_size: float | None = None) -> None:
        codes: list[str] = []
        coords: list[Any] = []  # every vertex of every ring, in order
        ring_len: list[int] = []
        ring_part: list[int] = []
        for item in cells:
            if not 2 <= len(item) <= 3:
                raise ValueError(
                    f"a cell is (code, ring) or (code, ring, holes), got {len(item)} items"
                )
            part = len(codes)
            codes.append(str(item[0]))
            ring = item[1]
            coords.extend(ring)
            ring_len.append(len(ring))
            ring_part.append(part)
            for hole in item[2] if len(item) == 3 else ():  # type: ignore[misc]
                coords.extend(hole)
                ring_len.append(len(hole))
                ring_part.append(part)
        if not codes:
            raise ValueError("a grid index needs at least one cell")
        self._part_codes = codes
        self._code_array = np.array(codes + [None], dtype=object)  # index -1 → None
        self._distinct = tuple(dict.fromkeys(codes))
        self._code_set = frozenset(self._distinct)
        self._load_rings(
            coords, np.array(ring_len, dtype=np.intp), np.array(ring_part, dtype=np.intp)
        )
        self._build_buckets(bucket_size)

    def _load_rings(
        self, coords: list[Any], lengths: NDArray[np.intp], ring_part: NDArray[np.intp]
    ) -> None:
        """Check all rings at once and store cell boxes and edges (flat, grouped by cell)."""

        def fail(ring: int, why: str) -> ValueError:
            return ValueError(f"cell {self._part_codes[ring_part[ring]]}: ring {why}")

        if (lengths < 3).any():
            raise fail(int((lengths < 3).argmax()), "needs at least 3 vertices")
        starts = np.cumsum(lengths) - lengths
        try:
            pts = np.array(coords, dtype=np.float64).reshape(len(coords), -1)
            if pts.shape[1] < 2:
                raise ValueError("fewer than 2 coordinates per vertex")
        except (TypeError, ValueError) as exc:
            for r, (s, n) in enumerate(zip(starts.tolist(), lengths.tolist(), strict=True)):
                try:
                    ok = np.array(coords[s : s + n], dtype=np.float64).reshape(n, -1).shape[1] >= 2
                except (TypeError, ValueError):
                    ok = False
                if not ok:
                    raise fail(r, "is not a sequence of (lon, lat) pairs") from exc
            raise ValueError(f"rings must be sequences of (lon, lat) pairs: {exc}") from exc
        pts = pts[:, :2]
        vertex_ring = np.repeat(np.arange(len(lengths)), lengths)
        bad = ~np.isfinite(pts).all(axis=1)
        if bad.any():
            raise fail(int(vertex_ring[bad.argmax()]), "has NaN or infinite coordinates")
        # Drop the closing vertex of closed rings.
        last = starts + lengths - 1
        closed = (pts[starts] == pts[last]).all(axis=1)
        keep = np.ones(len(pts), dtype=bool)
        keep[last[closed]] = False
        pts, vertex_ring = pts[keep], vertex_ring[keep]
        lengths = lengths - closed
        starts = np.cumsum(lengths) - lengths
        if (lengths < 3).any():
            raise fail(int((lengths < 3).argmax()), "needs at least 3 distinct vertices")
        nxt = np.arange(1, len(pts) + 1)
        nxt[starts + lengths - 1] = starts  # each ring's last vertex joins its first
        # Twice the signed area, relative to each ring's first vertex to keep precision.
        rel = pts - pts[starts][vertex_ring]
        cross = rel[:, 0] * rel[nxt, 1] - rel[nxt, 0] * rel[:, 1]
        flat = np.add.reduceat(cross, starts) == 0.0
        if flat.any():
            raise fail(int(flat.argmax()), "encloses no area")
        # Cell boxes from the exterior rings (the first ring of each cell).
        exterior = np.ones(len(lengths), dtype=bool)
        exterior[1:] = ring_part[1:] != ring_part[:-1]
        self._minx = np.minimum.reduceat(pts[:, 0], starts)[exterior]
        self._maxx = np.maximum.reduceat(pts[:, 0], starts)[exterior]
        self._miny = np.minimum.reduceat(pts[:, 1], starts)[exterior]
        self._maxy = np.maximum.reduceat(pts[:, 1], starts)[exterior]
        # Edges ordered by y (ya < yb) so both cells sharing one compute the same numbers;
        # east–west edges never cross a horizontal ray and are dropped.
        a, b = pts, pts[nxt]
        up = a[:, 1] < b[:, 1]
        sloped = a[:, 1] != b[:, 1]
        lo = np.where(up[:, None], a, b)[sloped]
        hi = np.where(up[:, None], b, a)[sloped]
        edge_part = ring_part[vertex_ring[sloped]]
        self._xa, self._ya = lo[:, 0].copy(), lo[:, 1].copy()
        self._xb, self._yb = hi[:, 0].copy(), hi[:, 1].copy()
        self._edge_count = np.bincount(edge_part, minlength=len(self._part_codes)).astype(np.intp)
        self._edge_start = (np.cumsum(self._edge_count) - self._edge_count).astype(np.intp)
        # Flat copies for the one-point path: indexing numpy arrays from Python costs more
        # than the whole ray test, and array.array keeps 8 bytes a number.
        self._flat_boxes = _to_array(
            "d", np.column_stack((self._minx, self._miny, self._maxx, self._maxy))
        )
        self._flat_edges = _to_array("d", np.column_stack((lo, hi)))  # xa, ya, xb, yb per edge
        self._flat_edge_start = _to_array("q", 4 * self._edge_start)
        self._flat_edge_stop = _to_array("q", 4 * (self._edge_start + self._edge_count))

    @classmethod
    def from_geometries(cls, items: Iterable[tuple[str, Any]], **kwargs: Any) -> GridIndex:
        """Build from (code, Polygon/MultiPolygon) given as shapely objects or GeoJSON dicts."""

        def parts() -> Iterable[CellInput]:
            for code, geom in items:
                for exterior, holes in _polygons_of(geom, str(code)):
                    yield (str(code), exterior, holes)

        return cls(parts(), **kwargs)

    def _build_buckets(self, bucket_size: float | None) -> None:
        """A uniform bucket grid; each bucket lists (ascending) the cells whose box meets it."""
        n = len(self._part_codes)
        self._x0, self._y0 = float(self._minx.min()), float(self._miny.min())
        self._x1, self._y1 = float(self._maxx.max()), float(self._maxy.max())
        width, height = self._x1 - self._x0, self._y1 - self._y0
        if bucket_size is None:
            extent = np.maximum(self._maxx - self._minx, self._maxy - self._miny)
            bucket_size = float(np.median(extent))
        if not (math.isfinite(bucket_size) and bucket_size > 0):
            raise ValueError(f"bucket_size must be a positive number, got {bucket_size}")
        # Keep the bucket count near the cell count however skewed the cell sizes are.
        bucket_size = max(bucket_size, math.sqrt(width * height / (4 * n + 64)), 1e-12)
        self._size = bucket_size
        self._nx = max(1, math.ceil(width / bucket_size))
        self._ny = max(1, math.ceil(height / bucket_size))
        ix0, ix1 = self._col(self._minx), self._col(self._maxx)
        iy0, iy1 = self._row(self._miny), self._row(self._maxy)
        wx = ix1 - ix0 + 1
        per_part = wx * (iy1 - iy0 + 1)
        part = np.repeat(np.arange(n, dtype=np.intp), per_part)
        k = _offsets(per_part)
        wxr = wx[part]
        bucket = (iy0[part] + k // wxr) * self._nx + ix0[part] + k % wxr
        order = np.argsort(bucket, kind="stable")  # stable: parts stay ascending per bucket
        self._bucket_parts = part[order]
        counts = np.bincount(bucket, minlength=self._nx * self._ny)
        self._bucket_start = np.concatenate(([0], np.cumsum(counts))).astype(np.intp)
        self._flat_bucket_start = _to_array("q", self._bucket_start)
        self._flat_bucket_parts = _to_array("q", self._bucket_parts)

    def _col(self, x: NDArray[np.float64]) -> NDArray[np.intp]:
        return np.clip(np.floor((x - self._x0) / self._size), 0, self._nx - 1).astype(np.intp)

    def _row(self, y: NDArray[np.float64]) -> NDArray[np.intp]:
        return np.clip(np.floor((y - self._y0) / self._size), 0, self._ny - 1).astype(np.intp)

    # ------------------------------------------------------------ queries

    def __len__(self) -> int:
        """Number of distinct cell codes."""
        return len(self._distinct)

    def __contains__(self, code: object) -> bool:
        return code in self._code_set

    @property
    def codes(self) -> tuple[str, ...]:
        """Distinct cell codes in the order given."""
        return self._distinct

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat) of all cells."""
        return (self._x0, self._y0, self._x1, self._y1)

    def lookup(self, lon: float, lat: float) -> str | None:
        """The code of the cell holding (lon, lat), or None (outside, or not a finite number)."""
        x, y = float(lon), float(lat)
        if not (self._x0 <= x <= self._x1 and self._y0 <= y <= self._y1):
            return None  # also NaN
        cx = min(math.floor((x - self._x0) / self._size), self._nx - 1)
        cy = min(math.floor((y - self._y0) / self._size), self._ny - 1)
        b = cy * self._nx + cx
        boxes, edges = self._flat_boxes, self._flat_edges
        starts, stops = self._flat_edge_start, self._flat_edge_stop
        parts = self._flat_bucket_parts
        for k in range(self._flat_bucket_start[b], self._flat_bucket_start[b + 1]):
            p = parts[k]
            q = 4 * p
            if x < boxes[q] or y < boxes[q + 1] or x > boxes[q + 2] or y > boxes[q + 3]:
                continue
            inside = False
            for e in range(starts[p], stops[p], 4):
                ya, yb = edges[e + 1], edges[e + 3]
                if ya <= y < yb:
                    xa = edges[e]
                    if (edges[e + 2] - xa) * (y - ya) - (x - xa) * (yb - ya) > 0.0:
                        inside = not inside
            if inside:
                return self._part_codes[p]
        return None

    def lookup_many(
        self, lons: ArrayLike, lats: ArrayLike, *, chunk: int = 65536
    ) -> list[str | None]:
        """`lookup` for many points at once, vectorised with numpy (same answers)."""
        x = np.asarray(lons, dtype=np.float64).ravel()
        y = np.asarray(lats, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError(f"got {x.size} longitudes but {y.size} latitudes")
        result = np.full(x.size, -1, dtype=np.intp)
        for s in range(0, x.size, chunk):
            result[s : s + chunk] = self._lookup_parts(x[s : s + chunk], y[s : s + chunk])
        return self._code_array[result].tolist()  # type: ignore[no-any-return]

    def _lookup_parts(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.intp]:
        """Part index holding each point, -1 for none."""
        out = np.full(x.size, -1, dtype=np.intp)
        ok = (x >= self._x0) & (x <= self._x1) & (y >= self._y0) & (y <= self._y1)  # NaN: False
        pts = np.flatnonzero(ok)
        if pts.size == 0:
            return out
        px, py = x[pts], y[pts]
        bucket = self._row(py) * self._nx + self._col(px)
        start = self._bucket_start[bucket]
        count = self._bucket_start[bucket + 1] - start
        # One row per (point, candidate cell), points in order, cells ascending.
        pair_pt = np.repeat(np.arange(pts.size, dtype=np.intp), count)
        pair_part = self._bucket_parts[np.repeat(start, count) + _offsets(count)]
        qx, qy = px[pair_pt], py[pair_pt]
        near = (qx >= self._minx[pair_part]) & (qx <= self._maxx[pair_part])
        near &= (qy >= self._miny[pair_part]) & (qy <= self._maxy[pair_part])
        pair_pt, pair_part, qx, qy = pair_pt[near], pair_part[near], qx[near], qy[near]
        # One row per (pair, edge): even-odd count of edges to the east of the point.
        ecount = self._edge_count[pair_part]
        row_pair = np.repeat(np.arange(pair_pt.size, dtype=np.intp), ecount)
        e = np.repeat(self._edge_start[pair_part], ecount) + _offsets(ecount)
        ex, ey = qx[row_pair], qy[row_pair]
        xa, ya, xb, yb = self._xa[e], self._ya[e], self._xb[e], self._yb[e]
        crosses = (ya <= ey) & (ey < yb) & ((xb - xa) * (ey - ya) - (ex - xa) * (yb - ya) > 0.0)
        odd = np.bincount(row_pair[crosses], minlength=pair_pt.size) % 2 == 1
        hit_pt, hit_part = pair_pt[odd], pair_part[odd]
        first = np.ones(hit_pt.size, dtype=bool)
        first[1:] = hit_pt[1:] != hit_pt[:-1]  # lowest part index per point wins
        out[pts[hit_pt[first]]] = hit_part[first]
        return out

    def cells_in_bbox(self, minx: float, miny: float, maxx: float, maxy: float) -> list[str]:
        """Codes of cells whose bounding box meets the box (edges count), in the order given."""
        if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
            raise ValueError(f"box must be finite numbers, got {(minx, miny, maxx, maxy)}")
        if minx > maxx or miny > maxy:
            raise ValueError(f"box must have min ≤ max, got {(minx, miny, maxx, maxy)}")
        hit = (
            (self._minx <= maxx)
            & (self._maxx >= minx)
            & (self._miny <= maxy)
            & (self._maxy >= miny)
        )
        return list(dict.fromkeys(self._code_array[np.flatnonzero(hit)].tolist()))
