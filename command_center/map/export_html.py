"""The map's layers as one self-contained, interactive HTML file that works offline (folium).

The bureau's workstations have no internet, so the file must not fetch anything: folium's
page links Leaflet (and jQuery, Bootstrap, Font Awesome, awesome-markers) from CDNs. The
export uses only what needs Leaflet itself — GeoJSON layers drawn as SVG paths and circle
markers, GeoJSON tooltips and popups, a layer control, and Leaflet.heat for the heatmap —
and replaces every link folium writes with the content of the copy bundled in
``resources/web/`` (see ``resources/ATTRIBUTION.md``). Image references in Leaflet's CSS
become ``data:`` URIs. If a link is left that has no bundled copy, or any ``http(s)://``
asset reference remains in the page, `export_html` raises instead of writing the file.

Every layer is one GeoJSON FeatureCollection (6,000 unit grids are one object, not 6,000),
added in the layer list's order; a hidden layer is in the layer control, unchecked. Tiles
are left out: there is no tile server on the intranet by default.

Plain Python: no Qt and no pyqtgraph (the palettes below repeat the drawers' on purpose;
a test keeps them equal).
"""

from __future__ import annotations

import base64
import html
import math
import mimetypes
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import folium
from folium.plugins import HeatMap

from command_center.domain.deadline_state import DeadlineState, deadline_state
from command_center.domain.workflow import PAUSED_STATES
from command_center.map.layers import (
    CameraLayer,
    CaseLayer,
    DistrictLayer,
    HeatmapLayer,
    Layer,
    LayerList,
    RegistryLayer,
    ResponsibilityGridLayer,
    RiverLayer,
    SquadLayer,
    UnitGridLayer,
)
from command_center.map.palette import (
    CHOROPLETH_COLORS,
    DEADLINE_COLORS,
    SQUAD_STATUS_COLORS,
)
from command_center.services.snapshot import CaseRow, Ring

__all__ = [
    "BUNDLED_ASSETS",
    "CHOROPLETH_COLORS",
    "DEADLINE_COLORS",
    "DEFAULT_LABELS",
    "SQUAD_STATUS_COLORS",
    "WEB_DIR",
    "ExportError",
    "case_deadline_state",
    "export_html",
    "find_external_assets",
    "render_html",
]

WEB_DIR = Path(__file__).resolve().parents[2] / "resources" / "web"

# folium's asset URL → the unchanged copy under WEB_DIR that is inlined in its place.
# Keyed by the exact URL, so a folium upgrade that moves to another Leaflet fails loudly
# (ExportError) until the new files are bundled, instead of shipping a CDN link.
BUNDLED_ASSETS: Mapping[str, str] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet-1.9.3/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet-1.9.3/leaflet.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/"
    "leaflet_heat.min.js": "leaflet-heat/leaflet_heat.min.js",
}
# Of folium.Map's default links, the export keeps Leaflet only: jQuery (used by
# folium.Popup and keep_in_front), Bootstrap, glyphicons, Font Awesome and awesome-markers
# (icon markers) serve features it does not use.
_MAP_JS = ("leaflet",)
_MAP_CSS = ("leaflet_css",)

# The map's colours: the same tables as the canvas (command_center.map.palette).

_DEADLINE_LABELS: Mapping[DeadlineState, str] = {
    DeadlineState.ON_TIME: "正常",
    DeadlineState.DUE_SOON: "即将到期",
    DeadlineState.OVERDUE: "已超时",
    DeadlineState.PAUSED: "暂停计时",
    DeadlineState.NONE: "未派遣",
}
_SQUAD_STATUS_LABELS: Mapping[str, str] = {
    "idle": "空闲",
    "en_route": "出动中",
    "handling": "处置中",
    "offline": "离线",
    "available": "空闲",
    "busy": "处置中",
    "off_duty": "下班",
}
# The layer control's label for each kind; `export_html(labels=…)` overrides by layer name.
DEFAULT_LABELS: Mapping[str, str] = {
    "districts": "行政区",
    "river": "河流",
    "unit_grids": "单元网格",
    "responsibility_grids": "责任网格",
    "heatmap": "案件热力图",
    "cameras": "视频监控",
    "cases": "在办案件",
    "squads": "处置队伍",
}

COORD_DIGITS = 6  # decimal degrees: about 0.1 m, the precision GeoJSON (RFC 7946) suggests
_PAUSED = frozenset(s.value for s in PAUSED_STATES)
_TIME_FORMAT = "%Y-%m-%d %H:%M"

