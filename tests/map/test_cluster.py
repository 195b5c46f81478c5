"""Grid clustering (pure numpy) and `ClusterItem` drawn on a real plot (offscreen Qt)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor

from command_center.map.cluster import (
    ClusterItem,
    bubble_radius_px,
    cluster_points,
    format_count,
    nearest_within,
)
from tests.map.conftest import BACKGROUND, to_pixel

COLORS = ("#2fa8ff", "#3ddc84", "#ffb020", "#ff3b3b")


def random_points(n: int = 5000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(13_408_000, 3000, n), rng.normal(5_098_000, 2000, n)


def test_counts_sum_to_the_points_and_members_share_a_cell():
    x, y = random_points()
    cell = 750.0
    c = cluster_points(x, y, cell, origin=(13_400_000, 5_090_000))
    assert c.counts.sum() == len(x)
    assert len(c) == len(c.x) == len(c.y) == len(c.starts) - 1
    ix = np.floor((x - 13_400_000) / cell)
    iy = np.floor((y - 5_090_000) / cell)
    cells = set()
    for k in range(len(c)):
        m = c.members(k)
        assert len(m) == c.counts[k]
        assert (ix[m] == c.cell_ix[k]).all() and (iy[m] == c.cell_iy[k]).all()
        assert (c.labels[m] == k).all()
        assert c.x[k] == pytest.approx(x[m].mean()) and c.y[k] == pytest.approx(y[m].mean())
        cells.add((c.cell_ix[k], c.cell_iy[k]))
    assert len(cells) == len(c)  # one cluster per occupied cell
    assert sorted(c.order.tolist()) == list(range(len(x)))


def test_clusters_do_not_depend_on_the_view():
    """The grid is anchored at the origin: the points in view cluster as they do in the
    whole set, and moving points and origin together changes nothing."""
    x, y = random_points(3000, seed=1)
    cell = 500.0
    whole = cluster_points(x, y, cell)
    # A "view" whose edges fall on cell lines: the clusters inside are the same.
    x0, x1 = 13_406_000.0, 13_410_000.0
    inside = np.flatnonzero((x >= x0) & (x < x1))
    part = cluster_points(x[inside], y[inside], cell)
    whole_groups = {
        frozenset(whole.members(k).tolist())
        for k in range(len(whole))
        if x0 <= whole.cell_ix[k] * cell < x1
    }
    part_groups = {frozenset(inside[part.members(k)].tolist()) for k in range(len(part))}
    assert part_groups == whole_groups
    shifted = cluster_points(x + 12_345.0, y - 678.0, cell, origin=(12_345.0, -678.0))
    assert np.array_equal(shifted.labels, whole.labels)
    assert np.allclose(shifted.x - 12_345.0, whole.x)
    again = cluster_points(x, y, cell)
    assert np.array_equal(again.labels, whole.labels)


def test_severity_is_the_worst_member():
    x = np.array([10.0, 20.0, 30.0, 510.0, 520.0, 1010.0])
    y = np.zeros(6)
    sev = np.array([0, 3, 1, 2, 0, 1])
    c = cluster_points(x, y, 500.0, severity=sev)
    assert c.counts.tolist() == [3, 2, 1]
    assert c.severity.tolist() == [3, 2, 1]
    assert cluster_points(x, y, 500.0).severity is None


def test_points_without_a_position_belong_to_no_cluster():
    x = np.array([1.0, np.nan, 2.0, np.inf])
    y = np.array([1.0, 1.0, np.nan, 3.0])
    c = cluster_points(x, y, 10.0)
    assert c.labels.tolist() == [0, -1, -1, -1]
    assert c.counts.tolist() == [1]
    empty = cluster_points([], [], 10.0, severity=[])
    assert len(empty) == 0 and empty.starts.tolist() == [0]


@pytest.mark.parametrize("cell", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_cell_size_is_refused(cell):
    with pytest.raises(ValueError, match="cell_m"):
        cluster_points([0.0], [0.0], cell)


def test_bubble_size_and_count_text():
    r = bubble_radius_px([1, 10, 100, 10**6])
    assert r[0] == 9.0 and r[0] < r[1] < r[2] and r[3] == 28.0
    assert [format_count(n) for n in (7, 999, 1234, 56_789)] == ["7", "999", "1.2k", "56k"]


def test_nearest_within():
    cx, cy = np.array([0.0, 10.0, 20.0]), np.zeros(3)
    assert nearest_within(cx, cy, 9.0, 0.0, 2.0) == 1
    assert nearest_within(cx, cy, 5.0, 0.0, 2.0) is None
    assert nearest_within(cx, cy, 5.0, 0.0, np.array([6.0, 0.0, 0.0])) == 0
    assert nearest_within(cx[:0], cy[:0], 0.0, 0.0, 1.0) is None


# -- rendering


def close(a: QColor, b: QColor, tol: int = 12) -> bool:
    return all(
        abs(u - v) <= tol for u, v in zip(a.getRgb()[:3], QColor(b).getRgb()[:3], strict=True)
    )


def test_bubbles_take_the_severity_colour_and_a_screen_size(plot_widget, qtbot):
    item = ClusterItem(COLORS)
    plot_widget.addItem(item)
    # One lone point (no text) and one cluster of 300 (count written in the middle).
    item.set_clusters([1000.0, 3000.0], [1500.0, 1500.0], [1, 300], [2, 3])
    qtbot.wait(10)
    image = plot_widget.grab().toImage()
    px, py = to_pixel(plot_widget, 1000.0, 1500.0)
    assert close(image.pixelColor(px, py), COLORS[2])
    assert close(image.pixelColor(px + 14, py), BACKGROUND)  # radius 9 px for one point
    bx, by = to_pixel(plot_widget, 3000.0, 1500.0)
    r = bubble_radius_px([300])[0]
    assert close(image.pixelColor(bx, by - round(r * 0.75)), COLORS[3])  # above the text
    assert close(image.pixelColor(bx, by + round(r) + 4), BACKGROUND)
    text = [image.pixelColor(bx + dx, by + dy) for dx in range(-8, 9) for dy in range(-4, 5)]
    assert any(close(c, BACKGROUND, 60) for c in text)  # dark digits on the red bubble
    # The same bubble keeps its pixel size when the view zooms out twice.
    vb = plot_widget.getPlotItem().getViewBox()
    vb.setRange(xRange=(-2000.0, 6000.0), yRange=(-1500.0, 4500.0), padding=0.0)
    qtbot.wait(10)
    image = plot_widget.grab().toImage()
    px, py = to_pixel(plot_widget, 1000.0, 1500.0)
    assert close(image.pixelColor(px + 6, py), COLORS[2])
    assert close(image.pixelColor(px + 14, py), BACKGROUND)


def test_cluster_at_uses_the_bubble_size_in_pixels(plot_widget, qtbot):
    item = ClusterItem(COLORS)
    plot_widget.addItem(item)
    c = cluster_points([1010.0, 1030.0, 3000.0], [1500.0, 1500.0, 1500.0], 500.0)
    item.set_from(c)
    assert item.count == 2
    m_per_px = plot_widget.getPlotItem().getViewBox().viewPixelSize()[0]
    r = bubble_radius_px([2])[0]
    assert item.cluster_at(1020.0 + (r - 1) * m_per_px, 1500.0) == 0
    assert item.cluster_at(1020.0 + (r + 3) * m_per_px, 1500.0) is None
    assert item.cluster_at(1020.0 + (r + 3) * m_per_px, 1500.0, tolerance_px=5) == 0
    assert item.cluster_at(3000.0, 1500.0) == 1
    assert ClusterItem().cluster_at(0.0, 0.0) is None  # not on a view
