"""Drawers: one batched pyqtgraph item (or a fixed few) per map layer, in Web Mercator metres.

Each drawer subscribes to its layer's events (`changed`, `data_changed`, `feature_changed`)
and redraws only what an event names. `DRAWERS` maps a layer's `kind` to its drawer class,
so the scene never switches on types (napari's ``_vispy/utils/visual.py``). The number of
graphics items does not grow with the number of features: 50,000 grid cells are one outline
curve and one fill item, 10,000 cases are one scatter item.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QTransform

from command_center.domain.cameras import DEFAULT_RANGE_M
from command_center.domain.catalogue import CaseKind
from command_center.domain.deadline_state import DeadlineState, deadline_state
from command_center.domain.workflow import PAUSED_STATES
from command_center.map.cluster import ClusterItem, Clusters, cluster_points
from command_center.map.labels import LabelItem
from command_center.map.layers import (
    CameraLayer,
    CaseLayer,
    DistrictLayer,
    Layer,
    RegistryLayer,
    ResponsibilityGridLayer,
    RiverLayer,
    SquadLayer,
    UnitGridLayer,
)
from command_center.map.packed import PackedRings
from command_center.map.palette import (
    CHOROPLETH_COLORS,
    DEADLINE_COLORS,
    OVERDUE_COLORS,
    SQUAD_STATUS_COLORS,
)
from command_center.map.projection import project, project_rings
from command_center.map.raster import PathOp, RasterSource
from command_center.services.snapshot import CaseRow, SquadRow

__all__ = [
    "CHOROPLETH_COLORS",
    "DEADLINE_COLORS",
    "DRAWERS",
    "SQUAD_STATUS_COLORS",
    "CameraDrawer",
    "CaseDrawer",
    "DistrictDrawer",
    "Drawer",
    "RegistryDrawer",
    "RiverDrawer",
    "SquadDrawer",
    "UnitGridDrawer",
    "case_kind",
]

Clock = Callable[[], datetime]


# The theme's district colours (ui.theme.PALETTE.district_line / district_fill).
DISTRICT_LINE = "#38c6ff"
DISTRICT_FILL = "#0f2a40"
_PAUSED = frozenset(s.value for s in PAUSED_STATES)
CHOROPLETH_ALPHA = 0.75  # how strongly the choropleth covers the district fill under it
_CHUNK = 2048  # rings per path in chunked static layers (fewer calls; clipped when zoomed)
Z_STEP = 10  # z of layer i is i * Z_STEP + the item's index within the drawer


def case_kind(category_code: str) -> CaseKind:
    """Components (部件) have 4-digit subclass codes, events (事件) 6-digit ones."""
    return CaseKind.COMPONENT if len(category_code) == 4 else CaseKind.EVENT


# A case's symbol tells its class at a glance (GB/T 30428 major classes): every component
# (部件: a thing that is damaged or missing) is a diamond; events (事件) differ by class.
COMPONENT_SYMBOL = "d"
EVENT_CLASS_SYMBOLS: dict[str, tuple[str, str]] = {  # major code → (symbol, class name)
    "01": ("o", "市容环境"),
    "02": ("s", "宣传广告"),
    "03": ("t", "施工管理"),
    "04": ("star", "突发事件"),
    "05": ("h", "街面秩序"),
}
OTHER_EVENT_SYMBOL = "p"


def case_symbol(category_code: str) -> str:
    """The scatter symbol of a case of this category."""
    if case_kind(category_code) is CaseKind.COMPONENT:
        return COMPONENT_SYMBOL
    return EVENT_CLASS_SYMBOLS.get(category_code[:2], (OTHER_EVENT_SYMBOL, ""))[0]


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
            item.setZValue(index * Z_STEP + i)

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


class RasterDrawer(Drawer):
    """A static layer drawn into its group's cached image (`map.raster`): it owns no
    graphics items; it describes itself as a `RasterSource` and tells the scene when that
    changes, and the scene's `RasterGroupItem` renders consecutive raster layers together."""

    def __init__(self, layer: Layer, *, clock: Clock = datetime.now) -> None:
        self.listeners: list[Callable[[RasterDrawer], None]] = []
        self.source = RasterSource(layer.name)
        super().__init__(layer, clock=clock)

    def _make_items(self) -> list[pg.GraphicsObject]:
        return []

    def _ops(self) -> list[PathOp]:
        raise NotImplementedError

    def _rebuild(self) -> None:
        ops = tuple(self._ops())
        bounds = QRectF()
        for op in ops:
            for path in op.paths:
                bounds = bounds.united(path.boundingRect())
        if not bounds.isNull():
            bounds = bounds.adjusted(-1.0, -1.0, 1.0, 1.0)  # a due east–west line has height 0
        self.source = RasterSource(
            self.layer.name, ops, self.layer.visible, self.layer.opacity, bounds
        )
        self._notify()

    def _apply_display(self) -> None:
        if self.source.visible != self.layer.visible or self.source.opacity != self.layer.opacity:
            self.source = replace(
                self.source, visible=self.layer.visible, opacity=self.layer.opacity
            )
            self._notify()

    def _notify(self) -> None:
        for listener in list(self.listeners):
            listener(self)


