"""A small, fast overview map drawn with pyqtgraph (a full GIS canvas comes later).

Coordinates stay lon/lat (WGS-84); the view's aspect ratio is locked to cos(latitude)
so a kilometre is as long east-west as north-south. Each layer is one batched graphics
item (all grid outlines are a single NaN-separated line), so redraw cost does not grow
with the number of items.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import QFrame, QGraphicsPathItem, QLabel, QVBoxLayout, QWidget

from command_center.map.projection import join_rings as rings_to_xy  # lon/lat, NaN-joined
from command_center.services.snapshot import (
    CameraRow,
    CaseRow,
    CitySnapshot,
    DistrictShape,
    Ring,
    SquadRow,
)
from command_center.ui.theme import PALETTE, case_color

Z_FILL, Z_GRID, Z_RIVER, Z_DISTRICT, Z_CAMERA, Z_SQUAD, Z_CASE, Z_LABEL = range(-8, 0)


def ring_centroid(ring: Ring) -> tuple[float, float, float]:
    """(x, y, |area|) of a polygon ring by the shoelace formula (vertex mean if degenerate)."""
    pts = np.asarray(ring, dtype=float).reshape(-1, 2)
    x, y = pts[:, 0], pts[:, 1]
    xs, ys = np.roll(x, -1), np.roll(y, -1)
    cross = x * ys - xs * y
    area = cross.sum() / 2.0
    if abs(area) < 1e-15:
        return float(x.mean()), float(y.mean()), 0.0
    cx = ((x + xs) * cross).sum() / (6.0 * area)
    cy = ((y + ys) * cross).sum() / (6.0 * area)
    return float(cx), float(cy), abs(float(area))


def label_point(district: DistrictShape) -> tuple[float, float] | None:
    """Where to write a district's name: the centroid of its largest ring."""
    best = max(
        (ring_centroid(r) for r in district.rings if len(r) >= 3), key=lambda c: c[2], default=None
    )
    return (best[0], best[1]) if best else None


