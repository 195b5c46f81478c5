"""`OverviewMap`: a small overview of the whole city with the main map's view on it.

The district outlines are drawn once into a cached `QPixmap` (plain `QPainter`; redrawn only
when the city or the widget's size changes); each paint blits it and draws the main view's
rectangle over it. Clicking or dragging asks the main map to centre there.

Signals: ``recenterRequested(x_m, y_m)`` — centre the main map on this Web Mercator point.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QWidget

from command_center.map import layers as map_layers
from command_center.map.layers import DistrictLayer, LayerList, UnitGridLayer
from command_center.map.projection import project_rings
from command_center.services.snapshot import Ring
from command_center.ui.theme import PALETTE

__all__ = ["DEFAULT_SIZE", "MARGIN_PX", "OverviewMap", "city_extent"]

DEFAULT_SIZE = QSize(220, 170)
MARGIN_PX = 6  # free pixels around the city on the widest side
MIN_VIEW_PX = 6.0  # a view smaller than this is drawn as a box this big, so it stays visible

BACKGROUND = PALETTE.map_background
OUTLINE = PALETTE.district_line
FILL = PALETTE.district_fill
VIEW_LINE = "#ffd166"
VIEW_FILL = QColor(255, 209, 102, 40)

Extent = tuple[float, float, float, float]  # x0, x1, y0, y1 in Web Mercator metres


def city_extent(*parts: Extent | None) -> Extent | None:
    """The union of extents (None parts are skipped; an empty union is None)."""
    boxes = [p for p in parts if p is not None]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        max(b[1] for b in boxes),
        min(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _disconnect(subs: list[tuple[map_layers.Signal, Callable[..., Any]]]) -> None:
    """Disconnect and forget every (signal, callback) pair of `subs`."""
    while subs:
        signal, callback = subs.pop()
        try:
            signal.disconnect(callback)
        except ValueError:  # already gone
            pass


def _rings_extent(x: np.ndarray, y: np.ndarray) -> Extent | None:
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.any():
        return None
    xs, ys = x[finite], y[finite]
    return float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())


class OverviewMap(QWidget):
    """The whole city, small: district outlines and the main map's view rectangle.

    Feed it with `set_city(rings, grid_extent)` or `set_layers(layer_list)`; keep the
    rectangle current with `set_view_rect` or `follow(view_box)`.

    Signals: ``recenterRequested(float, float)`` — a click or drag at this Mercator point.
    """

    recenterRequested = Signal(float, float)  # noqa: N815 (Qt naming)

    def __init__(self, parent: QWidget | None = None, *, size: QSize = DEFAULT_SIZE) -> None:
        super().__init__(parent)
        self.setObjectName("overviewMap")
        self.setFixedSize(size)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.tr("Overview: click or drag to move the map"))
        self._x: np.ndarray = np.empty(0)  # district rings, NaN-separated, Mercator metres
        self._y: np.ndarray = np.empty(0)
        self._extent: Extent | None = None
        self._view: Extent | None = None
        self._cache: QPixmap | None = None
        self.renders = 0  # cache renders so far (tests count them)
        self._view_box: Any = None
        self._layer_list: LayerList | None = None
        # (layer signal, callback) pairs; a plain list, so `destroyed` can empty it
        self._subs: list[tuple[map_layers.Signal, Callable[..., Any]]] = []
        self.destroyed.connect(lambda *_, subs=self._subs: _disconnect(subs))

    # -- data -----------------------------------------------------------------------
    def set_city(self, rings: Iterable[Ring], grid_extent: Extent | None = None) -> None:
        """District rings (WGS-84 lon/lat) and the unit grids' extent (Mercator metres);
        the overview shows the union of both. No rings and no extent: an empty city."""
        self._x, self._y = project_rings(list(rings))
        self._extent = city_extent(_rings_extent(self._x, self._y), grid_extent)
        self._invalidate()

    def set_layers(self, layers: LayerList) -> None:
        """Take the city from the list's district and unit-grid layers, and follow them."""
        _disconnect(self._subs)
        self._layer_list = layers
        for layer in layers:
            if isinstance(layer, (DistrictLayer, UnitGridLayer)):
                layer.data_changed.connect(self._on_layer_data)
                self._subs.append((layer.data_changed, self._on_layer_data))
        self._on_layer_data()

    def _on_layer_data(self, *args: object) -> None:
        rings: list[Ring] = []
        grid: Extent | None = None
        for layer in self._layer_list or ():
            if isinstance(layer, DistrictLayer):
                rings.extend(r for d in layer.districts for r in d.rings)
            elif isinstance(layer, UnitGridLayer) and layer.cells:
                grid = city_extent(grid, _rings_extent(*project_rings(layer.rings)))
        self.set_city(rings, grid)

    def detach(self) -> None:
        """Stop following layers and the view box (done on close and destruction)."""
        _disconnect(self._subs)
        self.unfollow()

    @property
    def extent(self) -> Extent | None:
        """The city's extent in Mercator metres (None: an empty city)."""
        return self._extent

    # -- the main map's view ----------------------------------------------------------
    def set_view_rect(self, x0: float, x1: float, y0: float, y1: float) -> None:
        """The main map's visible area in Mercator metres (any order of the bounds)."""
        values = (x0, x1, y0, y1)
        if not all(math.isfinite(v) for v in values):
            self._view = None
        else:
            self._view = (min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1))
        self.update()

    def clear_view_rect(self) -> None:
        self._view = None
        self.update()

    @property
    def view_rect(self) -> Extent | None:
        return self._view

    def follow(self, view_box: Any) -> None:
        """Track a pyqtgraph `ViewBox` (Mercator metres, y up): its range is the rectangle."""
        self.unfollow()
        self._view_box = view_box
        view_box.sigRangeChanged.connect(self._on_range_changed)
        self._on_range_changed()

    def unfollow(self) -> None:
        if self._view_box is not None:
            try:
                self._view_box.sigRangeChanged.disconnect(self._on_range_changed)
            except (RuntimeError, TypeError):  # the view box is already gone
                pass
            self._view_box = None

    def _on_range_changed(self, *args: object) -> None:
        (x0, x1), (y0, y1) = self._view_box.viewRange()
        self.set_view_rect(x0, x1, y0, y1)

    # -- coordinates ----------------------------------------------------------------
    def _transform(self) -> tuple[float, float, float] | None:
        """(scale px/m, x offset, y offset): px = ox + s·x, py = oy − s·y; None if empty."""
        if self._extent is None:
            return None
        x0, x1, y0, y1 = self._extent
        w = max(self.width() - 2 * MARGIN_PX, 1)
        h = max(self.height() - 2 * MARGIN_PX, 1)
        dx, dy = x1 - x0, y1 - y0
        if dx <= 0 and dy <= 0:
            scale = 1.0  # a single point: any scale shows it in the middle
        else:
            scale = min(w / dx if dx > 0 else math.inf, h / dy if dy > 0 else math.inf)
        ox = self.width() / 2 - scale * (x0 + x1) / 2
        oy = self.height() / 2 + scale * (y0 + y1) / 2
        return scale, ox, oy

    def world_to_widget(self, x_m: float, y_m: float) -> QPointF | None:
        """Where a Mercator point falls in the widget (None for an empty city)."""
        t = self._transform()
        if t is None:
            return None
        scale, ox, oy = t
        return QPointF(ox + scale * x_m, oy - scale * y_m)

    def widget_to_world(self, px: float, py: float) -> tuple[float, float] | None:
        """The Mercator point under a widget position (None for an empty city)."""
        t = self._transform()
        if t is None:
            return None
        scale, ox, oy = t
        return (px - ox) / scale, (oy - py) / scale

    # -- painting -------------------------------------------------------------------
    def _invalidate(self) -> None:
        self._cache = None
        self.update()

    def _render_cache(self) -> QPixmap:
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(QColor(BACKGROUND))
        t = self._transform()
        if t is not None and len(self._x):
            scale, ox, oy = t
            path = self._outline_path(scale, ox, oy)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(OUTLINE), 1.5))
            painter.setBrush(QBrush(QColor(FILL)))
            painter.drawPath(path)
            painter.end()
        self.renders += 1
        return pixmap

    def _outline_path(self, scale: float, ox: float, oy: float) -> QPainterPath:
        px = ox + scale * self._x
        py = oy - scale * self._y
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)
        breaks = np.flatnonzero(~np.isfinite(px))
        start = 0
        for stop in [*breaks.tolist(), len(px)]:
            if stop - start >= 2:
                polygon = QPolygonF(
                    [
                        QPointF(float(a), float(b))
                        for a, b in zip(px[start:stop], py[start:stop], strict=True)
                    ]
                )
                path.addPolygon(polygon)
                path.closeSubpath()
            start = stop + 1
        return path

    def _view_rect_px(self) -> QRectF | None:
        """The view rectangle in widget pixels, clipped to the widget (so a view bigger than
        the city keeps its visible edges) and at least `MIN_VIEW_PX` across."""
        if self._view is None or self._extent is None:
            return None
        x0, x1, y0, y1 = self._view
        top_left = self.world_to_widget(x0, y1)
        bottom_right = self.world_to_widget(x1, y0)
        if top_left is None or bottom_right is None:
            return None
        rect = QRectF(top_left, bottom_right).normalized()
        if rect.width() < MIN_VIEW_PX or rect.height() < MIN_VIEW_PX:
            centre = rect.center()
            w, h = max(rect.width(), MIN_VIEW_PX), max(rect.height(), MIN_VIEW_PX)
            rect = QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h)
        bounds = QRectF(0.5, 0.5, self.width() - 1.0, self.height() - 1.0)
        clipped = rect.intersected(bounds)
        return clipped if not clipped.isEmpty() else None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        if self._cache is None or self._cache.deviceIndependentSize().toSize() != self.size():
            self._cache = self._render_cache()
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._cache)
        painter.setPen(QPen(QColor(PALETTE.border), 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(0.5, 0.5, self.width() - 1.0, self.height() - 1.0))
        rect = self._view_rect_px()
        if rect is not None:  # over the frame: a view wider than the city frames it all
            painter.setPen(QPen(QColor(VIEW_LINE), 1.0))
            painter.setBrush(VIEW_FILL)
            painter.drawRect(rect)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.update()  # paintEvent re-renders the cache if the size really changed

    # -- input ----------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if event.button() == Qt.MouseButton.LeftButton and self._recenter(event.position()):
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if event.buttons() & Qt.MouseButton.LeftButton and self._recenter(event.position()):
            event.accept()
            return
        super().mouseMoveEvent(event)

    def _recenter(self, pos: QPointF) -> bool:
        world = self.widget_to_world(pos.x(), pos.y())
        if world is None:
            return False
        self.recenterRequested.emit(*world)
        return True

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        self.detach()
        super().closeEvent(event)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.size()
