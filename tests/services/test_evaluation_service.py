"""Monthly scores from a hand-made case history on both databases, and the weights file.

Every case uses category 0101 (上水井盖, 2 natural hours), so a case dispatched at 09:00 is due
at 11:00 and each figure below can be worked out by hand.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from command_center.domain.calendar import CST
from command_center.domain.evaluation import Band, Weights
from command_center.domain.workflow import Role as R
from command_center.services.cases import Actor
from command_center.services.evaluation import (
    WeightsFileError,
    WeightsStore,
    month_bounds,
    monthly_scores,
)
from command_center.store.models import Case, Person, PersonRole

AS_OF = datetime(2026, 11, 27, 9, 0, tzinfo=CST)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CST)


class History:
    """Drives `org.service` with the fake clock set to each step's time."""

    def __init__(self, org) -> None:
        self.org = org
        self.svc = org.service
        self.a = org.actors

    def when(self, t: datetime) -> History:
        self.org.clock.now = t
        return self

    def reported(self, t: datetime, reporter=None, *, register: bool = True) -> int:
        self.when(t)
        cid = self.svc.report(
            reporter or self.a[R.INSPECTOR], category_code="0101", lon=120.4515, lat=41.5705
        ).case_id
        if register:
            self.svc.register(self.a[R.SHIFT_CHIEF], cid)
        return cid

    def dispatched(
        self, t: datetime, *, squad: int | None = None, unit: int | None = None, reporter=None
    ) -> int:
        cid = self.reported(t, reporter)
        self.svc.dispatch(self.a[R.DISPATCHER], cid, squad_id=squad, unit_id=unit)
        self.svc.accept(self.a[R.SQUAD], cid)
        return cid

    def feedback(self, t: datetime, cid: int) -> None:
        self.when(t).svc.feedback(self.a[R.SQUAD], cid)

    def verify(self, t: datetime, cid: int, inspector=None) -> None:
        self.when(t).svc.verify(inspector or self.a[R.INSPECTOR], cid)

    def rework(self, t: datetime, cid: int, inspector=None) -> None:
        self.when(t).svc.return_for_rework(inspector or self.a[R.INSPECTOR], cid, note="未修好")


@pytest.fixture
def history(store, org):
    """October and November 2026 for two squads of 南塔中队, the other unit and two workers."""
    with store.transaction() as s:
        w2 = Person(code="W2", name="网格员二", unit_id=org.unit_id)
        s.add(w2)
        s.flush()
        s.add(PersonRole(person_id=w2.id, role=R.INSPECTOR.value))
        w2_id = w2.id
    second = Actor(w2_id, R.INSPECTOR)
    h = History(org)
    sq1, sq2 = org.squad_ids

    # October: squad 1's one case, registered 23:00 on the 31st (CST; 15:00 UTC), handled on
    # time and verified by the first worker 15 minutes after the feedback.
    oct_case = h.dispatched(at(10, 31, 23), squad=sq1)
    h.feedback(at(10, 31, 23, 30), oct_case)
    h.verify(at(10, 31, 23, 45), oct_case)

    # November, squad 1: four cases dispatched at 09:00 on the 2nd, due at 11:00.
    c1 = h.dispatched(at(11, 2, 9), squad=sq1)
    h.feedback(at(11, 2, 10), c1)  # on time
    h.verify(at(11, 2, 10, 30), c1)  # worker 1, 30 min after: on time
    h.when(at(11, 2, 10, 40)).svc.close(h.a[R.SHIFT_CHIEF], c1)
    c2 = h.dispatched(at(11, 2, 9), squad=sq1)
    h.feedback(at(11, 2, 12), c2)  # late
    h.dispatched(at(11, 2, 9), squad=sq1)  # c3: never handled, overdue at AS_OF
    c4 = h.dispatched(at(11, 2, 9), squad=sq1)
    h.feedback(at(11, 2, 10), c4)
    h.rework(at(11, 2, 10, 30), c4)  # worker 1, on time; the case is reworked
    h.feedback(at(11, 2, 10, 45), c4)  # handled again, on time
    h.verify(at(11, 2, 13), c4, second)  # worker 2, 2 h 15 min after: late

    # November, squad 2: one case registered at 00:30 on the 1st (CST; still 31 Oct in UTC).
    c5 = h.dispatched(at(11, 1, 0, 30), squad=sq2)
    h.feedback(at(11, 1, 1), c5)
    h.verify(at(11, 1, 2), c5, second)  # worker 2, 1 h after: on time

    # November, the other unit (no squad): one case handled on time.
    c6 = h.dispatched(at(11, 3, 9), unit=org.other_unit_id)
    h.feedback(at(11, 3, 10), c6)

    # November, worker 2's own reports: one registered (never dispatched), one rejected.
    h.reported(at(11, 4, 9), second)
    rejected = h.reported(at(11, 4, 9), second, register=False)
    h.svc.reject(h.a[R.SHIFT_CHIEF], rejected, note="重复上报")
    return {"w2": w2_id}


def test_month_bounds_are_china_standard_time() -> None:
    start, end = month_bounds(2026, 12)
    assert (start.isoformat(), end.isoformat()) == (
        "2026-12-01T00:00:00+08:00",
        "2027-01-01T00:00:00+08:00",
    )