def _chunked_paths(
    rings: PackedRings, order: np.ndarray, chunk: int = _CHUNK
) -> tuple[QPainterPath, ...]:
    """Paths of `chunk` rings each, taken in `order` (spatially sorted: each path is a
    compact strip, which the raster engine fills and clips far faster than one big path)."""
    paths = []
    for i in range(0, len(order), chunk):
        x, y = rings.nan_joined(order[i : i + chunk])
        if len(x):
            path = pg.arrayToQPath(x, y, connect="finite")
            path.setFillRule(Qt.FillRule.OddEvenFill)
            paths.append(path)
    return tuple(paths)


def _over(color: str, under: str, alpha: float) -> QColor:
    """`color` at `alpha` over `under`, as one opaque colour: the raster engine fills opaque
    paths about twice as fast as translucent ones (50,000 cells: 71 ms against 139 ms)."""
    top, bottom = QColor(color), QColor(under)
    return QColor(
        *(
            round(alpha * t + (1 - alpha) * u)
            for t, u in zip(top.getRgb()[:3], bottom.getRgb()[:3], strict=True)
        )
    )


def _cosmetic(color: str | QColor, width: float) -> QPen:
    pen = QPen(QColor(color), width)
    pen.setCosmetic(True)
    return pen


class _LabelledRaster(RasterDrawer):
    """A raster layer with names drawn over it by one `LabelItem` (kept apart, with a halo)."""

    label_pt: ClassVar[float] = 10.0
    label_color: ClassVar[str] = "#e6edf3"
    label_min_scale: ClassVar[float] = math.inf  # hide labels zoomed out past this (m/px)
    # Type grows as the map zooms in: +1 pt per halving of metres per pixel below
    # `label_grow_below` (m/px), up to `label_grow_pt` points more.
    label_grow_below: ClassVar[float] = 0.0
    label_grow_pt: ClassVar[float] = 0.0

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.labels = _ViewAwareLabels(font_pt=self.label_pt, color=self.label_color)
        self.labels.set_min_scale(self.label_min_scale)
        self.labels.on_view = self._scale_labels
        self._label_scale = 1.0
        self._shown_pt = self.label_pt
        return [self.labels]

    def _scale_labels(self) -> None:
        mpp = _metres_per_px(self.labels)
        if mpp is None or self.label_grow_pt <= 0:
            return
        grow = 0.0
        if mpp < self.label_grow_below:
            grow = min(self.label_grow_pt, math.log2(self.label_grow_below / mpp))
        points = round((self.label_pt + grow) * self._label_scale)
        if points != self._shown_pt:
            self._shown_pt = points
            self.labels.set_font_size(points)

    def _apply_display(self) -> None:
        super()._apply_display()
        self.labels.setVisible(self.layer.visible)
        self.labels.setOpacity(self.layer.opacity)

    def set_label_scale(self, factor: float) -> None:
        """Bigger type for the wall screen (1.0 = the desk's size)."""
        self._label_scale = factor
        self._shown_pt = round(self.label_pt * factor)
        self.labels.set_font_size(self._shown_pt)
        self._scale_labels()


class DistrictDrawer(_LabelledRaster):
    """District boundaries over a faint fill, with the districts' names."""

    kind = "districts"
    layer: DistrictLayer
    label_pt = 15.0
    label_color = "#9fd3ff"

    def _ops(self) -> list[PathOp]:
        districts = self.layer.districts
        rings = PackedRings.from_lonlat([r for d in districts for r in d.rings])
        paths = _chunked_paths(rings, np.arange(len(rings)), chunk=1)
        # A name at the middle of each district's largest ring.
        xs, ys, names, prio = [], [], [], []
        k = 0
        for d in districts:
            n = len(d.rings)
            if n:
                bb = rings.bboxes()[k : k + n]
                area = (bb[:, 2] - bb[:, 0]) * (bb[:, 3] - bb[:, 1])
                c = rings.centroids()[k + int(np.nanargmax(area))]
                xs.append(c[0])
                ys.append(c[1])
                names.append(d.name)
                prio.append(float(np.nanmax(area)))
            k += n
        self.labels.set_labels(xs, ys, names, prio)
        return [
            PathOp(paths, brush=QBrush(QColor(DISTRICT_FILL))),
            PathOp(paths, pen=_cosmetic(DISTRICT_LINE, 2.0)),
        ]


class RiverDrawer(RasterDrawer):
    """River centre lines."""

    kind = "river"
    layer: RiverLayer

    def _ops(self) -> list[PathOp]:
        rings = PackedRings.from_lonlat(self.layer.lines)
        paths = _chunked_paths(rings, np.arange(len(rings)), chunk=1)
        return [PathOp(paths, pen=_cosmetic("#3a7bd5", 3.0))]