Bounds = tuple[float, float, float, float]  # west, south, east, north (WGS-84 degrees)


class ExportError(RuntimeError):
    """The page cannot be made self-contained (an asset is missing or a link remains)."""


def case_deadline_state(row: CaseRow, now: datetime) -> DeadlineState:
    """A case's deadline state at `now`, as the map's case drawer derives it: a paused
    clock wins; the server's overdue flag (which counts working hours) also makes a running
    case overdue."""
    state = deadline_state(row.deadline_at, now, paused=row.state in _PAUSED)
    if row.overdue and state is not DeadlineState.PAUSED:
        return DeadlineState.OVERDUE
    return state


def export_html(
    layers: LayerList,
    path: Path,
    *,
    now: datetime,
    title: str = "城市管理指挥中心地图",
    bounds: Bounds | None = None,
    labels: Mapping[str, str] | None = None,
) -> Path:
    """Write `layers` as one offline HTML page at `path` and return the path written.

    `now` decides the cases' deadline colours and is printed as the export time; `bounds`
    (west, south, east, north) is the initial view, by default the extent of the data
    (rivers left out: they run far beyond the city).
    `labels` maps a layer's name to its label in the layer control (default: by kind, in
    Chinese). Tile layers, and any kind this module has no builder for, are left out. The
    file is replaced atomically (a temporary file in the same folder, then a rename).

    Raises FileNotFoundError / IsADirectoryError for an unusable `path`, ValueError for bad
    `bounds`, ExportError if the page would still reference anything online.
    """
    path = _check_path(Path(path))
    page = render_html(layers, now=now, title=title, bounds=bounds, labels=labels)
    _write_atomically(path, page)
    return path


