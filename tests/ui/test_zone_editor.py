"""The zone editor: draw, close, move and delete polygons with the mouse and keys.

Clicks are aimed at normalised image positions through the editor's own letterbox mapping,
so each test checks that the polygon the user drew comes back normalised, whatever the
widget's size.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from command_center.domain.motion import MotionZone
from command_center.ui.zone_editor import PALETTE, ZoneEditor

CLIP = Path(__file__).resolve().parents[2] / "resources" / "video" / "street_bikes_640x272.mp4"
TRIANGLE = ((0.2, 0.2), (0.6, 0.25), (0.4, 0.7))


@pytest.fixture(scope="module")
def frame_image() -> QImage:
    """Frame 200 of the street clip (a pedestrian passing parked bicycles) as a QImage."""
    cap = cv2.VideoCapture(str(CLIP))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 200)
    ok, frame = cap.read()
    cap.release()
    assert ok
    h, w = frame.shape[:2]
    return QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_BGR888).copy()


@pytest.fixture
def editor(qtbot: QtBot, frame_image: QImage) -> ZoneEditor:
    widget = ZoneEditor(template=MotionZone("t", "t", TRIANGLE, category_code="200501"))
    qtbot.addWidget(widget)
    widget.set_image(frame_image)
    widget.resize(800, 450)  # taller than the 640×272 image's aspect: bands above and below
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def at(editor: ZoneEditor, x: float, y: float) -> QPoint:
    p = editor.to_widget((x, y))
    return QPoint(round(p.x()), round(p.y()))


def click(qtbot: QtBot, editor: ZoneEditor, x: float, y: float) -> None:
    qtbot.mouseClick(editor, Qt.MouseButton.LeftButton, pos=at(editor, x, y))


def assert_polygon(actual, expected, editor: ZoneEditor) -> None:
    # clicks land on whole pixels: allow one pixel of the drawn image each way
    r = editor.image_rect()
    assert len(actual) == len(expected)
    for (ax, ay), (ex, ey) in zip(actual, expected, strict=True):
        assert ax == pytest.approx(ex, abs=1 / r.width())
        assert ay == pytest.approx(ey, abs=1 / r.height())


def draw(qtbot: QtBot, editor: ZoneEditor, points) -> MotionZone:
    for x, y in points:
        click(qtbot, editor, x, y)
    with qtbot.waitSignal(editor.zonesChanged) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    zones = blocker.args[0]
    return zones[-1]


def test_clicks_and_enter_draw_a_normalised_zone(qtbot: QtBot, editor: ZoneEditor):
    r = editor.image_rect()
    assert (r.width(), r.height()) == (800, 340) and r.top() > 0  # letterboxed
    points = [(0.45, 0.30), (0.98, 0.30), (0.98, 0.97), (0.45, 0.97)]
    zone = draw(qtbot, editor, points)
    assert_polygon(zone.polygon, points, editor)
    assert zone.category_code == "200501"  # from the template
    assert zone.name == "Zone 1" and zone.id != "t"
    assert editor.zones() == [zone]
    assert editor.selected_zone_id() == zone.id
    assert not editor.drawing


def test_the_same_clicks_give_the_same_polygon_at_another_widget_size(
    qtbot: QtBot, editor: ZoneEditor
):
    points = [(0.1, 0.1), (0.5, 0.15), (0.3, 0.6)]
    first = draw(qtbot, editor, points)
    editor.resize(1000, 300 + round(editor.hint_height()))  # wider: bands left and right
    editor.select_zone(None)
    second = draw(qtbot, editor, [(0.6, 0.5), *points[1:]])
    assert_polygon(second.polygon[1:], first.polygon[1:], editor)
    r = editor.image_rect()
    assert r.top() == 0 and r.left() > 100  # the image now fills the height
    assert r.width() == pytest.approx(r.height() * 640 / 272)


def test_double_click_closes_the_polygon_at_the_clicked_point(qtbot: QtBot, editor: ZoneEditor):
    click(qtbot, editor, 0.1, 0.1)
    click(qtbot, editor, 0.4, 0.1)
    with qtbot.waitSignal(editor.zonesChanged) as blocker:
        pos = at(editor, 0.3, 0.5)
        qtbot.mouseClick(editor, Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseDClick(editor, Qt.MouseButton.LeftButton, pos=pos)
    assert_polygon(blocker.args[0][0].polygon, [(0.1, 0.1), (0.4, 0.1), (0.3, 0.5)], editor)


def test_clicking_the_first_vertex_closes_the_polygon(qtbot: QtBot, editor: ZoneEditor):
    for x, y in [(0.1, 0.1), (0.4, 0.1), (0.3, 0.5)]:
        click(qtbot, editor, x, y)
    with qtbot.waitSignal(editor.zonesChanged) as blocker:
        click(qtbot, editor, 0.1, 0.1)
    assert len(blocker.args[0][0].polygon) == 3


def test_backspace_removes_the_last_vertex_and_escape_cancels(qtbot: QtBot, editor: ZoneEditor):
    with qtbot.assertNotEmitted(editor.zonesChanged):
        for x, y in [(0.1, 0.1), (0.4, 0.1), (0.9, 0.9)]:
            click(qtbot, editor, x, y)
        qtbot.keyClick(editor, Qt.Key.Key_Backspace)
        assert len(editor.draft()) == 2
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
        assert not editor.drawing and editor.zones() == []
    zone = draw(qtbot, editor, [(0.1, 0.1), (0.4, 0.1), (0.9, 0.9), (0.3, 0.5)])
    qtbot.keyClick(editor, Qt.Key.Key_Escape)  # deselect
    assert editor.selected_zone_id() is None
    # drawn again after a Backspace: the removed vertex is not in the zone
    click(qtbot, editor, 0.05, 0.6)
    click(qtbot, editor, 0.2, 0.6)
    click(qtbot, editor, 0.9, 0.05)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    other = draw(qtbot, editor, [(0.2, 0.95)])
    assert_polygon(other.polygon, [(0.05, 0.6), (0.2, 0.6), (0.2, 0.95)], editor)
    assert [z.id for z in editor.zones()] == [zone.id, other.id]


def test_a_flat_polygon_is_not_closed(qtbot: QtBot, editor: ZoneEditor):
    with qtbot.assertNotEmitted(editor.zonesChanged):
        for x, y in [(0.1, 0.1), (0.5, 0.1), (0.9, 0.1)]:
            click(qtbot, editor, x, y)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.drawing and editor.zones() == []


def test_select_a_zone_and_delete_it(qtbot: QtBot, editor: ZoneEditor):
    keep = MotionZone("keep", "东南角", ((0.7, 0.7), (0.95, 0.7), (0.95, 0.95)))
    gone = MotionZone("gone", "路口", TRIANGLE)
    editor.set_zones([keep, gone])
    with qtbot.waitSignal(editor.selectionChanged) as selected:
        click(qtbot, editor, 0.4, 0.4)  # inside the triangle
    assert selected.args == ["gone"]
    with qtbot.waitSignal(editor.zonesChanged) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert blocker.args[0] == [keep]
    assert editor.selected_zone_id() is None
    assert not editor.drawing  # deleting does not start a polygon


def test_drag_a_vertex_of_the_selected_zone(qtbot: QtBot, editor: ZoneEditor):
    zone = MotionZone("z", "路口", TRIANGLE, category_code="200503", threshold=0.1)
    editor.set_zones([zone])
    click(qtbot, editor, 0.4, 0.4)
    assert editor.selected_zone_id() == "z"
    start, end = at(editor, 0.6, 0.25), at(editor, 0.8, 0.1)
    qtbot.mousePress(editor, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(editor, pos=QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2))
    qtbot.mouseMove(editor, pos=end)
    with qtbot.waitSignal(editor.zonesChanged) as blocker:
        qtbot.mouseRelease(editor, Qt.MouseButton.LeftButton, pos=end)
    moved = blocker.args[0][0]
    assert_polygon(moved.polygon, [(0.2, 0.2), (0.8, 0.1), (0.4, 0.7)], editor)
    assert (moved.id, moved.category_code, moved.threshold) == ("z", "200503", 0.1)


def test_set_zones_does_not_emit_and_shows_the_zones(
    qtbot: QtBot, editor: ZoneEditor, tmp_path: Path
):
    zone = MotionZone(
        "z", "占道经营 东南角", ((0.45, 0.3), (0.98, 0.3), (0.98, 0.97), (0.45, 0.97))
    )
    with qtbot.assertNotEmitted(editor.zonesChanged):
        editor.set_zones([zone])
    shot = editor.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    shot.save(str(tmp_path / "zone_editor.png"))
    plain = QImage(editor.image())
    editor.set_zones([])
    bare = editor.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    # inside the zone the picture is tinted towards the zone's colour; outside it is not
    inside, outside = at(editor, 0.8, 0.6), at(editor, 0.2, 0.6)
    tint = QColor(PALETTE[0])
    a, b = shot.pixelColor(inside), bare.pixelColor(inside)
    assert abs(a.red() - tint.red()) < abs(b.red() - tint.red())
    assert abs(a.blue() - tint.blue()) < abs(b.blue() - tint.blue())
    assert shot.pixelColor(outside) == bare.pixelColor(outside)
    assert not plain.isNull()


def test_no_image_still_allows_drawing(qtbot: QtBot):
    editor = ZoneEditor()
    qtbot.addWidget(editor)
    editor.resize(320, 180)
    editor.show()
    qtbot.waitExposed(editor)
    zone = draw(qtbot, editor, [(0.1, 0.1), (0.9, 0.1), (0.5, 0.9)])
    assert_polygon(zone.polygon, [(0.1, 0.1), (0.9, 0.1), (0.5, 0.9)], editor)
    assert QPointF(editor.to_widget((0.5, 0.5))) == editor.image_rect().center()
