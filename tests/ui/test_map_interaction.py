"""The map as a user works it: keys, search, clicks on grids, rubber band, context menu,
measuring, exports, the window's wiring, and live updates that touch one feature."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from command_center.domain.geo import haversine_m
from command_center.map.export_html import find_external_assets
from command_center.map.projection import project
from command_center.map.search import SearchHit
from command_center.services.snapshot import CitySnapshot
from command_center.ui.main_window import MainWindow
from tests.ui.conftest import NOW, make_case

HOME = (120.30, 41.50, 120.55, 41.62)


def open_window(qtbot: QtBot, snapshot: CitySnapshot) -> MainWindow:
    window = MainWindow("sqlite:///ui.db", clock=lambda: NOW)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.apply_snapshot(snapshot)
    window.map_canvas.settle()
    return window


def centre_lonlat(window: MainWindow) -> tuple[float, float]:
    w, s, e, n = window.map_canvas.view_lonlat()
    return (w + e) / 2, (s + n) / 2


def test_the_snapshot_fills_every_layer_and_homes_on_the_grid(qtbot, city_snapshot):
    window = open_window(qtbot, city_snapshot)
    layers = window.map_panel.layers
    assert len(layers["districts"].districts) == 2
    assert len(layers["unit_grids"].cells) == 2
    assert dict(layers["unit_grids"].values) == {"211302001000": 1.0}
    assert len(layers["cases"].cases) == 3
    assert len(layers["squads"].squads) == 3
    assert len(layers["cameras"].cameras) == 5
    assert len(layers["heatmap"].lons) == 3
    # Home is the grid's extent: the whole hand-made city is in view.
    w, s, e, n = window.map_canvas.view_lonlat()
    assert w <= 120.30 and e >= 120.55 and s <= 41.50 and n >= 41.62


def test_keys_zoom_pan_and_home(qtbot, city_snapshot):
    window = open_window(qtbot, city_snapshot)
    canvas = window.map_canvas
    canvas.setFocus()
    res = canvas.ground_metres_per_pixel()
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.ground_metres_per_pixel() == pytest.approx(res / 1.5, rel=0.02)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.ground_metres_per_pixel() == pytest.approx(res, rel=0.02)
    (x0, x1), _ = canvas.view_box.viewRange()
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    (y0, y1), _ = canvas.view_box.viewRange()
    assert y0 - x0 == pytest.approx((x1 - x0) * 0.2, rel=0.01)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    with qtbot.waitSignal(canvas.flyFinished, timeout=3000):
        qtbot.keyClick(canvas, Qt.Key.Key_Home)
    assert canvas.ground_metres_per_pixel() == pytest.approx(res, rel=0.02)


def test_search_flies_to_the_case_and_shows_it(qtbot, city_snapshot):
    window = open_window(qtbot, city_snapshot)
    canvas = window.map_canvas
    canvas.fly_to(120.50, 41.60, 120.52, 41.61, animate=False)  # somewhere else
    box = window.map_panel.search
    box.line_edit.setFocus()
    qtbot.keyClicks(box.line_edit, "CY2025000002")
    with qtbot.waitSignal(canvas.flyFinished, timeout=3000):
        qtbot.keyClick(box.line_edit, Qt.Key.Key_Return)
    lon, lat = centre_lonlat(window)
    assert haversine_m(lon, lat, 120.36, 41.53) < 50
    assert canvas.ground_metres_per_pixel() < 5  # street level
    assert canvas.selected == ("cases", 2)
    assert window.details.kind == "case" and window.details.key == 2


def test_a_click_on_an_empty_spot_of_a_grid_selects_the_grid(qtbot, city_snapshot):
    window = open_window(qtbot, city_snapshot)
    canvas = window.map_canvas
    with qtbot.waitSignal(canvas.featureClicked, timeout=2000) as blocker:
        pt = canvas.lonlat_to_widget(120.50, 41.61)  # in the second cell, far from points
        viewport = canvas.plot_widget.viewport()
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=viewport.mapFrom(canvas, pt))
    assert blocker.args == ["unit_grids", "211302001001"]
    assert window.details.kind in {"grid", "unit_grid", "responsibility_grid"}


def test_rubber_band_selects_the_points_inside(qtbot, city_snapshot):
    window = open_window(qtbot, city_snapshot)
    canvas = window.map_canvas
    (x0, x1), (y0, y1) = project([120.32, 120.37], [41.52, 41.54])
    with qtbot.waitSignal(canvas.selectionChanged, timeout=1000) as blocker:
        canvas.view_box.rubberBandSelected.emit(QRectF(x0, y0, x1 - x0, y1 - y0))
    assert sorted(blocker.args[0]) == [("cases", 1), ("cases", 2)]


def test_context_menu_nearest_cameras_and_squads(qtbot, city_snapshot):
    window = open_window(qtbot, city_snapshot)
    canvas = window.map_canvas
    menu = canvas.context_menu(120.35, 41.58)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts == ["Report a case here", "Nearest cameras", "Nearest squads", "Measure distance"]
    with qtbot.waitSignal(canvas.nearestFound, timeout=1000) as blocker:
        menu.actions()[1].trigger()
    kind, found = blocker.args
    ids = [i for i, _ in found]
    assert kind == "cameras" and ids[:2] == [2, 1]  # 凌河公园 at 120.35 first
    distances = [m for _, m in found]
    assert distances == sorted(distances) and distances[0] < 10
    assert window.map_canvas.notice.isVisible() and "凌河公园" in window.map_canvas.notice.text()
    with qtbot.waitSignal(canvas.reportHereRequested, timeout=1000) as report:
        menu.actions()[0].trigger()
    assert report.args == [pytest.approx(120.35), pytest.approx(41.58)]
    squads = canvas.nearest("squads", 120.47, 41.52)
    assert [i for i, _ in squads] == [2, 1]  # squad 3 has no position
    menu.close()


def test_measuring_a_line(qtbot, city_snapshot):
    window = open_window(qtbot, city_snapshot)
    canvas = window.map_canvas
    canvas.start_measure(120.33, 41.53)
    canvas.add_measure_point(120.36, 41.53)
    canvas.add_measure_point(120.36, 41.56)
    want = haversine_m(120.33, 41.53, 120.36, 41.53) + haversine_m(120.36, 41.53, 120.36, 41.56)
    assert canvas.measured_m == pytest.approx(want)
    assert canvas.notice.isVisible() and "km" in canvas.notice.text()
    # While measuring, a click adds a point instead of selecting.
    pt = canvas.lonlat_to_widget(120.40, 41.56)
    viewport = canvas.plot_widget.viewport()
    with qtbot.waitSignal(canvas.measureChanged, timeout=1000):
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=viewport.mapFrom(canvas, pt))
    assert canvas.measured_m > want
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert not canvas.measuring and not canvas.notice.isVisible()


def test_exports_png_and_offline_html(qtbot, city_snapshot, tmp_path: Path):
    window = open_window(qtbot, city_snapshot)
    png = window.export_map_png(tmp_path / "view.png")
    image = QImage(str(png))
    assert image.size() == window.map_canvas.size()
    with qtbot.waitSignal(window.mapExported, timeout=20_000) as done:
        window.export_map_html(tmp_path / "map.html")  # built on a worker thread
    html = Path(done.args[0]).read_text(encoding="utf-8")
    assert "CY2025000002" in html and find_external_assets(html) == []


def test_a_tile_notice_shows_on_the_map_and_in_the_layer_dock(qtbot, city_snapshot):
    window = open_window(qtbot, city_snapshot)
    window.show_notice("tile source 'tianditu-vec': timed out after 5 s")
    assert window.map_canvas.notice.isVisible()
    assert "timed out" in window.map_canvas.notice.text()
    assert "timed out" in window.layer_dock_widget.notice_label.text()


def test_a_new_snapshot_updates_one_case_without_rebuilding(qtbot, city_snapshot):
    window = open_window(qtbot, city_snapshot)
    drawer = window.map_canvas.scene.drawer("cases")
    rebuilds = drawer.rebuilds
    changed = replace(city_snapshot.open_cases[0], deadline_at=NOW - timedelta(minutes=1))
    cases = (changed, *city_snapshot.open_cases[1:])
    window.apply_snapshot(replace(city_snapshot, open_cases=cases))
    assert drawer.rebuilds == rebuilds
    assert drawer.state_of(window.map_panel.layers["cases"].cases[1]).value == "overdue"
    # A closed case leaves; a new one arrives: still no rebuild of the layer.
    cases = (*cases[1:], make_case(9, lon=120.34, lat=41.55))
    window.apply_snapshot(replace(city_snapshot, open_cases=cases))
    assert set(window.map_panel.layers["cases"].cases) == {2, 3, 9}
    # A squad that moved glides rather than jumps.
    squads = (
        replace(city_snapshot.squads[0], lon=120.35, lat=41.57),
        *city_snapshot.squads[1:],
    )
    window.apply_snapshot(replace(city_snapshot, open_cases=cases, squads=squads))
    assert window.map_canvas.scene.drawer("squads").gliding == 1


def test_the_grid_choropleth_follows_open_cases(qtbot, city_snapshot):
    window = open_window(qtbot, city_snapshot)
    cells = tuple(replace(c, open_cases=5) for c in city_snapshot.grid_cells)
    window.apply_snapshot(replace(city_snapshot, grid_cells=cells))
    assert dict(window.map_panel.layers["unit_grids"].values) == {
        c.code: 5.0 for c in city_snapshot.grid_cells
    }


def test_squads_without_a_position_are_searchable_but_not_drawn(qtbot, city_snapshot):
    window = open_window(qtbot, city_snapshot)
    hits = window.map_panel.index.search("第三中队")
    assert hits and isinstance(hits[0], SearchHit) and hits[0].bbox is None
    drawer = window.map_canvas.scene.drawer("squads")
    assert 3 not in drawer.index and 1 in drawer.index


def test_wheel_zooms_about_the_cursor_and_hover_reads_out_both_datums(qtbot, city_snapshot):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    from command_center.domain.geo import CRS, convert

    window = open_window(qtbot, city_snapshot)
    canvas = window.map_canvas
    viewport = canvas.plot_widget.viewport()
    target = (120.36, 41.53)
    at = viewport.mapFrom(canvas, canvas.lonlat_to_widget(*target))
    res = canvas.ground_metres_per_pixel()
    event = QWheelEvent(
        QPointF(at),
        QPointF(viewport.mapToGlobal(at)),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)
    assert canvas.ground_metres_per_pixel() < res * 0.9  # zoomed in
    # The point under the cursor stays under the cursor.
    after = viewport.mapFrom(canvas, canvas.lonlat_to_widget(*target))
    assert abs(after.x() - at.x()) <= 2 and abs(after.y() - at.y()) <= 2
    glon, glat = convert(*target, CRS.WGS84, CRS.GCJ02)
    # pyqtgraph's scene reports the hover (a synthetic QMouseEvent depends on the cursor
    # state earlier tests leave behind on the offscreen platform).
    canvas.plot_widget.scene().sigMouseMoved.emit(canvas.plot_widget.mapToScene(at))
    import re

    numbers = [float(v) for v in re.findall(r"\d+\.\d+", canvas.readout.text())]
    assert numbers == pytest.approx([*target, glon, glat], abs=2e-4)  # within a pixel


def test_zone_labels_show_at_street_level_and_grow_as_the_map_zooms_in(qtbot, city_snapshot):
    from command_center.services.snapshot import ZoneRow

    ring = ((120.33, 41.52), (120.37, 41.52), (120.37, 41.55), (120.33, 41.55), (120.33, 41.52))
    zones = (ZoneRow("R1", "站前第一责任网格", (ring,)),)
    window = open_window(qtbot, replace(city_snapshot, zones=zones))
    canvas = window.map_canvas
    labels = canvas.scene.drawer("responsibility_grids").labels
    canvas.grab()  # paint once
    assert list(labels.last_shown) == []  # the whole city: zone names would be clutter
    canvas.fly_to(120.34, 41.53, 120.36, 41.54, animate=False)
    canvas.grab()
    assert list(labels.last_shown) == [0]
    size_street = labels.font.pointSizeF()
    canvas.fly_to(120.348, 41.533, 120.352, 41.536, animate=False)
    canvas.grab()
    assert labels.font.pointSizeF() > size_street
