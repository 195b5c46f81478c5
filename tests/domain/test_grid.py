"""Unit-grid codes and the point-to-cell index (command_center.domain.grid)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import numpy as np
import pytest
import shapely

from command_center.domain.geo import local_metres_per_degree
from command_center.domain.grid import GridCode, GridCodeError, GridIndex, number_cells

# ---------------------------------------------------------------- GridCode


def test_parse_and_format() -> None:
    code = GridCode.parse("211302001002003")
    assert code == GridCode("211302", "001", "002", "003")
    assert str(code) == "211302001002003"
    assert code.district_code == "211302"
    assert code.street_code == "211302001"
    assert code.community_code == "211302001002"
    assert code.seq == "003"
    with pytest.raises(FrozenInstanceError):
        code.seq = "004"  # type: ignore[misc]


def test_parse_accepts_full_width_digits_and_spaces() -> None:
    assert str(GridCode.parse(" ２１１３０３００１００２０１０ \n")) == "211303001002010"


def test_codes_sort_in_numbering_order() -> None:
    texts = ["211303001001001", "211302002001001", "211302001001010", "211302001001002"]
    assert [str(c) for c in sorted(GridCode.parse(t) for t in texts)] == sorted(texts)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("21130200100200", "15 digits .* got 14 characters"),
        ("2113020010020031", "got 16 characters"),
        ("", "got 0 characters"),
        ("21130200100200A", "digits only, got 'A'"),
        ("211302-01002003", "digits only, got '-'"),
        ("211302001002000", "numbered from 001"),
        ("991302001002003", "province code"),
        ("001302001002003", "province code"),
    ],
)
def test_parse_rejects_bad_codes(text: str, message: str) -> None:
    with pytest.raises(GridCodeError, match=message):
        GridCode.parse(text)


def test_constructor_checks_parts() -> None:
    with pytest.raises(GridCodeError, match="street part .* 3 digits, got '01'"):
        GridCode("211302", "01", "002", "003")
    with pytest.raises(GridCodeError, match="must be text"):
        GridCode.parse(211302001002003)  # type: ignore[arg-type]
    assert issubclass(GridCodeError, ValueError)


# ---------------------------------------------------------------- number_cells


def test_number_cells_rows_north_to_south_then_west_to_east() -> None:
    # A 3 x 2 block of 100 m cells, given in scrambled order, centres slightly off-line
    # as clipped cells' centroids are.
    centres = [
        (120.4012, 41.5795),  # 0: row 1 (south), col 1
        (120.4000, 41.5806),  # 1: row 0 (north), col 0
        (120.4024, 41.5804),  # 2: row 0, col 2
        (120.4001, 41.5796),  # 3: row 1, col 0
        (120.4013, 41.5805),  # 4: row 0, col 1
        (120.4025, 41.5794),  # 5: row 1, col 2
    ]
    order = number_cells(centres, row_height=0.0009)
    assert order.tolist() == [1, 4, 2, 3, 0, 5]
    assert number_cells(np.empty((0, 2)), 1.0).tolist() == []
    with pytest.raises(ValueError, match="row_height"):
        number_cells(centres, 0.0)


# ---------------------------------------------------------------- a 50,000-cell grid


class SquareGrid:
    """250 x 200 cells of ~100 m over Chaoyang, built with numpy, with real GB/T codes."""

    def __init__(self) -> None:
        m_lon, m_lat = local_metres_per_degree(41.57)
        self.nx, self.ny = 250, 200
        self.xs = 120.33 + np.arange(self.nx + 1) * (100.0 / m_lon)
        self.ys = 41.48 + np.arange(self.ny + 1) * (100.0 / m_lat)
        # Number west→east in rows north→south; 999 cells per community.
        k = np.arange(self.nx * self.ny)
        self.codes = np.array(
            [
                str(GridCode("211302", f"{s:03d}", f"{c:03d}", f"{q:03d}"))
                for s, c, q in zip(
                    k // (999 * 999) + 1, (k // 999) % 999 + 1, k % 999 + 1, strict=True
                )
            ]
        )
        cells = []
        for j in range(self.ny):  # row j counted from the north
            y0, y1 = self.ys[self.ny - 1 - j], self.ys[self.ny - j]
            for i in range(self.nx):
                x0, x1 = self.xs[i], self.xs[i + 1]
                cells.append(
                    (
                        self.codes[j * self.nx + i],
                        [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
                    )
                )
        self.cells = cells
        self.index = GridIndex(cells)

    def scan(self, lon: np.ndarray, lat: np.ndarray) -> list[str | None]:
        """Exhaustive answer: test each point against every column and every row of cells.

        A cell holds its west and south edges, not its east and north ones.
        """
        in_col = (lon[:, None] >= self.xs[None, :-1]) & (lon[:, None] < self.xs[None, 1:])
        in_row = (lat[:, None] >= self.ys[None, :-1]) & (lat[:, None] < self.ys[None, 1:])
        assert in_col.sum(axis=1).max() <= 1 and in_row.sum(axis=1).max() <= 1
        found = in_col.any(axis=1) & in_row.any(axis=1)
        i = in_col.argmax(axis=1)
        j = self.ny - 1 - in_row.argmax(axis=1)
        return [
            self.codes[jj * self.nx + ii] if f else None
            for ii, jj, f in zip(i, j, found, strict=True)
        ]


@pytest.fixture(scope="module")
def square_grid() -> SquareGrid:
    return SquareGrid()


def test_lookup_matches_exhaustive_scan_on_50000_points(square_grid: SquareGrid) -> None:
    g = square_grid
    assert len(g.index) == 50_000
    rng = np.random.default_rng(42)
    # Half a kilometre of margin all round: about 5 % of the points fall outside.
    lon = rng.uniform(g.xs[0] - 0.006, g.xs[-1] + 0.006, 50_000)
    lat = rng.uniform(g.ys[0] - 0.0045, g.ys[-1] + 0.0045, 50_000)
    expected = g.scan(lon, lat)
    outside = sum(e is None for e in expected)
    assert 1_000 < outside < 5_000
    assert g.index.lookup_many(lon, lat) == expected
    scalar = [
        g.index.lookup(x, y) for x, y in zip(lon[::10].tolist(), lat[::10].tolist(), strict=True)
    ]
    assert scalar == expected[::10]


def test_points_on_grid_lines_belong_to_one_cell(square_grid: SquareGrid) -> None:
    """On a vertical line the east cell wins, on a horizontal line the north cell."""
    g = square_grid
    rng = np.random.default_rng(5)
    cols = rng.integers(0, g.nx + 1, 2000)
    rows = rng.integers(0, g.ny + 1, 2000)
    lon = np.concatenate([g.xs[cols], rng.uniform(g.xs[0], g.xs[-1], 2000), g.xs[cols]])
    lat = np.concatenate([rng.uniform(g.ys[0], g.ys[-1], 2000), g.ys[rows], g.ys[rows]])
    expected = g.scan(lon, lat)
    assert g.index.lookup_many(lon, lat) == expected
    assert [g.index.lookup(x, y) for x, y in zip(lon, lat, strict=True)] == expected
    # The outer east and north edges are outside, the west and south edges inside.
    assert g.index.lookup(g.xs[-1], g.ys[100]) is None
    assert g.index.lookup(g.xs[10], g.ys[-1]) is None
    assert g.index.lookup(g.xs[0], g.ys[0]) == g.codes[(g.ny - 1) * g.nx]
    assert g.index.lookup(g.xs[0], g.ys[-1] - 1e-9) == g.codes[0]


def test_cells_in_bbox(square_grid: SquareGrid) -> None:
    g = square_grid
    w, h = g.xs[1] - g.xs[0], g.ys[1] - g.ys[0]
    # From the middle of column 10 to the middle of column 12, rows 20..21 from the south.
    found = g.index.cells_in_bbox(
        g.xs[10] + w / 2, g.ys[20] + h / 2, g.xs[12] + w / 2, g.ys[21] + h / 2
    )
    expected = {g.codes[(g.ny - 1 - r) * g.nx + c] for r in (20, 21) for c in (10, 11, 12)}
    assert set(found) == expected and len(found) == 6
    assert g.index.cells_in_bbox(100.0, 30.0, 100.1, 30.1) == []
    with pytest.raises(ValueError, match="min ≤ max"):
        g.index.cells_in_bbox(121.0, 41.0, 120.0, 42.0)


# ---------------------------------------------------------------- irregular cells


def _jittered_grid(nx: int, ny: int, seed: int) -> tuple[list[tuple[str, list]], np.ndarray]:
    """Quadrilateral cells over Chaoyang's core with every inner vertex moved at random."""
    rng = np.random.default_rng(seed)
    x = np.linspace(120.42, 120.48, nx + 1)
    y = np.linspace(41.55, 41.60, ny + 1)
    vx, vy = np.meshgrid(x, y)
    dx, dy = (x[1] - x[0]) * 0.3, (y[1] - y[0]) * 0.3
    vx[1:-1, 1:-1] += rng.uniform(-dx, dx, (ny - 1, nx - 1))
    vy[1:-1, 1:-1] += rng.uniform(-dy, dy, (ny - 1, nx - 1))
    cells, quads = [], []
    for j in range(ny):
        for i in range(nx):
            ring = [
                (vx[j, i], vy[j, i]),
                (vx[j, i + 1], vy[j, i + 1]),
                (vx[j + 1, i + 1], vy[j + 1, i + 1]),
                (vx[j + 1, i], vy[j + 1, i]),
            ]
            cells.append((f"q{j:03d}{i:03d}", ring))
            quads.append(ring)
    return cells, np.array(quads)


