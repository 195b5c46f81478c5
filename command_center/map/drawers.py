"""Drawers: one batched pyqtgraph item (or a fixed few) per map layer, in Web Mercator metres.

Each drawer subscribes to its layer's events (`changed`, `data_changed`, `feature_changed`)
and redraws only what an event names. `DRAWERS` maps a layer's `kind` to its drawer class,
so the scene never switches on types (napari's ``_vispy/utils/visual.py``). The number of
graphics items does not grow with the number of features: 50,000 grid cells are one outline
curve and one fill item, 10,000 cases are one scatter item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen

from command_center.domain.catalogue import CaseKind
from command_center.domain.deadline_state import DeadlineState, deadline_state
from command_center.domain.workflow import PAUSED_STATES
from command_center.map.layers import (
    CameraLayer,
    CaseLayer,
    DistrictLayer,
    Layer,
    RiverLayer,
    SquadLayer,
    UnitGridLayer,
)
from command_center.map.projection import project, project_rings
from command_center.services.snapshot import CaseRow

__all__ = [
    "CHOROPLETH_COLORS",
    "DEADLINE_COLORS",
    "DRAWERS",
    "SQUAD_STATUS_COLORS",
    "CameraDrawer",
    "CaseDrawer",
    "DistrictDrawer",
    "Drawer",
    "PathsItem",
    "RiverDrawer",
    "SquadDrawer",
    "UnitGridDrawer",
    "case_kind",
]

Clock = Callable[[], datetime]

DEADLINE_COLORS: dict[DeadlineState, str] = {
    DeadlineState.ON_TIME: "#3ddc84",
    DeadlineState.DUE_SOON: "#ffb020",
    DeadlineState.OVERDUE: "#ff3b3b",
    DeadlineState.PAUSED: "#8899aa",
    DeadlineState.NONE: "#2fa8ff",
}
SQUAD_STATUS_COLORS: dict[str, str] = {
    "available": "#3ddc84",
    "busy": "#ffb020",
    "off_duty": "#8899aa",
}
# Seven sequential buckets, light → dark (ColorBrewer YlOrRd).
CHOROPLETH_COLORS = (
    "#ffffb2",
    "#fed976",
    "#feb24c",
    "#fd8d3c",
    "#fc4e2a",
    "#e31a1c",
    "#b10026",
)
_PAUSED = frozenset(s.value for s in PAUSED_STATES)
_Z_STEP = 10  # z of layer i is i * _Z_STEP + the item's index within the drawer


def case_kind(category_code: str) -> CaseKind:
    """Components (部件) have 4-digit subclass codes, events (事件) 6-digit ones."""
    return CaseKind.COMPONENT if len(category_code) == 4 else CaseKind.EVENT


class PathsItem(pg.GraphicsObject):
    """Filled paths, one brush each, drawn by one graphics item (a choropleth, district fill).

    The paths are built once per data change; the item is cached in device coordinates,
    so a repaint or pan that does not change the scale blits the cached pixels.
    """

    def __init__(self) -> None:
        super().__init__()
        self._paths: list[tuple[QPainterPath, QBrush]] = []
        self._bounds = QRectF()
        self._pen = QPen(Qt.PenStyle.NoPen)
        self.setCacheMode(self.CacheMode.DeviceCoordinateCache)

    def set_paths(self, paths: Iterable[tuple[QPainterPath, QBrush]]) -> None:
        self.prepareGeometryChange()
        self._paths = [(p, b) for p, b in paths if not p.isEmpty()]
        bounds = QRectF()
        for path, _ in self._paths:
            bounds = bounds.united(path.boundingRect())
        self._bounds = bounds
        self.update()

    @property
    def path_count(self) -> int:
        return len(self._paths)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        return self._bounds

    def paint(self, painter, option, widget=None) -> None:  # noqa: ANN001 (Qt API)
        painter.setPen(self._pen)
        for path, brush in self._paths:
            painter.setBrush(brush)
            painter.drawPath(path)


def _rings_path(rings: Iterable[Any]) -> QPainterPath:
    x, y = project_rings(rings)
    if len(x) == 0:
        return QPainterPath()
    path = pg.arrayToQPath(x, y, connect="finite")
    path.setFillRule(Qt.FillRule.OddEvenFill)
    return path


def _curve(color: str, width: float = 1.0) -> pg.PlotCurveItem:
    return pg.PlotCurveItem(pen=pg.mkPen(color, width=width), connect="finite", antialias=False)


class Drawer:
    """Draws one layer with a fixed set of graphics items; subclasses fill in `_rebuild`."""

    kind: ClassVar[str] = ""

    def __init__(self, layer: Layer, *, clock: Clock = datetime.now) -> None:
        self.layer = layer
        self.clock = clock
        self.items: list[pg.GraphicsObject] = self._make_items()
        self._host: Any = None
        self._z = 0
        self.rebuilds = 0  # full rebuilds so far (tests count them)
        layer.changed.connect(self._on_changed)
        layer.data_changed.connect(self._on_data_changed)
        layer.feature_changed.connect(self._on_feature_changed)
        self._rebuild()
        self._apply_display()

    # -- plumbing shared by all drawers

    def _make_items(self) -> list[pg.GraphicsObject]:
        raise NotImplementedError

    def _rebuild(self) -> None:
        raise NotImplementedError

    def _update_feature(self, key: int) -> None:
        self._full_rebuild()

    def attach(self, host: Any) -> None:
        """Add the items to a pyqtgraph `PlotItem` or `ViewBox`."""
        if self._host is not None:
            raise RuntimeError(f"drawer for {self.layer.name!r} is already attached")
        self._host = host
        for item in self.items:
            host.addItem(item)

    def detach(self) -> None:
        """Take the items off the plot and stop listening to the layer."""
        if self._host is not None:
            for item in self.items:
                self._host.removeItem(item)
            self._host = None
        for signal, slot in (
            (self.layer.changed, self._on_changed),
            (self.layer.data_changed, self._on_data_changed),
            (self.layer.feature_changed, self._on_feature_changed),
        ):
            try:
                signal.disconnect(slot)
            except ValueError:  # already detached
                pass

    def set_z(self, index: int) -> None:
        """Stack the items as the layer at position `index` of the list."""
        self._z = index
        for i, item in enumerate(self.items):
            item.setZValue(index * _Z_STEP + i)

    def hit(self, x: float, y: float, tolerance: float) -> tuple[int, float] | None:
        """(feature id, distance) of the nearest feature within `tolerance` metres, if any."""
        return None

    def _apply_display(self) -> None:
        for item in self.items:
            item.setVisible(self.layer.visible)
            item.setOpacity(self.layer.opacity)

    def _full_rebuild(self) -> None:
        self.rebuilds += 1
        self._rebuild()

    def _on_changed(self, layer: Layer, prop: str) -> None:
        self._apply_display()

    def _on_data_changed(self, layer: Layer) -> None:
        self._full_rebuild()

    def _on_feature_changed(self, layer: Layer, key: int) -> None:
        self._update_feature(key)


class DistrictDrawer(Drawer):
    """District outlines (one NaN-separated curve) over a faint fill (one cached path)."""

    kind = "districts"
    layer: DistrictLayer

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.fill = PathsItem()
        self.outline = _curve("#5fb3ff", 2.0)
        return [self.fill, self.outline]

    def _rebuild(self) -> None:
        rings = [r for d in self.layer.districts for r in d.rings]
        x, y = project_rings(rings)
        self.outline.setData(x, y, connect="finite")
        self.fill.set_paths([(_rings_path(rings), QBrush(QColor(47, 168, 255, 28)))])


class RiverDrawer(Drawer):
    """River centre lines: one NaN-separated curve."""

    kind = "river"
    layer: RiverLayer

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.curve = _curve("#3a7bd5", 3.0)
        return [self.curve]

    def _rebuild(self) -> None:
        x, y = project_rings(self.layer.lines)
        self.curve.setData(x, y, connect="finite")


class UnitGridDrawer(Drawer):
    """Unit grids: the choropleth (one `PathsItem`, a path per colour bucket) under all the
    outlines (one NaN-separated curve)."""

    kind = "unit_grids"
    layer: UnitGridLayer

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.fill = PathsItem()
        self.outline = _curve("#3b4a5c", 1.0)
        return [self.fill, self.outline]

    def _rebuild(self) -> None:
        cells = self.layer.cells
        x, y = project_rings(cells.values())
        self.outline.setData(x, y, connect="finite")
        values = self.layer.values
        value_range = self.layer.value_range()
        if value_range is None:
            self.fill.set_paths([])
            return
        lo, hi = value_range
        n = len(CHOROPLETH_COLORS)
        buckets: list[list[Any]] = [[] for _ in range(n)]
        span = hi - lo
        for code, value in values.items():
            i = 0 if span == 0 else min(int((value - lo) / span * n), n - 1)
            buckets[i].append(cells[code])
        self.fill.set_paths(
            (_rings_path(rings), QBrush(QColor(color)))
            for rings, color in zip(buckets, CHOROPLETH_COLORS, strict=True)
            if rings
        )


class _PointsDrawer(Drawer):
    """Features drawn as spots of one `ScatterPlotItem`, with an id → index map so one
    feature's change touches only its spot."""

    size: ClassVar[float] = 10.0

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.scatter = pg.ScatterPlotItem(
            pxMode=True, size=self.size, pen=pg.mkPen("#0b1320", width=1), antialias=False
        )
        self.ids = np.empty(0, dtype=np.int64)
        self.index: dict[int, int] = {}
        return [self.scatter]

    def _rows(self) -> dict[int, Any]:
        raise NotImplementedError

    def _style(self, row: Any) -> tuple[str, QBrush]:
        raise NotImplementedError

    def _place(self, row: Any) -> tuple[float, float] | None:
        if row.lon is None or row.lat is None:
            return None
        x, y = project([row.lon], [row.lat])
        return float(x[0]), float(y[0])

    def _rebuild(self) -> None:
        rows = [r for r in self._rows().values() if r.lon is not None and r.lat is not None]
        self.ids = np.array([r.id for r in rows], dtype=np.int64)
        self.index = {int(i): n for n, i in enumerate(self.ids)}
        if rows:
            x, y = project([r.lon for r in rows], [r.lat for r in rows])
        else:
            x, y = np.empty(0), np.empty(0)
        styles = [self._style(r) for r in rows]
        self.scatter.setData(
            x=x,
            y=y,
            symbol=[s for s, _ in styles],
            brush=[b for _, b in styles],
        )

    def _update_feature(self, key: int) -> None:
        row = self._rows().get(key)
        n = self.index.get(key)
        where = None if row is None else self._place(row)
        if n is None or where is None:  # added, removed or lost its position: the count changes
            self._full_rebuild()
            return
        data = self.scatter.data
        symbol, brush = self._style(row)
        moved = (data["x"][n], data["y"][n]) != where
        data["x"][n], data["y"][n] = where
        data["symbol"][n] = symbol
        data["brush"][n] = brush
        data["sourceRect"][n] = (0, 0, 0, 0)  # the atlas fragment is looked up again
        self.scatter.updateSpots(data[n : n + 1])
        if moved:
            self.scatter.invalidate()  # the bounds may have changed
        else:
            self.scatter.update()

    def hit(self, x: float, y: float, tolerance: float) -> tuple[int, float] | None:
        if not self.layer.visible or len(self.ids) == 0:
            return None
        data = self.scatter.data
        d = np.hypot(data["x"] - x, data["y"] - y)
        n = int(np.argmin(d))
        if d[n] > tolerance:
            return None
        return int(self.ids[n]), float(d[n])


