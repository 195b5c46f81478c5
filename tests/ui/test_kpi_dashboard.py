"""The KPI dashboard on a real database: figures, ranges, drilling down, export, rendering.

Four cases go through the real `CaseService` with the test's clock, so every figure is known
(category 200102 allows 4 working hours: dispatched Monday 09:00 it is due 14:30):

- A: Monday 09:00, squad 1, handled 10:00, closed 11:00 (2 h, on time), grid 2
- B: Monday 09:00, squad 2, handled 14:50, closed 15:10 (6 h 10 min, late), grid 2
- C: Monday 09:30, squad 1, left in progress (due 15:00: overdue), grid 3
- D: Tuesday 09:00, category 0101, only reported, grid 2

The dashboard is looked at on Tuesday 10:00.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import Role as R
from command_center.ui.kpi_dashboard import (
    CASE_ID_ROLE,
    CaseFilter,
    CaseListModel,
    KpiDashboard,
    RangePreset,
    closure_histogram,
    range_for,
    top_with_other,
)
from command_center.ui.taskman import TaskManager
from command_center.ui.theme import PALETTE
from tests.services.conftest import org  # noqa: F401 — the organisation fixture

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)
GRID_2, GRID_3 = "211302001001002", "211302001001003"
LON = {GRID_2: 120.4515, GRID_3: 120.4525}


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=CST)


def run_now(fn, on_done, on_error):
    """The worker, run synchronously (the dashboard does not care which thread)."""
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001
        on_error(exc)
    else:
        on_done(result)


@dataclass
class World:
    a: int
    b: int
    c: int
    d: int
    squads: list[str]


@pytest.fixture
def world(org) -> World:  # noqa: F811
    svc, actors, clock = org.service, org.actors, org.clock

    def report(when, code="200102", grid=GRID_2):
        clock.now = when
        return svc.report(
            actors[R.INSPECTOR], category_code=code, lon=LON[grid], lat=41.5705
        ).case_id

    def start(cid, squad):
        svc.register(actors[R.SHIFT_CHIEF], cid)
        svc.dispatch(actors[R.DISPATCHER], cid, squad_id=org.squad_ids[squad])
        svc.accept(actors[R.SQUAD], cid)

    def finish(cid, handled, closed):
        clock.now = handled
        svc.feedback(actors[R.SQUAD], cid, note="已处置")
        svc.verify(actors[R.INSPECTOR], cid)
        clock.now = closed
        svc.close(actors[R.SHIFT_CHIEF], cid)

    a, b = report(at(MON, 9)), report(at(MON, 9))
    start(a, 0)
    start(b, 1)
    c = report(at(MON, 9, 30), grid=GRID_3)
    start(c, 0)
    finish(a, at(MON, 10), at(MON, 11))
    finish(b, at(MON, 14, 50), at(MON, 15, 10))
    d = report(at(TUE, 9), code="0101")
    clock.now = at(TUE, 10)
    return World(a, b, c, d, ["南塔一组1", "南塔一组2"])


def make_dashboard(qtbot, org, submit=run_now, *, preset=RangePreset.LAST_7):  # noqa: F811
    dash = KpiDashboard(org.service.store, Catalogue.default(), submit, clock=org.clock)
    qtbot.addWidget(dash)
    dash.set_preset(preset)
    return dash


def heights(chart, series=0) -> list[float]:
    """What the chart's bar item was really given to draw (not the chart's own copy)."""
    item = chart.items[series]
    key = "width" if chart.horizontal else "height"
    return [float(v) for v in item.opts[key]]


def shown_ids(dash) -> set[int]:
    m = dash.case_model
    return {m.index(r, 0).data(CASE_ID_ROLE) for r in range(m.rowCount())}


# -- the figures --------------------------------------------------------------------------
def test_the_charts_hold_the_figures(qtbot, org, world):  # noqa: F811
    dash = make_dashboard(qtbot, org)
    with qtbot.waitSignal(dash.overdueByGrid) as grids:
        dash.reload()
    assert grids.args == [{GRID_3: 1}]

    assert dash.daily_chart.labels == [
        (MON - timedelta(days=5 - i)).strftime("%m-%d") for i in range(7)
    ]
    assert heights(dash.daily_chart, 0) == [0, 0, 0, 0, 0, 3, 1]  # reported
    assert heights(dash.daily_chart, 1) == [0, 0, 0, 0, 0, 2, 0]  # closed

    hist = dash.closure_chart
    assert [float(h) for h in hist.bars.opts["height"]][:3] == [1, 1, 0]  # 2 h and 6 h 10 min
    assert sum(hist.bars.opts["height"]) == 2
    median, p90 = (2 + 37 / 6) / 2, 2 + 0.9 * (37 / 6 - 2)
    assert hist.lines["median"].value() == pytest.approx(median)
    assert hist.lines["p90"].value() == pytest.approx(p90)
    assert f"{median:.1f}" in hist.caption.text() and f"{p90:.1f}" in hist.caption.text()

    # B's squad handled late (0 %) and comes first; A's on time (100 %)
    assert dash.on_time_chart.labels == [world.squads[1], world.squads[0]]
    assert heights(dash.on_time_chart) == [0.0, 100.0]
    dash.by_unit.click()
    assert dash.on_time_chart.labels == ["南塔中队"]
    assert heights(dash.on_time_chart) == [50.0]

    catalogue = Catalogue.default()
    assert dash.category_chart.labels == [catalogue["200102"].name, catalogue["0101"].name]
    assert heights(dash.category_chart) == [3, 1]
    assert dash.grid_chart.labels == [GRID_3]
    assert heights(dash.grid_chart) == [1]
    assert "4 reported, 2 closed" in dash.status.text()


def test_changing_the_range_reloads_everything(qtbot, org, world):  # noqa: F811
    tasks = TaskManager()
    try:
        dash = make_dashboard(qtbot, org, tasks.run)
        qtbot.waitUntil(lambda: dash.data is not None)
        assert heights(dash.daily_chart, 0)[-2:] == [3, 1]

        with qtbot.waitSignal(dash.loaded):
            dash.set_preset(RangePreset.TODAY)  # Tuesday: only D
        assert dash.daily_chart.labels == [TUE.strftime("%m-%d")]
        assert heights(dash.daily_chart, 0) == [1] and heights(dash.daily_chart, 1) == [0]
        assert sum(dash.closure_chart.bars.opts["height"]) == 0
        assert dash.on_time_chart.labels == []
        assert heights(dash.category_chart) == [1]
        assert dash.grid_chart.labels == [GRID_3]  # overdue is "now", whatever the range

        with qtbot.waitSignal(dash.loaded):
            dash.set_custom_range(MON, MON)
        assert dash.first.isEnabled() and dash.last.isEnabled()
        assert heights(dash.daily_chart, 0) == [3] and heights(dash.daily_chart, 1) == [2]
        assert heights(dash.category_chart) == [3]

        with qtbot.waitSignal(dash.loaded):  # editing a custom date reloads
            dash.first.setDate(MON - timedelta(days=1))
        assert len(dash.daily_chart.labels) == 2
    finally:
        assert tasks.shutdown()


def test_a_late_answer_for_an_older_range_is_dropped(qtbot, org, world):  # noqa: F811
    queued = []
    dash = make_dashboard(qtbot, org, lambda fn, ok, err: queued.append((fn, ok, err)))
    dash.set_preset(RangePreset.TODAY)
    newest, older = queued[-1], queued[-2]
    newest[1](newest[0]())
    older[1](older[0]())  # the 7-day answer arrives last
    assert dash.data.rng == range_for(RangePreset.TODAY, TUE)
    assert heights(dash.daily_chart, 0) == [1]
    older[2](RuntimeError("old failure"))  # an older failure is not shown either
    assert "old failure" not in dash.status.text()
    newest[2](RuntimeError("database gone"))
    assert "database gone" in dash.status.text()


# -- drilling down ------------------------------------------------------------------------
def test_clicking_a_bar_lists_exactly_its_cases(qtbot, org, world):  # noqa: F811
    dash = make_dashboard(qtbot, org)
    dash.reload()
    daily = dash.daily_chart
    monday = daily.labels.index(MON.strftime("%m-%d"))

    with qtbot.waitSignal(dash.casesShown):
        assert daily.click_at(daily.point_of(monday, 0)) == ("reported", MON)
    assert shown_ids(dash) == {world.a, world.b, world.c}
    assert "3" in dash.case_caption.text()
    daily.click_at(daily.point_of(monday, 1))
    assert shown_ids(dash) == {world.a, world.b}  # closed that day
    # the top of Monday's "closed" bar is y = 2: above it, or in the gap between days,
    # nothing is hit and the list stays
    assert daily.click_at(QPointF(daily.point_of(monday, 1).x(), 2.6)) is None
    assert daily.click_at(QPointF(monday + 0.5, 1.0)) is None
    assert shown_ids(dash) == {world.a, world.b}

    dash.on_time_chart.click_at(dash.on_time_chart.point_of(0))  # squad 2, 0 %
    assert shown_ids(dash) == {world.b}
    dash.by_unit.click()
    dash.on_time_chart.click_at(dash.on_time_chart.point_of(0))
    assert shown_ids(dash) == {world.a, world.b}

    dash.category_chart.click_at(dash.category_chart.point_of(1))  # 0101
    assert shown_ids(dash) == {world.d}
    dash.grid_chart.click_at(dash.grid_chart.point_of(0))
    assert shown_ids(dash) == {world.c}
    row = dash.case_model.rows[0]
    assert row.overdue and dash.case_model.index(0, 5).data().endswith("overdue")


def test_a_real_mouse_click_on_a_bar_and_a_double_click_on_a_case(qtbot, org, world):  # noqa: F811
    dash = make_dashboard(qtbot, org)
    dash.resize(1600, 1000)
    dash.show()
    qtbot.waitExposed(dash)
    chart = dash.category_chart
    view = chart.plot.getViewBox()
    pixel = chart.plot_widget.mapFromScene(view.mapViewToScene(chart.point_of(0)))
    with qtbot.waitSignal(dash.casesShown):
        qtbot.mouseClick(chart.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pixel)
    assert shown_ids(dash) == {world.a, world.b, world.c}  # 200102
    assert chart.selected == (0, 0)

    table = dash.case_table
    first = dash.case_model.index(0, 0)
    centre = table.visualRect(first).center()
    with qtbot.waitSignal(dash.caseActivated) as activated:
        # a double click is a press, a release and the double-click event (Qt's own order)
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert activated.args == [first.data(CASE_ID_ROLE)]


def test_the_case_model_is_a_proper_model(qtbot, qtmodeltester, org, world):  # noqa: F811
    dash = make_dashboard(qtbot, org)
    dash.reload()
    dash.show_cases(CaseFilter("all", day=MON))
    model = dash.case_model
    assert model.rowCount() == 3
    qtmodeltester.check(model)
    empty = CaseListModel()
    qtmodeltester.check(empty)


# -- export and looks ---------------------------------------------------------------------
def test_export_writes_the_case_list_and_the_figures(qtbot, org, world, tmp_path):  # noqa: F811
    dash = make_dashboard(qtbot, org)
    dash.reload()
    dash.grid_chart.click_at(dash.grid_chart.point_of(0))
    dash.export(tmp_path / "cases.csv", "cases")
    with open(tmp_path / "cases.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "Case no." and len(rows) == 2
    assert rows[1][0] == dash.case_model.rows[0].case_no

    dash.export(tmp_path / "figures.xlsx", "figures")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "figures.xlsx").active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert ["Overdue by grid", GRID_3, 1, None] in values
    monday = datetime.combine(MON, time())
    assert ["Reported per day", monday, 3, None] in values
    assert "Saved" in dash.case_caption.text()


def _colour_at(image, widget, chart, point: QPointF) -> QColor:
    view = chart.plot.getViewBox()
    local = chart.plot_widget.mapFromScene(view.mapViewToScene(point))
    return image.pixelColor(chart.plot_widget.mapTo(widget, QPoint(local.x(), local.y())))


def test_the_dashboard_renders_offscreen(qtbot, themed_qapp, org, world):  # noqa: F811
    dash = make_dashboard(qtbot, org)
    dash.resize(1600, 1000)
    dash.show()
    qtbot.waitExposed(dash)
    image = dash.grab().toImage()
    assert image.width() == 1600
    daily = dash.daily_chart
    monday = daily.labels.index(MON.strftime("%m-%d"))
    assert _colour_at(image, dash, daily, daily.point_of(monday, 0)) == QColor(PALETTE.accent)
    assert _colour_at(image, dash, daily, daily.point_of(monday, 1)) == QColor(PALETTE.ok)
    grid = dash.grid_chart
    assert _colour_at(image, dash, grid, grid.point_of(0)) == QColor(PALETTE.danger)
    # above Monday's bars: the plot's background
    empty = QPointF(daily.point_of(monday, 0).x(), 3.08)  # the view ends at 3.15
    assert _colour_at(image, dash, daily, empty) == QColor(PALETTE.base)


# -- the plain helpers ----------------------------------------------------------------------
def test_the_histogram_bins_and_overflow():
    counts = closure_histogram([0.0, 3.99, 4.0, 167.9, 168.0, 500.0])
    assert len(counts) == 43
    assert (counts[0], counts[1], counts[41], counts[42]) == (2, 1, 1, 2)


def test_top_ten_and_other():
    mix = [(f"{i:04d}", f"c{i}", 20 - i) for i in range(13)]
    rows = top_with_other(mix)
    assert [r[0] for r in rows[:10]] == [f"{i:04d}" for i in range(10)]
    assert rows[10] == (None, "", 10 + 9 + 8)
    assert top_with_other(mix[:3]) == mix[:3]


def test_range_presets():
    today = date(2026, 1, 15)
    assert range_for(RangePreset.THIS_MONTH, today).day_list()[0] == date(2026, 1, 1)
    assert range_for(RangePreset.THIS_MONTH, today).day_list()[-1] == today
    last = range_for(RangePreset.LAST_MONTH, today).day_list()
    assert (last[0], last[-1]) == (date(2025, 12, 1), date(2025, 12, 31))
    assert len(range_for(RangePreset.LAST_30, today).day_list()) == 30
    swapped = range_for(RangePreset.CUSTOM, today, date(2026, 1, 10), date(2026, 1, 8))
    assert swapped.day_list() == [date(2026, 1, 8), date(2026, 1, 9), date(2026, 1, 10)]
