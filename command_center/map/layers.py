"""The map's layers as plain models that emit events; drawing code subscribes.

Grid zones, cameras, cases and squads are entries of one `LayerList`, each with a name,
a stable `kind`, visibility and opacity; a layer's position in the list is its z-order
(index 0 is drawn first, at the bottom). Nothing here draws: the canvas keeps a mapping
from `kind` to the class that draws it, connects to the events below, and redraws only
what an event names (as napari's ``components/layerlist.py`` and ``layers/base/base.py``).

Events (all `Signal`, called synchronously in the emitting thread):

* ``Layer.changed(layer, prop)`` — a display property changed; `prop` is ``"visible"`` or
  ``"opacity"``. Setting the value a layer already has emits nothing.
* ``Layer.data_changed(layer)`` — the layer's data were replaced (``set_cases``, …).
* ``Layer.feature_changed(layer, key)`` — one feature (a case, a squad, a camera) was added,
  changed or removed; `key` is its id. Look it up again to see which (absent → removed).
* ``LayerList.inserted(index, layer)``, ``removed(index, layer)``,
  ``moved(from_index, to_index, layer)`` and ``layer_changed(layer, prop)`` (every member's
  `changed`, forwarded).

Plain Python and numpy only: no Qt, so the models are tested (and usable) headless.
"""

from __future__ import annotations

import bisect
import math
import numbers
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from command_center.domain.registries import KINDS, Kind, is_overdue
from command_center.services.snapshot import (
    CameraRow,
    CaseRow,
    DistrictShape,
    RegistryRow,
    Ring,
    SquadRow,
)

__all__ = [
    "SQUAD_TRAIL_WINDOW",
    "CameraLayer",
    "CaseLayer",
    "DistrictLayer",
    "HeatmapLayer",
    "Layer",
    "LayerList",
    "RegistryLayer",
    "ResponsibilityGridLayer",
    "RiverLayer",
    "Signal",
    "SquadLayer",
    "TileLayer",
    "TrailPoint",
    "UnitGridLayer",
    "default_layers",
    "frozen_copy",
    "registry_layers",
]

SQUAD_TRAIL_WINDOW = timedelta(minutes=30)

TrailPoint = tuple[datetime, float, float]  # (at, lon, lat), WGS-84


