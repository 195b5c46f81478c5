"""The lazy case queue: a valid model, pages on demand, a countdown for the visible rows
only, keyboard activation, the urgent alert."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command_center.domain.calendar import CST
from command_center.domain.deadline_state import DeadlineState
from command_center.map.drawers import DEADLINE_COLORS
from command_center.services.case_queue import QueueQuery, QueueTab, SortKey, tab_of
from command_center.services.snapshot import CaseRow
from command_center.ui import case_queue_lazy as lazy
from command_center.ui.case_queue_lazy import (
    CASE_ID_ROLE,
    COL_CASE_NO,
    COL_DEADLINE,
    COL_TIME_LEFT,
    CaseQueuePanel,
    LazyCaseModel,
    submit_via,
)
from command_center.ui.taskman import TaskManager

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=CST)
STATES = ("dispatched", "in_progress", "closed", "suspended", "reported", "rework", "handled")


def make_row(i: int) -> CaseRow:
    state = STATES[i % len(STATES)]
    deadline = None if state == "reported" else NOW + timedelta(minutes=(i % 9 - 3) * 25)
    return CaseRow(
        id=i,
        case_no=f"CY20261127{i:06d}",
        category_code="0101",
        category_name="道路破损",
        state=state,
        district_code="211302",
        address=f"朝阳大街 {i} 号",
        lon=120.45,
        lat=41.57,
        reported_at=NOW - timedelta(hours=i),
        deadline_at=deadline,
        overdue=deadline is not None and deadline < NOW and state != "suspended",
        squad_name="一组",
        urgent=i % 10 == 0,
    )


class ListSource:
    """An in-memory queue source that records what it was asked."""

    def __init__(self, rows: list[CaseRow]) -> None:
        self.rows = rows
        self.page_calls: list[tuple[int, int]] = []
        self.count_calls = 0
        self.counts_calls = 0

    def _rows(self, query: QueueQuery, now: datetime) -> list[CaseRow]:
        out = [
            r for r in self.rows if query.tab in tab_of(r.state, "inspector", r.deadline_at, now)
        ]
        if query.text:
            out = [r for r in out if r.case_no.startswith(query.text.upper())]
        key, desc = query.order()
        if key is SortKey.CASE_NO:
            out.sort(key=lambda r: (r.case_no, r.id), reverse=desc)
        else:
            out.sort(key=lambda r: (r.reported_at, r.id), reverse=desc)
        return out

    def count(self, query: QueueQuery, now: datetime) -> int:
        self.count_calls += 1
        return len(self._rows(query, now))

    def page(self, query: QueueQuery, now: datetime, offset: int, limit: int) -> list[CaseRow]:
        self.page_calls.append((offset, limit))
        return self._rows(query, now)[offset : offset + limit]

    def tab_counts(self, now: datetime) -> dict[QueueTab, int]:
        self.counts_calls += 1
        return {t: self.count(QueueQuery(tab=t), now) for t in QueueTab}


class Deferred:
    """A `Submit` that queues work until the test runs it, as the worker would later."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable, Callable, Callable]] = []

    def __call__(self, fn: Callable, on_done: Callable, on_error: Callable) -> None:
        self.jobs.append((fn, on_done, on_error))

    def run_all(self) -> None:
        while self.jobs:
            fn, on_done, _ = self.jobs.pop(0)
            on_done(fn())


@pytest.fixture
def source() -> ListSource:
    return ListSource([make_row(i) for i in range(1, 1001)])


def test_model_passes_qtmodeltester(qtmodeltester, source: ListSource) -> None:
    model = LazyCaseModel(source, clock=lambda: NOW, page_size=40)
    model.reset(QueueQuery(tab=QueueTab.ALL))
    assert model.rowCount() == 1000
    qtmodeltester.check(model, force_py=True)
    model.reset(QueueQuery(tab=QueueTab.ALL, text="NOPE"))
    assert model.rowCount() == 0
    qtmodeltester.check(model, force_py=True)


def test_model_passes_qtmodeltester_with_pages_arriving_later(qtmodeltester, source) -> None:
    deferred = Deferred()
    model = LazyCaseModel(source, deferred, clock=lambda: NOW, page_size=50)
    model.reset(QueueQuery(tab=QueueTab.HANDLING))
    deferred.run_all()
    qtmodeltester.check(model, force_py=True)
    deferred.run_all()  # the pages the tester's reads asked for
    qtmodeltester.check(model, force_py=True)


