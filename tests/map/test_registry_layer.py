"""The registry layers (台账): the model, the batched drawer (status colours, overdue rings,
footprints as a few packed paths), picking, the legend, the details panel and the export."""

from __future__ import annotations

import json
import math
from datetime import date, datetime

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from command_center.domain.registries import KINDS
from command_center.map import drawers as drawers_module
from command_center.map import export_html
from command_center.map.drawers import (
    REGISTRY_OVERDUE,
    REGISTRY_OVERDUE_SIZE,
    REGISTRY_SIZE,
    RegistryDrawer,
)
from command_center.map.layers import LayerList, RegistryLayer, frozen_copy, registry_layers
from command_center.map.projection import project
from command_center.map.scene import MapScene
from command_center.services.snapshot import RegistryRow
from command_center.ui.registry_text import status_label
from tests.map.conftest import to_pixel

TODAY = date(2026, 5, 20)
NOW = datetime(2026, 5, 20, 10, 0)


def sign(i: int, status: str = "compliant", lon: float = 120.45, lat: float = 41.57, **attrs):
    return RegistryRow(
        i,
        "ad_signs",
        f"GG{i:06d}",
        f"牌匾{i}",
        status,
        lon,
        lat,
        attrs={"sign_type": "shop_sign", **attrs},
    )


def square(lon: float, lat: float, d: float = 0.0004) -> tuple[tuple[float, float], ...]:
    return ((lon, lat), (lon + d, lat), (lon + d, lat + d), (lon, lat + d), (lon, lat))


def building(
    i: int,
    status: str = "found",
    lon: float = 120.45,
    lat: float = 41.57,
    d: float = 0.0004,
    **attrs,
) -> RegistryRow:
    ring = square(lon, lat, d)
    return RegistryRow(
        i,
        "illegal_buildings",
        f"WJ{i:06d}",
        f"违建{i}",
        status,
        lon + d / 2,
        lat + d / 2,
        ring,
        attrs={"area_m2": 40.0, "found_on": "2026-01-05", "origin": "new", **attrs},
    )


@pytest.fixture
def plot(qapp):
    item = pg.PlotItem()
    yield item
    item.deleteLater()


def _items(plot: pg.PlotItem) -> int:
    return len(plot.getViewBox().addedItems)


def js(text: str) -> str:
    """`text` as folium writes it into the page's scripts (JSON, non-ASCII escaped)."""
    return json.dumps(text)[1:-1]


def _rgb(c: QColor) -> tuple[int, int, int]:
    return c.red(), c.green(), c.blue()


# -- the model ---------------------------------------------------------------------------
def test_one_layer_per_registry_hidden_except_illegal_buildings():
    layers = registry_layers()
    assert [la.name for la in layers] == [f"registry:{k}" for k in KINDS]
    assert {la.kind for la in layers} == {"registry"}
    assert [la.registry for la in layers if la.visible] == ["illegal_buildings"]
    with pytest.raises(ValueError, match="unknown registry 'bridges'"):
        RegistryLayer("bridges")


def test_a_layer_holds_its_own_registry_only_and_survives_a_frozen_copy():
    layer = RegistryLayer("ad_signs")
    seen = []
    layer.data_changed.connect(seen.append)
    layer.set_objects([sign(1), sign(2, "non_compliant")])
    assert set(layer.objects) == {1, 2} and seen == [layer]
    with pytest.raises(ValueError, match="holds ad_signs only, not WJ000003"):
        layer.set_objects([sign(1), building(3)])
    assert set(layer.objects) == {1, 2}  # a refused set changes nothing
    copy = frozen_copy(LayerList([layer]))["registry:ad_signs"]
    layer.set_objects([])
    assert set(copy.objects) == {1, 2} and not copy.visible


def test_overdue_follows_the_domain_rule():
    layer = RegistryLayer("ad_signs")
    late = sign(1, "non_compliant", defect="破损", rectify_by="2026-05-01")
    in_time = sign(2, "non_compliant", defect="破损", rectify_by="2026-06-01")
    done = sign(3, "compliant", rectify_by="2026-05-01")
    assert [layer.is_overdue(r, TODAY) for r in (late, in_time, done)] == [True, False, False]
    assert not layer.is_overdue(sign(4, "non_compliant", rectify_by="not a date"), TODAY)


# -- the drawer --------------------------------------------------------------------------
def test_every_registry_layer_is_drawn_by_the_registry_drawer(plot):
    layers = LayerList(registry_layers())
    scene = MapScene(layers, plot, clock=lambda: NOW)
    assert all(isinstance(scene.drawer(la), RegistryDrawer) for la in layers)
    assert drawers_module.DRAWERS["registry"] is RegistryDrawer


