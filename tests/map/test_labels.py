"""Label placement (no overlaps, by priority) and `LabelItem` drawn on a real plot."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor

from command_center.map.labels import (
    ABOVE,
    BELOW,
    LEFT,
    RIGHT,
    LabelItem,
    candidate_boxes,
    place_labels,
)
from tests.map.conftest import to_pixel


def overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def dense(n: int = 800, seed: int = 0):
    rng = np.random.default_rng(seed)
    anchors = rng.uniform(0, [800, 600], (n, 2))
    sizes = np.column_stack([rng.uniform(30, 120, n), np.full(n, 16.0)])
    return anchors, sizes, rng.uniform(0, 1, n)


def test_kept_boxes_never_overlap_and_each_dropped_label_had_no_room():
    anchors, sizes, prio = dense()
    p = place_labels(anchors, sizes, prio, gap_px=3.0)
    assert 0 < len(p.indices) < len(anchors)
    assert len(set(p.indices.tolist())) == len(p.indices)
    for i in range(len(p.boxes)):
        for j in range(i + 1, len(p.boxes)):
            assert not overlaps(p.boxes[i], p.boxes[j])
    # The boxes are the candidates named by the positions.
    cand = candidate_boxes(anchors, sizes, 3.0)
    assert np.allclose(p.boxes, cand[p.indices, p.positions])
    # Greedy and maximal: every dropped label collides in every position.
    dropped = np.setdiff1d(np.arange(len(anchors)), p.indices)
    for i in dropped[:100]:
        for box in cand[i]:
            assert any(overlaps(box, k) for k in p.boxes)


def test_higher_priority_is_placed_first():
    """Five labels on one anchor: four positions, taken in order of priority."""
    anchors = np.full((5, 2), 100.0)
    sizes = np.tile([40.0, 10.0], (5, 1))
    p = place_labels(anchors, sizes, [1, 5, 3, 2, 4], gap_px=10.0)
    assert p.indices.tolist() == [1, 4, 2, 3]
    assert p.positions.tolist() == [RIGHT, LEFT, ABOVE, BELOW]
    # Without priorities the input order decides.
    assert place_labels(anchors, sizes, gap_px=10.0).indices.tolist() == [0, 1, 2, 3]
    # Priorities of a dense scene: a kept label never loses to a lower one that took its box.
    anchors, sizes, prio = dense(seed=3)
    kept = place_labels(anchors, sizes, prio).indices
    assert prio[kept[0]] == prio.max()
    assert (np.diff(prio[kept]) <= 0).all()  # returned most important first


def test_sparse_labels_all_go_to_the_right():
    anchors = np.array([[0.0, 0.0], [500.0, 0.0], [0.0, 500.0], [500.0, 500.0]])
    sizes = np.array([[80.0, 16.0]] * 4)
    p = place_labels(anchors, sizes, [4, 3, 2, 1], gap_px=5.0)
    assert sorted(p.indices.tolist()) == [0, 1, 2, 3]
    assert (p.positions == RIGHT).all()
    assert p.boxes[0].tolist() == [5.0, -8.0, 85.0, 8.0]


def test_bounds_padding_and_positions():
    anchors = np.array([[95.0, 50.0], [10.0, 50.0]])
    sizes = np.array([[20.0, 10.0], [20.0, 10.0]])
    p = place_labels(anchors, sizes, bounds=(0.0, 0.0, 100.0, 100.0))
    assert p.positions.tolist() == [LEFT, RIGHT]  # the first does not fit on the right
    # Touching boxes are allowed; padding keeps them apart.
    anchors = np.array([[0.0, 0.0], [20.0, 0.0]])
    sizes = np.array([[20.0, 10.0], [20.0, 10.0]])
    touching = place_labels(anchors, sizes, gap_px=2.0, positions=[RIGHT])
    assert touching.boxes[:, 0].tolist() == [2.0, 22.0] and len(touching.indices) == 2
    padded = place_labels(anchors, sizes, gap_px=2.0, padding_px=1.0, positions=[RIGHT])
    assert padded.indices.tolist() == [0]
    assert len(place_labels(np.empty((0, 2)), np.empty((0, 2))).indices) == 0
    with pytest.raises(ValueError):
        place_labels(anchors, sizes[:1])


# -- rendering


def bright_pixels(widget: pg.PlotWidget, x0: int, y0: int, x1: int, y1: int) -> int:
    image = widget.grab().toImage()
    return sum(
        QColor(image.pixelColor(x, y)).lightness() > 180
        for x in range(max(x0, 0), min(x1, image.width()))
        for y in range(max(y0, 0), min(y1, image.height()))
    )


def test_label_text_is_drawn_right_of_its_anchor(plot_widget, qtbot):
    item = LabelItem(font_pt=12)
    plot_widget.addItem(item)
    item.set_labels([1000.0], [1500.0], ["双塔区 Shuangta"])
    qtbot.wait(10)
    ax, ay = to_pixel(plot_widget, 1000.0, 1500.0)
    assert bright_pixels(plot_widget, ax + 2, ay - 12, ax + 120, ay + 12) > 20
    assert bright_pixels(plot_widget, ax - 120, ay - 12, ax - 2, ay + 12) == 0
    assert item.last_shown.tolist() == [0]
    assert item.last_placement.positions.tolist() == [RIGHT]
    box = item.last_placement.boxes[0]
    assert box[0] > ax and box[1] < ay < box[3]


def test_colliding_labels_keep_the_higher_priority(plot_widget, qtbot):
    item = LabelItem(font_pt=12)
    plot_widget.addItem(item)
    m_per_px = plot_widget.getPlotItem().getViewBox().viewPixelSize()[0]
    # Three long labels a pixel apart: the first (priority 9) takes the right, the second
    # (5) the left; above and below, the last would cover the first: it is dropped.
    xs = [1000.0, 1000.0 + m_per_px, 1000.0 + 2 * m_per_px]
    item.set_labels(xs, [1500.0] * 3, ["朝阳市人民政府大楼"] * 3, priority=[1, 9, 5])
    qtbot.wait(10)
    plot_widget.grab()
    shown = item.last_shown.tolist()
    assert shown == [1, 2]
    assert item.last_placement.positions.tolist() == [RIGHT, LEFT]
    boxes = item.last_placement.boxes
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not overlaps(boxes[i], boxes[j])


def test_labels_off_view_or_zoomed_out_are_not_drawn(plot_widget, qtbot):
    item = LabelItem(font_pt=12, min_scale=100.0)
    plot_widget.addItem(item)
    item.set_labels([1000.0, 90_000.0], [1500.0, 1500.0], ["北塔", "far away"])
    qtbot.wait(10)
    plot_widget.grab()
    assert item.last_shown.tolist() == [0]  # the far one is culled before placement
    ax, ay = to_pixel(plot_widget, 1000.0, 1500.0)
    assert bright_pixels(plot_widget, ax + 2, ay - 12, ax + 80, ay + 12) > 10
    item.set_min_scale(1.0)  # the view is 10 m per pixel: too far out
    qtbot.wait(10)
    assert bright_pixels(plot_widget, 0, 0, 400, 300) == 0
    assert item.last_shown.tolist() == []


def test_a_bigger_font_gives_bigger_boxes(plot_widget, qtbot):
    item = LabelItem(font_pt=10)
    plot_widget.addItem(item)
    item.set_labels([1000.0], [1500.0], ["龙城区"])
    plot_widget.grab()
    small = item.last_placement.boxes[0].copy()
    item.set_font_size(28)
    plot_widget.grab()
    big = item.last_placement.boxes[0]
    assert big[3] - big[1] > 2 * (small[3] - small[1])
    assert big[2] - big[0] > 2 * (small[2] - small[0])