class Signal:
    """A list of callbacks, called in the order they were connected. No Qt, no threads.

    Semantics kept deliberately simple:

    * callbacks are held by strong reference (a connected bound method keeps its object
      alive until it is disconnected);
    * connecting a callback that is already connected does nothing (each runs once per emit);
    * `emit` calls every callback synchronously with its arguments, on the caller's thread,
      iterating over a copy, so a callback may connect or disconnect during an emit
      (the change applies from the next emit);
    * an exception in a callback propagates out of `emit`; later callbacks are not called.
    """

    __slots__ = ("_callbacks", "name")

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Call `callback` on every emit; returns it, so this also works as a decorator."""
        if not callable(callback):
            raise TypeError(f"signal {self.name!r}: cannot connect {callback!r}, not callable")
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[..., Any]) -> None:
        """Stop calling `callback`; ValueError if it is not connected."""
        try:
            self._callbacks.remove(callback)
        except ValueError:
            raise ValueError(f"signal {self.name!r}: {callback!r} is not connected") from None

    def emit(self, *args: Any) -> None:
        """Call every connected callback with `args`."""
        for callback in tuple(self._callbacks):
            callback(*args)

    def __len__(self) -> int:
        return len(self._callbacks)

    def __repr__(self) -> str:
        return f"<Signal {self.name!r} with {len(self._callbacks)} callback(s)>"


def _check_lonlat(lon: float, lat: float, what: str) -> tuple[float, float]:
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: coordinates must be numbers, got {lon!r}, {lat!r}") from exc
    if not (math.isfinite(x) and math.isfinite(y) and -90.0 <= y <= 90.0):
        raise ValueError(f"{what}: ({x}, {y}) is not a valid WGS-84 lon/lat")
    return x, y


def _by_id(rows: Iterable[Any], what: str) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for row in rows:
        if row.id in out:
            raise ValueError(f"{what}: id {row.id} appears more than once")
        out[row.id] = row
    return out


# ---------------------------------------------------------------- base


class Layer:
    """One entry of the map's layer list: a name, a kind, visibility and opacity.

    `name` is fixed for the layer's life (the list looks layers up by it); `kind` is a stable
    string per class that the canvas maps to the code that draws it.
    """

    kind: ClassVar[str] = "layer"

    def __init__(self, name: str, *, visible: bool = True, opacity: float = 1.0) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"a layer needs a non-empty name, got {name!r}")
        self._name = name
        self.changed = Signal("changed")
        self.data_changed = Signal("data_changed")
        self.feature_changed = Signal("feature_changed")
        self._visible = self._check_visible(visible)
        self._opacity = self._check_opacity(opacity)

    @property
    def name(self) -> str:
        return self._name

    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        value = self._check_visible(value)
        if value != self._visible:
            self._visible = value
            self.changed.emit(self, "visible")

    @property
    def opacity(self) -> float:
        """0.0 (transparent) … 1.0 (opaque); values outside are clamped, NaN is refused."""
        return self._opacity

    @opacity.setter
    def opacity(self, value: float) -> None:
        value = self._check_opacity(value)
        if value != self._opacity:
            self._opacity = value
            self.changed.emit(self, "opacity")

    def _check_visible(self, value: object) -> bool:
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"layer {self._name!r}: visible must be True or False, got {value!r}")
        return bool(value)

    def _check_opacity(self, value: object) -> float:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"layer {self._name!r}: opacity must be a number, got {value!r}")
        v = float(value)
        if math.isnan(v):
            raise ValueError(f"layer {self._name!r}: opacity must be a number in 0..1, got NaN")
        return min(max(v, 0.0), 1.0)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self._name!r} visible={self._visible} "
            f"opacity={self._opacity:g}>"
        )


# ---------------------------------------------------------------- background and outlines


class TileLayer(Layer):
    """Background map tiles; holds only the tile source's name (tiles are fetched elsewhere).
    None means no source is configured: the vector base map stands alone (the embedded
    default on an intranet, where nothing outside is contacted)."""

    kind = "tiles"

    def __init__(self, name: str = "tiles", source: str | None = None, **kw: Any) -> None:
        super().__init__(name, **kw)
        self._source = self._check_source(source)

    @property
    def source(self) -> str | None:
        return self._source

    def set_source(self, source: str | None) -> None:
        source = self._check_source(source)
        if source != self._source:
            self._source = source
            self.data_changed.emit(self)

    @staticmethod
    def _check_source(source: object) -> str | None:
        if source is None:
            return None
        if not isinstance(source, str) or not source:
            raise ValueError(f"a tile source is named by a non-empty string, got {source!r}")
        return source


class DistrictLayer(Layer):
    """District (区) outlines and names."""

    kind = "districts"

    def __init__(self, name: str = "districts", **kw: Any) -> None:
        super().__init__(name, **kw)
        self._districts: tuple[DistrictShape, ...] = ()

    @property
    def districts(self) -> tuple[DistrictShape, ...]:
        return self._districts

    def set_districts(self, districts: Iterable[DistrictShape]) -> None:
        self._districts = tuple(districts)
        self.data_changed.emit(self)


class RiverLayer(Layer):
    """River centre lines (WGS-84 polylines)."""

    kind = "river"

    def __init__(self, name: str = "river", **kw: Any) -> None:
        super().__init__(name, **kw)
        self._lines: tuple[Ring, ...] = ()

    @property
    def lines(self) -> tuple[Ring, ...]:
        return self._lines

    def set_lines(self, lines: Iterable[Ring]) -> None:
        self._lines = tuple(lines)
        self.data_changed.emit(self)


class _CellLayer(Layer):
    """Grid cells: a code for each polygon ring, in a stable order."""

    def __init__(self, name: str, **kw: Any) -> None:
        super().__init__(name, **kw)
        self._cells: dict[str, Ring] = {}
        self._labels: dict[str, str] = {}

    @property
    def labels(self) -> Mapping[str, str]:
        """code → the name shown on the map (cells without one are not labelled)."""
        return MappingProxyType(self._labels)

    @property
    def cells(self) -> Mapping[str, Ring]:
        """code → ring (read-only view)."""
        return MappingProxyType(self._cells)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._cells)

    @property
    def rings(self) -> tuple[Ring, ...]:
        return tuple(self._cells.values())

    def set_cells(
        self,
        cells: Mapping[str, Ring] | Iterable[tuple[str, Ring]],
        labels: Mapping[str, str] | None = None,
    ) -> None:
        """Replace the cells (code → ring, or (code, ring) pairs; codes must be unique) and
        their map labels (code → name; optional)."""
        items = cells.items() if isinstance(cells, Mapping) else cells
        new: dict[str, Ring] = {}
        for code, ring in items:
            if code in new:
                raise ValueError(f"layer {self.name!r}: cell code {code!r} appears more than once")
            new[code] = ring
        labels = dict(labels or {})
        unknown = [c for c in labels if c not in new]
        if unknown:
            raise ValueError(
                f"layer {self.name!r}: labels for unknown cell code(s): {', '.join(unknown[:5])}"
            )
        self._cells = new
        self._labels = labels
        self._cells_replaced()
        self.data_changed.emit(self)

    def _cells_replaced(self) -> None:
        """Hook for subclasses that hold per-cell data."""


class UnitGridLayer(_CellLayer):
    """Unit grids (单元网格), optionally coloured by one number per cell (a choropleth)."""

    kind = "unit_grids"

    def __init__(self, name: str = "unit_grids", **kw: Any) -> None:
        super().__init__(name, **kw)
        self._values: dict[str, float] = {}

    @property
    def values(self) -> Mapping[str, float]:
        """code → value for the cells that have one (read-only view); empty = no choropleth."""
        return MappingProxyType(self._values)

    def set_values(self, values: Mapping[str, float]) -> None:
        """Replace the choropleth values. Every code must be a cell of this layer and every
        value a finite number; otherwise nothing changes and ValueError says which."""
        unknown = [code for code in values if code not in self._cells]
        if unknown:
            shown = ", ".join(repr(c) for c in unknown[:5])
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            raise ValueError(
                f"layer {self.name!r}: {len(unknown)} value(s) for unknown cell code(s): "
                f"{shown}{more}"
            )
        new: dict[str, float] = {}
        for code, value in values.items():
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
                raise ValueError(
                    f"layer {self.name!r}: value for {code!r} is not a number: {value!r}"
                )
            if not math.isfinite(value):
                raise ValueError(f"layer {self.name!r}: value for {code!r} is not finite: {value}")
            new[code] = float(value)
        self._values = new
        self.data_changed.emit(self)

    def clear_values(self) -> None:
        if self._values:
            self._values = {}
            self.data_changed.emit(self)

    def value_range(self) -> tuple[float, float] | None:
        """(min, max) of the values, or None when there are none."""
        if not self._values:
            return None
        return min(self._values.values()), max(self._values.values())

    def _cells_replaced(self) -> None:
        # Values of cells that are still there survive; the others go with their cells.
        self._values = {c: v for c, v in self._values.items() if c in self._cells}


class ResponsibilityGridLayer(_CellLayer):
    """Responsibility grids (责任网格): the zones squads answer for."""

    kind = "responsibility_grids"

    def __init__(self, name: str = "responsibility_grids", **kw: Any) -> None:
        super().__init__(name, **kw)


class HeatmapLayer(Layer):
    """Weighted points (lon, lat, weight) for a density picture; hidden unless asked for."""

    kind = "heatmap"

    def __init__(self, name: str = "heatmap", *, visible: bool = False, **kw: Any) -> None:
        super().__init__(name, visible=visible, **kw)
        empty = np.empty(0)
        empty.flags.writeable = False
        self._lons, self._lats, self._weights = empty, empty, empty

    @property
    def lons(self) -> np.ndarray:
        return self._lons

    @property
    def lats(self) -> np.ndarray:
        return self._lats

    @property
    def weights(self) -> np.ndarray:
        return self._weights

    def set_points(
        self, lons: ArrayLike, lats: ArrayLike, weights: ArrayLike | None = None
    ) -> None:
        """Replace the points; weights default to 1. Arrays are copied and made read-only."""
        x = np.array(lons, dtype=np.float64).ravel()
        y = np.array(lats, dtype=np.float64).ravel()
        w = np.ones_like(x) if weights is None else np.array(weights, dtype=np.float64).ravel()
        if not len(x) == len(y) == len(w):
            raise ValueError(
                f"layer {self.name!r}: {len(x)} lons, {len(y)} lats and {len(w)} weights; "
                "they must be the same length"
            )
        if not (np.isfinite(x).all() and np.isfinite(y).all() and np.isfinite(w).all()):
            raise ValueError(f"layer {self.name!r}: points and weights must be finite numbers")
        for a in (x, y, w):
            a.flags.writeable = False
        self._lons, self._lats, self._weights = x, y, w
        self.data_changed.emit(self)


# ---------------------------------------------------------------- features by id


class CameraLayer(Layer):
    """Cameras by id."""

    kind = "cameras"

    def __init__(self, name: str = "cameras", **kw: Any) -> None:
        super().__init__(name, **kw)
        self._cameras: dict[int, CameraRow] = {}
        self._states: dict[int, str] = {}

    @property
    def cameras(self) -> Mapping[int, CameraRow]:
        return MappingProxyType(self._cameras)

    def set_cameras(self, rows: Iterable[CameraRow]) -> None:
        self._cameras = _by_id(rows, f"layer {self.name!r}")
        self.data_changed.emit(self)

    def update_camera(self, row: CameraRow) -> None:
        """Add or replace one camera; emits `feature_changed` only if something changed."""
        if self._cameras.get(row.id) != row:
            self._cameras[row.id] = row
            self.feature_changed.emit(self, row.id)

    @property
    def stream_states(self) -> Mapping[int, str]:
        """The video state of the cameras being played (video.stream.StreamState values:
        connecting | live | lost); a camera not being played has none."""
        return MappingProxyType(self._states)

    def set_stream_states(self, states: Mapping[int, str]) -> None:
        """Replace the stream states; each camera whose state changed emits
        `feature_changed` once."""
        old, self._states = self._states, dict(states)
        for key in sorted(set(old) | set(self._states)):
            if old.get(key) != self._states.get(key) and key in self._cameras:
                self.feature_changed.emit(self, key)


class CaseLayer(Layer):
    """Open cases by id. One case changing emits one `feature_changed`, never a rebuild."""

    kind = "cases"

    def __init__(self, name: str = "cases", **kw: Any) -> None:
        super().__init__(name, **kw)
        self._cases: dict[int, CaseRow] = {}

    @property
    def cases(self) -> Mapping[int, CaseRow]:
        return MappingProxyType(self._cases)

    def set_cases(self, rows: Iterable[CaseRow]) -> None:
        """Replace every case (ids must be unique); emits `data_changed` once."""
        self._cases = _by_id(rows, f"layer {self.name!r}")
        self.data_changed.emit(self)

    def update_case(self, row: CaseRow) -> None:
        """Add or replace one case; emits `feature_changed(layer, id)` once if it changed."""
        if self._cases.get(row.id) != row:
            self._cases[row.id] = row
            self.feature_changed.emit(self, row.id)

    def remove_case(self, case_id: int) -> None:
        """Drop one case (e.g. closed); emits `feature_changed(layer, id)`. KeyError if absent."""
        if case_id not in self._cases:
            raise KeyError(f"layer {self.name!r} has no case with id {case_id}")
        del self._cases[case_id]
        self.feature_changed.emit(self, case_id)


class SquadLayer(Layer):
    """Squads by id, each with its latest position and a trail of the last 30 minutes."""

    kind = "squads"

    def __init__(
        self, name: str = "squads", *, trail_window: timedelta = SQUAD_TRAIL_WINDOW, **kw: Any
    ) -> None:
        super().__init__(name, **kw)
        if not trail_window > timedelta(0):
            raise ValueError(f"layer {name!r}: trail_window must be positive, got {trail_window}")
        self.trail_window = trail_window
        self._squads: dict[int, SquadRow] = {}
        self._trails: dict[int, list[TrailPoint]] = {}

    @property
    def squads(self) -> Mapping[int, SquadRow]:
        """id → row; a row's lon/lat is the squad's latest known position."""
        return MappingProxyType(self._squads)

    def set_squads(self, rows: Iterable[SquadRow]) -> None:
        """Replace every squad; trails start empty. Emits `data_changed` once."""
        self._squads = _by_id(rows, f"layer {self.name!r}")
        self._trails = {squad_id: [] for squad_id in self._squads}
        self.data_changed.emit(self)

    def position(self, squad_id: int) -> tuple[float, float] | None:
        """The squad's latest (lon, lat), or None if it has never reported one."""
        row = self._squad(squad_id)
        return None if row.lon is None or row.lat is None else (row.lon, row.lat)

    def trail(self, squad_id: int) -> tuple[TrailPoint, ...]:
        """(at, lon, lat) points of the last `trail_window`, oldest first."""
        self._squad(squad_id)
        return tuple(self._trails[squad_id])

    def move(self, squad_id: int, lon: float, lat: float, at: datetime) -> None:
        """Record a position report; emits `feature_changed(layer, id)`.

        Reports may arrive out of order: each goes into the trail at its time; the latest one
        is the squad's position. Points older than `trail_window` before the newest are
        dropped; a report that is already that old changes nothing and emits nothing.
        """
        row = self._squad(squad_id)
        x, y = _check_lonlat(lon, lat, f"layer {self.name!r}, squad {squad_id}")
        if not isinstance(at, datetime):
            raise TypeError(f"layer {self.name!r}: 'at' must be a datetime, got {at!r}")
        trail = self._trails[squad_id]
        if trail and at < trail[-1][0] - self.trail_window:
            return
        index = bisect.bisect_right([p[0] for p in trail], at)
        trail.insert(index, (at, x, y))
        if index == len(trail) - 1:  # the newest report: the squad is there now
            self._squads[squad_id] = replace(row, lon=x, lat=y)
        cutoff = trail[-1][0] - self.trail_window
        del trail[: bisect.bisect_left([p[0] for p in trail], cutoff)]
        self.feature_changed.emit(self, squad_id)

    def _squad(self, squad_id: int) -> SquadRow:
        try:
            return self._squads[squad_id]
        except KeyError:
            raise KeyError(f"layer {self.name!r} has no squad with id {squad_id}") from None


