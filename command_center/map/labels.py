"""Map labels that never collide: greedy placement by priority, and `LabelItem`, which draws
many text labels with one graphics item.

`place_labels` works in screen pixels (y down). Labels are taken in order of priority; each
tries the candidate positions beside its anchor (right, left, above, below) and takes the
first whose box overlaps no label kept before it, or is dropped. Kept boxes go into a
spatial hash of square buckets, so a test looks only at the boxes in the buckets it covers.

`LabelItem` keeps the anchors in data coordinates (Mercator metres). On every paint it maps
them to device pixels, skips those off screen, measures the texts (widths cached per text),
places them and draws the kept ones with a dark halo, so the set of labels follows the zoom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainterPath, QPen

__all__ = [
    "ABOVE",
    "BELOW",
    "LEFT",
    "POSITION_NAMES",
    "RIGHT",
    "LabelItem",
    "Placement",
    "candidate_boxes",
    "place_labels",
]

RIGHT, LEFT, ABOVE, BELOW = 0, 1, 2, 3
POSITION_NAMES = ("right", "left", "above", "below")
_MAX_CACHED_TEXTS = 20_000  # measured widths and outlines kept per distinct text


class Placement(NamedTuple):
    """Kept labels, most important first: their indices into the input, the position each
    took (`RIGHT`, `LEFT`, `ABOVE`, `BELOW`) and its box ``(x0, y0, x1, y1)`` in pixels."""

    indices: np.ndarray  # (K,) int64
    positions: np.ndarray  # (K,) int8
    boxes: np.ndarray  # (K, 4) float64


def candidate_boxes(anchors: np.ndarray, sizes: np.ndarray, gap: float) -> np.ndarray:
    """(N, 4 positions, 4) boxes ``x0, y0, x1, y1`` of each label right of, left of, above
    and below its anchor, `gap` pixels away from it (screen pixels, y down)."""
    ax, ay = anchors[:, 0], anchors[:, 1]
    w, h = sizes[:, 0], sizes[:, 1]
    x0 = np.stack([ax + gap, ax - gap - w, ax - w / 2, ax - w / 2], axis=1)
    y0 = np.stack([ay - h / 2, ay - h / 2, ay - gap - h, ay + gap], axis=1)
    return np.stack([x0, y0, x0 + w[:, None], y0 + h[:, None]], axis=2)


def place_labels(
    anchors_px: ArrayLike,
    sizes_px: ArrayLike,
    priority: ArrayLike | None = None,
    *,
    gap_px: float = 4.0,
    padding_px: float = 0.0,
    positions: Sequence[int] = (RIGHT, LEFT, ABOVE, BELOW),
    bounds: tuple[float, float, float, float] | None = None,
) -> Placement:
    """Choose labels to show so that no two kept boxes overlap.

    `anchors_px` (N×2) are the points labelled and `sizes_px` (N×2) each label's width and
    height, in screen pixels. Higher `priority` is placed first (ties: lower index first);
    none means input order. Each label tries `positions` in order and takes the first free
    one. `padding_px` keeps kept boxes at least that far apart; `bounds` (x0, y0, x1, y1)
    drops positions not wholly inside it. Boxes that only touch do not overlap.
    """
    anchors = np.asarray(anchors_px, dtype=np.float64).reshape(-1, 2)
    sizes = np.asarray(sizes_px, dtype=np.float64).reshape(-1, 2)
    n = len(anchors)
    if len(sizes) != n:
        raise ValueError(f"{n} anchors and {len(sizes)} sizes; they must be the same length")
    if priority is None:
        rank = np.arange(n)
    else:
        prio = np.asarray(priority, dtype=np.float64).ravel()
        if len(prio) != n:
            raise ValueError(f"{n} anchors and {len(prio)} priorities")
        rank = np.argsort(-prio, kind="stable")
    pos = [int(p) for p in positions]
    empty = Placement(np.empty(0, np.int64), np.empty(0, np.int8), np.empty((0, 4)))
    if n == 0 or not pos:
        return empty

    boxes = candidate_boxes(anchors, sizes, gap_px)[:, pos, :]  # (N, P, 4)
    free = np.isfinite(boxes).all(axis=2)
    if bounds is not None:
        bx0, by0, bx1, by1 = bounds
        free &= (
            (boxes[..., 0] >= bx0)
            & (boxes[..., 1] >= by0)
            & (boxes[..., 2] <= bx1)
            & (boxes[..., 3] <= by1)
        )
    # Collision tests use boxes grown by half the padding on each side, hashed into buckets
    # about one typical label wide and high, so a box covers a few buckets of few boxes.
    half = padding_px / 2.0
    grown = boxes + np.array([-half, -half, half, half])
    ok = np.isfinite(sizes).all(axis=1)
    bw = max(float(np.median(sizes[ok, 0])) if ok.any() else 1.0, 1.0) + padding_px
    bh = max(float(np.median(sizes[ok, 1])) if ok.any() else 1.0, 1.0) + padding_px
    cells = np.floor(grown / np.array([bw, bh, bw, bh]))
    cells = np.where(free[..., None], cells, 0).astype(np.int64)

    n_pos = len(pos)
    flat_box = grown.ravel().tolist()  # flat lists: far cheaper to build than nested ones
    flat_cell = cells.ravel().tolist()
    flat_free = free.ravel().tolist()
    hash_: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    get = hash_.get
    kept: list[int] = []
    kept_pos: list[int] = []
    for i in rank.tolist():
        for j in range(n_pos):
            k = i * n_pos + j
            if not flat_free[k]:
                continue
            b = 4 * k
            x0, y0, x1, y1 = flat_box[b : b + 4]
            c0, r0, c1, r1 = flat_cell[b : b + 4]
            hit = False
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    for bx0, by0, bx1, by1 in get((c, r), ()):
                        if x0 < bx1 and bx0 < x1 and y0 < by1 and by0 < y1:
                            hit = True
                            break
                    if hit:
                        break
                if hit:
                    break
            if hit:
                continue
            box = (x0, y0, x1, y1)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    bucket = get((c, r))
                    if bucket is None:
                        hash_[(c, r)] = [box]
                    else:
                        bucket.append(box)
            kept.append(i)
            kept_pos.append(j)
            break
    if not kept:
        return empty
    idx = np.array(kept, dtype=np.int64)
    which = np.array(kept_pos, dtype=np.int64)
    return Placement(
        indices=idx,
        positions=np.asarray(pos, dtype=np.int8)[which],
        boxes=boxes[idx, which, :],
    )


class LabelItem(pg.GraphicsObject):
    """Many text labels at data-coordinate anchors, drawn by one item, never overlapping.

    On each paint the anchors are mapped to device pixels, the visible ones are placed by
    `place_labels` (higher priority first) and the kept ones drawn with a dark halo. Past
    `min_scale` (Mercator metres per pixel: zoomed out further than that) nothing is drawn.
    """

    def __init__(
        self,
        *,
        font_pt: float = 10.0,
        color: str | QColor = "#e6edf3",
        halo: str | QColor = "#0b1320",
        halo_px: float = 3.0,
        gap_px: float = 6.0,
        padding_px: float = 2.0,
        min_scale: float = math.inf,
        font_family: str | None = None,
    ) -> None:
        super().__init__()
        self._font = QFont() if font_family is None else QFont(font_family)
        self._font.setPointSizeF(font_pt)
        self._brush = QBrush(QColor(color))
        self._halo_pen = QPen(QColor(halo), halo_px * 2)
        self._halo_pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self._halo_px = halo_px
        self.gap_px = gap_px
        self.padding_px = padding_px
        self.min_scale = min_scale
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._texts: list[str] = []
        self._priority = np.empty(0)
        self._sizes = np.empty((0, 2))
        self._max_size = (0.0, 0.0)
        self._paths: dict[str, QPainterPath] = {}
        self._measure: dict[str, tuple[float, float]] = {}
        self._extent: QRectF | None = None
        self.last_placement: Placement | None = None  # what the last paint kept (tests)
        self.last_shown: np.ndarray = np.empty(0, np.int64)  # label indices drawn last paint

    # -- settings

    @property
    def font(self) -> QFont:
        return QFont(self._font)

    def set_font_size(self, points: float) -> None:
        """Point size of the labels (the wall screen wants big type)."""
        self._font.setPointSizeF(points)
        self._font_changed()

    def set_font(self, font: QFont) -> None:
        self._font = QFont(font)
        self._font_changed()

    def set_min_scale(self, metres_per_px: float) -> None:
        """Draw nothing while one pixel spans more than this many (Mercator) metres."""
        self.min_scale = metres_per_px
        self.update()

    def _font_changed(self) -> None:
        self._paths.clear()
        self._measure.clear()
        self._measure_all()
        self.prepareGeometryChange()
        self.update()

    # -- data

    def set_labels(
        self,
        x: ArrayLike,
        y: ArrayLike,
        texts: Sequence[str],
        priority: ArrayLike | None = None,
    ) -> None:
        """Label the points (data coordinates) with `texts`; higher `priority` wins a place
        first (none: earlier labels first)."""
        xs = np.asarray(x, dtype=np.float64).ravel()
        ys = np.asarray(y, dtype=np.float64).ravel()
        texts = [str(t) for t in texts]
        prio = np.zeros(len(xs)) if priority is None else np.asarray(priority, np.float64).ravel()
        if not len(xs) == len(ys) == len(texts) == len(prio):
            raise ValueError("x, y, texts and priority must be the same length")
        self.prepareGeometryChange()
        self._x, self._y, self._texts, self._priority = xs, ys, texts, prio
        finite = np.isfinite(xs) & np.isfinite(ys)
        if finite.any():
            fx, fy = xs[finite], ys[finite]
            self._extent = QRectF(
                float(fx.min()), float(fy.min()), float(np.ptp(fx)), float(np.ptp(fy))
            )
        else:
            self._extent = None
        if len(self._paths) > _MAX_CACHED_TEXTS:
            self._paths.clear()
        if len(self._measure) > _MAX_CACHED_TEXTS:
            self._measure.clear()
        self._measure_all()
        self.update()

    @property
    def count(self) -> int:
        return len(self._texts)

    def _measure_all(self) -> None:
        fm = QFontMetricsF(self._font)
        grow = 2 * self._halo_px
        cache = self._measure
        for t in set(self._texts) - cache.keys():
            cache[t] = (fm.horizontalAdvance(t) + grow, fm.height() + grow)
        self._sizes = np.array([cache[t] for t in self._texts], dtype=np.float64).reshape(-1, 2)
        if len(self._sizes):
            self._max_size = (float(self._sizes[:, 0].max()), float(self._sizes[:, 1].max()))
        else:
            self._max_size = (0.0, 0.0)

    def _path(self, text: str) -> QPainterPath:
        """The text's outline with its box's top-left corner (halo included) at (0, 0)."""
        path = self._paths.get(text)
        if path is None:
            fm = QFontMetricsF(self._font)
            path = QPainterPath()
            path.addText(QPointF(self._halo_px, self._halo_px + fm.ascent()), self._font, text)
            self._paths[text] = path
        return path

    # -- QGraphicsItem

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):  # noqa: ANN001, N802
        if self._extent is None:
            return (None, None)
        if ax == 0:
            return (self._extent.left(), self._extent.right())
        return (self._extent.top(), self._extent.bottom())

    def pixelPadding(self) -> float:  # noqa: N802 (pyqtgraph API)
        return max(self._max_size) + self.gap_px

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph API)
        super().viewTransformChanged()
        self.prepareGeometryChange()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        if self._extent is None:
            return QRectF()
        px, py = self.pixelVectors()
        if px is None:
            return QRectF(self._extent)
        pad = self.pixelPadding()
        wx = pad * math.hypot(px.x(), px.y())
        wy = pad * math.hypot(py.x(), py.y())
        return self._extent.adjusted(-wx, -wy, wx, wy)

    def paint(self, painter, option, widget=None) -> None:  # noqa: ANN001 (Qt API)
        self.last_placement = None
        self.last_shown = np.empty(0, np.int64)
        if not len(self._x):
            return
        tr = painter.transform()
        scale = math.hypot(tr.m11(), tr.m12())  # device pixels per data unit
        if scale <= 0 or 1.0 / scale > self.min_scale:
            return
        dx = tr.m11() * self._x + tr.m21() * self._y + tr.m31()
        dy = tr.m12() * self._x + tr.m22() * self._y + tr.m32()
        vp = QRectF(painter.viewport())
        mw, mh = self._max_size
        reach_x, reach_y = mw + self.gap_px, mh + self.gap_px
        visible = np.flatnonzero(
            (dx >= vp.left() - reach_x)
            & (dx <= vp.right() + reach_x)
            & (dy >= vp.top() - reach_y)
            & (dy <= vp.bottom() + reach_y)
        )
        if len(visible) == 0:
            return
        anchors = np.column_stack([dx[visible], dy[visible]])
        placement = place_labels(
            anchors,
            self._sizes[visible],
            self._priority[visible],
            gap_px=self.gap_px - self._halo_px,
            padding_px=self.padding_px,
        )
        self.last_placement = placement
        self.last_shown = visible[placement.indices]
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        for i, (x0, y0, _, _) in zip(
            self.last_shown.tolist(), placement.boxes.tolist(), strict=True
        ):
            path = self._path(self._texts[i])
            painter.resetTransform()
            painter.translate(round(x0), round(y0))
            painter.strokePath(path, self._halo_pen)
            painter.fillPath(path, self._brush)
        painter.restore()
