"""frame_to_qimage: BGR pixels come out as the right colours, without a copy."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from command_center.video.qimage import frame_to_qimage
from command_center.video.stream import Frame


def _frame(image: np.ndarray) -> Frame:
    image.flags.writeable = False
    return Frame(seq=1, at=0.0, image=image)


def test_colours_and_no_copy():
    image = np.zeros((4, 6, 3), np.uint8)
    image[0, 0] = (255, 0, 0)  # blue in BGR
    image[1, 2] = (0, 0, 255)  # red
    image[3, 5] = (10, 200, 30)
    frame = _frame(image)
    qimage = frame_to_qimage(frame)
    assert qimage.format() is QImage.Format.Format_BGR888
    assert (qimage.width(), qimage.height()) == (6, 4)
    assert qimage.pixelColor(0, 0) == QColor(0, 0, 255)
    assert qimage.pixelColor(2, 1) == QColor(255, 0, 0)
    assert qimage.pixelColor(5, 3) == QColor(30, 200, 10)
    bits = np.frombuffer(qimage.constBits(), np.uint8)
    assert bits.ctypes.data == image.ctypes.data  # the QImage reads the array's memory


def test_the_image_outlives_the_callers_references():
    frame = _frame(np.full((8, 8, 3), (1, 2, 3), np.uint8))
    qimage = frame_to_qimage(frame)
    del frame  # PySide6 keeps the buffer alive for the QImage
    import gc

    gc.collect()
    assert qimage.pixelColor(7, 7) == QColor(3, 2, 1)


def test_padded_rows_are_rejected_and_strange_shapes_refused():
    wide = np.zeros((4, 8, 3), np.uint8)
    with pytest.raises(ValueError):
        frame_to_qimage(_frame(wide[:, :6]))
    with pytest.raises(ValueError):
        frame_to_qimage(_frame(np.zeros((4, 6), np.uint8)))
