"""The cached raster of static layers: what is rendered when, and where it lands."""

from __future__ import annotations

from PySide6.QtGui import QColor

from command_center.map.layers import LayerList, RiverLayer, UnitGridLayer
from command_center.ui.map_canvas import MapCanvas

LON, LAT = 120.45, 41.57
D = 0.002


def shown(qtbot) -> MapCanvas:
    grid = UnitGridLayer()
    grid.set_cells({"A": ((LON, LAT), (LON + D, LAT), (LON + D, LAT + D), (LON, LAT + D))})
    grid.set_values({"A": 3.0})
    river = RiverLayer()
    river.set_lines([((LON - 0.01, LAT - 0.004), (LON + 0.01, LAT - 0.004))])  # due east–west
    canvas = MapCanvas(LayerList([river, grid]))
    qtbot.addWidget(canvas)
    canvas.resize(500, 400)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.fit_lonlat(LON - 0.01, LAT - 0.008, LON + 0.01, LAT + 0.008)
    canvas.grab()  # the first paint renders the static layers, on the GUI thread
    canvas.settle()
    return canvas


def colour_at(canvas: MapCanvas, lon: float, lat: float) -> QColor:
    return canvas.grab().toImage().pixelColor(canvas.lonlat_to_widget(lon, lat))


def filled(c: QColor) -> bool:
    return c.red() > 150 and c.green() > 150 and c.blue() < 170  # the choropleth's yellow


def test_pans_inside_the_margin_blit_the_cached_image(qtbot):
    canvas = shown(qtbot)
    (group,) = canvas.scene.raster_groups
    assert filled(colour_at(canvas, LON + D / 2, LAT + D / 2))
    renders = group.renders
    for step in (0.1, 0.1, -0.3):
        canvas.pan_by(step, 0.0)
        assert filled(colour_at(canvas, LON + D / 2, LAT + D / 2))
    assert group.renders == renders and not group.busy
    assert group.sync_renders == 1  # only the very first paint rendered on the GUI thread


def test_a_zoom_shows_the_stretched_image_then_a_sharp_one_from_the_worker(qtbot):
    canvas = shown(qtbot)
    (group,) = canvas.scene.raster_groups
    renders = group.renders
    canvas.zoom_by(1.7)
    assert filled(colour_at(canvas, LON + D / 2, LAT + D / 2))  # stretched, in place
    assert group.renders == renders  # nothing rendered yet: it waits for a still view
    qtbot.waitUntil(lambda: group.renders == renders + 1, timeout=3000)
    assert group.sync_renders == 1
    assert filled(colour_at(canvas, LON + D / 2, LAT + D / 2))


def test_changed_data_and_visibility_are_rendered_again(qtbot):
    canvas = shown(qtbot)
    grid = canvas.layers["unit_grids"]
    grid.visible = False
    canvas.grab()
    canvas.settle()
    assert not filled(colour_at(canvas, LON + D / 2, LAT + D / 2))
    grid.visible = True
    canvas.grab()
    canvas.settle()
    assert filled(colour_at(canvas, LON + D / 2, LAT + D / 2))


def test_a_due_east_west_line_is_drawn(qtbot):
    canvas = shown(qtbot)
    c = colour_at(canvas, LON, LAT - 0.004)
    assert c.blue() > 150 and c.red() < 120, c.name()
