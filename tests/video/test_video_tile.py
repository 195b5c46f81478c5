"""VideoTile on a real loopback stream: paints frames scaled to fit, says live / lost
since … / live again, and paints each frame at most once."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtGui import QColor

from command_center.domain.calendar import CST
from command_center.ui.video_tile import VideoTile
from command_center.video.capture import Capture
from command_center.video.stream import StreamState

pytestmark = pytest.mark.slow
BACKGROUND = QColor(16, 16, 16)


def test_tile_shows_the_stream_and_its_state(qtbot, stream_server):
    server = stream_server("mpjpeg")
    capture = Capture(server.url, name="东门路口", open_timeout_ms=3000, read_timeout_ms=3000)
    tile = VideoTile()
    qtbot.addWidget(tile)
    tile.resize(400, 400)
    tile.set_capture(capture)
    tile.show()
    capture.start()
    try:
        qtbot.waitUntil(lambda: tile.frames_painted >= 10, timeout=20_000)
        assert tile.state_text() == "Live"
        # the rate shows once a second of frames has been measured
        qtbot.waitUntil(lambda: "fps" in tile.detail_text(), timeout=20_000)
        assert "640×272" in tile.detail_text()
        # every painted frame is a distinct decoded frame: nothing is painted twice
        assert tile.frames_painted <= capture.status().frames_decoded

        shot = tile.grab().toImage()
        # 640×272 in 400×400 keeps its aspect: 400×170, centred from y=115 to y=285
        assert shot.pixelColor(200, 60) == BACKGROUND
        assert shot.pixelColor(200, 340) == BACKGROUND
        assert shot.pixelColor(200, 200) != BACKGROUND

        server.kill()
        qtbot.waitUntil(lambda: tile.status().state is StreamState.LOST, timeout=20_000)
        last = capture.status().last_frame_at
        since = datetime.fromtimestamp(last, CST).strftime("%H:%M:%S")  # the city's time
        assert tile.state_text() == f"Lost since {since}"
        painted = tile.frames_painted

        server.start()
        qtbot.waitUntil(lambda: tile.frames_painted >= painted + 10, timeout=20_000)
        assert tile.state_text() == "Live"
    finally:
        tile.set_capture(None)
        capture.stop()
    assert tile.state_text() == "Stopped"
    assert capture.status().state is StreamState.STOPPED


def test_tile_without_capture_paints_no_frames(qtbot):
    tile = VideoTile()
    qtbot.addWidget(tile)
    tile.resize(200, 120)
    tile.show()
    qtbot.waitExposed(tile)
    shot = tile.grab().toImage()
    assert shot.pixelColor(100, 60) == BACKGROUND
    assert tile.frames_painted == 0
    assert tile.state_text() == "Stopped"
