"""The dispatcher's case queue over the whole history: tabs, filters, a lazily paged table.

`LazyCaseModel` is a thin table model over pages of plain `CaseRow` values: its row count is
the query's count, and a row's page (200 rows) is fetched only when the view asks for the
row, on the database worker (through an injected `submit`), while the cell shows a
placeholder. The last ~50 pages are kept (least recently used go first). A live countdown
column is refreshed every second for the visible rows only. `CaseQueuePanel` puts a tab bar
with live counts, a filter row and the table together, and raises the urgent-case alert.

Nothing here queries the database: a `QueueSource` (`services.case_queue.StoreQueueSource`)
answers, and `submit` decides where it runs (`submit_via(task_manager)` in the app; the
default runs it at once, for tests).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.calendar import CST
from command_center.domain.deadline_state import DeadlineState, deadline_state
from command_center.domain.workflow import PAUSED_STATES
from command_center.map.drawers import DEADLINE_COLORS
from command_center.services.case_queue import RUNNING_CLOCK, QueueQuery, QueueTab, SortKey
from command_center.services.snapshot import CaseRow
from command_center.ui.case_queue import state_name
from command_center.ui.theme import PALETTE

T = TypeVar("T")
_ROOT = QModelIndex()

PAGE_SIZE = 200
MAX_PAGES = 50
COUNTDOWN_MS = 1000
SEARCH_DELAY_MS = 300
CASE_ID_ROLE = Qt.ItemDataRole.UserRole
DEADLINE_STATE_ROLE = Qt.ItemDataRole.UserRole + 1
DATETIME_FORMAT = "%Y-%m-%d %H:%M"


class QueueSource(Protocol):
    """What the queue asks the database (answered on the worker)."""

    def count(self, query: QueueQuery, now: datetime) -> int: ...

    def page(self, query: QueueQuery, now: datetime, offset: int, limit: int) -> list[CaseRow]: ...

    def tab_counts(self, now: datetime) -> Mapping[QueueTab, int]: ...


# submit(fn, on_done, on_error): run fn somewhere, then call on_done(result) or on_error(exc)
# on the GUI thread.
Submit = Callable[
    [Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], object
]


def run_now(
    fn: Callable[[], T], on_done: Callable[[T], object], on_error: Callable[[BaseException], object]
) -> None:
    """A `Submit` that runs `fn` at once on the calling thread (tests, tools)."""
    try:
        result = fn()
    except Exception as exc:  # handed to on_error, as the worker would
        on_error(exc)
        return
    on_done(result)


def submit_via(tasks: Any) -> Submit:
    """A `Submit` that runs on a `ui.taskman.TaskManager`'s worker."""

    def submit(
        fn: Callable[[], Any],
        on_done: Callable[[Any], object],
        on_error: Callable[[BaseException], object],
    ) -> object:
        return tasks.run(fn, on_done=on_done, on_error=on_error)

    return submit


# -- names ---------------------------------------------------------------------------------
TAB_NAMES: dict[QueueTab, str] = {
    QueueTab.INTAKE: QT_TRANSLATE_NOOP("CaseQueueTab", "Pending intake"),
    QueueTab.REGISTRATION: QT_TRANSLATE_NOOP("CaseQueueTab", "Pending registration"),
    QueueTab.DISPATCH: QT_TRANSLATE_NOOP("CaseQueueTab", "Pending dispatch"),
    QueueTab.HANDLING: QT_TRANSLATE_NOOP("CaseQueueTab", "Being handled"),
    QueueTab.VERIFICATION: QT_TRANSLATE_NOOP("CaseQueueTab", "Pending check"),
    QueueTab.CLOSED: QT_TRANSLATE_NOOP("CaseQueueTab", "Closed"),
    QueueTab.OVERDUE: QT_TRANSLATE_NOOP("CaseQueueTab", "Overdue"),
    QueueTab.SUSPENDED: QT_TRANSLATE_NOOP("CaseQueueTab", "On hold"),
    QueueTab.ALL: QT_TRANSLATE_NOOP("CaseQueueTab", "All"),
}
SOURCE_NAMES: dict[str, str] = {
    "inspector": QT_TRANSLATE_NOOP("CaseSource", "Inspector"),
    "hotline": QT_TRANSLATE_NOOP("CaseSource", "Hotline"),
    "public": QT_TRANSLATE_NOOP("CaseSource", "Public"),
    "camera": QT_TRANSLATE_NOOP("CaseSource", "Camera"),
    "leader": QT_TRANSLATE_NOOP("CaseSource", "Leader's instruction"),
}