class _CellDrawer(RasterDrawer):
    """Shared by unit and responsibility grids: the packed cells (`PackedRings`), their
    codes in order, and chunked outline paths, rebuilt only when the cells change."""

    outline_color: ClassVar[str] = "#3b4a5c"
    outline_width: ClassVar[float] = 1.0
    min_outline_px: ClassVar[float] = 4.0  # hide outlines of cells narrower than this

    def __init__(self, layer: Layer, *, clock: Clock = datetime.now) -> None:
        self._packed_for: object = None
        super().__init__(layer, clock=clock)

    def _pack(self) -> None:
        cells = self.layer.cells  # type: ignore[attr-defined]
        key = id(cells), len(cells)
        if self._packed_for == key:
            return
        self.codes = tuple(cells)
        self.rings = PackedRings.from_lonlat(list(cells.values()))
        bb = self.rings.bboxes()
        widths = bb[:, 2] - bb[:, 0]
        median = float(np.nanmedian(widths)) if len(widths) else 0.0
        self.order = self.rings.spatial_order(band_m=max(median, 1.0) * 4)
        self.outlines = _chunked_paths(self.rings, self.order)
        self.cell_width_m = median
        self._packed_for = key

    def _outline_op(self) -> PathOp:
        lod = self.min_outline_px / self.cell_width_m if self.cell_width_m > 0 else 0.0
        return PathOp(
            self.outlines, pen=_cosmetic(self.outline_color, self.outline_width), min_px_per_m=lod
        )

    def cell_at(self, x: float, y: float) -> str | None:
        """Code of the cell containing the Mercator point, if any."""
        self._pack()
        hits = self.rings.contains(x, y)
        return self.codes[int(hits[0])] if len(hits) else None


class UnitGridDrawer(_CellDrawer):
    """Unit grids: the choropleth (one path per colour bucket and strip) under the outlines.
    Cells with no value or a value ≤ 0 are not filled."""

    kind = "unit_grids"
    layer: UnitGridLayer
    colors: tuple[str, ...] = CHOROPLETH_COLORS
    outlined = True

    def _ops(self) -> list[PathOp]:
        self._pack()
        ops = []
        values = self.layer.values
        if values:
            v = np.fromiter((values.get(c, 0.0) for c in self.codes), np.float64, len(self.codes))
            positive = v > 0
            if positive.any():
                lo, hi = float(v[positive].min()), float(v[positive].max())
                n = len(self.colors)
                span = hi - lo
                bucket = np.zeros(len(v), dtype=np.int64)
                if span > 0:
                    bucket = np.minimum(((v - lo) / span * n).astype(np.int64), n - 1)
                bucket[~positive] = -1
                in_order = bucket[self.order]
                for b, color in enumerate(self.colors):
                    sel = self.order[in_order == b]
                    if len(sel):
                        fill = _over(color, DISTRICT_FILL, CHOROPLETH_ALPHA)
                        ops.append(PathOp(_chunked_paths(self.rings, sel), brush=QBrush(fill)))
        if self.outlined:
            ops.append(self._outline_op())
        return ops


class OverdueGridDrawer(UnitGridDrawer):
    """Unit grids by their overdue cases now, in alarm reds, without outlines (the unit-grid
    layer draws those)."""

    kind = "overdue_grids"
    colors = OVERDUE_COLORS
    outlined = False


class ResponsibilityGridDrawer(_LabelledRaster, _CellDrawer):
    """Responsibility grids (责任网格): heavier outlines than unit grids, and the zones'
    names at street zoom."""

    kind = "responsibility_grids"
    layer: ResponsibilityGridLayer
    outline_color = "#8a6fd1"
    outline_width = 1.5
    min_outline_px = 0.0
    label_pt = 9.0
    label_color = "#c9b8ff"
    label_min_scale = 12.0
    label_grow_below = 4.0
    label_grow_pt = 4.0

    def _ops(self) -> list[PathOp]:
        self._pack()
        names = self.layer.labels
        keep = [i for i, code in enumerate(self.codes) if code in names]
        c = self.rings.centroids()
        area = self.rings.bboxes()
        size = (area[:, 2] - area[:, 0]) * (area[:, 3] - area[:, 1])
        self.labels.set_labels(
            c[keep, 0], c[keep, 1], [names[self.codes[i]] for i in keep], size[keep]
        )
        return [self._outline_op()]


