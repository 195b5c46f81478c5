"""SquadService on both databases: positions (late fixes ignored), status, dispatch candidates."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from command_center.domain.dispatch import recommend
from command_center.domain.shifts import CST, STANDARD_SHIFTS
from command_center.domain.workflow import Role
from command_center.services.changes import NotFound, ServiceError
from command_center.services.squads import PositionFix, SquadService
from command_center.store.models import ChangeLog, Squad
from tests.services.conftest import Org, org  # noqa: F401


@pytest.fixture
def squads(store, org: Org) -> SquadService:  # noqa: F811
    return SquadService(store, clock=org.clock, workstation="desk-7")


def _squad(store, squad_id: int) -> Squad:
    with store.read() as s:
        squad = s.get(Squad, squad_id)
        assert squad is not None
        return squad


def _log(store) -> list[tuple[str, int, str]]:
    with store.read() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(ChangeLog.table_name, ChangeLog.row_id, ChangeLog.workstation).order_by(
                    ChangeLog.id
                )
            )
        ]


def test_a_position_is_stored_and_logged(store, org: Org, squads: SquadService) -> None:  # noqa: F811
    sq = org.squad_ids[0]
    at = org.clock.now
    changes = squads.report_position(sq, 120.451, 41.5705, 450.0, at)
    assert changes.ids("squads") == {sq}
    row = _squad(store, sq)
    assert (row.lon, row.lat, row.heading_deg, row.position_at) == (120.451, 41.5705, 90.0, at)
    assert _log(store) == [("squads", sq, "desk-7")]


def test_a_fix_older_than_the_stored_one_is_ignored(store, org: Org, squads) -> None:  # noqa: F811
    sq = org.squad_ids[0]
    at = org.clock.now
    squads.report_position(sq, 120.451, 41.5705, 10.0, at)
    late = squads.report_position(sq, 120.300, 41.5000, 20.0, at - timedelta(seconds=5))
    assert not late
    again = squads.report_position(sq, 120.451, 41.5705, 10.0, at)  # the same fix twice
    assert not again
    row = _squad(store, sq)
    assert (row.lon, row.lat, row.heading_deg, row.position_at) == (120.451, 41.5705, 10.0, at)
    assert len(_log(store)) == 1  # nothing written, nothing announced
    newer = squads.report_position(sq, 120.452, 41.5706, None, at + timedelta(seconds=5))
    assert newer.ids("squads") == {sq}
    row = _squad(store, sq)
    assert (row.lon, row.heading_deg) == (120.452, None)


def test_a_burst_of_fixes_keeps_the_newest_per_squad(store, org: Org, squads) -> None:  # noqa: F811
    a, b = org.squad_ids
    t = org.clock.now
    changes = squads.report_positions(
        [
            PositionFix(a, 120.451, 41.5701, 0.0, t + timedelta(seconds=10)),
            PositionFix(a, 120.459, 41.5709, 0.0, t),  # arrived out of order: ignored
            PositionFix(b, 120.452, 41.5702, 180.0, t),
        ]
    )
    assert changes.ids("squads") == {a, b}
    assert _squad(store, a).lon == 120.451
    assert sorted(r[1] for r in _log(store)) == [a, b]


@pytest.mark.parametrize(
    ("lon", "lat", "heading", "naive"),
    [(200.0, 41.0, 0.0, False), (120.0, float("nan"), 0.0, False), (120.0, 41.0, float("inf"), False),
     (120.0, 41.0, 0.0, True)],
)  # fmt: skip
def test_bad_fixes_are_refused(store, org: Org, squads, lon, lat, heading, naive) -> None:  # noqa: F811
    at = org.clock.now.replace(tzinfo=None) if naive else org.clock.now
    with pytest.raises(ServiceError):
        squads.report_position(org.squad_ids[0], lon, lat, heading, at)
    assert _squad(store, org.squad_ids[0]).position_at is None
    assert _log(store) == []


def test_unknown_squad(org: Org, squads) -> None:  # noqa: F811
    with pytest.raises(NotFound):
        squads.report_position(99999, 120.45, 41.57, 0.0, org.clock.now)
    with pytest.raises(NotFound):
        squads.set_status(99999, "busy")


def test_status_is_validated_and_logged_once(store, org: Org, squads) -> None:  # noqa: F811
    sq = org.squad_ids[1]
    with pytest.raises(ServiceError, match="unknown squad status"):
        squads.set_status(sq, "lunch")
    assert squads.set_status(sq, "busy").ids("squads") == {sq}
    assert not squads.set_status(sq, "busy")  # unchanged: nothing logged
    assert _squad(store, sq).status == "busy"
    squads.set_status(sq, "off_duty")
    assert _squad(store, sq).status == "off_duty"
    assert _log(store) == [("squads", sq, "desk-7")] * 2


def test_candidates_carry_unit_type_load_and_fix_age(store, org: Org, squads) -> None:  # noqa: F811
    a, b = org.squad_ids
    svc, actors = org.service, org.actors
    now = org.clock.now
    squads.report_position(a, 120.4505, 41.5705, 0.0, now - timedelta(minutes=30))  # stale
    squads.report_position(b, 120.4525, 41.5705, 0.0, now)
    # Two cases of squad b still owed, one handled (no longer load).
    ids = []
    for _ in range(3):
        c = svc.report(actors[Role.INSPECTOR], category_code="200301", lon=120.4515, lat=41.5705)
        svc.register(actors[Role.SHIFT_CHIEF], c.case_id)
        svc.dispatch(actors[Role.DISPATCHER], c.case_id, squad_id=b)
        ids.append(c.case_id)
    svc.accept(actors[Role.SQUAD], ids[0])
    svc.feedback(actors[Role.SQUAD], ids[0])
    squads.set_status(a, "busy")
    got = {c.id: c for c in squads.squad_candidates(now)}
    assert got[a].unit_type == got[b].unit_type == "enforcement"
    assert (got[a].open_cases, got[b].open_cases) == (0, 2)
    assert got[a].status == "busy" and got[a].position_at == now - timedelta(minutes=30)
    assert got[b].position_at == now
    # The dispatcher's rule sees them as the board does: the stale fix is left out.
    ranked = recommend(
        120.4515, 41.5705, got.values(), now=now, responsible_unit_type="enforcement"
    )
    assert [r.squad_id for r in ranked] == [b]
    assert ranked[0].load == 2
    squads.set_status(b, "off_duty")
    off = {c.id: c for c in squads.squad_candidates(now)}[b]
    assert not off.on_shift
    assert recommend(120.4515, 41.5705, [off], responsible_unit_type="enforcement") == []


def test_a_squad_off_shift_is_not_a_candidate(store, org: Org, squads) -> None:  # noqa: F811
    a, b = org.squad_ids
    now = datetime(2026, 11, 27, 9, 0, tzinfo=CST)  # a Friday morning
    for sq in (a, b):
        squads.report_position(sq, 120.4505, 41.5705, 0.0, now)
    assert squads.set_shift(a, STANDARD_SHIFTS["night"]).ids("squads") == {a}
    assert not squads.set_shift(a, STANDARD_SHIFTS["night"])  # unchanged: nothing logged
    got = {c.id: c for c in squads.squad_candidates(now)}
    assert not got[a].on_shift and got[b].on_shift
    assert [r.squad_id for r in recommend(120.4515, 41.5705, got.values(), now=now)] == [b]
    night = now.replace(hour=23)
    squads.report_position(a, 120.4505, 41.5705, 0.0, night)
    assert {c.id: c for c in squads.squad_candidates(night)}[a].on_shift
    assert _squad(store, a).shift_start == STANDARD_SHIFTS["night"].start
    with pytest.raises(NotFound):
        squads.set_shift(99999, STANDARD_SHIFTS["day"])
