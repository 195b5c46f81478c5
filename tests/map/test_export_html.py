"""The offline HTML export: no online asset left, every feature embedded, hidden layers
unchecked, clear errors; and a real headless Chromium with no network draws the map."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from command_center.domain.deadline_state import DeadlineState
from command_center.map import export_html as export_module
from command_center.map.export_html import (
    DEADLINE_COLORS,
    ExportError,
    case_deadline_state,
    export_html,
    find_external_assets,
)
from command_center.map.layers import LayerList, default_layers
from command_center.services.snapshot import CameraRow, CaseRow, DistrictShape, SquadRow

NOW = datetime(2024, 6, 1, 9, 0, 0)
X0, Y0 = 120.44, 41.57  # the urban core of Chaoyang
CELL = 0.001


def _square(x: float, y: float, size: float) -> tuple[tuple[float, float], ...]:
    return ((x, y), (x + size, y), (x + size, y + size), (x, y + size))


def _case(i: int, *, state: str = "dispatched", deadline: timedelta | None, **kw: Any) -> CaseRow:
    values: dict[str, Any] = {
        "id": i,
        "case_no": f"2024060100{i:02d}",
        "category_code": "0101",
        "category_name": "井盖破损",
        "state": state,
        "district_code": "211302",
        "address": f"双塔区朝阳大街{i}号",
        "lon": X0 + 0.0005 + i * CELL,
        "lat": Y0 + 0.0005,
        "reported_at": NOW - timedelta(hours=3),
        "deadline_at": None if deadline is None else NOW + deadline,
        "overdue": False,
        "squad_name": "第一中队",
    }
    return CaseRow(**(values | kw))


# One case per deadline state, in DeadlineState order.
CASES = (
    _case(1, deadline=timedelta(hours=4)),  # on time
    _case(2, deadline=timedelta(minutes=30)),  # due soon
    _case(3, deadline=timedelta(minutes=-5)),  # overdue
    _case(4, state="suspended", deadline=timedelta(minutes=-5), overdue=True),  # paused
    _case(5, state="registered", deadline=None),  # no deadline
)
EXPECTED_STATES = (
    DeadlineState.ON_TIME,
    DeadlineState.DUE_SOON,
    DeadlineState.OVERDUE,
    DeadlineState.PAUSED,
    DeadlineState.NONE,
)
CELLS = {f"2113020010010{i:02d}": _square(X0 + i * CELL, Y0, CELL) for i in range(6)}


@pytest.fixture
def layers() -> LayerList:
    """Two districts, a river, six unit grids (with values), two responsibility grids, a
    camera, five cases in every deadline state, a squad. The heatmap stays hidden."""
    stack = default_layers()
    stack["districts"].set_districts(
        [
            DistrictShape("211302", "双塔区", (_square(X0 - 0.01, Y0 - 0.01, 0.01),)),
            DistrictShape("211303", "龙城区", (_square(X0 - 0.02, Y0 - 0.01, 0.01),)),
        ]
    )
    stack["river"].set_lines([((X0 - 0.02, Y0 - 0.005), (X0 + 0.01, Y0 - 0.004))])
    stack["unit_grids"].set_cells(CELLS)
    stack["unit_grids"].set_values({code: float(i) for i, code in enumerate(CELLS)})
    stack["responsibility_grids"].set_cells(
        {"Z01": _square(X0, Y0, 3 * CELL), "Z02": _square(X0 + 3 * CELL, Y0, 3 * CELL)}
    )
    stack["heatmap"].set_points([c.lon for c in CASES], [c.lat for c in CASES])
    stack["cameras"].set_cameras(
        [CameraRow(7, "CAM007", "朝阳大街东口", X0 + 0.002, Y0 + 0.002, "rtsp://u:p@h/1", True)]
    )
    stack["cases"].set_cases(CASES)
    stack["squads"].set_squads(
        [SquadRow(9, "SQ09", "第一中队", "双塔区城管执法局", "busy", 2, X0 + 0.003, Y0 + 0.003)]
    )
    return stack


def _export(layers: LayerList, tmp_path: Path, **kw: Any) -> str:
    path = export_html(layers, tmp_path / "地图.html", now=NOW, **kw)
    assert path == tmp_path / "地图.html"
    return path.read_bytes().decode("utf-8")


def _embedded(page: str) -> dict[str, dict[str, Any]]:
    """Each GeoJson overlay's variable name → its embedded FeatureCollection."""
    return {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(r"^\s*(geo_json_\w+)_add\((.*)\);$", page, re.MULTILINE)
    }


