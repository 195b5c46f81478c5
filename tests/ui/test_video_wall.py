"""The video wall: layouts, drops, enlarging, tours and the decoders behind them.

Real clips play through a real `StreamPool` (one decoder child per URL); each camera's
sub-stream is its own symlink to a shipped clip, so every camera is its own decoder, and its
main stream is the other clip, so enlarging visibly changes the resolution.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from command_center.services.snapshot import CameraRow
from command_center.ui.camera_wall import (
    CAMERA_IDS_MIME,
    CameraList,
    CameraWall,
    camera_mime,
    decode_ids,
)
from command_center.video.pool import StreamPool
from command_center.video.stream import StreamState

ROOT = Path(__file__).resolve().parents[2]
STREET = ROOT / "resources" / "video" / "street_bikes_640x272.mp4"  # 640×272
HIGHWAY = ROOT / "resources" / "video" / "highway_cctv_320x240.avi"  # 320×240
SIZE = {str(STREET): (640, 272), str(HIGHWAY): (320, 240)}
START_S = 60_000  # ms: generous, 16 decoders start on a small CI machine


def decoders() -> int:
    return len(multiprocessing.active_children())


def capture_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("capture-")]


def make_rows(tmp: Path, count: int = 20) -> list[CameraRow]:
    """Cameras 1..count: odd ids watch the highway on the tiles, even ids the street; the
    main stream is the other clip."""
    rows = []
    groups = ("重点部位", "主干道")
    for i in range(1, count + 1):
        sub, main = (HIGHWAY, STREET) if i % 2 else (STREET, HIGHWAY)
        link = tmp / f"cam{i:02d}{sub.suffix}"
        link.symlink_to(sub)
        rows.append(
            CameraRow(
                id=i,
                code=f"CAM-{i:03d}",
                name=f"双塔区-北街-{i:02d}号点",
                lon=120.45,
                lat=41.55,
                url=str(main),
                enabled=True,
                sub_url=str(link),
                group_name=groups[i % 2],
                status="maintenance" if i == 20 else "in_service",
            )
        )
    return rows


@pytest.fixture
def rows(tmp_path: Path) -> list[CameraRow]:
    return make_rows(tmp_path)


@pytest.fixture
def pool() -> Iterator[StreamPool]:
    pool = StreamPool()
    yield pool
    pool.close()


@pytest.fixture
def wall(qtbot: QtBot, pool: StreamPool, rows: list[CameraRow]) -> Iterator[CameraWall]:
    """A shown wall decoding through `pool`; stops its tour and streams afterwards."""
    wall = CameraWall()  # closed here, after its streams are released (not by qtbot)
    wall.resize(1200, 700)
    wall.set_pool(pool)
    wall.set_cameras(rows)
    wall.show()
    qtbot.waitExposed(wall)
    yield wall
    wall.stop_tour()
    wall.set_pool(None)
    wall.close()
    wall.deleteLater()


@pytest.fixture
def bare_wall(qtbot: QtBot, rows: list[CameraRow]) -> CameraWall:
    """A shown wall without a pool: nothing is decoded."""
    wall = CameraWall()
    qtbot.addWidget(wall)
    wall.resize(1200, 700)
    wall.set_cameras(rows)
    wall.show()
    return wall


def on_wall(wall: CameraWall) -> list[int | None]:
    return [tile.camera_id for tile in wall.tiles]


def drag_over(tile: QWidget, mime: QMimeData) -> bool:
    """Drag `mime` into `tile`; True if the tile would take it."""
    enter = QDragEnterEvent(
        QPoint(tile.width() // 2, tile.height() // 2),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(tile, enter)
    return enter.isAccepted()


def drop(wall: CameraWall, slot: int, ids: list[int]) -> None:
    """Drag `CAMERA_IDS_MIME` naming `ids` onto tile `slot` and drop it, as a drag from the
    list, another tile or the map would."""
    mime = camera_mime(ids)
    tile = wall.tiles[slot]
    assert drag_over(tile, mime)
    event = QDropEvent(
        QPointF(tile.width() / 2, tile.height() / 2),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(tile, event)
    assert event.isAccepted()


def double_click_row(qtbot: QtBot, view: CameraList, index: QModelIndex) -> None:
    rect = view.visualRect(index)
    assert rect.isValid(), "the row is not on screen"
    # an item view acts on a double-click only on the row the press went to
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


# -- decoders follow what is on screen ------------------------------------------------------------
def test_layouts_switch_and_decoders_follow_the_tiles(
    qtbot: QtBot, wall: CameraWall, pool: StreamPool
) -> None:
    wall.open_cameras(list(range(1, 17)))
    assert wall.layout_name() == "4x4"
    assert on_wall(wall) == list(range(1, 17))
    assert len(pool) == 16
    qtbot.waitUntil(lambda: decoders() == 16, timeout=START_S)
    qtbot.waitUntil(lambda: all(t.video.frames_painted > 0 for t in wall.tiles), timeout=START_S)

    wall.set_layout("2x2")
    assert on_wall(wall) == [1, 2, 3, 4]
    assert len(pool) == 4
    qtbot.waitUntil(lambda: decoders() == 4, timeout=10_000)

    kept = [t.capture() for t in wall.tiles]
    wall.set_layout("1+7")
    assert on_wall(wall) == [1, 2, 3, 4, None, None, None, None]
    assert [t.capture() for t in wall.tiles[:4]] == kept  # the remaining tiles kept playing
    big, small = wall.tiles[0].geometry(), wall.tiles[1].geometry()
    assert big.width() > 2.5 * small.width() and big.height() > 2.5 * small.height()
    assert len(pool) == 4 and decoders() == 4

    wall.set_layout("1")
    assert on_wall(wall) == [1]
    assert len(pool) == 1
    qtbot.waitUntil(lambda: decoders() == 1, timeout=10_000)

    wall.set_pool(None)
    pool.close()
    assert len(pool) == 0 and decoders() == 0 and not capture_threads()


def test_set_cameras_again_does_not_restart_streams(
    wall: CameraWall, pool: StreamPool, rows: list[CameraRow], tmp_path: Path
) -> None:
    assert on_wall(wall) == [1, 2, 3, 4]  # the first snapshot fills the empty wall
    before = [t.capture() for t in wall.tiles]
    assert all(c is not None for c in before)

    wall.set_cameras(list(rows))
    assert [t.capture() for t in wall.tiles] == before

    # a renamed camera keeps its stream; a camera whose sub-stream moved restarts; a camera
    # gone from the snapshot leaves its tile
    moved = tmp_path / "moved.avi"
    moved.symlink_to(HIGHWAY)
    changed = list(rows)
    changed[0] = dataclasses.replace(rows[0], name="双塔区-北街-01号点（新）")
    changed[2] = dataclasses.replace(rows[2], sub_url=str(moved))
    del changed[3]
    wall.set_cameras(changed)
    after = [t.capture() for t in wall.tiles]
    assert after[0] is before[0]
    assert wall.tiles[0].video._title == "双塔区-北街-01号点（新）"  # the overlay follows
    assert after[1] is before[1]
    assert after[2] is not None and after[2].url == str(moved)
    assert after[3] is None and wall.tiles[3].notice_label.text() == "No camera"
    assert pool.refcount(rows[2].tile_url) == 0 and pool.refcount(rows[3].tile_url) == 0
    assert len(pool) == 3


# -- dropping and choosing cameras ----------------------------------------------------------------
def test_dropping_cameras_on_a_tile_puts_them_there(
    qtbot: QtBot, wall: CameraWall, pool: StreamPool, rows: list[CameraRow]
) -> None:
    tile_of_one = wall.tiles[0].capture()
    drop(wall, 2, [9])
    assert on_wall(wall) == [1, 2, 9, 4]
    assert wall.tiles[2].url == rows[8].tile_url
    assert pool.refcount(rows[2].tile_url) == 0  # camera 3 left the wall: its decoder stopped
    qtbot.waitUntil(lambda: wall.tiles[2].video.frames_painted > 0, timeout=START_S)

    # a camera already on the wall trades places and keeps its stream
    drop(wall, 3, [1])
    assert on_wall(wall) == [4, 2, 9, 1]
    assert wall.tiles[3].capture() is tile_of_one

    # several cameras fill the tiles from the drop on; unknown ids are ignored
    drop(wall, 1, [12, 999, 13])
    assert on_wall(wall) == [4, 12, 13, 1]
    assert len(pool) == 4

    # anything else is refused at the door
    text = QMimeData()
    text.setText("12")
    assert not drag_over(wall.tiles[0], text)


def test_camera_list_drags_ids_and_double_click_places_a_camera(
    qtbot: QtBot, qtmodeltester: object, bare_wall: CameraWall
) -> None:
    cameras: CameraList = bare_wall.camera_list
    model = cameras.list_model
    qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]
    assert model.rowCount() == 2  # two groups
    group = model.index(0, 0)
    assert model.data(group) == "主干道 (10)"
    assert model.data(model.camera_index(1, 1)) == "On wall"  # no video source: not decoded
    assert model.data(model.camera_index(5, 1)) == "Off wall"
    assert model.data(model.camera_index(20, 1)) == "Maintenance"

    # a group drags all its cameras
    mime = model.mimeData([group])
    assert mime.formats() == [CAMERA_IDS_MIME]
    assert decode_ids(mime.data(CAMERA_IDS_MIME).data()) == [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]
    # a camera row drags itself; the same payload dropped on a tile assigns it
    mime = model.mimeData([model.camera_index(7)])
    assert mime.data(CAMERA_IDS_MIME).data() == b"7"
    drop(bare_wall, 3, decode_ids(mime.data(CAMERA_IDS_MIME).data()))
    assert on_wall(bare_wall) == [1, 2, 3, 7]
    assert model.data(model.camera_index(7, 1)) == "On wall"
    assert model.data(model.camera_index(4, 1)) == "Off wall"

    # double-click with no tile selected: the first empty tile
    bare_wall.set_layout("3x3")
    double_click_row(qtbot, cameras, model.camera_index(9))
    assert on_wall(bare_wall)[:5] == [1, 2, 3, 7, 9]
    # …with a tile selected: that tile
    qtbot.mouseClick(bare_wall.tiles[1], Qt.MouseButton.LeftButton)
    double_click_row(qtbot, cameras, model.camera_index(11))
    assert on_wall(bare_wall)[:5] == [1, 11, 3, 7, 9]


def test_open_cameras_chooses_the_smallest_layout(bare_wall: CameraWall) -> None:
    bare_wall.open_cameras([5])
    assert bare_wall.layout_name() == "1" and on_wall(bare_wall) == [5]
    bare_wall.open_cameras([8, 3, 5])  # nearest first: the order is kept
    assert bare_wall.layout_name() == "2x2" and on_wall(bare_wall) == [8, 3, 5, None]
    assert bare_wall.selected_camera() == 8
    bare_wall.open_cameras(list(range(1, 8)))
    assert bare_wall.layout_name() == "3x3"
    bare_wall.open_cameras(list(range(20, 0, -1)))
    assert bare_wall.layout_name() == "4x4" and on_wall(bare_wall) == list(range(20, 4, -1))
    bare_wall.show_group("重点部位")  # its usable cameras: 2, 4, …, 18 (20 is in maintenance)
    assert bare_wall.layout_name() == "3x3" and on_wall(bare_wall) == list(range(2, 20, 2))


# -- enlarging and selecting ----------------------------------------------------------------------
def test_double_click_enlarges_on_the_main_stream_and_back(
    qtbot: QtBot, wall: CameraWall, pool: StreamPool, rows: list[CameraRow]
) -> None:
    camera = rows[1]  # tiles: the street sub-stream; main: the highway clip
    tile = wall.tiles[1]
    qtbot.waitUntil(lambda: tile.video.status().width > 0, timeout=START_S)
    assert (tile.video.status().width, tile.video.status().height) == SIZE[str(STREET)]

    with qtbot.waitSignal(wall.selectionChanged) as selected:
        qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton)
    assert selected.args == [2]
    assert wall.is_enlarged() and wall.layout_name() == "1" and wall.tiles == [tile]
    assert tile.url == camera.url
    assert len(pool) == 1  # the other tiles stopped decoding while hidden
    qtbot.waitUntil(
        lambda: (tile.video.status().width, tile.video.status().height) == SIZE[str(HIGHWAY)],
        timeout=START_S,
    )
    frame = wall.selected_frame()
    assert frame is not None and frame[0] == 2 and frame[1].image.shape[:2] == (240, 320)

    qtbot.keyClick(wall, Qt.Key.Key_Escape)
    assert not wall.is_enlarged() and wall.layout_name() == "2x2"
    assert [t.url for t in wall.tiles] == [r.tile_url for r in rows[:4]]
    assert len(pool) == 4

    # Enter enlarges the selected tile, a double-click brings the wall back
    qtbot.keyClick(wall, Qt.Key.Key_Enter)
    assert wall.is_enlarged() and wall.tiles[0].url == camera.url
    qtbot.mouseDClick(wall.tiles[0], Qt.MouseButton.LeftButton)
    assert not wall.is_enlarged() and wall.tiles[1].url == camera.tile_url


def test_click_and_arrow_keys_move_the_selection(qtbot: QtBot, bare_wall: CameraWall) -> None:
    bare_wall.set_layout("1+5")
    bare_wall.open_cameras([])  # nothing to open: nothing changes
    assert bare_wall.selected_camera() is None
    with qtbot.waitSignal(bare_wall.selectionChanged) as selected:
        qtbot.mouseClick(bare_wall.tiles[0], Qt.MouseButton.LeftButton)
    assert selected.args == [1] and bare_wall.tiles[0].selected
    moves = [
        (Qt.Key.Key_Right, 1),  # the big tile's right neighbour
        (Qt.Key.Key_Down, 2),
        (Qt.Key.Key_Down, 5),  # the bottom row
        (Qt.Key.Key_Left, 4),
        (Qt.Key.Key_Up, 0),  # back into the big tile
    ]
    for key, slot in moves:
        qtbot.keyClick(bare_wall, key)
        assert bare_wall.selected_slot() == slot
        assert [t.selected for t in bare_wall.tiles].index(True) == slot
    bare_wall.set_layout("1")
    assert bare_wall.selected_camera() == 1


# -- tours, states, honesty ---------------------------------------------------------------------
def test_a_tour_pages_through_the_cameras(qtbot: QtBot, wall: CameraWall, pool: StreamPool) -> None:
    wall.start_tour([1, 2, 3, 4, 1, 5, 6, 7, 8], "2x2", 1.0)
    assert wall.tour_page() == (1, 3) and on_wall(wall) == [1, 2, 3, 4]
    assert wall.tour_button.isVisible() and wall.tour_button.text() == "Tour: page 1/3"
    first = wall.tiles[0].capture()

    qtbot.waitUntil(lambda: wall.tour_page() == (2, 3), timeout=5000)
    assert on_wall(wall) == [1, 5, 6, 7]
    assert wall.tiles[0].capture() is first  # on both pages: the same decoder
    assert wall.tour_button.text() == "Tour: page 2/3"
    assert len(pool) == 4

    wall.advance_tour()
    assert on_wall(wall) == [8, None, None, None] and len(pool) == 1
    wall.advance_tour()
    assert wall.tour_page() == (1, 3) and on_wall(wall) == [1, 2, 3, 4]

    wall.stop_tour()
    assert wall.tour_page() is None and not wall.tour_button.isVisible()
    assert on_wall(wall) == [1, 2, 3, 4]


def test_stream_states_are_reported_for_the_cameras_on_the_wall(
    qtbot: QtBot, wall: CameraWall
) -> None:
    def all_live() -> bool:
        states = wall.statuses()
        return sorted(states) == [1, 2, 3, 4] and all(
            s.state is StreamState.LIVE for s in states.values()
        )

    while not all_live():
        with qtbot.waitSignal(wall.streamStatesChanged, timeout=START_S):
            pass
    assert (
        wall.camera_list.list_model.data(wall.camera_list.list_model.camera_index(1, 1)) == "Live"
    )
    with qtbot.waitSignal(wall.streamStatesChanged, timeout=5000):
        wall.set_layout("1")
    assert sorted(wall.statuses()) == [1]


def test_the_wall_without_a_pool_decodes_nothing_and_says_so(bare_wall: CameraWall) -> None:
    assert [t.name_label.text() for t in bare_wall.tiles] == [
        f"双塔区-北街-{i:02d}号点" for i in (1, 2, 3, 4)
    ]
    assert [t.notice_label.text() for t in bare_wall.tiles] == ["No video source"] * 4
    assert all(t.capture() is None for t in bare_wall.tiles)
    assert bare_wall.statuses() == {} and decoders() == 0
    bare_wall.assign(0, [20])
    assert bare_wall.tiles[0].notice_label.text() == "Under maintenance"
    assert bare_wall.count_label.text() == "Cameras: 20 (20 enabled)"
