"""`MapCanvas`: the map widget: a pyqtgraph plot in Web Mercator metres drawing a `LayerList`
through a `MapScene`, with a scale bar and clicks on features.

Signals: ``featureClicked(kind, id)`` — a click landed on a case, camera or squad.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from command_center.map.layers import LayerList
from command_center.map.projection import ground_metres, project, scale_bar, unproject
from command_center.map.scene import MapScene

BACKGROUND = "#0b1320"
CLICK_TOLERANCE_PX = 8.0


class ScaleBar(QWidget):
    """A 1/2/5 × 10^n metre bar with its label, drawn over the map's lower left corner."""

    MAX_PX = 160

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label = ""
        self.bar_px = 0.0
        self.metres = 0.0
        self.resize(self.MAX_PX + 20, 34)

    def set_resolution(self, ground_m_per_px: float) -> None:
        if not (math.isfinite(ground_m_per_px) and ground_m_per_px > 0):
            return
        self.metres, self.bar_px, self.label = scale_bar(ground_m_per_px, self.MAX_PX)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        if not self.label:
            return
        p = QPainter(self)
        p.setPen(QPen(QColor("#e6edf3"), 2))
        x0, x1, y = 10, 10 + round(self.bar_px), self.height() - 8
        p.drawLine(x0, y, x1, y)
        p.drawLine(x0, y - 5, x0, y)
        p.drawLine(x1, y - 5, x1, y)
        p.drawText(x0, y - 8, self.label)
        p.end()


class MapCanvas(QWidget):
    """The map: layers drawn in Web Mercator metres, aspect 1:1, dark background."""

    featureClicked = Signal(str, int)  # noqa: N815 (Qt naming)

    def __init__(
        self,
        layers: LayerList,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self.plot_widget = pg.PlotWidget(background=BACKGROUND)
        self.plot_widget.setMenuEnabled(False)
        plot = self.plot_widget.getPlotItem()
        for axis in ("left", "bottom", "right", "top"):
            plot.hideAxis(axis)
        plot.hideButtons()
        self.view_box = plot.getViewBox()
        self.view_box.setAspectLocked(True, ratio=1.0)
        self.view_box.setDefaultPadding(0.0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        self.scene = MapScene(layers, plot, clock=clock)
        self.scale_bar = ScaleBar(self)
        self.view_box.sigRangeChanged.connect(self._update_scale_bar)
        self.plot_widget.scene().sigMouseClicked.connect(self._on_click)

    def fit_lonlat(self, west: float, south: float, east: float, north: float) -> None:
        """Show the box (WGS-84 degrees) as large as the widget allows."""
        (x0, x1), (y0, y1) = project([west, east], [south, north])
        self.view_box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
        self._update_scale_bar()

    def lonlat_to_widget(self, lon: float, lat: float) -> QPoint:
        """Where a WGS-84 point falls in this widget's coordinates."""
        x, y = project([lon], [lat])
        scene_pt = self.view_box.mapViewToScene(QPointF(float(x[0]), float(y[0])))
        view_pt = self.plot_widget.mapFromScene(scene_pt)
        return self.plot_widget.mapTo(self, view_pt)

    def ground_metres_per_pixel(self) -> float:
        """True metres per screen pixel at the view's centre latitude."""
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        width = self.view_box.width()
        if width <= 0:
            return math.nan
        _, lat = unproject([(x0 + x1) / 2], [(y0 + y1) / 2])
        return ground_metres((x1 - x0) / width, float(lat[0]))

    def close_scene(self) -> None:
        """Detach the drawers from the layers (the layers outlive the canvas)."""
        self.scene.close()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.scale_bar.move(8, self.height() - self.scale_bar.height() - 8)
        self.scale_bar.raise_()
        self._update_scale_bar()

    def _update_scale_bar(self, *args: object) -> None:
        self.scale_bar.set_resolution(self.ground_metres_per_pixel())

    def _on_click(self, event: object) -> None:
        if event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        pos = self.view_box.mapSceneToView(event.scenePos())  # type: ignore[attr-defined]
        px = self.view_box.viewPixelSize()[0]
        hit = self.scene.hit_test(pos.x(), pos.y(), CLICK_TOLERANCE_PX * px)
        if hit is not None:
            self.featureClicked.emit(*hit)
