"""Evidence bytes from a real capture: a JPEG of the latest frame, an AVI of the buffer."""

from __future__ import annotations

import cv2
import numpy as np

from command_center.video.capture import Capture
from command_center.video.evidence import clip_bytes, encode_jpeg

CLIP = "resources/video/highway_cctv_320x240.avi"


def test_a_frame_and_a_clip_become_evidence(wait_for, tmp_path):
    capture = Capture(CLIP, name="evidence")
    capture.start()
    try:
        wait_for(lambda: capture.status().frames_decoded > 60, what="two seconds decoded")
        frame = capture.latest()
        jpeg = encode_jpeg(frame)
        decoded = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
        assert decoded.shape == frame.image.shape
        data, info = clip_bytes(capture, 2.0)
        assert data[:4] == b"RIFF" and info.frames >= 10 and (info.width, info.height) == (320, 240)
        path = tmp_path / "back.avi"
        path.write_bytes(data)
        back = cv2.VideoCapture(str(path))
        assert back.isOpened() and back.read()[0]
        back.release()
    finally:
        capture.stop()