class MapView(QWidget):
    """Overview map of districts, grid, river, cameras, squads and open cases.

    Signals:
        caseClicked(int): the id of an open case the user clicked on the map.
    """

    caseClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapView")
        self.plot = pg.PlotWidget(self, background=PALETTE.map_background)
        self.plot.setObjectName("mapPlot")
        self.plot.setFrameShape(QFrame.Shape.NoFrame)
        item = self.plot.getPlotItem()
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.hideButtons()
        item.setMenuEnabled(False)
        item.layout.setContentsMargins(0, 0, 0, 0)
        self.view_box: pg.ViewBox = item.getViewBox()
        self.view_box.setDefaultPadding(0.03)
        self.view_box.disableAutoRange()

        self.fill_item = QGraphicsPathItem()
        self.fill_item.setBrush(QBrush(QColor(PALETTE.district_fill)))
        self.fill_item.setPen(QPen(Qt.PenStyle.NoPen))
        self.fill_item.setZValue(Z_FILL)
        self.grid_item = pg.PlotDataItem(
            connect="finite", pen=pg.mkPen(PALETTE.grid_line, width=1), antialias=False
        )
        self.grid_item.setZValue(Z_GRID)
        self.river_item = pg.PlotDataItem(
            connect="finite", pen=pg.mkPen(PALETTE.river, width=2), antialias=True
        )
        self.river_item.setZValue(Z_RIVER)
        self.district_item = pg.PlotDataItem(
            connect="finite", pen=pg.mkPen(PALETTE.district_line, width=2), antialias=True
        )
        self.district_item.setZValue(Z_DISTRICT)
        self.camera_item = pg.ScatterPlotItem(
            symbol="t1", size=9, pen=pg.mkPen("#1a0f2a", width=1), brush=pg.mkBrush(PALETTE.camera)
        )
        self.camera_item.setZValue(Z_CAMERA)
        self.squad_item = pg.ScatterPlotItem(
            symbol="s", size=8, pen=pg.mkPen("#08311a", width=1), brush=pg.mkBrush(PALETTE.squad)
        )
        self.squad_item.setZValue(Z_SQUAD)
        self.case_item = pg.ScatterPlotItem(
            symbol="o", pen=pg.mkPen("#0b1622", width=1), hoverable=False
        )
        self.case_item.setZValue(Z_CASE)
        self.case_item.sigClicked.connect(self._on_case_clicked)
        for layer in (
            self.fill_item,
            self.grid_item,
            self.river_item,
            self.district_item,
            self.camera_item,
            self.squad_item,
            self.case_item,
        ):
            self.plot.addItem(layer)
        self.labels: list[pg.TextItem] = []
        self._label_font = QFont(self.font())
        self._label_font.setPointSize(self._label_font.pointSize() + 2)
        self._label_font.setBold(True)
        self._brushes: dict[str, QBrush] = {}
        self._extent: QRectF | None = None
        self._grid_extent: QRectF | None = None
        self._district_extent: QRectF | None = None

        self.legend = QLabel(self.plot)
        self.legend.setObjectName("mapLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.legend.move(12, 12)
        self._update_legend(0, 0, 0)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    # -- drawing plain data ---------------------------------------------------------
    def set_snapshot(self, snapshot: CitySnapshot) -> None:
        """Redraw every layer from `snapshot`; the view is refitted only if the area changed."""
        self.set_districts(snapshot.districts)
        self.set_grid(snapshot.grid_outlines)
        self.set_rivers(snapshot.river_lines)
        self.set_cameras(snapshot.cameras)
        self.set_squads(snapshot.squads)
        self.set_cases(snapshot.open_cases)
        self._update_legend(
            len(snapshot.open_cases),
            sum(1 for c in snapshot.open_cases if c.overdue),
            len(snapshot.cameras),
        )

    def set_districts(self, districts: Sequence[DistrictShape]) -> None:
        rings = [r for d in districts for r in d.rings]
        x, y = rings_to_xy(rings)
        self.district_item.setData(x, y)
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.OddEvenFill)
        for ring in rings:
            if len(ring) >= 3:
                path.moveTo(*ring[0])
                for px, py in ring[1:]:
                    path.lineTo(px, py)
                path.closeSubpath()
        self.fill_item.setPath(path)
        for label in self.labels:
            self.plot.removeItem(label)
        self.labels = []
        for district in districts:
            at = label_point(district)
            if at is None:
                continue
            label = pg.TextItem(district.name, color=PALETTE.label, anchor=(0.5, 0.5))
            label.setFont(self._label_font)
            label.setPos(*at)
            label.setZValue(Z_LABEL)
            self.plot.addItem(label)
            self.labels.append(label)
        self._district_extent = path.boundingRect() if rings else None
        self._refit()

    def set_grid(self, outlines: Sequence[Ring]) -> None:
        x, y = rings_to_xy(outlines)
        self.grid_item.setData(x, y)
        self._grid_extent = None
        if len(x):
            x0, y0 = float(np.nanmin(x)), float(np.nanmin(y))
            self._grid_extent = QRectF(x0, y0, float(np.nanmax(x)) - x0, float(np.nanmax(y)) - y0)
        self._refit()

    def _refit(self) -> None:
        """Home view: the unit grids (the urban core, where the work is), else the districts.
        Refitted only when that area changes, so a refresh never moves the user's view."""
        extent = self._grid_extent or self._district_extent
        if extent is not None and extent != self._extent:
            self._extent = extent
            self.fit(extent)

    def set_rivers(self, lines: Sequence[Ring]) -> None:
        self.river_item.setData(*rings_to_xy(lines))

    def set_cameras(self, cameras: Sequence[CameraRow]) -> None:
        self.camera_item.setData(
            x=[c.lon for c in cameras], y=[c.lat for c in cameras], data=[c.id for c in cameras]
        )

    def set_squads(self, squads: Sequence[SquadRow]) -> None:
        placed = [s for s in squads if s.lon is not None and s.lat is not None]
        self.squad_item.setData(
            x=[s.lon for s in placed], y=[s.lat for s in placed], data=[s.id for s in placed]
        )

    def set_cases(self, cases: Sequence[CaseRow]) -> None:
        # Overdue last so they are drawn on top of the others.
        ordered = sorted(cases, key=lambda c: c.overdue)
        self.case_item.setData(
            x=[c.lon for c in ordered],
            y=[c.lat for c in ordered],
            data=[c.id for c in ordered],
            brush=[self._brush(case_color(c.state, c.overdue)) for c in ordered],
            size=[12 if (c.overdue or c.urgent) else 9 for c in ordered],
        )

    def fit(self, extent: QRectF | None = None) -> None:
        """Show `extent` (default: the home view), aspect locked for its latitude."""
        extent = extent or self._extent
        if extent is None or extent.isEmpty():
            return
        lat = extent.center().y()
        self.view_box.setAspectLocked(True, ratio=max(math.cos(math.radians(lat)), 0.05))
        self.view_box.setRange(rect=extent, padding=0.03)

    # -- geometry helpers -----------------------------------------------------------
    def map_to_widget(self, lon: float, lat: float) -> QPoint:
        """Where (lon, lat) is drawn, in this widget's coordinates."""
        scene = self.view_box.mapViewToScene(QPointF(lon, lat))
        in_view = self.plot.mapFromScene(scene)
        return self.plot.viewport().mapTo(self, in_view)

    # -- internals ------------------------------------------------------------------
    def _brush(self, color: str) -> QBrush:
        brush = self._brushes.get(color)
        if brush is None:
            brush = self._brushes[color] = pg.mkBrush(color)
        return brush

    def _update_legend(self, cases: int, overdue: int, cameras: int) -> None:
        p = PALETTE
        rows = [
            (p.district_line, "━", self.tr("District boundary")),
            (p.river, "━", self.tr("River")),
            (case_color("dispatched", False), "●", self.tr("Open cases: {n}").format(n=cases)),
            (p.danger, "●", self.tr("Overdue: {n}").format(n=overdue)),
            (p.camera, "▲", self.tr("Cameras: {n}").format(n=cameras)),
            (p.squad, "■", self.tr("Squads")),
        ]
        html = "<br>".join(
            f'<span style="color:{color}">{mark}</span>&nbsp;{text}' for color, mark, text in rows
        )
        self.legend.setText(html)
        self.legend.adjustSize()

    def _on_case_clicked(self, _item: object, points: Sequence[object], _ev: object = None) -> None:
        if len(points):
            self.caseClicked.emit(int(points[0].data()))  # type: ignore[attr-defined]
