"""The KPI read model on both real databases, every figure computed by hand.

Cases go through the real `CaseService` with a clock the test moves, so each timestamp (and
each deadline, from the working calendar) is known: the category used, 200102, has a limit of
4 working hours (08:30–12:00, 13:30–17:30), so a case dispatched Monday 09:00 is due 14:30.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from command_center.domain.calendar import CST
from command_center.domain.workflow import Role
from command_center.services import kpi
from command_center.services.kpi import KpiRange
from command_center.store.models import Squad

R = Role
MON = date(2026, 11, 23)  # the org fixture's clock starts Monday 2026-11-23 09:00 CST
GRID_1, GRID_2, GRID_3 = "211302001001001", "211302001001002", "211302001001003"
LON = {GRID_1: 120.4505, GRID_2: 120.4515, GRID_3: 120.4525}


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=CST)


class Loop:
    """Takes cases through the closed loop at the times the test names."""

    def __init__(self, org) -> None:
        self.org, self.svc, self.a = org, org.service, org.actors

    def _at(self, when: datetime | None) -> None:
        if when is not None:
            assert when >= self.org.clock.now, "the test's clock only moves forward"
            self.org.clock.now = when

    def report(self, when=None, *, code="200102", grid=GRID_2) -> int:
        self._at(when)
        return self.svc.report(
            self.a[R.INSPECTOR], category_code=code, lon=LON[grid], lat=41.5705
        ).case_id

    def register(self, cid, when=None) -> None:
        self._at(when)
        self.svc.register(self.a[R.SHIFT_CHIEF], cid)

    def dispatch(self, cid, when=None, *, squad=0, unit_id=None) -> None:
        """Dispatched to one of the org's squads (or to a unit without a squad), accepted."""
        self._at(when)
        if unit_id is None:
            self.svc.dispatch(self.a[R.DISPATCHER], cid, squad_id=self.org.squad_ids[squad])
        else:
            self.svc.dispatch(self.a[R.DISPATCHER], cid, unit_id=unit_id)
        self.svc.accept(self.a[R.SQUAD], cid)

    def handle(self, cid, when=None) -> None:
        self._at(when)
        self.svc.feedback(self.a[R.SQUAD], cid, note="已处置")
        self.svc.verify(self.a[R.INSPECTOR], cid)

    def close(self, cid, when=None) -> None:
        self._at(when)
        self.svc.close(self.a[R.SHIFT_CHIEF], cid)


@pytest.fixture
def loop(org) -> Loop:
    return Loop(org)


# -- ranges ---------------------------------------------------------------------------------
def test_ranges_run_from_china_midnight_to_china_midnight():
    week = KpiRange.days(MON, 7)
    assert week.start == at(MON - timedelta(days=6), 0) and week.end == at(MON + timedelta(1), 0)
    assert week.day_list()[0] == date(2026, 11, 17) and len(week.day_list()) == 7
    dec = KpiRange.month(2026, 12)
    assert (dec.start, dec.end) == (at(date(2026, 12, 1), 0), at(date(2027, 1, 1), 0))
    assert KpiRange.month(2026, 2).end == at(date(2026, 3, 1), 0)
    with pytest.raises(ValueError):
        KpiRange.days(MON, 0)


# -- the wall's tiles -----------------------------------------------------------------------
def test_today_tiles_count_todays_work_by_china_day(store, org, loop):
    # Sunday 23:30 CST (15:30 UTC, the same UTC date as Monday's morning): yesterday's.
    org.clock.now = at(MON - timedelta(days=1), 23, 30)
    late_night = loop.report()
    loop.register(late_night, at(MON, 8, 0))  # registered today, reported yesterday
    late = loop.report(at(MON, 9))
    loop.register(late)
    loop.dispatch(late)  # due 14:30
    on_time = loop.report(at(MON, 9))
    loop.register(on_time)
    loop.dispatch(on_time)  # due 14:30
    overdue = loop.report(at(MON, 9, 30))
    loop.register(overdue)
    loop.dispatch(overdue)  # due 15:00
    loop.handle(on_time, at(MON, 10))
    loop.close(on_time, at(MON, 11))
    loop.handle(late, at(MON, 14, 50))
    loop.close(late, at(MON, 15, 10))  # after its deadline
    loop.report(at(MON, 15, 30))  # only reported
    now = at(MON, 16, 0)
    with store.transaction() as s:
        s.execute(
            update(Squad)
            .where(Squad.id == org.squad_ids[0])
            .values(shift_start=time(8), shift_end=time(17, 30))
        )
        s.execute(update(Squad).where(Squad.id == org.squad_ids[1]).values(status="off_duty"))

    tiles = kpi.today_tiles(store, now)

    assert tiles == kpi.TodayTiles(
        reported=4,  # on_time, late, overdue, the 15:30 one (not Sunday's)
        registered=4,  # Sunday's, on_time, late, overdue
        dispatched=3,
        closed=2,
        on_time_rate=0.5,
        overdue_now=1,  # `overdue`: in progress, due 15:00
        squads_on_duty=1,  # squad 1 on its day shift, squad 2 off duty
    )
    # At 06:00 the day shift has not begun, and nothing was closed yet that day.
    tomorrow = kpi.today_tiles(store, at(MON + timedelta(days=1), 6))
    assert (tomorrow.squads_on_duty, tomorrow.closed, tomorrow.on_time_rate) == (0, 0, None)
    assert tomorrow.overdue_now == 1


