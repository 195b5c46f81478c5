"""The wall screen: a read-only, full-screen picture of the city for the command hall.

Three pages: the live map with today's KPI tiles and a rolling feed of the latest cases;
the camera wall touring the key cameras, with the KPI tiles; key charts (reports against
closures over the last 14 days, the category mix of the last 30). The wall spans one or
more screens side by side (`screens`): each screen shows one page, the last screen
rotates through the pages left over (every `interval_s`), so one screen rotates all three
and three screens show all three at once. Type is sized to be read from 5 m on a
1920×1080 panel per screen; nothing takes input and the cursor is hidden.

Everything shown comes from plain data handed in by the runner (`run_wall`):
`apply_snapshot`, `apply_tiles`, `apply_charts`; `set_connection_lost` shows or hides
the red banner across the top.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRect,
    Qt,
    QTimer,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtGui import QCursor, QFont, QGuiApplication, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.calendar import CST
from command_center.services import kpi
from command_center.services.cameras import CameraService
from command_center.services.kpi import DailyCount, KpiRange, TodayTiles
from command_center.services.queries import load_snapshot
from command_center.services.snapshot import CaseRow, CitySnapshot
from command_center.ui.camera_wall import LAYOUTS, CameraWall, layout_for
from command_center.ui.case_queue import state_name
from command_center.ui.map_panel import MapPanel
from command_center.ui.taskman import TaskManager
from command_center.ui.theme import PALETTE

if TYPE_CHECKING:
    from command_center.config import Settings
    from command_center.domain.calendar import WorkCalendar
    from command_center.domain.catalogue import Catalogue
    from command_center.services.cameras import TourInfo
    from command_center.store.engine import Store
    from command_center.video.pool import StreamPool

__all__ = [
    "PAGES",
    "CaseFeed",
    "ConnectionBanner",
    "KPI_KEYS",
    "KpiTiles",
    "WallCharts",
    "WallData",
    "WallDriver",
    "WallScreen",
    "load_wall_data",
    "run_wall",
    "screen_plan",
    "wall_tour",
]

log = logging.getLogger("ui")

PAGE_MAP, PAGE_CAMERAS, PAGE_CHARTS = "map", "cameras", "charts"
PAGES = (PAGE_MAP, PAGE_CAMERAS, PAGE_CHARTS)
INTERVAL_S = 20.0  # the pages of a rotating screen change this often
FEED_INTERVAL_S = 4.0  # the case feed moves on by one row this often
FEED_CASES = 30  # the newest cases the feed rotates through
FEED_ROWS = 6  # rows the feed shows at once
TOUR_INTERVAL_S = 10.0  # the camera page turns its tour page this often
TOUR_MAX = 16  # without a saved tour: the first cameras, at most a 4×4 wall
CHART_DAYS = 14
MIX_DAYS = 30
MIX_TOP = 10  # categories in the mix chart
REFRESH_MS = 10_000  # the runner reloads the picture this often (and on every change)
CHANGE_DEBOUNCE_MS = 250

# Pixel sizes for a 1920×1080 panel read from 5 m.
KPI_VALUE_PX = 76
KPI_CAPTION_PX = 28
TITLE_PX = 40
HEADING_PX = 30
TEXT_PX = 30
SMALL_PX = 24
AXIS_PX = 24
BANNER_PX = 46

TIME_FORMAT = "%H:%M:%S"
CLOCK_FORMAT = "%Y-%m-%d  %H:%M:%S"


def screen_plan(screens: int, pages: int = len(PAGES)) -> list[tuple[int, tuple[int, ...]]]:
    """(screens spanned, page indices shown) for each place on the wall, left to right.

    Each screen shows one page; the last one rotates through the pages left over. With
    more screens than pages the first page (the map) spans the extra screens.
    """
    if screens < 1:
        raise ValueError(f"a wall needs at least one screen, got {screens}")
    if screens >= pages:
        return [(screens - pages + 1, (0,))] + [(1, (i,)) for i in range(1, pages)]
    fixed = [(1, (i,)) for i in range(screens - 1)]
    return fixed + [(1, tuple(range(screens - 1, pages)))]


def _elapsed_text(seconds: float) -> str:
    s = max(0, int(seconds))
    if s < 60:
        return QCoreApplication.translate("WallScreen", "{s} s").format(s=s)
    if s < 3600:
        return QCoreApplication.translate("WallScreen", "{m} min {s} s").format(
            m=s // 60, s=s % 60)
    return QCoreApplication.translate("WallScreen", "{h} h {m} min").format(
        h=s // 3600, m=s % 3600 // 60)


# -- plain data from the worker --------------------------------------------------------------
@dataclass(frozen=True)
class WallCharts:
    """The charts page's data: `days` per day (day, reported, closed), oldest first;
    `categories` are (code, name, count), largest first."""

    days: tuple[DailyCount, ...] = ()
    categories: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True)
class WallData:
    """One load of everything the wall shows."""

    snapshot: CitySnapshot
    tiles: TodayTiles
    charts: WallCharts
    tours: tuple[Any, ...] = ()


def load_wall_data(store: Store, catalogue: Catalogue, now: datetime) -> WallData:
    """Read the wall's picture (on the database worker; touches no widget)."""
    snapshot = load_snapshot(store, catalogue, now)
    tiles = kpi.today_tiles(store, now)
    today = (now.astimezone(CST) if now.tzinfo is not None else now).date()
    days = kpi.daily_counts(store, KpiRange.days(today, CHART_DAYS))
    mix = kpi.category_mix(store, KpiRange.days(today, MIX_DAYS), catalogue=catalogue)
    tours = CameraService(store).tours()
    return WallData(snapshot, tiles, WallCharts(tuple(days), tuple(mix)), tuple(tours))


