"""Fixtures for the map tests: a small aspect-locked pyqtgraph plot to draw items on."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF

BACKGROUND = "#0b1320"


@pytest.fixture
def plot_widget(qtbot):
    """A shown 400×300 plot showing x 0…4000, y 0…3000 (metres), aspect 1:1."""
    widget = pg.PlotWidget(background=BACKGROUND)
    qtbot.addWidget(widget)
    plot = widget.getPlotItem()
    for axis in ("left", "bottom"):
        plot.hideAxis(axis)
    vb = plot.getViewBox()
    vb.setAspectLocked(True, ratio=1.0)
    vb.setDefaultPadding(0.0)
    vb.disableAutoRange()
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    vb.setRange(xRange=(0.0, 4000.0), yRange=(0.0, 3000.0), padding=0.0)
    return widget


def to_pixel(widget: pg.PlotWidget, x: float, y: float) -> tuple[int, int]:
    """Where a data point falls in the widget, in pixels."""
    vb = widget.getPlotItem().getViewBox()
    p = widget.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    return p.x(), p.y()
