"""The case queue: open cases, overdue first, then by deadline.

`CaseQueueModel` is a thin table model over a list of plain `CaseRow` values; rows are
handed to the view in batches (`canFetchMore`/`fetchMore`) so a long queue costs only
what is on screen. `CaseQueue` is the panel around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
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
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from command_center.services.snapshot import CaseRow
from command_center.ui.theme import PALETTE

# Workflow state value → English name (context "CaseState"); Chinese via the catalogue.
_ROOT = QModelIndex()  # the invisible root, as a default argument

STATE_NAMES: dict[str, str] = {
    "reported": QT_TRANSLATE_NOOP("CaseState", "Reported"),
    "registered": QT_TRANSLATE_NOOP("CaseState", "Registered"),
    "not_registered": QT_TRANSLATE_NOOP("CaseState", "Not registered"),
    "dispatched": QT_TRANSLATE_NOOP("CaseState", "Dispatched"),
    "in_progress": QT_TRANSLATE_NOOP("CaseState", "In progress"),
    "handled": QT_TRANSLATE_NOOP("CaseState", "Handled"),
    "rework": QT_TRANSLATE_NOOP("CaseState", "Rework"),
    "extension_requested": QT_TRANSLATE_NOOP("CaseState", "Extension requested"),
    "suspended": QT_TRANSLATE_NOOP("CaseState", "Suspended"),
    "verified": QT_TRANSLATE_NOOP("CaseState", "Verified"),
    "closed": QT_TRANSLATE_NOOP("CaseState", "Closed"),
    "transferred": QT_TRANSLATE_NOOP("CaseState", "Transferred"),
}

COLUMNS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("CaseQueueModel", "Case no."),
    QT_TRANSLATE_NOOP("CaseQueueModel", "Category"),
    QT_TRANSLATE_NOOP("CaseQueueModel", "State"),
    QT_TRANSLATE_NOOP("CaseQueueModel", "District"),
    QT_TRANSLATE_NOOP("CaseQueueModel", "Squad"),
    QT_TRANSLATE_NOOP("CaseQueueModel", "Deadline"),
)
COL_CASE_NO, COL_CATEGORY, COL_STATE, COL_DISTRICT, COL_SQUAD, COL_DEADLINE = range(len(COLUMNS))

DEADLINE_FORMAT = "%Y-%m-%d %H:%M"  # Qt's yyyy-MM-dd HH:mm
FETCH_BATCH = 200
CASE_ID_ROLE = Qt.ItemDataRole.UserRole
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 1


def state_name(state: str) -> str:
    """The user-facing name of a workflow state (the raw value when unknown)."""
    source = STATE_NAMES.get(state)
    return QCoreApplication.translate("CaseState", source) if source else state


def format_deadline(deadline: datetime | None) -> str:
    return deadline.strftime(DEADLINE_FORMAT) if deadline is not None else "—"


def queue_order(rows: Sequence[CaseRow]) -> list[CaseRow]:
    """Overdue first, then earliest deadline (none last), then case number."""
    return sorted(
        rows,
        key=lambda r: (
            not r.overdue,
            r.deadline_at is None,
            r.deadline_at or datetime.max,
            r.case_no,
        ),
    )


class CaseQueueModel(QAbstractTableModel):
    """Read-only table of `CaseRow`, overdue rows highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseRow] = []
        self._loaded = 0
        self._district_names: dict[str, str] = {}
        self._overdue_fg = QBrush(QColor(PALETTE.danger))
        self._overdue_bg = QBrush(QColor(PALETTE.danger_bg))
        self._bold = QFont()
        self._bold.setBold(True)

    # -- plain-data API -------------------------------------------------------------
    def set_rows(
        self, rows: Sequence[CaseRow], district_names: dict[str, str] | None = None
    ) -> None:
        """Replace the queue (sorted here); `district_names` maps code → name."""
        self.beginResetModel()
        self._rows = queue_order(rows)
        self._loaded = min(len(self._rows), FETCH_BATCH)
        if district_names is not None:
            self._district_names = dict(district_names)
        self.endResetModel()

    def case_at(self, row: int) -> CaseRow:
        return self._rows[row]

    def cases(self) -> list[CaseRow]:
        """All rows in queue order (loaded to the view or not)."""
        return list(self._rows)

    def total(self) -> int:
        return len(self._rows)

    # -- Qt model API ---------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> bool:
        return not parent.isValid() and self._loaded < len(self._rows)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> None:
        if parent.isValid():
            return
        count = min(FETCH_BATCH, len(self._rows) - self._loaded)
        if count <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._loaded, self._loaded + count - 1)
        self._loaded += count
        self.endInsertRows()

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
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return QCoreApplication.translate("CaseQueueModel", COLUMNS[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < self._loaded:
            return str(section + 1)
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= self._loaded or index.column() >= len(COLUMNS):
            return None
        case = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(case, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{case.case_no} {case.category_name}\n{case.address}"
        if role == Qt.ItemDataRole.ForegroundRole and case.overdue:
            return self._overdue_fg
        if role == Qt.ItemDataRole.BackgroundRole and case.overdue:
            return self._overdue_bg
        if role == Qt.ItemDataRole.FontRole and case.overdue and col == COL_DEADLINE:
            return self._bold
        if role == CASE_ID_ROLE:
            return case.id
        if role == OVERDUE_ROLE:
            return case.overdue
        return None

    def _display(self, case: CaseRow, col: int) -> str:
        if col == COL_CASE_NO:
            return case.case_no
        if col == COL_CATEGORY:
            return case.category_name
        if col == COL_STATE:
            return state_name(case.state)
        if col == COL_DISTRICT:
            return self._district_names.get(case.district_code, case.district_code)
        if col == COL_SQUAD:
            return case.squad_name or "—"
        return format_deadline(case.deadline_at)


class CaseQueue(QWidget):
    """The case-queue panel.

    Signals:
        caseActivated(int): a case id, when the user double-clicks or presses Enter on a row.
    """

    caseActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseQueue")
        self.model = CaseQueueModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("caseQueueView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = {
            COL_CASE_NO: 118,
            COL_CATEGORY: 84,
            COL_STATE: 84,
            COL_DISTRICT: 64,
            COL_SQUAD: 84,
        }
        for col, width in widths.items():
            header.resizeSection(col, width)
        self.view.activated.connect(self._on_activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def set_cases(
        self, rows: Sequence[CaseRow], district_names: dict[str, str] | None = None
    ) -> None:
        self.model.set_rows(rows, district_names)

    def _on_activated(self, index: QModelIndex) -> None:
        case_id = index.data(CASE_ID_ROLE)
        if case_id is not None:
            self.caseActivated.emit(int(case_id))