class RegistryLayer(Layer):
    """The objects of one registry (台账, `domain.registries.KINDS`) by id: points, and for
    illegal buildings footprints too. Named ``registry:<kind key>``; every registry layer has
    the layer kind ``"registry"`` (one drawer class), `registry` says which one it is.
    Hidden by default except illegal buildings."""

    kind = "registry"
    PREFIX = "registry:"

    def __init__(self, registry: str, name: str | None = None, **kw: Any) -> None:
        if registry not in KINDS:
            raise ValueError(f"unknown registry {registry!r}; one of: {', '.join(KINDS)}")
        kw.setdefault("visible", registry == "illegal_buildings")
        super().__init__(name or self.PREFIX + registry, **kw)
        self.registry = registry
        self._objects: dict[int, RegistryRow] = {}

    @property
    def spec(self) -> Kind:
        """The registry's kind: its label, statuses with their colours, map symbol."""
        return KINDS[self.registry]

    @property
    def objects(self) -> Mapping[int, RegistryRow]:
        return MappingProxyType(self._objects)

    def set_objects(self, rows: Iterable[RegistryRow]) -> None:
        """Replace every object (all of this registry; ids unique); emits `data_changed`."""
        rows = list(rows)
        wrong = [r.code for r in rows if r.kind != self.registry]
        if wrong:
            raise ValueError(
                f"layer {self.name!r} holds {self.registry} only, not {', '.join(wrong[:5])}"
            )
        self._objects = _by_id(rows, f"layer {self.name!r}")
        self.data_changed.emit(self)

    def is_overdue(self, row: RegistryRow, today: date) -> bool:
        """Past its deadline with the work not done (`domain.registries.is_overdue`)."""
        try:
            return is_overdue(self.spec, row.status, row.attrs, today)
        except (TypeError, ValueError):  # a malformed date in an imported row
            return False