def wall_tour(tours: Sequence[TourInfo], snapshot: CitySnapshot) -> tuple[list[int], str]:
    """(camera ids, layout) for the camera page: the most focused saved tour (the one with
    the fewest cameras: the key sites, not the whole city), else the first usable cameras."""
    usable = {c.id for c in snapshot.cameras if c.usable}
    candidates = [t for t in tours if any(i in usable for i in t.camera_ids)]
    if candidates:
        tour = min(candidates, key=lambda t: (len(t.camera_ids), t.name))
        ids = [i for i in tour.camera_ids if i in usable]
        layout = tour.layout if tour.layout in LAYOUTS else layout_for(len(ids))
        return ids, layout
    ids = [c.id for c in snapshot.cameras if c.usable][:TOUR_MAX]
    return ids, layout_for(len(ids))


# -- parts -----------------------------------------------------------------------------------
def _label(name: str, text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    return label


KPI_KEYS = ("reported", "registered", "dispatched", "closed", "on_time", "overdue", "on_duty")


class KpiTiles(QFrame):
    """Today's KPI tiles: a big number over its caption, in `columns` columns."""

    def __init__(self, columns: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wallKpiTiles")
        captions = {
            "reported": self.tr("Reported today"),
            "registered": self.tr("Registered today"),
            "dispatched": self.tr("Dispatched today"),
            "closed": self.tr("Closed today"),
            "on_time": self.tr("Closed on time"),
            "overdue": self.tr("Overdue now"),
            "on_duty": self.tr("Squads on duty"),
        }
        self.values: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        for i, key in enumerate(KPI_KEYS):
            tile = QFrame(self)
            tile.setObjectName("wallKpiTile")
            box = QVBoxLayout(tile)
            box.setContentsMargins(18, 4, 18, 8)
            box.setSpacing(0)
            value = _label("wallKpiValue", "—", tile)
            caption = _label("wallKpiCaption", captions[key], tile)
            for label in (value, caption):
                label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            box.addWidget(value)
            box.addWidget(caption)
            self.values[key], self.captions[key] = value, caption
            grid.addWidget(tile, i // columns, i % columns)
        for r in range((len(KPI_KEYS) + columns - 1) // columns):
            grid.setRowStretch(r, 1)

    def set_tiles(self, tiles: TodayTiles) -> None:
        numbers = {
            "reported": f"{tiles.reported:,}",
            "registered": f"{tiles.registered:,}",
            "dispatched": f"{tiles.dispatched:,}",
            "closed": f"{tiles.closed:,}",
            "on_time": "—" if tiles.on_time_rate is None else f"{tiles.on_time_rate * 100:.1f}%",
            "overdue": f"{tiles.overdue_now:,}",
            "on_duty": f"{tiles.squads_on_duty:,}",
        }
        for key, text in numbers.items():
            self.values[key].setText(text)
        alert = tiles.overdue_now > 0
        self.values["overdue"].setStyleSheet(f"color: {PALETTE.danger};" if alert else "")


class CaseFeed(QFrame):
    """The latest cases, newest first, `rows` at a time; `advance` moves the window on by one
    (the wall calls it every few seconds), so every case of the last `FEED_CASES` comes by."""

    def __init__(self, rows: int = FEED_ROWS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wallCaseFeed")
        self._cases: list[CaseRow] = []
        self._districts: dict[str, str] = {}
        self._offset = 0
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 8, 16, 8)
        box.setSpacing(6)
        self.heading = _label("wallHeading", self.tr("Latest cases"), self)
        box.addWidget(self.heading)
        self.rows: list[tuple[QLabel, QLabel]] = []
        for _ in range(rows):
            row = QFrame(self)
            row.setObjectName("wallFeedRow")
            inner = QVBoxLayout(row)
            inner.setContentsMargins(10, 4, 10, 4)
            inner.setSpacing(0)
            first = _label("wallFeedMain", "", row)
            second = _label("wallFeedPlace", "", row)
            for label in (first, second):
                label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
                label.setTextFormat(Qt.TextFormat.RichText)
                inner.addWidget(label)
            box.addWidget(row, 1)
            self.rows.append((first, second))
        self.empty = _label("wallFeedEmpty", self.tr("No open cases"), self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.empty)
        self._show()

    def set_cases(self, cases: Sequence[CaseRow], district_names: Mapping[str, str]) -> None:
        """The newest `FEED_CASES` of `cases`; the window stays on the case it showed first
        when that case is still there."""
        first = self.visible_ids()[:1]
        self._cases = sorted(cases, key=lambda c: (c.reported_at, c.id), reverse=True)[:FEED_CASES]
        self._districts = dict(district_names)
        ids = [c.id for c in self._cases]
        self._offset = ids.index(first[0]) if first and first[0] in ids else 0
        self._show()

    def advance(self) -> None:
        if len(self._cases) > len(self.rows):
            self._offset = (self._offset + 1) % len(self._cases)
            self._show()

    def visible_ids(self) -> list[int]:
        n = len(self._cases)
        count = min(n, len(self.rows))
        return [self._cases[(self._offset + i) % n].id for i in range(count)]

    def _show(self) -> None:
        shown = {c.id: c for c in self._cases}
        ids = self.visible_ids()
        for i, (first, second) in enumerate(self.rows):
            row = first.parentWidget()
            if i >= len(ids):
                row.setVisible(False)
                continue
            case = shown[ids[i]]
            state_colour = PALETTE.danger if case.overdue else PALETTE.accent
            first.setText(
                f"<span style='color:{PALETTE.muted}'>{case.reported_at:%H:%M}</span>&nbsp; "
                f"{_esc(case.category_name)}&nbsp; "
                f"<span style='color:{state_colour}'>{_esc(state_name(case.state))}</span>"
            )
            district = self._districts.get(case.district_code, case.district_code)
            place = (
                case.address
                if case.address.startswith(district)
                else (f"{district} · {case.address}")
            )
            second.setText(_esc(place))
            row.setVisible(True)
        self.empty.setVisible(not ids)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ConnectionBanner(QLabel):
    """The red band across the top of the wall while the database cannot be reached."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wallBanner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.since: datetime | None = None
        self.reason = ""
        self.hide()

    def show_lost(self, reason: str, now: datetime) -> None:
        if self.since is None:
            self.since = now
        self.reason = reason
        self.tick(now)
        self.show()
        self.raise_()

    def clear(self) -> None:
        self.since = None
        self.reason = ""
        self.hide()

    def tick(self, now: datetime) -> None:
        if self.since is None:
            return
        head = self.tr("Database connection lost — retrying… ({elapsed})").format(
            elapsed=_elapsed_text((now - self.since).total_seconds())
        )
        reason = _esc(self.reason.splitlines()[0][:160]) if self.reason else ""
        self.setText(
            f"<div>{_esc(head)}</div>"
            + (
                f"<div style='font-size:{SMALL_PX}px; font-weight:normal'>{reason}</div>"
                if reason
                else ""
            )
        )


class _DayAxis(pg.AxisItem):
    """An x axis that labels day numbers (days since the first) as MM-DD."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.first: date | None = None

    def tickStrings(self, values, scale, spacing):  # noqa: ANN001, ANN201, N802 (pyqtgraph)
        if self.first is None:
            return ["" for _ in values]
        return [
            (self.first + timedelta(days=round(v))).strftime("%m-%d") if v == round(v) else ""
            for v in values
        ]


class ChartsPage(QWidget):
    """Reports against closures per day, and the category mix, drawn with pyqtgraph."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wallCharts")
        axis_font = QFont(self.font())
        axis_font.setPixelSize(AXIS_PX)
        text = pg.mkColor(PALETTE.text)

        self.days_axis = _DayAxis()
        self.days_plot = pg.PlotWidget(
            background=PALETTE.window, axisItems={"bottom": self.days_axis}
        )
        self.mix_plot = pg.PlotWidget(background=PALETTE.window)
        for widget in (self.days_plot, self.mix_plot):
            widget.setMenuEnabled(False)
            widget.setMouseEnabled(False, False)
            widget.hideButtons()
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            plot = widget.getPlotItem()
            plot.showGrid(x=False, y=True, alpha=0.25)
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setTickFont(axis_font)
                axis.setTextPen(text)
                axis.setPen(pg.mkPen(PALETTE.border))
            plot.getAxis("left").setWidth(90)
            plot.getAxis("bottom").setHeight(50)
        self.mix_plot.getPlotItem().getAxis("left").setWidth(260)
        self.mix_plot.getPlotItem().showGrid(x=True, y=False, alpha=0.25)

        self.days_title = _label(
            "wallHeading", self.tr("Reports and closures, last {n} days").format(n=CHART_DAYS), self
        )
        self.mix_title = _label(
            "wallHeading", self.tr("Cases by category, last {n} days").format(n=MIX_DAYS), self
        )
        legend = QHBoxLayout()
        legend.setSpacing(24)
        self.legend_reported = _label("wallLegend", "", self)
        self.legend_closed = _label("wallLegend", "", self)
        reported, closed = _esc(self.tr("Reported")), _esc(self.tr("Closed"))
        self.legend_reported.setText(f"<span style='color:{PALETTE.warning}'>■</span> {reported}")
        self.legend_closed.setText(f"<span style='color:{PALETTE.ok}'>■</span> {closed}")
        legend.addWidget(self.days_title)
        legend.addStretch(1)
        legend.addWidget(self.legend_reported)
        legend.addWidget(self.legend_closed)

        left = QVBoxLayout()
        left.addLayout(legend)
        left.addWidget(self.days_plot, 1)
        right = QVBoxLayout()
        right.addWidget(self.mix_title)
        right.addWidget(self.mix_plot, 1)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 16)
        row.setSpacing(24)
        row.addLayout(left, 11)
        row.addLayout(right, 9)
        self.charts = WallCharts()
        self._value_font = QFont(self.font())
        self._value_font.setPixelSize(SMALL_PX)

    def set_charts(self, charts: WallCharts) -> None:
        self.charts = charts
        self._draw_days(charts.days)
        self._draw_mix(charts.categories)

    def _draw_days(self, days: Sequence[DailyCount]) -> None:
        plot = self.days_plot.getPlotItem()
        plot.clear()
        if not days:
            self.days_axis.first = None
            return
        self.days_axis.first = days[0].day
        xs = list(range(len(days)))
        width = 0.38
        plot.addItem(
            pg.BarGraphItem(
                x=[x - width / 2 for x in xs],
                height=[d.reported for d in days],
                width=width,
                brush=PALETTE.warning,
                pen=None,
            )
        )
        plot.addItem(
            pg.BarGraphItem(
                x=[x + width / 2 for x in xs],
                height=[d.closed for d in days],
                width=width,
                brush=PALETTE.ok,
                pen=None,
            )
        )
        top = max([1] + [max(d.reported, d.closed) for d in days])
        plot.setXRange(-0.6, len(days) - 0.4, padding=0)
        plot.setYRange(0, top * 1.12, padding=0)
        step = 1 if len(days) <= 14 else 2
        self.days_axis.setTicks([[(x, f"{days[x].day:%m-%d}") for x in xs[::step]]])

    def _draw_mix(self, categories: Sequence[tuple[str, str, int]]) -> None:
        plot = self.mix_plot.getPlotItem()
        plot.clear()
        top = sorted(categories, key=lambda c: c[2], reverse=True)[:MIX_TOP]
        if not top:
            return
        ys = list(range(len(top)))[::-1]  # the largest at the top
        counts = [c[2] for c in top]
        plot.addItem(
            pg.BarGraphItem(x0=0, y=ys, height=0.7, width=counts, brush=PALETTE.accent, pen=None)
        )
        biggest = max(counts) or 1
        for y, count in zip(ys, counts, strict=True):
            label = pg.TextItem(f"{count:,}", color=PALETTE.text, anchor=(0, 0.5))
            label.setFont(self._value_font)
            label.setPos(count + biggest * 0.01, y)
            plot.addItem(label)
        plot.getAxis("left").setTicks(
            [[(y, name) for y, (_c, name, _n) in zip(ys, top, strict=True)]]
        )
        plot.setXRange(0, biggest * 1.18, padding=0)
        plot.setYRange(-0.6, len(top) - 0.4, padding=0)


class _Header(QFrame):
    """The wall's title, when the picture was taken, and the clock."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wallHeader")
        self.title = _label("wallTitle", self.tr("Urban Management Command Center"), self)
        self.updated = _label("wallUpdated", self.tr("Waiting for data…"), self)
        self.clock = _label("wallClock", "", self)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 6, 24, 6)
        row.setSpacing(32)
        row.addWidget(self.title)
        row.addStretch(1)
        row.addWidget(self.updated)
        row.addWidget(self.clock)


# -- the wall ----------------------------------------------------------------------------------
class _Row(QWidget):
    """Places the wall's stacks side by side, each exactly its screens' share of the width."""

    def __init__(self, spans: Sequence[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spans = list(spans)
        self.places: list[QStackedWidget] = []
        for _ in spans:
            stack = QStackedWidget(self)
            stack.setObjectName("wallPlace")
            self.places.append(stack)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        super().resizeEvent(event)
        total = sum(self.spans)
        x = 0
        done = 0
        for span, stack in zip(self.spans, self.places, strict=True):
            done += span
            right = round(self.width() * done / total)
            stack.setGeometry(QRect(x, 0, right - x, self.height()))
            x = right


STYLE = f"""
QWidget#wallScreen {{ background: {PALETTE.window}; }}
QLabel {{ color: {PALETTE.text}; font-size: {TEXT_PX}px; }}
QFrame#wallHeader {{ background: #08121c; border-bottom: 2px solid {PALETTE.accent}; }}
QLabel#wallTitle {{ color: #9fd3ff; font-size: {TITLE_PX}px; font-weight: bold; }}
QLabel#wallUpdated {{ color: {PALETTE.muted}; font-size: {SMALL_PX}px; }}
QLabel#wallClock {{ color: {PALETTE.text}; font-size: {HEADING_PX}px; font-weight: bold; }}
QLabel#wallHeading {{ color: #9fd3ff; font-size: {HEADING_PX}px; font-weight: bold; }}
QLabel#wallLegend {{ font-size: {SMALL_PX}px; }}
QFrame#wallKpiTile {{ background: {PALETTE.panel}; border: 1px solid {PALETTE.border};
                      border-left: 6px solid {PALETTE.accent}; border-radius: 4px; }}
QLabel#wallKpiValue {{ color: #ffffff; font-size: {KPI_VALUE_PX}px; font-weight: bold;
                       border: none; background: transparent; }}
QLabel#wallKpiCaption {{ color: {PALETTE.muted}; font-size: {KPI_CAPTION_PX}px;
                         border: none; background: transparent; }}
QFrame#wallCaseFeed {{ background: {PALETTE.panel}; border: 1px solid {PALETTE.border};
                       border-radius: 4px; }}
QFrame#wallFeedRow {{ border: none; border-top: 1px solid {PALETTE.border}; }}
QLabel#wallFeedMain {{ font-size: {TEXT_PX}px; border: none; }}
QLabel#wallFeedPlace {{ color: {PALETTE.muted}; font-size: {SMALL_PX}px; border: none; }}
QLabel#wallFeedEmpty {{ color: {PALETTE.muted}; }}
QLabel#wallBanner {{ background: #c62828; color: #ffffff; font-size: {BANNER_PX}px;
                     font-weight: bold; border-bottom: 4px solid #ff8a80; }}
QLabel#cameraTileName {{ font-size: {SMALL_PX}px; }}
QLabel#cameraTileNotice {{ font-size: {SMALL_PX}px; }}
QLabel#cameraTileCode {{ font-size: {SMALL_PX}px; }}
"""


class WallScreen(QWidget):
    """The hall's wall (see the module docstring).

    Signals:
        pagesChanged(list): the pages shown now, left to right (names of `PAGES`).
    """

    pagesChanged = Signal(list)  # noqa: N815

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        screens: int = 1,
        interval_s: float = INTERVAL_S,
        feed_interval_s: float = FEED_INTERVAL_S,
        pool: StreamPool | None = None,
        map_drawers: Mapping[str, type] | None = None,
        tile_source: str | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wallScreen")
        self.setWindowTitle(self.tr("Command Center — Wall Screen"))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setCursor(QCursor(Qt.CursorShape.BlankCursor))
        self.setStyleSheet(STYLE)
        self.clock = clock
        self.screens = screens
        self.plan = screen_plan(screens)
        self.snapshot: CitySnapshot | None = None
        self._tour: tuple[list[int], str] | None = None

        self.header = _Header(self)
        self.row = _Row([span for span, _pages in self.plan], self)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.header)
        box.addWidget(self.row, 1)

        # page 1: the map, the tiles, the feed
        self.map_page = QWidget()
        self.map_page.setObjectName("wallMapPage")
        self.map_panel = MapPanel(
            self.map_page, tile_source=tile_source, drawers=map_drawers, clock=clock
        )
        self.map_panel.search.hide()
        self.map_panel.minimap.hide()
        self.map_panel.canvas.readout.hide()  # the pointer's coordinates: no pointer here
        self.map_kpis = KpiTiles(2, self.map_page)
        self.feed = CaseFeed(FEED_ROWS, self.map_page)
        side = QVBoxLayout()
        side.setSpacing(12)
        side.addWidget(self.map_kpis, 4)
        side.addWidget(self.feed, 5)
        page = QHBoxLayout(self.map_page)
        page.setContentsMargins(12, 12, 12, 12)
        page.setSpacing(12)
        page.addWidget(self.map_panel, 3)
        page.addLayout(side, 2)

        # page 2: the camera wall and the tiles
        self.camera_page = QWidget()
        self.camera_page.setObjectName("wallCameraPage")
        self.camera_wall = CameraWall(self.camera_page)
        self.camera_wall.camera_list.hide()
        bar = self.camera_wall.findChild(QWidget, "cameraWallBar")
        if bar is not None:
            bar.hide()
        if pool is not None:
            self.camera_wall.set_pool(pool)
        self.camera_kpis = KpiTiles(1, self.camera_page)
        self.camera_kpis.setFixedWidth(440)
        page = QHBoxLayout(self.camera_page)
        page.setContentsMargins(12, 12, 12, 12)
        page.setSpacing(12)
        page.addWidget(self.camera_wall, 1)
        page.addWidget(self.camera_kpis)

        # page 3: the charts
        self.charts_page = ChartsPage()

        self.pages: dict[str, QWidget] = {
            PAGE_MAP: self.map_page,
            PAGE_CAMERAS: self.camera_page,
            PAGE_CHARTS: self.charts_page,
        }
        for (_span, indices), place in zip(self.plan, self.row.places, strict=True):
            for i in indices:
                place.addWidget(self.pages[PAGES[i]])

        self.banner = ConnectionBanner(self)

        # Read only: nothing takes focus or the mouse.
        for widget in (self, *self.findChildren(QWidget)):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.row.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)

        self._rotate_timer = QTimer(self)
        self._rotate_timer.setInterval(max(1, round(interval_s * 1000)))
        self._rotate_timer.timeout.connect(self.rotate)
        self._feed_timer = QTimer(self)
        self._feed_timer.setInterval(max(1, round(feed_interval_s * 1000)))
        self._feed_timer.timeout.connect(self.feed.advance)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self._tick)
        self._rehome = QTimer(self)
        self._rehome.setSingleShot(True)
        self._rehome.setInterval(0)
        self._rehome.timeout.connect(self.fit_map)
        self.map_panel.canvas.installEventFilter(self)
        self._tick()

    # -- plain data in ---------------------------------------------------------------------
    def apply_snapshot(self, snapshot: CitySnapshot) -> None:
        """Show a new picture of the city (the map, the feed, the cameras); data flows
        again, so the banner goes."""
        self.snapshot = snapshot
        self.map_panel.apply_snapshot(snapshot)
        self.feed.set_cases(snapshot.open_cases, {d.code: d.name for d in snapshot.districts})
        self.camera_wall.set_cameras(snapshot.cameras)
        if self._tour is None and snapshot.cameras:
            self.set_tour(*wall_tour((), snapshot))
        self.header.updated.setText(
            self.tr("Updated {time}").format(time=snapshot.taken_at.strftime(TIME_FORMAT))
        )
        self.set_connection_lost(None)

    def apply_tiles(self, tiles: TodayTiles) -> None:
        """Today's KPI tiles, on every page that shows them."""
        self.map_kpis.set_tiles(tiles)
        self.camera_kpis.set_tiles(tiles)

    def apply_charts(self, charts: WallCharts) -> None:
        self.charts_page.set_charts(charts)

    def apply_data(self, data: WallData) -> None:
        """One load from `load_wall_data`: snapshot, tiles, charts and the camera tour."""
        if data.tours and data.snapshot.cameras:
            tour = wall_tour(data.tours, data.snapshot)
            if tour != self._tour:
                self.camera_wall.set_cameras(data.snapshot.cameras)
                self.set_tour(*tour)
        self.apply_snapshot(data.snapshot)
        self.apply_tiles(data.tiles)
        self.apply_charts(data.charts)

    def set_tour(self, camera_ids: Sequence[int], layout: str) -> None:
        """Tour these cameras on the camera page, a `layout`'s worth at a time."""
        self._tour = (list(camera_ids), layout)
        self.camera_wall.start_tour(list(camera_ids), layout, TOUR_INTERVAL_S)
        if not self.isVisible():  # the tour's timer runs only while the wall is shown
            self.camera_wall.stop_tour()

    def set_connection_lost(self, message: str | None) -> None:
        """Show the red banner (`message`: why), or hide it (None)."""
        if message is None:
            self.banner.clear()
        else:
            self.banner.show_lost(message, self.clock())
            self._place_banner()

    # -- pages -------------------------------------------------------------------------------
    def visible_pages(self) -> list[str]:
        """The pages on screen now, left to right."""
        return [
            next(name for name, w in self.pages.items() if w is place.currentWidget())
            for place in self.row.places
        ]

    def rotate(self) -> None:
        """Every place that rotates shows its next page."""
        changed = False
        for place in self.row.places:
            if place.count() > 1:
                place.setCurrentIndex((place.currentIndex() + 1) % place.count())
                changed = True
        if changed:
            self.pagesChanged.emit(self.visible_pages())

    def fit_map(self) -> None:
        """Show the whole city on the map (nobody pans the wall's map)."""
        self.map_panel.canvas.home()

    def playing_tiles(self) -> list[Any]:
        """The camera tiles on screen that play a stream."""
        if PAGE_CAMERAS not in self.visible_pages():
            return []
        return [t for t in self.camera_wall.tiles if t.capture() is not None]

    def wait_for_frames(self, timeout_s: float = 10.0) -> bool:
        """Process events until every camera tile on screen has painted a frame (for
        screenshots); False when the deadline came first."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if all(t.video.frames_painted > 0 for t in self.playing_tiles()):
                return True
            QApplication.processEvents()
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        """Stop the timers and the tour; release the streams and detach the map."""
        self._stop_timers()
        self.camera_wall.set_pool(None)
        self.map_panel.close_map()

    # -- Qt side -------------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802 (Qt API)
        if watched is self.map_panel.canvas and event.type() == event.Type.Resize:
            self._rehome.start()
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if any(place.count() > 1 for place in self.row.places):
            self._rotate_timer.start()
        self._feed_timer.start()
        self._clock_timer.start()
        if self._tour is not None:
            self.camera_wall.start_tour(self._tour[0], self._tour[1], TOUR_INTERVAL_S)
        self._tick()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt API)
        self._stop_timers()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        self._stop_timers()
        self.map_panel.close_map()
        super().closeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt API)
        super().resizeEvent(event)
        self._place_banner()

    def _stop_timers(self) -> None:
        for timer in (self._rotate_timer, self._feed_timer, self._clock_timer, self._rehome):
            timer.stop()
        self.camera_wall.stop_tour()

    def _place_banner(self) -> None:
        height = BANNER_PX * 2 + SMALL_PX + 24 if self.banner.reason else BANNER_PX * 2 + 12
        self.banner.setGeometry(0, 0, self.width(), height)
        self.banner.raise_()

    def _tick(self) -> None:
        now = self.clock()
        self.header.clock.setText(now.strftime(CLOCK_FORMAT))
        self.banner.tick(now)


# -- running the wall --------------------------------------------------------------------------
def wall_geometry(screens: int) -> QRect | None:
    """The desktop area of the first `screens` screens, left to right (None: no screen)."""
    available = sorted(
        QGuiApplication.screens(), key=lambda s: (s.geometry().x(), s.geometry().y())
    )
    if not available:
        return None
    rect = QRect(available[0].geometry())
    for screen in available[1:screens]:
        rect = rect.united(screen.geometry())
    return rect


class WallDriver(QObject):
    """Keeps a `WallScreen` fed: loads `load_wall_data` on the database worker every
    `REFRESH_MS` and whenever another workstation commits a change (the change feed); a
    failed load or a lost connection shows the banner, the next good load hides it.

    Signals:
        loaded(object): a `WallData` has been shown.
        failed(object): a load failed (the exception); the driver keeps retrying.
    """

    loaded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        wall: WallScreen,
        store: Store,
        catalogue: Catalogue,
        tasks: TaskManager,
        *,
        clock: Callable[[], datetime],
        refresh_ms: int = REFRESH_MS,
    ) -> None:
        super().__init__(wall)
        self.wall, self.store, self.catalogue, self.tasks = wall, store, catalogue, tasks
        self.clock = clock
        self._busy = False
        self._feed: Any = None
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self.refresh)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(CHANGE_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)

    def refresh(self) -> None:
        """Load the picture again (unless a load is on its way)."""
        if getattr(self, "_stopped", False):
            return
        if self._busy:
            return
        self._busy = True
        store, catalogue, now = self.store, self.catalogue, self.clock()
        self.tasks.run(lambda: load_wall_data(store, catalogue, now), self._shown, self._failed)

    def start(self, *, follow_changes: bool = True) -> None:
        """Reload on the timer and, with `follow_changes`, on the change feed."""
        self._stopped = False
        self._timer.start()
        if follow_changes and self._feed is None:
            from command_center.live.changefeed import ChangeFeed, ChangeSignals

            signals = ChangeSignals(self)
            signals.changed.connect(lambda _rows: self._debounce.start())
            signals.status.connect(self._status)
            self._feed = ChangeFeed(self.store, signals.changed.emit, on_status=signals.status.emit)
            self._feed.start()

    def stop(self) -> None:
        self._stopped = True  # a notice still queued from the change feed does nothing now
        self._timer.stop()
        self._debounce.stop()
        if self._feed is not None:
            self._feed.stop()
            self._feed = None

    def _status(self, state: str, reason: str) -> None:
        if state == "lost":
            self.wall.set_connection_lost(reason)
        else:
            self.refresh()  # the banner goes when the picture comes

    def _shown(self, data: WallData) -> None:
        self._busy = False
        self.wall.apply_data(data)
        self.loaded.emit(data)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        log.error("could not load the wall's picture: %s", exc)
        self.wall.set_connection_lost(str(exc) or type(exc).__name__)
        self.failed.emit(exc)


def run_wall(
    settings: Settings,
    store: Store,
    catalogue: Catalogue,
    calendar: WorkCalendar,
    *,
    screens: int,
    size: tuple[int, int],
    screenshot: Path | None,
    clock: Callable[[], datetime],
    needs_seed: bool = False,
    seed: Callable[[Callable[[str, float], None]], object] | None = None,
) -> int:
    """Run the wall screen until it is closed; with `screenshot`, render it once the data
    (and the frames of the cameras on screen) are there, write the PNG and return."""
    from command_center.map.tile_drawer import TileDrawer, TileSignals
    from command_center.map.tiles import sources_from_settings
    from command_center.ui.i18n import install_translator
    from command_center.ui.run import _qt_to_logging
    from command_center.ui.screenshot import grab_to_png
    from command_center.ui.theme import apply_theme
    from command_center.video.capture import Capture
    from command_center.video.pool import StreamPool

    qInstallMessageHandler(_qt_to_logging)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("command-center")
    app.setOrganizationName("command-center")
    install_translator(app, settings.ui.language)
    apply_theme(app)

    sources, unavailable = sources_from_settings(settings.map.tile_sources)
    tile_signals = TileSignals()
    tiles = TileDrawer.with_sources(sources, unavailable=unavailable, signals=tile_signals)
    pool = (
        StreamPool(lambda url, name: Capture(url, name=name, buffer_fps=0))
        if settings.video.enabled
        else None
    )
    wall = WallScreen(
        screens=screens,
        pool=pool,
        map_drawers={"tiles": tiles},
        tile_source=settings.map.tile_source or None,
        clock=clock,
    )
    wall.setWindowFlag(Qt.WindowType.FramelessWindowHint, screenshot is None)
    tile_signals.setParent(wall)
    tasks = TaskManager(wall)
    driver = WallDriver(wall, store, catalogue, tasks, clock=clock)
    exit_code = {"value": 0}

    if screenshot is not None:

        def grab(_data: WallData) -> None:
            def before() -> None:
                wall.fit_map()
                QApplication.processEvents()
                wall.map_panel.canvas.settle()
                wall.wait_for_frames()

            ok = grab_to_png(wall, screenshot, size, before=before)
            if not ok:
                print(f"error: could not write {screenshot}", file=sys.stderr)
            exit_code["value"] = 0 if ok else 1
            app.quit()

        def give_up(exc: BaseException) -> None:
            print(f"error: {exc}", file=sys.stderr)
            exit_code["value"] = 1
            app.quit()

        driver.loaded.connect(grab)
        driver.failed.connect(give_up)

    if needs_seed and seed is not None:
        tasks.run(
            lambda: seed(lambda stage, frac: None),
            lambda _report: driver.refresh(),
            driver._failed,
        )
    else:
        driver.refresh()

    if screenshot is None:
        driver.start()
        area = wall_geometry(screens)
        if len(QGuiApplication.screens()) < screens:
            log.warning(
                "a wall of %d screens on %d screen(s): squeezed into what there is",
                screens,
                len(QGuiApplication.screens()),
            )
        if area is None:
            wall.resize(*size)
            wall.show()
        elif screens == 1:
            wall.setGeometry(area)
            wall.showFullScreen()
        else:  # one frameless window across the screens (full screen covers only one)
            wall.setGeometry(area)
            wall.show()
    try:
        app.exec()
    finally:
        driver.stop()
        wall.stop()
        if pool is not None:
            pool.close()
        tasks.shutdown()
        store.dispose()
        wall.close()
        wall.deleteLater()
    return exit_code["value"]
