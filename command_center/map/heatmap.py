"""Density heatmap: a Gaussian kernel density on a regular grid, the image item that shows it,
and `HeatmapDrawer`, which draws a `HeatmapLayer`.

`density_grid` bins the weighted points into a grid (one `np.bincount`) and blurs it with a
separable Gaussian (a shifted, scaled add per kernel tap along each axis): numpy only. The grid
is binned over the bounds grown by the kernel's reach, so points just outside the bounds
still warm its edge, then cropped back.

`HeatmapItem` is an `ImageItem` positioned in Web Mercator metres, coloured through a lookup
table from fully transparent (no density) through yellow to red, alpha growing with density.
It recomputes its grid when its points change and, once on a view, when the view leaves the
area it covers or the zoom changes enough that the cells no longer match the screen pixels.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike
from PySide6.QtCore import QRectF

from command_center.map.drawers import Drawer
from command_center.map.layers import HeatmapLayer
from command_center.map.projection import mercator_metres, project

__all__ = [
    "HeatmapDrawer",
    "HeatmapItem",
    "density_grid",
    "gaussian_blur",
    "heat_lut",
]

Bounds = tuple[float, float, float, float]  # x0, y0, x1, y1
_TRUNCATE = 3.0  # the kernel reaches this many standard deviations


def _kernel(sigma_cells: float) -> np.ndarray:
    """A normalised 1-D Gaussian of `sigma_cells`, truncated at 3σ."""
    reach = int(math.ceil(_TRUNCATE * sigma_cells))
    taps = np.arange(-reach, reach + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (taps / sigma_cells) ** 2)
    return kernel / kernel.sum()


def _blur_axis(a: np.ndarray, kernel: np.ndarray, axis: int) -> np.ndarray:
    """Convolve along `axis` with zeros beyond the edges: one shifted, scaled add per tap."""
    reach = len(kernel) // 2
    n = a.shape[axis]
    widths = [(0, 0), (0, 0)]
    widths[axis] = (reach, reach)
    padded = np.pad(a, widths)
    out = np.zeros_like(a)
    for k, weight in enumerate(kernel.tolist()):
        if axis == 0:
            out += weight * padded[k : k + n, :]
        else:
            out += weight * padded[:, k : k + n]
    return out


def gaussian_blur(grid: np.ndarray, sigma_cells: tuple[float, float]) -> np.ndarray:
    """Separable Gaussian blur of a 2-D array (σ in cells along rows, columns), truncated at
    3σ, zero outside the array: mass within reach of an edge leaks out, nothing else.
    The cost grows with σ (6σ + 1 taps per axis); keep σ to a few cells."""
    out = np.asarray(grid, dtype=np.float64)
    for axis, sigma in enumerate(sigma_cells):
        if sigma > 0:
            out = _blur_axis(out, _kernel(sigma), axis)
    return out


def density_grid(
    x: ArrayLike,
    y: ArrayLike,
    weights: ArrayLike | None,
    bounds: Bounds,
    shape: tuple[int, int],
    radius_m: float,
) -> np.ndarray:
    """Kernel density of weighted points on a regular grid covering `bounds`.

    Returns a float array of `shape` (rows, columns): row 0 is the south edge (``y0``),
    column 0 the west edge (``x0``), each cell ``(x1 - x0) / columns`` by
    ``(y1 - y0) / rows`` metres. A value is the weight per cell, so the grid sums to the
    total weight of the points, less what the blur carries past the edges. `radius_m` is the
    Gaussian's standard deviation in the same metres as x and y (0: plain binning).
    """
    rows, cols = (int(shape[0]), int(shape[1]))
    if rows <= 0 or cols <= 0:
        raise ValueError(f"shape must be two positive sizes, got {shape!r}")
    x0, y0, x1, y1 = (float(b) for b in bounds)
    if not (x1 > x0 and y1 > y0):
        raise ValueError(f"bounds must be (x0, y0, x1, y1) with x1 > x0 and y1 > y0: {bounds}")
    radius = float(radius_m)
    if not (math.isfinite(radius) and radius >= 0):
        raise ValueError(f"radius_m must be a finite number >= 0, got {radius_m!r}")
    xs = np.asarray(x, dtype=np.float64).ravel()
    ys = np.asarray(y, dtype=np.float64).ravel()
    ws = np.ones_like(xs) if weights is None else np.asarray(weights, np.float64).ravel()
    if not len(xs) == len(ys) == len(ws):
        raise ValueError("x, y and weights must be the same length")

    cw, ch = (x1 - x0) / cols, (y1 - y0) / rows
    sx, sy = radius / cw, radius / ch  # σ in cells
    # Grow the grid by the kernel's reach so points just outside still count, crop later.
    px = int(math.ceil(_TRUNCATE * sx)) if sx > 0 else 0
    py = int(math.ceil(_TRUNCATE * sy)) if sy > 0 else 0
    grown_rows, grown_cols = rows + 2 * py, cols + 2 * px
    col = np.floor((xs - x0) / cw).astype(np.int64, copy=False) + px
    row = np.floor((ys - y0) / ch).astype(np.int64, copy=False) + py
    keep = (
        (col >= 0)
        & (col < grown_cols)
        & (row >= 0)
        & (row < grown_rows)
        & np.isfinite(ws)
        & (ws != 0)
    )
    hist = np.bincount(
        row[keep] * grown_cols + col[keep], weights=ws[keep], minlength=grown_rows * grown_cols
    ).reshape(grown_rows, grown_cols)
    blurred = gaussian_blur(hist, (sy, sx))
    return blurred[py : py + rows, px : px + cols]


def heat_lut(n: int = 256) -> np.ndarray:
    """(n, 4) uint8 RGBA lookup table: transparent at 0, then yellow → orange → red while
    the alpha grows; entry 0 is fully transparent so an empty cell shows the map."""
    stops = np.array([0.0, 0.15, 0.45, 0.75, 1.0])
    colours = np.array(
        [
            [255, 255, 0, 0],
            [255, 240, 60, 90],
            [255, 190, 0, 160],
            [255, 110, 0, 200],
            [230, 0, 0, 230],
        ],
        dtype=np.float64,
    )
    t = np.linspace(0.0, 1.0, n)
    lut = np.column_stack([np.interp(t, stops, colours[:, c]) for c in range(4)])
    lut = np.round(lut).astype(np.uint8)
    lut[0] = (0, 0, 0, 0)
    return lut


class HeatmapItem(pg.ImageItem):
    """A density picture of weighted points, in Web Mercator metres.

    `set_points` gives the points; the grid covers the points (grown by the kernel's reach)
    at `cell_px`-pixel cells (but no finer than σ/3) matched to the view it is shown on, recomputed only when the
    view leaves the covered area or the zoom changes by more than `rezoom` times. Off a view,
    the grid covers the points at cells of a third of the radius.
    """

    def __init__(
        self,
        *,
        cell_px: float = 3.0,
        max_cells: int = 512,
        rezoom: float = 1.5,
        follow_view: bool = True,
        gamma: float = 0.5,
    ) -> None:
        super().__init__(axisOrder="row-major")
        self._lut = heat_lut()
        self.setLookupTable(self._lut)
        self.gamma = gamma
        self.cell_px = cell_px
        self.max_cells = max_cells
        self.rezoom = rezoom
        self.follow_view = follow_view
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._w = np.empty(0)
        self._radius = 1.0
        self.density = np.zeros((1, 1))
        self.bounds: Bounds | None = None  # what `density` covers
        self._cell_m = math.nan
        self.computations = 0  # grids computed so far (tests count them)

    # -- data

    def set_points(
        self, x: ArrayLike, y: ArrayLike, weights: ArrayLike | None, radius_m: float
    ) -> None:
        """Show the density of these points (metres) with a Gaussian of σ = `radius_m`."""
        xs = np.asarray(x, dtype=np.float64).ravel()
        ys = np.asarray(y, dtype=np.float64).ravel()
        ws = np.ones_like(xs) if weights is None else np.asarray(weights, np.float64).ravel()
        if not len(xs) == len(ys) == len(ws):
            raise ValueError("x, y and weights must be the same length")
        if not (math.isfinite(radius_m) and radius_m > 0):
            raise ValueError(f"radius_m must be a finite number > 0, got {radius_m!r}")
        finite = np.isfinite(xs) & np.isfinite(ys) & np.isfinite(ws)
        self._x, self._y, self._w = xs[finite], ys[finite], ws[finite]
        self._radius = float(radius_m)
        self.recompute()

    def recompute(self) -> None:
        """Compute the grid again for the current points and view."""
        active = self._w != 0
        if not active.any():
            self._show(np.zeros((1, 1)), None, math.nan)
            return
        ax, ay = self._x[active], self._y[active]
        reach = _TRUNCATE * self._radius
        data = (ax.min() - reach, ay.min() - reach, ax.max() + reach, ay.max() + reach)
        view = self._view_area()
        if view is None:
            cell = self._radius / 3.0
            bounds = data
        else:
            (vx0, vy0, vx1, vy1), m_per_px = view
            # Cover the view and half of it again on each side, but no more than the data.
            mx, my = (vx1 - vx0) / 2, (vy1 - vy0) / 2
            bounds = (
                max(vx0 - mx, data[0]),
                max(vy0 - my, data[1]),
                min(vx1 + mx, data[2]),
                min(vy1 + my, data[3]),
            )
            # Cells finer than a third of σ add cost but no detail: the image is drawn
            # with smooth scaling.
            cell = max(self.cell_px * m_per_px, self._radius / 3.0)
            if not (bounds[2] > bounds[0] and bounds[3] > bounds[1]):  # data out of sight
                self._show(np.zeros((1, 1)), None, cell)
                return
        w, h = bounds[2] - bounds[0], bounds[3] - bounds[1]
        cell = max(cell, w / self.max_cells, h / self.max_cells)
        shape = (max(1, math.ceil(h / cell)), max(1, math.ceil(w / cell)))
        grid = density_grid(self._x, self._y, self._w, bounds, shape, self._radius)
        self._show(grid, bounds, cell)

    def _show(self, grid: np.ndarray, bounds: Bounds | None, cell: float) -> None:
        self.computations += 1
        self.density = grid
        self.bounds = bounds
        self._cell_m = cell
        self.setImage(self._shade(grid), levels=(0.0, 1.0), autoLevels=False)
        if bounds is not None:  # else an empty, fully transparent 1×1 image stays put
            x0, y0, x1, y1 = bounds
            self.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))

    def _shade(self, grid: np.ndarray) -> np.ndarray:
        """Density → 0…1 for the lookup table: relative to the peak, raised to `gamma` (< 1
        lifts faint areas)."""
        peak = float(grid.max()) if grid.size else 0.0
        if peak <= 0:
            return np.zeros_like(grid, dtype=np.float64)
        return np.clip(grid / peak, 0.0, 1.0) ** self.gamma

    def rgba(self) -> np.ndarray:
        """The colours of the current grid, (rows, columns, 4) uint8, row 0 south (tests)."""
        lut = self._lut
        index = (self._shade(self.density) * (len(lut) - 1)).astype(np.int64)
        return lut[index]

    def paint(self, painter, *args) -> None:  # noqa: ANN001, ANN002 (Qt API)
        painter.setRenderHint(painter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)

    # -- following the view

    def _view_area(self) -> tuple[Bounds, float] | None:
        if not self.follow_view:
            return None
        vb = self.getViewBox()
        if vb is None or not hasattr(vb, "viewRange"):
            return None
        (x0, x1), (y0, y1) = vb.viewRange()
        width = vb.width()
        if width <= 0 or not (x1 > x0 and y1 > y0):
            return None
        return (x0, y0, x1, y1), (x1 - x0) / width

    def viewRangeChanged(self) -> None:  # noqa: N802 (pyqtgraph API)
        super().viewRangeChanged()
        if not len(self._x):
            return
        view = self._view_area()
        if view is None:
            return
        (x0, y0, x1, y1), m_per_px = view
        cell = self.cell_px * m_per_px
        stale_zoom = not math.isfinite(self._cell_m) or not (
            1 / self.rezoom <= cell / self._cell_m <= self.rezoom
        )
        b = self.bounds
        uncovered = b is None or x0 < b[0] or y0 < b[1] or x1 > b[2] or y1 > b[3]
        if uncovered and b is not None:
            # Parts of the view with no data need no grid: only re-grid when the view
            # reaches past the covered area into the data's reach.
            reach = _TRUNCATE * self._radius
            dx0, dx1 = self._x.min() - reach, self._x.max() + reach
            dy0, dy1 = self._y.min() - reach, self._y.max() + reach
            uncovered = (
                (x0 < b[0] and b[0] > dx0)
                or (y0 < b[1] and b[1] > dy0)
                or (x1 > b[2] and b[2] < dx1)
                or (y1 > b[3] and b[3] < dy1)
            )
        if stale_zoom or uncovered:
            self.recompute()


class HeatmapDrawer(Drawer):
    """Draws a `HeatmapLayer`: its lon/lat points projected to metres, as one `HeatmapItem`.

    `radius_m` is the Gaussian's σ in ground metres; it is turned into Mercator metres at
    the points' mean latitude.
    """

    kind = "heatmap"
    layer: HeatmapLayer
    radius_m: ClassVar[float] = 250.0

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.image = HeatmapItem()
        return [self.image]

    def _rebuild(self) -> None:
        lons, lats, weights = self.layer.lons, self.layer.lats, self.layer.weights
        if len(lons) == 0:
            self.image.set_points(np.empty(0), np.empty(0), np.empty(0), 1.0)
            return
        x, y = project(lons, lats)
        radius = mercator_metres(self.radius_m, float(np.mean(lats)))
        self.image.set_points(x, y, weights, radius)
