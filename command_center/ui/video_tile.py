"""One camera on screen: the newest frame scaled to fit, with a name/clock/state overlay."""

from __future__ import annotations

import time

from PySide6.QtCore import QDateTime, QRect, QRectF, QSize, Qt, QTimer, QTimeZone
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from command_center.video.capture import Capture
from command_center.video.qimage import frame_to_qimage
from command_center.video.stream import Frame, StreamState, StreamStatus

PULL_INTERVAL_MS = 40  # 25 Hz: the tile asks for the newest frame, nothing is queued

# Cameras show the city's time (China Standard Time), whatever the workstation's zone.
CITY_TIME = QTimeZone(8 * 3600)


class VideoTile(QWidget):
    """Paints the newest frame of a `Capture`, pulled by a 25 Hz timer while shown.

    A frame is painted only when its `seq` changed since the last paint, so a slow GUI
    drops frames instead of queueing them. The overlay shows the camera name, the current
    date and time, and the stream state (live with fps and resolution, connecting, or lost
    since the time of the last frame). `frames_painted` counts frames actually painted.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoTile")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._capture: Capture | None = None
        self._frame: Frame | None = None
        self._image: QImage | None = None
        self._painted_seq = 0
        self._frames_painted = 0
        self._status = StreamStatus()
        self._overlay_key: tuple = ()
        self._title: str | None = None  # the camera's own name (a stream may serve several)
        self._timer = QTimer(self)
        self._timer.setInterval(PULL_INTERVAL_MS)
        self._timer.timeout.connect(self._pull)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        self._overlay_font = font

    # -- model side -----------------------------------------------------------------------
    def set_title(self, title: str | None) -> None:
        """The name the overlay shows (None: the capture's name). Cameras that share one
        stream share one capture, so the camera's name comes from here."""
        if title != self._title:
            self._title = title
            self.update()

    def set_capture(self, capture: Capture | None) -> None:
        """Show `capture` (the tile does not start or stop it), or nothing."""
        self._capture = capture
        self._frame = None
        self._image = None
        self._painted_seq = 0
        self._status = capture.status() if capture is not None else StreamStatus()
        self._overlay_key = ()
        if capture is not None and self.isVisible():
            self._timer.start()
        else:
            self._timer.stop()
        self.update()

    def capture(self) -> Capture | None:
        return self._capture

    @property
    def frames_painted(self) -> int:
        """How many distinct frames this tile has painted."""
        return self._frames_painted

    @property
    def painted_seq(self) -> int:
        """The `seq` of the frame painted last (0: none yet)."""
        return self._painted_seq

    def status(self) -> StreamStatus:
        """The status the overlay shows now."""
        return self._status

    def state_text(self) -> str:
        """The state line of the overlay, translated."""
        status = self._status
        if status.state is StreamState.LIVE:
            return self.tr("Live")
        if status.state is StreamState.CONNECTING:
            return self.tr("Connecting…")
        if status.state is StreamState.LOST:
            if status.last_frame_at is None:
                return self.tr("Lost")
            since = QDateTime.fromMSecsSinceEpoch(int(status.last_frame_at * 1000), CITY_TIME)
            return self.tr("Lost since %1").replace("%1", since.toString("HH:mm:ss"))
        return self.tr("Stopped")

    def detail_text(self) -> str:
        """fps and resolution of the overlay (empty before the first frame)."""
        status = self._status
        if not status.width:
            return ""
        size = f"{status.width}×{status.height}"
        if status.state is not StreamState.LIVE or status.fps < 0.5:
            return size  # not live, or the rate is not known yet
        return self.tr("%1 fps · %2").replace("%1", f"{status.fps:.0f}").replace("%2", size)

    def _pull(self) -> None:
        capture = self._capture
        if capture is None:
            return
        frame = capture.latest()
        dirty = False
        if frame is not None and frame.seq != self._painted_seq and frame is not self._frame:
            self._frame = frame
            self._image = frame_to_qimage(frame)
            dirty = True
        self._status = capture.status()
        key = (
            self._status.state,
            self._status.error,
            round(self._status.fps),
            self._status.width,
            int(time.time()),  # the clock ticks once a second
        )
        if key != self._overlay_key:
            self._overlay_key = key
            dirty = True
            self.setToolTip(self._status.error)
        if dirty:
            self.update()

    # -- Qt side --------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(320, 180)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._capture is not None:
            self._timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().hideEvent(event)
        self._timer.stop()

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt's name)
        """The overlay grows with the tile: legible on a 4×4 desk wall and from 5 m on the
        hall's wall screen (about a 24th of the tile's height, never below the UI font)."""
        super().resizeEvent(event)
        base = max(7.0, QFont(self.font()).pointSizeF() * 0.9)
        font = QFont(self._overlay_font)
        font.setPointSizeF(max(base, min(28.0, self.height() / 24.0 * 0.75)))
        self._overlay_font = font

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        rect = self.rect()
        painter.fillRect(rect, QColor(16, 16, 16))
        frame, image = self._frame, self._image
        if frame is not None and image is not None:
            target = _fit(image.width(), image.height(), rect)
            painter.drawImage(target, image)
            if frame.seq != self._painted_seq:
                self._painted_seq = frame.seq
                self._frames_painted += 1
            if self._capture is not None and self._status.state is StreamState.LOST:
                # The last picture stays for reference, veiled, so nobody takes it for live.
                painter.fillRect(target, QColor(0, 0, 0, 150))
                painter.setPen(QColor(255, 90, 80))
                font = QFont(self._overlay_font)
                font.setPointSizeF(font.pointSizeF() * 1.6)
                font.setBold(True)
                painter.setFont(font)
                painter.drawText(target, Qt.AlignmentFlag.AlignCenter, self.tr("Signal lost"))
        self._paint_overlay(painter, rect)
        painter.end()

    def _paint_overlay(self, painter: QPainter, rect: QRect) -> None:
        painter.setFont(self._overlay_font)
        metrics = painter.fontMetrics()
        band = metrics.height() + 6
        shade = QColor(0, 0, 0, 140)
        top = QRect(rect.left(), rect.top(), rect.width(), band)
        bottom = QRect(rect.left(), rect.bottom() - band + 1, rect.width(), band)
        painter.fillRect(top, shade)
        painter.fillRect(bottom, shade)
        inner_top = top.adjusted(6, 0, -6, 0)
        inner_bottom = bottom.adjusted(6, 0, -6, 0)
        painter.setPen(QColor(240, 240, 240))
        if self._title is not None:
            name = self._title
        else:
            name = self._capture.name if self._capture is not None else self.tr("No camera")
        clock = QDateTime.currentDateTime().toTimeZone(CITY_TIME).toString("yyyy-MM-dd HH:mm:ss")
        align_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        align_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(inner_top, align_left, name)
        painter.drawText(inner_top, align_right, clock)
        if self._capture is None:
            return
        state = self._status.state
        colour = {
            StreamState.LIVE: QColor(80, 220, 120),
            StreamState.CONNECTING: QColor(250, 200, 60),
            StreamState.LOST: QColor(255, 90, 80),
        }.get(state, QColor(180, 180, 180))
        painter.setPen(colour)
        painter.drawText(inner_bottom, align_left, self.state_text())
        painter.setPen(QColor(240, 240, 240))
        painter.drawText(inner_bottom, align_right, self.detail_text())


def _fit(width: int, height: int, rect: QRect) -> QRectF:
    """The largest rectangle of `width`:`height` centred in `rect`."""
    if width <= 0 or height <= 0 or rect.width() <= 0 or rect.height() <= 0:
        return QRectF()
    scale = min(rect.width() / width, rect.height() / height)
    w, h = width * scale, height * scale
    return QRectF(rect.x() + (rect.width() - w) / 2, rect.y() + (rect.height() - h) / 2, w, h)
