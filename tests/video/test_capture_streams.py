"""Capture against real streams on loopback: live, lost when the server dies, back by
itself when it returns; a file loops; a new picture size gets a new frame segment."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import numpy as np
import pytest

from command_center.video.capture import Capture
from command_center.video.stream import StreamState

pytestmark = pytest.mark.slow


@pytest.fixture
def capture_of():
    made: list[Capture] = []

    def make(url: str, **kw) -> Capture:
        capture = Capture(url, name="test", open_timeout_ms=3000, read_timeout_ms=3000, **kw)
        made.append(capture)
        capture.start()
        return capture

    yield make
    for capture in made:
        capture.stop()


@pytest.mark.parametrize("kind", ["mpjpeg", "mpegts"])
def test_stream_goes_live_is_lost_when_the_server_dies_and_recovers(
    kind, stream_server, capture_of, wait_for
):
    server = stream_server(kind)
    capture = capture_of(server.url)
    wait_for(lambda: capture.status().state is StreamState.LIVE, what="live")
    wait_for(lambda: capture.status().frames_decoded >= 10, what="10 frames")
    frame = capture.latest()
    assert frame is not None
    assert frame.image.shape == (272, 640, 3) and frame.image.dtype == np.uint8
    assert frame.image.mean() > 10  # a picture, not a black buffer
    status = capture.status()
    assert (status.width, status.height) == (640, 272)

    server.kill()
    wait_for(lambda: capture.status().state is StreamState.LOST, what="lost")
    lost = capture.status()
    assert lost.last_frame_at is not None and lost.last_frame_at > 0
    assert lost.error
    assert lost.fps == 0.0
    assert lost.crashes == 0  # the decoder did not die; the source did
    decoded_before = lost.frames_decoded

    server.start()  # same port
    wait_for(lambda: capture.status().state is StreamState.LIVE, what="live again")
    wait_for(lambda: capture.status().frames_decoded > decoded_before + 10, what="new frames")
    back = capture.status()
    assert back.reconnects >= 1
    assert back.last_frame_at > lost.last_frame_at
    assert capture.latest().seq > decoded_before  # seq keeps growing across the loss


def test_a_file_loops(tmp_path: Path, capture_of, wait_for):
    clip = tmp_path / "short.mp4"
    source = Path(__file__).resolve().parents[2] / "resources/video/street_bikes_640x272.mp4"
    cmd = ["ffmpeg", "-v", "error", "-y", "-i", str(source), "-t", "0.4", "-an", str(clip)]
    subprocess.run(cmd, check=True)  # 10 frames
    capture = capture_of(str(clip))
    wait_for(lambda: capture.status().frames_decoded > 25, what="more frames than the file has")
    status = capture.status()
    assert status.state is StreamState.LIVE
    assert status.crashes == 0 and status.error == ""


def test_a_new_picture_size_after_a_reconnect(stream_server, capture_of, wait_for):
    server = stream_server("mpjpeg")
    capture = capture_of(server.url)
    wait_for(lambda: capture.latest() is not None, what="a first frame")
    assert capture.latest().image.shape == (272, 640, 3)
    server.kill()
    wait_for(lambda: capture.status().state is StreamState.LOST, what="lost")
    server.start(size="320:240")
    wait_for(
        lambda: (f := capture.latest()) is not None and f.image.shape == (240, 320, 3),
        what="a 320×240 frame",
    )
    assert (capture.status().width, capture.status().height) == (320, 240)


def test_an_unreachable_source_stays_lost_and_keeps_retrying(capture_of, wait_for):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    capture = capture_of(f"http://127.0.0.1:{port}/feed")
    wait_for(lambda: capture.status().state is StreamState.LOST, what="lost")
    wait_for(lambda: capture.status().reconnects >= 3, what="three reconnect attempts")
    status = capture.status()
    assert status.state in (StreamState.LOST, StreamState.CONNECTING)
    assert status.last_frame_at is None and status.frames_decoded == 0
    assert status.crashes == 0
    assert capture.latest() is None


def test_latest_is_the_same_frame_until_a_new_one_and_read_only(
    stream_server, capture_of, wait_for
):
    server = stream_server("mpjpeg")
    capture = capture_of(server.url)
    wait_for(lambda: capture.latest() is not None, what="a first frame")
    first = capture.latest()
    again = capture.latest()
    assert again is first or again.seq > first.seq
    with pytest.raises(ValueError):
        first.image[0, 0, 0] = 1
    wait_for(lambda: capture.latest().seq > first.seq, what="a newer frame")
    held = first.image.copy()
    wait_for(lambda: capture.latest().seq > first.seq + 5, what="five frames more")
    assert np.array_equal(first.image, held)  # a held frame is not overwritten