class _PointsDrawer(Drawer):
    """Features drawn as spots of one `ScatterPlotItem`, with an id → index map so one
    feature's change touches only its spot.

    The drawer keeps the spots' positions and styles in its own arrays (`x`, `y`); hit-testing
    and selection read those. With `lazy_spots`, the scatter item is filled only when a
    subclass calls `ensure_spots()` (cases do it when they are not clustered: pyqtgraph spends
    ~4 µs per spot building atlas keys, 40 ms for 10,000 cases the whole city never shows)."""

    size: ClassVar[float] = 10.0
    lazy_spots: ClassVar[bool] = False

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.scatter = pg.ScatterPlotItem(
            pxMode=True, size=self.size, pen=pg.mkPen("#0b1320", width=1), antialias=False
        )
        self.ids = np.empty(0, dtype=np.int64)
        self.index: dict[int, int] = {}
        self.x = np.empty(0)
        self.y = np.empty(0)
        self._symbols: list[Any] = []
        self._brush_list: list[QBrush] = []
        self.spots_stale = False
        return [self.scatter]

    def _rows(self) -> dict[int, Any]:
        raise NotImplementedError

    def _style(self, row: Any) -> tuple[str, QBrush]:
        raise NotImplementedError

    def _styles(self, rows: list[Any]) -> list[tuple[Any, QBrush]]:
        return [self._style(r) for r in rows]

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
        self.x, self.y = np.array(x, dtype=np.float64), np.array(y, dtype=np.float64)
        styles = self._styles(rows)
        self._symbols = [sym for sym, _ in styles]
        self._brush_list = [b for _, b in styles]
        self.spots_stale = True
        if not self.lazy_spots:
            self.ensure_spots()

    def ensure_spots(self) -> None:
        """Fill the scatter item from the drawer's arrays if they changed since."""
        if not self.spots_stale:
            return
        self.spots_stale = False
        self.scatter.setData(
            x=self.x.copy(), y=self.y.copy(), symbol=self._symbols, brush=self._brush_list
        )

    def _update_feature(self, key: int) -> None:
        row = self._rows().get(key)
        n = self.index.get(key)
        where = None if row is None else self._place(row)
        if n is None or where is None:  # added, removed or lost its position: the count changes
            self._full_rebuild()
            return
        symbol, brush = self._style(row)
        self.x[n], self.y[n] = where
        self._symbols[n] = symbol
        self._brush_list[n] = brush
        if self.spots_stale:
            return  # the scatter is filled from the arrays when it is next needed
        data = self.scatter.data
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

    def ids_in(self, x0: float, y0: float, x1: float, y1: float) -> list[int]:
        """Ids of the features inside a Mercator rectangle."""
        if len(self.ids) == 0:
            return []
        inside = (self.x >= x0) & (self.x <= x1) & (self.y >= y0) & (self.y <= y1)
        return [int(i) for i in self.ids[inside]]

    def hit(self, x: float, y: float, tolerance: float) -> tuple[int, float] | None:
        if not self.layer.visible or len(self.ids) == 0:
            return None
        d = np.hypot(self.x - x, self.y - y)
        n = int(np.argmin(d))
        if d[n] > tolerance:
            return None
        return int(self.ids[n]), float(d[n])


class PathItem(pg.GraphicsObject):
    """One `QPainterPath` (many shapes) with one pen and brush: camera view cones."""

    def __init__(self) -> None:
        super().__init__()
        self._path = QPainterPath()
        self._pen = QPen(Qt.PenStyle.NoPen)
        self._brush = QBrush()
        self._bounds = QRectF()

    def set_path(self, path: QPainterPath, pen: QPen | None, brush: QBrush | None) -> None:
        self.prepareGeometryChange()
        self._path = path
        self._pen = pen if pen is not None else QPen(Qt.PenStyle.NoPen)
        self._brush = brush if brush is not None else QBrush()
        self._bounds = path.boundingRect()
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        return self._bounds

    def paint(self, painter, option, widget=None) -> None:  # noqa: ANN001 (Qt API)
        painter.setPen(self._pen)
        painter.setBrush(self._brush)
        painter.drawPath(self._path)


class _ViewAware:
    """Mixin for an item that calls `on_view` when its view's range changes."""

    on_view: Callable[[], None] | None = None

    def viewRangeChanged(self) -> None:  # noqa: N802 (pyqtgraph hook)
        super().viewRangeChanged()  # type: ignore[misc]
        if self.on_view is not None:
            self.on_view()


class _ViewAwareClusters(_ViewAware, ClusterItem):
    before_paint: Callable[[], None] | None = None

    def paint(self, painter, option, widget=None) -> None:  # noqa: ANN001 (Qt API)
        if self.before_paint is not None:
            self.before_paint()  # changed cases regroup once per frame, not once per change
        super().paint(painter, option, widget)


class _ViewAwarePath(_ViewAware, PathItem):
    pass


class _ViewAwareLabels(_ViewAware, LabelItem):
    pass


def _metres_per_px(item: pg.GraphicsObject) -> float | None:
    view = item.getViewBox()
    if view is None or view.width() <= 0:
        return None
    (x0, x1), _ = view.viewRange()
    return (x1 - x0) / view.width()


# Ground metres a camera's cone reaches on the map: the range in which it counts as seeing
# a case (domain.cameras), so what the map shows is what "covers" means.
CONE_RANGE_M = DEFAULT_RANGE_M
CAMERA_LIVE, CAMERA_CONNECTING, CAMERA_LOST = "#4cd964", "#f5a623", "#ff4d4f"
CONE_MAX_M_PER_PX = 4.0  # cones show from street level in (Mercator m per px)
DEFAULT_FOV_DEG = 60.0


