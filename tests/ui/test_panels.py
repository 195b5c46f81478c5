"""Squad board and camera wall draw their plain rows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from command_center.services.snapshot import CitySnapshot
from command_center.ui.camera_wall import CameraWall
from command_center.ui.squad_board import SquadBoard, SquadBoardModel
from command_center.ui.theme import SQUAD_STATUS_COLORS


def test_squad_board_model_is_valid(qtmodeltester: object, city_snapshot: CitySnapshot) -> None:
    model = SquadBoardModel()
    model.set_rows(city_snapshot.squads)
    qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]


def test_squad_board_rows_in_chinese(
    qtbot: QtBot, use_lang: Callable[[str], None], city_snapshot: CitySnapshot
) -> None:
    use_lang("zh_CN")
    board = SquadBoard()
    qtbot.addWidget(board)
    board.set_squads(city_snapshot.squads)
    model = board.model
    rows = [[model.index(r, c).data() for c in range(4)] for r in range(model.rowCount())]
    assert rows[0] == ["第一中队", "龙城区城管局", "● 处置中", "2"]
    assert [r[2] for r in rows] == ["● 处置中", "● 在岗", "● 离岗"]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["中队", "所属", "状态", "在办案件"]
    status = model.index(1, 2).data(Qt.ItemDataRole.ForegroundRole)
    assert status.color().name() == SQUAD_STATUS_COLORS["available"]


def test_camera_wall_is_honest_about_video(
    qtbot: QtBot, use_lang: Callable[[str], None], city_snapshot: CitySnapshot
) -> None:
    use_lang("zh_CN")
    wall = CameraWall()  # no stream pool: nothing is decoded
    qtbot.addWidget(wall)
    assert wall.count_label.text() == "摄像头 0 路（启用 0 路）"
    assert [t.notice_label.text() for t in wall.tiles] == ["无摄像头"] * 4
    wall.set_cameras(city_snapshot.cameras)
    # the first snapshot fills the empty wall with the usable cameras (camera 2 is disabled)
    assert [t.name_label.text() for t in wall.tiles] == ["朝阳大街口", "文化路", "火车站", "客运站"]
    assert all(t.capture() is None for t in wall.tiles) and wall.statuses() == {}
    assert wall.count_label.text() == "摄像头 5 路（启用 4 路）"
    wall.assign(1, [2])  # a disabled camera put on the wall says so
    assert wall.tiles[1].notice_label.text() == "摄像头已停用"
    wall.set_cameras(city_snapshot.cameras[:1])
    assert wall.tiles[1].name_label.text() == "" and wall.tiles[1].notice_label.text() == "无摄像头"
