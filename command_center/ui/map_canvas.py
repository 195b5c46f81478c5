"""`MapCanvas`: the map widget: a pyqtgraph plot in Web Mercator metres drawing a `LayerList`
through a `MapScene`, with the map's interactions and overlays.

Interactions: wheel zoom about the cursor; drag to pan; Shift+drag selects with a rubber
band; keys + / − / arrows / Home (whole city) / Esc; click selects a case, camera, squad or
unit grid; hovering shows a tooltip; right click opens the context menu (report a case here,
nearest cameras, nearest squads, measure distance). Overlays: scale bar, a coordinate readout
in WGS-84 and GCJ-02, and a notice line for problems such as an unreachable tile server.

Signals carry plain values; slots elsewhere decide what to do with them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QByteArray,
    QEasingCurve,
    QMimeData,
    QPoint,
    QPointF,
    QRectF,
    Qt,
    QTimer,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QLabel, QMenu, QToolTip, QVBoxLayout, QWidget

from command_center.domain.geo import CRS, convert, haversine_m, haversine_m_array
from command_center.domain.registries import KINDS
from command_center.map.layers import LayerList
from command_center.map.projection import ground_metres, project, scale_bar, unproject
from command_center.map.scene import MapScene

__all__ = ["BACKGROUND", "MapCanvas", "MapViewBox", "ScaleBar"]

BACKGROUND = "#07111b"  # ui.theme.PALETTE.map_background
CLICK_TOLERANCE_PX = 8.0
NEAREST_COUNT = 5
KEY_PAN_FRACTION = 0.2
KEY_ZOOM_FACTOR = 1.5
FLY_MS = 350
NOTICE_SIDE_PX = 230  # the notice keeps clear of the scale bar and the coordinate readout


class MapViewBox(pg.ViewBox):
    """The plot's view box with map gestures: left drag pans, Shift+left drag draws a
    selection rectangle, right click asks for the context menu (no right-drag zoom)."""

    rubberBandSelected = Signal(QRectF)  # noqa: N815 — data rect (Mercator metres)
    contextRequested = Signal(QPointF, QPoint)  # noqa: N815 — data point, global screen pos

    def __init__(self) -> None:
        super().__init__(lockAspect=True, enableMenu=False, defaultPadding=0.0)
        self.setMouseMode(self.PanMode)
        # A left drag that starts on a feature that can be dragged elsewhere (a camera onto
        # the video wall, a case onto a squad) starts a drag and drop instead of panning.
        self.drag_source: Callable[[QPointF], bool] | None = None
        self._dragging_out = False

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: ANN001, N802 (Qt API)
        if ev.button() == Qt.MouseButton.LeftButton and (
            ev.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            ev.accept()
            if ev.isFinish():
                self.rbScaleBox.hide()
                a = self.mapToView(ev.buttonDownPos())
                b = self.mapToView(ev.pos())
                self.rubberBandSelected.emit(QRectF(a, b).normalized())
            else:
                self.updateScaleBox(ev.buttonDownPos(), ev.pos())
            return
        if ev.button() == Qt.MouseButton.RightButton:
            ev.ignore()
            return
        if ev.button() == Qt.MouseButton.LeftButton and ev.isStart():
            self._dragging_out = self.drag_source is not None and self.drag_source(
                self.mapToView(ev.buttonDownPos()))
        if self._dragging_out:
            ev.accept()  # the drag and drop ran; the map does not pan under it
            if ev.isFinish():
                self._dragging_out = False
            return
        super().mouseDragEvent(ev, axis)

    def mouseClickEvent(self, ev) -> None:  # noqa: ANN001, N802 (Qt API)
        if ev.button() == Qt.MouseButton.RightButton:
            ev.accept()
            self.contextRequested.emit(self.mapToView(ev.pos()), ev.screenPos().toPoint())
            return
        super().mouseClickEvent(ev)


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
        x0, x1, y = 10, 10 + round(self.bar_px), self.height() - 8
        for color, width in (("#0b1320", 4), ("#e6edf3", 2)):  # a dark halo, then the bar
            p.setPen(QPen(QColor(color), width))
            p.drawLine(x0, y, x1, y)
            p.drawLine(x0, y - 5, x0, y)
            p.drawLine(x1, y - 5, x1, y)
        p.drawText(x0, y - 8, self.label)
        p.end()


class _Overlay(QLabel):
    """A small translucent label floating over the map."""

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(
            "QLabel { background: rgba(11, 19, 32, 200); color: #e6edf3; "
            "padding: 2px 6px; border-radius: 3px; }"
        )


class MapCanvas(QWidget):
    """The map: layers drawn in Web Mercator metres, aspect 1:1, dark background."""

    featureClicked = Signal(str, object)  # noqa: N815 — kind, id (grid: code)
    selectionChanged = Signal(list)  # noqa: N815 — [(kind, id), …] from a rubber band
    reportHereRequested = Signal(float, float)  # noqa: N815 — lon, lat (WGS-84)
    nearestFound = Signal(str, list)  # noqa: N815 — "cameras"/"squads", [(id, metres), …]
    measureChanged = Signal(float)  # noqa: N815 — ground metres of the measured line
    flyFinished = Signal()  # noqa: N815

    def __init__(
        self,
        layers: LayerList,
        parent: QWidget | None = None,
        *,
        drawers: dict[str, type] | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.layers = layers
        self.view_box = MapViewBox()
        self.view_box.drag_source = self.drag_out
        self.last_drag: tuple[str, int] | None = None  # what the latest drag out carried
        self.plot_widget = pg.PlotWidget(background=BACKGROUND, viewBox=self.view_box)
        self.plot_widget.setMenuEnabled(False)
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        plot = self.plot_widget.getPlotItem()
        for axis in ("left", "bottom", "right", "top"):
            plot.hideAxis(axis)
        plot.hideButtons()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        self.scene = MapScene(layers, plot, drawers=drawers, clock=clock)
        self.scale_bar = ScaleBar(self)
        self.readout = _Overlay(self, "coordinateReadout")
        self.notice = _Overlay(self, "mapNotice")
        self.notice.setStyleSheet(
            "QLabel { background: rgba(120, 60, 0, 220); color: #fff3e0; padding: 3px 8px; }"
        )
        self.notice.setWordWrap(True)
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.clear_notice)
        self._home: tuple[float, float, float, float] | None = None
        self.selected: tuple[str, object] | None = None
        # Highlights: the selected feature, and the results of "nearest …".
        self._selection_mark = pg.ScatterPlotItem(
            size=26, symbol="o", pen=pg.mkPen("#ffe066", width=3), brush=None, pxMode=True
        )
        self._found_marks = pg.ScatterPlotItem(
            size=22, symbol="o", pen=pg.mkPen("#00e5ff", width=2), brush=None, pxMode=True
        )
        self._measure_line = pg.PlotCurveItem(pen=pg.mkPen("#ffe066", width=2))
        self._measure_points = pg.ScatterPlotItem(
            size=7, brush=pg.mkBrush("#ffe066"), pen=None, pxMode=True
        )
        for z, item in enumerate(
            (self._found_marks, self._selection_mark, self._measure_line, self._measure_points)
        ):
            item.setZValue(10_000 + z)
            plot.addItem(item)
        self.measuring = False
        self._measure: list[tuple[float, float]] = []  # (lon, lat)
        self.measured_m = 0.0
        self._fly = QVariantAnimation(self)
        self._fly.setDuration(FLY_MS)
        self._fly.setEasingCurve(QEasingCurve.Type.InOutCubic)
        self._fly.valueChanged.connect(self._fly_step)
        self._fly.finished.connect(self.flyFinished)
        self._fly_from: tuple[float, float, float] = (0.0, 0.0, 1.0)
        self._fly_to: tuple[float, float, float] = (0.0, 0.0, 1.0)
        self.view_box.sigRangeChanged.connect(self._update_scale_bar)
        self.view_box.rubberBandSelected.connect(self._on_rubber_band)
        self.view_box.contextRequested.connect(self._on_context)
        self.plot_widget.scene().sigMouseClicked.connect(self._on_click)
        self.plot_widget.scene().sigMouseMoved.connect(self._on_hover)
        self.plot_widget.setMouseTracking(True)

    # -- view

    def set_home(self, west: float, south: float, east: float, north: float) -> None:
        """The box that Home (and `home()`) returns to: the whole city."""
        self._home = (west, south, east, north)

    def home(self, *, animate: bool = False) -> None:
        if self._home is not None:
            self.fly_to(*self._home, animate=animate)

    def fit_lonlat(self, west: float, south: float, east: float, north: float) -> None:
        """Show the box (WGS-84 degrees) as large as the widget allows, at once."""
        self.fly_to(west, south, east, north, animate=False)

    def fly_to(
        self, west: float, south: float, east: float, north: float, *, animate: bool = True
    ) -> None:
        """Move the view to the box, gliding over `FLY_MS` (zoom interpolated on a log scale)."""
        (x0, x1), (y0, y1) = project([west, east], [south, north])
        target = self._fit_state(float(x0), float(x1), float(y0), float(y1))
        self._fly.stop()
        if not animate or not self.isVisible():
            self._apply_state(target)
            self._update_scale_bar()
            self.flyFinished.emit()
            return
        self._fly_from = self._current_state()
        self._fly_to = target
        self._fly.setStartValue(0.0)
        self._fly.setEndValue(1.0)
        self._fly.start()

    def _fit_state(self, x0: float, x1: float, y0: float, y1: float) -> tuple[float, float, float]:
        """(centre x, centre y, metres per pixel) that shows the rect, whole, in the widget."""
        w = max(self.plot_widget.width(), 1)
        h = max(self.plot_widget.height(), 1)
        res = max((x1 - x0) / w, (y1 - y0) / h, 1e-3)
        return (x0 + x1) / 2, (y0 + y1) / 2, res

    def _current_state(self) -> tuple[float, float, float]:
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        w = max(self.view_box.width(), 1.0)
        return (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / w

    def _apply_state(self, state: tuple[float, float, float]) -> None:
        cx, cy, res = state
        w = max(self.view_box.width(), float(self.plot_widget.width()), 1.0)
        h = max(self.view_box.height(), float(self.plot_widget.height()), 1.0)
        self.view_box.setRange(
            xRange=(cx - res * w / 2, cx + res * w / 2),
            yRange=(cy - res * h / 2, cy + res * h / 2),
            padding=0.0,
        )

    def _fly_step(self, t: object) -> None:
        t = float(t)  # type: ignore[arg-type]
        (ax, ay, ar), (bx, by, br) = self._fly_from, self._fly_to
        res = math.exp(math.log(ar) + (math.log(br) - math.log(ar)) * t)
        self._apply_state((ax + (bx - ax) * t, ay + (by - ay) * t, res))

    def zoom_by(self, factor: float, centre: QPointF | None = None) -> None:
        """Zoom in (`factor` > 1) or out about `centre` (data point; default the middle)."""
        self.view_box.scaleBy((1 / factor, 1 / factor), center=centre)

    def pan_by(self, fx: float, fy: float) -> None:
        """Move the view by fractions of its width and height (positive: east, north)."""
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        self.view_box.translateBy(x=(x1 - x0) * fx, y=(y1 - y0) * fy)

    def view_lonlat(self) -> tuple[float, float, float, float]:
        """The visible box in WGS-84 (west, south, east, north)."""
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        lons, lats = unproject([x0, x1], [y0, y1])
        return float(lons[0]), float(lats[0]), float(lons[1]), float(lats[1])

    def lonlat_to_widget(self, lon: float, lat: float) -> QPoint:
        """Where a WGS-84 point falls in this widget's coordinates."""
        x, y = project([lon], [lat])
        scene_pt = self.view_box.mapViewToScene(QPointF(float(x[0]), float(y[0])))
        view_pt = self.plot_widget.mapFromScene(scene_pt)
        return self.plot_widget.mapTo(self, view_pt)

    def widget_to_lonlat(self, point: QPoint | QPointF) -> tuple[float, float]:
        """The WGS-84 point under a widget position."""
        p = QPoint(round(point.x()), round(point.y()))
        scene_pt = self.plot_widget.mapToScene(self.plot_widget.mapFrom(self, p))
        data = self.view_box.mapSceneToView(scene_pt)
        lon, lat = unproject([data.x()], [data.y()])
        return float(lon[0]), float(lat[0])

    def ground_metres_per_pixel(self) -> float:
        """True metres per screen pixel at the view's centre latitude."""
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        width = self.view_box.width()
        if width <= 0:
            return math.nan
        _, lat = unproject([(x0 + x1) / 2], [(y0 + y1) / 2])
        return ground_metres((x1 - x0) / width, float(lat[0]))

    # -- selection and queries

    def select(self, kind: str | None, key: object = None) -> None:
        """Highlight one feature (None clears). Points get a ring; a grid cell its centre."""
        self.selected = None if kind is None else (kind, key)
        where = None if kind is None else self.feature_xy(kind, key)
        if where is None:
            self._selection_mark.setData([], [])
        else:
            self._selection_mark.setData([where[0]], [where[1]])

    def feature_xy(self, kind: str, key: object) -> tuple[float, float] | None:
        """Mercator position of a case, camera, squad or unit grid (its centre)."""
        if kind == "unit_grids":
            drawer = self.scene.drawer("unit_grids") if "unit_grids" in self.layers else None
            codes = getattr(drawer, "codes", ())
            if key not in codes:
                return None
            c = drawer.rings.centroids()[codes.index(key)]  # type: ignore[union-attr]
            return float(c[0]), float(c[1])
        rows = self._rows(kind)
        row = rows.get(key) if rows is not None else None
        if row is None or row.lon is None or row.lat is None:
            return None
        x, y = project([row.lon], [row.lat])
        return float(x[0]), float(y[0])

    def _rows(self, kind: str) -> Mapping[int, Any] | None:
        """The id → row mapping of the cases, cameras or squads layer (read-only view);
        for "registry", the objects of every registry layer (ids are unique across them)."""
        if kind == "registry":
            return {
                key: row
                for layer in self.layers
                if layer.kind == kind
                for key, row in layer.objects.items()  # type: ignore[attr-defined]
            }
        for layer in self.layers:
            if layer.kind == kind:
                return getattr(layer, kind)
        return None

    def nearest(self, kind: str, lon: float, lat: float, count: int = NEAREST_COUNT) -> list:
        """The `count` cameras or squads nearest to a point: [(id, ground metres), …]."""
        rows = [r for r in (self._rows(kind) or {}).values() if r.lon is not None]
        if not rows:
            return []
        d = haversine_m_array(
            np.array([r.lon for r in rows]), np.array([r.lat for r in rows]), lon, lat
        )
        order = np.argsort(d)[:count]
        return [(rows[i].id, float(d[i])) for i in order]

    def show_found(self, kind: str, ids: list) -> None:
        xy = [p for i in ids if (p := self.feature_xy(kind, i)) is not None]
        self._found_marks.setData([p[0] for p in xy], [p[1] for p in xy])

    def features_in(self, rect: QRectF) -> list[tuple[str, int]]:
        """Visible cases, cameras and squads inside a data rect."""
        out: list[tuple[str, int]] = []
        for layer in self.layers:
            if layer.kind not in ("cases", "cameras", "squads") or not layer.visible:
                continue
            drawer = self.scene.drawer(layer)
            if drawer is None:
                continue
            for key in drawer.ids_in(rect.left(), rect.top(), rect.right(), rect.bottom()):
                out.append((layer.kind, int(key)))
        return out

    # -- measuring

    def start_measure(self, lon: float | None = None, lat: float | None = None) -> None:
        self.measuring = True
        self._measure = [] if lon is None or lat is None else [(lon, lat)]
        self._redraw_measure()

    def stop_measure(self) -> None:
        self.measuring = False
        self._measure = []
        self._redraw_measure()

    def add_measure_point(self, lon: float, lat: float) -> None:
        self._measure.append((lon, lat))
        self._redraw_measure()

    def _redraw_measure(self) -> None:
        pts = self._measure
        self.measured_m = sum(
            haversine_m(a[0], a[1], b[0], b[1]) for a, b in zip(pts, pts[1:], strict=False)
        )
        if pts:
            x, y = project([p[0] for p in pts], [p[1] for p in pts])
        else:
            x, y = np.empty(0), np.empty(0)
        self._measure_line.setData(x, y)
        self._measure_points.setData(x, y)
        if self.measuring and len(pts) >= 2:
            self.show_notice(self.tr("Distance: %1").replace("%1", _format_metres(self.measured_m)))
        elif not self.measuring:
            self.clear_notice()
        self.measureChanged.emit(self.measured_m)

    # -- overlays

    def show_notice(self, text: str, timeout_ms: int = 0) -> None:
        """A line over the bottom of the map (wrapped when long); `timeout_ms` > 0 hides it
        after that long (answers such as "nearest cameras"), 0 keeps it (a failing tile
        server) until replaced or cleared."""
        self.notice.setText(text)
        self.notice.setMaximumWidth(max(240, self.width() - 2 * NOTICE_SIDE_PX))
        self.notice.adjustSize()
        self._place_overlays()
        self.notice.show()
        self.notice.raise_()
        if timeout_ms > 0:
            self._notice_timer.start(timeout_ms)
        else:
            self._notice_timer.stop()

    def clear_notice(self) -> None:
        self._notice_timer.stop()
        self.notice.hide()

    def settle(self) -> None:
        """Finish pending work so that what is painted next is complete (screenshots)."""
        self._fly.stop()
        self.scene.settle()

    def export_png(self, path: Path | str) -> Path:
        """Save the current view, as shown, to a PNG file."""
        path = Path(path)
        self.settle()
        image = self.grab().toImage()
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write the map image to {path}")
        return path

    def close_scene(self) -> None:
        """Detach the drawers from the layers (the layers outlive the canvas)."""
        self._fly.stop()
        self.scene.close()

    # -- events

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._place_overlays()
        self._update_scale_bar()

    def _place_overlays(self) -> None:
        self.scale_bar.move(8, self.height() - self.scale_bar.height() - 8)
        self.scale_bar.raise_()
        self.readout.adjustSize()
        self.readout.move(
            self.width() - self.readout.width() - 8, self.height() - self.readout.height() - 8
        )
        self.readout.raise_()
        self.notice.move(
            (self.width() - self.notice.width()) // 2,
            self.height() - self.notice.height() - 12,
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key = event.key()
        steps = {
            Qt.Key.Key_Left: (-KEY_PAN_FRACTION, 0.0),
            Qt.Key.Key_Right: (KEY_PAN_FRACTION, 0.0),
            Qt.Key.Key_Up: (0.0, KEY_PAN_FRACTION),
            Qt.Key.Key_Down: (0.0, -KEY_PAN_FRACTION),
        }
        if key in steps:
            self.pan_by(*steps[key])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(KEY_ZOOM_FACTOR)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_by(1 / KEY_ZOOM_FACTOR)
        elif key == Qt.Key.Key_Home:
            self.home(animate=True)
        elif key == Qt.Key.Key_Escape:
            if self.measuring:
                self.stop_measure()
            else:
                self.select(None)
                self.show_found("cameras", [])
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _update_scale_bar(self, *args: object) -> None:
        self.scale_bar.set_resolution(self.ground_metres_per_pixel())

    def _tolerance_m(self) -> float:
        return CLICK_TOLERANCE_PX * self.view_box.viewPixelSize()[0]

    def hit(self, x: float, y: float) -> tuple[str, object] | None:
        """The feature under a Mercator point: a case, camera or squad within the click
        tolerance, else the unit grid containing it."""
        found = self.scene.hit_test(x, y, self._tolerance_m())
        if found is not None:
            return found
        if "unit_grids" in self.layers and self.layers["unit_grids"].visible:
            drawer = self.scene.drawer("unit_grids")
            code = drawer.cell_at(x, y) if drawer is not None else None  # type: ignore[attr-defined]
            if code is not None:
                return "unit_grids", code
        return None

    def drag_out(self, at: QPointF) -> bool:
        """Start dragging the camera or case under `at` out of the map (camera ids to the
        video wall, case ids to the squad board); False when there is none there."""
        from PySide6.QtGui import QDrag

        from command_center.ui.camera_wall import camera_mime
        from command_center.ui.case_queue_lazy import CASE_IDS_MIME

        found = self.scene.hit_test(at.x(), at.y(), self._tolerance_m())
        if found is None or found[0] not in ("cameras", "cases"):
            return False
        kind, key = found
        if kind == "cameras":
            mime = camera_mime([int(key)])
        else:
            mime = QMimeData()
            mime.setData(CASE_IDS_MIME, QByteArray(str(int(key)).encode()))
        drag = QDrag(self)
        drag.setMimeData(mime)
        self.last_drag = (kind, int(key))
        drag.exec(Qt.DropAction.CopyAction | Qt.DropAction.MoveAction)
        return True

    def _on_click(self, event: object) -> None:
        if event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = self.view_box.mapSceneToView(event.scenePos())  # type: ignore[attr-defined]
        if self.measuring:
            lon, lat = unproject([pos.x()], [pos.y()])
            self.add_measure_point(float(lon[0]), float(lat[0]))
            return
        if self._zoom_into_cluster(pos.x(), pos.y()):
            return
        found = self.hit(pos.x(), pos.y())
        if found is not None:
            self.select(*found)
            self.featureClicked.emit(*found)

    def _zoom_into_cluster(self, x: float, y: float) -> bool:
        """A click on a bubble of several cases flies to them."""
        drawer = self.scene.drawer("cases") if "cases" in self.layers else None
        if drawer is None or not getattr(drawer, "clustered", False):
            return False
        found = drawer.cluster_hit(x, y, self._tolerance_m() * 2.5)  # type: ignore[attr-defined]
        if found is None or found[0] < 2:
            return False
        rows = self.layers["cases"].cases  # type: ignore[attr-defined]
        members = [rows[int(i)] for i in found[1] if int(i) in rows]
        lons = [r.lon for r in members]
        lats = [r.lat for r in members]
        pad = 0.002
        self.fly_to(min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad)
        return True

    def _on_hover(self, scene_pos: QPointF) -> None:
        pos = self.view_box.mapSceneToView(scene_pos)
        try:
            lon, lat = (float(v[0]) for v in unproject([pos.x()], [pos.y()]))
        except ValueError:
            return
        glon, glat = convert(lon, lat, CRS.WGS84, CRS.GCJ02)
        self.readout.setText(f"WGS-84 {lon:.6f}, {lat:.6f}   GCJ-02 {glon:.6f}, {glat:.6f}")
        self._place_overlays()
        found = self.scene.hit_test(pos.x(), pos.y(), self._tolerance_m())
        if found is None:
            QToolTip.hideText()
            return
        text = self.describe(*found)
        view_pt = self.plot_widget.mapFromScene(scene_pos)
        QToolTip.showText(self.plot_widget.mapToGlobal(view_pt), text, self)

    def describe(self, kind: str, key: object) -> str:
        """One line about a feature, for tooltips."""
        row = (self._rows(kind) or {}).get(key)
        if row is None:
            return str(key)
        if kind == "cases":
            return f"{row.case_no} · {row.category_name} · {row.address}".strip(" ·")
        if kind == "cameras":
            state = self.layers["cameras"].stream_states.get(row.id) if "cameras" in self.layers else None
            names = {"live": self.tr("live on the wall"), "connecting": self.tr("connecting"),
                     "lost": self.tr("signal lost")}
            return f"{row.name} ({row.code})" + (f" · {names[state]}" if state in names else "")
        if kind == "squads":
            return f"{row.name} · {row.unit_name}"
        if kind == "registry":
            spec = KINDS[row.kind]
            status = next((s.label for s in spec.statuses if s.key == row.status), row.status)
            return f"{spec.label} · {row.code} · {row.name} · {status}"
        return str(key)

    def _on_rubber_band(self, rect: QRectF) -> None:
        self.selectionChanged.emit(self.features_in(rect))

    def _on_context(self, data_pt: QPointF, screen_pos: QPoint) -> None:
        lon, lat = (float(v[0]) for v in unproject([data_pt.x()], [data_pt.y()]))
        menu = self.context_menu(lon, lat)
        menu.popup(screen_pos)

    def context_menu(self, lon: float, lat: float) -> QMenu:
        """The menu for a point of the map (built fresh; deleted when it closes)."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(
            self.tr("Report a case here"), lambda: self.reportHereRequested.emit(lon, lat)
        )
        menu.addAction(self.tr("Nearest cameras"), lambda: self._find_nearest("cameras", lon, lat))
        menu.addAction(self.tr("Nearest squads"), lambda: self._find_nearest("squads", lon, lat))
        menu.addSeparator()
        if self.measuring:
            menu.addAction(self.tr("Stop measuring"), self.stop_measure)
        else:
            menu.addAction(self.tr("Measure distance"), lambda: self.start_measure(lon, lat))
        return menu

    def _find_nearest(self, kind: str, lon: float, lat: float) -> list:
        found = self.nearest(kind, lon, lat)
        self.show_found(kind, [i for i, _ in found])
        self.nearestFound.emit(kind, found)
        return found


def _format_metres(m: float) -> str:
    return f"{m / 1000:.2f} km" if m >= 1000 else f"{m:.0f} m"
