"""The overview map: batched layers, true proportions, clicks report the case."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from command_center.services.snapshot import CitySnapshot
from command_center.ui.map_view import MapView, label_point, rings_to_xy
from command_center.ui.theme import PALETTE


def shown_map(qtbot: QtBot, snapshot: CitySnapshot) -> MapView:
    view = MapView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_snapshot(snapshot)
    return view


def test_rings_become_one_nan_separated_line() -> None:
    x, y = rings_to_xy([((0, 0), (1, 0), (1, 1)), ((5, 5), (6, 6))])
    assert len(x) == len(y) == 7
    assert np.isnan(x[3]) and np.isnan(y[6])
    assert list(x[:3]) == [0, 1, 1] and list(y[4:6]) == [5, 6]
    empty_x, _ = rings_to_xy([])
    assert empty_x.size == 0


def test_label_goes_at_the_centroid_of_the_largest_ring() -> None:
    from command_center.services.snapshot import DistrictShape

    square = ((0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0))
    speck = ((10.0, 10.0), (10.1, 10.0), (10.1, 10.1), (10.0, 10.0))
    assert label_point(DistrictShape("1", "x", (speck, square))) == (2.0, 2.0)


def test_layer_count_does_not_grow_with_the_data(qtbot: QtBot, city_snapshot: CitySnapshot) -> None:
    view = shown_map(qtbot, city_snapshot)
    items_before = len(view.plot.getPlotItem().items)
    many = tuple(
        ((120.3 + i * 0.001, 41.5), (120.301 + i * 0.001, 41.5), (120.301 + i * 0.001, 41.501))
        for i in range(2000)
    )
    view.set_snapshot(dataclasses.replace(city_snapshot, grid_outlines=many))
    assert len(view.plot.getPlotItem().items) == items_before
    x, _ = view.grid_item.getData()
    assert len(x) == 2000 * 4
    data_items = [i for i in view.plot.getPlotItem().items if isinstance(i, pg.PlotDataItem)]
    assert len(data_items) == 3  # grid, river, districts: one item per layer


def test_a_kilometre_is_as_long_east_west_as_north_south(
    qtbot: QtBot, city_snapshot: CitySnapshot
) -> None:
    view = shown_map(qtbot, city_snapshot)
    lat = 41.56
    origin = view.map_to_widget(120.45, lat)
    east = view.map_to_widget(120.45 + 0.05 / math.cos(math.radians(lat)), lat)
    north = view.map_to_widget(120.45, lat + 0.05)
    east_px = abs(east.x() - origin.x())
    north_px = abs(north.y() - origin.y())
    assert east_px > 20
    assert abs(east_px - north_px) <= 0.03 * north_px + 1
    # and north is up
    assert north.y() < origin.y()


def test_whole_city_is_in_view(qtbot: QtBot, city_snapshot: CitySnapshot) -> None:
    view = shown_map(qtbot, city_snapshot)
    for district in city_snapshot.districts:
        for lon, lat in district.rings[0]:
            assert view.rect().contains(view.map_to_widget(lon, lat))


def test_home_view_is_the_unit_grid_area(qtbot: QtBot, city_snapshot: CitySnapshot) -> None:
    """The map opens on the urban core the grids cover, not on the districts' rural edges."""
    core = ((120.44, 41.52), (120.46, 41.52), (120.46, 41.54), (120.44, 41.54), (120.44, 41.52))
    view = shown_map(qtbot, replace(city_snapshot, grid_outlines=(core,)))
    for lon, lat in core:
        assert view.rect().contains(view.map_to_widget(lon, lat))
    west_corner = city_snapshot.districts[0].rings[0][0]
    assert not view.rect().contains(view.map_to_widget(*west_corner))
    width = view.map_to_widget(120.46, 41.53).x() - view.map_to_widget(120.44, 41.53).x()
    assert width > 0.5 * min(view.width(), view.height())  # fitted, not a speck


def test_overdue_cases_are_red_on_the_map(qtbot: QtBot, city_snapshot: CitySnapshot) -> None:
    view = shown_map(qtbot, city_snapshot)
    spots = {int(p.data()): p.brush().color().name() for p in view.case_item.points()}
    overdue = {c.id for c in city_snapshot.open_cases if c.overdue}
    assert overdue and all(spots[i] == PALETTE.danger for i in overdue)
    assert all(spots[i] != PALETTE.danger for i in spots if i not in overdue)
    assert len(view.camera_item.points()) == len(city_snapshot.cameras)
    assert len(view.labels) == 2 and {t.toPlainText() for t in view.labels} == {"龙城区", "双塔区"}


def test_clicking_a_case_reports_its_id(qtbot: QtBot, city_snapshot: CitySnapshot) -> None:
    view = shown_map(qtbot, city_snapshot)
    case = next(c for c in city_snapshot.open_cases if c.id == 3)
    at = view.map_to_widget(case.lon, case.lat)
    viewport = view.plot.viewport()
    with qtbot.waitSignal(view.caseClicked, timeout=2000) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=viewport.mapFrom(view, at))
    assert blocker.args == [3]
    assert isinstance(at, QPoint)