COLUMNS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("LazyCaseModel", "Case no."),
    QT_TRANSLATE_NOOP("LazyCaseModel", "Category"),
    QT_TRANSLATE_NOOP("LazyCaseModel", "State"),
    QT_TRANSLATE_NOOP("LazyCaseModel", "District"),
    QT_TRANSLATE_NOOP("LazyCaseModel", "Grid"),
    QT_TRANSLATE_NOOP("LazyCaseModel", "Source"),
    QT_TRANSLATE_NOOP("LazyCaseModel", "Squad"),
    QT_TRANSLATE_NOOP("LazyCaseModel", "Reported"),
    QT_TRANSLATE_NOOP("LazyCaseModel", "Deadline"),
    QT_TRANSLATE_NOOP("LazyCaseModel", "Time left"),
)
(
    COL_CASE_NO,
    COL_CATEGORY,
    COL_STATE,
    COL_DISTRICT,
    COL_GRID,
    COL_SOURCE,
    COL_SQUAD,
    COL_REPORTED,
    COL_DEADLINE,
    COL_TIME_LEFT,
) = range(len(COLUMNS))
COLUMN_SORT: dict[int, SortKey] = {
    COL_CASE_NO: SortKey.CASE_NO,
    COL_CATEGORY: SortKey.CATEGORY,
    COL_STATE: SortKey.STATE,
    COL_DISTRICT: SortKey.DISTRICT,
    COL_GRID: SortKey.GRID,
    COL_SOURCE: SortKey.SOURCE,
    COL_SQUAD: SortKey.SQUAD,
    COL_REPORTED: SortKey.REPORTED,
    COL_DEADLINE: SortKey.DEADLINE,
    COL_TIME_LEFT: SortKey.DEADLINE,
}
_RUNNING = frozenset(s.value for s in RUNNING_CLOCK)
_PAUSED = frozenset(s.value for s in PAUSED_STATES)


def _tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def source_name(source: str) -> str:
    text = SOURCE_NAMES.get(source)
    return _tr("CaseSource", text) if text else source


