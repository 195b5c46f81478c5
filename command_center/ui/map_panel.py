"""`MapPanel`: the map as the window shows it: the canvas, a search box over its upper left
corner and the overview minimap over its upper right, fed from `CitySnapshot`s.

A snapshot updates the layers by difference: a case, squad or camera that changed is
updated alone (one spot redrawn), a squad that moved glides; only the static layers are
replaced, and only when their data differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from command_center.map.layers import (
    CameraLayer,
    CaseLayer,
    HeatmapLayer,
    LayerList,
    RegistryLayer,
    SquadLayer,
    UnitGridLayer,
    default_layers,
    registry_layers,
)
from command_center.map.search import LAYER_KIND, SearchHit, SearchIndex
from command_center.services.snapshot import CitySnapshot, RegistryRow
from command_center.ui.map_canvas import MapCanvas
from command_center.ui.map_search import MapSearchBox
from command_center.ui.minimap import OverviewMap

__all__ = ["MapPanel", "city_box"]

HOME_MARGIN = 0.04  # of the city's width/height, around the home view


def city_box(snapshot: CitySnapshot) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) in WGS-84 of the unit grids — the built-up city the bureau
    manages; the districts reach far into the countryside — else of the districts."""
    rings = [c.ring for c in snapshot.grid_cells] or [
        r for d in snapshot.districts for r in d.rings
    ]
    pts = [p for r in rings for p in r]
    if not pts:
        return None
    lons = [p[0] for p in pts]
    lats = [p[1] for p in pts]
    w, e, s, n = min(lons), max(lons), min(lats), max(lats)
    mx, my = (e - w) * HOME_MARGIN, (n - s) * HOME_MARGIN
    return w - mx, s - my, e + mx, n + my