def _brute_force(quads: np.ndarray, codes: list[str], lon: np.ndarray, lat: np.ndarray) -> list:
    """Textbook even-odd test of every point against every cell, no index at all."""
    xi, yi = quads[:, :, 0][None], quads[:, :, 1][None]  # (1, cells, 4)
    xj, yj = np.roll(xi, -1, axis=2), np.roll(yi, -1, axis=2)
    out: list[str | None] = []
    for s in range(0, lon.size, 200):
        px, py = lon[s : s + 200, None, None], lat[s : s + 200, None, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = ((yi > py) != (yj > py)) & (px < (xj - xi) * (py - yi) / (yj - yi) + xi)
        inside = cross.sum(axis=2) % 2 == 1  # (points, cells)
        assert inside.sum(axis=1).max() <= 1
        out += [
            codes[k] if hit else None
            for k, hit in zip(inside.argmax(axis=1), inside.any(axis=1), strict=True)
        ]
    return out


def test_irregular_cells_match_brute_force() -> None:
    cells, quads = _jittered_grid(60, 50, seed=11)
    codes = [c for c, _ in cells]
    index = GridIndex(cells)
    rng = np.random.default_rng(12)
    lon = rng.uniform(120.415, 120.485, 5_000)
    lat = rng.uniform(41.545, 41.605, 5_000)
    expected = _brute_force(quads, codes, lon, lat)
    assert sum(e is None for e in expected) > 100
    assert index.lookup_many(lon, lat) == expected
    assert [index.lookup(x, y) for x, y in zip(lon[:1000], lat[:1000], strict=True)] == expected[
        :1000
    ]


def test_slanted_shared_edges_give_each_point_to_exactly_one_cell() -> None:
    """Points on and a hair either side of shared diagonals: exactly one cell owns each.

    Each cell is asked alone (its own index), so a point claimed by both or by neither
    shows up, in the vectorised and the one-point path alike.
    """
    rng = np.random.default_rng(8)
    owned_by_east = 0
    for _ in range(20):
        a = (120.4 + rng.uniform(0, 0.1), 41.5 + rng.uniform(0, 0.1))
        c = (a[0] + rng.uniform(-0.003, 0.003), a[1] + rng.uniform(0.0005, 0.003))
        b = (max(a[0], c[0]) + 0.002, (a[1] + c[1]) / 2)
        d = (min(a[0], c[0]) - 0.002, (a[1] + c[1]) / 2)
        west, east = GridIndex([("w", [a, c, d])]), GridIndex([("e", [a, b, c])])
        lat = rng.uniform(a[1], c[1], 300)
        lon = a[0] + (lat - a[1]) * (c[0] - a[0]) / (c[1] - a[1])
        lon = np.concatenate([np.nextafter(lon, -np.inf), lon, np.nextafter(lon, np.inf)])
        lat = np.tile(lat, 3)
        w, e = west.lookup_many(lon, lat), east.lookup_many(lon, lat)
        assert [(x is not None) + (y is not None) for x, y in zip(w, e, strict=True)] == [1] * 900
        assert [west.lookup(x, y) for x, y in zip(lon, lat, strict=True)] == w
        assert [east.lookup(x, y) for x, y in zip(lon, lat, strict=True)] == e
        both = GridIndex([("w", [a, c, d]), ("e", [a, b, c])])
        assert both.lookup_many(lon, lat) == [x or y for x, y in zip(w, e, strict=True)]
        owned_by_east += sum(y is not None for y in e)
    assert 1000 < owned_by_east < 17000  # the points really straddle the edges
    # A point exactly on a diagonal goes east (the ray from it runs into the east cell).
    tri = GridIndex([("west", [(0, 0), (2, 2), (0, 2)]), ("east", [(0, 0), (2, 0), (2, 2)])])
    assert tri.lookup(1.0, 1.0) == "east"
    assert tri.lookup_many([1.0, 0.5], [1.0, 0.5]) == ["east", "east"]


def test_shared_vertex_of_four_cells_goes_to_north_east() -> None:
    sq = [("sw", [(0, 0), (1, 0), (1, 1), (0, 1)]), ("se", [(1, 0), (2, 0), (2, 1), (1, 1)])]
    sq += [("nw", [(0, 1), (1, 1), (1, 2), (0, 2)]), ("ne", [(1, 1), (2, 1), (2, 2), (1, 2)])]
    index = GridIndex(sq)
    assert index.lookup(1.0, 1.0) == "ne"
    assert index.lookup(1.0, 0.5) == "se"  # vertical edge: east
    assert index.lookup(0.5, 1.0) == "nw"  # horizontal edge: north
    assert index.lookup_many([1.0, 1.0, 0.5], [1.0, 0.5, 1.0]) == ["ne", "se", "nw"]
    for code, ring in sq:  # each cell on its own agrees: one owner per point
        alone = GridIndex([(code, ring)])
        assert alone.lookup(1.0, 1.0) == ("ne" if code == "ne" else None)


# ---------------------------------------------------------------- input forms and errors


def test_holes_multipart_cells_and_overlaps() -> None:
    outer = [(0, 0), (4, 0), (4, 4), (0, 4)]
    hole = [(1, 1), (3, 1), (3, 3), (1, 3)]
    index = GridIndex([("ring", outer, [hole])])
    assert index.lookup(0.5, 0.5) == "ring"
    assert index.lookup(2.0, 2.0) is None
    filled = GridIndex([("ring", outer, [hole]), ("core", hole)])
    assert filled.lookup(2.0, 2.0) == "core"
    assert filled.lookup(1.0, 2.0) == "core"  # the hole's west edge: east side wins
    assert filled.lookup(3.0, 2.0) == "ring"

    split = GridIndex([("a", [(0, 0), (1, 0), (1, 1)]), ("a", [(5, 5), (6, 5), (6, 6)])])
    assert len(split) == 1 and split.codes == ("a",) and "a" in split
    assert split.lookup_many([0.9, 5.9, 3.0], [0.1, 5.1, 3.0]) == ["a", "a", None]

    overlap = GridIndex(
        [("first", [(0, 0), (2, 0), (2, 2), (0, 2)]), ("second", [(1, 1), (3, 1), (3, 3), (1, 3)])]
    )
    assert overlap.lookup(1.5, 1.5) == "first"
    assert overlap.lookup_many([1.5], [1.5]) == ["first"]


def test_non_finite_points_are_outside() -> None:
    index = GridIndex([("a", [(0, 0), (1, 0), (1, 1), (0, 1)])])
    assert index.lookup(float("nan"), 0.5) is None
    assert index.lookup_many([np.nan, 0.5, np.inf], [0.5, 0.5, 0.5]) == [None, "a", None]
    with pytest.raises(ValueError, match="2 longitudes but 1 latitudes"):
        index.lookup_many([0.5, 0.5], [0.5])


def test_from_geometries_accepts_shapely_and_geojson() -> None:
    poly = shapely.Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], [[(0.4, 0.4), (0.6, 0.4), (0.6, 0.6)]])
    multi = shapely.MultiPolygon([shapely.box(2, 0, 3, 1), shapely.box(4, 0, 5, 1)])
    geojson = {"type": "Polygon", "coordinates": [[[6, 0], [7, 0], [7, 1], [6, 1], [6, 0]]]}
    index = GridIndex.from_geometries([("p", poly), ("m", multi), ("g", geojson)])
    assert index.lookup_many([0.1, 0.55, 2.5, 4.5, 6.5, 3.5], [0.1, 0.45, 0.5, 0.5, 0.5, 0.5]) == [
        "p",
        None,
        "m",
        "m",
        "g",
        None,
    ]
    assert index.bounds == (0.0, 0.0, 7.0, 1.0)
    with pytest.raises(ValueError, match="cell l: expected a Polygon"):
        GridIndex.from_geometries([("l", shapely.LineString([(0, 0), (1, 1)]))])


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([], "at least one cell"),
        ([("x", [(0, 0), (1, 1)])], "cell x: ring needs at least 3 vertices"),
        ([("x", [(0, 0), (1, 0), (0, 0)])], "cell x: ring needs at least 3 distinct vertices"),
        (
            [("ok", [(0, 0), (1, 0), (1, 1)]), ("y", [(0, 0), (1, 1), (2, 2)])],
            "cell y: ring encloses no area",
        ),
        ([("z", [(0, 0), (1, float("nan")), (1, 1)])], "cell z: ring has NaN"),
        ([("w", [(0, 0), ("a", 1), (1, 1)])], "cell w: ring is not a sequence of"),
        ([("v",)], r"\(code, ring\)"),
    ],
)
def test_bad_cells_are_named(cells: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GridIndex(cells)
