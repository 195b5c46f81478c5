"""Point-to-unit-grid lookup at 50,000 cells: GridIndex against a brute-force scan.

Builds 250 x 200 squares of ~100 m over a Chaoyang-sized area (25 km x 20 km around the
urban core), then finds the cell of the same random points four ways and checks that all
agree:
  * GridIndex.lookup, one call per point (cold: first touch of each cell; warm: again);
  * GridIndex.lookup_many, one call for all points (numpy);
  * baseline: a brute-force scan, one point at a time: a numpy bounding-box test against
    all 50,000 cells, then the same exact ray test on the cells whose box holds the point;
  * for reference: shapely 2's STRtree (GEOS) with an "intersects" query for all points.

Run: .venv/bin/python bench/bench_grid_lookup.py [--points N]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from command_center.domain.geo import local_metres_per_degree
from command_center.domain.grid import GridIndex

NX, NY = 250, 200  # 50,000 cells
CELL_M = 100.0
ORIGIN = (120.33, 41.48)  # south-west corner; the grid covers 120.33–120.63E, 41.48–41.66N


def build_cells() -> tuple[list[tuple[str, list[tuple[float, float]]]], np.ndarray, np.ndarray]:
    """Square cells as (code, closed ring), numbered west→east in rows north→south."""
    m_lon, m_lat = local_metres_per_degree(ORIGIN[1] + 0.09)
    xs = ORIGIN[0] + np.arange(NX + 1) * (CELL_M / m_lon)
    ys = ORIGIN[1] + np.arange(NY + 1) * (CELL_M / m_lat)
    xl, yl = xs.tolist(), ys.tolist()
    cells = []
    for row in range(NY):
        y0, y1 = yl[NY - 1 - row], yl[NY - row]
        for col in range(NX):
            x0, x1 = xl[col], xl[col + 1]
            k = row * NX + col
            code = f"211302{k // 999 // 999 + 1:03d}{k // 999 % 999 + 1:03d}{k % 999 + 1:03d}"
            cells.append((code, [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]))
    return cells, xs, ys


class BruteForce:
    """The baseline: every cell's box is tested for every point (numpy), then the ray test."""

    def __init__(self, cells: list[tuple[str, list[tuple[float, float]]]]) -> None:
        rings = [np.asarray(r[:-1]) for _, r in cells]
        self.codes = [c for c, _ in cells]
        self.rings = [r.tolist() for r in rings]
        box = np.array(
            [(r[:, 0].min(), r[:, 1].min(), r[:, 0].max(), r[:, 1].max()) for r in rings]
        )
        self.minx, self.miny, self.maxx, self.maxy = box.T.copy()

    def lookup(self, x: float, y: float) -> str | None:
        hits = np.flatnonzero(
            (self.minx <= x) & (x <= self.maxx) & (self.miny <= y) & (y <= self.maxy)
        )
        for k in hits.tolist():
            ring = self.rings[k]
            inside = False
            for (xa, ya), (xb, yb) in zip(ring, ring[1:] + ring[:1], strict=True):
                if ya > yb:
                    xa, ya, xb, yb = xb, yb, xa, ya
                if ya <= y < yb and (xb - xa) * (y - ya) - (x - xa) * (yb - ya) > 0.0:
                    inside = not inside
            if inside:
                return self.codes[k]
        return None


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of `repeat` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next(
                line.split(":", 1)[1].strip() for line in f if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000, help="lookups per method")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    n = args.points

    cells, xs, ys = build_cells()
    build_s, index = timed(lambda: GridIndex(cells), repeat=3)
    rng = np.random.default_rng(args.seed)
    # A 300 m margin all round, so ~5 % of the points fall outside the grid.
    lon = rng.uniform(xs[0] - 0.0036, xs[-1] + 0.0036, n)
    lat = rng.uniform(ys[0] - 0.0027, ys[-1] + 0.0027, n)
    lon_l, lat_l = lon.tolist(), lat.tolist()
    pairs = list(zip(lon_l, lat_l, strict=True))

    def one_by_one() -> list[str | None]:
        return [index.lookup(x, y) for x, y in pairs]

    cold_s, cold = timed(one_by_one)
    warm_s, warm = timed(one_by_one, repeat=3)
    many_s, many = timed(lambda: index.lookup_many(lon, lat), repeat=3)
    brute = BruteForce(cells)
    brute_s, expected = timed(lambda: [brute.lookup(x, y) for x, y in pairs])

    import shapely

    polys = shapely.polygons([r for _, r in cells])
    tree_build_s, tree = timed(lambda: shapely.STRtree(polys), repeat=3)

    def strtree() -> list[str | None]:
        pt, cell = tree.query(shapely.points(lon, lat), predicate="intersects")
        out: list[str | None] = [None] * n
        for p, c in zip(pt[::-1].tolist(), cell[::-1].tolist(), strict=True):
            out[p] = cells[c][0]
        return out

    tree_s, via_tree = timed(strtree, repeat=3)

    assert cold == warm == many == expected, "GridIndex disagrees with the brute-force scan"
    assert via_tree == expected, "STRtree disagrees with the brute-force scan"
    outside = sum(e is None for e in expected)

    us = 1e6 / n
    figures = {
        "cells": float(len(index)),
        "points": float(n),
        "outside": float(outside),
        "build_s": build_s,
        "lookup_cold_us": cold_s * us,
        "lookup_warm_us": warm_s * us,
        "lookup_many_us": many_s * us,
        "brute_force_us": brute_s * us,
        "strtree_build_s": tree_build_s,
        "strtree_us": tree_s * us,
    }
    print(f"machine: {machine()}")
    print(f"cells: {len(index):,} squares of {CELL_M:.0f} m; points: {n:,} ({outside:,} outside)")
    print(f"GridIndex build:                 {build_s * 1e3:8.1f} ms")
    print(f"GridIndex.lookup, cold:          {figures['lookup_cold_us']:8.2f} µs/point")
    print(f"GridIndex.lookup, warm:          {figures['lookup_warm_us']:8.2f} µs/point")
    print(f"GridIndex.lookup_many:           {figures['lookup_many_us']:8.2f} µs/point")
    print(f"brute-force scan (baseline):     {figures['brute_force_us']:8.2f} µs/point")
    print(
        f"shapely STRtree build / query:   {tree_build_s * 1e3:8.1f} ms / "
        f"{figures['strtree_us']:.2f} µs/point"
    )
    print(
        f"speed-up over brute force: lookup (warm) x{brute_s / warm_s:,.0f}, "
        f"lookup (cold) x{brute_s / cold_s:,.0f}, lookup_many x{brute_s / many_s:,.0f}"
    )
    print("all methods agree on every point")
    return figures


if __name__ == "__main__":
    main()
