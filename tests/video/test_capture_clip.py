""" "Save the last 30 s": the decoder child's rolling JPEG buffer written out as an MJPEG AVI,
read back here by OpenCV's FFmpeg backend like any video file."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import cv2
import pytest

from command_center.video.capture import Capture, ClipError
from command_center.video.stream import StreamState

pytestmark = pytest.mark.slow

HIGHWAY = "resources/video/highway_cctv_320x240.avi"  # 320×240 at 25 fps
FILE_FPS = 25


@pytest.fixture
def capture_of():
    made: list[Capture] = []

    def make(url: str, *, start: bool = True, **kw) -> Capture:
        kw.setdefault("open_timeout_ms", 3000)
        kw.setdefault("read_timeout_ms", 3000)
        capture = Capture(url, name="clip test", **kw)
        made.append(capture)
        if start:
            capture.start()
        return capture

    yield make
    for capture in made:
        capture.stop()


def read_back(path: Path) -> tuple[int, int, int, float, float]:
    """(frames, width, height, fps, mean grey level) of a video file, decoded by OpenCV."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    assert cap.isOpened(), f"OpenCV cannot open {path}"
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames, width, height, level = 0, 0, 0, 0.0
    while True:
        ok, image = cap.read()
        if not ok:
            break
        frames += 1
        height, width = image.shape[:2]
        level = float(image.mean())
    cap.release()
    return frames, width, height, fps, level


def decoded_for(capture: Capture, seconds: float, fps: float = FILE_FPS):
    """A condition: the capture has decoded `seconds` of a source playing at `fps`."""
    start = capture.status().frames_decoded
    return lambda: capture.status().frames_decoded >= start + seconds * fps


def test_a_looping_file_saves_the_last_seconds(capture_of, wait_for, tmp_path):
    capture = capture_of(HIGHWAY, buffer_fps=10)
    wait_for(lambda: capture.status().state is StreamState.LIVE, what="live")
    wait_for(decoded_for(capture, 4.0), what="4 s of frames")
    path = tmp_path / "last3s.avi"
    asked_at = time.time()

    info = capture.save_clip(str(path), seconds=3.0)

    assert info.path == str(path)
    assert 3 * 10 - 5 <= info.frames <= 3 * 10 + 2
    assert info.fps == 10.0
    assert (info.width, info.height) == (320, 240)
    assert info.ended_at - info.started_at == pytest.approx(3.0, abs=0.35)
    assert asked_at - 2.0 < info.ended_at <= asked_at + 0.5  # the newest frames, not old ones
    frames, width, height, fps, level = read_back(path)
    assert frames == info.frames
    assert (width, height) == (320, 240)
    assert fps == pytest.approx(10.0)
    assert level > 10  # a picture, not black frames
    assert [p.name for p in tmp_path.iterdir()] == ["last3s.avi"]  # no partial file left


def test_the_buffer_keeps_only_buffer_s_seconds(capture_of, wait_for, tmp_path):
    capture = capture_of(HIGHWAY, buffer_s=2.0, buffer_fps=5)
    wait_for(decoded_for(capture, 4.0), what="4 s of frames")
    info = capture.save_clip(str(tmp_path / "all.avi"), seconds=30.0)
    assert 2 * 5 - 3 <= info.frames <= 2 * 5 + 1
    assert info.ended_at - info.started_at <= 2.0
    assert read_back(tmp_path / "all.avi")[:3] == (info.frames, 320, 240)


def test_asking_before_any_frame_is_buffered_raises(capture_of, wait_for, tmp_path):
    never = capture_of("http://127.0.0.1:9/none")  # nothing listens: the child idles
    wait_for(lambda: never.status().state is StreamState.LOST, what="the source to fail")
    assert never.pid is not None
    with pytest.raises(ClipError, match="no frames buffered yet"):
        never.save_clip(str(tmp_path / "nothing.avi"))
    assert never.pid is not None and never.status().crashes == 0  # the child carries on
    assert list(tmp_path.iterdir()) == []


def test_a_clear_error_when_the_buffer_is_off_or_the_capture_stopped(capture_of, tmp_path):
    off = capture_of(HIGHWAY, buffer_fps=0)
    with pytest.raises(ClipError, match="buffer is off"):
        off.save_clip(str(tmp_path / "off.avi"))
    idle = capture_of(HIGHWAY, start=False)
    with pytest.raises(ClipError, match="not running"):
        idle.save_clip(str(tmp_path / "idle.avi"))
    assert list(tmp_path.iterdir()) == []


def test_a_write_that_fails_is_reported(capture_of, wait_for, tmp_path):
    capture = capture_of(HIGHWAY, buffer_fps=10)
    wait_for(decoded_for(capture, 1.0), what="1 s of frames")
    with pytest.raises(ClipError, match="cannot write"):
        capture.save_clip(str(tmp_path / "no such folder" / "clip.avi"), seconds=1.0)
    assert capture.status().crashes == 0
    assert capture.save_clip(str(tmp_path / "ok.avi"), seconds=1.0).frames > 0


def test_an_http_mjpeg_stream_saves_a_clip(stream_server, capture_of, wait_for, tmp_path):
    server = stream_server("mpjpeg")  # the street clip, 640×272 at 25 fps, sent in real time
    capture = capture_of(server.url, buffer_fps=10)
    wait_for(lambda: capture.status().state is StreamState.LIVE, what="live")
    wait_for(decoded_for(capture, 3.0), what="3 s of frames")
    path = tmp_path / "street.avi"

    info = capture.save_clip(str(path), seconds=2.0)

    assert 2 * 10 - 5 <= info.frames <= 2 * 10 + 2
    assert (info.width, info.height) == (640, 272)
    frames, width, height, fps, level = read_back(path)
    assert (frames, width, height) == (info.frames, 640, 272)
    assert fps == pytest.approx(info.fps, abs=0.01)
    assert level > 10


def test_after_a_decoder_restart_the_clip_holds_only_new_frames(capture_of, wait_for, tmp_path):
    capture = capture_of(HIGHWAY, buffer_fps=10)
    wait_for(decoded_for(capture, 2.0), what="2 s of frames")
    first_pid = capture.pid
    killed_at = time.time()
    os.kill(first_pid, signal.SIGKILL)
    wait_for(lambda: capture.status().crashes == 1, what="the crash to be counted")
    wait_for(lambda: capture.pid not in (None, first_pid), what="a new decoder")
    wait_for(decoded_for(capture, 2.0), what="2 s of frames from the new decoder")

    info = capture.save_clip(str(tmp_path / "after.avi"), seconds=30.0)

    assert info.started_at > killed_at  # the old child's buffer died with it
    assert 0 < info.frames <= (time.time() - killed_at) * 10 + 2
    assert read_back(tmp_path / "after.avi")[0] == info.frames
