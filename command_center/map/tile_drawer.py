"""`TileDrawer`: background map tiles under the vector layers, loaded off the GUI thread.

Whenever the view moves, the drawer works out the tile zoom for the screen's resolution
(device pixels, clamped to the source's zoom range), the tiles covering the view *in the
source's datum*, and asks a small pool of worker threads for the ones it does not hold.
A worker fetches the bytes (`TileSource.fetch`) and decodes them into a `QImage` (fine off
the GUI thread; a `QPixmap` is not); the result comes back to the GUI thread through a
queued Qt signal and lands in an in-memory LRU of decoded tiles.

* Progressive: while a tile is missing, the matching part of its nearest loaded ancestor is
  drawn, scaled up.
* Bounded: at most `workers` fetches run at once and nothing else is queued; what is still
  wanted is recomputed on every view change, so tiles the view has moved away from are never
  started (the few already running finish into the cache).
* Datum at the edge: a GCJ-02/BD-09 source is asked for the tiles under the view box
  converted into its datum, and its tiles are drawn shifted back by the local offset (in
  Mercator metres, measured at the view's centre), so WGS-84 vectors sit on its streets.
* Failures (TileError, timeouts, bytes that are not an image, a source name that is not
  configured) never raise into the GUI: they are counted (`failures`), kept in `last_error`
  and announced in plain words through `signals.notice`. The vectors keep drawing.

`MapScene` builds drawers as ``cls(layer, clock=...)``; bind the sources to a class with
``TileDrawer.with_sources(mapping)`` and register that class under ``"tiles"``.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter

from command_center.domain import geo
from command_center.domain.geo import CRS
from command_center.map.drawers import Drawer
from command_center.map.layers import Layer, TileLayer
from command_center.map.projection import zoom_for_resolution
from command_center.map.tiles import (
    TileError,
    TileKey,
    TileSource,
    tiles_for_view,
    view_box_in_source_datum,
)

__all__ = ["TileDrawer", "TileItem", "TileSignals", "decode_tile", "mercator_offset"]

MAX_VISIBLE_TILES = 256  # more than this (zoomed far out of the source's range): draw none
MAX_ANCESTOR_LEVELS = 8  # a stand-in is at most 256× enlarged
RETRY_FAILED_AFTER_S = 30.0  # a tile that failed is asked for again after this long
DEFAULT_WORKERS = 4  # fetches are I/O-bound: a few at once even on two cores
DEFAULT_CACHED_TILES = 384  # decoded 256 px ARGB tiles: 256 KiB each, ~96 MiB at most

Clock = Callable[[], datetime]
_Plan = list[tuple[QRectF, QImage, QRectF]]  # (target in view metres, image, source rect)


class TileSignals(QObject):
    """What the tile drawer tells the rest of the application.

    Signals:
        notice(str): a tile source fails or is not available, in plain words (which source,
            why); sent once per source until it delivers a tile again.
        tiles_changed(): a tile arrived and the drawn picture changed.
    """

    notice = Signal(str)
    tiles_changed = Signal()


class _Bridge(QObject):
    """Lives in the GUI thread; workers emit on it, so delivery is queued to the GUI thread."""

    delivered = Signal(object)  # a _Result
    refresh_later = Signal()  # coalesces view changes into one refresh per event-loop turn
    noticed = Signal(str)  # re-sent queued, so a listener connected just after creation hears it


@dataclass(frozen=True)
class _Result:
    source_name: str
    key: TileKey
    image: QImage | None  # None: the source has no tile here (or `error` is set)
    error: str | None = None


def decode_tile(source_name: str, key: TileKey, data: bytes) -> QImage:
    """Decode tile bytes into an image ready to draw; TileError if they are not an image."""
    image = QImage.fromData(data)
    if image.isNull():
        raise TileError(
            f"{source_name} tile {key.z}/{key.x}/{key.y}: the {len(data)} bytes received "
            f"do not decode as an image (they start with {data[:16]!r})"
        )
    return image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


def _load(source: TileSource, source_name: str, key: TileKey) -> _Result:
    """Fetch and decode one tile (on a worker thread); every failure becomes a message."""
    try:
        data = source.fetch(key)
        if data is None:
            return _Result(source_name, key, None)
        return _Result(source_name, key, decode_tile(source_name, key, data))
    except TileError as exc:
        return _Result(source_name, key, None, str(exc))
    except Exception as exc:  # a broken source must not take the loader down
        return _Result(
            source_name,
            key,
            None,
            f"{source_name} tile {key.z}/{key.x}/{key.y}: {type(exc).__name__}: {exc}",
        )


def mercator_offset(lon: float, lat: float, datum: CRS | str) -> tuple[float, float]:
    """Web Mercator metres (east, north) from a WGS-84 point to where it appears on the
    imagery of a `datum` source. Like `tiles.source_offset_m`, but in the canvas's Mercator
    metres rather than ground metres (about 1/cos φ larger)."""
    datum = CRS(datum)
    if datum == CRS.WGS84:
        return 0.0, 0.0
    slon, slat = geo.convert(lon, lat, CRS.WGS84, datum)
    x0, y0 = geo.lonlat_to_mercator(lon, lat)
    x1, y1 = geo.lonlat_to_mercator(slon, slat)
    return x1 - x0, y1 - y0


def _ancestor(key: TileKey, levels: int) -> tuple[TileKey, tuple[float, float, float, float]]:
    """The tile `levels` zooms up that holds `key`, and the fractions (x0, y0, w, h) of that
    tile's image `key` covers (y downwards), as `tiles.child_rect_in_parent` for one level."""
    n = 1 << levels
    up = TileKey(key.z - levels, key.x >> levels, key.y >> levels)
    return up, ((key.x - (up.x << levels)) / n, (key.y - (up.y << levels)) / n, 1 / n, 1 / n)


