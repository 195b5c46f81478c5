"""Monthly evaluation (综合评价): ranking of squads, units or grid workers, the weights, and
the interview list (约谈).

The scores are `services.evaluation.monthly_scores`, run through `submit(fn, on_done,
on_error)` (the database worker); the formulas, bands and the interview rule are
`domain.evaluation`. Editing a weight re-ranks at once (when the five sum to 100); Save keeps
them for this deployment in the `WeightsStore` file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.evaluation import (
    AMBER_FROM,
    Band,
    RankedScore,
    Weights,
    WeightsError,
    interview_list,
)
from command_center.services.evaluation import Kind, WeightsStore, monthly_scores
from command_center.store.engine import Store
from command_center.ui.theme import PALETTE

__all__ = ["BAND_COLORS", "EvaluationPanel", "RankingModel"]

Submit = Callable[
    [Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], None
]
_Index = QModelIndex | QPersistentModelIndex

BAND_COLORS: dict[Band, str] = {
    Band.GREEN: PALETTE.ok,
    Band.AMBER: PALETTE.warning,
    Band.RED: PALETTE.danger,
}
MONTHS_BACK = 24  # how many months the month selector offers
INTERVIEW_WORST = 3  # the bottom N of the interview list (末位约谈)


class RankingModel(QAbstractTableModel):
    """The ranked rows: rank, name, score, trend (▲▼ coloured), band (coloured dot)."""

    RANK, NAME, SCORE, TREND, BAND = range(5)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[RankedScore] = []

    def set_rows(self, rows: Sequence[RankedScore]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (
                self.tr("Rank"),
                self.tr("Name"),
                self.tr("Score"),
                self.tr("Trend"),
                self.tr("Band"),
            )[section]
        return None

    def band_text(self, band: Band | None) -> str:
        if band is None:
            return self.tr("nothing due")
        return {
            Band.GREEN: self.tr("green"),
            Band.AMBER: self.tr("amber"),
            Band.RED: self.tr("red"),
        }[band]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.RANK:
                return "" if r.rank is None else str(r.rank)
            if col == self.NAME:
                return r.name
            if col == self.SCORE:
                return "—" if r.score is None else f"{r.score:.1f}"
            if col == self.TREND:
                if r.trend is None:
                    return ""
                arrow = "▲" if r.trend > 0.05 else "▼" if r.trend < -0.05 else "＝"
                return f"{arrow} {abs(r.trend):.1f}"
            if col == self.BAND:
                return self.band_text(r.band)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.TREND and r.trend is not None:
                color = (
                    PALETTE.ok
                    if r.trend > 0.05
                    else PALETTE.danger
                    if r.trend < -0.05
                    else PALETTE.muted
                )
                return QBrush(QColor(color))
            if col in (self.BAND, self.SCORE) and r.band is not None:
                return QBrush(QColor(BAND_COLORS[r.band]))
            if r.score is None:
                return QBrush(QColor(PALETTE.muted))
        if role == Qt.ItemDataRole.DecorationRole and col == self.BAND and r.band is not None:
            return QColor(BAND_COLORS[r.band])
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.RANK, self.SCORE, self.TREND):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return r.key
        return None


class EvaluationPanel(QWidget):
    """Month and kind selectors, the ranking, the weights editor and the interview list.

    Signals:
        loaded(list): a ranking was shown (the `RankedScore`s).
        weightsSaved(object): the weights were written to the deployment's file.
    """

    loaded = Signal(list)
    weightsSaved = Signal(object)

    WEIGHT_FIELDS = ("handle", "on_time_handle", "rework", "overdue", "extension")

    def __init__(
        self,
        store: Store,
        weights_store: WeightsStore,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evaluationPanel")
        self.store, self.weights_store, self.submit, self.clock = (
            store,
            weights_store,
            submit,
            clock,
        )
        self.weights = Weights()
        self._saved = Weights()
        self._generation = 0

        self.month = QComboBox()
        self.month.setObjectName("evaluationMonth")
        today = clock().date()
        for y, m in _months_back(today, MONTHS_BACK):
            self.month.addItem(f"{y}-{m:02d}", f"{y}-{m:02d}")
        self.kind = QComboBox()
        self.kind.setObjectName("evaluationKind")
        for kind, text in (
            ("squad", self.tr("Squads")),
            ("unit", self.tr("Handling units")),
            ("grid_worker", self.tr("Grid workers")),
        ):
            self.kind.addItem(text, kind)
        refresh = QPushButton(self.tr("Refresh"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Month")))
        top.addWidget(self.month)
        top.addWidget(QLabel(self.tr("Evaluate")))
        top.addWidget(self.kind)
        top.addStretch(1)
        self.export_button = QPushButton(self.tr("Export ranking…"))
        self.export_button.clicked.connect(self._ask_and_export)
        top.addWidget(self.export_button)
        top.addWidget(refresh)

        self.model = RankingModel(self)
        self.table = QTableView()
        self.table.setObjectName("evaluationTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RankingModel.NAME, QHeaderView.ResizeMode.Stretch)

        self.spins: dict[str, QDoubleSpinBox] = {}
        self.weights_box = QGroupBox(self.tr("Weights (sum 100)"))
        form = QFormLayout(self.weights_box)
        labels = {
            "handle": self.tr("Handling rate"),
            "on_time_handle": self.tr("On-time handling rate"),
            "rework": self.tr("1 − rework rate"),
            "overdue": self.tr("1 − overdue pending rate"),
            "extension": self.tr("1 − extension rate"),
        }
        for name in self.WEIGHT_FIELDS:
            spin = QDoubleSpinBox()
            spin.setObjectName(f"weight_{name}")
            spin.setRange(0, 100)
            spin.setDecimals(0)
            spin.setSingleStep(5)
            spin.setValue(getattr(self.weights, name))
            spin.valueChanged.connect(self._weights_edited)
            self.spins[name] = spin
            form.addRow(labels[name], spin)
        self.weights_sum = QLabel()
        self.save_button = QPushButton(self.tr("Save weights"))
        self.save_button.setObjectName("saveWeights")
        self.reset_button = QPushButton(self.tr("District defaults"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        form.addRow(self.weights_sum)
        form.addRow(buttons)
        self.worker_note = QLabel(
            self.tr(
                "Grid workers: valid-report rate ×40 + on-time check rate ×40 + "
                "volume against the median ×20."
            )
        )
        self.worker_note.setWordWrap(True)
        self.weights_box.setFixedWidth(300)
        self.worker_note.setStyleSheet(f"color: {PALETTE.muted};")
        form.addRow(self.worker_note)

        self.interviews = QListWidget()
        self.interviews.setObjectName("interviewList")
        self.interviews.setMaximumHeight(110)
        self.message = QLabel()
        self.message.setStyleSheet(f"color: {PALETTE.muted};")

        middle = QHBoxLayout()
        middle.addWidget(self.table, 1)
        middle.addWidget(self.weights_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(
            QLabel(self.tr("Interview list: red band or bottom {n}").format(n=INTERVIEW_WORST))
        )
        layout.addWidget(self.interviews)
        layout.addWidget(self.message)

        self.month.currentIndexChanged.connect(lambda _i: self.reload())
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        refresh.clicked.connect(lambda: self.reload())
        self.save_button.clicked.connect(lambda: self.save_weights())
        self.reset_button.clicked.connect(lambda: self.set_weights(Weights()))
        self._kind_changed(reload=False)
        self._show_sum()

    # -- data in

    def start(self) -> None:
        """Read the deployment's weights, then the current month's ranking."""
        self.submit(self.weights_store.load, self._weights_loaded, self._failed)

    def _weights_loaded(self, weights: Weights) -> None:
        self._saved = weights
        self.set_weights(weights)
        self.reload()

    def selected_month(self) -> tuple[int, int]:
        year, month = str(self.month.currentData()).split("-")
        return int(year), int(month)

    def selected_kind(self) -> Kind:
        return self.kind.currentData()

    def reload(self) -> None:
        (year, month), kind, weights = self.selected_month(), self.selected_kind(), self.weights
        store, as_of = self.store, self.clock()
        self._generation += 1
        generation = self._generation
        self.message.setText(self.tr("Loading…"))
        self.submit(
            lambda: monthly_scores(store, year, month, kind=kind, weights=weights, as_of=as_of),
            lambda rows: self._show(generation, rows),
            self._failed,
        )

    def _show(self, generation: int, rows: list[RankedScore]) -> None:
        if generation != self._generation:
            return  # a newer request is on its way
        self.model.set_rows(rows)
        self.interviews.clear()
        for r in interview_list(rows, worst=INTERVIEW_WORST):
            reason = (
                self.tr("below {limit:g}").format(limit=AMBER_FROM)
                if r.score is not None and r.score < AMBER_FROM
                else self.tr("bottom {n}").format(n=INTERVIEW_WORST)
            )
            item = QListWidgetItem(f"{r.rank}. {r.name}  {r.score:.1f}  ({reason})")
            item.setForeground(QBrush(QColor(BAND_COLORS[r.band] if r.band else PALETTE.text)))
            item.setData(Qt.ItemDataRole.UserRole, r.key)
            self.interviews.addItem(item)
        scored = sum(r.score is not None for r in rows)
        self.message.setStyleSheet(f"color: {PALETTE.muted};")
        self.message.setText(
            self.tr("{n} ranked, {m} without a score").format(n=scored, m=len(rows) - scored)
        )
        self.loaded.emit(rows)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(self.tr("Not done: {error}").format(error=exc))
        self.message.setStyleSheet(f"color: {PALETTE.danger};")

    # -- weights

    def set_weights(self, weights: Weights) -> None:
        """Show `weights` in the editor (re-ranks once)."""
        for name, spin in self.spins.items():
            spin.blockSignals(True)
            spin.setValue(getattr(weights, name))
            spin.blockSignals(False)
        self._weights_edited()

    def edited_weights(self) -> Weights | None:
        """The weights in the editor, or None while they do not sum to 100."""
        try:
            return Weights(**{name: spin.value() for name, spin in self.spins.items()})
        except WeightsError:
            return None

    def ranking_table(self) -> tuple[list[str], list[list[Any]]]:
        """The ranking as shown (header, rows), for export."""
        model = self.model
        header = [str(model.headerData(c, Qt.Orientation.Horizontal,
                                       Qt.ItemDataRole.DisplayRole))
                  for c in range(model.columnCount())]
        rows = [[model.index(r, c).data(Qt.ItemDataRole.DisplayRole) for c in
                 range(model.columnCount())] for r in range(model.rowCount())]
        return header, rows

    def export(self, path: Path) -> None:
        """Write the ranking to `path` (.xlsx by its name, else CSV) on the worker."""
        from command_center.interop.tables import write_table

        header, rows = self.ranking_table()
        path = Path(path)
        sheet = self.kind.currentText() or "Ranking"
        self.submit(lambda: write_table(path, header, rows, sheet=sheet), lambda written: self.message.setText(
            self.tr("Saved {path}").format(path=written)), self._failed)

    def _ask_and_export(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export ranking"), f"evaluation-{self.month.currentText()}.xlsx",
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if chosen:
            self.export(Path(chosen))

    def _show_sum(self) -> None:
        total = sum(spin.value() for spin in self.spins.values())
        valid = self.edited_weights() is not None
        self.weights_sum.setText(self.tr("Sum: {total:g}").format(total=total))
        self.weights_sum.setStyleSheet(f"color: {PALETTE.ok if valid else PALETTE.danger};")
        self.save_button.setEnabled(
            valid and self.edited_weights() != self._saved and self.selected_kind() != "grid_worker"
        )

    def _weights_edited(self, *_args: object) -> None:
        self._show_sum()
        weights = self.edited_weights()
        if weights is not None and weights != self.weights:
            self.weights = weights
            if self.selected_kind() != "grid_worker":
                self.reload()

    def save_weights(self) -> None:
        weights = self.edited_weights()
        if weights is None:
            return
        store = self.weights_store
        self.submit(lambda: store.save(weights), lambda _r: self._saved_ok(weights), self._failed)

    def _saved_ok(self, weights: Weights) -> None:
        self._saved = weights
        self._show_sum()
        self.message.setText(self.tr("Weights saved."))
        self.weightsSaved.emit(weights)

    def _kind_changed(self, *, reload: bool = True) -> None:
        workers = self.selected_kind() == "grid_worker"
        for spin in self.spins.values():
            spin.setEnabled(not workers)
        self.reset_button.setEnabled(not workers)
        self.worker_note.setVisible(workers)
        self._show_sum()
        if reload:
            self.reload()


def _months_back(today: date, n: int) -> list[tuple[int, int]]:
    """The current month and the n − 1 before it, newest first."""
    out, y, m = [], today.year, today.month
    for _ in range(n):
        out.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out