def test_pages_load_on_demand_and_placeholders_fill_in(qtbot: QtBot, source) -> None:
    deferred = Deferred()
    model = LazyCaseModel(source, deferred, clock=lambda: NOW, page_size=100, max_pages=3)
    model.reset(QueueQuery(tab=QueueTab.ALL))
    assert model.rowCount() == 0 and len(deferred.jobs) == 1  # count + first page, one task
    deferred.run_all()
    assert model.rowCount() == 1000
    assert source.page_calls == [(0, 100)]
    assert model.index(5, COL_CASE_NO).data() == "CY20261127000006"  # newest first

    far = model.index(750, COL_CASE_NO)
    assert far.data() == "Loading…" and far.data(CASE_ID_ROLE) is None
    assert far.data() == "Loading…"  # asking again does not fetch the page twice
    assert len(deferred.jobs) == 1
    with qtbot.waitSignal(model.dataChanged) as changed:
        deferred.run_all()
    top, bottom = changed.args[0], changed.args[1]
    assert (top.row(), bottom.row()) == (700, 799)
    assert source.page_calls[-1] == (700, 100)
    assert far.data() == "CY20261127000751" and far.data(CASE_ID_ROLE) == 751

    # an LRU of max_pages: old pages go, the recently read stay
    for row in (150, 250, 350):
        model.index(row, 0).data()
        deferred.run_all()
    assert len(model.loaded_pages()) == 3 and 7 not in model.loaded_pages()
    assert len(source.page_calls) == 5


def test_scrolling_the_view_fetches_only_what_is_shown(qtbot: QtBot, source) -> None:
    calls_before = len(source.page_calls)
    panel = CaseQueuePanel(source, clock=lambda: NOW, page_size=50)
    qtbot.addWidget(panel)
    panel.set_tab(QueueTab.ALL)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.model.rowCount() == 1000
    fetched = {offset for offset, _ in source.page_calls[calls_before:]}
    assert fetched <= {0, 50}, "only the first pages (and the next one) are read"
    panel.view.scrollToBottom()
    QApplication.processEvents()
    first, last = panel.model.visible_rows()
    assert last == 999 and first > 900
    assert {o for o, _ in source.page_calls} >= {950}
    assert len(source.page_calls) - calls_before < 8
    panel.close()


def test_sorting_reloads_from_the_top(source) -> None:
    model = LazyCaseModel(source, clock=lambda: NOW, page_size=100)
    model.reset(QueueQuery(tab=QueueTab.ALL))
    assert model.index(0, COL_CASE_NO).data() == "CY20261127000001"
    model.sort(COL_CASE_NO, Qt.SortOrder.DescendingOrder)
    assert model.query.sort is SortKey.CASE_NO and model.query.descending
    assert model.index(0, COL_CASE_NO).data() == "CY20261127001000"
    assert model.sort_column() == (COL_CASE_NO, Qt.SortOrder.DescendingOrder)


def test_countdown_refreshes_only_the_visible_rows(qtbot: QtBot, source) -> None:
    now = [NOW]
    model = LazyCaseModel(source, clock=lambda: now[0], page_size=100)
    model.reset(QueueQuery(tab=QueueTab.HANDLING))
    model.set_visible_rows(10, 29)
    row = next(
        r
        for r in range(10, 30)
        if model.index(r, COL_TIME_LEFT).data(lazy.DEADLINE_STATE_ROLE)
        == DeadlineState.ON_TIME.value
    )
    before = model.index(row, COL_TIME_LEFT).data()
    changes: list[tuple[QModelIndex, QModelIndex]] = []
    model.dataChanged.connect(lambda a, b, roles=(): changes.append((a, b)))
    now[0] = NOW + timedelta(seconds=1)
    model.tick()
    assert len(changes) == 1
    top, bottom = changes[0]
    assert (top.row(), bottom.row()) == (10, 29)
    assert top.column() == bottom.column() == COL_TIME_LEFT
    assert model.index(row, COL_TIME_LEFT).data() != before  # one second less


def test_countdown_text_and_colours() -> None:
    model_clock = NOW

    def row(state: str, minutes: float | None) -> CaseRow:
        r = make_row(1)
        deadline = None if minutes is None else NOW + timedelta(minutes=minutes)
        return CaseRow(**{**r.__dict__, "state": state, "deadline_at": deadline})

    assert lazy.countdown(row("in_progress", 90), model_clock) == (
        "01:30:00",
        DeadlineState.ON_TIME,
    )
    assert lazy.countdown(row("dispatched", 30), model_clock) == (
        "00:30:00",
        DeadlineState.DUE_SOON,
    )
    assert lazy.countdown(row("rework", -61), model_clock) == (
        "01:01:00 overdue",
        DeadlineState.OVERDUE,
    )
    assert lazy.countdown(row("in_progress", 60 * 26), model_clock)[0] == "1d 02:00:00"
    assert lazy.countdown(row("suspended", -5), model_clock) == ("Paused", DeadlineState.PAUSED)
    assert lazy.countdown(row("closed", -5), model_clock) == ("—", DeadlineState.NONE)


