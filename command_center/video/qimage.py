"""A decoded frame as a QImage, without copying the pixels."""

from __future__ import annotations

from PySide6.QtGui import QImage

from command_center.video.stream import Frame


def frame_to_qimage(frame: Frame) -> QImage:
    """Wrap `frame.image` (H×W×3 uint8 BGR) in a `QImage` of format BGR888 — no copy.

    The pipeline's only copy is earlier, in `Capture.latest()` (shared memory → the frame's
    private array), which is what lets a frame outlive the decoder's reuse of its slot. Here
    the QImage points at the array's memory; PySide6 keeps a reference to the array for the
    QImage's lifetime, and the caller should also keep the `Frame` while the image is
    drawn. The array is read-only, so Qt never writes into it: a QImage method that would
    modify the pixels detaches (copies) first. Call `.copy()` for an image to keep apart.
    """
    image = frame.image
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype.name != "uint8":
        raise ValueError(f"expected an H×W×3 uint8 BGR image, got {image.shape} {image.dtype}")
    if not image.flags.c_contiguous:
        raise ValueError("expected a C-contiguous image")
    height, width = image.shape[:2]
    return QImage(image.data, width, height, image.strides[0], QImage.Format.Format_BGR888)