class MapPanel(QWidget):
    """The map with its search box and minimap (see the module docstring)."""

    hitPicked = Signal(object)  # noqa: N815 — a SearchHit chosen in the search box

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        tile_source: str | None = None,
        drawers: Mapping[str, type] | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mapPanel")
        self.clock = clock
        self.layers: LayerList = default_layers(tile_source)
        for layer in registry_layers():  # the registries (台账) under cameras, cases, squads
            self.layers.insert(self.layers.index("cameras"), layer)
        self.canvas = MapCanvas(self.layers, self, drawers=dict(drawers or {}), clock=clock)
        self.index = SearchIndex.from_layers(self.layers)
        self.index.attach(self.layers)
        self.search = MapSearchBox(self.index, self)
        self.search.setFixedWidth(360)
        self.minimap = OverviewMap(self)
        self.minimap.set_layers(self.layers)
        self.minimap.follow(self.canvas.view_box)
        self.minimap.recenterRequested.connect(self._recenter)
        self.search.picked.connect(self._on_picked)
        self._static_keys: dict[str, object] = {}
        self._homed = False
        self._closed = False

    # -- layout

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        super().resizeEvent(event)
        self.canvas.setGeometry(self.rect())
        self.search.move(10, 10)
        self.search.raise_()
        self.minimap.move(self.width() - self.minimap.width() - 10, 10)
        self.minimap.raise_()

    # -- data in

    def apply_snapshot(self, snapshot: CitySnapshot) -> None:
        layers = self.layers
        self._set_static(
            "districts",
            tuple((d.code, d.name, d.rings) for d in snapshot.districts),
            lambda: layers["districts"].set_districts(snapshot.districts),  # type: ignore[attr-defined]
        )
        self._set_static(
            "river",
            snapshot.river_lines,
            lambda: layers["river"].set_lines(snapshot.river_lines),  # type: ignore[attr-defined]
        )
        self._set_static(
            "unit_grids",
            tuple(c.code for c in snapshot.grid_cells),
            lambda: layers["unit_grids"].set_cells(  # type: ignore[attr-defined]
                {c.code: c.ring for c in snapshot.grid_cells}
            ),
        )
        grid: UnitGridLayer = layers["unit_grids"]  # type: ignore[assignment]
        values = {c.code: float(c.open_cases) for c in snapshot.grid_cells if c.open_cases}
        if dict(grid.values) != values:
            grid.set_values(values)
        if "overdue_grids" in layers:
            self._set_static(
                "overdue_grids",
                tuple(c.code for c in snapshot.grid_cells),
                lambda: layers["overdue_grids"].set_cells(  # type: ignore[attr-defined]
                    {c.code: c.ring for c in snapshot.grid_cells}
                ),
            )
            late: UnitGridLayer = layers["overdue_grids"]  # type: ignore[assignment]
            overdue = {c.code: float(c.overdue_cases) for c in snapshot.grid_cells
                       if c.overdue_cases}
            if dict(late.values) != overdue:
                late.set_values(overdue)
        zones = snapshot.zones
        self._set_static(
            "responsibility_grids",
            tuple((z.code, z.name) for z in zones),
            lambda: layers["responsibility_grids"].set_cells(  # type: ignore[attr-defined]
                {z.code: max(z.rings, key=len) for z in zones if z.rings},
                labels={z.code: z.name for z in zones if z.rings},
            ),
        )
        self._sync_cases(layers["cases"], snapshot)  # type: ignore[arg-type]
        self._sync_squads(layers["squads"], snapshot)  # type: ignore[arg-type]
        cameras: CameraLayer = layers["cameras"]  # type: ignore[assignment]
        if set(cameras.cameras) != {c.id for c in snapshot.cameras}:
            cameras.set_cameras(snapshot.cameras)
        else:
            for row in snapshot.cameras:
                cameras.update_camera(row)
        heat: HeatmapLayer = layers["heatmap"]  # type: ignore[assignment]
        heat.set_points(
            np.array([c.lon for c in snapshot.open_cases]),
            np.array([c.lat for c in snapshot.open_cases]),
        )
        if not self._homed:
            box = city_box(snapshot)
            if box is not None:
                self._homed = True
                self.canvas.set_home(*box)
                self.canvas.home()

    def set_registry_objects(self, rows: Iterable[RegistryRow]) -> None:
        """Every registry's objects (as read after a change to them): each registry layer
        whose objects differ is replaced, once; the others stay as they are."""
        by_kind: dict[str, list[RegistryRow]] = {}
        for row in rows:
            by_kind.setdefault(row.kind, []).append(row)
        for layer in self.layers:
            if isinstance(layer, RegistryLayer):
                new = by_kind.get(layer.registry, [])
                if dict(layer.objects) != {r.id: r for r in new}:
                    layer.set_objects(new)

    def _set_static(self, name: str, key: object, apply: Callable[[], None]) -> None:
        if self._static_keys.get(name) != key:
            apply()
            self._static_keys[name] = key

    @staticmethod
    def _sync_cases(layer: CaseLayer, snapshot: CitySnapshot) -> None:
        current = layer.cases
        new = {c.id: c for c in snapshot.open_cases}
        if not current or len(set(current) ^ set(new)) > len(new) // 2:
            layer.set_cases(snapshot.open_cases)  # first load, or most of it changed
            return
        for gone in set(current) - set(new):
            layer.remove_case(gone)
        for row in snapshot.open_cases:
            layer.update_case(row)  # emits only when the row differs

    def _sync_squads(self, layer: SquadLayer, snapshot: CitySnapshot) -> None:
        current = layer.squads
        if set(current) != {s.id for s in snapshot.squads}:
            layer.set_squads(snapshot.squads)
            return
        for row in snapshot.squads:
            old = current[row.id]
            if (
                row.lon is not None
                and row.lat is not None
                and (old.lon, old.lat)
                != (
                    row.lon,
                    row.lat,
                )
            ):
                layer.move(row.id, row.lon, row.lat, self.clock())

    # -- search

    def _on_picked(self, hit: SearchHit) -> None:
        if hit.bbox is not None:
            self.canvas.fly_to(*hit.bbox)
        kind = LAYER_KIND.get(hit.kind)
        if kind is not None:
            self.canvas.select(kind, hit.key)
        self.hitPicked.emit(hit)

    def _recenter(self, x: float, y: float) -> None:
        (x0, x1), (y0, y1) = self.canvas.view_box.viewRange()
        self.canvas.view_box.translateBy(x=x - (x0 + x1) / 2, y=y - (y0 + y1) / 2)

    def close_map(self) -> None:
        """Detach everything that listens to the layers (the window is closing); once."""
        if self._closed:
            return
        self._closed = True
        self.index.detach()
        self.minimap.detach()
        self.canvas.close_scene()