# -- a Sunday and a Monday of work, for the series, the evaluation and the drill-down --------
SAT, SUN = MON - timedelta(days=2), MON - timedelta(days=1)
MIX_1, MIX_2 = "200201", "200103"  # two other categories (reported, never dispatched)


@dataclass
class Week:
    ids: dict[str, int]
    squad_names: list[str]


@pytest.fixture
def week(org, loop) -> Week:
    """Timeline (CST), category 200102 unless named; due = the 4-working-hour deadline.

    Sun 07:00  C reported, dispatched to squad 1 (due Mon 14:00)
    Sun 23:30  D reported (MIX_1)        - Sunday's, though it is Sunday 15:30 UTC
    Mon 00:10  E reported (MIX_1)        - Monday's, though it is Sunday 16:10 UTC too
    Mon 09:00  A → squad 1, B → squad 2, X → the other unit (no squad); all due 14:30
    Mon 09:15  C handled and closed      (26.25 h, on time)
    Mon 09:30  G1, G2 (grid 1), J, H (grid 3) → squad 1, due 15:00; H then suspended
    Mon 10:30  A handled, 11:00 closed   (2 h, on time)
    Mon 11:45  X handled, 12:00 closed   (3 h, on time)
    Mon 13:00  I (grid 3) → squad 2, due 17:30 (the clock starts after lunch, 13:30)
    Mon 15:00  B handled, 15:30 closed   (6.5 h, late: due 14:30)
    Mon 16:00  F reported (MIX_2)
    """
    ids: dict[str, int] = {}
    org.clock.now = at(SUN, 7)
    ids["C"] = loop.report()
    loop.register(ids["C"])
    loop.dispatch(ids["C"])
    ids["D"] = loop.report(at(SUN, 23, 30), code=MIX_1)
    ids["E"] = loop.report(at(MON, 0, 10), code=MIX_1)
    org.clock.now = at(MON, 9)
    for name, how in (
        ("A", {"squad": 0}),
        ("B", {"squad": 1}),
        ("X", {"unit_id": org.other_unit_id}),
    ):
        ids[name] = loop.report()
        loop.register(ids[name])
        loop.dispatch(ids[name], **how)
    loop.handle(ids["C"], at(MON, 9, 15))
    loop.close(ids["C"])
    org.clock.now = at(MON, 9, 30)
    for name, grid in (("G1", GRID_1), ("G2", GRID_1), ("J", GRID_3), ("H", GRID_3)):
        ids[name] = loop.report(grid=grid)
        loop.register(ids[name])
        loop.dispatch(ids[name])
    org.service.suspend(org.actors[R.SHIFT_CHIEF], ids["H"], note="待拆迁, 挂账")
    loop.handle(ids["A"], at(MON, 10, 30))
    loop.close(ids["A"], at(MON, 11))
    loop.handle(ids["X"], at(MON, 11, 45))
    loop.close(ids["X"], at(MON, 12))
    ids["I"] = loop.report(at(MON, 13), grid=GRID_3)
    loop.register(ids["I"])
    loop.dispatch(ids["I"], squad=1)
    loop.handle(ids["B"], at(MON, 15))
    loop.close(ids["B"], at(MON, 15, 30))
    ids["F"] = loop.report(at(MON, 16), code=MIX_2)
    return Week(ids, ["南塔一组1", "南塔一组2"])


THREE_DAYS = KpiRange.days(MON, 3)  # Saturday, Sunday, Monday


def test_daily_counts_put_each_case_on_its_china_day_with_empty_days_as_zeros(store, week):
    assert kpi.daily_counts(store, THREE_DAYS) == [
        kpi.DailyCount(SAT, reported=0, closed=0),
        kpi.DailyCount(SUN, reported=2, closed=0),  # C, D (23:30)
        kpi.DailyCount(MON, reported=10, closed=4),  # E (00:10), A B X G1 G2 J H I F; C A X B
    ]
    assert kpi.daily_counts(store, KpiRange.days(SUN, 1)) == [kpi.DailyCount(SUN, 2, 0)]


def test_daily_counts_of_a_month_list_every_day(store, week):
    nov = kpi.daily_counts(store, KpiRange.month(2026, 11))
    assert [d.day for d in nov] == [date(2026, 11, i) for i in range(1, 31)]
    assert sum(d.reported for d in nov) == 12 and sum(d.closed for d in nov) == 4
    assert kpi.daily_counts(store, KpiRange.month(2026, 12))[0] == kpi.DailyCount(
        date(2026, 12, 1), 0, 0
    )