def render_html(
    layers: LayerList,
    *,
    now: datetime,
    title: str = "城市管理指挥中心地图",
    bounds: Bounds | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The page `export_html` writes, as a string (already checked to be offline)."""
    view = _check_bounds(bounds) if bounds is not None else None
    extent = _Extent()
    fmap = folium.Map(location=(0.0, 0.0), zoom_start=2, tiles=None, control_scale=True)
    fmap.default_js = _pick(folium.Map.default_js, _MAP_JS)
    fmap.default_css = _pick(folium.Map.default_css, _MAP_CSS)
    root = fmap.get_root()
    root.title = html.escape(title)  # type: ignore[attr-defined]

    for layer in layers:
        build = _BUILDERS.get(layer.kind)
        if build is None:  # tiles (no tile server offline), or a kind unknown here
            continue
        label = (labels or {}).get(layer.name) or DEFAULT_LABELS.get(layer.kind, "")
        if not label:  # a registry is labelled by its own name (违法建设, …)
            label = layer.spec.label if isinstance(layer, RegistryLayer) else layer.name
        element = build(layer, label, now, extent)
        if element is not None:
            element.add_to(fmap)

    folium.LayerControl(collapsed=False).add_to(fmap)
    view = view or extent.bounds()
    if view is not None:
        west, south, east, north = view
        fmap.fit_bounds([[south, west], [north, east]])
    root.header.add_child(folium.Element(_BOX_STYLE), name="cc_box_style")  # type: ignore[attr-defined]
    root.html.add_child(folium.Element(_info_box(title, now)), name="cc_box")  # type: ignore[attr-defined]

    page = _inline_assets(root.render())
    if "charset=utf-8" not in page[: page.find("</head>")].lower():
        page = page.replace("<head>", '<head>\n<meta charset="utf-8">', 1)
    remaining = find_external_assets(page)
    if remaining:
        raise ExportError(
            "the exported page still references online assets, which the intranet cannot "
            f"load: {', '.join(remaining)}"
        )
    return page


# ---------------------------------------------------------------- layers → folium


class _Extent:
    """The bounding box of every coordinate written, for the default view."""

    def __init__(self) -> None:
        self.west = self.south = math.inf
        self.east = self.north = -math.inf

    def add(self, lon: float, lat: float) -> None:
        self.west, self.east = min(self.west, lon), max(self.east, lon)
        self.south, self.north = min(self.south, lat), max(self.north, lat)

    def bounds(self) -> Bounds | None:
        if self.west > self.east:
            return None
        return self.west, self.south, self.east, self.north


def _point(lon: float, lat: float, extent: _Extent) -> list[float]:
    x, y = round(float(lon), COORD_DIGITS), round(float(lat), COORD_DIGITS)
    extent.add(x, y)
    return [x, y]


def _line(ring: Ring, extent: _Extent) -> list[list[float]]:
    return [_point(lon, lat, extent) for lon, lat in ring]


def _polygon(ring: Ring, extent: _Extent) -> list[list[list[float]]] | None:
    """A GeoJSON polygon (one closed exterior ring), or None for a degenerate ring."""
    coords = _line(ring, extent)
    if len(coords) < 3:
        return None
    if coords[0] != coords[-1]:
        coords.append(coords[0])
    return [coords]


def _feature(geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    # Tooltips and popups put property values into innerHTML: escape every text.
    props = {k: html.escape(v) if isinstance(v, str) else v for k, v in properties.items()}
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def _geojson(
    layer: Layer,
    label: str,
    features: list[dict[str, Any]],
    style: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    tooltip: Mapping[str, str] | None = None,
    popup: Mapping[str, str] | None = None,
    radius: float | None = None,
) -> folium.GeoJson | None:
    """One GeoJson overlay for a whole layer; None when the layer has nothing to show.
    `tooltip` and `popup` map property names to their (Chinese) captions."""
    if not features:
        return None
    return folium.GeoJson(
        _collection(features),
        name=label,
        show=layer.visible,
        style_function=style,
        marker=folium.CircleMarker(radius=radius) if radius is not None else None,
        tooltip=_details(folium.GeoJsonTooltip, tooltip),
        popup=_details(folium.GeoJsonPopup, popup),
    )


def _details(kind: Any, fields: Mapping[str, str] | None) -> Any:
    if not fields:
        return None
    labelled = any(fields.values())
    return kind(fields=list(fields), aliases=list(fields.values()), labels=labelled)


def _districts(layer: Layer, label: str, now: datetime, extent: _Extent) -> Any:
    assert isinstance(layer, DistrictLayer)
    features = []
    for d in layer.districts:
        polygons = [p for p in (_polygon(r, extent) for r in d.rings) if p is not None]
        if polygons:
            geometry = {"type": "MultiPolygon", "coordinates": polygons}
            features.append(_feature(geometry, code=d.code, name=d.name))
    style = {
        "color": "#5fb3ff",
        "weight": 2,
        "opacity": layer.opacity,
        "fillColor": "#2fa8ff",
        "fillOpacity": 0.11 * layer.opacity,
    }
    return _geojson(layer, label, features, lambda f: style, tooltip={"name": ""})


def _river(layer: Layer, label: str, now: datetime, extent: _Extent) -> Any:
    assert isinstance(layer, RiverLayer)
    # Rivers run far beyond the city: they do not widen the default view.
    features = [
        _feature({"type": "LineString", "coordinates": _line(line, _Extent())}, index=i)
        for i, line in enumerate(layer.lines)
        if len(line) >= 2
    ]
    style = {"color": "#3a7bd5", "weight": 3, "opacity": layer.opacity}
    return _geojson(layer, label, features, lambda f: style)


def _unit_grids(layer: Layer, label: str, now: datetime, extent: _Extent) -> Any:
    assert isinstance(layer, UnitGridLayer)
    values = layer.values
    value_range = layer.value_range()
    features = []
    for code, ring in layer.cells.items():
        polygon = _polygon(ring, extent)
        if polygon is None:
            continue
        props: dict[str, Any] = {"code": code}
        if value_range is not None:
            value = values.get(code)
            props["value"] = "" if value is None else round(value, 6)
            props["bucket"] = -1 if value is None else _bucket(value, *value_range)
        features.append(_feature({"type": "Polygon", "coordinates": polygon}, **props))
    outline = {"color": "#3b4a5c", "weight": 1, "opacity": layer.opacity, "fillOpacity": 0.0}

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        bucket = feature["properties"].get("bucket", -1)
        if bucket < 0:
            return outline
        fill = {"fillColor": CHOROPLETH_COLORS[bucket], "fillOpacity": 0.6 * layer.opacity}
        return outline | fill

    tooltip = {"code": "网格编码"} | ({"value": "数值"} if value_range is not None else {})
    return _geojson(layer, label, features, style, tooltip=tooltip)


def _bucket(value: float, lo: float, hi: float) -> int:
    """The choropleth bucket of `value`, as the drawer cuts the range: equal widths."""
    n = len(CHOROPLETH_COLORS)
    span = hi - lo
    return 0 if span == 0 else min(int((value - lo) / span * n), n - 1)


def _responsibility_grids(layer: Layer, label: str, now: datetime, extent: _Extent) -> Any:
    assert isinstance(layer, ResponsibilityGridLayer)
    features = [
        _feature({"type": "Polygon", "coordinates": polygon}, code=code)
        for code, polygon in ((c, _polygon(r, extent)) for c, r in layer.cells.items())
        if polygon is not None
    ]
    style = {
        "color": "#c792ea",
        "weight": 1.5,
        "dashArray": "4 3",
        "opacity": layer.opacity,
        "fillOpacity": 0.0,
    }
    return _geojson(layer, label, features, lambda f: style, tooltip={"code": "责任网格"})


def _heatmap(layer: Layer, label: str, now: datetime, extent: _Extent) -> Any:
    assert isinstance(layer, HeatmapLayer)
    if not layer.visible or len(layer.lons) == 0:
        return None
    data = [
        [*reversed(_point(lon, lat, extent)), float(w)]  # folium wants (lat, lon, weight)
        for lon, lat, w in zip(layer.lons, layer.lats, layer.weights, strict=True)
    ]
    return HeatMap(data, name=label, show=True, min_opacity=0.3 * layer.opacity)


def _points_style(layer: Layer, color: str) -> dict[str, Any]:
    return {
        "color": "#0b1320",
        "weight": 1,
        "opacity": layer.opacity,
        "fillColor": color,
        "fillOpacity": 0.9 * layer.opacity,
        "fill": True,
    }


def _cameras(layer: Layer, label: str, now: datetime, extent: _Extent) -> Any:
    assert isinstance(layer, CameraLayer)
    # The stream URL is left out on purpose: it may carry credentials.
    features = [
        _feature(
            {"type": "Point", "coordinates": _point(row.lon, row.lat, extent)},
            code=row.code,
            name=row.name,
            enabled="在线" if row.enabled else "停用",
        )
        for row in layer.cameras.values()
    ]
    on, off = _points_style(layer, "#c792ea"), _points_style(layer, "#55606e")

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return on if feature["properties"]["enabled"] == "在线" else off

    tooltip = {"name": ""}
    popup = {"code": "编号", "name": "名称", "enabled": "状态"}
    return _geojson(layer, label, features, style, tooltip=tooltip, popup=popup, radius=4)


def _cases(layer: Layer, label: str, now: datetime, extent: _Extent) -> Any:
    assert isinstance(layer, CaseLayer)
    features = []
    for row in layer.cases.values():
        state = case_deadline_state(row, now)
        deadline = row.deadline_at.strftime(_TIME_FORMAT) if row.deadline_at else "—"
        features.append(
            _feature(
                {"type": "Point", "coordinates": _point(row.lon, row.lat, extent)},
                case_no=row.case_no,
                category=row.category_name,
                address=row.address,
                deadline=deadline,
                deadline_state=_DEADLINE_LABELS[state],
                squad=row.squad_name or "—",
                urgent="是" if row.urgent else "否",
                state=state.value,
            )
        )
    styles = {s: _points_style(layer, c) for s, c in DEADLINE_COLORS.items()}

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return styles[DeadlineState(feature["properties"]["state"])]

    popup = {
        "case_no": "案件编号",
        "category": "类别",
        "address": "地址",
        "deadline": "处置时限",
        "deadline_state": "时限状态",
        "squad": "处置队伍",
        "urgent": "紧急",
    }
    tooltip = {"case_no": "", "category": ""}
    return _geojson(layer, label, features, style, tooltip=tooltip, popup=popup, radius=5.5)


def _squads(layer: Layer, label: str, now: datetime, extent: _Extent) -> Any:
    assert isinstance(layer, SquadLayer)
    features = [
        _feature(
            {"type": "Point", "coordinates": _point(row.lon, row.lat, extent)},
            code=row.code,
            name=row.name,
            unit=row.unit_name,
            status=_SQUAD_STATUS_LABELS.get(row.activity or row.status, row.status),
            open_cases=row.open_cases,
            color=SQUAD_STATUS_COLORS.get(row.activity or row.status, "#ffffff"),
        )
        for row in layer.squads.values()
        if row.lon is not None and row.lat is not None
    ]
    styles = {c: _points_style(layer, c) for c in {*SQUAD_STATUS_COLORS.values(), "#ffffff"}}

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return styles[feature["properties"]["color"]]

    popup = {"name": "队伍", "unit": "单位", "status": "状态", "open_cases": "在办案件"}
    return _geojson(layer, label, features, style, tooltip={"name": ""}, popup=popup, radius=6)


REGISTRY_OVERDUE = "#ff1744"  # drawers.REGISTRY_OVERDUE: the ring round an overdue object


def _registry(layer: Layer, label: str, now: datetime, extent: _Extent) -> Any:
    """A registry (台账) only when it is shown on the map: points in the status colour,
    footprints filled in it, outlined in red when past the deadline."""
    assert isinstance(layer, RegistryLayer)
    if not layer.visible:
        return None
    spec = layer.spec
    statuses = {s.key: s for s in spec.statuses}
    today = now.date()
    features = []
    for row in layer.objects.values():
        status = statuses.get(row.status)
        late = layer.is_overdue(row, today)
        props = {
            "code": row.code,
            "name": row.name,
            "status": (status.label if status else row.status) + ("（已超期）" if late else ""),
            "address": row.address or "—",
            "color": status.colour if status else "#ffffff",
            "overdue": late,
        }
        polygon = _polygon(row.footprint, extent) if row.footprint else None
        if polygon is not None:
            features.append(_feature({"type": "Polygon", "coordinates": polygon}, **props))
        features.append(
            _feature({"type": "Point", "coordinates": _point(row.lon, row.lat, extent)}, **props)
        )

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        p = feature["properties"]
        out = _points_style(layer, p["color"])
        if feature["geometry"]["type"] == "Polygon":
            out |= {"color": p["color"], "weight": 1.5, "fillOpacity": 0.35 * layer.opacity}
        if p["overdue"]:
            out |= {"color": REGISTRY_OVERDUE, "weight": 2.5}
        return out

    popup = {"code": "编号", "name": "名称", "status": "状态", "address": "地址"}
    return _geojson(
        layer, label or spec.label, features, style, tooltip={"code": "", "name": ""},
        popup=popup, radius=5,
    )


_BUILDERS: Mapping[str, Callable[[Layer, str, datetime, _Extent], Any]] = {
    DistrictLayer.kind: _districts,
    RiverLayer.kind: _river,
    UnitGridLayer.kind: _unit_grids,
    ResponsibilityGridLayer.kind: _responsibility_grids,
    HeatmapLayer.kind: _heatmap,
    CameraLayer.kind: _cameras,
    CaseLayer.kind: _cases,
    SquadLayer.kind: _squads,
    RegistryLayer.kind: _registry,
}

# ---------------------------------------------------------------- title and legend

_FONTS = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif'
_BOX_STYLE = f"""<style>
.leaflet-container {{ font-family: {_FONTS}; }}
.cc-box {{ position: absolute; left: 54px; top: 10px; z-index: 1000; padding: 6px 10px;
  background: rgba(255, 255, 255, 0.9); border-radius: 4px; font: 13px/1.5 {_FONTS};
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.3); }}
.cc-box h1 {{ font-size: 15px; margin: 0 0 2px; }}
.cc-box i {{ display: inline-block; width: 10px; height: 10px; border-radius: 50%;
  margin: 0 4px 0 8px; border: 1px solid #0b1320; }}
</style>"""


def _info_box(title: str, now: datetime) -> str:
    legend = "".join(
        f'<i style="background:{DEADLINE_COLORS[s]}"></i>{_DEADLINE_LABELS[s]}'
        for s in DeadlineState
    )
    return (
        f'<div class="cc-box"><h1>{html.escape(title)}</h1>'
        f"<div>导出时间 {now.strftime(_TIME_FORMAT)}</div><div>案件时限：{legend}</div></div>"
    )


# ---------------------------------------------------------------- offline page


def _pick(links: Iterable[tuple[str, str]], names: tuple[str, ...]) -> list[tuple[str, str]]:
    found = [(name, url) for name, url in links if name in names]
    if len(found) != len(names):
        raise ExportError(f"folium's map no longer lists {names} among its default assets")
    return found


_SCRIPT_LINK = re.compile(r'<script\s+src="([^"]+)"\s*>\s*</script>')
_CSS_LINK = re.compile(r'<link\s+rel="stylesheet"\s+href="([^"]+)"\s*/?>')
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def _inline_assets(page: str) -> str:
    """Replace each <script src> and stylesheet <link> that folium writes in the head with
    the bundled file's content; ExportError for a link that has no bundled copy."""
    head_end = page.find("</head>")
    if head_end < 0:
        raise ExportError("folium's page has no </head>")
    head, rest = page[:head_end], page[head_end:]

    def script(match: re.Match[str]) -> str:
        code = _read_asset(match.group(1)).read_text(encoding="utf-8")
        if "</script" in code.lower():
            raise ExportError(f"{match.group(1)} cannot be inlined: it contains '</script'")
        return f"<script>\n{code}\n</script>"

    def stylesheet(match: re.Match[str]) -> str:
        file = _read_asset(match.group(1))
        css = _CSS_URL.sub(lambda m: _data_uri(m, file), file.read_text(encoding="utf-8"))
        if "</style" in css.lower():
            raise ExportError(f"{match.group(1)} cannot be inlined: it contains '</style'")
        return f"<style>\n{css}\n</style>"

    return _CSS_LINK.sub(stylesheet, _SCRIPT_LINK.sub(script, head)) + rest


def _read_asset(url: str) -> Path:
    relative = BUNDLED_ASSETS.get(url)
    if relative is None:
        raise ExportError(
            f"the page links {url}, which has no offline copy; bundle it in {WEB_DIR} and "
            "list it in BUNDLED_ASSETS (and resources/ATTRIBUTION.md)"
        )
    file = WEB_DIR / relative
    if not file.is_file():
        raise ExportError(f"the bundled copy of {url} is missing: {file}")
    return file


def _data_uri(match: re.Match[str], css_file: Path) -> str:
    """url(images/x.png) in a bundled stylesheet → url(data:…); fragments stay as they are."""
    target = match.group(2).strip()
    if target.startswith(("#", "data:")):
        return match.group(0)
    file = (css_file.parent / target).resolve()
    if not file.is_relative_to(WEB_DIR.resolve()) or not file.is_file():
        raise ExportError(f"{css_file.name} refers to {target}, which is not bundled")
    mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    encoded = base64.b64encode(file.read_bytes()).decode("ascii")
    return f'url("data:{mime};base64,{encoded}")'


# Tags and attributes through which a page loads something.
_FETCHING_ATTRS: Mapping[str, tuple[str, ...]] = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
_ONLINE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_CSS_ONLINE = re.compile(
    r"""url\(\s*['"]?\s*((?:https?:)?//[^'")\s]*)|@import\s+['"]((?:https?:)?//[^'"]*)""",
    re.IGNORECASE,
)


class _AssetFinder(HTMLParser):
    """Collects online references in tags that fetch, in style attributes and in <style>.
    Script bodies are text to the parser, so URLs inside JavaScript strings (SVG's
    namespace, Leaflet's attribution link) are not mistaken for assets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fetching = _FETCHING_ATTRS.get(tag, ())
        for name, value in attrs:
            if value is None:
                continue
            if name in fetching and any(_ONLINE.match(v) for v in value.split(",")):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "style":
                self.found.extend(_css_online(value))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found.extend(_css_online(data))


def _css_online(css: str) -> Iterator[str]:
    for match in _CSS_ONLINE.finditer(css):
        yield f"CSS {match.group(1) or match.group(2)}"


def find_external_assets(page: str) -> list[str]:
    """Every online (``http://``, ``https://`` or ``//``) asset reference in an HTML page:
    script, stylesheet, image, frame and media sources, and CSS ``url()`` / ``@import``."""
    finder = _AssetFinder()
    finder.feed(page)
    finder.close()
    return finder.found


# ---------------------------------------------------------------- arguments and output


def _check_path(path: Path) -> Path:
    if path.is_dir():
        raise IsADirectoryError(f"cannot export the map to {path}: it is a folder")
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"cannot export the map to {path}: the folder {path.parent} does not exist"
        )
    return path


def _check_bounds(bounds: Bounds) -> Bounds:
    try:
        west, south, east, north = (float(v) for v in bounds)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"bounds must be (west, south, east, north), got {bounds!r}") from exc
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ValueError(f"bounds must be finite numbers, got {bounds!r}")
    if not (-90.0 <= south < north <= 90.0 and west < east):
        raise ValueError(
            f"bounds must be (west, south, east, north) with west < east and "
            f"-90 <= south < north <= 90, got {bounds!r}"
        )
    return west, south, east, north


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