class CameraDrawer(_PointsDrawer):
    kind = "cameras"
    layer: CameraLayer
    size = 8.0

    def __init__(self, layer: Layer, *, clock: Clock = datetime.now) -> None:
        self._on = QBrush(QColor("#c792ea"))
        self._off = QBrush(QColor("#55606e"))
        super().__init__(layer, clock=clock)

    def _rows(self) -> dict[int, Any]:
        return dict(self.layer.cameras)

    def _style(self, row: Any) -> tuple[str, QBrush]:
        return "s", self._on if row.enabled else self._off


class CaseDrawer(_PointsDrawer):
    """Cases: colour by deadline state, symbol by kind (component ◆, event ●)."""

    kind = "cases"
    layer: CaseLayer
    size = 11.0

    def __init__(self, layer: Layer, *, clock: Clock = datetime.now) -> None:
        self._brushes = {s: QBrush(QColor(c)) for s, c in DEADLINE_COLORS.items()}
        super().__init__(layer, clock=clock)

    def _rows(self) -> dict[int, Any]:
        return self.layer.cases  # type: ignore[return-value]

    def state_of(self, row: CaseRow) -> DeadlineState:
        """The deadline state at the drawer's clock; the server's overdue flag (which counts
        working hours) also makes a running case overdue."""
        state = deadline_state(row.deadline_at, self.clock(), paused=row.state in _PAUSED)
        if row.overdue and state is not DeadlineState.PAUSED:
            return DeadlineState.OVERDUE
        return state

    def _style(self, row: CaseRow) -> tuple[str, QBrush]:
        symbol = "d" if case_kind(row.category_code) is CaseKind.COMPONENT else "o"
        return symbol, self._brushes[self.state_of(row)]


