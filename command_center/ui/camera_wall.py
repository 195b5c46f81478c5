"""The camera wall: a 2×2 grid of tiles for the first four cameras.

Video is not wired in yet (a later issue brings capture workers); each tile says so
plainly instead of pretending to show a feed.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from command_center.services.snapshot import CameraRow

TILE_COUNT = 4


class CameraTile(QFrame):
    """One placeholder tile: camera name, code, and a 'no video' notice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name_label = QLabel(self)
        self.name_label.setObjectName("cameraTileName")
        self.notice_label = QLabel(self)
        self.notice_label.setObjectName("cameraTileNotice")
        self.notice_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label = QLabel(self)
        self.code_label.setObjectName("cameraTileCode")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.name_label)
        layout.addStretch(1)
        layout.addWidget(self.notice_label)
        layout.addStretch(1)
        layout.addWidget(self.code_label)
        self.set_camera(None)

    def set_camera(self, camera: CameraRow | None) -> None:
        if camera is None:
            self.name_label.setText("")
            self.notice_label.setText(self.tr("No camera"))
            self.code_label.setText("")
            self.setToolTip("")
            return
        self.name_label.setText(camera.name)
        if camera.enabled:
            self.notice_label.setText(self.tr("No signal · video not connected yet"))
        else:
            self.notice_label.setText(self.tr("Camera disabled"))
        self.code_label.setText(camera.code)
        self.setToolTip(f"{camera.code} {camera.name}")


class CameraWall(QWidget):
    """The camera-wall panel: a count line and four tiles."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraWall")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("cameraCount")
        self.tiles = [CameraTile(self) for _ in range(TILE_COUNT)]
        grid = QGridLayout()
        grid.setSpacing(6)
        for i, tile in enumerate(self.tiles):
            grid.addWidget(tile, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.count_label)
        layout.addLayout(grid, 1)
        self.set_cameras(())

    def set_cameras(self, cameras: Sequence[CameraRow]) -> None:
        enabled = sum(1 for c in cameras if c.enabled)
        self.count_label.setText(
            self.tr("Cameras: {total} ({enabled} enabled)").format(
                total=len(cameras), enabled=enabled
            )
        )
        for i, tile in enumerate(self.tiles):
            tile.set_camera(cameras[i] if i < len(cameras) else None)
