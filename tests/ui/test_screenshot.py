"""A screenshot of the main window shows the map, with boundaries where they belong."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from command_center.map.drawers import DISTRICT_FILL, DISTRICT_LINE
from command_center.services.snapshot import CitySnapshot
from command_center.ui.main_window import MainWindow
from command_center.ui.screenshot import grab_to_png

# The east district is the triangle (120.42, 41.50) (120.55, 41.50) (120.48, 41.62):
ON_BOUNDARY = (120.515, 41.56)  # middle of its north-east edge, nothing else nearby
INSIDE = (120.50, 41.51)  # inside it, away from points, labels and lines


def close(a: QColor, b: QColor, tol: int) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def pixels_around(image: QImage, at: QPoint, radius: int) -> list[QColor]:
    return [
        image.pixelColor(at.x() + dx, at.y() + dy)
        for dx in range(-radius, radius + 1)
        for dy in range(-radius, radius + 1)
        if image.rect().contains(at.x() + dx, at.y() + dy)
    ]


def test_window_screenshot_draws_boundaries(
    qtbot: QtBot, themed_qapp: object, city_snapshot: CitySnapshot, tmp_path: Path
) -> None:
    window = MainWindow("sqlite:///ui.db")
    qtbot.addWidget(window)
    window.apply_snapshot(city_snapshot)
    path = tmp_path / "shots" / "window.png"

    assert grab_to_png(window, path, (1280, 800))
    assert not window.isVisible(), "a hidden window is hidden again after the grab"

    image = QImage(str(path))
    assert (image.width(), image.height()) == (1280, 800)
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    colours = {image.pixel(x, y) for x in range(0, 1280, 7) for y in range(0, 800, 7)}
    assert len(colours) > 50, "the screenshot is (nearly) one colour"

    # Where the map draws the boundary, in screenshot pixels. The grab laid the window
    # out at 1280x800, so geometry now matches the PNG.
    scale = image.devicePixelRatio()
    canvas = window.map_canvas
    overlays = [window.map_panel.search, window.map_panel.minimap]

    def in_png(lon: float, lat: float) -> QPoint:
        p = canvas.lonlat_to_widget(lon, lat)
        assert not any(o.geometry().contains(canvas.mapTo(window.map_panel, p)) for o in overlays)
        q = canvas.mapTo(window, p)
        return QPoint(round(q.x() * scale), round(q.y() * scale))

    boundary = QColor(DISTRICT_LINE)
    edge = in_png(*ON_BOUNDARY)
    assert canvas.rect().contains(canvas.lonlat_to_widget(*ON_BOUNDARY))
    assert any(close(c, boundary, 40) for c in pixels_around(image, edge, 2)), (
        f"no boundary colour near {edge}: {[c.name() for c in pixels_around(image, edge, 1)]}"
    )
    inside = in_png(*INSIDE)
    assert not any(close(c, boundary, 60) for c in pixels_around(image, inside, 2))
    assert close(image.pixelColor(inside), QColor(DISTRICT_FILL), 12)


def test_grab_refuses_an_empty_size(qtbot: QtBot, tmp_path: Path) -> None:
    label = QLabel("朝阳")
    qtbot.addWidget(label)
    assert not grab_to_png(label, tmp_path / "x.png", (0, 10))
    assert not (tmp_path / "x.png").exists()
    assert grab_to_png(label, tmp_path / "y.png", (120, 40))
    assert QImage(str(tmp_path / "y.png")).size().toTuple() == (120, 40)
