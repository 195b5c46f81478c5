"""The camera wall: a video wall in the manner of a professional VMS.

A `CameraList` (cameras grouped by `group_name`, a drag source) sits beside a grid of
`CameraTile`s laid out as "1", "2x2", "3x3", "4x4", "1+5" or "1+7". Each tile plays its
camera's sub-stream (`CameraRow.tile_url`) through a shared `StreamPool`; an enlarged tile
plays the main stream (`CameraRow.url`). Without a pool nothing is decoded and each tile
says so plainly.

The wall keeps one plain list of slots (camera id or None per tile) and brings the tiles in
line with it in `_sync`, acquiring a new capture before releasing the old one, so a camera
that stays on the wall (same tile, another tile, the next tour page) keeps its decoder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDrag,
    QIcon,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSizePolicy,
    QSplitter,
    QStackedLayout,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from command_center.services.snapshot import CameraRow
from command_center.ui.theme import PALETTE
from command_center.ui.video_tile import VideoTile
from command_center.video.capture import Capture
from command_center.video.pool import StreamPool
from command_center.video.stream import Frame, StreamState, StreamStatus

CAMERA_IDS_MIME = "application/x-cc-camera-ids"
CAMERA_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # CameraListModel: the camera id of a row
STATUS_POLL_MS = 1000  # streamStatesChanged is emitted at most this often
DEFAULT_LAYOUT = "2x2"


# -- plain data: layouts, pages, the MIME payload ------------------------------------------
_Index = QModelIndex | QPersistentModelIndex
Cell = tuple[int, int, int, int]  # row, column, row span, column span


@dataclass(frozen=True)
class WallLayout:
    """A grid of `rows` × `cols` cells; tile i occupies `cells[i]` (tile 0 is the big one)."""

    name: str
    rows: int
    cols: int
    cells: tuple[Cell, ...]

    @property
    def capacity(self) -> int:
        return len(self.cells)


def _grid(name: str, n: int) -> WallLayout:
    return WallLayout(name, n, n, tuple((r, c, 1, 1) for r in range(n) for c in range(n)))


def _one_plus(name: str, n: int) -> WallLayout:
    """One (n-1)×(n-1) tile top left, small ones down the right and along the bottom."""
    big = n - 1
    cells = [(0, 0, big, big)]
    cells += [(r, big, 1, 1) for r in range(big)]
    cells += [(big, c, 1, 1) for c in range(n)]
    return WallLayout(name, n, n, tuple(cells))


LAYOUTS: dict[str, WallLayout] = {
    layout.name: layout
    for layout in (
        _grid("1", 1),
        _grid("2x2", 2),
        _grid("3x3", 3),
        _grid("4x4", 4),
        _one_plus("1+5", 3),
        _one_plus("1+7", 4),
    )
}
GRID_LAYOUTS = ("1", "2x2", "3x3", "4x4")  # what open_cameras / show_group choose from
MAX_TILES = max(layout.capacity for layout in LAYOUTS.values())


def layout_for(count: int) -> str:
    """The smallest plain grid that holds `count` cameras (4x4 at most)."""
    for name in GRID_LAYOUTS:
        if LAYOUTS[name].capacity >= count:
            return name
    return GRID_LAYOUTS[-1]


def pages(ids: Sequence[int], capacity: int) -> list[list[int | None]]:
    """`ids` cut into pages of `capacity` slots, the last one padded with None."""
    out: list[list[int | None]] = []
    for start in range(0, len(ids), capacity):
        page: list[int | None] = list(ids[start : start + capacity])
        out.append(page + [None] * (capacity - len(page)))
    return out


def neighbour(layout: WallLayout, slot: int, d_row: int, d_col: int) -> int:
    """The tile next to `slot` in the direction (d_row, d_col); `slot` at the edge."""
    at: dict[tuple[int, int], int] = {}
    for i, (r, c, rs, cs) in enumerate(layout.cells):
        for rr in range(r, r + rs):
            for cc in range(c, c + cs):
                at[(rr, cc)] = i
    r, c, rs, cs = layout.cells[slot]
    if d_row > 0:
        target = (r + rs, c)
    elif d_row < 0:
        target = (r - 1, c)
    elif d_col > 0:
        target = (r, c + cs)
    else:
        target = (r, c - 1)
    return at.get(target, slot)


def encode_ids(ids: Iterable[int]) -> bytes:
    """The `CAMERA_IDS_MIME` payload: comma-separated ids."""
    return ",".join(str(int(i)) for i in ids).encode("ascii")


def decode_ids(payload: bytes) -> list[int]:
    """The ids of a `CAMERA_IDS_MIME` payload, in order; junk is skipped."""
    out: list[int] = []
    for part in bytes(payload).decode("ascii", "replace").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            out.append(int(part))
    return out


def camera_mime(ids: Iterable[int]) -> QMimeData:
    """Drag data naming cameras, as the list, the tiles and the map produce it."""
    mime = QMimeData()
    mime.setData(CAMERA_IDS_MIME, encode_ids(ids))
    return mime


def _unique(ids: Iterable[int]) -> list[int]:
    seen: set[int] = set()
    return [i for i in ids if not (i in seen or seen.add(i))]


# -- one tile ---------------------------------------------------------------------------------
class CameraTile(QWidget):
    """One place on the wall: the video of its camera, or its name and why there is none.

    Signals: `clicked(slot)`, `doubleClicked(slot)`, `camerasDropped(slot, ids)` (a drop of
    `CAMERA_IDS_MIME`). The wall decides what they mean; the tile only shows what it is given.
    """

    clicked = Signal(int)
    doubleClicked = Signal(int)
    camerasDropped = Signal(int, list)

    def __init__(self, slot: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraTile")
        self.slot = slot
        self.camera_id: int | None = None
        self._url: str | None = None
        self._capture: Capture | None = None
        self._selected = False
        self._drop_hover = False
        self._press_at: QPoint | None = None
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setAutoFillBackground(False)

        self.video = VideoTile(self)
        self.placeholder = QWidget(self)
        self.placeholder.setObjectName("cameraTilePlaceholder")
        self.name_label = QLabel(self.placeholder)
        self.name_label.setObjectName("cameraTileName")
        self.notice_label = QLabel(self.placeholder)
        self.notice_label.setObjectName("cameraTileNotice")
        self.notice_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice_label.setWordWrap(True)
        self.code_label = QLabel(self.placeholder)
        self.code_label.setObjectName("cameraTileCode")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        for label in (self.name_label, self.notice_label, self.code_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        inner = QVBoxLayout(self.placeholder)
        inner.setContentsMargins(8, 6, 8, 6)
        inner.addWidget(self.name_label)
        inner.addStretch(1)
        inner.addWidget(self.notice_label)
        inner.addStretch(1)
        inner.addWidget(self.code_label)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.placeholder)
        self._stack.addWidget(self.video)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(2, 2, 2, 2)
        outer.addLayout(self._stack)
        self.set_camera(None)

    # -- what the wall gives it ---------------------------------------------------------------
    def set_camera(self, camera: CameraRow | None) -> None:
        """Show `camera`'s name and, when no video plays, why."""
        self.camera_id = camera.id if camera is not None else None
        if camera is None:
            name, code, notice, tip = "", "", self.tr("No camera"), ""
        else:
            name, code, tip = camera.name, camera.code, f"{camera.code} {camera.name}"
            if not camera.enabled:
                notice = self.tr("Camera disabled")
            elif camera.status == "maintenance":
                notice = self.tr("Under maintenance")
            elif camera.status != "in_service":
                notice = self.tr("Camera retired")
            else:
                notice = self.tr("No video source")
        if self.name_label.text() != name:
            self.name_label.setText(name)
            self.code_label.setText(code)
            self.setToolTip(tip)
        if self.notice_label.text() != notice:
            self.notice_label.setText(notice)
        self.video.set_title(camera.name if camera is not None else None)

    def set_stream(self, url: str | None, capture: Capture | None) -> None:
        """Play `capture` (acquired by the wall for `url`), or show the placeholder."""
        self._url, self._capture = url, capture
        self.video.set_capture(capture)
        self._stack.setCurrentWidget(self.video if capture is not None else self.placeholder)

    @property
    def url(self) -> str | None:
        """The stream this tile plays (None: none)."""
        return self._url

    def capture(self) -> Capture | None:
        return self._capture

    def set_selected(self, selected: bool) -> None:
        if selected != self._selected:
            self._selected = selected
            self.update()

    @property
    def selected(self) -> bool:
        return self._selected

    # -- Qt side --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#05090e"))
        if self._drop_hover:
            colour, width = QColor(PALETTE.ok), 2
        elif self._selected:
            colour, width = QColor(PALETTE.accent), 2
        else:
            colour, width = QColor(PALETTE.border), 1
        pen = QPen(colour, width)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = width / 2
        painter.drawRect(self.rect().toRectF().adjusted(half, half, -half, -half))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_at = event.position().toPoint()
            self.clicked.emit(self.slot)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        start = self._press_at
        if (
            start is not None
            and self.camera_id is not None
            and event.buttons() & Qt.MouseButton.LeftButton
            and (event.position().toPoint() - start).manhattanLength()
            >= QApplication.startDragDistance()
        ):
            self._press_at = None
            drag = QDrag(self)
            drag.setMimeData(camera_mime([self.camera_id]))
            drag.exec(Qt.DropAction.CopyAction | Qt.DropAction.MoveAction)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        self._press_at = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton:
            self.doubleClicked.emit(self.slot)
            return
        super().mouseDoubleClickEvent(event)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.mimeData().hasFormat(CAMERA_IDS_MIME):
            event.acceptProposedAction()
            self._drop_hover = True
            self.update()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.mimeData().hasFormat(CAMERA_IDS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._drop_hover = False
        self.update()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._drop_hover = False
        self.update()
        mime = event.mimeData()
        if not mime.hasFormat(CAMERA_IDS_MIME):
            event.ignore()
            return
        ids = decode_ids(mime.data(CAMERA_IDS_MIME).data())
        event.acceptProposedAction()
        if ids:
            self.camerasDropped.emit(self.slot, ids)


# -- the camera list ---------------------------------------------------------------------------
class CameraListModel(QAbstractItemModel):
    """Cameras grouped by `group_name` (group rows, camera rows under them), with what each
    is doing: on the wall (and its stream's state) or not, in service or not.

    Columns: camera name, state. Camera rows carry their id in `CAMERA_ID_ROLE` and drag
    as `CAMERA_IDS_MIME` (a group row drags all its cameras).
    """

    COLUMNS = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._groups: list[tuple[str | None, list[CameraRow]]] = []
        self._on_wall: dict[int, StreamState | None] = {}
        self._dots: dict[str, QIcon] = {}

    # -- plain data in --------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[CameraRow]) -> None:
        """Group `rows`; a snapshot with the same cameras in the same groups only repaints."""
        grouped: dict[str | None, list[CameraRow]] = {}
        for row in rows:
            grouped.setdefault(row.group_name or None, []).append(row)
        groups = sorted(grouped.items(), key=lambda item: (item[0] is None, item[0] or ""))
        shape = [(g, [r.id for r in cams]) for g, cams in groups]
        if shape == [(g, [r.id for r in cams]) for g, cams in self._groups]:
            self._groups = groups
            self._changed_all()
            return
        self.beginResetModel()
        self._groups = groups
        self.endResetModel()

    def set_wall(self, on_wall: dict[int, StreamState | None]) -> None:
        """Which cameras are on the wall, with their stream state (None: not decoded)."""
        if on_wall == self._on_wall:
            return
        self._on_wall = dict(on_wall)
        self._changed_all()

    def groups(self) -> list[str | None]:
        return [g for g, _ in self._groups]

    def camera_index(self, camera_id: int, column: int = 0) -> QModelIndex:
        for g, (_, cams) in enumerate(self._groups):
            for r, row in enumerate(cams):
                if row.id == camera_id:
                    return self.index(r, column, self.index(g, 0))
        return QModelIndex()

    def _changed_all(self) -> None:
        for g, (_, cams) in enumerate(self._groups):
            group = self.index(g, 0)
            self.dataChanged.emit(group, self.index(g, self.COLUMNS - 1))
            if cams:
                self.dataChanged.emit(
                    self.index(0, 0, group), self.index(len(cams) - 1, self.COLUMNS - 1, group)
                )

    def _camera(self, index: _Index) -> CameraRow | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._groups[index.internalId() - 1][1][index.row()]

    # -- Qt's model API ----------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= self.COLUMNS or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self._groups) else QModelIndex()
        if parent.internalId() != 0 or parent.column() != 0:
            return QModelIndex()
        if row >= len(self._groups[parent.row()][1]):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Camera"), self.tr("State"))[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def data(self, index: _Index, role: int = 0) -> object:
        if not index.isValid():
            return None
        camera = self._camera(index)
        if camera is None:
            return self._group_data(index.row(), index.column(), role)
        if role == CAMERA_ID_ROLE:
            return camera.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{camera.code} {camera.name}"
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return camera.name
            if role == Qt.ItemDataRole.DecorationRole:
                return self._dot(self._colour(camera))
            if role == Qt.ItemDataRole.ForegroundRole and not camera.usable:
                return QColor(PALETTE.muted)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._state_text(camera)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(self._colour(camera))
        return None

    def _group_data(self, row: int, column: int, role: int) -> object:
        name, cams = self._groups[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                label = name if name else self.tr("Ungrouped")
                return f"{label} ({len(cams)})"
            shown = sum(1 for c in cams if c.id in self._on_wall)
            return self.tr("{shown} on wall").format(shown=shown) if shown else ""
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(PALETTE.accent)
        return None

    def _state_text(self, camera: CameraRow) -> str:
        if not camera.enabled:
            return self.tr("Disabled")
        if camera.status == "maintenance":
            return self.tr("Maintenance")
        if camera.status != "in_service":
            return self.tr("Retired")
        if camera.id not in self._on_wall:
            return self.tr("Off wall")
        state = self._on_wall[camera.id]
        if state is StreamState.LIVE:
            return self.tr("Live")
        if state is StreamState.CONNECTING:
            return self.tr("Connecting")
        if state is StreamState.LOST:
            return self.tr("Lost")
        return self.tr("On wall")

    def _dot(self, colour: str) -> QIcon:
        """A small round marker of `colour` (made once per colour)."""
        icon = self._dots.get(colour)
        if icon is None:
            pixmap = QPixmap(12, 12)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawEllipse(2, 2, 8, 8)
            painter.end()
            icon = self._dots[colour] = QIcon(pixmap)
        return icon

    def _colour(self, camera: CameraRow) -> str:
        if not camera.usable:
            return "#4d6478"
        if camera.id not in self._on_wall:
            return PALETTE.muted
        return {
            StreamState.LIVE: PALETTE.ok,
            StreamState.CONNECTING: PALETTE.warning,
            StreamState.LOST: PALETTE.danger,
        }.get(self._on_wall[camera.id], PALETTE.accent)  # type: ignore[arg-type]

    # -- dragging -----------------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [CAMERA_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        ids: list[int] = []
        for index in indexes:
            if not index.isValid() or index.column() != 0:
                continue
            camera = self._camera(index)
            if camera is not None:
                ids.append(camera.id)
            else:
                ids.extend(c.id for c in self._groups[index.row()][1])
        return camera_mime(_unique(ids))

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction


class CameraList(QTreeView):
    """The cameras, grouped, to drag onto the wall (or double-click onto the selected tile).

    Signals: `cameraActivated(camera_id)` on a double-click or Enter on a camera row.
    """

    cameraActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraList")
        self.list_model = CameraListModel(self)
        self.setModel(self.list_model)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setIndentation(12)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._collapsed: set[str | None] = set()
        self.collapsed.connect(lambda i: self._collapsed.add(self._group_of(i)))
        self.expanded.connect(lambda i: self._collapsed.discard(self._group_of(i)))
        self.list_model.modelReset.connect(self._restore_expansion)
        self.activated.connect(self._on_activated)

    def set_rows(self, rows: Sequence[CameraRow]) -> None:
        self.list_model.set_rows(rows)

    def _group_of(self, index: QModelIndex) -> str | None:
        groups = self.list_model.groups()
        return groups[index.row()] if 0 <= index.row() < len(groups) else None

    def _restore_expansion(self) -> None:
        for row, name in enumerate(self.list_model.groups()):
            if name not in self._collapsed:
                self.expand(self.list_model.index(row, 0))

    def _on_activated(self, index: QModelIndex) -> None:
        camera_id = index.data(CAMERA_ID_ROLE)
        if camera_id is not None:
            self.cameraActivated.emit(int(camera_id))


# -- the wall ---------------------------------------------------------------------------------
def _layout_icon(layout: WallLayout, colour: str, size: int = 18) -> QIcon:
    """A small picture of the layout for its toolbar button."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    unit_w, unit_h = (size + 1) / layout.cols, (size + 1) / layout.rows
    for r, c, rs, cs in layout.cells:
        x, y = round(c * unit_w), round(r * unit_h)
        painter.drawRect(
            QRect(x, y, max(1, round((c + cs) * unit_w) - x - 1), round((r + rs) * unit_h) - y - 1)
        )
    painter.end()
    return QIcon(pixmap)


LAYOUT_LABELS = {"1": "1", "2x2": "2×2", "3x3": "3×3", "4x4": "4×4", "1+5": "1+5", "1+7": "1+7"}


class CameraWall(QWidget):
    """The camera-wall panel: a camera list, a toolbar and a grid of video tiles.

    Signals:
      selectionChanged(int): the camera of the selected tile (-1: none or empty tile).
      streamStatesChanged(): the state of a stream on the wall (or the set of cameras on it)
        changed; checked once a second, see `statuses()`.
      snapshotRequested(), clipRequested(), zonesRequested(): the toolbar's snapshot, clip
        and motion-zone buttons.
      layoutChanged(str): the layout shown ("1" while a tile is enlarged).
    """

    selectionChanged = Signal(int)
    streamStatesChanged = Signal()
    snapshotRequested = Signal()
    clipRequested = Signal()
    zonesRequested = Signal()  # noqa: N815
    layoutChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraWall")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pool: StreamPool | None = None
        self._rows: dict[int, CameraRow] = {}
        self._order: list[int] = []
        self._layout = DEFAULT_LAYOUT
        self._slots: list[int | None] = [None] * LAYOUTS[DEFAULT_LAYOUT].capacity
        self._zoom: int | None = None  # the enlarged slot
        self._selected = -1
        self._announced_selection = -1
        self._filled_once = False
        self._tour_pages: list[list[int | None]] = []
        self._tour_page = 0
        self._states: dict[int, StreamState] = {}
        self._tiles: list[CameraTile] = []

        self._tour_timer = QTimer(self)
        self._tour_timer.timeout.connect(self.advance_tour)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_POLL_MS)
        self._status_timer.timeout.connect(self._check_states)

        self.camera_list = CameraList(self)
        self.camera_list.cameraActivated.connect(self.place_camera)

        # toolbar
        self.count_label = QLabel(self)
        self.count_label.setObjectName("cameraCount")
        self.layout_buttons: dict[str, QToolButton] = {}
        self._layout_group = QButtonGroup(self)
        self._layout_group.setExclusive(True)
        toolbar = QWidget(self)
        toolbar.setObjectName("cameraWallBar")
        toolbar.setStyleSheet(
            f"QToolButton {{ padding: 2px 4px; border-radius: 3px; }}"
            f"QToolButton:checked {{ background: {PALETTE.highlight}; }}"
            f"QToolButton:hover {{ background: {PALETTE.alternate}; }}"
            f"QToolButton#wallTour {{ color: {PALETTE.warning}; }}"
        )
        bar = QHBoxLayout(toolbar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(2)
        for name, layout in LAYOUTS.items():
            button = QToolButton(self)
            button.setObjectName(f"wallLayout_{name}")
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setIcon(_layout_icon(layout, PALETTE.text))
            button.setIconSize(QSize(18, 18))
            button.setToolTip(self.tr("Layout {name}").format(name=LAYOUT_LABELS[name]))
            button.clicked.connect(lambda _=False, n=name: self.set_layout(n))
            self._layout_group.addButton(button)
            self.layout_buttons[name] = button
            bar.addWidget(button)
        bar.addSpacing(8)
        self.group_button = QToolButton(self)
        self.group_button.setObjectName("wallGroups")
        self.group_button.setText(self.tr("Groups"))
        self.group_button.setToolTip(self.tr("Fill the wall with a camera group"))
        self.group_button.setAutoRaise(True)
        self.group_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._group_menu = QMenu(self.group_button)
        self._group_menu.aboutToShow.connect(self._fill_group_menu)
        self.group_button.setMenu(self._group_menu)
        bar.addWidget(self.group_button)
        self.tour_button = QToolButton(self)
        self.tour_button.setObjectName("wallTour")
        self.tour_button.setAutoRaise(True)
        self.tour_button.setToolTip(self.tr("Stop the tour"))
        self.tour_button.clicked.connect(self.stop_tour)
        self.tour_button.hide()
        bar.addWidget(self.tour_button)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addSpacing(8)
        self.snapshot_button = QToolButton(self)
        self.snapshot_button.setObjectName("wallSnapshot")
        self.snapshot_button.setText(self.tr("Snapshot"))
        self.snapshot_button.setToolTip(self.tr("Save the selected tile's picture as evidence"))
        self.snapshot_button.setAutoRaise(True)
        self.snapshot_button.clicked.connect(self.snapshotRequested)
        self.clip_button = QToolButton(self)
        self.clip_button.setObjectName("wallClip")
        self.clip_button.setText(self.tr("Clip"))
        self.clip_button.setToolTip(self.tr("Record a clip of the selected tile"))
        self.clip_button.setAutoRaise(True)
        self.clip_button.clicked.connect(self.clipRequested)
        self.zones_button = QToolButton(self)
        self.zones_button.setObjectName("wallZones")
        self.zones_button.setText(self.tr("Zones"))
        self.zones_button.setToolTip(self.tr("Draw the selected camera's motion zones"))
        self.zones_button.setAutoRaise(True)
        self.zones_button.clicked.connect(self.zonesRequested)
        bar.addWidget(self.snapshot_button)
        bar.addWidget(self.clip_button)
        bar.addWidget(self.zones_button)

        self._grid_host = QFrame(self)
        self._grid_host.setObjectName("cameraWallGrid")
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(2)

        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(toolbar)
        column.addWidget(self._grid_host, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(True)
        self.splitter.addWidget(self.camera_list)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 740])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.splitter)

        self._arrange()
        self.set_cameras(())

    # -- collaborators and data -------------------------------------------------------------
    def set_pool(self, pool: StreamPool | None) -> None:
        """Decode through `pool` (None: decode nothing; tiles say there is no video source).

        The captures held from an earlier pool are released to it first.
        """
        if pool is self._pool:
            return
        for tile in self._tiles:
            self._play(tile, None, None)
        self._pool = pool
        self._sync()
        if pool is None:
            self._check_states()

    def set_cameras(self, rows: Sequence[CameraRow]) -> None:
        """The cameras there are (every snapshot): update names and usability; a camera
        whose stream did not change keeps playing. The first cameras fill an empty wall."""
        self._rows = {row.id: row for row in rows}
        self._order = [row.id for row in rows]
        enabled = sum(1 for row in rows if row.enabled)
        self.count_label.setText(
            self.tr("Cameras: {total} ({enabled} enabled)").format(total=len(rows), enabled=enabled)
        )
        self.camera_list.set_rows(rows)
        self._slots = [i if i in self._rows else None for i in self._slots]
        if not self._filled_once and rows:
            self._filled_once = True
            if all(i is None for i in self._slots):
                usable = [row.id for row in rows if row.usable]
                self._slots = self._fit(usable, len(self._slots))
        self._sync()

    def cameras(self) -> list[CameraRow]:
        return [self._rows[i] for i in self._order]

    # -- what is on the wall ----------------------------------------------------------------
    @property
    def tiles(self) -> list[CameraTile]:
        """The tiles on screen, in slot order (only the enlarged one while enlarged)."""
        if self._zoom is not None:
            return [self._tiles[self._zoom]]
        return self._tiles[: LAYOUTS[self._layout].capacity]

    def layout_name(self) -> str:
        """The layout on screen ("1" while a tile is enlarged)."""
        return "1" if self._zoom is not None else self._layout

    def is_enlarged(self) -> bool:
        return self._zoom is not None

    def slots(self) -> list[int | None]:
        """The camera id of each tile of the current layout (None: empty)."""
        return list(self._slots)

    def tile_of(self, camera_id: int) -> CameraTile | None:
        for tile in self.tiles:
            if tile.camera_id == camera_id:
                return tile
        return None

    def statuses(self) -> dict[int, StreamStatus]:
        """The stream status of each camera playing on the wall."""
        out: dict[int, StreamStatus] = {}
        for tile in self.tiles:
            capture = tile.capture()
            if capture is not None and tile.camera_id is not None:
                out[tile.camera_id] = capture.status()
        return out

    # -- layouts ------------------------------------------------------------------------------
    def set_layout(self, name: str) -> None:
        """Show `name` (a key of `LAYOUTS`); the tiles that remain keep their cameras."""
        if name not in LAYOUTS:
            raise ValueError(f"unknown wall layout {name!r}: one of {', '.join(LAYOUTS)}")
        self.stop_tour()
        self._show(name, self._slots)

    def _show(self, name: str, slots: Sequence[int | None]) -> None:
        """Lay out `name` with `slots` (cut or padded to fit) and start/stop streams."""
        capacity = LAYOUTS[name].capacity
        self._zoom = None
        self._layout = name
        self._slots = self._fit(slots, capacity)
        if self._selected >= capacity:
            self._selected = -1
        self._arrange()
        self._sync()

    @staticmethod
    def _fit(ids: Sequence[int | None], capacity: int) -> list[int | None]:
        return list(ids[:capacity]) + [None] * max(0, capacity - len(ids))

    # -- putting cameras on the wall ------------------------------------------------------------
    def assign(self, slot: int, camera_ids: Sequence[int]) -> None:
        """Put cameras on the wall from tile `slot` on (a drop). One camera already on the
        wall trades places with the target tile's camera."""
        ids = [i for i in _unique(camera_ids) if i in self._rows]
        if not ids or not 0 <= slot < len(self._slots):
            return
        self.stop_tour()
        if self._zoom is not None:
            self._leave_zoom()
        if len(ids) == 1 and ids[0] in self._slots and self._slots[slot] != ids[0]:
            self._slots[self._slots.index(ids[0])] = self._slots[slot]
        for offset, camera_id in enumerate(ids):
            if slot + offset >= len(self._slots):
                break
            self._slots[slot + offset] = camera_id
        self._sync()

    def place_camera(self, camera_id: int) -> None:
        """Put one camera on the selected tile, or the first empty one (a double-click in
        the list); with neither, on the first tile."""
        if camera_id not in self._rows:
            return
        if self._zoom is not None:
            self._leave_zoom()
        slot = self._selected
        if slot < 0:
            slot = self._slots.index(None) if None in self._slots else 0
        self.assign(slot, [camera_id])

    def open_cameras(self, camera_ids: Sequence[int]) -> None:
        """Show these cameras, in this order (nearest first), on the smallest grid that
        holds them (4x4 at most); the first is selected."""
        ids = [i for i in _unique(camera_ids) if i in self._rows]
        if not ids:
            return
        self.stop_tour()
        self._show(layout_for(len(ids)), ids)
        self.select_slot(0)

    def show_group(self, name: str | None) -> None:
        """Fill the wall with the usable cameras of group `name`."""
        ids = [i for i in self._order if self._rows[i].group_name == name and self._rows[i].usable]
        if ids:
            self.stop_tour()
            self._show(layout_for(len(ids)), ids)

    def groups(self) -> list[str]:
        return sorted({r.group_name for r in self._rows.values() if r.group_name})

    def set_tours(self, tours: Sequence[Any]) -> None:
        """Saved tours (`services.cameras.TourInfo`: name, layout, interval_s, camera_ids)
        offered under the groups menu."""
        self._tours = list(tours)

    def _fill_group_menu(self) -> None:
        self._group_menu.clear()
        for name in self.groups():
            action = self._group_menu.addAction(name)
            action.triggered.connect(lambda _=False, n=name: self.show_group(n))
        if not self._group_menu.actions():
            self._group_menu.addAction(self.tr("No camera groups")).setEnabled(False)
        tours = getattr(self, "_tours", [])
        if tours:
            self._group_menu.addSeparator()
            for tour in tours:
                action = self._group_menu.addAction(
                    self.tr("Tour: {name} (every {s} s)").format(name=tour.name, s=tour.interval_s))
                action.triggered.connect(lambda _=False, t=tour: self.start_tour(
                    list(t.camera_ids), t.layout, float(t.interval_s)))

    # -- enlarging ----------------------------------------------------------------------------------
    def toggle_enlarged(self, slot: int | None = None) -> None:
        """Enlarge tile `slot` (default: the selected one) to the whole wall on the camera's
        main stream, or go back to the layout on the sub-streams."""
        if self._zoom is not None:
            self._leave_zoom()
            return
        slot = self._selected if slot is None else slot
        if not 0 <= slot < len(self._slots) or self._slots[slot] is None:
            return
        self._zoom = slot
        self._select(slot)
        self._arrange()
        self._sync()

    def _leave_zoom(self) -> None:
        if self._zoom is None:
            return
        self._zoom = None
        self._arrange()
        self._sync()

    # -- tours ----------------------------------------------------------------------------------------
    def start_tour(
        self, camera_ids: Sequence[int], layout: str = DEFAULT_LAYOUT, interval_s: float = 10.0
    ) -> None:
        """Page through `camera_ids`, a layout's worth at a time, every `interval_s` seconds.
        A camera may come back on several pages; it keeps its stream from one to the next."""
        if layout not in LAYOUTS:
            raise ValueError(f"unknown wall layout {layout!r}")
        ids = [i for i in camera_ids if i in self._rows]
        self.stop_tour()
        if not ids:
            return
        self._tour_pages = pages(ids, LAYOUTS[layout].capacity)
        self._tour_page = 0
        self._show(layout, self._tour_pages[0])
        self._tour_timer.start(max(1, round(interval_s * 1000)))
        self._show_tour_state()

    def advance_tour(self) -> None:
        """Show the next page of the tour (back to the first after the last)."""
        if not self._tour_pages or self._zoom is not None:
            return  # an enlarged tile holds the tour until it is shrunk again
        self._tour_page = (self._tour_page + 1) % len(self._tour_pages)
        self._show(self._layout, self._tour_pages[self._tour_page])
        self._show_tour_state()

    def stop_tour(self) -> None:
        """Stop paging; the cameras of the current page stay."""
        self._tour_timer.stop()
        if self._tour_pages:
            self._tour_pages = []
            self._show_tour_state()

    def tour_page(self) -> tuple[int, int] | None:
        """(page, pages), counted from 1, while a tour runs."""
        if not self._tour_pages:
            return None
        return self._tour_page + 1, len(self._tour_pages)

    def _show_tour_state(self) -> None:
        page = self.tour_page()
        if page is None:
            self.tour_button.hide()
            return
        self.tour_button.setText(
            self.tr("Tour: page {page}/{pages}").format(page=page[0], pages=page[1])
        )
        self.tour_button.show()

    # -- selection ------------------------------------------------------------------------------------
    def select_slot(self, slot: int) -> None:
        """Select tile `slot` (-1: none)."""
        if self._zoom is not None and slot != self._zoom:
            return
        self._select(slot if 0 <= slot < len(self._slots) else -1)

    def selected_slot(self) -> int:
        return self._selected

    def selected_camera(self) -> int | None:
        if 0 <= self._selected < len(self._slots):
            return self._slots[self._selected]
        return None

    def selected_frame(self) -> tuple[int, Frame] | None:
        """The newest frame of the selected tile, with its camera id (snapshot evidence)."""
        camera_id = self.selected_camera()
        if camera_id is None:
            return None
        capture = self._tiles[self._selected].capture()
        frame = capture.latest() if capture is not None else None
        return (camera_id, frame) if frame is not None else None

    def _select(self, slot: int) -> None:
        self._selected = slot
        for i, tile in enumerate(self._tiles):
            tile.set_selected(i == slot)
        self._announce_selection()

    def _announce_selection(self) -> None:
        camera_id = self.selected_camera()
        value = -1 if camera_id is None else camera_id
        has_camera = camera_id is not None
        self.snapshot_button.setEnabled(has_camera)
        self.clip_button.setEnabled(has_camera)
        if value != self._announced_selection:
            self._announced_selection = value
            self.selectionChanged.emit(value)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key = event.key()
        moves = {
            Qt.Key.Key_Left: (0, -1),
            Qt.Key.Key_Right: (0, 1),
            Qt.Key.Key_Up: (-1, 0),
            Qt.Key.Key_Down: (1, 0),
        }
        if key in moves and self._zoom is None:
            if self._selected < 0:
                self._select(0)
            else:
                self._select(neighbour(LAYOUTS[self._layout], self._selected, *moves[key]))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.toggle_enlarged()
        elif key == Qt.Key.Key_Escape and self._zoom is not None:
            self._leave_zoom()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- tiles and streams ----------------------------------------------------------------------------
    def _tile(self, slot: int) -> CameraTile:
        while len(self._tiles) <= slot:
            tile = CameraTile(len(self._tiles), self._grid_host)
            tile.hide()
            tile.clicked.connect(self._on_tile_clicked)
            tile.doubleClicked.connect(self.toggle_enlarged)
            tile.camerasDropped.connect(self.assign)
            self._tiles.append(tile)
        return self._tiles[slot]

    def _on_tile_clicked(self, slot: int) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.select_slot(slot)

    def _arrange(self) -> None:
        """Place the tiles of the current layout (or the enlarged one) in the grid."""
        if self._zoom is not None:
            layout, shown = LAYOUTS["1"], [self._zoom]
        else:
            layout = LAYOUTS[self._layout]
            shown = list(range(layout.capacity))
        for tile in self._tiles:
            self._grid.removeWidget(tile)
        for i in range(4):
            self._grid.setRowStretch(i, 1 if i < layout.rows else 0)
            self._grid.setColumnStretch(i, 1 if i < layout.cols else 0)
        for slot, cell in zip(shown, layout.cells, strict=False):
            tile = self._tile(slot)
            self._grid.addWidget(tile, *cell)
        for i, tile in enumerate(self._tiles):
            tile.setVisible(i in shown)
        for button_name, button in self.layout_buttons.items():
            button.setChecked(button_name == self.layout_name())
        self.layoutChanged.emit(self.layout_name())

    def _wanted_url(self, slot: int) -> str | None:
        """The stream tile `slot` should play now, or None."""
        if self._pool is None or slot >= len(self._slots):
            return None
        if self._zoom is not None and slot != self._zoom:
            return None
        camera_id = self._slots[slot]
        row = self._rows.get(camera_id) if camera_id is not None else None
        if row is None or not row.usable:
            return None
        return row.url if self._zoom == slot else row.tile_url

    def _sync(self) -> None:
        """Bring every tile in line with the slots: acquire new streams first, then release
        the ones no longer wanted (a camera that stays keeps its decoder)."""
        released: list[Capture] = []
        for slot in range(max(len(self._slots), len(self._tiles))):
            tile = self._tile(slot) if slot < len(self._slots) else self._tiles[slot]
            camera_id = self._slots[slot] if slot < len(self._slots) else None
            row = self._rows.get(camera_id) if camera_id is not None else None
            url = self._wanted_url(slot)
            if url != tile.url:
                old = tile.capture()
                capture = None
                if url is not None and self._pool is not None and row is not None:
                    capture = self._pool.acquire(url, row.name)
                tile.set_stream(url, capture)
                if old is not None:
                    released.append(old)
            tile.set_camera(row)
        for capture in released:
            self._release(capture)
        if self._selected >= len(self._slots):
            self._selected = -1
        for i, tile in enumerate(self._tiles):
            tile.set_selected(i == self._selected)
        self._announce_selection()
        self.camera_list.list_model.set_wall(
            {
                tile.camera_id: (tile.capture().status().state if tile.capture() else None)
                for tile in self.tiles
                if tile.camera_id is not None
            }
        )
        if any(tile.capture() is not None for tile in self._tiles) or self._states:
            if not self._status_timer.isActive():
                self._status_timer.start()

    def _play(self, tile: CameraTile, url: str | None, capture: Capture | None) -> None:
        old = tile.capture()
        tile.set_stream(url, capture)
        if old is not None:
            self._release(old)

    def _release(self, capture: Capture) -> None:
        pool = self._pool
        if pool is None:
            return
        try:
            pool.release(capture)
        except ValueError:
            pass  # the pool was closed under us: the capture is already stopped

    def _check_states(self) -> None:
        """Once a second: tell listeners when a stream on the wall changed state."""
        states = {cid: status.state for cid, status in self.statuses().items()}
        if states != self._states:
            self._states = states
            self.camera_list.list_model.set_wall(
                {
                    t.camera_id: states.get(t.camera_id)
                    for t in self.tiles
                    if t.camera_id is not None
                }
            )
            self.streamStatesChanged.emit()
        if not states:
            self._status_timer.stop()