def test_closure_times_are_hours_from_report_to_close(store, week):
    times = kpi.closure_times(store, THREE_DAYS)
    assert times.hours == (2.0, 3.0, 6.5, 26.25)  # A, X, B, C
    assert times.median == 4.75
    assert times.p90 == pytest.approx(6.5 + (26.25 - 6.5) * 0.7)  # rank 2.7 of 0..3
    assert kpi.closure_times(store, KpiRange.days(SUN, 1)) == kpi.ClosureTimes((), None, None)


def test_on_time_by_squad_and_unit_rank_the_worst_first(store, org, week):
    assert kpi.on_time_by_squad(store, THREE_DAYS) == [
        kpi.OnTimeRow(org.squad_ids[1], "南塔一组2", closed=1, on_time=0, rate=0.0),  # B
        kpi.OnTimeRow(org.squad_ids[0], "南塔一组1", closed=2, on_time=2, rate=1.0),  # C, A
    ]
    assert kpi.on_time_by_unit(store, THREE_DAYS) == [
        kpi.OnTimeRow(org.unit_id, "南塔中队", closed=3, on_time=2, rate=2 / 3),
        kpi.OnTimeRow(org.other_unit_id, "市政设施管理处", closed=1, on_time=1, rate=1.0),  # X
    ]
    assert kpi.on_time_by_squad(store, KpiRange.days(SUN, 1)) == []


def test_on_time_ties_are_ordered_by_name(store, org, loop):
    org.clock.now = at(MON, 9)
    for squad in (1, 0):
        cid = loop.report()
        loop.register(cid)
        loop.dispatch(cid, squad=squad)
        loop.handle(cid)
        loop.close(cid)
    rows = kpi.on_time_by_squad(store, KpiRange.days(MON, 1))
    assert [(r.name, r.rate) for r in rows] == [("南塔一组1", 1.0), ("南塔一组2", 1.0)]


def test_overdue_by_grid_counts_running_cases_past_their_deadline(store, org, week):
    # G1, G2 (grid 1) and J (grid 3) were due 15:00; H is suspended; I is due 17:30.
    assert kpi.overdue_by_grid(store, at(MON, 16)) == {GRID_1: 2, GRID_3: 1}
    assert kpi.overdue_by_grid(store, at(MON, 15)) == {}  # due at 15:00 is not yet overdue
    assert kpi.overdue_by_grid(store, at(MON, 17, 31)) == {GRID_1: 2, GRID_3: 2}
    # Handled (awaiting the close), J keeps its passed deadline but no longer counts; nor
    # does B, closed late in grid 2.
    Loop(org).handle(week.ids["J"])
    assert kpi.overdue_by_grid(store, at(MON, 16)) == {GRID_1: 2}


def test_category_mix_lists_the_most_reported_first(store, week):
    assert kpi.category_mix(store, THREE_DAYS) == [
        ("200102", "暴露垃圾", 9),
        (MIX_1, "非法张贴小广告", 2),
        (MIX_2, "积存垃圾渣土", 1),
    ]
    assert kpi.category_mix(store, KpiRange.days(SUN, 1)) == [
        ("200102", "暴露垃圾", 1),  # C
        (MIX_1, "非法张贴小广告", 1),  # D; a tie goes by code
    ]


def test_cases_for_a_bar_are_its_cases_newest_first(store, org, week):
    ids = week.ids
    now = at(MON, 16)

    def got(**kw) -> list[int]:
        return [r.id for r in kpi.cases_for(store, THREE_DAYS, now=now, **kw)]

    assert got(day=SUN) == [ids["D"], ids["C"]]  # the Sunday bar: 23:30 is Sunday's
    assert got(day=SUN, closed_only=True) == []
    assert got(day=MON, closed_only=True) == [ids["B"], ids["X"], ids["A"], ids["C"]]
    assert got(squad_id=org.squad_ids[1], closed_only=True) == [ids["B"]]
    assert got(unit_id=org.other_unit_id, closed_only=True) == [ids["X"]]
    assert got(category_code=MIX_1) == [ids["E"], ids["D"]]
    assert got(grid_code=GRID_3) == [ids["I"], ids["H"], ids["J"]]
    assert got(grid_code=GRID_1, overdue_only=True) == [ids["G1"], ids["G2"]]
    assert got(day=MON, limit=2) == [ids["F"], ids["I"]]
    assert got(day=date(2026, 11, 20)) == []  # a day outside the range
    rows = {r.id: r for r in kpi.cases_for(store, THREE_DAYS, grid_code=GRID_3, now=now)}
    j = rows[ids["J"]]
    assert (j.category_code, j.category_name, j.squad_name, j.overdue) == (
        "200102",
        "暴露垃圾",
        "南塔一组1",
        True,
    )
    assert (j.reported_at, j.deadline_at) == (at(MON, 9, 30), at(MON, 15))
    assert rows[ids["H"]].overdue is False and rows[ids["I"]].overdue is False
