"""Starting and stopping many captures leaves no process, thread or shared memory."""

from __future__ import annotations

import pytest

from command_center.video.capture import Capture
from command_center.video.stream import StreamState

pytestmark = pytest.mark.slow


def test_many_captures_start_and_stop_without_leaks(stream_server, leaks, wait_for):
    server = stream_server("mpjpeg")
    clip = "resources/video/highway_cctv_320x240.avi"
    for _round in range(3):
        captures = [Capture(clip, name=f"file {i}") for i in range(5)]
        captures.append(Capture(server.url, name="http"))
        captures.append(Capture("http://127.0.0.1:9/none", name="unreachable"))
        for capture in captures:
            capture.start()
        wait_for(
            lambda captures=captures: all(c.latest() is not None for c in captures[:5]),
            what="every file capture to show a frame",
        )
        try:
            assert len(leaks.decoder_children()) == len(captures)
            # each segment is attached and unlinked as soon as its child announces it (the
            # http child may be announcing one this very moment: wait, don't race it)
            wait_for(lambda: leaks.frame_segments() == [], what="segments to be unlinked")
        finally:  # a failure here must not leave seven decoders to fail every later test
            for capture in captures:
                capture.stop()
        for capture in captures:
            capture.stop()
            capture.stop()  # idempotent
            assert capture.status().state is StreamState.STOPPED
        assert leaks.decoder_children() == []
        assert leaks.capture_threads() == []
        server.kill()
        server.start()


def test_stop_before_start_and_restart(leaks, wait_for):
    capture = Capture("resources/video/highway_cctv_320x240.avi")
    capture.stop()  # never started: nothing to do
    for _ in range(2):
        capture.start()
        capture.start()  # already running: no second child
        wait_for(lambda: capture.latest() is not None, what="a frame")
        assert len(leaks.decoder_children()) == 1
        capture.stop()
        assert leaks.decoder_children() == [] and leaks.capture_threads() == []
