"""`MapScene`: a drawer per layer of a `LayerList`, kept in the list's order on a pyqtgraph plot.

Layers whose kind has no drawer in `DRAWERS` (tiles, heatmap, responsibility grids for now)
are skipped. Nothing here is a widget; `ui.map_canvas` hosts the plot.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from command_center.map.drawers import DRAWERS, Drawer
from command_center.map.layers import Layer, LayerList

__all__ = ["HIT_KINDS", "MapScene"]

HIT_KINDS = frozenset({"cases", "cameras", "squads"})


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
        self._classes = DRAWERS if drawers is None else drawers
        self._drawers: dict[int, Drawer] = {}  # id(layer) → drawer
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

    def close(self) -> None:
        """Detach every drawer and stop following the list."""
        self.layers.inserted.disconnect(self._on_inserted)
        self.layers.removed.disconnect(self._on_removed)
        self.layers.moved.disconnect(self._on_moved)
        for drawer in self._drawers.values():
            drawer.detach()
        self._drawers.clear()

    def _add(self, layer: Layer) -> None:
        cls = self._classes.get(layer.kind)
        if cls is None:
            return
        drawer = cls(layer, clock=self.clock)
        drawer.attach(self.host)
        self._drawers[id(layer)] = drawer

    def _restack(self) -> None:
        for index, layer in enumerate(self.layers):
            if (drawer := self._drawers.get(id(layer))) is not None:
                drawer.set_z(index)

    def _on_inserted(self, index: int, layer: Layer) -> None:
        self._add(layer)
        self._restack()

    def _on_removed(self, index: int, layer: Layer) -> None:
        drawer = self._drawers.pop(id(layer), None)
        if drawer is not None:
            drawer.detach()
        self._restack()

    def _on_moved(self, from_index: int, to_index: int, layer: Layer) -> None:
        self._restack()
