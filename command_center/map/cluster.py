"""Point clustering on a fixed metre grid, and `ClusterItem`, which draws the clusters.

`cluster_points` puts every point into a square cell of a grid anchored at a fixed origin
(not at the view), so the clusters do not change while the map pans; only a new cell size
(a new zoom step) regroups them. Each cluster is one occupied cell: its centre is the mean
of its members, and it keeps the worst (largest) severity of its members so its bubble can
take the colour of its most urgent case. Pure numpy, vectorised: no Python loop per point.

`ClusterItem` draws all the bubbles with one graphics item: circles whose radius (screen
pixels, the same at every zoom) grows with log(count), the count written in the middle.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen

__all__ = [
    "ClusterItem",
    "Clusters",
    "bubble_radius_px",
    "cluster_points",
    "format_count",
    "nearest_within",
]


@dataclass(frozen=True, eq=False)
class Clusters:
    """The clusters of `cluster_points`, in the order of their cells (row of cells by row).

    ``members(k)`` are the indices of the points of cluster ``k``; they are
    ``order[starts[k]:starts[k + 1]]``. ``labels[i]`` is the cluster of point ``i``, or -1
    for a point with a NaN or infinite coordinate (such points belong to no cluster).
    """

    x: np.ndarray  # (K,) centre: mean x of the members
    y: np.ndarray  # (K,) centre: mean y of the members
    counts: np.ndarray  # (K,) int64, members per cluster
    cell_ix: np.ndarray  # (K,) int64, the cell's column: floor((x - origin_x) / cell_m)
    cell_iy: np.ndarray  # (K,) int64, the cell's row
    labels: np.ndarray  # (N,) int64, cluster of each point, -1 when not clustered
    order: np.ndarray  # (M,) int64, indices of the clustered points grouped by cluster
    starts: np.ndarray  # (K + 1,) int64, offsets of each cluster in `order`
    severity: np.ndarray | None  # (K,) the largest severity of the members, if given

    def __len__(self) -> int:
        return len(self.counts)

    def members(self, k: int) -> np.ndarray:
        """Indices of the points of cluster `k`."""
        return self.order[self.starts[k] : self.starts[k + 1]]


def cluster_points(
    x: ArrayLike,
    y: ArrayLike,
    cell_m: float,
    *,
    origin: tuple[float, float] = (0.0, 0.0),
    severity: ArrayLike | None = None,
) -> Clusters:
    """Group points (Web Mercator metres) into the cells of a `cell_m`-metre grid.

    The grid's lines are at ``origin + k * cell_m``: keep `origin` fixed (the default, or
    the city's corner) so that the same points give the same clusters whatever the view.
    `severity` (one number per point, larger is more urgent) gives each cluster the largest
    value among its members.
    """
    cell = float(cell_m)
    if not (math.isfinite(cell) and cell > 0.0):
        raise ValueError(f"cell_m must be a finite number > 0, got {cell_m!r}")
    xs = np.asarray(x, dtype=np.float64).ravel()
    ys = np.asarray(y, dtype=np.float64).ravel()
    if len(xs) != len(ys):
        raise ValueError(f"{len(xs)} x and {len(ys)} y values; they must be the same length")
    sev = None
    if severity is not None:
        sev = np.asarray(severity).ravel()
        if len(sev) != len(xs):
            raise ValueError(f"{len(sev)} severities for {len(xs)} points")

    n = len(xs)
    labels = np.full(n, -1, dtype=np.int64)
    finite = np.isfinite(xs) & np.isfinite(ys)
    idx = np.flatnonzero(finite) if not finite.all() else np.arange(n, dtype=np.int64)
    if len(idx) == 0:
        empty_i = np.empty(0, dtype=np.int64)
        return Clusters(
            x=np.empty(0),
            y=np.empty(0),
            counts=empty_i,
            cell_ix=empty_i,
            cell_iy=empty_i,
            labels=labels,
            order=empty_i,
            starts=np.zeros(1, dtype=np.int64),
            severity=None if sev is None else sev[:0].copy(),
        )

    px, py = xs[idx], ys[idx]
    ix = np.floor((px - origin[0]) / cell).astype(np.int64)
    iy = np.floor((py - origin[1]) / cell).astype(np.int64)
    # One int64 key per cell, row by row; the ranges of a city are far from overflowing it.
    ix0, iy0 = ix.min(), iy.min()
    width = int(ix.max() - ix0) + 1
    key = (iy - iy0) * width + (ix - ix0)
    sort = np.argsort(key, kind="stable")
    key_sorted = key[sort]
    first = np.flatnonzero(np.r_[True, key_sorted[1:] != key_sorted[:-1]])
    starts = np.r_[first, len(key_sorted)].astype(np.int64)
    counts = np.diff(starts)
    order = idx[sort]
    labels[order] = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    cx = np.add.reduceat(px[sort], first) / counts
    cy = np.add.reduceat(py[sort], first) / counts
    worst = None if sev is None else np.maximum.reduceat(sev[order], first)
    return Clusters(
        x=cx,
        y=cy,
        counts=counts,
        cell_ix=ix[sort][first],
        cell_iy=iy[sort][first],
        labels=labels,
        order=order,
        starts=starts,
        severity=worst,
    )


def bubble_radius_px(
    counts: ArrayLike, *, min_px: float = 9.0, per_log_px: float = 3.0, max_px: float = 28.0
) -> np.ndarray:
    """Screen radius of a cluster bubble: `min_px` for one point, + `per_log_px` per e-fold
    of the count, at most `max_px` (28 px: two full bubbles in neighbouring 60-px cells do
    not overlap)."""
    c = np.maximum(np.asarray(counts, dtype=np.float64), 1.0)
    return np.minimum(min_px + per_log_px * np.log(c), max_px)


def format_count(count: int) -> str:
    """A count short enough for a bubble: 7, 999, 1.2k, 12k."""
    if count < 1000:
        return str(count)
    if count < 10_000:
        return f"{count / 1000:.1f}k"
    return f"{count // 1000}k"


def nearest_within(
    cx: np.ndarray, cy: np.ndarray, x: float, y: float, reach: ArrayLike
) -> int | None:
    """Index of the centre nearest to (x, y) among those no farther than `reach` (one value,
    or one per centre), or None. Distances are in whatever unit the arrays share."""
    if len(cx) == 0:
        return None
    d = np.hypot(cx - x, cy - y)
    d = np.where(d <= np.asarray(reach, dtype=np.float64), d, np.inf)
    k = int(np.argmin(d))
    return None if math.isinf(d[k]) else k


class ClusterItem(pg.GraphicsObject):
    """All cluster bubbles as one item: a circle per cluster, sized by log(count) in screen
    pixels, filled by the severity colour table, with the count written in the middle.

    Positions are data coordinates (Mercator metres); the bubbles are drawn in device
    pixels, so they keep their size at every zoom.
    """

    def __init__(
        self,
        colors: Sequence[str | QColor] = ("#2fa8ff", "#3ddc84", "#ffb020", "#ff3b3b"),
        *,
        font_pt: float = 9.0,
        min_px: float = 9.0,
        per_log_px: float = 3.0,
        max_px: float = 28.0,
        outline: str | QColor = "#0b1320",
        text_color: str | QColor = "#0b1320",
    ) -> None:
        super().__init__()
        self._brushes = [QBrush(QColor(c)) for c in colors]
        if not self._brushes:
            raise ValueError("ClusterItem needs at least one colour")
        self._pen = QPen(QColor(outline), 1.5)
        self._text_pen = QPen(QColor(text_color))
        self._font = QFont()
        self._font.setPointSizeF(font_pt)
        self._font.setBold(True)
        self._radius = {"min_px": min_px, "per_log_px": per_log_px, "max_px": max_px}
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._counts = np.empty(0, dtype=np.int64)
        self._severity = np.empty(0, dtype=np.int64)
        self._r = np.empty(0)
        self._draw_order = np.empty(0, dtype=np.int64)
        self._texts: list[str] = []
        self._extent = QRectF()
        self._sprites: dict[tuple[float, int, str, float], QImage] = {}

    # -- data

    def set_clusters(
        self,
        x: ArrayLike,
        y: ArrayLike,
        counts: ArrayLike,
        severity: ArrayLike | None = None,
    ) -> None:
        """Show these clusters: centres in data coordinates, member counts, and an index into
        the colour table each (clipped to it; none means the first colour)."""
        xs = np.asarray(x, dtype=np.float64).ravel()
        ys = np.asarray(y, dtype=np.float64).ravel()
        cs = np.asarray(counts, dtype=np.int64).ravel()
        if severity is None:
            sev = np.zeros(len(xs), dtype=np.int64)
        else:
            sev = np.clip(np.asarray(severity).ravel().astype(np.int64), 0, len(self._brushes) - 1)
        if not len(xs) == len(ys) == len(cs) == len(sev):
            raise ValueError("x, y, counts and severity must be the same length")
        self.prepareGeometryChange()
        self._x, self._y, self._counts, self._severity = xs, ys, cs, sev
        self._r = bubble_radius_px(cs, **self._radius)
        # The most urgent, then the biggest, bubbles are painted last (on top).
        self._draw_order = np.lexsort((cs, sev))
        self._texts = [format_count(int(c)) for c in cs]
        if len(xs):
            self._extent = QRectF(
                float(xs.min()), float(ys.min()), float(np.ptp(xs)), float(np.ptp(ys))
            )
        else:
            self._extent = QRectF()
        self.update()

    def set_from(self, clusters: Clusters) -> None:
        """Show the result of `cluster_points` (its severities index the colour table)."""
        self.set_clusters(clusters.x, clusters.y, clusters.counts, clusters.severity)

    @property
    def count(self) -> int:
        return len(self._x)

    # -- hit testing

    def cluster_at(self, x: float, y: float, tolerance_px: float = 0.0) -> int | None:
        """The cluster whose bubble is under data point (x, y), or within `tolerance_px`
        screen pixels of its rim; the nearest centre wins. None when not shown on a view."""
        if not len(self._x):
            return None
        view = self.getViewWidget()
        if view is None:
            return None
        tr = self.deviceTransform(view.viewportTransform())
        if tr.determinant() == 0:  # the view has not been laid out yet
            return None
        dx, dy = _map(tr, self._x, self._y)
        p = tr.map(QPointF(x, y))
        return nearest_within(dx, dy, p.x(), p.y(), self._r + tolerance_px)

    # -- QGraphicsItem

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):  # noqa: ANN001, N802
        if not len(self._x):
            return (None, None)
        values = self._x if ax == 0 else self._y
        return (float(values.min()), float(values.max()))

    def pixelPadding(self) -> float:  # noqa: N802 (pyqtgraph API)
        return float(self._r.max()) + 2.0 if len(self._r) else 0.0

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph API)
        super().viewTransformChanged()
        self.prepareGeometryChange()  # the pixel padding changes size in data units

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        if self._extent.isNull() and not len(self._x):
            return QRectF()
        pad = self.pixelPadding()
        px, py = self.pixelVectors()
        if px is None:
            return QRectF(self._extent)
        wx = pad * math.hypot(px.x(), px.y())
        wy = pad * math.hypot(py.x(), py.y())
        return self._extent.adjusted(-wx, -wy, wx, wy)

    def paint(self, painter, option, widget=None) -> None:  # noqa: ANN001 (Qt API)
        if not len(self._x):
            return
        tr = painter.transform()
        dx, dy = _map(tr, self._x, self._y)
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        painter.setRenderHint(painter.RenderHint.TextAntialiasing, True)
        vp = QRectF(painter.viewport())
        r = self._r
        on_screen = (
            (dx + r >= vp.left())
            & (dx - r <= vp.right())
            & (dy + r >= vp.top())
            & (dy - r <= vp.bottom())
        )
        order = self._draw_order[on_screen[self._draw_order]]
        dpr = painter.device().devicePixelRatioF() if painter.device() else 1.0
        for k in order.tolist():
            sprite = self._sprite(float(r[k]), int(self._severity[k]), int(self._counts[k]), k, dpr)
            half = sprite.width() / sprite.devicePixelRatio() / 2
            painter.drawImage(QPointF(round(dx[k] - half), round(dy[k] - half)), sprite)
        painter.restore()

    def _sprite(self, r: float, severity: int, count: int, k: int, dpr: float) -> QImage:
        """A bubble drawn once (antialiased, with its count) and blitted on every paint: a
        few hundred antialiased ellipses and texts per frame cost ~15 ms, their blits < 1."""
        text = self._texts[k] if count > 1 else ""
        key = (round(r, 1), severity, text, dpr)
        sprite = self._sprites.get(key)
        if sprite is None:
            size = math.ceil(2 * r + 4)
            sprite = QImage(
                round(size * dpr), round(size * dpr), QImage.Format.Format_ARGB32_Premultiplied
            )
            sprite.setDevicePixelRatio(dpr)
            sprite.fill(Qt.GlobalColor.transparent)
            p = QPainter(sprite)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            c = size / 2
            p.setPen(self._pen)
            p.setBrush(self._brushes[severity])
            p.drawEllipse(QPointF(c, c), r, r)
            if text:
                p.setFont(self._font)
                p.setPen(self._text_pen)
                p.drawText(QRectF(c - r, c - r, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter, text)
            p.end()
            if len(self._sprites) > 4096:
                self._sprites.clear()
            self._sprites[key] = sprite
        return sprite


def _map(tr, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """Map arrays through an affine QTransform (item → device pixels)."""
    return (
        tr.m11() * x + tr.m21() * y + tr.m31(),
        tr.m12() * x + tr.m22() * y + tr.m32(),
    )
