"""A decoder that dies takes only its own process down.

NO REAL CRASHING FILE IS USED HERE. A search for a malformed file that makes this OpenCV
build (5.0, bundled FFmpeg: avcodec 62 / avformat 62) abort or segfault found none: about
170,000 byte-mutated and truncated variants of small AVI (MJPEG, MPEG-4, raw), MP4/MOV
(H.264, HEVC, MPEG-4, MJPEG), MKV, WebM, FLV, MPEG-TS, MPEG-PS, GIF, NUT, Y4M and raw H.264
files, plus hand-made absurd dimensions (Y4M W=2^31-1 / negative / zero, AVI BITMAPINFOHEADER
width 2^31-1 / height -2^31+1 / zero, JPEG SOF 65535×65535 and 0×0), each opened and read
in a throw-away subprocess; all were refused or read cleanly. So the crash is simulated,
and said to be: the test kills the real decoder child with SIGABRT or SIGSEGV via
`os.kill`, which is what an FFmpeg `abort()` or a segfault does to that process. The test
process (the "application") must survive, the capture must count the crash, report
"decoder crashed (signal N)", and restart a decoder that goes live again.
"""

from __future__ import annotations

import os
import signal

import pytest

from command_center.video.capture import Capture
from command_center.video.stream import StreamState

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("sig", [signal.SIGABRT, signal.SIGSEGV])
def test_a_crashed_decoder_is_counted_and_restarted(sig, stream_server, wait_for):
    server = stream_server("mpjpeg")
    capture = Capture(server.url, name="crash", open_timeout_ms=3000, read_timeout_ms=3000)
    capture.start()
    try:
        wait_for(lambda: capture.status().state is StreamState.LIVE, what="live")
        wait_for(lambda: capture.latest() is not None, what="a frame")
        first_pid = capture.pid
        seq_before = capture.latest().seq
        # the mpjpeg server serves one client: it ends with the killed decoder's connection
        os.kill(first_pid, sig)
        wait_for(lambda: capture.status().crashes >= 1, what="the crash to be counted")
        status = capture.status()
        assert status.error == f"decoder crashed (signal {int(sig)})"
        assert status.state is not StreamState.LIVE or capture.pid != first_pid
        assert status.last_frame_at is not None
        assert capture.latest() is not None  # the last frame stays on screen
        server.kill()
        server.start()
        wait_for(lambda: capture.status().state is StreamState.LIVE, what="live again")
        wait_for(lambda: capture.latest().seq > seq_before + 5, what="new frames")
        assert capture.pid not in (None, first_pid)
        assert capture.status().crashes == 1
    finally:
        capture.stop()


def test_a_decoder_that_keeps_dying_is_retried_with_backoff(tmp_path, wait_for):
    """A child killed again and again (each time right after it starts) keeps being
    restarted; the capture never gives up and never takes the process down."""
    clip = tmp_path / "none.mp4"  # a file that cannot open: the child idles in backoff
    capture = Capture(str(clip), name="dying")
    capture.start()
    try:
        for n in range(1, 4):
            wait_for(lambda: capture.pid is not None, what="a decoder child")
            os.kill(capture.pid, signal.SIGKILL)
            wait_for(lambda n=n: capture.status().crashes >= n, what=f"crash {n}")
        assert capture.status().error == f"decoder crashed (signal {int(signal.SIGKILL)})"
        wait_for(lambda: capture.pid is not None, what="yet another decoder child")
        assert capture.running
    finally:
        capture.stop()
