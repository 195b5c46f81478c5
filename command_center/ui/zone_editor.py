"""Drawing motion zones on a camera image.

The editor shows one still from a camera and the camera's `MotionZone`s as translucent
polygons with their names. Polygons are kept in normalised image coordinates (0..1), so a
zone drawn on the main stream fits the sub-stream the detector watches.

Mouse and keys:
- click outside any zone starts a new polygon; each click adds a vertex;
- double-click, Enter, or a click on the first vertex closes it (3 vertices at least);
- Backspace removes the last vertex, Esc cancels the polygon;
- click inside a zone selects it; drag one of its vertices to move it; Delete (or
  Backspace) removes it; Esc clears the selection.

The editor only edits geometry; a zone's category, threshold and schedule are set elsewhere
and kept as they are. New zones are copies of `template` with a fresh id, name and polygon.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from command_center.domain.motion import MotionZone, Point, validate_polygon

HANDLE_PX = 5.0
"""Radius of a vertex handle; a press this close to a vertex grabs it."""

PALETTE = ("#ff8c1a", "#2ec4ff", "#7ddc1f", "#ff4fa3", "#ffd60a", "#b388ff")
"""Zone colours, by position in the list (readable over daylight and night video)."""

NO_IMAGE_ASPECT = 16 / 9


class ZoneEditor(QWidget):
    """A camera image with motion zones drawn over it, edited with the mouse and keys.

    Signals:
        zonesChanged(list): the full list of `MotionZone`s after each user edit (a zone
            drawn, moved or deleted); not emitted by `set_zones`.
        selectionChanged(str): the selected zone's id, or "" when none is selected.
    """

    zonesChanged = Signal(list)
    selectionChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, template: MotionZone | None = None):
        super().__init__(parent)
        self.setObjectName("zoneEditor")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._template = template or MotionZone(
            id="template", name="template", polygon=((0.0, 0.0), (1.0, 0.0), (0.0, 1.0))
        )
        self._image = QImage()
        self._zones: list[MotionZone] = []
        self._selected: str | None = None
        self._draft: list[Point] = []
        self._hover: QPointF | None = None
        self._drag: tuple[str, int] | None = None  # (zone id, vertex index)
        self._drag_polygon: list[Point] | None = None
        self._notice = ""

    # -- model ---------------------------------------------------------------------
    def set_image(self, image: QImage) -> None:
        """Show `image` (a still from the camera) under the zones."""
        self._image = QImage(image)
        self.update()

    def image(self) -> QImage:
        return QImage(self._image)

    def set_zones(self, zones: Sequence[MotionZone]) -> None:
        """Replace the zones shown (for loading a camera); emits nothing."""
        self._zones = list(zones)
        self._drag = self._drag_polygon = None
        if self._selected is not None and self._selected not in {z.id for z in self._zones}:
            self._set_selected(None)
        self.update()

    def zones(self) -> list[MotionZone]:
        return list(self._zones)

    def selected_zone_id(self) -> str | None:
        return self._selected

    def select_zone(self, zone_id: str | None) -> None:
        if zone_id is not None and zone_id not in {z.id for z in self._zones}:
            raise KeyError(zone_id)
        self._set_selected(zone_id)

    def delete_selected(self) -> bool:
        """Remove the selected zone; True when one was removed."""
        if self._selected is None:
            return False
        self._zones = [z for z in self._zones if z.id != self._selected]
        self._set_selected(None)
        self._changed()
        return True

    @property
    def drawing(self) -> bool:
        """True while a new polygon is being drawn."""
        return bool(self._draft)

    def draft(self) -> list[Point]:
        """The vertices of the polygon being drawn (normalised)."""
        return list(self._draft)

    def cancel_drawing(self) -> None:
        self._draft = []
        self._notice = ""
        self.update()

    def close_polygon(self) -> MotionZone | None:
        """Turn the draft into a new zone; None (and a notice) when it is not a valid zone."""
        try:
            polygon = validate_polygon(self._draft)
        except ValueError:
            self._notice = self.tr("A zone needs at least 3 points and some area")
            self.update()
            return None
        zone = replace(self._template, id=self._new_id(), name=self._new_name(), polygon=polygon)
        self._zones.append(zone)
        self._draft = []
        self._notice = ""
        self._set_selected(zone.id)
        self._changed()
        return zone

    # -- geometry ------------------------------------------------------------------
    def hint_height(self) -> float:
        """The strip at the bottom kept for the hint line (never drawn over the image)."""
        return QFontMetricsF(self.font()).height() + 8

    def image_rect(self) -> QRectF:
        """Where the image is drawn: as large as fits above the hint line, centred, aspect kept."""
        w, h = float(self.width()), float(self.height()) - self.hint_height()
        if self._image.isNull():
            aspect = NO_IMAGE_ASPECT
        else:
            aspect = self._image.width() / self._image.height()
        if w <= 0 or h <= 0:
            return QRectF()
        if w / h > aspect:
            rw, rh = h * aspect, h
        else:
            rw, rh = w, w / aspect
        return QRectF((w - rw) / 2, (h - rh) / 2, rw, rh)

    def to_normalised(self, pos: QPointF) -> Point:
        """A widget position as normalised image coordinates, clamped to the image."""
        r = self.image_rect()
        if r.isEmpty():
            return (0.0, 0.0)
        x = min(1.0, max(0.0, (pos.x() - r.x()) / r.width()))
        y = min(1.0, max(0.0, (pos.y() - r.y()) / r.height()))
        return (x, y)

    def to_widget(self, point: Point) -> QPointF:
        r = self.image_rect()
        return QPointF(r.x() + point[0] * r.width(), r.y() + point[1] * r.height())

    def _polygon_f(self, polygon: Sequence[Point]) -> QPolygonF:
        return QPolygonF([self.to_widget(p) for p in polygon])

    def zone_at(self, pos: QPointF) -> str | None:
        """The id of the topmost zone containing `pos`, if any."""
        for zone in reversed(self._zones):
            if self._polygon_f(zone.polygon).containsPoint(pos, Qt.FillRule.OddEvenFill):
                return zone.id
        return None

    def _vertex_at(self, pos: QPointF) -> int | None:
        zone = self._zone(self._selected)
        if zone is None:
            return None
        for i, p in enumerate(zone.polygon):
            if _near(self.to_widget(p), pos):
                return i
        return None

    # -- events --------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        pos = event.position()
        if self._draft:
            if len(self._draft) >= 3 and _near(self.to_widget(self._draft[0]), pos):
                self.close_polygon()
            else:
                self._draft.append(self.to_normalised(pos))
                self._notice = ""
                self.update()
            return
        vertex = self._vertex_at(pos)
        if vertex is not None and self._selected is not None:
            self._drag = (self._selected, vertex)
            zone = self._zone(self._selected)
            assert zone is not None
            self._drag_polygon = list(zone.polygon)
            return
        hit = self.zone_at(pos)
        if hit is not None:
            self._set_selected(hit)
            return
        if not self.image_rect().contains(pos):
            self._set_selected(None)
            return
        self._set_selected(None)
        self._draft = [self.to_normalised(pos)]
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        self._hover = pos
        if self._drag is not None and self._drag_polygon is not None:
            self._drag_polygon[self._drag[1]] = self.to_normalised(pos)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._drag is None:
            super().mouseReleaseEvent(event)
            return
        zone_id, _ = self._drag
        polygon = self._drag_polygon
        self._drag = self._drag_polygon = None
        zone = self._zone(zone_id)
        if zone is None or polygon is None or tuple(polygon) == zone.polygon:
            self.update()
            return
        try:
            moved = replace(zone, polygon=validate_polygon(polygon))
        except ValueError:
            self._notice = self.tr("That would leave the zone without area; vertex not moved")
            self.update()
            return
        self._zones = [moved if z.id == zone_id else z for z in self._zones]
        self._notice = ""
        self._changed()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._draft:
            # the first press of the double-click already added this vertex
            self.close_polygon()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self._draft:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.close_polygon()
            elif key == Qt.Key.Key_Backspace:
                self._draft.pop()
                self.update()
            elif key == Qt.Key.Key_Escape:
                self.cancel_drawing()
            else:
                super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self._selected is not None:
            self.delete_selected()
        elif key == Qt.Key.Key_Escape and self._selected is not None:
            self._set_selected(None)
        else:
            super().keyPressEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self.update()
        super().leaveEvent(event)

    # -- painting ------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#101418"))
        rect = self.image_rect()
        if self._image.isNull():
            painter.fillRect(rect, QColor("#1c232b"))
            painter.setPen(QColor("#8a96a3"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.tr("No camera image"))
        else:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(rect, self._image)
        painter.save()
        painter.setClipRect(rect)
        for i, zone in enumerate(self._zones):
            polygon = zone.polygon
            if self._drag is not None and self._drag[0] == zone.id and self._drag_polygon:
                polygon = tuple(self._drag_polygon)
            self._paint_zone(painter, zone, polygon, QColor(PALETTE[i % len(PALETTE)]))
        self._paint_draft(painter)
        painter.restore()
        self._paint_hint(painter)
        painter.end()

    def _paint_zone(
        self, painter: QPainter, zone: MotionZone, polygon: Sequence[Point], colour: QColor
    ) -> None:
        selected = zone.id == self._selected
        points = [self.to_widget(p) for p in polygon]
        poly = QPolygonF(points)
        fill = QColor(colour)
        fill.setAlpha(110 if selected else 70)
        painter.setBrush(QBrush(fill))
        painter.setPen(QPen(colour, 3.0 if selected else 1.5))
        painter.drawPolygon(poly)
        if selected:
            painter.setBrush(QBrush(QColor("white")))
            painter.setPen(QPen(colour, 1.5))
            for p in points:
                painter.drawEllipse(p, HANDLE_PX, HANDLE_PX)
        # the name on a dark tag at the polygon's top-most vertex
        top = min(points, key=lambda p: (p.y(), p.x()))
        metrics = QFontMetricsF(painter.font())
        text_rect = metrics.boundingRect(zone.name).adjusted(-4, -2, 4, 2)
        text_rect.moveTopLeft(QPointF(top.x() + 4, top.y() + 4))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 160))
        painter.drawRoundedRect(text_rect, 3, 3)
        painter.setPen(colour.lighter(130))
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, zone.name)

    def _paint_draft(self, painter: QPainter) -> None:
        if not self._draft:
            return
        colour = QColor("#ffffff")
        points = [self.to_widget(p) for p in self._draft]
        path = QPainterPath(points[0])
        for p in points[1:]:
            path.lineTo(p)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(colour, 2.0))
        painter.drawPath(path)
        if self._hover is not None:
            painter.setPen(QPen(colour, 1.0, Qt.PenStyle.DashLine))
            painter.drawLine(points[-1], self._hover)
        painter.setPen(QPen(QColor("#101418"), 1.0))
        for i, p in enumerate(points):
            painter.setBrush(QColor("#ffd60a") if i == 0 else colour)
            painter.drawEllipse(p, HANDLE_PX, HANDLE_PX)

    def _paint_hint(self, painter: QPainter) -> None:
        if self._notice:
            text = self._notice
        elif self._draft:
            text = self.tr(
                "Click to add points · double-click or Enter to finish · "
                "Backspace removes the last point · Esc cancels"
            )
        elif self._selected is not None:
            text = self.tr("Drag a corner to move it · Delete removes the zone · Esc deselects")
        else:
            text = self.tr("Click outside the zones to draw a new one · click a zone to select it")
        height = self.hint_height()
        band = QRectF(0, self.height() - height, self.width(), height)
        painter.setPen(QColor("#ffd60a") if self._notice else QColor("#e6edf3"))
        painter.drawText(band, Qt.AlignmentFlag.AlignCenter, text)

    # -- helpers -------------------------------------------------------------------
    def _zone(self, zone_id: str | None) -> MotionZone | None:
        return next((z for z in self._zones if z.id == zone_id), None)

    def _set_selected(self, zone_id: str | None) -> None:
        if zone_id == self._selected:
            return
        self._selected = zone_id
        self.selectionChanged.emit(zone_id or "")
        self.update()

    def _changed(self) -> None:
        self.update()
        self.zonesChanged.emit(list(self._zones))

    def _new_id(self) -> str:
        taken = {z.id for z in self._zones}
        while (new := uuid.uuid4().hex[:8]) in taken:
            pass
        return new

    def _new_name(self) -> str:
        taken = {z.name for z in self._zones}
        n = len(self._zones) + 1
        while (name := self.tr("Zone {n}").format(n=n)) in taken:
            n += 1
        return name


def _near(a: QPointF, b: QPointF) -> bool:
    return (a.x() - b.x()) ** 2 + (a.y() - b.y()) ** 2 <= (HANDLE_PX + 2) ** 2