def test_spots_take_the_status_colour_and_the_kind_symbol(plot):
    layer = RegistryLayer("ad_signs", visible=True)
    layers = LayerList([layer])
    scene = MapScene(layers, plot, clock=lambda: NOW)
    statuses = {s.key: s.colour for s in KINDS["ad_signs"].statuses}
    layer.set_objects(
        [sign(1, "compliant"), sign(2, "non_compliant", lon=120.46), sign(3, "removed", lon=120.47)]
    )
    data = scene.drawer(layer).scatter.data
    by_id = dict(zip(scene.drawer(layer).ids.tolist(), range(3), strict=True))
    for oid, status in ((1, "compliant"), (2, "non_compliant"), (3, "removed")):
        spot = data[by_id[oid]]
        assert spot["brush"].color().name() == statuses[status]
        assert spot["symbol"] == KINDS["ad_signs"].symbol == "s"


def test_overdue_objects_are_larger_and_ringed_in_red(plot):
    layer = RegistryLayer("ad_signs", visible=True)
    scene = MapScene(LayerList([layer]), plot, clock=lambda: NOW)
    layer.set_objects(
        [
            sign(1, "non_compliant", defect="x", rectify_by="2026-05-01"),  # overdue
            sign(2, "non_compliant", defect="x", rectify_by="2026-06-30", lon=120.46),
        ]
    )
    drawer = scene.drawer(layer)
    data = drawer.scatter.data
    n = {int(i): k for k, i in enumerate(drawer.ids)}
    assert data[n[1]]["size"] == REGISTRY_OVERDUE_SIZE > data[n[2]]["size"] == REGISTRY_SIZE
    assert drawer.overdue.tolist() == [n == 1 for n in drawer.ids.tolist()]
    rings = drawer.rings.data  # one ring, round the overdue sign only, in red
    assert len(rings) == 1 and (rings[0]["x"], rings[0]["y"]) == (data[n[1]]["x"], data[n[1]]["y"])
    assert drawer.rings.opts["pen"].color().name() == REGISTRY_OVERDUE