def registry_layers() -> list[RegistryLayer]:
    """One layer per registry, in the registries' display order."""
    return [RegistryLayer(key) for key in KINDS]


# ---------------------------------------------------------------- the list


class LayerList:
    """The map's layers in draw order: index 0 at the bottom, the last on top.

    Names are unique. Every change emits one event (see the module docstring); a change that
    changes nothing (moving a layer onto its own place) emits none.
    """

    def __init__(self, layers: Iterable[Layer] = ()) -> None:
        self.inserted = Signal("inserted")
        self.removed = Signal("removed")
        self.moved = Signal("moved")
        self.layer_changed = Signal("layer_changed")
        self._layers: list[Layer] = []
        for layer in layers:
            self.append(layer)

    # -- reading

    def __len__(self) -> int:
        return len(self._layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(tuple(self._layers))

    def __getitem__(self, key: int | str) -> Layer:
        """A layer by position or by name (KeyError naming the known layers)."""
        if isinstance(key, str):
            return self._layers[self.index(key)]
        return self._layers[key]

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return any(layer.name == item for layer in self._layers)
        return any(layer is item for layer in self._layers)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(layer.name for layer in self._layers)

    def index(self, item: Layer | str) -> int:
        """Position of a layer (or of the layer with that name); KeyError if absent."""
        for i, layer in enumerate(self._layers):
            if layer is item or layer.name == item:
                return i
        label = item if isinstance(item, str) else item.name
        raise KeyError(f"no layer {label!r} in the list; it holds {list(self.names)}")

    # -- changing

    def append(self, layer: Layer) -> None:
        self.insert(len(self._layers), layer)

    def insert(self, index: int, layer: Layer) -> None:
        """Put `layer` at `index` (0 … len); emits `inserted(index, layer)`."""
        if not isinstance(layer, Layer):
            raise TypeError(f"only layers go in a LayerList, got {layer!r}")
        if layer.name in self:
            raise ValueError(
                f"a layer named {layer.name!r} is already in the list; layer names are unique"
            )
        if not 0 <= index <= len(self._layers):
            raise IndexError(f"insert index {index} is outside 0..{len(self._layers)}")
        self._layers.insert(index, layer)
        layer.changed.connect(self._forward_changed)
        self.inserted.emit(index, layer)

    def remove(self, item: Layer | str) -> Layer:
        """Take a layer (or the layer with that name) out; emits `removed(index, layer)`."""
        index = self.index(item)
        layer = self._layers.pop(index)
        layer.changed.disconnect(self._forward_changed)
        self.removed.emit(index, layer)
        return layer

    def move(self, from_index: int, to_index: int) -> None:
        """Move the layer at `from_index` so that it ends up at `to_index`.

        Emits `moved(from_index, to_index, layer)`, or nothing if the two are equal.
        """
        n = len(self._layers)
        for label, i in (("from", from_index), ("to", to_index)):
            if not 0 <= i < n:
                raise IndexError(f"move {label} index {i} is outside 0..{n - 1}")
        if from_index == to_index:
            return
        layer = self._layers.pop(from_index)
        self._layers.insert(to_index, layer)
        self.moved.emit(from_index, to_index, layer)

    def _forward_changed(self, layer: Layer, prop: str) -> None:
        self.layer_changed.emit(layer, prop)

    def __repr__(self) -> str:
        return f"<LayerList {list(self.names)}>"


def frozen_copy(layers: LayerList) -> LayerList:
    """A copy of the list that shares no mutable state with it and has no listeners, for
    work on another thread (an export) while the map goes on changing. Rows are immutable
    and shared; squads' trails are not copied."""
    out = LayerList()
    for layer in layers:
        kw = {"visible": layer.visible, "opacity": layer.opacity}
        copy: Layer
        if isinstance(layer, TileLayer):
            copy = TileLayer(layer.name, source=layer.source, **kw)
        elif isinstance(layer, DistrictLayer):
            copy = DistrictLayer(layer.name, **kw)
            copy.set_districts(layer.districts)
        elif isinstance(layer, RiverLayer):
            copy = RiverLayer(layer.name, **kw)
            copy.set_lines(layer.lines)
        elif isinstance(layer, _CellLayer):
            copy = type(layer)(layer.name, **kw)
            copy.set_cells(dict(layer.cells), labels=dict(layer.labels))
            if isinstance(layer, UnitGridLayer) and isinstance(copy, UnitGridLayer):
                copy.set_values(dict(layer.values))
        elif isinstance(layer, HeatmapLayer):
            copy = HeatmapLayer(layer.name, **kw)
            copy.set_points(layer.lons, layer.lats, layer.weights)
        elif isinstance(layer, CameraLayer):
            copy = CameraLayer(layer.name, **kw)
            copy.set_cameras(layer.cameras.values())
        elif isinstance(layer, CaseLayer):
            copy = CaseLayer(layer.name, **kw)
            copy.set_cases(layer.cases.values())
        elif isinstance(layer, SquadLayer):
            copy = SquadLayer(layer.name, trail_window=layer.trail_window, **kw)
            copy.set_squads(layer.squads.values())
        elif isinstance(layer, RegistryLayer):
            copy = RegistryLayer(layer.registry, layer.name, **kw)
            copy.set_objects(layer.objects.values())
        else:
            raise TypeError(f"frozen_copy does not know layer kind {layer.kind!r}")
        out.append(copy)
    return out


class OverdueGridLayer(UnitGridLayer):
    """Unit grids coloured by the cases overdue in them now (超期网格); hidden by default."""

    kind = "overdue_grids"

    def __init__(self, name: str = "overdue_grids", **kw: Any) -> None:
        kw.setdefault("visible", False)
        super().__init__(name, **kw)


def default_layers(tile_source: str | None = None) -> LayerList:
    """The standard stack, bottom → top: tiles, districts, river, unit grids, overdue by grid
    (hidden), responsibility grids, heatmap (hidden), cameras, cases, squads."""
    return LayerList(
        [
            TileLayer(source=tile_source),
            DistrictLayer(),
            RiverLayer(),
            UnitGridLayer(),
            OverdueGridLayer(),
            ResponsibilityGridLayer(),
            HeatmapLayer(),
            CameraLayer(),
            CaseLayer(),
            SquadLayer(),
        ]
    )
