"""MapCanvas: pixels at known lon/lat, live colour changes, scale bar, clicks."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from command_center.map.drawers import DEADLINE_COLORS
from command_center.map.layers import CaseLayer, LayerList, UnitGridLayer
from command_center.ui.map_canvas import MapCanvas
from tests.ui.conftest import NOW, make_case

LON, LAT = 120.45, 41.57


def near(a: QColor, b: QColor, tol: int = 12) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def colour_near(canvas: MapCanvas, pt: QPoint, want: str) -> bool:
    """True when a pixel within 2 px of `pt` has (about) the colour `want`."""
    image = canvas.grab().toImage()
    target = QColor(want)
    return any(
        near(image.pixelColor(pt.x() + dx, pt.y() + dy), target)
        for dx in range(-2, 3)
        for dy in range(-2, 3)
    )


def shown_canvas(qtbot) -> MapCanvas:
    """A shown 640×480 canvas over a grid and a case layer, ~3.4 km × 3.3 km around LON, LAT.

    A helper rather than a fixture: a fixture's value stays in the test item until after the
    leak check, which would then see pyqtgraph's menus still alive."""
    layers = LayerList([UnitGridLayer(), CaseLayer()])
    widget = MapCanvas(layers, clock=lambda: NOW)
    qtbot.addWidget(widget)  # closed and deleted after the test
    widget.resize(640, 480)
    widget.show()
    qtbot.waitExposed(widget)
    widget.fit_lonlat(LON - 0.02, LAT - 0.015, LON + 0.02, LAT + 0.015)
    return widget


def test_a_case_is_drawn_where_lonlat_to_widget_says_in_its_deadline_colour(qtbot):
    canvas = shown_canvas(qtbot)
    cases = canvas.scene.layers["cases"]
    cases.set_cases([make_case(1, lon=LON, lat=LAT, deadline=NOW + timedelta(hours=5))])
    pt = canvas.lonlat_to_widget(LON, LAT)
    assert canvas.rect().contains(pt)
    assert colour_near(canvas, pt, DEADLINE_COLORS["on_time"])
    # 40 px away there is only background
    assert not colour_near(canvas, pt + QPoint(40, 0), DEADLINE_COLORS["on_time"])
    soon = make_case(2, lon=LON + 0.01, lat=LAT, deadline=NOW + timedelta(minutes=30))
    cases.update_case(soon)
    assert colour_near(canvas, canvas.lonlat_to_widget(LON + 0.01, LAT), DEADLINE_COLORS["due_soon"])


def test_update_case_turns_the_pixel_overdue(qtbot):
    canvas = shown_canvas(qtbot)
    cases = canvas.scene.layers["cases"]
    row = make_case(1, lon=LON, lat=LAT, deadline=NOW + timedelta(hours=5))
    cases.set_cases([row, make_case(2, lon=LON + 0.01, lat=LAT)])
    pt = canvas.lonlat_to_widget(LON, LAT)
    assert colour_near(canvas, pt, DEADLINE_COLORS["on_time"])
    cases.update_case(replace(row, deadline_at=NOW - timedelta(minutes=5)))
    assert colour_near(canvas, pt, DEADLINE_COLORS["overdue"])
    assert not colour_near(canvas, pt, DEADLINE_COLORS["on_time"])


def test_scale_bar_shows_a_round_length(qtbot):
    canvas = shown_canvas(qtbot)
    label = canvas.scale_bar.label
    assert re.fullmatch(r"[125](0*) (m|km)", label), label
    metres, bar_px = canvas.scale_bar.metres, canvas.scale_bar.bar_px
    assert 0 < bar_px <= canvas.scale_bar.MAX_PX
    # the bar's ground length matches the view: pixels × ground metres per pixel
    assert bar_px * canvas.ground_metres_per_pixel() == pytest.approx(metres, rel=1e-6)
    # 0.03° of latitude (~3.3 km on the ground) fills 480 px: ~7 m/px, a 160 px bar holds 1 km
    assert label == "1 km"
    canvas.fit_lonlat(LON - 0.2, LAT - 0.15, LON + 0.2, LAT + 0.15)
    assert canvas.scale_bar.label == "10 km"


