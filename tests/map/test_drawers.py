"""Drawers and MapScene on a real pyqtgraph plot (offscreen Qt)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor

from command_center.map.drawers import (
    DEADLINE_COLORS,
    DRAWERS,
    GLIDE_S,
    CaseDrawer,
    RasterDrawer,
)
from command_center.map.layers import (
    CameraLayer,
    CaseLayer,
    DistrictLayer,
    LayerList,
    RiverLayer,
    SquadLayer,
    UnitGridLayer,
)
from command_center.map.projection import project
from command_center.map.scene import MapScene
from command_center.services.snapshot import CameraRow, CaseRow, DistrictShape, SquadRow

NOW = datetime(2025, 6, 3, 14, 0)


def case(i: int, lon: float = 120.45, lat: float = 41.57, **kw) -> CaseRow:
    row = CaseRow(
        id=i, case_no=f"C{i}", category_code="010101", category_name="x", state="dispatched",
        district_code="211302", address="", lon=lon, lat=lat, reported_at=NOW,
        deadline_at=NOW + timedelta(hours=5), overdue=False, squad_name=None,
    )
    return replace(row, **kw)


def grid(n_side: int) -> dict[str, tuple]:
    d = 0.001
    return {
        f"G{i:03d}{j:03d}": (
            (120.4 + i * d, 41.5 + j * d), (120.4 + (i + 1) * d, 41.5 + j * d),
            (120.4 + (i + 1) * d, 41.5 + (j + 1) * d), (120.4 + i * d, 41.5 + j * d),
        )
        for i in range(n_side)
        for j in range(n_side)
    }


@pytest.fixture
def plot(qapp):
    item = pg.PlotItem()
    yield item
    item.deleteLater()


def full_layers() -> LayerList:
    return LayerList(
        [DistrictLayer(), RiverLayer(), UnitGridLayer(), CameraLayer(), CaseLayer(), SquadLayer()]
    )


def scene_items(plot: pg.PlotItem) -> int:
    return len(plot.getViewBox().addedItems)


def test_every_drawn_kind_has_a_drawer():
    assert set(DRAWERS) >= {
        "districts", "river", "unit_grids", "responsibility_grids", "cameras", "cases", "squads"
    }


def test_item_count_does_not_grow_with_features(plot):
    layers = full_layers()
    scene = MapScene(layers, plot, clock=lambda: NOW)
    empty = scene_items(plot)
    cells = grid(71)  # 5,041 cells
    layers["unit_grids"].set_cells(cells)
    layers["unit_grids"].set_values({c: float(k % 13) for k, c in enumerate(cells)})
    layers["cases"].set_cases(case(i, 120.4 + i * 1e-4) for i in range(2000))
    layers["cameras"].set_cameras(
        CameraRow(i, f"C{i}", "", 120.4 + i * 1e-4, 41.5, "", True) for i in range(500)
    )
    layers["districts"].set_districts(
        [DistrictShape("1", "a", (tuple(cells["G000000"]),))] * 20
    )
    assert scene_items(plot) == empty
    grid_drawer = scene.drawer("unit_grids")
    assert isinstance(grid_drawer, RasterDrawer)
    fills = [op for op in grid_drawer.source.ops if op.brush is not None]
    assert 1 <= len(fills) <= 7  # one operation per colour bucket
    assert sum(len(op.paths) for op in fills) <= len(cells) // 32  # chunks, not cells
    assert len(scene.drawer("cases").scatter.data) == 2000


def test_visibility_opacity_and_z_follow_the_list(plot):
    layers = full_layers()
    scene = MapScene(layers, plot)
    cases = layers["cases"]
    scatter = scene.drawer(cases).scatter
    cases.visible = False
    assert not scatter.isVisible()
    cases.visible = True
    cases.opacity = 0.25
    assert scatter.isVisible() and scatter.opacity() == pytest.approx(0.25)
    (grid_group,) = scene.raster_groups  # districts, river and grids: one image
    assert scatter.zValue() > grid_group.zValue()
    layers.move(layers.index("cases"), 0)
    (grid_group,) = scene.raster_groups
    assert scatter.zValue() < grid_group.zValue()
    layers.move(0, layers.index("river"))  # cases between river and grids: two groups
    assert [len(m) for _, m in scene._groups] == [2, 1]
    first, second = scene.raster_groups
    assert first.zValue() < scatter.zValue() < second.zValue()
    layers.remove("cases")
    assert scatter.scene() is None and scene.drawer(cases) is None
    layers.insert(len(layers), cases)
    top = scene.drawer(cases).scatter
    assert top.zValue() > scene.drawer("squads").scatter.zValue()


def test_update_case_changes_one_spot_without_a_rebuild(plot, monkeypatch):
    layers = full_layers()
    scene = MapScene(layers, plot, clock=lambda: NOW)
    cases = layers["cases"]
    cases.set_cases(case(i, 120.4 + i * 1e-4) for i in range(1000))
    drawer = scene.drawer(cases)
    assert isinstance(drawer, CaseDrawer)
    scatter = drawer.scatter
    base = drawer.rebuilds  # set_cases was one
    calls = []
    monkeypatch.setattr(scatter, "setData", lambda *a, **k: calls.append(1))
    before = [b.color().name() for b in scatter.data["brush"]]
    cases.update_case(case(500, 120.4 + 500e-4, overdue=True, deadline_at=NOW - timedelta(hours=1)))
    after = [b.color().name() for b in scatter.data["brush"]]
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [drawer.index[500]]
    assert after[drawer.index[500]] == QColor(DEADLINE_COLORS["overdue"]).name()
    assert calls == [] and drawer.rebuilds == base and len(scatter.data) == 1000
    # moving a case moves only its spot
    cases.update_case(case(7, 121.0, 42.0))
    x, y = project([121.0], [42.0])
    assert scatter.data["x"][drawer.index[7]] == pytest.approx(x[0])
    assert calls == [] and drawer.rebuilds == base
    # a new case changes the count: then, and only then, the layer is rebuilt
    monkeypatch.undo()
    cases.update_case(case(5000))
    assert drawer.rebuilds == base + 1 and len(scatter.data) == 1001


def test_hit_test_picks_the_nearest_case_and_prefers_the_top_layer(plot):
    layers = full_layers()
    scene = MapScene(layers, plot)
    layers["cases"].set_cases([case(1, 120.4500), case(2, 120.4502), case(3, 120.4504)])
    x, y = project([120.4502, 120.4504], [41.57, 41.57])
    assert scene.hit_test(x[0] + 3, y[0], 10) == ("cases", 2)
    assert scene.hit_test(x[1] - 2, y[1], 10) == ("cases", 3)
    assert scene.hit_test(x[0], y[0] + 500, 10) is None
    layers["squads"].set_squads([SquadRow(9, "S9", "s", "u", "busy", 0, 120.4502, 41.57)])
    assert scene.hit_test(x[0], y[0], 10) == ("squads", 9)  # squads lie above cases
    layers.move(layers.index("squads"), 0)
    assert scene.hit_test(x[0], y[0], 10) == ("cases", 2)
    layers["cases"].visible = False
    assert scene.hit_test(x[0], y[0], 10) == ("squads", 9)


def test_squad_moves_update_spot_and_trail(plot):
    layers = full_layers()
    scene = MapScene(layers, plot)
    squads = layers["squads"]
    squads.set_squads([SquadRow(i, f"S{i}", "s", "u", "available", 0, 120.4, 41.5) for i in range(3)])
    drawer = scene.drawer(squads)
    clock = [100.0]
    drawer.monotonic = lambda: clock[0]
    base = drawer.rebuilds
    squads.move(1, 120.41, 41.51, NOW)
    clock[0] += 5.0
    drawer.step_glides()  # the first move has glided home
    squads.move(1, 120.42, 41.52, NOW + timedelta(minutes=1))
    x, _ = project([120.42], [41.52])
    x_prev, _ = project([120.41], [41.51])
    spot = drawer.index[1]
    # The marker starts where it was and glides: halfway after half the glide time.
    assert drawer.scatter.data["x"][spot] == pytest.approx(x_prev[0])
    assert drawer.gliding == 1
    clock[0] += GLIDE_S / 2
    drawer.step_glides()
    assert drawer.scatter.data["x"][spot] == pytest.approx((x[0] + x_prev[0]) / 2)
    clock[0] += GLIDE_S
    drawer.step_glides()
    assert drawer.scatter.data["x"][spot] == pytest.approx(x[0])
    assert drawer.gliding == 0 and not drawer._timer.isActive()
    drawer.flush_trails()  # (the event loop does this once per batch of reports)
    tx, _ = drawer.trails.getData()
    assert np.isfinite(tx).sum() == 2 and drawer.rebuilds == base
    # Moving north-east: the symbol is the arrow for a heading of 45° (rounded to 15°).
    assert drawer.heading_of(squads.squads[1]) == pytest.approx(36.8, abs=1.0)


def test_detach_stops_listening(plot):
    layers = full_layers()
    scene = MapScene(layers, plot)
    drawer = scene.drawer("cases")
    scene.close()
    layers["cases"].set_cases([case(1)])
    assert len(drawer.scatter.data) == 0 and scene_items(plot) == 0


def test_camera_cones_follow_heading_and_only_a_changed_cone_redraws_them(plot):
    layers = full_layers()
    scene = MapScene(layers, plot)
    cams = layers["cameras"]
    rows = [CameraRow(i, f"C{i}", "", 120.4 + i * 1e-3, 41.5, "", True, 90.0, 60.0) for i in range(5)]
    cams.set_cameras(rows)
    drawer = scene.drawer(cams)
    path = drawer.cones._path
    assert path.elementCount() > 0
    # Looking east (90°): the cone lies east of the camera.
    x, y = project([120.4], [41.5])
    box = path.boundingRect()
    assert box.left() >= x[0] - 1 and box.right() > x[0] + 50
    calls = []
    drawer._set_cones = lambda: calls.append(1)  # type: ignore[method-assign]
    cams.update_camera(replace(rows[1], name="renamed"))
    assert calls == []
    cams.update_camera(replace(rows[1], heading_deg=180.0))
    assert calls == [1]