def test_footprints_are_a_few_packed_paths_however_many_there_are(plot):
    layer = RegistryLayer("illegal_buildings")
    scene = MapScene(LayerList([layer]), plot, clock=lambda: NOW)
    empty = _items(plot)
    statuses = [s.key for s in KINDS["illegal_buildings"].statuses]
    layer.set_objects(building(i, statuses[i % 2], lon=120.40 + i * 1e-3) for i in range(10))
    few_items, few_ops = _items(plot), len(scene.drawer(layer).footprints.ops)
    layer.set_objects(
        building(
            i,
            statuses[i % len(statuses)],
            lon=120.40 + (i % 60) * 1e-3,
            lat=41.55 + (i // 60) * 1e-3,
            **(
                {"notice_no": "n", "notice_on": "2026-01-06", "demolish_by": "2026-02-01"}
                if statuses[i % len(statuses)] == "notice_served"
                else {}
            ),
        )
        for i in range(3000)
    )
    drawer = scene.drawer(layer)
    assert _items(plot) == few_items == empty  # no item per footprint
    ops = drawer.footprints.ops
    # one fill per status (five) and the red outlines of the overdue ones: not one per object
    assert few_ops == 2 and len(ops) == len(statuses) + 1
    assert len(drawer.scatter.data) == 3000  # a centre spot each, for the city zoom
    red = [op for op in ops if op[1].color().name() == REGISTRY_OVERDUE]
    assert len(red) == 1 and red[0][2].style() == Qt.BrushStyle.NoBrush  # outline only
    assert drawer.overdue.sum() == 600  # every notice_served one is past 2026-02-01


def test_a_footprint_is_filled_in_its_status_colour_on_screen(plot_widget):
    layer = RegistryLayer("illegal_buildings")
    plot = plot_widget.getPlotItem()
    scene = MapScene(LayerList([layer]), plot, clock=lambda: NOW)
    layer.set_objects([building(1, "self_demolished", d=0.004)])
    (x0, x1), (y0, y1) = project([120.449, 120.4555], [41.569, 41.5745])
    plot.getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
    (fx,), (fy,) = project([120.4510], [41.5710])  # inside, off the centre spot
    image = plot_widget.grab().toImage()
    r, g, b = _rgb(image.pixelColor(*to_pixel(plot_widget, fx, fy)))
    assert g > r + 30 and g > b  # #2ca02c over the dark background
    (ox,), (oy,) = project([120.4492], [41.5692])  # outside
    assert _rgb(image.pixelColor(*to_pixel(plot_widget, ox, oy))) == _rgb(QColor("#0b1320"))
    scene.close()


def test_a_click_inside_a_footprint_or_near_a_spot_picks_the_object(plot):
    buildings = RegistryLayer("illegal_buildings")
    signs = RegistryLayer("ad_signs", visible=True)
    scene = MapScene(LayerList([buildings, signs]), plot, clock=lambda: NOW)
    buildings.set_objects([building(7, d=0.004)])
    signs.set_objects([sign(9, lon=120.47)])
    (x,), (y,) = project([120.4505], [41.5705])
    assert scene.hit_test(x, y, 5.0) == ("registry", 7)  # inside, far from the centre spot
    (sx,), (sy,) = project([120.47], [41.57])
    assert scene.hit_test(sx + 3, sy, 5.0) == ("registry", 9)
    signs.visible = False
    assert scene.hit_test(sx + 3, sy, 5.0) is None


# -- the export --------------------------------------------------------------------------
def test_the_html_export_shows_visible_registries_only():
    shown = RegistryLayer("illegal_buildings")
    hidden = RegistryLayer("ad_signs")
    shown.set_objects(
        [
            building(
                1,
                "notice_served",
                notice_no="拆字1号",
                notice_on="2026-01-06",
                demolish_by="2026-02-01",
            )
        ]
    )
    hidden.set_objects([sign(2)])
    page = export_html.render_html(LayerList([shown, hidden]), now=datetime(2026, 5, 20, 9))
    assert "WJ000001" in page and js("违法建设") in page and js("已下达限拆通知（已超期）") in page
    assert "GG000002" not in page and js("户外广告与牌匾") not in page
    assert export_html.find_external_assets(page) == []
    assert export_html.REGISTRY_OVERDUE == REGISTRY_OVERDUE  # the same ring as the canvas


# -- the legend and the details (the dock's and the panel's view of a registry) ------------
def test_the_legend_has_a_swatch_per_status(qtbot):
    from command_center.ui.layer_dock import LayerDockWidget, LayerListModel

    layers = LayerList(registry_layers())
    dock = LayerDockWidget(layers)
    qtbot.addWidget(dock)
    model = LayerListModel(layers)
    # No translator in these tests: the registries' English names (ui.registry_text).
    assert model.data(model.index(model.row_of("registry:parking"), 0)) == "Parking"
    dock.select_layer("registry:parking")
    entries = dock.legend.entries
    for status in KINDS["parking"].statuses:
        assert (status.colour, status_label("parking", status.key)) in entries
    assert ("#1f77b4", "Open") in entries
    assert any(colour == REGISTRY_OVERDUE for colour, _ in entries)
    model.close()
    dock.detach()


def test_the_details_panel_shows_code_name_status_and_key_attributes(qtbot):
    from command_center.ui.feature_details import FeatureDetailsPanel

    panel = FeatureDetailsPanel()
    qtbot.addWidget(panel)
    row = building(
        5,
        "notice_served",
        notice_no="拆字5号",
        notice_on="2026-01-06",
        demolish_by="2026-02-01",
        d=0.001,
    )
    panel.show_registry_object(row, overdue=True)
    assert panel.kind == "registry" and panel.key == 5
    assert panel.kind_label.text() == "Illegal buildings"
    assert panel.field("Code") == "WJ000005" and panel.field("Name") == "违建5"
    assert panel.field("Status") == "● Demolition notice served · Overdue"
    assert panel.field("Type") == "New" and panel.field("Area") == "40 m²"
    assert panel.field("Demolish by") == "2026-02-01"
    assert panel.fly_to_button.isEnabled()
    west, south, east, north = panel._bbox
    assert math.isclose(east - west, 0.001) and math.isclose(north - south, 0.001)


def test_the_canvas_describes_a_registry_object_for_its_tooltip(qtbot):
    from command_center.ui.map_canvas import MapCanvas

    layer = RegistryLayer("markets", visible=True)
    canvas = MapCanvas(LayerList([layer]))
    qtbot.addWidget(canvas)
    layer.set_objects(
        [RegistryRow(3, "markets", "SC000003", "站前农贸市场", "open", 120.45, 41.57)]
    )
    assert canvas.describe("registry", 3) == "便民市场与农贸市场 · SC000003 · 站前农贸市场 · 营业"
    x, y = canvas.feature_xy("registry", 3)
    assert np.allclose((x, y), [v[0] for v in project([120.45], [41.57])])
    canvas.close_scene()
