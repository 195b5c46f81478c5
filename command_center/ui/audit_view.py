"""The audit view: every step of every case, filtered, and exported to CSV.

The dialog never touches the database itself: `submit(fn, on_done, on_error)` runs `fn` on the
database worker and calls back on the GUI thread (`ui.taskman.TaskManager.run`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDateTime, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.calendar import CST
from command_center.domain.workflow import Action, Role
from command_center.services.audit import AuditQuery, AuditRow, audit_page, export_audit_csv
from command_center.store.engine import Store
from command_center.ui.case_queue import state_name
from command_center.ui.sign_in import role_name

__all__ = ["AuditDialog", "AuditModel"]

Submit = Callable[[Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], None]
PAGE = 500
_Index = QModelIndex | QPersistentModelIndex


class AuditModel(QAbstractTableModel):
    """Read-only rows of the trail, newest first, in the order loaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AuditRow] = []

    def headers(self) -> list[str]:
        return [
            self.tr("Time"), self.tr("Case no."), self.tr("Step"), self.tr("From"),
            self.tr("To"), self.tr("Who"), self.tr("Role"), self.tr("Workstation"),
            self.tr("Note"),
        ]

    def set_rows(self, rows: list[AuditRow], *, append: bool = False) -> None:
        if append:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        else:
            self.beginResetModel()
            self.rows = list(rows)
            self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 9

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self.rows[index.row()]
        return (
            r.at.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S"),
            r.case_no,
            r.action,
            state_name(r.from_state) if r.from_state else "",
            state_name(r.to_state),
            r.actor,
            _role(r.role),
            r.workstation or "",
            r.note,
        )[index.column()]


def _role(value: str) -> str:
    try:
        return role_name(Role(value))
    except ValueError:
        return value


class AuditDialog(QDialog):
    """Filters over the trail, a table, more rows on demand, and CSV export."""

    def __init__(self, store: Store, submit: Submit, parent: QWidget | None = None,
                 *, now: Callable[[], datetime] = lambda: datetime.now(CST)) -> None:
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.setWindowTitle(self.tr("Audit trail"))
        self.resize(1100, 640)
        self.store, self.submit = store, submit
        self.since = QDateTimeEdit(QDateTime(now() - timedelta(days=7)))
        self.until = QDateTimeEdit(QDateTime(now() + timedelta(minutes=1)))
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.role = QComboBox()
        self.role.addItem(self.tr("Any role"), None)
        for r in Role:
            self.role.addItem(role_name(r), r.value)
        self.action = QComboBox()
        self.action.addItem(self.tr("Any step"), None)
        for a in Action:
            self.action.addItem(a.value, a.value)
        self.workstation = QLineEdit()
        self.workstation.setPlaceholderText(self.tr("any"))
        self.case_no = QLineEdit()
        self.case_no.setPlaceholderText(self.tr("case number or its beginning"))
        form = QFormLayout()
        period = QHBoxLayout()
        period.addWidget(self.since)
        period.addWidget(QLabel("—"))
        period.addWidget(self.until)
        form.addRow(self.tr("Period"), period)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Step"), self.action)
        form.addRow(self.tr("Workstation"), self.workstation)
        form.addRow(self.tr("Case no."), self.case_no)
        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel()
        self.search_button = QPushButton(self.tr("Search"))
        self.more_button = QPushButton(self.tr("More"))
        self.export_button = QPushButton(self.tr("Export CSV…"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for b in (self.search_button, self.more_button, self.export_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.search_button.clicked.connect(self.search)
        self.more_button.clicked.connect(self.load_more)
        self.export_button.clicked.connect(lambda: self.export())
        self.case_no.returnPressed.connect(self.search)
        self.more_button.setEnabled(False)

    def query(self) -> AuditQuery:
        def at(edit: QDateTimeEdit) -> datetime:
            return edit.dateTime().toPython().replace(tzinfo=CST)

        return AuditQuery(
            since=at(self.since), until=at(self.until), role=self.role.currentData(),
            action=self.action.currentData(), workstation=self.workstation.text().strip() or None,
            case_no=self.case_no.text().strip() or None,
        )

    def search(self) -> None:
        self._load(append=False)

    def load_more(self) -> None:
        self._load(append=True)

    def _load(self, *, append: bool) -> None:
        query, offset, store = self.query(), len(self.model.rows) if append else 0, self.store
        self.status.setText(self.tr("Loading…"))

        def done(rows: list[AuditRow]) -> None:
            self.model.set_rows(rows, append=append)
            self.more_button.setEnabled(len(rows) == PAGE)
            self.status.setText(self.tr("{n} steps shown").format(n=len(self.model.rows)))

        self.submit(lambda: audit_page(store, query, offset=offset, limit=PAGE), done,
                    self._failed)

    def export(self, path: Path | str | None = None) -> None:
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export audit trail"), "audit.csv", self.tr("CSV files (*.csv)")
            )
            if not chosen:
                return
            path = chosen
        query, store, target = self.query(), self.store, Path(path)
        self.status.setText(self.tr("Exporting…"))
        self.submit(
            lambda: export_audit_csv(store, query, target),
            lambda n: self.status.setText(
                self.tr("{n} steps written to {path}").format(n=n, path=target)
            ),
            self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("Failed: {error}").format(error=exc))