def format_duration(left: timedelta) -> str:
    """`1d 02:03:04`, `02:03:04` (the sign is the caller's)."""
    seconds = int(abs(left.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return (
        _tr("LazyCaseModel", "%1d %2").replace("%1", str(days)).replace("%2", clock)
        if days
        else clock
    )


def countdown(case: CaseRow, now: datetime) -> tuple[str, DeadlineState]:
    """The time-left cell of `case` at `now`: its text and its deadline state.

    The clock runs only while the case is being handled; a paused clock says so, and a case
    before dispatch or after handling has no countdown ("—").
    """
    if case.state in _PAUSED:
        return _tr("LazyCaseModel", "Paused"), DeadlineState.PAUSED
    if case.state not in _RUNNING or case.deadline_at is None:
        return "—", DeadlineState.NONE
    state = deadline_state(case.deadline_at, now, paused=False)
    left = case.deadline_at - now
    if state is DeadlineState.OVERDUE:
        return _tr("LazyCaseModel", "%1 overdue").replace("%1", format_duration(left)), state
    return format_duration(left), state


# -- the model -----------------------------------------------------------------------------
CASE_IDS_MIME = "application/x-command-center-case-ids"  # comma-separated case ids


class LazyCaseModel(QAbstractTableModel):
    """Read-only table of a queue query's cases, fetched page by page on demand.

    Signals:
        countChanged(int): the number of rows after an opening or a refresh.
        pageLoaded(int): a page (its number) arrived and its rows were updated.
        loadFailed(str): a count or page could not be read (the message).
    """

    countChanged = Signal(int)
    pageLoaded = Signal(int)
    loadFailed = Signal(str)

    def __init__(
        self,
        source: QueueSource,
        submit: Submit = run_now,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(CST),
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._submit = submit
        self._clock = clock
        self.page_size = page_size
        self.max_pages = max(2, max_pages)
        self._query = QueueQuery()
        self._now = clock()  # the instant the query is answered for (its overdue tab)
        self._generation = 0
        self._count = 0
        self._pages: OrderedDict[int, list[CaseRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._visible = (0, -1)
        self._in_data = False
        self._district_names: dict[str, str] = {}
        self._urgent_fg = QBrush(QColor(PALETTE.danger))
        self._overdue_bg = QBrush(QColor(PALETTE.danger_bg))
        self._muted = QBrush(QColor(PALETTE.muted))
        self._deadline_fg = {s: QBrush(QColor(c)) for s, c in DEADLINE_COLORS.items()}
        self._bold = QFont()
        self._bold.setBold(True)
        self._timer = QTimer(self)
        self._timer.setInterval(COUNTDOWN_MS)
        self._timer.timeout.connect(self.tick)

    # -- plain-data API ---------------------------------------------------------------
    @property
    def query(self) -> QueueQuery:
        return self._query

    def total(self) -> int:
        return self._count

    def loaded_pages(self) -> list[int]:
        """The pages held, least recently used first."""
        return list(self._pages)

    def set_district_names(self, names: Mapping[str, str]) -> None:
        self._district_names = dict(names)
        if self._count:
            self._emit_rows(0, self._count - 1)

    def case_at(self, row: int) -> CaseRow | None:
        """The case in `row`, or None while its page is not loaded (nothing is fetched)."""
        page = self._pages.get(row // self.page_size)
        if page is None:
            return None
        i = row % self.page_size
        return page[i] if i < len(page) else None

    def reset(self, query: QueueQuery) -> None:
        """Show `query`: drop every page, then count and fetch the first page in one task."""
        self._generation += 1
        self.beginResetModel()
        self._query = query
        self._now = self._clock()
        self._count = 0
        self._pages.clear()
        self._pending.clear()
        self.endResetModel()
        self._load(reset=True)

    def refresh(self) -> None:
        """Read the query again (cases changed): the count and the visible pages, replaced
        in one go when they arrive so nothing flickers."""
        self._generation += 1
        self._pending.clear()
        self._now = self._clock()
        self._load(reset=False)

    def set_visible_rows(self, first: int, last: int) -> None:
        """The view shows rows `first`…`last`: their pages (and one more each side, for
        smooth scrolling) are fetched, and the countdown refreshes only them."""
        self._visible = (first, last)
        if last < first or self._count == 0:
            return
        for p in self._pages_of(first, last, margin=1):
            self._request(p)

    def visible_rows(self) -> tuple[int, int]:
        return self._visible

    def start_countdown(self) -> None:
        self._timer.start()

    def stop_countdown(self) -> None:
        self._timer.stop()

    def countdown_running(self) -> bool:
        return self._timer.isActive()

    def tick(self) -> None:
        """One second passed: repaint the time-left cells of the visible rows only."""
        first, last = self._visible
        last = min(last, self._count - 1)
        if last < first or first < 0:
            return
        roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, DEADLINE_STATE_ROLE]
        self.dataChanged.emit(
            self.index(first, COL_TIME_LEFT), self.index(last, COL_TIME_LEFT), roles
        )

    # -- loading ----------------------------------------------------------------------
    def _pages_of(self, first: int, last: int, margin: int = 0) -> list[int]:
        top = max(0, first // self.page_size - margin)
        bottom = min((self._count - 1) // self.page_size, last // self.page_size + margin)
        return list(range(top, bottom + 1))

    def _load(self, *, reset: bool) -> None:
        gen, query, now, size = self._generation, self._query, self._now, self.page_size
        first, last = self._visible
        wanted = [0] if reset or last < first else self._pages_of(first, last)
        source = self._source

        def work() -> tuple[int, dict[int, list[CaseRow]]]:
            n = source.count(query, now)
            pages = {p: source.page(query, now, p * size, size) for p in wanted if p * size < n}
            return n, pages

        self._submit(work, partial(self._on_loaded, gen), partial(self._on_failed, gen, None))

    def _on_loaded(self, gen: int, result: tuple[int, dict[int, list[CaseRow]]]) -> None:
        if gen != self._generation:
            return
        n, pages = result
        if n != self._count:
            self.beginResetModel()
            self._count = n
            self._pages = OrderedDict(pages)
            self.endResetModel()
        else:
            self._pages = OrderedDict(pages)
            if n:
                self._emit_rows(0, n - 1)
        self.countChanged.emit(n)
        first, last = self._visible
        if last >= first:
            self.set_visible_rows(first, last)

    def _request(self, p: int) -> None:
        if p in self._pages:
            self._pages.move_to_end(p)
            return
        if p in self._pending or p < 0 or p * self.page_size >= self._count:
            return
        self._pending.add(p)
        gen, query, now, size, source = (
            self._generation,
            self._query,
            self._now,
            self.page_size,
            self._source,
        )
        self._submit(
            lambda: source.page(query, now, p * size, size),
            partial(self._on_page, gen, p),
            partial(self._on_failed, gen, p),
        )

    def _on_page(self, gen: int, p: int, rows: list[CaseRow]) -> None:
        if gen != self._generation:
            return
        self._pending.discard(p)
        self._pages[p] = rows
        self._pages.move_to_end(p)
        self._evict()
        if not self._in_data:  # a synchronous fetch from data() answers the caller itself
            first = p * self.page_size
            self._emit_rows(first, min(self._count, first + self.page_size) - 1)
        self.pageLoaded.emit(p)

    def _on_failed(self, gen: int, p: int | None, exc: BaseException) -> None:
        if gen != self._generation:
            return
        if p is not None:
            self._pending.discard(p)
        self.loadFailed.emit(str(exc))

    def _evict(self) -> None:
        keep = set(self._pages_of(*self._visible, margin=1)) if self._count else set()
        for p in list(self._pages):
            if len(self._pages) <= self.max_pages:
                break
            if p not in keep:
                del self._pages[p]

    def _emit_rows(self, first: int, last: int) -> None:
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def _case(self, row: int) -> CaseRow | None:
        p = row // self.page_size
        if p not in self._pages:
            self._in_data = True
            try:
                self._request(p)
            finally:
                self._in_data = False
        else:
            self._pages.move_to_end(p)
        return self.case_at(row)

    # -- Qt model API -----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
            | Qt.ItemFlag.ItemIsDragEnabled  # a case dragged onto a squad is dispatched to it
        )

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt API)
        return [CASE_IDS_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802 (Qt API)
        ids = sorted({c.id for i in indexes if (c := self.case_at(i.row())) is not None})
        data = QMimeData()
        data.setData(CASE_IDS_MIME, QByteArray(",".join(map(str, ids)).encode()))
        return data

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return _tr("LazyCaseModel", COLUMNS[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < self._count:
            return str(section + 1)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by `column` (in the database): the queue is read again from the top."""
        key = COLUMN_SORT.get(column)
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if self._query.order() == (key, descending) and self._query.sort is not None:
            return
        self.reset(replace(self._query, sort=key, descending=descending))

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        """The column and direction the query is sorted by (for the header's indicator)."""
        key, desc = self._query.order()
        column = next(c for c, k in COLUMN_SORT.items() if k is key)
        return column, Qt.SortOrder.DescendingOrder if desc else Qt.SortOrder.AscendingOrder

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < self._count and 0 <= col < len(COLUMNS)):
            return None
        case = self._case(row)
        if case is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return _tr("LazyCaseModel", "Loading…") if col == COL_CASE_NO else ""
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._muted
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(case, col)
        if role == CASE_ID_ROLE:
            return case.id
        if role == Qt.ItemDataRole.ToolTipRole:
            urgent = _tr("LazyCaseModel", "Urgent") + "\n" if case.urgent else ""
            return f"{urgent}{case.case_no} {case.category_name}\n{case.address}"
        if col == COL_TIME_LEFT and role in (Qt.ItemDataRole.ForegroundRole, DEADLINE_STATE_ROLE):
            _, state = countdown(case, self._clock())
            if role == DEADLINE_STATE_ROLE:
                return state.value
            return self._deadline_fg[state] if state is not DeadlineState.NONE else None
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_CASE_NO and case.urgent:
            return self._urgent_fg
        if role == Qt.ItemDataRole.BackgroundRole and case.overdue:
            return self._overdue_bg
        if role == Qt.ItemDataRole.FontRole and (
            (col == COL_CASE_NO and case.urgent) or (col == COL_TIME_LEFT and case.overdue)
        ):
            return self._bold
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
        if col == COL_GRID:
            return getattr(case, "grid_code", "") or "—"
        if col == COL_SOURCE:
            return source_name(getattr(case, "source", ""))
        if col == COL_SQUAD:
            return case.squad_name or "—"
        if col == COL_REPORTED:
            return case.reported_at.strftime(DATETIME_FORMAT)
        if col == COL_DEADLINE:
            return case.deadline_at.strftime(DATETIME_FORMAT) if case.deadline_at else "—"
        return countdown(case, self._clock())[0]


# -- the panel -------------------------------------------------------------------------------
DEADLINE_WINDOWS: tuple[tuple[str, timedelta | None], ...] = (
    (QT_TRANSLATE_NOOP("CaseQueuePanel", "Any deadline"), None),
    (QT_TRANSLATE_NOOP("CaseQueuePanel", "Past deadline"), timedelta(0)),
    (QT_TRANSLATE_NOOP("CaseQueuePanel", "Due within 1 h"), timedelta(hours=1)),
    (QT_TRANSLATE_NOOP("CaseQueuePanel", "Due within 4 h"), timedelta(hours=4)),
    (QT_TRANSLATE_NOOP("CaseQueuePanel", "Due within 24 h"), timedelta(hours=24)),
    (QT_TRANSLATE_NOOP("CaseQueuePanel", "Due within 3 days"), timedelta(days=3)),
)


class _QueueView(QTableView):
    """A table where Home/End go to the first/last case (not the first/last column).

    Signals:
        findRequested(): Ctrl+F pressed in the table (when no shortcut took it first).
    """

    findRequested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Find):
            self.findRequested.emit()
            return
        super().keyPressEvent(event)

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        model = self.model()
        rows = model.rowCount() if model is not None else 0
        col = max(0, self.currentIndex().column())
        if rows and cursorAction == QAbstractItemView.CursorAction.MoveHome:
            return model.index(0, col)
        if rows and cursorAction == QAbstractItemView.CursorAction.MoveEnd:
            return model.index(rows - 1, col)
        return super().moveCursor(cursorAction, modifiers)


class CaseQueuePanel(QWidget):
    """The dispatcher's queue: tabs with live counts, filters, the lazy table, alerts.

    Call `reload()` once the panel is wired to open the queue; `refresh()` when cases
    changed; `set_choices()` to fill the district and squad filters; `alert_urgent(row)` when
    an urgent case arrives.

    Signals:
        caseActivated(int): a case id, on Enter or a double click on a loaded row, or the
            alert banner's Open.
    """

    caseActivated = Signal(int)

    def __init__(
        self,
        source: QueueSource,
        submit: Submit = run_now,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(CST),
        page_size: int = PAGE_SIZE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("caseQueuePanel")
        self._source = source
        self._submit = submit
        self._clock = clock
        self._counts_generation = 0
        self._counts: dict[QueueTab, int] = {}
        self._alerts: list[CaseRow] = []
        self.model = LazyCaseModel(source, submit, clock=clock, page_size=page_size, parent=self)
        self.model.countChanged.connect(self._on_count)

        # The urgent-case banner: red, stays until acknowledged.
        self.banner = QFrame(self)
        self.banner.setObjectName("urgentBanner")
        self.banner.setStyleSheet(
            f"#urgentBanner {{ background: {PALETTE.danger}; border-radius: 3px; }}"
            " #urgentBanner QLabel { color: white; font-weight: bold; }"
        )
        self.banner_label = QLabel(self.banner)
        self.banner_label.setObjectName("urgentBannerText")
        self.open_alert_button = QPushButton(self.tr("Open"), self.banner)
        self.ack_button = QPushButton(self.tr("Acknowledge"), self.banner)
        self.open_alert_button.clicked.connect(self._open_alert)
        self.ack_button.clicked.connect(self.acknowledge_alert)
        banner_row = QHBoxLayout(self.banner)
        banner_row.setContentsMargins(8, 4, 8, 4)
        banner_row.addWidget(self.banner_label, 1)
        banner_row.addWidget(self.open_alert_button)
        banner_row.addWidget(self.ack_button)
        self.banner.hide()

        self.tabs = QTabBar(self)
        self.tabs.setObjectName("caseQueueTabs")
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        for tab in QueueTab:
            i = self.tabs.addTab(_tr("CaseQueueTab", TAB_NAMES[tab]))
            self.tabs.setTabData(i, tab.value)
        self.tabs.setCurrentIndex(list(QueueTab).index(QueueTab.HANDLING))
        self.tabs.currentChanged.connect(lambda _i: self._apply(new_tab=True))

        self.category_edit = QLineEdit(self)
        self.category_edit.setPlaceholderText(self.tr("Category code"))
        self.district_combo = QComboBox(self)
        self.grid_edit = QLineEdit(self)
        self.grid_edit.setPlaceholderText(self.tr("Grid code"))
        self.source_combo = QComboBox(self)
        self.source_combo.addItem(self.tr("Any source"), "")
        for code in SOURCE_NAMES:
            self.source_combo.addItem(source_name(code), code)
        self.squad_combo = QComboBox(self)
        self.deadline_combo = QComboBox(self)
        for label, window in DEADLINE_WINDOWS:
            self.deadline_combo.addItem(_tr("CaseQueuePanel", label), window)
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("caseQueueSearch")
        self.search_edit.setPlaceholderText(self.tr("Case no. (Ctrl+F)"))
        self.search_edit.setClearButtonEnabled(True)
        self.set_choices({}, {})
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self._apply)
        for edit in (self.category_edit, self.grid_edit, self.search_edit):
            edit.textChanged.connect(lambda _t: self._debounce.start())
            edit.returnPressed.connect(self._apply_now)
        for combo in (
            self.district_combo,
            self.source_combo,
            self.squad_combo,
            self.deadline_combo,
        ):
            combo.currentIndexChanged.connect(lambda _i: self._apply())
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        for w, stretch in (
            (self.category_edit, 1),
            (self.district_combo, 1),
            (self.grid_edit, 1),
            (self.source_combo, 1),
            (self.squad_combo, 1),
            (self.deadline_combo, 1),
            (self.search_edit, 2),
        ):
            filters.addWidget(w, stretch)

        self.view = _QueueView(self)
        self.view.setObjectName("caseQueueLazyView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Extended: Shift/Ctrl pick several cases for batch dispatch.
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        for col, width in {
            COL_CASE_NO: 150,
            COL_CATEGORY: 96,
            COL_STATE: 72,
            COL_DISTRICT: 64,
            COL_GRID: 128,
            COL_SOURCE: 64,
            COL_SQUAD: 80,
            COL_REPORTED: 120,
            COL_DEADLINE: 120,
        }.items():
            header.resizeSection(col, width)
        self.view.activated.connect(self._on_activated)
        self.view.verticalScrollBar().valueChanged.connect(lambda _v: self._update_visible())
        self.view.verticalScrollBar().rangeChanged.connect(lambda _a, _b: self._update_visible())
        self.model.modelReset.connect(self._update_visible)

        self.status = QLabel(self)
        self.status.setObjectName("caseQueueStatus")
        self.model.loadFailed.connect(
            lambda msg: self.status.setText(
                self.tr("Could not read the queue: %1").replace("%1", msg)
            )
        )
        self._find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        self._find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._find.activated.connect(self.focus_search)
        self.view.findRequested.connect(self.focus_search)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)

    # -- API --------------------------------------------------------------------------
    def set_choices(self, districts: Mapping[str, str], squads: Mapping[int, str]) -> None:
        """Fill the district (code → name) and squad (id → name) filters."""
        self.model.set_district_names(districts)
        for combo, any_text, items in (
            (self.district_combo, self.tr("Any district"), list(districts.items())),
            (self.squad_combo, self.tr("Any squad"), list(squads.items())),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(any_text, None)
            for key, name in items:
                combo.addItem(name, key)
            i = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(0, i))
            combo.blockSignals(False)

    def current_tab(self) -> QueueTab:
        return QueueTab(self.tabs.tabData(self.tabs.currentIndex()))

    def set_tab(self, tab: QueueTab) -> None:
        self.tabs.setCurrentIndex(list(QueueTab).index(tab))

    def query(self) -> QueueQuery:
        """The query the tab and the filters describe (sorted as the model is)."""
        window = self.deadline_combo.currentData()
        now = self._clock()
        deadline_from = deadline_to = None
        if window is not None:
            if window == timedelta(0):
                deadline_to = now
            else:
                deadline_from, deadline_to = now, now + window
        key, desc = self.model.query.order()
        return QueueQuery(
            tab=self.current_tab(),
            category=self.category_edit.text().strip(),
            district=self.district_combo.currentData() or "",
            grid=self.grid_edit.text().strip(),
            source=self.source_combo.currentData() or "",
            squad_id=self.squad_combo.currentData(),
            deadline_from=deadline_from,
            deadline_to=deadline_to,
            text=self.search_edit.text().strip(),
            sort=self.model.query.sort and key,
            descending=desc if self.model.query.sort is not None else False,
        )

    def reload(self) -> None:
        """Open the queue for the tab and filters shown, and count every tab."""
        self._apply_now()

    def refresh(self) -> None:
        """Cases changed: read the tab counts and the visible rows again (no flicker)."""
        self.model.refresh()
        self._refresh_counts()

    def tab_counts(self) -> dict[QueueTab, int]:
        return dict(self._counts)

    def selected_cases(self) -> list[CaseRow]:
        """The loaded cases selected in the table, top to bottom."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [c for c in (self.model.case_at(r) for r in rows) if c is not None]

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def alert_urgent(self, row: CaseRow) -> None:
        """An urgent case arrived: a red banner that stays until acknowledged, and a beep."""
        self._alerts.append(row)
        self._show_alert()
        QApplication.beep()

    def pending_alerts(self) -> list[CaseRow]:
        return list(self._alerts)

    def acknowledge_alert(self) -> None:
        """The dispatcher saw the alert shown; the next one (if any) takes its place."""
        if self._alerts:
            self._alerts.pop(0)
        self._show_alert()

    # -- internals --------------------------------------------------------------------
    def _show_alert(self) -> None:
        if not self._alerts:
            self.banner.hide()
            return
        row = self._alerts[0]
        text = (
            self.tr("Urgent case %1: %2, %3")
            .replace("%1", row.case_no)
            .replace("%2", row.category_name)
            .replace("%3", row.address)
        )
        if len(self._alerts) > 1:
            text += "  " + self.tr("(%1 more)").replace("%1", str(len(self._alerts) - 1))
        self.banner_label.setText(text)
        self.banner.show()

    def _open_alert(self) -> None:
        if self._alerts:
            case_id = self._alerts[0].id
            self.acknowledge_alert()
            self.caseActivated.emit(case_id)

    def _apply_now(self) -> None:
        self._debounce.stop()
        self._apply()

    def _apply(self, new_tab: bool = False) -> None:
        self._debounce.stop()
        query = self.query()
        if new_tab:
            query = query.with_tab(query.tab)
        self.model.reset(query)
        column, order = self.model.sort_column()
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)
        self._refresh_counts()

    def _refresh_counts(self) -> None:
        self._counts_generation += 1
        gen, source, now = self._counts_generation, self._source, self._clock()
        self._submit(
            lambda: dict(source.tab_counts(now)),
            partial(self._on_counts, gen),
            lambda exc: self.model.loadFailed.emit(str(exc)),
        )

    def _on_counts(self, gen: int, counts: dict[QueueTab, int]) -> None:
        if gen != self._counts_generation:
            return
        self._counts = counts
        for i, tab in enumerate(QueueTab):
            name = _tr("CaseQueueTab", TAB_NAMES[tab])
            n = counts.get(tab)
            self.tabs.setTabText(i, name if n is None else f"{name} ({n:,})")

    def _on_count(self, n: int) -> None:
        self.status.setText(self.tr("%1 cases").replace("%1", f"{n:,}"))

    def _update_visible(self) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            self.model.set_visible_rows(0, -1)
            return
        first = max(0, self.view.rowAt(0))
        last = self.view.rowAt(max(0, self.view.viewport().height() - 1))
        if last < 0:
            per_row = max(1, self.view.verticalHeader().defaultSectionSize())
            last = min(rows - 1, first + self.view.viewport().height() // per_row)
        self.model.set_visible_rows(first, last)

    def _on_activated(self, index: QModelIndex) -> None:
        case_id = index.data(CASE_ID_ROLE)
        if case_id is not None:
            self.caseActivated.emit(int(case_id))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.model.start_countdown()
        self._update_visible()

    def hideEvent(self, event: QHideEvent) -> None:
        self.model.stop_countdown()
        self._debounce.stop()
        super().hideEvent(event)
