"""The city plan's measurable targets: one row each with target, actual, progress, trend and
status; figures entered by hand are edited in a small dialog and kept in the figures file.

The figures come from `services.plan_targets.plan_targets` through `submit(fn, on_done,
on_error)`; status and progress rules are `services.plan_targets.status` / `progress`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.calendar import CST
from command_center.services.plan_targets import (
    PlanFiguresStore,
    PlanTarget,
    plan_targets,
    progress,
    status,
)
from command_center.store.engine import Store
from command_center.ui.theme import PALETTE

__all__ = ["FigureDialog", "PlanTargetsPanel", "STATUS_COLORS"]

Submit = Callable[
    [Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], None
]

STATUS_COLORS: dict[str, str] = {
    "met": PALETTE.ok,
    "on_track": PALETTE.accent,
    "behind": PALETTE.danger,
    "unknown": PALETTE.muted,
}


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


class FigureDialog(QDialog):
    """A new figure for a target entered by hand: the value and a note (its source, why)."""

    def __init__(self, target: PlanTarget, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Figure: {name}").format(name=label))
        self.value = QDoubleSpinBox()
        self.value.setObjectName("figureValue")
        percent = target.unit == "percent"
        self.value.setRange(0, 100 if percent else 1_000_000)
        self.value.setDecimals(1 if percent else 0)
        self.value.setSuffix(" %" if percent else "")
        self.value.setValue(target.actual or 0.0)
        self.note = QLineEdit()
        self.note.setObjectName("figureNote")
        self.note.setPlaceholderText(self.tr("source of the figure, e.g. October spot check"))
        form = QFormLayout(self)
        form.addRow(self.tr("Target"), QLabel(label))
        form.addRow(self.tr("Actual"), self.value)
        form.addRow(self.tr("Note"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class PlanTargetsPanel(QWidget):
    """One row per target: name, target, actual, progress bar, trend, status; Edit… for the
    figures entered by hand.

    Signals:
        loaded(list): the targets were shown (the `PlanTarget`s).
        saved(str): a figure was saved for the target with this key.
    """

    loaded = Signal(list)
    saved = Signal(str)

    COLUMNS = 7  # name, target, actual, progress, trend, status, edit

    def __init__(
        self,
        store: Store,
        figures: PlanFiguresStore,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime],
        user: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("planTargetsPanel")
        self.store, self.figures, self.submit, self.clock = store, figures, submit, clock
        self.user = user
        self.targets: list[PlanTarget] = []
        self.rows: dict[str, dict[str, QWidget]] = {}

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        self.message = QLabel()
        self.message.setStyleSheet(f"color: {PALETTE.muted};")
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(lambda: self.reload())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(scroll, 1)
        bottom = QGridLayout()
        bottom.addWidget(self.message, 0, 0)
        bottom.addWidget(refresh, 0, 1, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(bottom)

    def label(self, target: PlanTarget) -> str:
        """The target's name in the UI language (the plan's wording for unknown keys)."""
        names = {
            "shopfront_awareness": self.tr("Shop-front contracts: known"),
            "shopfront_signed": self.tr("Shop-front contracts: signed"),
            "shopfront_fulfilled": self.tr("Shop-front contracts: fulfilled"),
            "wet_sweep": self.tr("Wet-sweep rate"),
            "drainage_intact": self.tr("Drainage facilities intact"),
            "new_illegal_buildings": self.tr("New illegal buildings this year"),
            "illegal_building_stock": self.tr("Illegal buildings in stock"),
            "smart_markets": self.tr("Smart farmers' markets"),
            "project_landfill": self.tr("Project: Langshan landfill stock"),
            "project_smart_cg": self.tr("Project: smart city management"),
            "project_drainage": self.tr("Project: north/south drainage works"),
            "project_construction_waste": self.tr("Project: construction-waste recycling"),
        }
        return names.get(target.key, target.name)

    def status_text(self, value: str) -> str:
        return {
            "met": self.tr("met"),
            "on_track": self.tr("on track"),
            "behind": self.tr("behind"),
            "unknown": self.tr("no figure"),
        }[value]

    # -- data in

    def reload(self) -> None:
        store, figures, as_of = self.store, self.figures, self.clock()
        self.submit(
            lambda: plan_targets(store, figures, as_of=as_of), self.show_targets, self._failed
        )

    def show_targets(self, targets: Sequence[PlanTarget]) -> None:
        self.targets = list(targets)
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.rows.clear()
        headers = (
            self.tr("Target"),
            self.tr("Goal"),
            self.tr("Actual"),
            self.tr("Progress"),
            self.tr("Trend"),
            self.tr("Status"),
            "",
        )
        for col, text in enumerate(headers):
            head = QLabel(text)
            head.setStyleSheet(f"color: {PALETTE.muted}; font-weight: bold;")
            self.grid.addWidget(head, 0, col)
        for row, t in enumerate(self.targets, start=1):
            self._add_row(row, t)
        self.grid.setColumnStretch(3, 1)
        self.grid.setRowStretch(len(self.targets) + 1, 1)
        counts = {s: sum(status(t) == s for t in self.targets) for s in STATUS_COLORS}
        self.message.setStyleSheet(f"color: {PALETTE.muted};")
        self.message.setText(
            self.tr(
                "{met} met, {track} on track, {behind} behind, {unknown} without a figure"
            ).format(
                met=counts["met"],
                track=counts["on_track"],
                behind=counts["behind"],
                unknown=counts["unknown"],
            )
        )
        self.loaded.emit(self.targets)

    def _add_row(self, row: int, t: PlanTarget) -> None:
        suffix = " %" if t.unit == "percent" else ""
        name = QLabel(self.label(t))
        tip = t.name
        if t.updated_by:
            tip += "\n" + self.tr("entered by {who} on {when}").format(
                who=t.updated_by,
                when=t.updated_at.astimezone(CST).strftime("%Y-%m-%d %H:%M")
                if t.updated_at
                else "",
            )
        elif t.source == "cases":
            tip += "\n" + self.tr("counted from the case history")
        elif t.source == "registry":
            tip += "\n" + self.tr("read from the city's registries; trend against a quarter ago")
        if t.note:
            tip += "\n" + t.note
        name.setToolTip(tip)
        if t.comparator == "→0":
            goal_text = "→ 0"
        elif t.unit == "percent" and t.target == 100:
            goal_text = "100"  # neither more nor less is possible
        else:
            goal_text = f"{t.comparator} {_number(t.target)}"
        goal = QLabel(goal_text + suffix)
        actual = QLabel("—" if t.actual is None else _number(t.actual) + suffix)
        actual.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar = QProgressBar()
        bar.setRange(0, 100)
        done = progress(t)
        bar.setValue(0 if done is None else round(done * 100))
        bar.setTextVisible(done is not None)
        bar.setFormat("%p %")
        bar.setMaximumHeight(16)
        state = status(t)
        bar.setStyleSheet(
            f"QProgressBar {{ border: 1px solid {PALETTE.border}; border-radius: 3px; "
            f"background: {PALETTE.base}; color: {PALETTE.text}; text-align: center; }}"
            f"QProgressBar::chunk {{ background: {STATUS_COLORS[state]}; }}"
        )
        trend = QLabel(self._trend_text(t))
        trend.setStyleSheet(f"color: {self._trend_color(t)};")
        badge = QLabel("● " + self.status_text(state))
        badge.setObjectName(f"status_{t.key}")
        badge.setStyleSheet(f"color: {STATUS_COLORS[state]};")
        widgets: dict[str, QWidget] = {
            "name": name,
            "goal": goal,
            "actual": actual,
            "progress": bar,
            "trend": trend,
            "status": badge,
        }
        for col, w in enumerate(widgets.values()):
            self.grid.addWidget(w, row, col)
        if t.source == "manual":
            edit = QPushButton(self.tr("Edit…"))
            edit.setObjectName(f"edit_{t.key}")
            edit.clicked.connect(lambda _=False, key=t.key: self.edit(key))
            self.grid.addWidget(edit, row, 6)
            widgets["edit"] = edit
        else:
            counted = QLabel(
                self.tr("from registry") if t.source == "registry" else self.tr("from cases")
            )
            counted.setStyleSheet(f"color: {PALETTE.muted};")
            self.grid.addWidget(counted, row, 6)
        self.grid.setRowMinimumHeight(row, 28)
        self.rows[t.key] = widgets

    def _trend_text(self, t: PlanTarget) -> str:
        if t.trend is None:
            return ""
        arrow = "▲" if t.trend > 0 else "▼" if t.trend < 0 else "＝"
        return f"{arrow} {_number(abs(t.trend))}"

    def _trend_color(self, t: PlanTarget) -> str:
        """Green when the change goes toward the target, red when away from it."""
        if t.trend is None or t.trend == 0 or t.actual is None or t.previous is None:
            return PALETTE.muted
        goal = 0.0 if t.comparator == "→0" else t.target
        closer = abs(t.actual - goal) < abs(t.previous - goal)
        if t.comparator == "≥" and t.actual >= goal and t.previous >= goal:
            closer = t.trend > 0
        return PALETTE.ok if closer else PALETTE.danger

    # -- editing

    def edit(self, key: str, value: float | None = None, note: str | None = None) -> None:
        """Enter a new figure for `key` (a dialog unless `value` is given)."""
        target = next((t for t in self.targets if t.key == key), None)
        if target is None or target.source != "manual":
            return
        if value is None:
            dialog = FigureDialog(target, self.label(target), self)
            if not dialog.exec():
                return
            value, note = dialog.value.value(), dialog.note.text()
        figures, by, at = self.figures, self.user or self.tr("unknown"), self.clock()
        figure_value, text = float(value), note or ""
        self.submit(
            lambda: figures.record(key, figure_value, note=text, by=by, at=at),
            lambda _f: self._saved(key),
            self._failed,
        )

    def _saved(self, key: str) -> None:
        self.saved.emit(key)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        self.message.setStyleSheet(f"color: {PALETTE.danger};")
        self.message.setText(self.tr("Not done: {error}").format(error=exc))