def test_squads_ranked_with_trend_and_bands(store, org, history):
    ranked = monthly_scores(store, 2026, 11, kind="squad", as_of=AS_OF)
    # 南塔一组2: 1 due, handled on time → 30 + 20 + 20 + 20 + 10 = 100
    # 南塔一组1: 4 due; handled c1, c2, c4 = 0.75; on time c1, c4 = 0.5; reworked c4 = 0.25;
    #   overdue c3 = 0.25; extended 0 → 0.75×30 + 0.5×20 + 0.75×20 + 0.75×20 + 1×10
    #   = 22.5 + 10 + 15 + 15 + 10 = 72.5; October: its one case on time → 100
    assert [(r.name, r.rank, r.band) for r in ranked] == [
        ("南塔一组2", 1, Band.GREEN),
        ("南塔一组1", 2, Band.RED),
    ]
    assert ranked[0].score == pytest.approx(100.0) and ranked[0].previous is None
    assert ranked[1].score == pytest.approx(72.5)
    assert ranked[1].previous == pytest.approx(100.0)
    assert ranked[1].trend == pytest.approx(-27.5)


def test_units_ranked(store, org, history):
    ranked = monthly_scores(store, 2026, 11, kind="unit", as_of=AS_OF)
    # 市政设施管理处: c6 on time → 100. 南塔中队: 5 due (c1–c5); handled 4 = 0.8; on time 3 = 0.6;
    # reworked 1 = 0.2; overdue 1 = 0.2 → 24 + 12 + 16 + 16 + 10 = 78 (amber); October 100.
    assert [(r.name, r.rank, r.band) for r in ranked] == [
        ("市政设施管理处", 1, Band.GREEN),
        ("南塔中队", 2, Band.AMBER),
    ]
    assert ranked[1].score == pytest.approx(78.0)
    assert ranked[1].trend == pytest.approx(-22.0)


def test_edited_weights_rerank(store, org, history):
    # Only the extension rate counts: nobody extended → both squads 100, tied, by name.
    w = Weights(handle=0, on_time_handle=0, rework=0, overdue=0, extension=100)
    ranked = monthly_scores(store, 2026, 11, kind="squad", weights=w, as_of=AS_OF)
    assert [(r.name, r.rank, r.score) for r in ranked] == [
        ("南塔一组1", 1, 100.0),
        ("南塔一组2", 1, 100.0),
    ]


def test_grid_workers_ranked(store, org, history):
    ranked = monthly_scores(store, 2026, 11, kind="grid_worker", as_of=AS_OF)
    # 人员0 (worker 1): reported c1–c6, all registered → 6/6; checks c1 verify, c4 rework,
    #   both on time → 2/2; reports 6 vs the median of (6, 2) = 4 → volume 1
    #   → 40 + 40 + 20 = 100. October: 1 report, 1 on-time check, median (1, 0) = 0.5 → 100.
    # 网格员二: 2 reports, 1 registered and 1 rejected → 0.5; checks c4 late, c5 on time
    #   → 0.5; volume 2/4 = 0.5 → 20 + 20 + 10 = 50 (red). October: nothing → no score.
    assert [(r.name, r.rank, r.band) for r in ranked] == [
        ("人员0", 1, Band.GREEN),
        ("网格员二", 2, Band.RED),
    ]
    assert ranked[0].score == pytest.approx(100.0) and ranked[0].trend == pytest.approx(0.0)
    assert ranked[1].score == pytest.approx(50.0) and ranked[1].previous is None


def test_a_month_without_cases_lists_everyone_unscored(store, org, history):
    ranked = monthly_scores(store, 2026, 9, kind="squad", as_of=AS_OF)
    assert [(r.name, r.score, r.rank) for r in ranked] == [
        ("南塔一组1", None, None),
        ("南塔一组2", None, None),
    ]


def test_a_case_counts_for_the_month_of_its_registration_in_cst(store, org, history):
    with store.read() as s:
        first = s.scalars(select(Case).order_by(Case.id).limit(1)).one()
    assert first.registered_at.astimezone(CST).month == 10  # 31 Oct 23:00 CST
    october = monthly_scores(store, 2026, 10, kind="squad", as_of=AS_OF)
    assert [(r.name, r.score) for r in october if r.score is not None] == [("南塔一组1", 100.0)]


# -- the weights file -------------------------------------------------------------------------
def test_weights_store_defaults_saves_and_loads(tmp_path):
    ws = WeightsStore(tmp_path / "config" / "evaluation_weights.json")
    assert ws.load() == Weights()
    edited = Weights(handle=40, on_time_handle=20, rework=10, overdue=20, extension=10)
    ws.save(edited)
    assert WeightsStore(ws.path).load() == edited
    assert json.loads(ws.path.read_text(encoding="utf-8"))["weights"]["handle"] == 40.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"handle": 30}', 'must hold {"weights"'),
        (
            '{"weights": {"handle": 50, "on_time_handle": 20, "rework": 20, "overdue": 20, '
            '"extension": 10}}',
            "sum to 100, not 120",
        ),
        ('{"weights": {"handle": 100}}', "missing"),
    ],
)
def test_a_bad_weights_file_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "evaluation_weights.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WeightsFileError, match=message) as err:
        WeightsStore(path).load()
    assert str(path) in str(err.value)
