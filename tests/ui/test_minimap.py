"""The overview map: outlines and the view rectangle where they belong, clicks in metres."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from command_center.map.layers import default_layers
from command_center.map.projection import project
from command_center.services.snapshot import DistrictShape
from command_center.ui.minimap import BACKGROUND, FILL, MARGIN_PX, OUTLINE, VIEW_LINE, OverviewMap

W, H = 200, 160
SQUARE = ((120.30, 41.50), (120.40, 41.50), (120.40, 41.60), (120.30, 41.60), (120.30, 41.50))
TRIANGLE = ((120.42, 41.50), (120.55, 41.50), (120.48, 41.62), (120.42, 41.50))


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    x, y = project([lon], [lat])
    return float(x[0]), float(y[0])


# The city of SQUARE + TRIANGLE, and where a Mercator point should land in a W×H overview,
# worked out here from the documented layout (fit with MARGIN_PX, centred, y up).
X0, Y0 = _mercator(120.30, 41.50)
X1, Y1 = _mercator(120.55, 41.62)
SCALE = min((W - 2 * MARGIN_PX) / (X1 - X0), (H - 2 * MARGIN_PX) / (Y1 - Y0))


def _expected_px(x: float, y: float, w: int = W, h: int = H) -> tuple[float, float]:
    scale = min((w - 2 * MARGIN_PX) / (X1 - X0), (h - 2 * MARGIN_PX) / (Y1 - Y0))
    return (
        w / 2 + (x - (X0 + X1) / 2) * scale,
        h / 2 - (y - (Y0 + Y1) / 2) * scale,
    )


# An outline pixel: the 1.5 px antialiased pen covers at least two thirds of some pixel
# next to the line (OUTLINE is ~390 away from FILL and BACKGROUND in this measure).
ON_OUTLINE = 130


def _distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def _nearest(image: QImage, px: float, py: float, color: str, reach: int = 1) -> int:
    """The smallest colour distance to `color` among the pixels within `reach` of (px, py)."""
    target = QColor(color)
    best = 10**6
    cx, cy = int(px), int(py)
    for x in range(cx - reach, cx + reach + 1):
        for y in range(cy - reach, cy + reach + 1):
            if 0 <= x < image.width() and 0 <= y < image.height():
                best = min(best, _distance(QColor(image.pixel(x, y)), target))
    return best


def _overview(qtbot: QtBot) -> OverviewMap:
    overview = OverviewMap(size=QSize(W, H))
    qtbot.addWidget(overview)
    overview.set_city([SQUARE, TRIANGLE])
    return overview


def test_district_outlines_are_drawn_where_they_are(qtbot: QtBot, themed_qapp: object) -> None:
    overview = _overview(qtbot)
    image = overview.grab().toImage()
    # on the square's west edge, half way up; and on the triangle's south edge
    for lon, lat in ((120.30, 41.55), (120.35, 41.60), (120.48, 41.50)):
        px, py = _expected_px(*_mercator(lon, lat))
        assert _nearest(image, px, py, OUTLINE) < ON_OUTLINE, (lon, lat)
    # inside the square: the fill; in the gap between the two districts: the background
    px, py = _expected_px(*_mercator(120.35, 41.55))
    assert _nearest(image, px, py, FILL, reach=0) < 10
    px, py = _expected_px(*_mercator(120.41, 41.61))
    assert _nearest(image, px, py, BACKGROUND, reach=0) < 10
    assert _nearest(image, px, py, OUTLINE, reach=3) > 100


def test_view_rectangle_is_drawn_at_the_main_maps_view(qtbot: QtBot) -> None:
    overview = _overview(qtbot)
    x0, y0 = _mercator(120.32, 41.52)
    x1, y1 = _mercator(120.37, 41.57)
    overview.set_view_rect(x0, x1, y0, y1)
    image = overview.grab().toImage()
    left, top = _expected_px(x0, y1)
    right, bottom = _expected_px(x1, y0)
    mid_x, mid_y = (left + right) / 2, (top + bottom) / 2
    for px, py in ((left, mid_y), (right, mid_y), (mid_x, top), (mid_x, bottom)):
        assert _nearest(image, px, py, VIEW_LINE) < 40, (px, py)
    # nothing of it outside: half way between its right edge and the square's east edge
    east, _ = _expected_px(*_mercator(120.40, 41.55))
    assert _nearest(image, (right + east) / 2, mid_y, VIEW_LINE, reach=0) > 150


def test_a_view_bigger_than_the_city_frames_the_overview(qtbot: QtBot) -> None:
    overview = _overview(qtbot)
    x0, y0 = _mercator(119.0, 41.0)
    x1, y1 = _mercator(122.0, 42.5)
    overview.set_view_rect(x0, x1, y0, y1)
    image = overview.grab().toImage()
    for px, py in ((0, H / 2), (W - 1, H / 2), (W / 2, 0), (W / 2, H - 1)):
        assert _nearest(image, px, py, VIEW_LINE) < 40, (px, py)
    # the outlines still show through
    px, py = _expected_px(*_mercator(120.30, 41.55))
    assert _nearest(image, px, py, OUTLINE) < 120


def test_click_and_drag_ask_to_recenter_in_mercator_metres(qtbot: QtBot) -> None:
    overview = _overview(qtbot)
    overview.show()
    qtbot.waitExposed(overview)
    target = _mercator(120.35, 41.55)
    px, py = _expected_px(*target)
    with qtbot.waitSignal(overview.recenterRequested) as blocker:
        qtbot.mouseClick(overview, Qt.MouseButton.LeftButton, pos=QPoint(round(px), round(py)))
    x, y = blocker.args
    one_pixel = 1 / SCALE  # metres
    assert abs(x - target[0]) <= one_pixel and abs(y - target[1]) <= one_pixel

    seen: list[tuple[float, float]] = []
    overview.recenterRequested.connect(lambda x, y: seen.append((x, y)))
    end = _mercator(120.48, 41.55)
    ex, ey = _expected_px(*end)
    qtbot.mousePress(overview, Qt.MouseButton.LeftButton, pos=QPoint(round(px), round(py)))
    qtbot.mouseMove(overview, QPoint(round(ex), round(ey)))
    qtbot.mouseRelease(overview, Qt.MouseButton.LeftButton, pos=QPoint(round(ex), round(ey)))
    assert len(seen) >= 2
    assert abs(seen[-1][0] - end[0]) <= one_pixel and abs(seen[-1][1] - end[1]) <= one_pixel


def test_empty_city_draws_background_and_ignores_clicks(qtbot: QtBot) -> None:
    overview = OverviewMap(size=QSize(W, H))
    qtbot.addWidget(overview)
    overview.set_view_rect(0.0, 1000.0, 0.0, 1000.0)
    overview.show()
    qtbot.waitExposed(overview)
    image = overview.grab().toImage()
    assert _nearest(image, W / 2, H / 2, BACKGROUND, reach=0) == 0
    assert overview.extent is None and overview.widget_to_world(10, 10) is None
    with qtbot.assertNotEmitted(overview.recenterRequested):
        qtbot.mouseClick(overview, Qt.MouseButton.LeftButton, pos=QPoint(W // 2, H // 2))
    overview.set_city([])  # still empty, still fine
    overview.grab()


def test_resize_renders_the_cache_again_and_the_view_does_not(qtbot: QtBot) -> None:
    overview = _overview(qtbot)
    overview.grab()
    assert overview.renders == 1
    x0, y0 = _mercator(120.32, 41.52)
    overview.set_view_rect(x0, x0 + 500.0, y0, y0 + 500.0)
    overview.grab()
    assert overview.renders == 1  # moving the view only repaints the rectangle
    overview.setFixedSize(300, 120)
    image = overview.grab().toImage()
    assert overview.renders == 2
    px, py = _expected_px(*_mercator(120.30, 41.55), w=300, h=120)
    assert _nearest(image, px, py, OUTLINE) < ON_OUTLINE


def test_follows_a_layer_list_and_a_view_box(qtbot: QtBot) -> None:
    layers = default_layers()
    overview = OverviewMap(size=QSize(W, H))
    qtbot.addWidget(overview)
    overview.set_layers(layers)
    assert overview.extent is None
    districts = layers["districts"]
    districts.set_districts(  # type: ignore[attr-defined]
        [DistrictShape("1", "西区", (SQUARE,)), DistrictShape("2", "东区", (TRIANGLE,))]
    )
    assert overview.extent == (X0, X1, Y0, Y1)
    # a unit grid reaching further south widens the city
    layers["unit_grids"].set_cells(  # type: ignore[attr-defined]
        {"g": ((120.31, 41.40), (120.32, 41.40), (120.32, 41.41), (120.31, 41.40))}
    )
    assert overview.extent is not None and overview.extent[2] < Y0

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    view_box = plot.getViewBox()
    overview.follow(view_box)
    x0, y0 = _mercator(120.33, 41.53)
    x1, y1 = _mercator(120.36, 41.56)
    view_box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
    rect = overview.view_rect
    assert rect is not None
    assert rect[0] <= x0 + 1 and rect[1] >= x1 - 1 and rect[2] <= y0 + 1 and rect[3] >= y1 - 1

    overview.close()  # stops following both
    assert len(districts.data_changed) == 0
    view_box.setRange(xRange=(0.0, 10.0), yRange=(0.0, 10.0), padding=0.0)
    assert overview.view_rect == rect
