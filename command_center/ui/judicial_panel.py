"""Judicial hand-over (司法衔接): every transfer to the police, the procuratorate or a court,
what came back, and the counts by outcome and by body.

The list is `JudicialService.transfers` (filtered by feedback status), the summary strip is
`JudicialService.counts_by_outcome` over the chosen period; both are read through
`submit(fn, on_done, on_error)` (the database worker). Double-clicking a transfer opens its
case on the desk (`caseActivated`); "Record feedback…" opens `FeedbackDialog` for the
selected transfer when the operator's roles may record it (`domain.judicial.FEEDBACK_ROLES`);
the list exports to CSV or Excel (`interop.tables`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.calendar import CST
from command_center.domain.judicial import FEEDBACK_ROLES, FeedbackStatus, Outcome
from command_center.domain.workflow import Role
from command_center.services.cases import JUDICIAL_BODIES, Actor
from command_center.services.judicial import JudicialService, TransferRow
from command_center.ui.judicial_dialog import (
    STATUS_COLORS,
    FeedbackDialog,
    body_name,
    outcome_name,
    status_name,
    when,
)
from command_center.ui.kpi_strip import KpiTile
from command_center.ui.theme import PALETTE

__all__ = ["CASE_ID_ROLE", "JudicialPanel", "TransferModel"]

Submit = Callable[
    [Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], None
]
_Index = QModelIndex | QPersistentModelIndex
CASE_ID_ROLE = Qt.ItemDataRole.UserRole

# The summary strip: the statuses of transfers not closed yet, then the outcomes of closed
# ones (the keys of `counts_by_outcome`).
SUMMARY_KEYS: tuple[str, ...] = (
    FeedbackStatus.AWAITING.value,
    FeedbackStatus.ACCEPTED.value,
    FeedbackStatus.REJECTED.value,
    *(o.value for o in Outcome),
)
_STATUS_VALUES = frozenset(s.value for s in FeedbackStatus)
PERIODS: tuple[str, ...] = ("30d", "year", "all")
ALL_SINCE = datetime(2000, 1, 1, tzinfo=CST)


class TransferModel(QAbstractTableModel):
    """`TransferRow`s: case no, body, sent at, sent by, documents, file no, status, feedback
    at, outcome; the case id under `CASE_ID_ROLE`."""

    CASE, BODY, SENT_AT, SENT_BY, DOCUMENTS, REFERENCE, STATUS, FEEDBACK_AT, OUTCOME = range(9)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[TransferRow] = []

    def set_rows(self, rows: Sequence[TransferRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def headers(self) -> list[str]:
        return [
            self.tr("Case no."),
            self.tr("Sent to"),
            self.tr("Sent at"),
            self.tr("Sent by"),
            self.tr("Documents"),
            self.tr("File no."),
            self.tr("Status"),
            self.tr("Feedback at"),
            self.tr("Outcome"),
        ]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 9

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def display(self, r: TransferRow, column: int) -> str:
        return (
            r.case_no,
            body_name(r.body),
            when(r.sent_at),
            r.sent_by or "—",
            "、".join(r.materials),
            r.reference_no or "",
            status_name(r.status),
            when(r.feedback_at) if r.feedback_at else "",
            outcome_name(r.outcome),
        )[column]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.DOCUMENTS:
                return "\n".join(r.materials)
            if col in (self.STATUS, self.OUTCOME) and r.outcome_note:
                return r.outcome_note
        if role == Qt.ItemDataRole.ForegroundRole and col == self.STATUS:
            return QBrush(QColor(STATUS_COLORS[r.status]))
        if role == CASE_ID_ROLE:
            return r.case_id
        return None


class JudicialPanel(QWidget):
    """Transfers with a status filter, a summary strip, feedback and export.

    Signals:
        caseActivated(int): a transfer was double-clicked (the desk opens its case).
        loaded(list): the list was shown (the `TransferRow`s).
        changed(): feedback was recorded here.
    """

    caseActivated = Signal(int)  # noqa: N815
    loaded = Signal(list)
    changed = Signal()

    def __init__(
        self,
        service: JudicialService,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime],
        roles: frozenset[Role] = frozenset(),
        person_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("judicialPanel")
        self.setWindowTitle(self.tr("Judicial hand-over"))
        self.service, self.submit, self.clock = service, submit, clock
        self.roles, self.person_id = roles, person_id
        self.counts: dict[tuple[str, str], int] = {}
        self._generation = 0

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("judicialStatusFilter")
        self.status_filter.addItem(self.tr("All"), None)
        for status in FeedbackStatus:
            self.status_filter.addItem(status_name(status), status.value)
        self.period = QComboBox()
        self.period.setObjectName("judicialPeriod")
        for key, text in zip(
            PERIODS,
            (self.tr("Last 30 days"), self.tr("This year"), self.tr("All time")),
            strict=True,
        ):
            self.period.addItem(text, key)
        self.period.setCurrentIndex(PERIODS.index("year"))
        self.feedback_button = QPushButton(self.tr("Record feedback…"))
        self.feedback_button.setObjectName("judicialFeedback")
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setObjectName("judicialExport")
        refresh = QPushButton(self.tr("Refresh"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Status")))
        top.addWidget(self.status_filter)
        top.addSpacing(12)
        top.addWidget(QLabel(self.tr("Counts over")))
        top.addWidget(self.period)
        top.addStretch(1)
        top.addWidget(self.feedback_button)
        top.addWidget(self.export_button)
        top.addWidget(refresh)

        self.tiles: dict[str, KpiTile] = {}
        strip = QWidget()
        strip.setObjectName("kpiStrip")
        tiles = QHBoxLayout(strip)
        tiles.setContentsMargins(0, 4, 0, 4)
        tiles.setSpacing(6)
        for key in ("total", *SUMMARY_KEYS):
            tile = KpiTile("", strip)
            self.tiles[key] = tile
            if key in ("awaiting", Outcome.PENALISED.value):  # total | statuses | outcomes
                tiles.addSpacing(14)
            tiles.addWidget(tile)
        tiles.addStretch(1)
        self._caption_tiles()
        self.by_body = QLabel()
        self.by_body.setObjectName("judicialByBody")
        self.by_body.setStyleSheet(f"color: {PALETTE.label};")

        self.model = TransferModel(self)
        self.table = QTableView()
        self.table.setObjectName("judicialTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TransferModel.DOCUMENTS, QHeaderView.ResizeMode.Stretch)
        self.message = QLabel()
        self.message.setStyleSheet(f"color: {PALETTE.muted};")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(strip)
        layout.addWidget(self.by_body)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        refresh.clicked.connect(lambda: self.reload())
        self.feedback_button.clicked.connect(lambda: self.record_feedback())
        self.export_button.clicked.connect(self._ask_and_export)
        self.table.doubleClicked.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self._enable()

    # -- who works here

    def set_operator(self, roles: frozenset[Role], person_id: int | None) -> None:
        self.roles, self.person_id = frozenset(roles), person_id
        self._enable()

    def feedback_actor(self) -> Actor | None:
        """The operator as one of the roles that may record feedback; None if none may."""
        if self.person_id is None:
            return None
        role = next((r for r in sorted(self.roles) if r in FEEDBACK_ROLES), None)
        return None if role is None else Actor(self.person_id, role)

    # -- data in

    def selected_status(self) -> FeedbackStatus | None:
        data = self.status_filter.currentData()
        return FeedbackStatus(data) if data else None

    def set_status_filter(self, status: FeedbackStatus | str | None) -> None:
        index = self.status_filter.findData(FeedbackStatus(status).value if status else None)
        self.status_filter.setCurrentIndex(max(index, 0))

    def period_range(self) -> tuple[datetime, datetime]:
        """[start, end) of the period the counts cover (end: the end of today)."""
        now = self.clock().astimezone(CST)
        end = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        key = self.period.currentData()
        if key == "30d":
            return end - timedelta(days=30), end
        if key == "year":
            return now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0), end
        return ALL_SINCE, end

    def reload(self) -> None:
        service, status = self.service, self.selected_status()
        start, end = self.period_range()
        self._generation += 1
        generation = self._generation
        self.message.setStyleSheet(f"color: {PALETTE.muted};")
        self.message.setText(self.tr("Loading…"))
        self.submit(
            lambda: (service.transfers(status), service.counts_by_outcome(start, end)),
            lambda found: self._show(generation, *found),
            self._failed,
        )

    def _show(
        self, generation: int, rows: list[TransferRow], counts: dict[tuple[str, str], int]
    ) -> None:
        if generation != self._generation:
            return  # a newer request is on its way
        selected = self.selected()
        self.model.set_rows(rows)
        if selected is not None:
            for i, r in enumerate(rows):
                if r.case_id == selected.case_id:
                    self.table.selectRow(i)
        self.show_counts(counts)
        self.message.setText(self.tr("{n} transfers listed").format(n=len(rows)))
        self._enable()
        self.loaded.emit(rows)

    def show_counts(self, counts: dict[tuple[str, str], int]) -> None:
        """Fill the strip (by outcome, or status while not closed) and the line by body."""
        self.counts = dict(counts)
        by_key: Counter[str] = Counter()
        by_body: Counter[str] = Counter()
        for (body, key), n in counts.items():
            by_key[key] += n
            by_body[body] += n
        self.tiles["total"].set_value(sum(by_key.values()))
        for key in SUMMARY_KEYS:
            self.tiles[key].set_value(by_key.get(key, 0))
        awaiting = self.tiles[FeedbackStatus.AWAITING.value]
        if by_key.get(FeedbackStatus.AWAITING.value):  # still waiting for an answer
            awaiting.value_label.setStyleSheet(f"color: {PALETTE.warning};")
        parts = [f"{body_name(b)} {by_body.get(b, 0)}" for b in JUDICIAL_BODIES]
        self.by_body.setText(self.tr("By body: {list}").format(list=" · ".join(parts)))

    def summary(self) -> dict[str, int]:
        """The strip's figures by key ("total", statuses, outcomes), as shown."""
        return {key: int(tile.value_label.text()) for key, tile in self.tiles.items()}

    def _caption_tiles(self) -> None:
        self.tiles["total"].caption_label.setText(self.tr("Transferred"))
        for key in SUMMARY_KEYS:
            caption = status_name(key) if key in _STATUS_VALUES else outcome_name(key)
            self.tiles[key].caption_label.setText(caption)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(self.tr("Not done: {error}").format(error=exc))
        self.message.setStyleSheet(f"color: {PALETTE.danger};")

    # -- selection

    def selected(self) -> TransferRow | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        return self.model.rows[rows[0].row()] if rows else None

    def select_case(self, case_id: int) -> bool:
        for i, r in enumerate(self.model.rows):
            if r.case_id == case_id:
                self.table.selectRow(i)
                return True
        return False

    def _enable(self, *_args: object) -> None:
        row = self.selected()
        may = self.feedback_actor() is not None
        self.feedback_button.setEnabled(
            may and row is not None and row.status is not FeedbackStatus.CLOSED
        )
        self.feedback_button.setToolTip(
            "" if may else self.tr("Shift chiefs, supervisors and administrators record feedback.")
        )
        self.export_button.setEnabled(bool(self.model.rows))

    def _activated(self, index: QModelIndex) -> None:
        case_id = index.data(CASE_ID_ROLE)
        if case_id is not None:
            self.caseActivated.emit(int(case_id))

    # -- feedback

    def record_feedback(self) -> FeedbackDialog | None:
        """Open the feedback dialog for the selected transfer (window-modal); the list
        reloads once it is saved. Returns the dialog (None when nothing may be recorded)."""
        row, actor = self.selected(), self.feedback_actor()
        if row is None or actor is None:
            return None
        dialog = FeedbackDialog(self.service, actor, row, self.submit, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _changes: self._feedback_saved(row.case_no))
        dialog.open()
        return dialog

    def _feedback_saved(self, case_no: str) -> None:
        self.message.setText(self.tr("Feedback on {no} saved.").format(no=case_no))
        self.changed.emit()
        self.reload()

    # -- export

    def table_rows(self) -> tuple[list[str], list[list[Any]]]:
        """The list as shown (header, rows), times as CST wall-clock datetimes, for export."""
        m = self.model
        rows = []
        for r in m.rows:
            row: list[Any] = [m.display(r, c) for c in range(m.columnCount())]
            row[m.SENT_AT] = _wall(r.sent_at)
            row[m.FEEDBACK_AT] = _wall(r.feedback_at)
            rows.append(row)
        return m.headers(), rows

    def export(self, path: Path) -> None:
        """Write the list to `path` (.xlsx by its name, else CSV) on the worker."""
        from command_center.interop.tables import write_table

        header, rows = self.table_rows()
        path = Path(path)
        sheet = self.tr("Judicial hand-over")[:31]
        self.submit(
            lambda: write_table(path, header, rows, sheet=sheet),
            lambda written: self.message.setText(self.tr("Saved {path}").format(path=written)),
            self._failed,
        )

    def _ask_and_export(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        stamp = self.clock().astimezone(CST).strftime("%Y%m%d")
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export transfers"),
            f"judicial-{stamp}.xlsx",
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"),
        )
        if chosen:
            self.export(Path(chosen))


def _wall(at: datetime | None) -> datetime | None:
    return at.astimezone(CST).replace(tzinfo=None) if at is not None else None