class TileItem(pg.GraphicsObject):
    """Draws a precomputed plan of tile images; tells its owner when the view range changes.

    It takes no part in auto-range (`dataBounds` is None), so tiles never widen the view.
    """

    def __init__(self, on_view_changed: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._on_view_changed = on_view_changed
        self._plan: _Plan = []
        self._bounds = QRectF()
        self.paints = 0  # paint calls so far (tests count them)

    def set_plan(self, plan: _Plan) -> None:
        self.prepareGeometryChange()
        self._plan = plan
        bounds = QRectF()
        for target, _, _ in plan:
            bounds = bounds.united(target)
        self._bounds = bounds
        self.update()

    @property
    def plan(self) -> _Plan:
        return self._plan

    def viewRangeChanged(self) -> None:  # noqa: N802 (pyqtgraph API)
        if self._on_view_changed is not None:
            self._on_view_changed()

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> None:  # noqa: N802, N803
        return None

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        return self._bounds

    def paint(self, painter: QPainter, option: Any, widget: Any = None) -> None:
        self.paints += 1
        if not self._plan:
            return
        # Map each tile to device pixels and snap its edges to whole pixels, so neighbouring
        # tiles meet without seams; device y runs down, like the images.
        to_device = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        for target, image, source in self._plan:
            r = to_device.mapRect(target)
            snapped = QRectF(
                QPointF(round(r.left()), round(r.top())),
                QPointF(round(r.right()), round(r.bottom())),
            )
            painter.drawImage(snapped, image, source)
        painter.restore()


class TileDrawer(Drawer):
    """Draws a `TileLayer` from the source its name resolves to in `sources`.

    Attributes the rest of the application reads: `signals` (see `TileSignals`),
    `last_error` (the latest failure in plain words, or None), `failures` (count so far),
    `source` (the resolved `TileSource`, or None), `zoom` and `visible_tiles` (what the
    current view needs) and `complete` (every visible tile is loaded, empty or failed).
    """

    kind = "tiles"
    layer: TileLayer

    sources: ClassVar[Mapping[str, TileSource]] = {}
    unavailable: ClassVar[Mapping[str, str]] = {}
    shared_signals: ClassVar[TileSignals | None] = None

    @classmethod
    def with_sources(
        cls,
        sources: Mapping[str, TileSource],
        *,
        unavailable: Mapping[str, str] | None = None,
        signals: TileSignals | None = None,
    ) -> type[TileDrawer]:
        """A subclass bound to `sources` (name → source), for `MapScene`'s drawer mapping.

        `unavailable` (name → reason) names configured sources that could not be built, so
        the notice says why; `signals`, if given, is shared by every drawer of the class, so
        a window can connect to `notice` before any drawer exists.
        """
        return type(
            cls.__name__,
            (cls,),
            {
                "sources": dict(sources),
                "unavailable": dict(unavailable or {}),
                "shared_signals": signals,
                "__module__": cls.__module__,
            },
        )

    def __init__(
        self,
        layer: Layer,
        *,
        clock: Clock = datetime.now,
        sources: Mapping[str, TileSource] | None = None,
        workers: int = DEFAULT_WORKERS,
        cached_tiles: int = DEFAULT_CACHED_TILES,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        if cached_tiles < 1:
            raise ValueError(f"cached_tiles must be at least 1, got {cached_tiles}")
        self._sources = dict(self.sources if sources is None else sources)
        shared = self.shared_signals
        self.signals = shared if shared is not None else TileSignals()
        self._bridge = _Bridge()
        self._bridge.delivered.connect(self._on_delivered, Qt.ConnectionType.QueuedConnection)
        self._bridge.noticed.connect(self.signals.notice, Qt.ConnectionType.QueuedConnection)
        self._bridge.refresh_later.connect(self._refresh, Qt.ConnectionType.QueuedConnection)
        self._refresh_pending = False
        self._workers = workers
        self._capacity = cached_tiles
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False
        self._images: OrderedDict[tuple[str, TileKey], QImage | None] = OrderedDict()
        self._failed: dict[tuple[str, TileKey], float] = {}
        self._in_flight: set[tuple[str, TileKey]] = set()
        self._wanted: list[TileKey] = []
        self._noticed: set[str] = set()  # sources whose failure was announced
        self.source: TileSource | None = None
        self.source_name: str | None = None
        self.zoom: int | None = None
        self.visible_tiles: tuple[TileKey, ...] = ()
        self._visible_set: frozenset[TileKey] = frozenset()
        self._offset = (0.0, 0.0)
        self.last_error: str | None = None
        self.failures = 0
        self.started = 0  # fetches handed to the workers so far (tests count them)
        super().__init__(layer, clock=clock)

    # -- Drawer hooks

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.item = TileItem(self._on_view_changed)
        self.item.destroyed.connect(self._on_item_destroyed)
        return [self.item]

    def _rebuild(self) -> None:
        """The layer's source changed (or the drawer is new): resolve it and start over."""
        name = self.layer.source
        self._wanted = []
        self._noticed.clear()  # choosing a failing source again announces it again
        self.source_name = name
        self.source = None
        if name is not None:
            self.source = self._sources.get(name)
            if self.source is None:
                if name in self.unavailable:
                    why = f"is not available: {self.unavailable[name]}"
                else:
                    known = ", ".join(repr(n) for n in sorted(self._sources)) or "none"
                    why = f"is not configured (configured sources: {known})"
                self._report(name, f"Map tile source {name!r} {why}. No background tiles.")
        self._schedule_refresh()

    def _on_changed(self, layer: Layer, prop: str) -> None:
        super()._on_changed(layer, prop)
        if prop == "visible":
            self._schedule_refresh()

    def detach(self) -> None:
        super().detach()
        self.close()

    # -- public

    @property
    def complete(self) -> bool:
        """Every tile the current view needs is loaded, known empty, or failed."""
        name = self.source_name
        return (
            not self._refresh_pending
            and not self._wanted
            and all(
                (name, k) not in self._in_flight
                and ((name, k) in self._images or (name, k) in self._failed)
                for k in self.visible_tiles
            )
        )

    @property
    def in_flight(self) -> int:
        """Fetches running on the workers now."""
        return len(self._in_flight)

    @property
    def queued(self) -> int:
        """Tiles wanted for the current view but not yet handed to a worker."""
        return len(self._wanted)

    def close(self, *, wait: bool = False) -> None:
        """Stop loading: nothing new starts, results still on their way are dropped."""
        self._closed = True
        self._wanted = []
        if self._executor is not None:
            self._executor.shutdown(wait=wait, cancel_futures=True)

    # -- working out the view

    def _on_item_destroyed(self, *args: object) -> None:
        self.close()

    def _on_view_changed(self) -> None:
        self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        """Refresh once the event loop turns: a drag's many range changes (and the canvas's
        placeholder range before it is pointed somewhere) cost one refresh, and no fetch."""
        if not self._refresh_pending and not self._closed:
            self._refresh_pending = True
            self._bridge.refresh_later.emit()

    def _view(self) -> tuple[float, float, float, float, float] | None:
        """(x0, y0, x1, y1, Mercator metres per device pixel) of the view, or None."""
        view_box = self.item.getViewBox()
        if view_box is None:
            return None
        (x0, x1), (y0, y1) = view_box.viewRange()
        widget = self.item.getViewWidget()
        ratio = widget.devicePixelRatioF() if widget is not None else 1.0
        width_px = view_box.width() * ratio
        if not (width_px > 0 and x1 > x0 and y1 > y0):
            return None
        m_per_px = (x1 - x0) / width_px
        if not math.isfinite(m_per_px) or m_per_px <= 0:
            return None
        return x0, y0, x1, y1, m_per_px

    def _refresh(self) -> None:
        """Recompute the tiles the view needs, redraw from what is held, fetch the rest."""
        self._refresh_pending = False
        if self._closed:
            return  # closed (its item may already be deleted): nothing to draw on
        source = self.source
        view = self._view() if source is not None and self.layer.visible else None
        if source is None or view is None or self._closed:
            self.zoom = None
            self.visible_tiles = ()
            self._visible_set = frozenset()
            self._wanted = []
            self.item.set_plan([])
            return
        x0, y0, x1, y1, m_per_px = view
        half = geo.MERCATOR_HALF_WORLD_M
        x0, x1 = max(x0, -half), min(x1, half)
        y0, y1 = max(y0, -half), min(y1, half)
        if x0 >= x1 or y0 >= y1:  # the view is off the world
            keys: list[TileKey] = []
            zoom = None
        else:
            zoom = round(zoom_for_resolution(m_per_px))  # Mercator m/px is the equator's
            zoom = min(max(zoom, source.min_zoom), source.max_zoom)
            west, south = geo.mercator_to_lonlat(x0, y0)
            east, north = geo.mercator_to_lonlat(x1, y1)
            box = view_box_in_source_datum(west, south, east, north, source.datum)
            keys = tiles_for_view(*box, zoom)
            if len(keys) > MAX_VISIBLE_TILES:  # zoomed far out of what the source offers
                keys = []
            clon, clat = geo.mercator_to_lonlat((x0 + x1) / 2, (y0 + y1) / 2)
            self._offset = mercator_offset(clon, clat, source.datum)
            cx, cy = geo.lonlat_to_tile(*geo.convert(clon, clat, CRS.WGS84, source.datum), zoom)
            keys.sort(key=lambda k: (k.x - cx) ** 2 + (k.y - cy) ** 2)  # centre first
        self.zoom = zoom
        self.visible_tiles = tuple(keys)
        self._visible_set = frozenset(keys)
        self._replan()
        now = time.monotonic()
        name = self.source_name
        self._wanted = [
            k
            for k in keys
            if (name, k) not in self._images
            and (name, k) not in self._in_flight
            and now - self._failed.get((name, k), -math.inf) >= RETRY_FAILED_AFTER_S
        ]
        self._pump()

    def _replan(self) -> None:
        """Give the item what to draw from the tiles held now (loaded or a stand-in)."""
        name = self.source_name
        source = self.source
        if source is None:
            self.item.set_plan([])
            return
        dx, dy = self._offset
        plan: _Plan = []
        for key in self.visible_tiles:
            left, bottom, right, top = geo.tile_bounds_mercator(key.x, key.y, key.z)
            target = QRectF(left - dx, bottom - dy, right - left, top - bottom)
            if self._held((name, key)):
                image = self._images[(name, key)]
                if image is not None:  # None: the source has no tile here
                    plan.append((target, image, QRectF(image.rect())))
                continue
            levels = min(MAX_ANCESTOR_LEVELS, key.z - source.min_zoom)
            for up in range(1, levels + 1):
                anc, (fx, fy, fw, fh) = _ancestor(key, up)
                if not self._held((name, anc)):
                    continue
                image = self._images[(name, anc)]
                if image is not None:
                    w, h = image.width(), image.height()
                    plan.append((target, image, QRectF(fx * w, fy * h, fw * w, fh * h)))
                break
        self.item.set_plan(plan)

    def _held(self, k: tuple[Any, TileKey]) -> bool:
        """Whether a tile (or the knowledge that it is empty) is held; marks it recently used."""
        if k not in self._images:
            return False
        self._images.move_to_end(k)
        return True

    # -- loading

    def _pump(self) -> None:
        """Hand wanted tiles to the workers while fewer than `workers` fetches run."""
        source, name = self.source, self.source_name
        if source is None or name is None or self._closed:
            return
        while self._wanted and len(self._in_flight) < self._workers:
            key = self._wanted.pop(0)
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="tiles")
            self._in_flight.add((name, key))
            self.started += 1
            self._executor.submit(_load_and_deliver, self._bridge, source, name, key)

    def _on_delivered(self, result: _Result) -> None:
        k = (result.source_name, result.key)
        self._in_flight.discard(k)
        if self._closed:
            return
        if result.error is not None:
            self.failures += 1
            self._failed[k] = time.monotonic()
            self._report(
                result.source_name,
                f"Map tiles from {result.source_name!r} are failing: {result.error}. "
                "The map still works without them; the tiles are tried again later.",
            )
        else:
            self._failed.pop(k, None)
            self._noticed.discard(result.source_name)
            self._images[k] = result.image
            self._images.move_to_end(k)
            while len(self._images) > self._capacity:
                self._images.popitem(last=False)
            if result.source_name == self.source_name and self._shows(result.key):
                self._replan()
                self.signals.tiles_changed.emit()
        self._pump()

    def _shows(self, key: TileKey) -> bool:
        """Whether `key` is visible now, or an ancestor of a visible tile."""
        if key in self._visible_set:
            return True
        if self.zoom is None or key.z >= self.zoom:
            return False
        shift = self.zoom - key.z
        return any((k.x >> shift, k.y >> shift) == (key.x, key.y) for k in self._visible_set)

    def _report(self, source_name: str, message: str) -> None:
        """Keep the failure in `last_error`; announce it once per source until it recovers."""
        self.last_error = message
        if source_name not in self._noticed:
            self._noticed.add(source_name)
            self._bridge.noticed.emit(message)


def _load_and_deliver(bridge: _Bridge, source: TileSource, name: str, key: TileKey) -> None:
    """The worker's job: load one tile and post the result to the GUI thread."""
    result = _load(source, name, key)
    try:
        bridge.delivered.emit(result)
    except RuntimeError:  # the bridge is gone: the drawer was closed and collected
        pass
