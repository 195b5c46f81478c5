"""`MapScene`: a drawer per layer of a `LayerList`, kept in the list's order on a pyqtgraph plot.

Static layers (`RasterDrawer`s: districts, river, grids) that follow each other in the list
are drawn together by one `RasterGroupItem`, a cached image blitted on each repaint; the
groups are formed again whenever the list's order changes. Layers whose kind has no drawer
are skipped. Nothing here is a widget; `ui.map_canvas` hosts the plot.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from command_center.map.drawers import DRAWERS, Z_STEP, Drawer, RasterDrawer
from command_center.map.heatmap import HeatmapDrawer
from command_center.map.layers import Layer, LayerList
from command_center.map.raster import RasterGroupItem
from command_center.map.tile_drawer import TileDrawer

__all__ = ["ALL_DRAWERS", "HIT_KINDS", "MapScene"]

HIT_KINDS = frozenset({"cases", "cameras", "squads", "registry"})
# Every kind the map draws. The tile drawer here knows no sources (it draws nothing); the
# window binds the configured ones with `TileDrawer.with_sources` and passes its own mapping.
ALL_DRAWERS: dict[str, type[Drawer]] = {**DRAWERS, "tiles": TileDrawer, "heatmap": HeatmapDrawer}


class MapScene:
    """Draws `layers` on `host` (a pyqtgraph `PlotItem` or `ViewBox`) and follows the list."""

    def __init__(
        self,
        layers: LayerList,
        host: Any,
        *,
        drawers: dict[str, type[Drawer]] | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.layers = layers
        self.host = host
        self.clock = clock
        self._classes = ALL_DRAWERS if drawers is None else {**ALL_DRAWERS, **drawers}
        self._drawers: dict[int, Drawer] = {}  # id(layer) → drawer
        self._groups: list[tuple[RasterGroupItem, list[RasterDrawer]]] = []
        for layer in layers:
            self._add(layer)
        self._restack()
        layers.inserted.connect(self._on_inserted)
        layers.removed.connect(self._on_removed)
        layers.moved.connect(self._on_moved)

    def drawer(self, layer: Layer | str) -> Drawer | None:
        """The drawer of a layer (or of the layer with that name), None if it is not drawn."""
        if isinstance(layer, str):
            layer = self.layers[layer]
        return self._drawers.get(id(layer))

    @property
    def drawers(self) -> list[Drawer]:
        return [d for layer in self.layers if (d := self._drawers.get(id(layer)))]

    def hit_test(self, x_m: float, y_m: float, tolerance_m: float) -> tuple[str, int] | None:
        """(layer kind, feature id) of the nearest case/camera/squad within `tolerance_m`
        Mercator metres, looking at the topmost visible layer first."""
        for layer in reversed(list(self.layers)):
            drawer = self._drawers.get(id(layer))
            if drawer is None or layer.kind not in HIT_KINDS or not layer.visible:
                continue
            found = drawer.hit(x_m, y_m, tolerance_m)
            if found is not None:
                return layer.kind, found[0]
        return None

    @property
    def raster_groups(self) -> list[RasterGroupItem]:
        return [group for group, _ in self._groups]

    def settle(self) -> None:
        """Wait until every cached static image matches the data and the view (screenshots,
        exports and tests call this before they look)."""
        for group, _ in self._groups:
            group.settle()

    def close(self) -> None:
        """Detach every drawer and stop following the list."""
        self.layers.inserted.disconnect(self._on_inserted)
        self.layers.removed.disconnect(self._on_removed)
        self.layers.moved.disconnect(self._on_moved)
        self._drop_groups()
        for drawer in self._drawers.values():
            drawer.detach()
        self._drawers.clear()

    def _add(self, layer: Layer) -> None:
        cls = self._classes.get(layer.kind)
        if cls is None:
            return
        drawer = cls(layer, clock=self.clock)
        drawer.attach(self.host)
        if isinstance(drawer, RasterDrawer):
            drawer.listeners.append(self._on_raster_changed)
        self._drawers[id(layer)] = drawer

    def _restack(self) -> None:
        runs: list[tuple[int, list[RasterDrawer]]] = []
        previous_raster = False
        for index, layer in enumerate(self.layers):
            drawer = self._drawers.get(id(layer))
            if drawer is None:
                continue  # an undrawn layer does not split a run
            drawer.set_z(index)
            if isinstance(drawer, RasterDrawer):
                if not previous_raster:
                    runs.append((index, []))
                runs[-1][1].append(drawer)
                previous_raster = True
            else:
                previous_raster = False
        self._drop_groups()
        for index, members in runs:
            group = RasterGroupItem([d.source for d in members])
            group.setZValue(index * Z_STEP)
            self.host.addItem(group)
            self._groups.append((group, members))

    def _drop_groups(self) -> None:
        for group, _ in self._groups:
            group.shutdown()
            self.host.removeItem(group)
        self._groups.clear()

    def _on_raster_changed(self, drawer: RasterDrawer) -> None:
        for group, members in self._groups:
            if drawer in members:
                group.set_sources([d.source for d in members])
                return

    def _on_inserted(self, index: int, layer: Layer) -> None:
        self._add(layer)
        self._restack()

    def _on_removed(self, index: int, layer: Layer) -> None:
        drawer = self._drawers.pop(id(layer), None)
        if drawer is not None:
            if isinstance(drawer, RasterDrawer):
                drawer.listeners.remove(self._on_raster_changed)
            drawer.detach()
        self._restack()

    def _on_moved(self, from_index: int, to_index: int, layer: Layer) -> None:
        self._restack()