def cone_polygons(
    x: np.ndarray, y: np.ndarray, heading_deg: np.ndarray, fov_deg: np.ndarray, reach: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """NaN-joined sector polygons (apex, 9 arc points, apex) for cameras at x, y (Mercator
    metres) looking along `heading_deg` (0 = north, clockwise) with `fov_deg` of view and
    `reach` Mercator metres long."""
    n = len(x)
    if n == 0:
        return np.empty(0), np.empty(0)
    steps = np.linspace(-0.5, 0.5, 9)
    angles = np.radians(heading_deg[:, None] + fov_deg[:, None] * steps[None, :])
    ax = x[:, None] + reach[:, None] * np.sin(angles)
    ay = y[:, None] + reach[:, None] * np.cos(angles)
    nan = np.full((n, 1), np.nan)
    px = np.hstack([x[:, None], ax, x[:, None], nan]).ravel()
    py = np.hstack([y[:, None], ay, y[:, None], nan]).ravel()
    return px, py


def _cone_key(row: Any) -> tuple:
    return row.lon, row.lat, row.heading_deg, row.fov_deg, row.enabled


class CameraDrawer(_PointsDrawer):
    """Cameras: a square each, and at street level a translucent view cone from the
    camera's heading and field of view (all cones are one path)."""

    kind = "cameras"
    layer: CameraLayer
    size = 8.0

    def __init__(self, layer: Layer, *, clock: Clock = datetime.now) -> None:
        self._on = QBrush(QColor("#c792ea"))
        self._off = QBrush(QColor("#55606e"))
        # A camera on the video wall shows its stream's state (video.stream.StreamState).
        self._stream = {
            "live": QBrush(QColor(CAMERA_LIVE)),
            "connecting": QBrush(QColor(CAMERA_CONNECTING)),
            "lost": QBrush(QColor(CAMERA_LOST)),
        }
        self._cone_keys: dict[int, tuple] = {}
        super().__init__(layer, clock=clock)

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.cones = _ViewAwarePath()
        self.cones.on_view = self._cones_for_view
        return [self.cones, *super()._make_items()]

    def _rows(self) -> dict[int, Any]:
        return dict(self.layer.cameras)

    def _style(self, row: Any) -> tuple[str, QBrush]:
        if not row.enabled or getattr(row, "status", "in_service") != "in_service":
            return "s", self._off
        state = self.layer.stream_states.get(row.id)
        return "s", self._stream.get(state, self._on) if state else self._on

    def _rebuild(self) -> None:
        super()._rebuild()
        self._set_cones()

    def _update_feature(self, key: int) -> None:
        super()._update_feature(key)
        row = self.layer.cameras.get(key)
        if self._cone_keys.get(key) != (None if row is None else _cone_key(row)):
            self._set_cones()  # only a camera whose cone changed redraws the cones

    def _set_cones(self) -> None:
        self._cone_keys = {i: _cone_key(r) for i, r in self.layer.cameras.items()}
        rows = [
            r
            for r in self.layer.cameras.values()
            if r.heading_deg is not None and r.lon is not None and r.enabled
        ]
        if rows:
            x, y = project([r.lon for r in rows], [r.lat for r in rows])
            heading = np.array([r.heading_deg for r in rows], dtype=np.float64)
            fov = np.array([r.fov_deg or DEFAULT_FOV_DEG for r in rows], dtype=np.float64)
            lat = np.radians(np.array([r.lat for r in rows]))
            reach = CONE_RANGE_M / np.cos(lat)  # ground → Mercator metres
            px, py = cone_polygons(x, y, heading, fov, reach)
            path = pg.arrayToQPath(px, py, connect="finite")
        else:
            path = QPainterPath()
        fill = QColor("#c792ea")
        fill.setAlpha(60)
        edge = QColor("#c792ea")
        edge.setAlpha(140)
        self.cones.set_path(path, _cosmetic(edge, 1.0), QBrush(fill))
        self._cones_for_view()

    def _cones_for_view(self) -> None:
        mpp = _metres_per_px(self.cones)
        show = self.layer.visible and mpp is not None and mpp <= CONE_MAX_M_PER_PX
        self.cones.setVisible(show)

    def _apply_display(self) -> None:
        super()._apply_display()
        if hasattr(self, "cones"):
            self._cones_for_view()


CLUSTER_CELL_PX = 60.0  # a cluster gathers the cases within about this many screen pixels
CLUSTER_ABOVE_M_PER_PX = 6.0  # cluster when zoomed out past this (Mercator m per px)
# Cluster bubbles take the colour of their most urgent member, in this order of urgency.
SEVERITY_ORDER = (
    DeadlineState.NONE,
    DeadlineState.PAUSED,
    DeadlineState.ON_TIME,
    DeadlineState.DUE_SOON,
    DeadlineState.OVERDUE,
)
_SEVERITY = {state: i for i, state in enumerate(SEVERITY_ORDER)}


class CaseDrawer(_PointsDrawer):
    """Cases: colour by deadline state, symbol by class (`case_symbol`). Zoomed out,
    nearby cases merge into bubbles with counts, coloured by their most urgent member; the
    clusters are recomputed only when the zoom level or the cases change, never on a pan."""

    kind = "cases"
    layer: CaseLayer
    size = 11.0
    lazy_spots = True  # the spots are built only when the map zooms in past the clusters

    def __init__(self, layer: Layer, *, clock: Clock = datetime.now) -> None:
        self._brushes = {s: QBrush(QColor(c)) for s, c in DEADLINE_COLORS.items()}
        self._severity = np.empty(0, dtype=np.int64)
        self._cluster_cell: float | None = None  # metres; None = not clustered
        self._clusters_dirty = True
        self.clusters: Clusters | None = None
        super().__init__(layer, clock=clock)

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.cluster_item = _ViewAwareClusters(
            colors=[DEADLINE_COLORS[s] for s in SEVERITY_ORDER], font_pt=9.0
        )
        self.cluster_item.on_view = self._on_view
        self.cluster_item.before_paint = self._before_paint
        self.cluster_item.setVisible(False)
        return [*super()._make_items(), self.cluster_item]

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
        return self._style_for(row, self.state_of(row))

    def _style_for(self, row: CaseRow, state: DeadlineState) -> tuple[str, QBrush]:
        return case_symbol(row.category_code), self._brushes[state]

    def _styles(self, rows: list[Any]) -> list[tuple[Any, QBrush]]:
        states = [self.state_of(r) for r in rows]  # once per case, for spots and clusters
        self._severity = np.array([_SEVERITY[s] for s in states], dtype=np.int64)
        return [self._style_for(r, s) for r, s in zip(rows, states, strict=True)]

    def _rebuild(self) -> None:
        super()._rebuild()
        self._clusters_dirty = True
        self._on_view()

    def _update_feature(self, key: int) -> None:
        before = len(self.ids)
        super()._update_feature(key)  # may fall back to a full rebuild
        n = self.index.get(key)
        if n is not None and len(self.ids) == before:
            self._severity[n] = _SEVERITY[self.state_of(self._rows()[key])]
        self._clusters_dirty = True
        if self._cluster_cell is not None:
            self.cluster_item.update()  # the clusters follow on the next view check

    @property
    def clustered(self) -> bool:
        return self._cluster_cell is not None

    def _before_paint(self) -> None:
        if self._clusters_dirty and self._cluster_cell is not None:
            self.refresh_clusters()

    def _on_view(self) -> None:
        mpp = _metres_per_px(self.cluster_item)
        if mpp is None:
            return  # no view yet: nothing is drawn, nothing is built
        cell = None
        if mpp > CLUSTER_ABOVE_M_PER_PX:
            cell = 2.0 ** round(math.log2(CLUSTER_CELL_PX * mpp))  # one size per zoom level
        spots_needed = cell is None and self.spots_stale
        if cell == self._cluster_cell and not self._clusters_dirty and not spots_needed:
            return
        self._cluster_cell = cell
        self.refresh_clusters()

    def refresh_clusters(self) -> None:
        """Recompute the bubbles for the current zoom (cheap: ~1.5 ms for 10,000 cases)."""
        self._clusters_dirty = False
        cell = self._cluster_cell
        visible = self.layer.visible
        if cell is None or len(self.ids) == 0:
            self.clusters = None
            self.cluster_item.setVisible(False)
            self.ensure_spots()
            self.scatter.setVisible(visible)
            return
        self.clusters = cluster_points(self.x, self.y, cell, severity=self._severity)
        self.cluster_item.set_from(self.clusters)
        self.cluster_item.setVisible(visible)
        self.scatter.setVisible(False)

    def _apply_display(self) -> None:
        super()._apply_display()
        if hasattr(self, "cluster_item"):
            clustered = self._cluster_cell is not None
            self.scatter.setVisible(self.layer.visible and not clustered and not self.spots_stale)
            self.cluster_item.setVisible(self.layer.visible and clustered)

    def cluster_hit(self, x: float, y: float, tolerance: float) -> tuple[int, np.ndarray] | None:
        """When clustered: (count, member ids) of the bubble nearest to (x, y) within
        `tolerance` metres, else None."""
        if self._clusters_dirty and self._cluster_cell is not None:
            self.refresh_clusters()
        c = self.clusters
        if c is None or not len(c) or not self.layer.visible:
            return None
        d = np.hypot(c.x - x, c.y - y)
        k = int(np.argmin(d))
        if d[k] > tolerance:
            return None
        return int(c.counts[k]), self.ids[c.members(k)]

    def hit(self, x: float, y: float, tolerance: float) -> tuple[int, float] | None:
        if self.clustered:
            found = self.cluster_hit(x, y, tolerance)
            if found is None or found[0] != 1:
                return None  # a bubble of several is not one case
        return super().hit(x, y, tolerance)


def _arrow_symbols(step_deg: int = 15) -> dict[int, QPainterPath]:
    """Arrow-head symbols (unit size, pointing along the heading) every `step_deg` degrees."""
    base = QPainterPath()
    base.moveTo(0.0, -0.5)
    base.lineTo(0.38, 0.45)
    base.lineTo(0.0, 0.22)
    base.lineTo(-0.38, 0.45)
    base.closeSubpath()
    out = {}
    for deg in range(0, 360, step_deg):
        # Symbols are drawn in device pixels with y down: rotate clockwise by the heading.
        out[deg] = QTransform().rotate(deg).map(base)
    return out


_ARROWS = _arrow_symbols()


def _ring_symbol() -> QPainterPath:
    """A squad whose heading is not known: a ring, unlike the cases' solid dots."""
    path = QPainterPath()
    path.addEllipse(QRectF(-0.5, -0.5, 1.0, 1.0))
    path.addEllipse(QRectF(-0.2, -0.2, 0.4, 0.4))
    path.setFillRule(Qt.FillRule.OddEvenFill)
    return path


_RING = _ring_symbol()
GLIDE_S = 1.0  # a squad's marker glides to a new position over this long


class SquadDrawer(_PointsDrawer):
    """Squads: an arrow along the heading (a dot when it is unknown), coloured by status,
    over all trails as one NaN-separated curve. A new position glides in over `GLIDE_S`."""

    kind = "squads"
    layer: SquadLayer
    size = 16.0

    def __init__(self, layer: Layer, *, clock: Clock = datetime.now) -> None:
        self._brushes = {s: QBrush(QColor(c)) for s, c in SQUAD_STATUS_COLORS.items()}
        self._other = QBrush(QColor("#ffffff"))
        self._trail_xy: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._glides: dict[int, tuple[float, float, float, float, float]] = {}
        self.monotonic = time.monotonic
        super().__init__(layer, clock=clock)

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.trails = _curve("#ffd166", 1.5)
        items = [self.trails, *super()._make_items()]
        # A white rim tells a squad from a case of the same colour.
        self.scatter.setPen(pg.mkPen("#ffffff", width=2))
        self._timer = QTimer(self.scatter)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self.step_glides)
        # Many squads reporting at once rebuild the joined trail curve once, not once each.
        self._trail_timer = QTimer(self.scatter)
        self._trail_timer.setSingleShot(True)
        self._trail_timer.setInterval(0)
        self._trail_timer.timeout.connect(self.flush_trails)
        return items

    def _rows(self) -> dict[int, Any]:
        return dict(self.layer.squads)

    def heading_of(self, row: SquadRow) -> float | None:
        """The reported heading, else the bearing of the last move along the trail."""
        if row.heading_deg is not None:
            return float(row.heading_deg)
        trail = self.layer.trail(row.id)
        if len(trail) < 2:
            return None
        (_, lon0, lat0), (_, lon1, lat1) = trail[-2], trail[-1]
        dx = (lon1 - lon0) * math.cos(math.radians(lat1))
        dy = lat1 - lat0
        if dx == 0 and dy == 0:
            return None
        return math.degrees(math.atan2(dx, dy)) % 360.0

    def _style(self, row: Any) -> tuple[Any, QBrush]:
        heading = self.heading_of(row)
        symbol: Any = _RING if heading is None else _ARROWS[int(round(heading / 15.0)) % 24 * 15]
        return symbol, self._brushes.get(row.activity or row.status, self._other)

    def _rebuild(self) -> None:
        self._glides.clear()
        super()._rebuild()
        self._trail_xy = {i: self._project_trail(i) for i in self.layer.squads}
        self._set_trails()

    def _update_feature(self, key: int) -> None:
        n = self.index.get(key)
        start = None
        if n is not None:
            data = self.scatter.data
            start = float(data["x"][n]), float(data["y"][n])
        super()._update_feature(key)
        n = self.index.get(key)
        row = self.layer.squads.get(key)
        end = None if row is None else self._place(row)
        if start is not None and end is not None and n is not None and start != end:
            if all(math.isfinite(v) for v in start):
                self._glides[key] = (*start, *end, self.monotonic())
                self._set_xy(n, *start)
                if not self._timer.isActive():
                    self._timer.start()
        if key in self.layer.squads:  # only this squad's trail is projected again
            self._trail_xy[key] = self._project_trail(key)
        else:
            self._trail_xy.pop(key, None)
        if not self._trail_timer.isActive():
            self._trail_timer.start()

    def flush_trails(self) -> None:
        """Join the trails into the curve now (otherwise done once the event loop turns)."""
        self._trail_timer.stop()
        self._set_trails()

    def _set_xy(self, n: int, x: float, y: float) -> None:
        data = self.scatter.data
        data["x"][n], data["y"][n] = x, y
        self.scatter.updateSpots(data[n : n + 1])
        self.scatter.invalidate()

    def step_glides(self) -> None:
        """Move every gliding marker one frame further (the timer calls this ~30×/s)."""
        now = self.monotonic()
        for key, (x0, y0, x1, y1, t0) in list(self._glides.items()):
            n = self.index.get(key)
            if n is None:
                del self._glides[key]
                continue
            t = min(1.0, (now - t0) / GLIDE_S)
            t = t * t * (3 - 2 * t)  # ease in and out
            self._set_xy(n, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
            if t >= 1.0:
                del self._glides[key]
        if not self._glides:
            self._timer.stop()

    @property
    def gliding(self) -> int:
        return len(self._glides)

    def detach(self) -> None:
        self._timer.stop()
        self._trail_timer.stop()
        self._glides.clear()
        super().detach()

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


# ---------------------------------------------------------------- registries (台账)

REGISTRY_OVERDUE = "#ff1744"  # the ring round an object past its deadline
REGISTRY_SIZE = 9.0
REGISTRY_OVERDUE_SIZE = 12.0
REGISTRY_RING_SIZE = 22.0  # the ring stands clear of the spot: red on red still shows
SYMBOL_SCALE = {"star": 1.6}  # pyqtgraph's star is thin: drawn larger to read as large
FOOTPRINT_FILL_ALPHA = 90  # of 255: the streets under a footprint stay readable


class MultiPathItem(pg.GraphicsObject):
    """Several (path, pen, brush) drawn by one item: all of a layer's footprints, one path
    per status, however many footprints there are."""

    def __init__(self) -> None:
        super().__init__()
        self._ops: list[tuple[QPainterPath, QPen, QBrush]] = []
        self._bounds = QRectF()

    def set_ops(self, ops: list[tuple[QPainterPath, QPen | None, QBrush | None]]) -> None:
        self.prepareGeometryChange()
        self._ops = [
            (path, pen if pen is not None else QPen(Qt.PenStyle.NoPen),
             brush if brush is not None else QBrush())
            for path, pen, brush in ops
        ]
        bounds = QRectF()
        for path, _, _ in self._ops:
            bounds = bounds.united(path.boundingRect())
        self._bounds = bounds
        self.update()

    @property
    def ops(self) -> list[tuple[QPainterPath, QPen, QBrush]]:
        return list(self._ops)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        return self._bounds

    def paint(self, painter, option, widget=None) -> None:  # noqa: ANN001 (Qt API)
        for path, pen, brush in self._ops:
            painter.setPen(pen)
            painter.setBrush(brush)
            painter.drawPath(path)


class RegistryDrawer(_PointsDrawer):
    """One registry: a spot per object in its status colour and the kind's symbol (one
    scatter item), larger and ringed in red when past its deadline (all the rings are one
    more scatter item, drawn over the spots); footprints (illegal
    buildings) filled and outlined by status as one `MultiPathItem` of packed, chunked
    paths. At city zoom a footprint is a few pixels: its centre spot shows it."""

    kind = "registry"
    layer: RegistryLayer
    size = REGISTRY_SIZE

    def __init__(self, layer: Layer, *, clock: Clock = datetime.now) -> None:
        spec = layer.spec  # type: ignore[attr-defined]
        self._colours = {s.key: s.colour for s in spec.statuses}
        self._brushes = {k: QBrush(QColor(c)) for k, c in self._colours.items()}
        self._other = QBrush(QColor("#ffffff"))
        self.overdue = np.zeros(0, dtype=bool)
        self.footprint_ids = np.empty(0, dtype=np.int64)
        self.footprint_rings = PackedRings.empty()
        super().__init__(layer, clock=clock)

    def _make_items(self) -> list[pg.GraphicsObject]:
        self.footprints = MultiPathItem()
        self.rings = pg.ScatterPlotItem(
            pxMode=True, size=REGISTRY_RING_SIZE, symbol="o", brush=None,
            pen=pg.mkPen(REGISTRY_OVERDUE, width=2.5), antialias=True,
        )
        return [self.footprints, *super()._make_items(), self.rings]

    def _rows(self) -> dict[int, Any]:
        return self.layer.objects  # type: ignore[return-value]

    def _style(self, row: Any) -> tuple[str, QBrush]:
        return self.layer.spec.symbol, self._brushes.get(row.status, self._other)

    def _styles(self, rows: list[Any]) -> list[tuple[Any, QBrush]]:
        today = self.clock().date()
        self.overdue = np.fromiter(
            (self.layer.is_overdue(r, today) for r in rows), dtype=bool, count=len(rows)
        )
        return [self._style(r) for r in rows]

    def ensure_spots(self) -> None:
        if not self.spots_stale:
            return
        self.spots_stale = False
        self.scatter.setData(
            x=self.x.copy(),
            y=self.y.copy(),
            symbol=self._symbols,
            brush=self._brush_list,
            size=np.where(self.overdue, REGISTRY_OVERDUE_SIZE, self.size)
            * SYMBOL_SCALE.get(self.layer.spec.symbol, 1.0),
        )
        self.rings.setData(x=self.x[self.overdue].copy(), y=self.y[self.overdue].copy())

    def _update_feature(self, key: int) -> None:
        self._full_rebuild()  # registries change a few objects at a time, by reload

    def _rebuild(self) -> None:
        super()._rebuild()
        self._set_footprints()

    def _set_footprints(self) -> None:
        late = {int(i) for i in self.ids[self.overdue]} if len(self.ids) else set()
        rows = [r for r in self.layer.objects.values() if r.footprint]
        self.footprint_ids = np.array([r.id for r in rows], dtype=np.int64)
        self.footprint_rings = PackedRings.from_lonlat([r.footprint for r in rows])
        status = np.array([r.status for r in rows], dtype=object)
        ops: list[tuple[QPainterPath, QPen | None, QBrush | None]] = []
        for key, colour in [*self._colours.items(), *(("", "#ffffff"),)]:
            sel = np.nonzero(
                status == key if key else ~np.isin(status, list(self._colours))
            )[0] if len(rows) else np.empty(0, dtype=np.int64)
            if not len(sel):
                continue
            fill = QColor(colour)
            fill.setAlpha(FOOTPRINT_FILL_ALPHA)
            for path in _chunked_paths(self.footprint_rings, sel):
                ops.append((path, _cosmetic(colour, 1.5), QBrush(fill)))
        overdue = np.array([r.id in late for r in rows], dtype=bool)
        if overdue.any():
            for path in _chunked_paths(self.footprint_rings, np.nonzero(overdue)[0]):
                ops.append((path, _cosmetic(REGISTRY_OVERDUE, 2.5), None))
        self.footprints.set_ops(ops)

    def hit(self, x: float, y: float, tolerance: float) -> tuple[int, float] | None:
        """The nearest spot within `tolerance`, else the footprint under the point."""
        found = super().hit(x, y, tolerance)
        if found is not None or not self.layer.visible or not len(self.footprint_ids):
            return found
        inside = self.footprint_rings.contains(x, y)
        return (int(self.footprint_ids[int(inside[0])]), 0.0) if len(inside) else None


DRAWERS: dict[str, type[Drawer]] = {
    cls.kind: cls
    for cls in (
        DistrictDrawer,
        RiverDrawer,
        UnitGridDrawer,
        OverdueGridDrawer,
        ResponsibilityGridDrawer,
        CameraDrawer,
        CaseDrawer,
        SquadDrawer,
        RegistryDrawer,
    )
}
