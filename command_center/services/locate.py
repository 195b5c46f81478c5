"""Which unit grid a point lies in, from the grids in the store (loaded once, then in memory)."""

from __future__ import annotations

import json
import threading

from sqlalchemy import select

from command_center.domain.grid import GridIndex
from command_center.store.engine import Store
from command_center.store.models import UnitGrid


def exterior_ring(geometry: str) -> list[tuple[float, float]]:
    """The exterior ring of a GeoJSON Polygon (the first polygon of a MultiPolygon)."""
    geo = json.loads(geometry)
    coords = geo["coordinates"]
    ring = coords[0][0] if geo["type"] == "MultiPolygon" else coords[0]
    return [(float(x), float(y)) for x, y in ring]


_generation = 0  # bumped by `grids_changed`; a locator that saw an older one reloads
_generation_lock = threading.Lock()


def grids_changed() -> None:
    """The unit grids changed (an import here, or one another workstation logged): every
    locator of this process reloads them at its next lookup."""
    global _generation
    with _generation_lock:
        _generation += 1


class GridLocator:
    """Point-to-grid lookup over the store's unit grids; `invalidate()` after a grid import
    (or `grids_changed()` for every locator of the process)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._index: GridIndex | None = None
        self._seen = _generation
        self._lock = threading.Lock()

    def index(self) -> GridIndex:
        with self._lock:
            if self._index is None or self._seen != _generation:
                self._seen = _generation
                with self._store.read() as s:
                    rows = s.execute(select(UnitGrid.code, UnitGrid.geometry)).all()
                self._index = GridIndex.from_geometries(
                    (code, json.loads(geom)) for code, geom in rows
                )
            return self._index

    def index_or_none(self) -> GridIndex | None:
        """`index()`, or None while the city has no unit grids yet (an empty database)."""
        try:
            return self.index()
        except ValueError:  # "a grid index needs at least one cell"
            return None

    def locate(self, lon: float, lat: float) -> str | None:
        return self.index().lookup(lon, lat)

    def invalidate(self) -> None:
        with self._lock:
            self._index = None
