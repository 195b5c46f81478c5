"""The KPI dashboard: reports vs closed per day, closure times, on-time rates, category mix
and overdue by grid over a chosen range; clicking a bar lists the cases behind it.

Every figure comes from `services.kpi`. A range change loads them all on the database
worker in one submitted function (`load_dashboard`, returning a plain `DashboardData`) and
the charts are redrawn from it on the GUI thread. The charts are pyqtgraph plots; which bar
a click hit is worked out from the click's view coordinates (`BarChart.bar_at`), since
`BarGraphItem` does not say.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.interop.tables import write_table
from command_center.services import kpi
from command_center.services.kpi import ClosureTimes, DailyCount, KpiRange, OnTimeRow
from command_center.services.snapshot import CaseRow
from command_center.store.engine import Store
from command_center.ui.case_queue import state_name
from command_center.ui.theme import PALETTE, choose_cjk_font

__all__ = [
    "BarChart",
    "CaseFilter",
    "CaseListModel",
    "ClosureHistogram",
    "DashboardData",
    "KpiDashboard",
    "RangePreset",
    "closure_histogram",
    "load_dashboard",
    "range_for",
    "top_grids",
    "top_with_other",
]

Submit = Callable[
    [Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], None
]
_Index = QModelIndex | QPersistentModelIndex

BIN_HOURS = 4.0  # closure-time histogram: 0–168 h in 4 h bins, then one overflow bin
LIMIT_HOURS = 168.0
SQUAD_ROWS = 15
CATEGORY_ROWS = 10
GRID_ROWS = 10
CASE_LIMIT = 500
TIME = "%Y-%m-%d %H:%M"
CASE_ID_ROLE = Qt.ItemDataRole.UserRole

# On-time rate colours: below WARN_RATE amber, below BAD_RATE red.
BAD_RATE, WARN_RATE = 0.8, 0.9
REPORTED_COLOR = PALETTE.accent
CLOSED_COLOR = PALETTE.ok
SELECTED_PEN = "#ffe066"


# -- the figures ------------------------------------------------------------------------
@dataclass(frozen=True)
class DashboardData:
    """Every figure the dashboard shows, for one range, read in one worker call."""

    rng: KpiRange
    now: datetime
    daily: tuple[DailyCount, ...] = ()
    closure: ClosureTimes = ClosureTimes((), None, None)
    by_squad: tuple[OnTimeRow, ...] = ()
    by_unit: tuple[OnTimeRow, ...] = ()
    categories: tuple[tuple[str, str, int], ...] = ()
    overdue_by_grid: dict[str, int] = field(default_factory=dict)


def load_dashboard(
    store: Store, catalogue: Catalogue, rng: KpiRange, now: datetime
) -> DashboardData:
    """All figures for `rng` (overdue ones at `now`). Runs on the database worker."""
    return DashboardData(
        rng=rng,
        now=now,
        daily=tuple(kpi.daily_counts(store, rng)),
        closure=kpi.closure_times(store, rng),
        by_squad=tuple(kpi.on_time_by_squad(store, rng)),
        by_unit=tuple(kpi.on_time_by_unit(store, rng)),
        categories=tuple(kpi.category_mix(store, rng, catalogue=catalogue)),
        overdue_by_grid=dict(kpi.overdue_by_grid(store, now)),
    )


def closure_histogram(
    hours: Sequence[float], step: float = BIN_HOURS, limit: float = LIMIT_HOURS
) -> list[int]:
    """Counts per `step`-hour bin from 0 to `limit`, then one bin for everything longer."""
    bins = math.ceil(limit / step)
    counts = [0] * (bins + 1)
    for h in hours:
        counts[min(int(max(h, 0.0) // step), bins)] += 1
    return counts


def top_with_other(
    mix: Sequence[tuple[str, str, int]], n: int = CATEGORY_ROWS
) -> list[tuple[str | None, str, int]]:
    """The `n` largest categories (most first) and, when there are more, one `None` row
    adding up the rest (its name is filled in by the caller)."""
    ordered = sorted(mix, key=lambda r: (-r[2], r[0]))
    top: list[tuple[str | None, str, int]] = list(ordered[:n])
    rest = sum(r[2] for r in ordered[n:])
    if rest:
        top.append((None, "", rest))
    return top


def top_grids(overdue: dict[str, int], n: int = GRID_ROWS) -> list[tuple[str, int]]:
    """The `n` grids with most overdue cases, most first, then by code."""
    return sorted(overdue.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


class RangePreset(StrEnum):
    TODAY = "today"
    LAST_7 = "last_7"
    LAST_30 = "last_30"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    CUSTOM = "custom"


def range_for(
    preset: RangePreset, today: date, first: date | None = None, last: date | None = None
) -> KpiRange:
    """The range a preset means on `today` (China days); CUSTOM runs from `first` to `last`
    inclusive (either order). "This month" ends with today."""
    if preset is RangePreset.TODAY:
        return KpiRange.days(today, 1)
    if preset is RangePreset.LAST_7:
        return KpiRange.days(today, 7)
    if preset is RangePreset.LAST_30:
        return KpiRange.days(today, 30)
    if preset is RangePreset.THIS_MONTH:
        return KpiRange.days(today, today.day)
    if preset is RangePreset.LAST_MONTH:
        previous = today.replace(day=1) - timedelta(days=1)
        return KpiRange.month(previous.year, previous.month)
    first, last = first or today, last or today
    first, last = min(first, last), max(first, last)
    return KpiRange.days(last, (last - first).days + 1)


@dataclass(frozen=True)
class CaseFilter:
    """What a clicked bar stands for: the keyword arguments of `kpi.cases_for` and a caption."""

    caption: str
    day: date | None = None
    squad_id: int | None = None
    unit_id: int | None = None
    category_code: str | None = None
    grid_code: str | None = None
    closed_only: bool = False
    overdue_only: bool = False

    def query(
        self, store: Store, catalogue: Catalogue, rng: KpiRange, now: datetime
    ) -> list[CaseRow]:
        return kpi.cases_for(
            store,
            rng,
            day=self.day,
            squad_id=self.squad_id,
            unit_id=self.unit_id,
            category_code=self.category_code,
            grid_code=self.grid_code,
            closed_only=self.closed_only,
            overdue_only=self.overdue_only,
            now=now,
            limit=CASE_LIMIT,
            catalogue=catalogue,
        )


# -- the case list ----------------------------------------------------------------------
class CaseListModel(QAbstractTableModel):
    """Read-only `CaseRow`s behind the clicked bar; the case id under `CASE_ID_ROLE`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[CaseRow] = []
        self._late = QBrush(QColor(PALETTE.danger))

    def set_rows(self, rows: Sequence[CaseRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def headers(self) -> list[str]:
        return [
            self.tr("Case no."),
            self.tr("Category"),
            self.tr("State"),
            self.tr("Reported"),
            self.tr("Squad"),
            self.tr("Deadline"),
        ]

    def cells(self, r: CaseRow) -> list[str]:
        return [
            r.case_no,
            r.category_name,
            state_name(r.state),
            _local(r.reported_at),
            r.squad_name or "",
            _local(r.deadline_at) + (" " + self.tr("overdue") if r.overdue else ""),
        ]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(r)[index.column()]
        if role == CASE_ID_ROLE:
            return r.id
        if role == Qt.ItemDataRole.ForegroundRole and r.overdue:
            return self._late
        return None


def _local(at: datetime | None) -> str:
    return at.astimezone(CST).strftime(TIME) if at is not None else ""


# -- charts -----------------------------------------------------------------------------
def _chart_font(size: int = 9) -> QFont:
    family = choose_cjk_font()
    font = QFont(family) if family else QFont(QApplication.font())
    font.setPointSize(size)
    return font


def _plot_widget() -> pg.PlotWidget:
    """A dark, static plot: no mouse pan/zoom, no context menu, themed axes."""
    widget = pg.PlotWidget(background=PALETTE.base)
    widget.setMenuEnabled(False)
    plot = widget.getPlotItem()
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    plot.showGrid(x=False, y=True, alpha=0.15)
    font = _chart_font()
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(PALETTE.border))
        axis.setTextPen(pg.mkPen(PALETTE.text))
        axis.setStyle(tickFont=font, tickTextOffset=4)
    return widget


class BarChart(QWidget):
    """Bars for a few categories (one or more series side by side), vertical or horizontal,
    with the category labels on the axis; tells which bar a click hit.

    Signals:
        barClicked(object): the key of the clicked bar (`set_bars`'s `keys[i][j]`).
    """

    barClicked = Signal(object)
    GROUP = 0.8  # the share of a category's slot the bars of one category fill

    def __init__(
        self,
        title: str,
        *,
        horizontal: bool = False,
        value_labels: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.horizontal = horizontal
        self.value_labels = value_labels
        self.title = QLabel(title)
        self.title.setObjectName("kpiChartTitle")
        self.title.setStyleSheet(f"font-weight: bold; color: {PALETTE.text};")
        self.plot_widget = _plot_widget()
        self.plot = self.plot_widget.getPlotItem()
        if horizontal:
            self.plot.invertY(True)  # the first category on top
            self.plot.showGrid(x=True, y=False, alpha=0.15)
        self.empty = pg.TextItem("", color=PALETTE.muted, anchor=(0.5, 0.5))
        self.empty.setFont(_chart_font(11))
        self.head = QHBoxLayout()  # the title, then whatever the owner adds on the right
        self.head.addWidget(self.title)
        self.head.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.head)
        layout.addWidget(self.plot_widget, 1)
        self.items: list[pg.BarGraphItem] = []
        self.values: list[list[float]] = []  # [series][category]
        self.keys: list[list[object]] = []  # [category][series]
        self.labels: list[str] = []
        self.selected: tuple[int, int] | None = None
        self._colors: list[list[str]] = []
        self._texts: list[pg.TextItem] = []
        self.plot_widget.scene().sigMouseClicked.connect(self._scene_clicked)

    # -- data in
    def set_bars(
        self,
        labels: Sequence[str],
        series: Sequence[Sequence[float]],
        keys: Sequence[Sequence[object]],
        colors: Sequence[Sequence[str] | str],
        *,
        texts: Sequence[Sequence[str]] | None = None,
        max_labels: int = 14,
        value_range: tuple[float, float] | None = None,
        value_ticks: Sequence[tuple[float, str]] | None = None,
        empty_text: str = "",
    ) -> None:
        """Draw `series[j][i]` for category `i`; `keys[i][j]` is what a click on it emits;
        `colors[j]` is one colour or one per category; `texts[j][i]` the bar's value label;
        `value_ticks` fixes the value axis' ticks (else: automatic, whole numbers)."""
        self.plot.clear()
        self._texts = []
        self.labels = list(labels)
        self.values = [list(map(float, s)) for s in series]
        self.keys = [list(k) for k in keys]
        n, m = len(self.labels), max(len(self.values), 1)
        self._colors = [[c] * n if isinstance(c, str) else list(c) for c in colors]
        self.selected = None
        width = self.GROUP / m
        self.items = []
        for j, values in enumerate(self.values):
            centres = [self._centre(i, j) for i in range(n)]
            if self.horizontal:
                item = pg.BarGraphItem(x0=0, y=centres, width=values, height=width * 0.92)
            else:
                item = pg.BarGraphItem(x=centres, height=values, width=width * 0.92, y0=0)
            self.items.append(item)
            self.plot.addItem(item)
        self._paint()
        if self.value_labels and texts is not None:
            for j, column in enumerate(texts):
                for i, text in enumerate(column):
                    self._add_text(text, i, j)
        self._set_ticks(max_labels)
        top = max((max(v, default=0.0) for v in self.values), default=0.0)
        lo, hi = value_range or (0.0, top * (1.18 if self.value_labels else 1.05) or 1.0)
        value_axis = self.plot.getAxis("bottom" if self.horizontal else "left")
        if value_ticks is not None:
            value_axis.setTicks([list(value_ticks), []])
        else:
            value_axis.setTicks(None)
            # counts are whole numbers: no 0.2-steps when the largest is small
            value_axis.setTickSpacing(*((1, 1) if top <= 8 else ()))
        # a few categories keep a sensible bar width: the view is at least 5 slots wide
        half = max(n, 5) / 2
        span = ((n - 1) / 2 - half, (n - 1) / 2 + half)
        if self.horizontal:
            self.plot.setXRange(lo, hi, padding=0)
            self.plot.setYRange(*span, padding=0.02)
        else:
            self.plot.setYRange(lo, hi, padding=0)
            self.plot.setXRange(*span, padding=0.02)
        self.empty.setText(empty_text if n == 0 else "")
        if n == 0:
            self.plot.addItem(self.empty)
            self.empty.setPos(
                (lo + hi) / 2 if self.horizontal else 0, 0 if self.horizontal else (lo + hi) / 2
            )

    def _centre(self, i: int, j: int) -> float:
        width = self.GROUP / max(len(self.values), 1)
        return i - self.GROUP / 2 + width * (j + 0.5)

    def _add_text(self, text: str, i: int, j: int) -> None:
        value = self.values[j][i]
        if self.horizontal:
            item = pg.TextItem(text, color=PALETTE.text, anchor=(0, 0.5))
            item.setPos(value, self._centre(i, j))
        else:
            item = pg.TextItem(text, color=PALETTE.text, anchor=(0.5, 1))
            item.setPos(self._centre(i, j), value)
        item.setFont(_chart_font(8))
        self.plot.addItem(item)
        self._texts.append(item)

    def _set_ticks(self, max_labels: int) -> None:
        n = len(self.labels)
        step = max(1, math.ceil(n / max_labels))
        major = [(float(i), self.labels[i]) for i in range(0, n, step)]
        minor = [(float(i), "") for i in range(n) if i % step]
        axis = self.plot.getAxis("left" if self.horizontal else "bottom")
        axis.setTicks([major, minor])

    def _paint(self) -> None:
        if not self.labels:  # pyqtgraph 0.14 fails on empty per-bar pens
            return
        for j, item in enumerate(self.items):
            colors = (
                self._colors[j] if j < len(self._colors) else [PALETTE.accent] * len(self.labels)
            )
            pens = [
                pg.mkPen(SELECTED_PEN, width=2) if self.selected == (i, j) else pg.mkPen(None)
                for i in range(len(self.labels))
            ]
            item.setOpts(brushes=[pg.mkBrush(c) for c in colors], pens=pens)

    # -- clicks
    def bar_at(self, point: QPointF) -> tuple[int, int] | None:
        """(category, series) of the bar under the view point, or None.

        A bar is hit anywhere across its width, from the axis to its end; a bar too short
        to aim at (under 4 % of the view) counts as that long.
        """
        n, m = len(self.labels), len(self.values)
        if not n or not m:
            return None
        along, value = (point.y(), point.x()) if self.horizontal else (point.x(), point.y())
        i = round(along)
        offset = along - (i - self.GROUP / 2)
        if not 0 <= i < n or not 0 <= offset < self.GROUP:
            return None
        j = min(int(offset / (self.GROUP / m)), m - 1)
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        lo, hi = (x0, x1) if self.horizontal else (y0, y1)
        reach = max(self.values[j][i], 0.04 * (hi - lo))
        return (i, j) if 0 <= value <= reach else None

    def click_at(self, point: QPointF) -> object | None:
        """Select the bar under the view point and emit its key; None when none is hit."""
        hit = self.bar_at(point)
        if hit is None:
            return None
        self.selected = hit
        self._paint()
        key = self.keys[hit[0]][hit[1]]
        self.barClicked.emit(key)
        return key

    def point_of(self, i: int, j: int = 0) -> QPointF:
        """The view point in the middle of bar (i, j) (for tests and keyboard use)."""
        value = self.values[j][i] / 2
        along = self._centre(i, j)
        return QPointF(value, along) if self.horizontal else QPointF(along, value)

    def _scene_clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        view = self.plot.getViewBox()
        if not view.sceneBoundingRect().contains(event.scenePos()):
            return
        self.click_at(view.mapSceneToView(event.scenePos()))


class ClosureHistogram(QWidget):
    """Hours from report to close in 4 h bins with an overflow bin, and the median and p90
    as vertical lines (values in the caption and on the lines)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title)
        self.title.setObjectName("kpiChartTitle")
        self.title.setStyleSheet(f"font-weight: bold; color: {PALETTE.text};")
        self.caption = QLabel()
        self.caption.setStyleSheet(f"color: {PALETTE.muted};")
        self.plot_widget = _plot_widget()
        self.plot = self.plot_widget.getPlotItem()
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.caption)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.plot_widget, 1)
        self.counts: list[int] = []
        self.bars: pg.BarGraphItem | None = None
        self.lines: dict[str, pg.InfiniteLine] = {}

    def set_times(self, times: ClosureTimes) -> None:
        self.plot.clear()
        self.lines = {}
        self.counts = closure_histogram(times.hours)
        bins = len(self.counts) - 1
        x0 = [i * BIN_HOURS for i in range(bins + 1)]
        colors = [PALETTE.accent] * bins + [PALETTE.warning]
        self.bars = pg.BarGraphItem(
            x0=x0,
            width=BIN_HOURS * 0.9,
            y0=0,
            height=self.counts,
            brushes=[pg.mkBrush(c) for c in colors],
            pens=[pg.mkPen(None)] * (bins + 1),
        )
        self.plot.addItem(self.bars)
        overflow_at = LIMIT_HOURS + BIN_HOURS / 2
        axis = self.plot.getAxis("bottom")
        ticks = [(h, f"{h:g}") for h in range(0, int(LIMIT_HOURS), 24)]
        axis.setTicks([[*ticks, (overflow_at, f">{LIMIT_HOURS:g}")], []])
        self.plot.getAxis("left").setLabel(self.tr("cases"), color=PALETTE.muted)
        axis.setLabel(self.tr("hours from report to close"), color=PALETTE.muted)
        for key, value, color, where in (
            ("median", times.median, PALETTE.ok, 0.92),
            ("p90", times.p90, PALETTE.danger, 0.78),
        ):
            if value is None:
                continue
            name = self.tr("median") if key == "median" else self.tr("P90")
            line = pg.InfiniteLine(
                pos=min(value, overflow_at),
                angle=90,
                pen=pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine),
                label=f"{name} {value:.1f} h",
                labelOpts={"position": where, "color": color, "anchors": [(0, 0.5), (0, 0.5)]},
            )
            line.label.setFont(_chart_font(8))
            self.lines[key] = line
            self.plot.addItem(line)
        last = max((i for i, c in enumerate(self.counts) if c), default=0)
        right = max(24.0, (last + 1) * BIN_HOURS, times.p90 or 0.0)
        self.plot.setXRange(0, min(right, LIMIT_HOURS + BIN_HOURS) + 1, padding=0.02)
        self.plot.setYRange(0, max(self.counts, default=0) * 1.1 or 1.0, padding=0)
        if times.hours:
            self.caption.setText(
                self.tr("{n} closed · median {median:.1f} h · P90 {p90:.1f} h").format(
                    n=len(times.hours), median=times.median or 0.0, p90=times.p90 or 0.0
                )
            )
        else:
            self.caption.setText(self.tr("nothing closed in this range"))


# -- the dashboard ----------------------------------------------------------------------
class KpiDashboard(QWidget):
    """The range selector, six figures and the cases behind a clicked bar.

    Signals:
        overdueByGrid(dict): grid code → overdue cases now, after every load (a map layer).
        caseActivated(int): a case of the list was double-clicked (the desk opens it).
        loaded(): new figures were drawn.
        casesShown(): the case list was filled for a clicked bar.
    """

    overdueByGrid = Signal(dict)
    caseActivated = Signal(int)
    loaded = Signal()
    casesShown = Signal()

    def __init__(
        self,
        store: Store,
        catalogue: Catalogue,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kpiDashboard")
        self.store, self.catalogue, self.submit, self.clock = store, catalogue, submit, clock
        self.data: DashboardData | None = None
        self.case_filter: CaseFilter | None = None
        self._generation = 0  # answers to an older request are dropped
        self._case_generation = 0

        # range selector
        self.preset = QComboBox()
        self.preset.setObjectName("kpiRangePreset")
        for preset, text in (
            (RangePreset.TODAY, self.tr("Today")),
            (RangePreset.LAST_7, self.tr("Last 7 days")),
            (RangePreset.LAST_30, self.tr("Last 30 days")),
            (RangePreset.THIS_MONTH, self.tr("This month")),
            (RangePreset.LAST_MONTH, self.tr("Last month")),
            (RangePreset.CUSTOM, self.tr("Custom…")),
        ):
            self.preset.addItem(text, preset)
        self.preset.setCurrentIndex(2)  # last 30 days
        today = QDate(self._today())
        self.first = QDateEdit(today.addDays(-29))
        self.last = QDateEdit(today)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(self._custom_changed)
        self.refresh = QPushButton(self.tr("Refresh"))
        self.status = QLabel()
        self.status.setObjectName("kpiStatus")
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Range")))
        bar.addWidget(self.preset)
        bar.addWidget(QLabel(self.tr("from")))
        bar.addWidget(self.first)
        bar.addWidget(QLabel(self.tr("to")))
        bar.addWidget(self.last)
        bar.addWidget(self.refresh)
        bar.addSpacing(12)
        bar.addWidget(self.status, 1)

        # charts
        self.daily_chart = BarChart(self.tr("Reports and closures per day"), value_labels=False)
        self.closure_chart = ClosureHistogram(self.tr("Closure times"))
        self.on_time_chart = BarChart(self.tr("On-time rate (worst first)"), horizontal=True)
        self.by_squad = QRadioButton(self.tr("Squads"))
        self.by_unit = QRadioButton(self.tr("Units"))
        self.by_squad.setChecked(True)
        self._by = QButtonGroup(self)
        for button in (self.by_squad, self.by_unit):
            self._by.addButton(button)
            self.on_time_chart.head.addWidget(button)
        self.category_chart = BarChart(self.tr("Category mix (top 10)"), horizontal=True)
        self.grid_chart = BarChart(self.tr("Overdue now by grid (top 10)"), horizontal=True)
        reported, closed = self.tr("reported"), self.tr("closed")
        self.legend = QLabel(
            f"<span style='color:{REPORTED_COLOR}'>■</span> {reported} &nbsp; "
            f"<span style='color:{CLOSED_COLOR}'>■</span> {closed}"
        )
        self.daily_chart.head.addWidget(self.legend)

        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        grid.addWidget(self.daily_chart, 0, 0, 1, 2)
        grid.addWidget(self.closure_chart, 0, 2)
        grid.addWidget(self.on_time_chart, 1, 0)
        grid.addWidget(self.category_chart, 1, 1)
        grid.addWidget(self.grid_chart, 1, 2)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(0, 4)
        grid.setRowStretch(1, 5)

        # the cases behind a bar
        self.case_model = CaseListModel(self)
        self.case_table = QTableView()
        self.case_table.setObjectName("kpiCaseTable")
        self.case_table.setModel(self.case_model)
        self.case_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.case_table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.case_table.horizontalHeader().setStretchLastSection(True)
        self.case_table.verticalHeader().hide()
        self.case_caption = QLabel(self.tr("Click a bar to list its cases."))
        self.case_caption.setStyleSheet(f"color: {PALETTE.muted};")
        self.export_button = QPushButton(self.tr("Export table…"))
        self.export_button.setObjectName("kpiExport")
        menu = QMenu(self.export_button)
        self.export_cases_action = QAction(self.tr("Case list…"), self)
        self.export_figures_action = QAction(self.tr("Chart figures…"), self)
        menu.addAction(self.export_cases_action)
        menu.addAction(self.export_figures_action)
        self.export_button.setMenu(menu)
        list_head = QHBoxLayout()
        list_head.addWidget(self.case_caption, 1)
        list_head.addWidget(self.export_button)
        cases = QWidget()
        cases_layout = QVBoxLayout(cases)
        cases_layout.setContentsMargins(0, 0, 0, 0)
        cases_layout.addLayout(list_head)
        cases_layout.addWidget(self.case_table, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(charts)
        splitter.addWidget(cases)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([720, 260])  # scaled to the real height when first laid out
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.refresh.clicked.connect(lambda: self.reload())
        self._by.buttonToggled.connect(lambda *_: self._draw_on_time())
        self.daily_chart.barClicked.connect(self._daily_clicked)
        self.on_time_chart.barClicked.connect(self._on_time_clicked)
        self.category_chart.barClicked.connect(self._category_clicked)
        self.grid_chart.barClicked.connect(self._grid_clicked)
        self.case_table.doubleClicked.connect(self._activated)
        self.export_cases_action.triggered.connect(lambda: self._ask_and_export("cases"))
        self.export_figures_action.triggered.connect(lambda: self._ask_and_export("figures"))

    # -- the range
    def _today(self) -> date:
        return self.clock().astimezone(CST).date()

    def current_preset(self) -> RangePreset:
        return RangePreset(self.preset.currentData())

    def current_range(self) -> KpiRange:
        return range_for(
            self.current_preset(),
            self._today(),
            self.first.date().toPython(),
            self.last.date().toPython(),
        )

    def set_preset(self, preset: RangePreset) -> None:
        """Choose a preset range (reloads when it changes)."""
        self.preset.setCurrentIndex(self.preset.findData(preset))

    def set_custom_range(self, first: date, last: date) -> None:
        """Switch to a custom range from `first` to `last` (inclusive) and reload once."""
        for edit in (self.first, self.last, self.preset):
            edit.blockSignals(True)
        self.first.setDate(QDate(first))
        self.last.setDate(QDate(last))
        self.preset.setCurrentIndex(self.preset.findData(RangePreset.CUSTOM))
        for edit in (self.first, self.last, self.preset):
            edit.blockSignals(False)
        self._preset_changed()

    def _preset_changed(self, *_: object) -> None:
        custom = self.current_preset() is RangePreset.CUSTOM
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        self.reload()

    def _custom_changed(self, *_: object) -> None:
        if self.current_preset() is RangePreset.CUSTOM:
            self.reload()

    # -- loading
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """The first time the dashboard is shown, it loads (unless something already did)."""
        super().showEvent(event)
        if self._generation == 0:
            self.reload()

    def reload(self) -> None:
        """Read every figure for the chosen range on the worker; draw them when they come."""
        self._generation += 1
        generation = self._generation
        store, catalogue, rng, now = self.store, self.catalogue, self.current_range(), self.clock()
        if self.current_preset() is not RangePreset.CUSTOM:  # the dates show what a preset means
            days = rng.day_list()
            for edit, day in ((self.first, days[0]), (self.last, days[-1])):
                edit.blockSignals(True)
                edit.setDate(QDate(day))
                edit.blockSignals(False)
        self.status.setStyleSheet(f"color: {PALETTE.muted};")
        self.status.setText(self.tr("Loading…"))
        self.submit(
            lambda: load_dashboard(store, catalogue, rng, now),
            lambda data: self._loaded(generation, data),
            lambda exc: self._failed(generation, exc),
        )

    def _loaded(self, generation: int, data: DashboardData) -> None:
        if generation != self._generation:
            return
        self.show_data(data)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.status.setStyleSheet(f"color: {PALETTE.danger};")
        self.status.setText(self.tr("Could not load the figures: {error}").format(error=exc))

    def show_data(self, data: DashboardData) -> None:
        """Draw `data` (GUI thread) and hand the overdue grid counts to the map."""
        self.data = data
        last_day = (data.rng.end - timedelta(microseconds=1)).astimezone(CST).date()
        first_day = data.rng.start.astimezone(CST).date()
        reported = sum(d.reported for d in data.daily)
        closed = sum(d.closed for d in data.daily)
        self.status.setStyleSheet(f"color: {PALETTE.muted};")
        self.status.setText(
            self.tr("{first} – {last}: {reported} reported, {closed} closed").format(
                first=first_day.isoformat(),
                last=last_day.isoformat(),
                reported=reported,
                closed=closed,
            )
        )
        self._draw_daily()
        self.closure_chart.set_times(data.closure)
        self._draw_on_time()
        self._draw_categories()
        self._draw_grids()
        self.overdueByGrid.emit(dict(data.overdue_by_grid))
        self.loaded.emit()

    def _draw_daily(self) -> None:
        assert self.data is not None
        days = self.data.daily
        self.daily_chart.set_bars(
            [d.day.strftime("%m-%d") for d in days],
            [[d.reported for d in days], [d.closed for d in days]],
            [[("reported", d.day), ("closed", d.day)] for d in days],
            [REPORTED_COLOR, CLOSED_COLOR],
            max_labels=16,
            empty_text=self.tr("no data"),
        )

    def on_time_rows(self) -> list[OnTimeRow]:
        """The rows the on-time chart shows: squads or units, worst first, at most 15."""
        if self.data is None:
            return []
        rows = self.data.by_unit if self.by_unit.isChecked() else self.data.by_squad
        return [r for r in rows if r.rate is not None][:SQUAD_ROWS]

    def _draw_on_time(self) -> None:
        if self.data is None:
            return
        kind = "unit" if self.by_unit.isChecked() else "squad"
        rows = self.on_time_rows()
        rates = [100.0 * (r.rate or 0.0) for r in rows]
        self.on_time_chart.set_bars(
            [r.name for r in rows],
            [rates],
            [[(kind, r.key)] for r in rows],
            [[_rate_color(r.rate) for r in rows]],
            texts=[
                [
                    f"{rate:.0f}% ({r.on_time}/{r.closed})"
                    for rate, r in zip(rates, rows, strict=True)
                ]
            ],
            value_range=(0.0, 125.0),
            value_ticks=[(v, f"{v}%") for v in (0, 25, 50, 75, 100)],
            max_labels=SQUAD_ROWS,
            empty_text=self.tr("nothing closed in this range"),
        )

    def category_rows(self) -> list[tuple[str | None, str, int]]:
        """Top 10 categories and "other", as the chart shows them."""
        if self.data is None:
            return []
        return [
            (code, name if code is not None else self.tr("other"), n)
            for code, name, n in top_with_other(self.data.categories)
        ]

    def _draw_categories(self) -> None:
        rows = self.category_rows()
        self.category_chart.set_bars(
            [name for _, name, _ in rows],
            [[n for _, _, n in rows]],
            [[("category", code)] for code, _, _ in rows],
            [[PALETTE.accent if code is not None else PALETTE.muted for code, _, _ in rows]],
            texts=[[str(n) for _, _, n in rows]],
            max_labels=CATEGORY_ROWS + 1,
            empty_text=self.tr("nothing reported in this range"),
        )

    def grid_rows(self) -> list[tuple[str, int]]:
        return top_grids(self.data.overdue_by_grid) if self.data is not None else []

    def _draw_grids(self) -> None:
        rows = self.grid_rows()
        self.grid_chart.set_bars(
            [code for code, _ in rows],
            [[n for _, n in rows]],
            [[("grid", code)] for code, _ in rows],
            [PALETTE.danger],
            texts=[[str(n) for _, n in rows]],
            max_labels=GRID_ROWS,
            empty_text=self.tr("nothing overdue"),
        )

    # -- drilling down
    def _daily_clicked(self, key: tuple[str, date]) -> None:
        what, day = key
        if what == "closed":
            caption = self.tr("Closed on {day}").format(day=day.isoformat())
        else:
            caption = self.tr("Reported on {day}").format(day=day.isoformat())
        self.show_cases(CaseFilter(caption, day=day, closed_only=what == "closed"))

    def _on_time_clicked(self, key: tuple[str, int]) -> None:
        kind, ident = key
        rows = self.data.by_unit if kind == "unit" else self.data.by_squad  # type: ignore[union-attr]
        name = next((r.name for r in rows if r.key == ident), str(ident))
        caption = self.tr("Closed in the range, handled by {name}").format(name=name)
        if kind == "unit":
            self.show_cases(CaseFilter(caption, unit_id=ident, closed_only=True))
        else:
            self.show_cases(CaseFilter(caption, squad_id=ident, closed_only=True))

    def _category_clicked(self, key: tuple[str, str | None]) -> None:
        code = key[1]
        if code is None:
            self.case_caption.setText(
                self.tr('"Other" adds up several categories: click one of the named ones.')
            )
            return
        name = next((n for c, n, _ in self.category_rows() if c == code), code)
        caption = self.tr("Reported in the range: {category}").format(category=name)
        self.show_cases(CaseFilter(caption, category_code=code))

    def _grid_clicked(self, key: tuple[str, str]) -> None:
        caption = self.tr("Overdue now in grid {grid}").format(grid=key[1])
        self.show_cases(CaseFilter(caption, grid_code=key[1], overdue_only=True))

    def show_cases(self, case_filter: CaseFilter) -> None:
        """List the cases `case_filter` stands for (read on the worker)."""
        if self.data is None:
            return
        self.case_filter = case_filter
        self._case_generation += 1
        generation = self._case_generation
        store, catalogue, data = self.store, self.catalogue, self.data
        self.case_caption.setText(case_filter.caption + " · " + self.tr("loading…"))
        self.submit(
            lambda: case_filter.query(store, catalogue, data.rng, data.now),
            lambda rows: self._cases_loaded(generation, case_filter, rows),
            lambda exc: self._cases_failed(generation, exc),
        )

    def _cases_loaded(self, generation: int, case_filter: CaseFilter, rows: list[CaseRow]) -> None:
        if generation != self._case_generation:
            return
        self.case_model.set_rows(rows)
        self.case_table.resizeColumnsToContents()
        if len(rows) >= CASE_LIMIT:
            count = self.tr("the first {n} cases").format(n=len(rows))
        else:
            count = self.tr("{n} cases").format(n=len(rows))
        self.case_caption.setText(f"{case_filter.caption} · {count}")
        self.casesShown.emit()

    def _cases_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._case_generation:
            self.case_caption.setText(
                self.tr("Could not list the cases: {error}").format(error=exc)
            )

    def _activated(self, index: QModelIndex) -> None:
        case_id = index.data(CASE_ID_ROLE)
        if case_id is not None:
            self.caseActivated.emit(int(case_id))

    # -- export
    def case_table_rows(self) -> tuple[list[str], list[list[Any]]]:
        """The shown case list as a header and rows (times as datetimes, CST)."""
        m = self.case_model
        rows = [
            [
                r.case_no,
                r.category_name,
                state_name(r.state),
                r.reported_at.astimezone(CST).replace(tzinfo=None),
                r.squad_name or "",
                r.deadline_at.astimezone(CST).replace(tzinfo=None) if r.deadline_at else None,
            ]
            for r in m.rows
        ]
        return m.headers(), rows

    def figure_table_rows(self) -> tuple[list[str], list[list[Any]]]:
        """Every figure shown, one row per bar: figure, item, value, detail."""
        header = [self.tr("Figure"), self.tr("Item"), self.tr("Value"), self.tr("Detail")]
        rows: list[list[Any]] = []
        data = self.data
        if data is None:
            return header, rows
        for d in data.daily:
            rows.append([self.tr("Reported per day"), d.day, d.reported, ""])
            rows.append([self.tr("Closed per day"), d.day, d.closed, ""])
        figure = self.tr("Closure time (h)")
        rows.append([figure, self.tr("median"), data.closure.median, ""])
        rows.append([figure, self.tr("P90"), data.closure.p90, ""])
        for i, n in enumerate(closure_histogram(data.closure.hours)):
            start = i * BIN_HOURS
            label = f"≥{start:g}" if start >= LIMIT_HOURS else f"{start:g}–{start + BIN_HOURS:g}"
            rows.append([figure, label, n, ""])
        for title, source in (
            (self.tr("On-time rate by squad"), data.by_squad),
            (self.tr("On-time rate by unit"), data.by_unit),
        ):
            for r in source:
                rows.append([title, r.name, r.rate, f"{r.on_time}/{r.closed}"])
        for code, name, n in data.categories:
            rows.append([self.tr("Category mix"), name, n, code])
        for code, n in top_grids(data.overdue_by_grid, n=len(data.overdue_by_grid)):
            rows.append([self.tr("Overdue by grid"), code, n, ""])
        return header, rows

    def export(self, path: Path, what: str = "cases") -> None:
        """Write the case list (`what="cases"`) or the figures to `path`, as .xlsx when the
        name says so, else CSV; the file is written on the worker."""
        header, rows = self.case_table_rows() if what == "cases" else self.figure_table_rows()
        path = Path(path)
        sheet = self.tr("Cases") if what == "cases" else self.tr("Figures")
        self.submit(
            lambda: write_table(path, header, rows, sheet=sheet),
            lambda written: self.case_caption.setText(self.tr("Saved {path}").format(path=written)),
            lambda exc: self.case_caption.setText(
                self.tr("Could not save the table: {error}").format(error=exc)
            ),
        )

    def _ask_and_export(self, what: str) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export table"),
            "kpi.xlsx",
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"),
        )
        if chosen:
            self.export(Path(chosen), what)


def _rate_color(rate: float | None) -> str:
    if rate is None:
        return PALETTE.muted
    if rate < BAD_RATE:
        return PALETTE.danger
    if rate < WARN_RATE:
        return PALETTE.warning
    return PALETTE.ok
