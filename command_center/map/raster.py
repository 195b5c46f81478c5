"""Static vector layers rendered once into an image and blitted on every repaint.

District outlines, the river and 50,000 unit-grid cells do not change while the map pans;
stroking 300,000 vertices again on every paint costs tens of milliseconds. A
`RasterGroupItem` paints a run of such layers (consecutive in the layer list) into one
`QImage` that covers the view plus a margin, at the view's scale, and then only blits it:

* repaint, or a pan that stays inside the margin: one blit of the cached image;
* a pan past the margin, a zoom, or changed data: the cached image is drawn (scaled if the
  zoom changed) at once, and once the view has been still for `RENDER_DELAY_MS` a new image
  is rendered on a worker thread; when it arrives the item repaints (QImage and QPainterPath are safe to use off the GUI thread; the paths are
  never changed after they are built, new data gets new paths);
* the very first paint, with nothing cached, renders synchronously so that the first frame
  shows the whole picture.

`settle()` waits for any render in flight and takes its result (for screenshots, exports
and tests). The level of detail is per operation: `PathOp.min_px_per_m` hides, say, cell
outlines when a 100 m cell would be under 3 pixels wide.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QImage, QPainter, QPainterPath, QPen, QTransform

__all__ = ["MARGIN", "PathOp", "RasterGroupItem", "RasterSource", "render_ops"]

log = logging.getLogger("map")

MARGIN = 0.5  # render this fraction of the view's width/height beyond each side
MAX_IMAGE_PX = 6000
RENDER_DELAY_MS = 120
STROKE_PAD_PX = 8  # rendered beyond the geometry's bounds, for the width of lines  # a sharp image is rendered once the view has been still this long  # longest side of a cached image (a zoom far in is clipped to this)


@dataclass(frozen=True)
class PathOp:
    """Paths drawn with one pen and one brush, in Mercator metres."""

    paths: tuple[QPainterPath, ...]
    pen: QPen | None = None
    brush: QBrush | None = None
    min_px_per_m: float = 0.0  # drawn only when the view shows at least this many px per m


@dataclass
class RasterSource:
    """What one layer contributes to a group: its operations, visibility and opacity."""

    name: str
    ops: Sequence[PathOp] = ()
    visible: bool = True
    opacity: float = 1.0
    bounds: QRectF = field(default_factory=QRectF)


@dataclass(frozen=True)
class _Frame:
    """A rendered image: device pixel (0, 0) of the image sits at data point `anchor`."""

    image: QImage
    sx: float  # device px per data unit, x (as in the painter's device transform)
    sy: float  # …, y (negative: data y runs up)
    anchor: QPointF  # data coordinates of the image's top-left corner
    covered: QRectF  # data rect the image covers
    generation: int


def render_ops(
    sources: Sequence[RasterSource], data_rect: QRectF, sx: float, sy: float, dpr: float = 1.0
) -> tuple[QImage, QPointF]:
    """Render the visible sources' ops over `data_rect` at scale (sx, sy) device px per data
    unit. Returns the image and the data point at its top-left corner."""
    xf = QTransform(sx, 0.0, 0.0, sy, 0.0, 0.0)
    dev = xf.mapRect(data_rect)
    left, top = math.floor(dev.left()), math.floor(dev.top())
    width = max(1, min(MAX_IMAGE_PX, math.ceil(dev.right()) - left))
    height = max(1, min(MAX_IMAGE_PX, math.ceil(dev.bottom()) - top))
    image = QImage(
        round(width * dpr), round(height * dpr), QImage.Format.Format_ARGB32_Premultiplied
    )
    image.setDevicePixelRatio(dpr)
    image.fill(Qt.GlobalColor.transparent)
    to_image = QTransform(sx, 0.0, 0.0, sy, -left, -top)
    px_per_m = abs(sx)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setTransform(to_image)
        for source in sources:
            if not source.visible or source.opacity <= 0.0:
                continue
            painter.setOpacity(source.opacity)
            for op in source.ops:
                if px_per_m < op.min_px_per_m:
                    continue
                painter.setPen(op.pen if op.pen is not None else QPen(Qt.PenStyle.NoPen))
                painter.setBrush(op.brush if op.brush is not None else QBrush())
                for path in op.paths:
                    painter.drawPath(path)
    finally:
        painter.end()
    anchor = to_image.inverted()[0].map(QPointF(0.0, 0.0))
    return image, anchor


class _Bridge(QObject):
    """Carries a finished render from the worker to the item. It has no parent and the
    worker's callback holds it, so it outlives an item deleted while a render runs; Qt drops
    the queued delivery to a receiver that is gone."""

    rendered = Signal(object)


class RasterGroupItem(pg.GraphicsObject):
    """One graphics item drawing several static layers from a cached image."""

    def __init__(self, sources: Sequence[RasterSource] = ()) -> None:
        super().__init__()
        self._sources: tuple[RasterSource, ...] = tuple(sources)
        self._bounds = QRectF()
        self._generation = 0
        self._frame: _Frame | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._future: Future[_Frame] | None = None
        self._pending: tuple[QRectF, float, float, float] | None = None
        self._lock = threading.RLock()
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(RENDER_DELAY_MS)
        self._delay.timeout.connect(self._on_delay)
        self.renders = 0  # images rendered so far (tests count them)
        self.sync_renders = 0
        # Always queued: a render that finishes before its callback is attached would
        # otherwise call back at once, inside _request, on the GUI thread.
        self._bridge = _Bridge()
        self._bridge.rendered.connect(self._take_frame, Qt.ConnectionType.QueuedConnection)
        self._update_bounds()

    # -- content

    @property
    def sources(self) -> tuple[RasterSource, ...]:
        return self._sources

    def set_sources(self, sources: Sequence[RasterSource]) -> None:
        """Replace what the group draws; the cached image is redrawn (off the GUI thread once
        something is on screen)."""
        self._sources = tuple(sources)
        self._generation += 1
        self._update_bounds()
        self.update()

    def _update_bounds(self) -> None:
        bounds = QRectF()
        for s in self._sources:
            if s.bounds.isValid():
                bounds = bounds.united(s.bounds)
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        return self._bounds

    # -- painting

    def paint(self, painter: QPainter, option: object, widget: Any = None) -> None:
        if self._bounds.isEmpty() or not any(s.visible and s.ops for s in self._sources):
            return
        # The world transform (item → the widget's own pixels). Not deviceTransform(): when
        # a parent widget is grabbed, the device transform also holds the widget's offset in
        # the parent, which the engine adds again after resetTransform().
        xf = painter.transform()
        sx, sy = xf.m11(), xf.m22()
        if sx == 0 or sy == 0 or xf.m12() != 0 or xf.m21() != 0:
            return  # not a plain scale + translate (never on this map)
        inverse, ok = xf.inverted()
        if not ok:
            return
        viewport = QRectF(widget.rect()) if widget is not None else QRectF(painter.viewport())
        visible = inverse.mapRect(viewport).intersected(self._padded(sx))
        if visible.isEmpty():
            return
        dpr = painter.device().devicePixelRatioF() if painter.device() else 1.0
        frame = self._frame
        same_scale = (
            frame is not None
            and math.isclose(frame.sx, sx, rel_tol=1e-9)
            and math.isclose(frame.sy, sy, rel_tol=1e-9)
        )
        fresh = frame is not None and frame.generation == self._generation
        if frame is None:
            frame = self._render_now(visible, sx, sy, dpr, inverse.mapRect(viewport))
            same_scale, fresh = True, True
        elif not (same_scale and fresh and _contains(frame.covered, visible)):
            self._request(inverse.mapRect(viewport), sx, sy, dpr)
        painter.save()
        painter.resetTransform()
        if same_scale:
            at = xf.map(frame.anchor)
            painter.drawImage(QPointF(round(at.x()), round(at.y())), frame.image)
        else:  # zooming: the old image stretched until the new one arrives
            target = xf.mapRect(_image_data_rect(frame))
            painter.drawImage(target, frame.image)
        painter.restore()

    def _padded(self, sx: float) -> QRectF:
        """The bounds plus `STROKE_PAD_PX` screen pixels: strokes reach past the geometry."""
        pad = STROKE_PAD_PX / abs(sx)
        return self._bounds.adjusted(-pad, -pad, pad, pad)

    def _render_rect(self, view: QRectF, sx: float) -> QRectF:
        mx, my = view.width() * MARGIN, view.height() * MARGIN
        return view.adjusted(-mx, -my, mx, my).intersected(self._padded(sx))

    def _render_now(
        self, visible: QRectF, sx: float, sy: float, dpr: float, view: QRectF
    ) -> _Frame:
        rect = self._render_rect(view, sx)
        image, anchor = render_ops(self._sources, rect, sx, sy, dpr)
        self.renders += 1
        self.sync_renders += 1
        self._frame = _Frame(image, sx, sy, anchor, rect, self._generation)
        return self._frame

    def _request(self, view: QRectF, sx: float, sy: float, dpr: float) -> None:
        """Ask for an image of `view` (plus margin) at this scale, once the view has been
        still for `RENDER_DELAY_MS`; only the latest request is kept.

        The delay matters: PySide6 holds the GIL inside `QPainter.drawPath`, so a render on
        the worker slows the GUI thread's Python while it runs. Rendering only when a pan or
        a wheel zoom pauses keeps that off the gesture itself."""
        with self._lock:
            self._pending = (QRectF(view), sx, sy, dpr)
        self._delay.start()

    def _on_delay(self) -> None:
        with self._lock:
            if self._future is None:
                self._submit_pending()

    def _submit_pending(self) -> None:  # holds self._lock
        if self._pending is None:
            return
        view, sx, sy, dpr = self._pending
        self._pending = None
        rect = self._render_rect(view, sx)
        sources, generation = self._sources, self._generation
        if self._executor is None:
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="map-raster")
            self._executor = executor
            # An item deleted without shutdown() (its plot went away) stops its thread too.
            self.destroyed.connect(lambda *_: executor.shutdown(wait=False, cancel_futures=True))

        def work() -> _Frame:
            image, anchor = render_ops(sources, rect, sx, sy, dpr)
            return _Frame(image, sx, sy, anchor, rect, generation)

        future = self._executor.submit(work)
        self._future = future
        bridge = self._bridge  # not self: the callback must not touch the item

        def done(f: Future[_Frame]) -> None:  # worker thread (or here, if already done)
            frame = None if f.cancelled() or f.exception() is not None else f.result()
            bridge.rendered.emit((f, frame))

        future.add_done_callback(done)

    def _take_frame(self, payload: object) -> None:  # GUI thread
        future, frame = payload  # type: ignore[misc]
        with self._lock:
            if future is not self._future:
                return  # already taken by settle()
            self._future = None
            if self._pending is not None:
                self._delay.start()
        if frame is not None:
            self._accept(frame)
        elif not future.cancelled() and future.exception() is not None:
            log.error("map layer rendering failed", exc_info=future.exception())

    def _accept(self, frame: _Frame) -> None:
        if frame.generation != self._generation:
            return  # the data changed since; a newer render is queued or will be
        self.renders += 1
        self._frame = frame
        self.update()

    def settle(self, timeout: float = 30.0) -> None:
        """Start the render that waits for the view to be still, wait for the renders in
        flight, and show them."""
        self._delay.stop()
        for _ in range(3):
            with self._lock:
                if self._future is None:
                    self._submit_pending()
                future = self._future
            if future is None:
                return
            frame = future.result(timeout)
            with self._lock:
                if future is self._future:
                    self._future = None
            self._accept(frame)

    @property
    def busy(self) -> bool:
        return self._future is not None

    def shutdown(self) -> None:
        """Stop the worker thread (the item is going away)."""
        self._delay.stop()
        with self._lock:
            self._pending = None
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        self._future = None


def _contains(outer: QRectF, inner: QRectF) -> bool:
    return (
        outer.left() <= inner.left()
        and outer.right() >= inner.right()
        and outer.top() <= inner.top()
        and outer.bottom() >= inner.bottom()
    )


def _image_data_rect(frame: _Frame) -> QRectF:
    w = frame.image.width() / frame.image.devicePixelRatio()
    h = frame.image.height() / frame.image.devicePixelRatio()
    corner = QPointF(frame.anchor.x() + w / frame.sx, frame.anchor.y() + h / frame.sy)
    return QRectF(frame.anchor, corner).normalized()
