"""Kernel density grid, its colours, `HeatmapItem` on a real plot, and `HeatmapDrawer`."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor

from command_center.map.heatmap import (
    HeatmapDrawer,
    HeatmapItem,
    density_grid,
    gaussian_blur,
    heat_lut,
)
from command_center.map.layers import HeatmapLayer
from command_center.map.projection import project
from tests.map.conftest import BACKGROUND, to_pixel

BOUNDS = (0.0, 0.0, 4000.0, 3000.0)


def test_density_peaks_where_the_points_are():
    x = np.array([2500.0, 2510.0, 2490.0, 700.0])
    y = np.array([2200.0, 2190.0, 2210.0, 500.0])
    g = density_grid(x, y, None, BOUNDS, (60, 80), 150.0)
    assert g.shape == (60, 80)
    row, col = np.unravel_index(np.argmax(g), g.shape)
    # Cells are 50 m; row 0 is the south edge.
    assert col == 50 and row == 44
    assert g[10, 14] > 0  # the lone point has its own, lower bump
    assert g[10, 14] < g[row, col] / 2


def test_the_blur_keeps_the_mass_except_at_the_edges():
    rng = np.random.default_rng(0)
    x, y = rng.uniform(1000, 3000, 500), rng.uniform(1000, 2000, 500)
    w = rng.uniform(0.5, 2.0, 500)
    g = density_grid(x, y, w, BOUNDS, (120, 160), 100.0)
    assert g.sum() == pytest.approx(w.sum(), rel=1e-9)
    assert (g >= 0).all()
    # A point on the edge loses the half of its bump that falls outside.
    edge = density_grid([0.0], [1500.0], [1.0], BOUNDS, (120, 160), 100.0)
    assert 0.4 < edge.sum() < 0.6
    # A point just outside the bounds still warms the edge.
    outside = density_grid([-100.0], [1500.0], [1.0], BOUNDS, (120, 160), 100.0)
    assert outside[:, 0].sum() > 0 and outside.sum() < 0.5
    # Radius 0: plain binning.
    binned = density_grid([10.0, 20.0], [10.0, 10.0], None, BOUNDS, (3, 4), 0.0)
    assert binned[0, 0] == 2.0 and binned.sum() == 2.0


def test_gaussian_blur_is_separable_and_normalised():
    a = np.zeros((41, 41))
    a[20, 20] = 1.0
    b = gaussian_blur(a, (3.0, 3.0))
    assert b.sum() == pytest.approx(1.0)
    assert np.allclose(b, b.T) and b[20, 20] == b.max()
    assert np.allclose(b[20, :] / b[20, :].sum(), b[:, 20] / b[:, 20].sum())


def test_zero_weights_give_an_empty_grid_and_a_transparent_item(qapp):
    g = density_grid([100.0, 200.0], [100.0, 200.0], [0.0, 0.0], BOUNDS, (30, 40), 100.0)
    assert not g.any()
    item = HeatmapItem()
    item.set_points([100.0, 200.0], [100.0, 200.0], [0.0, 0.0], 100.0)
    assert (item.rgba()[..., 3] == 0).all()


def test_lookup_table_goes_from_transparent_to_red():
    lut = heat_lut()
    assert lut.shape == (256, 4) and lut.dtype == np.uint8
    assert tuple(lut[0]) == (0, 0, 0, 0)
    assert (np.diff(lut[:, 3].astype(int)) >= 0).all()  # alpha grows with density
    r, g, b, a = lut[-1]
    assert r > 200 and g < 40 and a > 200


@pytest.mark.parametrize(
    "kw",
    [
        {"bounds": (0.0, 0.0, 0.0, 1.0)},
        {"shape": (0, 4)},
        {"radius_m": -1.0},
    ],
)
def test_bad_arguments_are_refused(kw):
    args = {"bounds": BOUNDS, "shape": (3, 4), "radius_m": 10.0} | kw
    with pytest.raises(ValueError):
        density_grid([1.0], [1.0], None, **args)


# -- rendering


def pixel(widget: pg.PlotWidget, x: float, y: float) -> QColor:
    return widget.grab().toImage().pixelColor(*to_pixel(widget, x, y))


def is_background(c: QColor) -> bool:
    want = QColor(BACKGROUND)
    return all(abs(u - v) <= 3 for u, v in zip(c.getRgb()[:3], want.getRgb()[:3], strict=True))


def test_hotspot_is_red_and_far_away_is_the_background(plot_widget, qtbot):
    item = HeatmapItem()
    plot_widget.addItem(item)
    rng = np.random.default_rng(1)
    x = np.r_[rng.normal(3000, 60, 400), rng.uniform(500, 1500, 40)]
    y = np.r_[rng.normal(2000, 60, 400), rng.uniform(500, 1000, 40)]
    item.set_points(x, y, None, 120.0)
    qtbot.wait(10)
    hot = pixel(plot_widget, 3000.0, 2000.0)
    assert hot.red() > 180 and hot.green() < 110 and hot.blue() < 60
    assert is_background(pixel(plot_widget, 300.0, 2800.0))
    assert is_background(pixel(plot_widget, 3900.0, 200.0))
    warm = pixel(plot_widget, 1000.0, 750.0)  # the sparse points: faint yellow
    assert not is_background(warm) and warm.green() > warm.blue()


def test_zero_weights_render_nothing(plot_widget, qtbot):
    item = HeatmapItem()
    plot_widget.addItem(item)
    item.set_points([2000.0, 2100.0], [1500.0, 1500.0], [0.0, 0.0], 120.0)
    qtbot.wait(10)
    assert is_background(pixel(plot_widget, 2000.0, 1500.0))


def test_grid_follows_the_view_only_when_needed(plot_widget, qtbot):
    item = HeatmapItem(cell_px=2.0)
    plot_widget.addItem(item)
    rng = np.random.default_rng(2)
    item.set_points(
        rng.uniform(-20_000, 20_000, 2000), rng.uniform(-20_000, 20_000, 2000), None, 60.0
    )
    first = item.computations
    # 10 m per pixel, 2 px cells: 20 m cells over the view and half a view around it.
    assert item.bounds == pytest.approx((-2000.0, -1500.0, 6000.0, 4500.0), abs=20.0)
    vb = plot_widget.getPlotItem().getViewBox()
    vb.translateBy(x=500.0)  # still covered, same zoom
    assert item.computations == first
    vb.translateBy(x=3000.0)  # past the covered area
    assert item.computations == first + 1
    vb.scaleBy((0.25, 0.25))  # zoom in 4×
    assert item.computations == first + 2


def test_drawer_projects_the_layer_and_redraws_on_change(qapp):
    layer = HeatmapLayer(visible=True)
    drawer = HeatmapDrawer(layer)
    assert drawer.kind == "heatmap" and drawer.items == [drawer.image]
    assert not drawer.image.density.any()
    layer.set_points([120.45, 120.451, 120.40], [41.57, 41.571, 41.55], [3.0, 1.0, 1.0])
    assert drawer.rebuilds == 1
    item = drawer.image
    x0, y0, x1, y1 = item.bounds
    rows, cols = item.density.shape
    row, col = np.unravel_index(np.argmax(item.density), item.density.shape)
    px, py = project([120.45], [41.57])
    cw, ch = (x1 - x0) / cols, (y1 - y0) / rows
    assert abs(x0 + (col + 0.5) * cw - px[0]) < 2 * cw + 100
    assert abs(y0 + (row + 0.5) * ch - py[0]) < 2 * ch + 100
    layer.opacity = 0.5
    assert item.opacity() == 0.5
    layer.set_points([], [])
    assert drawer.rebuilds == 2 and not item.density.any()
    drawer.detach()
