"""The day's map as one offline, interactive HTML page (folium, via `map.export_html`).

What it shows, as the command centre saw it at the report's moment (`now` for today, the
day's last second for a past day):

- 在办案件: the open cases, coloured by their deadline state (the map's own palette);
- 网格在办案件: the unit grids holding open cases, coloured by how many (a choropleth);
- 当日上报热力: a heatmap of every case reported that China day, open or finished;
- 处置队伍: the squads at their last known position; the districts for orientation.

The page is made by `map.export_html.export_html` from the map's own layer list, so it
shares the canvas's colours and inlines Leaflet: it opens with no network. `interop` and
`map` are sibling layers that may not import each other (pyproject's import-linter
contract), so the caller — the composition root, or a test — hands in a fresh layer stack
(`map.layers.default_layers()`) and the exporter; this module fills the one and calls the
other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.services import kpi
from command_center.services.queries import load_snapshot
from command_center.store.engine import Store

__all__ = ["DAY_MAP_LABELS", "DAY_MAP_LAYERS", "MAX_DAY_POINTS", "day_layers", "day_map"]

DAY_MAP_LABELS: dict[str, str] = {
    "districts": "行政区",
    "unit_grids": "网格在办案件",
    "heatmap": "当日上报热力",
    "cases": "在办案件",
    "squads": "处置队伍",
}
DAY_MAP_LAYERS = tuple(DAY_MAP_LABELS)
MAX_DAY_POINTS = 20_000  # a day's reports for the heatmap; a real day has a few hundred


# map.layers.LayerList (duck-typed: looked up by name, iterated by the exporter)
Layers = Any
# map.export_html.export_html
Exporter = Callable[..., Path]


def day_layers(
    store: Store, catalogue: Catalogue, day: date, layers: Layers, *, now: datetime
) -> datetime:
    """Fill `layers` (a fresh `map.layers.default_layers()`) with the day map and return the
    moment it shows (see the module docstring). Layers of other names are hidden."""
    as_of = _as_of(day, now)
    snapshot = load_snapshot(store, catalogue, as_of)
    for layer in layers:
        layer.visible = layer.name in DAY_MAP_LAYERS

    layers["districts"].set_districts(snapshot.districts)  # type: ignore[attr-defined]
    grids = layers["unit_grids"]
    # Only the cells with open cases: thousands of empty outlines would hide the colours.
    busy = [c for c in snapshot.grid_cells if c.open_cases]
    grids.set_cells({c.code: c.ring for c in busy})  # type: ignore[attr-defined]
    grids.set_values({c.code: float(c.open_cases) for c in busy})  # type: ignore[attr-defined]
    # Cases reported after the report's moment were not there yet.
    open_cases = [c for c in snapshot.open_cases if c.reported_at <= as_of]
    layers["cases"].set_cases(open_cases)  # type: ignore[attr-defined]
    layers["squads"].set_squads(snapshot.squads)  # type: ignore[attr-defined]

    reported = kpi.cases_for(
        store, kpi.KpiRange.days(day, 1), limit=MAX_DAY_POINTS, now=as_of, catalogue=catalogue
    )
    heat = layers["heatmap"]
    heat.visible = bool(reported)
    heat.set_points([c.lon for c in reported], [c.lat for c in reported])  # type: ignore[attr-defined]
    return as_of


def _focus(layers: Layers) -> tuple[float, float, float, float] | None:
    """The initial view: the unit grids, cases and reports (the urban core), not the whole
    districts (mostly countryside), with a small margin; None when there is nothing."""
    lons: list[float] = []
    lats: list[float] = []
    for ring in layers["unit_grids"].rings:  # type: ignore[attr-defined]
        for lon, lat in ring:
            lons.append(lon)
            lats.append(lat)
    for c in layers["cases"].cases.values():  # type: ignore[attr-defined]
        lons.append(c.lon)
        lats.append(c.lat)
    heat = layers["heatmap"]
    lons += [float(v) for v in heat.lons]  # type: ignore[attr-defined]
    lats += [float(v) for v in heat.lats]  # type: ignore[attr-defined]
    if not lons:
        return None
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    pad_x, pad_y = max((east - west) * 0.05, 0.002), max((north - south) * 0.05, 0.002)
    return west - pad_x, south - pad_y, east + pad_x, north + pad_y


def _as_of(day: date, now: datetime) -> datetime:
    """`now` during `day`, its last second after it (as `report_pdf.report_as_of`, which
    this Qt-free module does not import)."""
    rng = kpi.KpiRange.days(day, 1)
    if now < rng.start:
        raise ValueError(f"{day.isoformat()} has not begun yet (now is {now:%Y-%m-%d %H:%M})")
    return min(now.astimezone(CST), rng.end - timedelta(seconds=1))


def day_map(
    store: Store,
    catalogue: Catalogue,
    day: date,
    out: Path,
    *,
    now: datetime,
    layers: Layers,
    export: Exporter,
    labels: Mapping[str, str] = DAY_MAP_LABELS,
) -> Path:
    """Write the map of China day `day` as an offline HTML page at `out`; return `out`.

    `layers` is a fresh `map.layers.default_layers()` and `export` is
    `map.export_html.export_html` (see the module docstring for why they are handed in).
    Raises ValueError for a day not begun, FileNotFoundError / IsADirectoryError for an
    unusable `out`, `map.export_html.ExportError` if the page would need the network.
    """
    as_of = day_layers(store, catalogue, day, layers, now=now)
    title = f"城市管理每日态势图 {day.isoformat()}"
    return export(layers, Path(out), now=as_of, title=title, bounds=_focus(layers), labels=labels)
