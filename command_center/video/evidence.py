"""Frames and clips turned into evidence bytes (a JPEG of a frame, the file of a clip)."""

from __future__ import annotations

import os
import tempfile

from command_center.video.capture import Capture
from command_center.video.stream import ClipInfo, Frame

__all__ = ["JPEG_QUALITY", "clip_bytes", "encode_jpeg"]

JPEG_QUALITY = 90  # evidence: sharper than the clip buffer's 80


def encode_jpeg(frame: Frame, quality: int = JPEG_QUALITY) -> bytes:
    """The frame as a JPEG at its full resolution."""
    import cv2

    ok, data = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError("the frame could not be encoded as JPEG")
    return data.tobytes()


def clip_bytes(capture: Capture, seconds: float = 30.0) -> tuple[bytes, ClipInfo]:
    """The last `seconds` of the capture's rolling buffer as an MJPEG AVI file's bytes
    (written by the decoder process to a temporary file, read, then removed). Blocks for
    the decoder's reply: call it off the GUI thread. Raises `ClipError` when nothing is
    buffered."""
    fd, path = tempfile.mkstemp(suffix=".avi", prefix="cc_clip_")
    os.close(fd)
    try:
        info = capture.save_clip(path, seconds)
        with open(info.path, "rb") as f:
            return f.read(), info
    finally:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