def test_clicking_a_case_emits_its_id(qtbot):
    canvas = shown_canvas(qtbot)
    canvas.fit_lonlat(LON - 0.004, LAT - 0.003, LON + 0.006, LAT + 0.003)  # street level
    cases = canvas.scene.layers["cases"]
    cases.set_cases([make_case(7, lon=LON, lat=LAT), make_case(8, lon=LON + 0.002, lat=LAT)])
    pt = canvas.lonlat_to_widget(LON + 0.002, LAT)
    viewport = canvas.plot_widget.viewport()
    local = viewport.mapFrom(canvas, pt)
    with qtbot.waitSignal(canvas.featureClicked, timeout=2000) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=local + QPoint(2, 1))
    assert blocker.args == ["cases", 8]


def test_zoomed_out_cases_cluster_and_a_click_on_a_bubble_zooms_in(qtbot):
    canvas = shown_canvas(qtbot)  # ~7 Mercator m per px: clustered
    cases = canvas.scene.layers["cases"]
    cases.set_cases(
        [
            make_case(7, lon=LON, lat=LAT, deadline=NOW + timedelta(hours=5)),
            make_case(8, lon=LON + 0.001, lat=LAT, deadline=NOW - timedelta(hours=1)),
        ]
    )
    drawer = canvas.scene.drawer("cases")
    assert drawer.clustered
    pt = canvas.lonlat_to_widget(LON + 0.0005, LAT)
    # One bubble for the two, in the colour of the most urgent member (overdue).
    assert colour_near(canvas, pt, DEADLINE_COLORS["overdue"])
    assert drawer.clusters is not None and list(drawer.clusters.counts) == [2]
    before = canvas.ground_metres_per_pixel()
    viewport = canvas.plot_widget.viewport()
    with qtbot.waitSignal(canvas.flyFinished, timeout=3000):
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=viewport.mapFrom(canvas, pt))
    assert canvas.ground_metres_per_pixel() < before / 3
    assert not drawer.clustered
    canvas.settle()
    assert colour_near(canvas, canvas.lonlat_to_widget(LON, LAT), DEADLINE_COLORS["on_time"])


def test_every_kind_of_item_lands_on_its_lonlat_when_a_parent_window_is_grabbed(qtbot):
    """Items that paint in device pixels must not add the canvas's offset in its parent
    (a screenshot grabs the whole window, not the canvas)."""
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.resize(900, 700)
    layers = LayerList([UnitGridLayer(), CaseLayer()])
    canvas = MapCanvas(layers, parent, clock=lambda: NOW)
    canvas.setGeometry(230, 110, 640, 480)
    parent.show()
    qtbot.waitExposed(parent)
    d = 0.002
    grid = layers["unit_grids"]
    grid.set_cells({"A": ((LON, LAT), (LON + d, LAT), (LON + d, LAT + d), (LON, LAT + d))})
    grid.set_values({"A": 1.0})
    layers["cases"].set_cases([make_case(1, lon=LON + 0.01, lat=LAT, deadline=NOW - timedelta(hours=1))])
    for box in (
        (LON - 0.004, LAT - 0.003, LON + 0.012, LAT + 0.004),  # street level: a spot
        (LON - 0.05, LAT - 0.04, LON + 0.05, LAT + 0.04),  # zoomed out: a cluster of one
    ):
        canvas.fit_lonlat(*box)
        canvas.settle()
        image = parent.grab().toImage()
        offset = canvas.pos()
        cell = canvas.lonlat_to_widget(LON + d / 2, LAT + d / 2) + offset
        case_pt = canvas.lonlat_to_widget(LON + 0.01, LAT) + offset
        fill = image.pixelColor(cell)
        assert fill.red() > 150 and fill.green() > 150 and fill.blue() < 160, fill.name()
        assert any(
            near(image.pixelColor(case_pt.x() + dx, case_pt.y() + dy), QColor(DEADLINE_COLORS["overdue"]))
            for dx in range(-2, 3)
            for dy in range(-2, 3)
        )


def test_case_spots_are_built_only_when_the_map_zooms_in_past_the_clusters(qtbot):
    canvas = shown_canvas(qtbot)  # ~7 Mercator m per px: clustered
    cases = canvas.scene.layers["cases"]
    cases.set_cases([make_case(i, lon=LON + i * 1e-4, lat=LAT) for i in range(50)])
    drawer = canvas.scene.drawer("cases")
    assert drawer.clustered and drawer.spots_stale and len(drawer.scatter.data) == 0
    # Selection works from the drawer's own arrays meanwhile.
    x, y = drawer.x[7], drawer.y[7]
    assert drawer.ids_in(x - 1, y - 1, x + 1, y + 1) == [7]
    cases.update_case(replace(cases.cases[3], deadline_at=NOW - timedelta(hours=1)))
    canvas.fit_lonlat(LON - 0.002, LAT - 0.0015, LON + 0.002, LAT + 0.0015)
    assert not drawer.clustered and not drawer.spots_stale
    assert len(drawer.scatter.data) == 50
    pt = canvas.lonlat_to_widget(LON + 3e-4, LAT)
    assert colour_near(canvas, pt, DEADLINE_COLORS["overdue"])  # the update made while stale