def test_time_left_is_coloured_by_urgency(source) -> None:
    model = LazyCaseModel(source, clock=lambda: NOW, page_size=100)
    model.reset(QueueQuery(tab=QueueTab.HANDLING))
    seen = set()
    for r in range(model.rowCount()):
        index = model.index(r, COL_TIME_LEFT)
        state = DeadlineState(index.data(lazy.DEADLINE_STATE_ROLE))
        colour = index.data(Qt.ItemDataRole.ForegroundRole).color()
        assert colour == QColor(DEADLINE_COLORS[state])
        seen.add(state)
    assert {DeadlineState.ON_TIME, DeadlineState.DUE_SOON, DeadlineState.OVERDUE} <= seen


def test_enter_activates_the_current_case(qtbot: QtBot, source) -> None:
    panel = CaseQueuePanel(source, clock=lambda: NOW)
    qtbot.addWidget(panel)
    panel.reload()
    panel.show()
    qtbot.waitExposed(panel)
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Home)
    qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    expected = panel.model.index(1, 0).data(CASE_ID_ROLE)
    with qtbot.waitSignal(panel.caseActivated) as activated:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert activated.args == [expected]
    qtbot.keyClick(panel.view, Qt.Key.Key_End)
    assert panel.view.currentIndex().row() == panel.model.rowCount() - 1
    qtbot.keyClick(panel.view, Qt.Key.Key_Home)
    assert panel.view.currentIndex().row() == 0
    panel.close()


def test_ctrl_f_focuses_the_search_and_search_filters(qtbot: QtBot, source) -> None:
    panel = CaseQueuePanel(source, clock=lambda: NOW)
    qtbot.addWidget(panel)
    panel.set_tab(QueueTab.ALL)
    panel.show()
    panel.activateWindow()
    qtbot.waitActive(panel)  # shortcuts go to the active window
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.focusWidget() is panel.search_edit
    qtbot.keyClicks(panel.search_edit, "cy2026112700099")
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    assert panel.model.rowCount() == 10  # 000990 … 000999
    assert panel.status.text() == "10 cases"
    panel.close()


def test_tabs_show_live_counts(qtbot: QtBot, source) -> None:
    panel = CaseQueuePanel(source, clock=lambda: NOW)
    qtbot.addWidget(panel)
    panel.reload()
    counts = panel.tab_counts()
    assert counts[QueueTab.ALL] == 1000
    i = list(QueueTab).index(QueueTab.HANDLING)
    assert panel.tabs.tabText(i) == f"Being handled ({counts[QueueTab.HANDLING]:,})"
    source.rows = source.rows[:500]
    panel.refresh()
    assert panel.tab_counts()[QueueTab.ALL] == 500
    assert panel.model.rowCount() == counts[QueueTab.HANDLING] - sum(
        1
        for r in range(501, 1001)
        if QueueTab.HANDLING in tab_of(make_row(r).state, "inspector", make_row(r).deadline_at, NOW)
    )


def test_urgent_alert_shows_a_banner_until_acknowledged_and_beeps(
    qtbot: QtBot, source, monkeypatch: pytest.MonkeyPatch
) -> None:
    beeps: list[int] = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: beeps.append(1)))
    panel = CaseQueuePanel(source, clock=lambda: NOW)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    assert not panel.banner.isVisible()
    panel.alert_urgent(make_row(10))
    panel.alert_urgent(make_row(20))
    assert beeps == [1, 1]
    assert panel.banner.isVisible()
    assert "CY20261127000010" in panel.banner_label.text()
    assert "1 more" in panel.banner_label.text()
    qtbot.mouseClick(panel.ack_button, Qt.MouseButton.LeftButton)
    assert panel.banner.isVisible() and "CY20261127000020" in panel.banner_label.text()
    with qtbot.waitSignal(panel.caseActivated) as opened:
        qtbot.mouseClick(panel.open_alert_button, Qt.MouseButton.LeftButton)
    assert opened.args == [20]
    assert not panel.banner.isVisible() and panel.pending_alerts() == []
    panel.close()


@pytest.fixture
def tasks() -> Iterator[TaskManager]:
    manager = TaskManager()
    yield manager
    assert manager.shutdown()


def test_pages_come_from_the_worker(qtbot: QtBot, source, tasks: TaskManager) -> None:
    import threading

    main = threading.get_ident()
    threads: set[int] = set()
    original = source.page

    def page(*args):
        threads.add(threading.get_ident())
        return original(*args)

    source.page = page  # type: ignore[method-assign]
    model = LazyCaseModel(source, submit_via(tasks), clock=lambda: NOW, page_size=100)
    with qtbot.waitSignal(model.countChanged, timeout=5000):
        model.reset(QueueQuery(tab=QueueTab.ALL))
    assert model.index(500, COL_DEADLINE).data() == ""  # not loaded: a placeholder
    with qtbot.waitSignal(model.pageLoaded, timeout=5000) as loaded:
        pass
    assert loaded.args == [5]
    assert model.index(500, COL_CASE_NO).data() == "CY20261127000501"
    assert threads and main not in threads