def _overlays(page: str) -> dict[str, str]:
    """The layer control's label → the overlay's variable name."""
    block = re.search(r"overlays\s*:\s*\{(.*?)\}", page, re.DOTALL)
    assert block is not None, "no layer control in the page"
    pairs = re.findall(r'("(?:[^"\\]|\\.)*")\s*:\s*(\w+)', block.group(1))
    return {json.loads(label): name for label, name in pairs}


def _by_label(page: str, label: str) -> dict[str, Any]:
    return _embedded(page)[_overlays(page)[label]]


# ---------------------------------------------------------------- offline


def test_no_online_script_link_or_image_reference(layers, tmp_path):
    layers["heatmap"].visible = True  # Leaflet.heat is a script of its own
    page = _export(layers, tmp_path)

    assert find_external_assets(page) == []
    # Independently of the module's own checker:
    online = r"""\s*=\s*["']?\s*(?:https?:)?//"""
    assert not re.search(r"<script\b[^>]*\bsrc" + online, page, re.IGNORECASE)
    assert not re.search(r"<link\b[^>]*\bhref" + online, page, re.IGNORECASE)
    assert not re.search(r"<img\b[^>]*\bsrc" + online, page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", page, re.IGNORECASE)
    assert "<script src=" not in page and "<link rel=" not in page  # everything inlined
    # Leaflet, its stylesheet (images as data: URIs) and Leaflet.heat are in the page.
    assert "Leaflet 1.9.3" in page and ".leaflet-container" in page
    assert "data:image/png;base64," in page
    assert "L.heatLayer" in page and "simpleheat" in page


def test_find_external_assets_catches_every_kind_of_online_reference():
    page = """<html><head>
        <script src="https://cdn.example.com/a.js"></script>
        <link rel="stylesheet" href="//cdn.example.com/b.css"/>
        <style>@import "https://cdn.example.com/c.css"; .x { background: url(http://e/d.png) }
        </style></head><body>
        <img src="HTTPS://e/e.png"><div style="background-image: url('https://e/f.png')"></div>
        <script>var svg = "http://www.w3.org/2000/svg"; var a = '<img src="https://x/y">';
        </script><a href="https://leafletjs.com">Leaflet</a><img src="data:image/png;base64,AA">
        </body></html>"""
    found = find_external_assets(page)
    assert len(found) == 6, found
    for name in ("a.js", "b.css", "c.css", "d.png", "e.png", "f.png"):
        assert any(name in f for f in found), (name, found)


def test_a_link_without_a_bundled_copy_fails_loudly_and_writes_nothing(
    layers, tmp_path, monkeypatch
):
    monkeypatch.setattr(export_module, "BUNDLED_ASSETS", {})
    with pytest.raises(ExportError, match=r"leaflet@1\.9\.3/dist/leaflet\.js.*no offline copy"):
        export_html(layers, tmp_path / "map.html", now=NOW)
    assert list(tmp_path.iterdir()) == []


def test_a_remaining_online_reference_fails_loudly(layers, tmp_path, monkeypatch):
    real = export_module._inline_assets
    monkeypatch.setattr(
        export_module,
        "_inline_assets",
        lambda page: real(page).replace("</head>", '<script src="https://x.cn/a.js"></script>'),
    )
    with pytest.raises(ExportError, match=r"online assets.*https://x\.cn/a\.js"):
        export_html(layers, tmp_path / "map.html", now=NOW)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- content


def test_every_feature_is_embedded_once_per_layer(layers, tmp_path):
    page = _export(layers, tmp_path)
    # One GeoJson object per non-empty vector layer, never one per feature.
    assert len(_embedded(page)) == page.count("L.geoJson(") == 7

    districts = _by_label(page, "行政区")["features"]
    assert [f["properties"]["name"] for f in districts] == ["双塔区", "龙城区"]
    assert districts[0]["geometry"]["type"] == "MultiPolygon"
    ring = districts[0]["geometry"]["coordinates"][0][0]
    assert ring[0] == ring[-1] == [round(X0 - 0.01, 6), round(Y0 - 0.01, 6)]  # closed, lon/lat

    grids = _by_label(page, "单元网格")["features"]
    assert [f["properties"]["code"] for f in grids] == list(CELLS)
    assert [f["properties"]["bucket"] for f in grids] == [0, 1, 2, 4, 5, 6]
    assert [f["properties"]["code"] for f in _by_label(page, "责任网格")["features"]] == [
        "Z01",
        "Z02",
    ]
    assert len(_by_label(page, "河流")["features"]) == 1

    cases = {f["properties"]["case_no"]: f for f in _by_label(page, "在办案件")["features"]}
    assert set(cases) == {c.case_no for c in CASES}
    first = cases[CASES[0].case_no]
    assert first["geometry"]["coordinates"] == [CASES[0].lon, CASES[0].lat]
    assert first["properties"]["category"] == "井盖破损"
    assert first["properties"]["address"] == "双塔区朝阳大街1号"
    assert first["properties"]["deadline"] == "2024-06-01 13:00"
    assert [cases[c.case_no]["properties"]["state"] for c in CASES] == list(EXPECTED_STATES)
    assert cases[CASES[4].case_no]["properties"]["deadline"] == "—"

    (camera,) = _by_label(page, "视频监控")["features"]
    assert camera["properties"]["name"] == "朝阳大街东口"
    assert "rtsp://" not in page  # the stream URL (and its password) stays out
    (squad,) = _by_label(page, "处置队伍")["features"]
    assert squad["properties"]["name"] == "第一中队"
    assert "L.heatLayer" not in page  # the heatmap is hidden: not exported


def test_cases_are_circle_markers_coloured_by_deadline_state_with_a_popup(layers, tmp_path):
    page = _export(layers, tmp_path)
    name = _overlays(page)["在办案件"]
    assert f"function {name}_pointToLayer" in page
    assert "new L.CircleMarker(latlng, opts)" in page
    assert "L.AwesomeMarkers" not in page and "L.marker(" not in page
    styler = re.search(rf"function {name}_styler.*?\n        \}}\n", page, re.DOTALL)
    assert styler is not None
    for colour in DEADLINE_COLORS.values():
        assert f'"fillColor": "{colour}"' in styler.group(0)
    popup = re.search(rf"{name}\.bindPopup\(.*?let fields = (\[.*?\]);", page, re.DOTALL)
    assert popup is not None
    assert json.loads(popup.group(1))[:4] == ["case_no", "category", "address", "deadline"]


def test_the_palettes_are_the_canvas_palettes():
    from command_center.map import palette

    assert export_module.DEADLINE_COLORS is palette.DEADLINE_COLORS
    assert export_module.SQUAD_STATUS_COLORS is palette.SQUAD_STATUS_COLORS
    assert export_module.CHOROPLETH_COLORS is palette.CHOROPLETH_COLORS


def test_case_deadline_state_follows_the_drawer_rules():
    assert [case_deadline_state(c, NOW) for c in CASES] == list(EXPECTED_STATES)
    flagged = _case(6, deadline=timedelta(hours=4), overdue=True)  # working hours ran out
    assert case_deadline_state(flagged, NOW) is DeadlineState.OVERDUE


def test_hidden_layers_are_in_the_control_but_unchecked(layers, tmp_path):
    layers["cameras"].visible = False
    layers["unit_grids"].visible = False
    page = _export(layers, tmp_path)
    overlays = _overlays(page)
    assert set(overlays) == {
        "行政区",
        "河流",
        "单元网格",
        "责任网格",
        "视频监控",
        "在办案件",
        "处置队伍",
    }
    for label, name in overlays.items():
        added = f"{name}.addTo(" in page
        assert added is (label not in ("视频监控", "单元网格")), label


def test_a_visible_heatmap_is_exported(layers, tmp_path):
    layers["heatmap"].visible = True
    page = _export(layers, tmp_path)
    assert "案件热力图" in _overlays(page)
    assert page.count("L.heatLayer(") == 1


def test_labels_opacity_title_and_text_are_honoured(layers, tmp_path):
    layers["districts"].opacity = 0.5
    layers["cases"].update_case(_case(8, deadline=None, address='<img src=x onerror="alert(1)">'))
    page = _export(layers, tmp_path, title="朝阳市<城管>地图", labels={"cases": "案件"})
    assert "案件" in _overlays(page) and "在办案件" not in _overlays(page)
    assert '"fillOpacity": 0.055' in page and '"opacity": 0.5' in page
    assert "<title>朝阳市&lt;城管&gt;地图</title>" in page
    assert '<meta http-equiv="content-type" content="text/html; charset=UTF-8" />' in page
    assert "导出时间 2024-06-01 09:00" in page
    addresses = [f["properties"]["address"] for f in _by_label(page, "案件")["features"]]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in addresses  # not live HTML


def test_bounds_set_the_initial_view(layers, tmp_path):
    page = _export(layers, tmp_path, bounds=(120.4, 41.5, 120.5, 41.6))
    fit = re.search(r"^\s*map_\w+\.fitBounds\(\s*(\[\[.*?\]\])", page, re.MULTILINE)
    assert fit is not None
    assert json.loads(fit.group(1)) == [[41.5, 120.4], [41.6, 120.5]]


@pytest.mark.parametrize(
    "bounds", [(120.5, 41.5, 120.4, 41.6), (120.4, 41.6, 120.5, 41.5), (0, -91, 1, 0), (1, 2)]
)
def test_bad_bounds_are_refused(layers, tmp_path, bounds):
    with pytest.raises(ValueError, match="bounds must be"):
        export_html(layers, tmp_path / "map.html", now=NOW, bounds=bounds)


def test_bad_paths_give_a_clear_error(layers, tmp_path):
    missing = tmp_path / "no such folder" / "map.html"
    with pytest.raises(FileNotFoundError, match=r"the folder .*no such folder does not exist"):
        export_html(layers, missing, now=NOW)
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        export_html(layers, tmp_path, now=NOW)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_replaced(layers, tmp_path):
    target = tmp_path / "map.html"
    target.write_text("old", encoding="utf-8")
    export_html(layers, target, now=NOW)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]  # no temporary file left


