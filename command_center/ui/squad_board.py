"""The squad board: each squad, its unit, what it is doing, its load, its shift and its
latest position fix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from command_center.services.snapshot import SquadRow
from command_center.ui.case_queue_lazy import CASE_IDS_MIME
from command_center.ui.theme import PALETTE, SQUAD_STATUS_COLORS

_ROOT = QModelIndex()  # the invisible root, as a default argument

STATUS_NAMES: dict[str, str] = {
    "idle": QT_TRANSLATE_NOOP("SquadStatus", "Idle"),
    "en_route": QT_TRANSLATE_NOOP("SquadStatus", "On the way"),
    "handling": QT_TRANSLATE_NOOP("SquadStatus", "Handling"),
    "offline": QT_TRANSLATE_NOOP("SquadStatus", "Offline"),
    "available": QT_TRANSLATE_NOOP("SquadStatus", "On duty"),
    "busy": QT_TRANSLATE_NOOP("SquadStatus", "Handling"),
    "off_duty": QT_TRANSLATE_NOOP("SquadStatus", "Off duty"),
}

COLUMNS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("SquadBoardModel", "Squad"),
    QT_TRANSLATE_NOOP("SquadBoardModel", "Unit"),
    QT_TRANSLATE_NOOP("SquadBoardModel", "Status"),
    QT_TRANSLATE_NOOP("SquadBoardModel", "Open cases"),
    QT_TRANSLATE_NOOP("SquadBoardModel", "Shift"),
    QT_TRANSLATE_NOOP("SquadBoardModel", "Position"),
)
COL_NAME, COL_UNIT, COL_STATUS, COL_OPEN, COL_SHIFT, COL_POSITION = range(len(COLUMNS))
SQUAD_ID_ROLE = Qt.ItemDataRole.UserRole


def status_name(status: str) -> str:
    source = STATUS_NAMES.get(status)
    return QCoreApplication.translate("SquadStatus", source) if source else status


class SquadBoardModel(QAbstractTableModel):
    """Read-only table of `SquadRow` in the order given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[SquadRow] = []
        self._status_brushes = {k: QBrush(QColor(v)) for k, v in SQUAD_STATUS_COLORS.items()}
        self._muted = QBrush(QColor(PALETTE.muted))

    def set_rows(self, rows: Sequence[SquadRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def squad_at(self, row: int) -> SquadRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return QCoreApplication.translate("SquadBoardModel", COLUMNS[section])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(COLUMNS):
            return None
        squad = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return squad.name
            if col == COL_UNIT:
                return squad.unit_name
            if col == COL_STATUS:
                return "● " + status_name(squad.activity or squad.status)
            if col == COL_SHIFT:
                shift = squad.shift or self.tr("All day")
                return shift if squad.on_shift else self.tr("{shift} (off)").format(shift=shift)
            if col == COL_POSITION:
                if squad.position_at is None:
                    return "—"
                return self.tr("fix {time}").format(time=f"{squad.position_at:%H:%M}")
            return str(squad.open_cases)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_STATUS:
                return self._status_brushes.get(squad.activity or squad.status, self._muted)
            if col == COL_SHIFT and not squad.on_shift:
                return self._muted
            if (squad.activity or squad.status) in ("off_duty", "offline"):
                return self._muted
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_OPEN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_POSITION and squad.lon is not None and squad.lat is not None:
                return f"{squad.lon:.5f}, {squad.lat:.5f}"
            return f"{squad.code} {squad.name}"
        if role == SQUAD_ID_ROLE:
            return squad.id
        return None


class _DropView(QTableView):
    """The board's table: cases dragged from the queue may be dropped on a squad's row."""

    casesDropped = Signal(list, int)  # noqa: N815 — case ids, squad id

    def __init__(self, board: SquadBoard) -> None:
        super().__init__(board)
        self.board = board
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def _squad_under(self, pos) -> int | None:  # noqa: ANN001
        index = self.indexAt(pos)
        return self.board.model.squad_at(index.row()).id if index.isValid() else None

    def dragEnterEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        if event.mimeData().hasFormat(CASE_IDS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        if event.mimeData().hasFormat(CASE_IDS_MIME) and self._squad_under(
            event.position().toPoint()
        ) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        squad = self._squad_under(event.position().toPoint())
        ids = case_ids_from(event.mimeData())
        if squad is None or not ids:
            event.ignore()
            return
        event.acceptProposedAction()
        self.casesDropped.emit(ids, squad)


def case_ids_from(data) -> list[int]:  # noqa: ANN001
    """The case ids a drag carries (see `ui.case_queue_lazy.CASE_IDS_MIME`)."""
    raw = bytes(data.data(CASE_IDS_MIME)).decode("ascii", "replace")
    return [int(p) for p in raw.split(",") if p.strip().isdigit()]


class SquadBoard(QWidget):
    """The squad-board panel. `casesDropped(case_ids, squad_id)`: cases dragged from the
    queue onto a squad (the desk dispatches or reassigns them)."""

    casesDropped = Signal(list, int)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("squadBoard")
        self.model = SquadBoardModel(self)
        self.view = _DropView(self)
        self.view.casesDropped.connect(self.casesDropped)
        self.view.setObjectName("squadBoardView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def set_squads(self, rows: Sequence[SquadRow]) -> None:
        self.model.set_rows(rows)