def test_dragging_a_camera_or_a_case_off_the_map_carries_its_id(qtbot, monkeypatch):
    from PySide6.QtGui import QDrag

    from command_center.map.layers import CameraLayer
    from command_center.services.snapshot import CameraRow
    from command_center.ui.camera_wall import CAMERA_IDS_MIME, decode_ids
    from command_center.ui.case_queue_lazy import CASE_IDS_MIME

    layers = LayerList([CameraLayer(), CaseLayer()])
    canvas = MapCanvas(layers, clock=lambda: NOW)
    qtbot.addWidget(canvas)
    canvas.resize(640, 480)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.fit_lonlat(LON - 0.004, LAT - 0.003, LON + 0.006, LAT + 0.003)
    layers["cameras"].set_cameras([CameraRow(5, "C5", "南塔街口", LON, LAT, "x.mp4", True)])
    layers["cases"].set_cases([make_case(9, lon=LON + 0.003, lat=LAT)])
    canvas.settle()
    carried: list[object] = []
    monkeypatch.setattr(QDrag, "exec", lambda self, *a: carried.append(self.mimeData()) or 0)
    assert canvas.view_box.drag_source == canvas.drag_out
    cam_at = canvas.view_box.mapSceneToView(canvas.plot_widget.mapToScene(
        canvas.plot_widget.mapFrom(canvas, canvas.lonlat_to_widget(LON, LAT))))
    assert canvas.drag_out(cam_at)
    assert decode_ids(bytes(carried[-1].data(CAMERA_IDS_MIME))) == [5]
    case_at = canvas.view_box.mapSceneToView(canvas.plot_widget.mapToScene(
        canvas.plot_widget.mapFrom(canvas, canvas.lonlat_to_widget(LON + 0.003, LAT))))
    assert canvas.drag_out(case_at)
    assert bytes(carried[-1].data(CASE_IDS_MIME)) == b"9"
    empty = canvas.view_box.mapSceneToView(canvas.plot_widget.mapToScene(
        canvas.plot_widget.mapFrom(canvas, canvas.lonlat_to_widget(LON - 0.003, LAT + 0.002))))
    assert not canvas.drag_out(empty) and len(carried) == 2


def test_a_cameras_tooltip_says_how_its_stream_is(qtbot):
    from command_center.map.layers import CameraLayer
    from command_center.services.snapshot import CameraRow

    layers = LayerList([CameraLayer()])
    canvas = MapCanvas(layers, clock=lambda: NOW)
    qtbot.addWidget(canvas)
    layers["cameras"].set_cameras([CameraRow(5, "C5", "南塔街口", LON, LAT, "x.mp4", True)])
    assert canvas.describe("cameras", 5) == "南塔街口 (C5)"  # not on the wall: no state
    layers["cameras"].set_stream_states({5: "lost"})
    assert canvas.describe("cameras", 5) == "南塔街口 (C5) · signal lost"


def test_a_camera_on_the_wall_takes_its_streams_colour(qtbot):
    from command_center.map.drawers import CAMERA_LIVE, CAMERA_LOST
    from command_center.map.layers import CameraLayer
    from command_center.services.snapshot import CameraRow

    layers = LayerList([CameraLayer()])
    canvas = MapCanvas(layers, clock=lambda: NOW)
    qtbot.addWidget(canvas)
    canvas.resize(640, 480)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.fit_lonlat(LON - 0.02, LAT - 0.015, LON + 0.02, LAT + 0.015)  # cones hidden
    layers["cameras"].set_cameras([CameraRow(5, "C5", "南塔街口", LON, LAT, "x.mp4", True)])
    canvas.settle()
    pt = canvas.lonlat_to_widget(LON, LAT)
    assert not colour_near(canvas, pt, CAMERA_LIVE)
    layers["cameras"].set_stream_states({5: "live"})
    canvas.settle()
    assert colour_near(canvas, pt, CAMERA_LIVE)
    layers["cameras"].set_stream_states({5: "lost"})
    canvas.settle()
    assert colour_near(canvas, pt, CAMERA_LOST)
