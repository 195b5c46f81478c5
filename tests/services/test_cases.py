"""The use cases on both real databases: the loop, the trail, deadlines, roles, conflicts."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from command_center.domain.calendar import CST
from command_center.domain.workflow import IllegalTransition, Role, RoleNotAllowed, WorkflowError
from command_center.services.cases import Actor, CaseService
from command_center.services.changes import ConflictError, ServiceError
from command_center.store.engine import Store, make_engine
from command_center.store.models import Case, CaseEvent

R = Role


def _case(store, case_id) -> Case:
    with store.read() as s:
        return s.get(Case, case_id)


def _trail(store, case_id) -> list[tuple[str, str | None, str, str]]:
    with store.read() as s:
        rows = s.execute(
            select(CaseEvent.action, CaseEvent.from_state, CaseEvent.to_state, CaseEvent.actor_role)
            .where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        ).all()
    return [tuple(r) for r in rows]


def _report(org, code="200102", **kw):
    return org.service.report(
        org.actors[R.INSPECTOR], category_code=code, lon=120.4515, lat=41.5705,
        description="路边暴露垃圾", address="南塔街", **kw
    ).case_id


def test_report_locates_the_case_on_its_grid_and_numbers_it(store, org):
    changes = org.service.report(
        org.actors[R.INSPECTOR], category_code="200102", lon=120.4515, lat=41.5705
    )
    case = _case(store, changes.case_id)
    assert case.grid_code == "211302001001002"
    assert case.district_code == "211302"
    assert case.case_no == "2026112300001"
    assert case.state == "reported" and case.version == 1
    assert (case.time_limit, case.time_unit) == (4, "working_hours")
    assert changes.ids("case_events")
    second = _report(org)
    assert _case(store, second).case_no == "2026112300002"


def test_full_loop_records_who_when_from_to(store, org):
    a, svc, clock = org.actors, org.service, org.clock
    cid = _report(org)
    svc.register(a[R.SHIFT_CHIEF], cid)
    clock.now += timedelta(minutes=10)
    svc.dispatch(a[R.DISPATCHER], cid, squad_id=org.squad_ids[0])
    svc.accept(a[R.SQUAD], cid)
    clock.now += timedelta(hours=2)
    svc.feedback(a[R.SQUAD], cid, note="已清运")
    svc.verify(a[R.INSPECTOR], cid)
    svc.close(a[R.SHIFT_CHIEF], cid)
    case = _case(store, cid)
    assert case.state == "closed"
    assert case.unit_id == org.unit_id and case.squad_id == org.squad_ids[0]
    # dispatched Monday 09:10 with 4 working hours: 2 h 50 before lunch, 1 h 10 after 13:30
    assert case.deadline_at == datetime(2026, 11, 23, 14, 40, tzinfo=CST)
    assert case.closed_at == datetime(2026, 11, 23, 11, 10, tzinfo=CST)
    assert _trail(store, cid) == [
        ("report", None, "reported", "inspector"),
        ("register", "reported", "registered", "shift_chief"),
        ("dispatch", "registered", "dispatched", "dispatcher"),
        ("accept", "dispatched", "in_progress", "squad"),
        ("feedback", "in_progress", "handled", "squad"),
        ("verify", "handled", "verified", "inspector"),
        ("close", "verified", "closed", "shift_chief"),
    ]
    with store.read() as s:
        ev = s.scalars(select(CaseEvent).where(CaseEvent.case_id == cid,
                                               CaseEvent.action == "feedback")).one()
    assert ev.actor_id == a[R.SQUAD].person_id and ev.note == "已清运"
    assert ev.at == datetime(2026, 11, 23, 11, 10, tzinfo=CST)


def test_illegal_transition_changes_nothing(store, org):
    cid = _report(org)
    before = (_case(store, cid).version, _trail(store, cid))
    with pytest.raises(IllegalTransition, match="cannot close a case that is reported"):
        org.service.close(org.actors[R.SHIFT_CHIEF], cid)
    with pytest.raises(RoleNotAllowed, match="role dispatcher may not register"):
        org.service.register(org.actors[R.DISPATCHER], cid)
    assert (_case(store, cid).version, _trail(store, cid)) == before


def test_person_must_hold_the_role_they_act_in(store, org):
    cid = _report(org)
    impostor = Actor(org.actors[R.INSPECTOR].person_id, R.SHIFT_CHIEF)
    with pytest.raises(WorkflowError, match="does not hold the role shift_chief"):
        org.service.register(impostor, cid)
    assert _case(store, cid).state == "reported"


def test_suspension_stops_the_clock_and_resume_restarts_it(store, org):
    a, svc, clock = org.actors, org.service, org.clock
    cid = _report(org)
    svc.register(a[R.SHIFT_CHIEF], cid)
    svc.dispatch(a[R.DISPATCHER], cid, unit_id=org.unit_id)  # Mon 09:00, due 14:30
    assert _case(store, cid).deadline_at == datetime(2026, 11, 23, 14, 30, tzinfo=CST)
    clock.now = datetime(2026, 11, 23, 10, 0, tzinfo=CST)
    svc.suspend(a[R.SUPERVISOR], cid, note="待规划部门认定")
    case = _case(store, cid)
    assert case.state == "suspended" and case.deadline_at is None and case.suspend_count == 1
    clock.now = datetime(2026, 11, 24, 10, 0, tzinfo=CST)  # a working day later
    svc.resume(a[R.SHIFT_CHIEF], cid)
    case = _case(store, cid)
    assert case.state == "dispatched"  # back where it was
    assert case.deadline_at == datetime(2026, 11, 24, 14, 30, tzinfo=CST)


def test_extension_request_then_grant_lengthens_the_limit(store, org):
    a, svc, clock = org.actors, org.service, org.clock
    cid = _report(org)
    svc.register(a[R.SHIFT_CHIEF], cid)
    svc.dispatch(a[R.DISPATCHER], cid, squad_id=org.squad_ids[1])
    svc.accept(a[R.SQUAD], cid)
    clock.now = datetime(2026, 11, 23, 11, 0, tzinfo=CST)
    svc.request_extension(a[R.SQUAD], cid, amount=8, note="需调运设备")
    assert _case(store, cid).state == "extension_requested"
    clock.now = datetime(2026, 11, 23, 14, 0, tzinfo=CST)  # 1.5 working hours of pause
    svc.grant_extension(a[R.DISPATCHER], cid)
    case = _case(store, cid)
    assert case.state == "in_progress" and case.extension_count == 1
    assert case.extension_amount == 8
    # 4 + 8 = 12 working hours from Mon 09:00, paused 11:00–14:00: Mon 2 h + 3.5 h,
    # Tue 3.5 h before lunch, 3 h after → Tue 16:30
    assert case.deadline_at == datetime(2026, 11, 24, 16, 30, tzinfo=CST)


def test_rework_returns_the_case_and_counts_it(store, org):
    a, svc = org.actors, org.service
    cid = _report(org)
    svc.register(a[R.SHIFT_CHIEF], cid)
    svc.dispatch(a[R.DISPATCHER], cid, unit_id=org.unit_id)
    svc.accept(a[R.SQUAD], cid)
    svc.feedback(a[R.SQUAD], cid, note="done")
    svc.return_for_rework(a[R.INSPECTOR], cid, note="现场仍有垃圾")
    case = _case(store, cid)
    assert (case.state, case.rework_count, case.handled_at) == ("rework", 1, None)
    svc.feedback(a[R.SQUAD], cid, note="再次清运")
    assert _case(store, cid).state == "handled"


def test_a_squad_declines_and_the_case_goes_back_to_the_dispatcher(store, org):
    a, svc = org.actors, org.service
    first, second = org.squad_ids
    cid = _report(org)
    svc.register(a[R.SHIFT_CHIEF], cid)
    svc.dispatch(a[R.DISPATCHER], cid, squad_id=first)
    with pytest.raises(WorkflowError, match="needs a note"):
        svc.decline(a[R.SQUAD], cid, note=" ")
    with pytest.raises(RoleNotAllowed):
        svc.decline(a[R.DISPATCHER], cid, note="x")
    svc.decline(a[R.SQUAD], cid, note="不属本中队辖区")
    case = _case(store, cid)
    assert (case.state, case.squad_id, case.unit_id, case.deadline_at) == (
        "registered", None, None, None)
    with store.read() as s:
        data, note = s.execute(
            select(CaseEvent.data, CaseEvent.note)
            .where(CaseEvent.case_id == cid, CaseEvent.action == "decline")
        ).one()
    assert data["squad_id"] == first and note == "不属本中队辖区"
    svc.dispatch(a[R.DISPATCHER], cid, squad_id=second)
    case = _case(store, cid)
    assert (case.state, case.squad_id) == ("dispatched", second) and case.deadline_at
    with pytest.raises(IllegalTransition):  # once accepted, it cannot be declined
        svc.accept(a[R.SQUAD], cid)
        svc.decline(a[R.SQUAD], cid, note="太忙")
    assert [t[0] for t in _trail(store, cid)] == [
        "report", "register", "dispatch", "decline", "dispatch", "accept"]


def test_reject_and_transfers(store, org):
    a, svc = org.actors, org.service
    c1 = _report(org)
    svc.reject(a[R.INTAKE], c1, note="重复上报")
    assert _case(store, c1).state == "not_registered"
    c2 = _report(org)
    svc.register(a[R.SHIFT_CHIEF], c2)
    svc.dispatch(a[R.DISPATCHER], c2, unit_id=org.unit_id)
    svc.transfer_unit(a[R.DISPATCHER], c2, unit_id=org.other_unit_id, note="属市政职责")
    case = _case(store, c2)
    assert (case.state, case.unit_id, case.squad_id) == ("dispatched", org.other_unit_id, None)
    svc.transfer_judicial(a[R.SUPERVISOR], c2, body="police", note="暴力抗法")
    assert _case(store, c2).state == "transferred"
    with pytest.raises(ServiceError, match="unknown body"):
        svc.transfer_judicial(a[R.SUPERVISOR], c2, body="army", note="x")


def test_stale_version_is_a_conflict(store, org):
    a, svc = org.actors, org.service
    cid = _report(org)
    svc.register(a[R.SHIFT_CHIEF], cid)
    seen = _case(store, cid).version
    svc.dispatch(a[R.DISPATCHER], cid, unit_id=org.unit_id, expected_version=seen)
    with pytest.raises(ConflictError, match="changed by another workstation"):
        svc.dispatch(a[R.SHIFT_CHIEF], cid, unit_id=org.other_unit_id, expected_version=seen)
    assert _case(store, cid).unit_id == org.unit_id


def test_two_workstations_dispatching_at_once_cannot_both_win(db_url, store, org):
    """Two real connections, two services, one barrier: exactly one dispatch lands."""
    a = org.actors
    cid = _report(org)
    org.service.register(a[R.SHIFT_CHIEF], cid)
    version = _case(store, cid).version
    stores = [Store(make_engine(db_url)) for _ in range(2)]
    services = [
        CaseService(st, org.service.catalogue, org.service.calendar, clock=org.clock)
        for st in stores
    ]
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def desk(i: int) -> None:
        barrier.wait()
        try:
            results[i] = services[i].dispatch(
                a[R.DISPATCHER], cid, squad_id=org.squad_ids[i], expected_version=version
            )
        except Exception as exc:  # the loser's error is the point of the test
            results[i] = exc

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for st in stores:
        st.dispose()
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], ConflictError)
    assert "another workstation" in str(losses[0])
    case = _case(store, cid)
    assert case.state == "dispatched" and case.version == version + 1
    assert [t[0] for t in _trail(store, cid)].count("dispatch") == 1


def test_audit_trail_is_append_only(store, org):
    cid = _report(org)
    with pytest.raises(DBAPIError, match="append-only"):
        with store.transaction() as s:
            s.execute(text("UPDATE case_events SET note = 'x' WHERE case_id = :c"), {"c": cid})
    with pytest.raises(DBAPIError, match="append-only"):
        with store.transaction() as s:
            s.execute(text("DELETE FROM case_events WHERE case_id = :c"), {"c": cid})
    assert len(_trail(store, cid)) == 1


def test_bad_report_input_is_refused(store, org):
    with pytest.raises(ServiceError, match="unknown category"):
        org.service.report(org.actors[R.INSPECTOR], category_code="999999", lon=120.45, lat=41.57)
    with pytest.raises(ServiceError, match="not a longitude"):
        org.service.report(org.actors[R.INSPECTOR], category_code="200102", lon=500, lat=41.57)
    with store.read() as s:
        assert s.scalar(select(Case.id)) is None


def test_reports_from_many_desks_at_once_get_distinct_numbers(db_url, store, org):
    """Case numbers are per day and running: concurrent reports must neither fail nor share."""
    stores = [Store(make_engine(db_url)) for _ in range(4)]
    services = [
        CaseService(st, org.service.catalogue, org.service.calendar, clock=org.clock)
        for st in stores
    ]
    barrier = threading.Barrier(len(services))
    errors: list[Exception] = []

    def desk(service: CaseService) -> None:
        barrier.wait()
        for _ in range(5):
            try:
                service.report(org.actors[R.INTAKE], category_code="200102",
                               lon=120.4515, lat=41.5705, source="hotline")
            except Exception as exc:  # collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=desk, args=(svc,)) for svc in services]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for st in stores:
        st.dispose()
    assert errors == []
    with store.read() as s:
        numbers = s.scalars(select(Case.case_no)).all()
    assert len(numbers) == 20 and len(set(numbers)) == 20
    assert sorted(numbers) == [f"20261123{i:05d}" for i in range(1, 21)]