class SquadDrawer(_PointsDrawer):
    """Squads: one spot each, coloured by status, over all trails as one NaN-separated curve."""

    kind = "squads"
    layer: SquadLayer
    size = 12.0

    def __init__(self, layer: Layer, *, clock: Clock = datetime.now) -> None:
        self._brushes = {s: QBrush(QColor(c)) for s, c in SQUAD_STATUS_COLORS.items()}
        self._other = QBrush(QColor("#ffffff"))
        self._trail_xy: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        super().__init__(layer, clock=clock)

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.trails = _curve("#ffd166", 1.5)
        return [self.trails, *super()._make_items()]

    def _rows(self) -> dict[int, Any]:
        return dict(self.layer.squads)

    def _style(self, row: Any) -> tuple[str, QBrush]:
        return "t", self._brushes.get(row.status, self._other)

    def _rebuild(self) -> None:
        super()._rebuild()
        self._trail_xy = {i: self._project_trail(i) for i in self.layer.squads}
        self._set_trails()

    def _update_feature(self, key: int) -> None:
        super()._update_feature(key)
        if key in self.layer.squads:  # only this squad's trail is projected again
            self._trail_xy[key] = self._project_trail(key)
        else:
            self._trail_xy.pop(key, None)
        self._set_trails()

    def _project_trail(self, squad_id: int) -> tuple[np.ndarray, np.ndarray]:
        return project_rings([[(lon, lat) for _, lon, lat in self.layer.trail(squad_id)]])

    def _set_trails(self) -> None:
        parts = [xy for xy in self._trail_xy.values() if len(xy[0])]
        if parts:
            x = np.concatenate([p[0] for p in parts])
            y = np.concatenate([p[1] for p in parts])
        else:
            x, y = np.empty(0), np.empty(0)
        self.trails.setData(x, y, connect="finite")


DRAWERS: dict[str, type[Drawer]] = {
    cls.kind: cls
    for cls in (
        DistrictDrawer,
        RiverDrawer,
        UnitGridDrawer,
        CameraDrawer,
        CaseDrawer,
        SquadDrawer,
    )
}