def test_an_empty_layer_list_still_exports(tmp_path):
    page = _export(LayerList(), tmp_path)
    assert "L.map(" in page and find_external_assets(page) == []


# ---------------------------------------------------------------- a real browser, offline

from tests.offline_browser import dump_dom  # noqa: E402


def test_the_browser_test_really_has_no_network(tmp_path):
    """The premise of the next test: with these flags a CDN script does not load."""
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<!DOCTYPE html><html><head><script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/'
        'dist/leaflet.js"></script></head><body><p id="out">?</p><script>'
        'document.getElementById("out").textContent = "L is " + typeof L;</script></body></html>',
        encoding="utf-8",
    )
    dom = dump_dom(probe, tmp_path / "profile")
    assert '<p id="out">L is undefined</p>' in dom


def test_chromium_without_network_draws_every_feature(layers, tmp_path):
    layers["cameras"].visible = False
    path = export_html(layers, tmp_path / "map.html", now=NOW, title="朝阳市城管地图")
    dom = dump_dom(path, tmp_path / "profile")

    assert re.search(r'<div[^>]*class="[^"]*\bleaflet-container\b', dom), "Leaflet did not run"
    paths = re.findall(r"<path\b[^>]*\bclass=\"leaflet-interactive\"[^>]*>", dom)
    # Every visible feature is a path: 2 districts, 1 river, 6 unit grids, 2 responsibility
    # grids, 5 cases, 1 squad; the hidden camera is not drawn.
    assert len(paths) >= len(CASES) + 2
    assert len(paths) == 2 + 1 + len(CELLS) + 2 + len(CASES) + 1
    for state in EXPECTED_STATES:  # each case drawn in its deadline colour
        assert any(f'fill="{DEADLINE_COLORS[state]}"' in p for p in paths), state

    # The layer control lists every layer, in Chinese, the hidden one unchecked.
    rows = re.findall(r"<label>.*?<input ([^>]*)>.*?<span> (.*?)</span>.*?</label>", dom)
    checked = {label: "checked" in attrs for attrs, label in rows}
    assert checked == {
        "行政区": True,
        "河流": True,
        "单元网格": True,
        "责任网格": True,
        "视频监控": False,
        "在办案件": True,
        "处置队伍": True,
    }
    assert "<h1>朝阳市城管地图</h1>" in dom
