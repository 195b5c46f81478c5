"""The main window shows a snapshot, and its menus come from the action registry."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDockWidget, QLabel
from pytestqt.qtbot import QtBot

from command_center.services.snapshot import CitySnapshot
from command_center.ui.actions import ActionRegistry
from command_center.ui.main_window import MainWindow
from command_center.ui.theme import PALETTE


def open_window(
    qtbot: QtBot, db_label: str = "sqlite:///ui.db", actions: ActionRegistry | None = None
) -> MainWindow:
    window = MainWindow(db_label, actions)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def red_pixels(label: QLabel) -> int:
    """How many pixels of the label are drawn in (roughly) the alert red."""
    image = label.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    red = QColor(PALETTE.danger)
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if abs(c.red() - red.red()) < 40 and c.green() < 120 and c.blue() < 120:
                count += 1
    return count


def test_window_shows_db_label_and_counts(
    qtbot: QtBot, themed_qapp: object, use_lang: Callable[[str], None], city_snapshot: CitySnapshot
) -> None:
    use_lang("zh_CN")
    window = open_window(qtbot, "sqlite:///before.db")
    assert window.db_label.text() == "数据库：sqlite:///before.db"
    assert window.open_label.text() == "在办 0"
    assert window.overdue_label.text() == "超期 0"
    assert red_pixels(window.overdue_label) == 0

    window.apply_snapshot(city_snapshot)
    assert window.db_label.text() == "数据库：sqlite:///tmp/chaoyang-test.db"
    assert window.open_label.text() == "在办 3"
    assert window.overdue_label.text() == "超期 1"
    assert window.time_label.text() == "更新于 2025-06-03 14:20:05"
    assert red_pixels(window.overdue_label) > 10, "overdue count should be drawn in red"
    assert window.kpi_strip.tiles["open"].value_label.text() == "3"
    assert window.kpi_strip.tiles["overdue"].value_label.text() == "1"

    # the panels got the same plain data
    assert window.case_queue.model.total() == 3
    assert window.squad_board.model.rowCount() == 3
    assert window.camera_wall.tiles[0].name_label.text() == "朝阳大街口"
    assert window.camera_wall.count_label.text() == "摄像头 5 路（启用 4 路）"

    # change the model → the widgets follow
    later = dataclasses.replace(
        city_snapshot,
        open_count=2,
        overdue_count=0,
        open_cases=tuple(c for c in city_snapshot.open_cases if not c.overdue),
    )
    window.apply_snapshot(later)
    assert window.open_label.text() == "在办 2"
    assert window.overdue_label.text() == "超期 0"
    assert red_pixels(window.overdue_label) == 0
    assert window.case_queue.model.total() == 2
    assert window.case_queue.model.rowCount() == 2


def test_docks_have_object_names_and_places(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    docks = {d.objectName(): d for d in window.findChildren(QDockWidget)}
    assert set(docks) == {
        "caseQueueDock", "squadBoardDock", "cameraWallDock", "layersDock", "detailsDock"
    }
    area = window.dockWidgetArea
    assert area(docks["layersDock"]) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert area(docks["caseQueueDock"]) == Qt.DockWidgetArea.RightDockWidgetArea
    assert area(docks["squadBoardDock"]) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert area(docks["cameraWallDock"]) == Qt.DockWidgetArea.BottomDockWidgetArea
    # squad board left of the camera wall
    assert docks["squadBoardDock"].geometry().right() < docks["cameraWallDock"].geometry().left()
    assert window.centralWidget().isAncestorOf(window.map_panel)
    assert not window.saveState().isEmpty()


def test_menus_are_built_from_the_registry(qtbot: QtBot) -> None:
    registry = ActionRegistry()
    calls: list[str] = []
    registry.register("cases.open_overdue", "Show overdue", lambda: calls.append("overdue"))
    window = open_window(qtbot, actions=registry)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&View", "&Cases", "&Help"]
    for required in (
        "file.quit",
        "view.toggle_case_queue",
        "view.toggle_squad_board",
        "view.toggle_camera_wall",
        "view.fullscreen",
        "help.about",
    ):
        assert required in registry
        assert window.qactions[required].objectName() == required
    window.qactions["cases.open_overdue"].trigger()
    assert calls == ["overdue"]


def test_menu_titles_translate(qtbot: QtBot, use_lang: Callable[[str], None]) -> None:
    use_lang("zh_CN")
    window = open_window(qtbot)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["文件(&F)", "视图(&V)", "案件(&C)", "帮助(&H)"]


def test_dock_toggle_actions_follow_the_docks(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    action = window.qactions["view.toggle_camera_wall"]
    assert action.isChecked() and window.camera_wall_dock.isVisible()
    action.trigger()
    assert not window.camera_wall_dock.isVisible()
    assert not action.isChecked()
    # closing the dock with its own button unticks the menu entry
    window.squad_board_dock.close()
    assert not window.qactions["view.toggle_squad_board"].isChecked()
    window.qactions["view.toggle_squad_board"].trigger()
    assert window.squad_board_dock.isVisible()


def test_fullscreen_action_toggles_and_follows_the_window(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    action = window.qactions["view.fullscreen"]
    action.trigger()
    qtbot.waitUntil(window.isFullScreen, timeout=2000)
    assert action.isChecked()
    window.showNormal()  # e.g. the window manager leaves full screen
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=2000)
    assert not action.isChecked()


def test_refresh_action_emits_signal(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    with qtbot.waitSignal(window.refreshRequested, timeout=1000):
        window.qactions["cases.refresh"].trigger()


def test_activating_a_queued_case_reports_its_id(qtbot: QtBot, city_snapshot: CitySnapshot) -> None:
    window = open_window(qtbot)
    window.apply_snapshot(city_snapshot)
    view = window.case_queue.view
    first = view.model().index(0, 0)
    with qtbot.waitSignal(window.caseActivated, timeout=1000) as blocker:
        view.activated.emit(first)
    assert blocker.args == [2]  # the overdue case is first in the queue


def test_about_box_does_not_block_and_is_deleted_on_close(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    box = window.show_about()
    assert box.isVisible()
    assert box.windowModality() != Qt.WindowModality.ApplicationModal
    assert "0.1.0" in box.text()
    with qtbot.waitSignal(box.destroyed, timeout=2000):
        box.close()


@pytest.mark.parametrize("overdue", [0, 4])
def test_overdue_kpi_is_red_only_when_overdue(
    qtbot: QtBot, themed_qapp: object, city_snapshot: CitySnapshot, overdue: int
) -> None:
    window = open_window(qtbot)
    window.apply_snapshot(dataclasses.replace(city_snapshot, overdue_count=overdue))
    reds = red_pixels(window.kpi_strip.tiles["overdue"].value_label)
    assert (reds > 10) == (overdue > 0)


def test_overdue_cases_by_grid_are_a_map_layer_of_their_own(
    qtbot: QtBot, city_snapshot: CitySnapshot
) -> None:
    from command_center.services.snapshot import GridCell
    from command_center.ui.main_window import MainWindow

    first, second = city_snapshot.grid_cells
    snapshot = dataclasses.replace(city_snapshot, grid_cells=(
        GridCell(first.code, first.ring, 3, 2), GridCell(second.code, second.ring, 1, 0)))
    window = MainWindow("test")
    qtbot.addWidget(window)
    window.apply_snapshot(snapshot)
    layers = window.map_panel.layers
    assert dict(layers["overdue_grids"].values) == {first.code: 2.0}
    assert dict(layers["unit_grids"].values) == {first.code: 3.0, second.code: 1.0}
    assert not layers["overdue_grids"].visible  # shown from the layer dock
