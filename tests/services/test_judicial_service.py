"""Judicial hand-over on both real databases: transfer with its record, feedback, counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from command_center.domain.judicial import FeedbackError, FeedbackStatus, Outcome
from command_center.domain.workflow import IllegalTransition, Role, RoleNotAllowed
from command_center.services.changes import NotFound, ServiceError
from command_center.services.judicial import JudicialService
from command_center.store.models import Case, CaseEvent, ChangeLog, JudicialTransfer

R, S = Role, FeedbackStatus
DOCS = ["移送函", "现场笔录", "照片 6 张"]


@pytest.fixture
def judicial(store, org) -> JudicialService:
    return JudicialService(store, org.service, clock=org.clock, workstation="desk-7")


def _registered_case(org) -> int:
    case_id = org.service.report(
        org.actors[R.INSPECTOR],
        category_code="200102",
        lon=120.4515,
        lat=41.5705,
        description="占道经营拒不整改",
        address="南塔街",
    ).case_id
    org.service.register(org.actors[R.SHIFT_CHIEF], case_id)
    return case_id


def _record(store, case_id) -> JudicialTransfer | None:
    with store.read() as s:
        return s.scalar(select(JudicialTransfer).where(JudicialTransfer.case_id == case_id))


def _snapshot(store, case_id):
    with store.read() as s:
        case = s.get(Case, case_id)
        events = s.scalar(select(func.count()).where(CaseEvent.case_id == case_id))
        log = s.scalar(select(func.count()).select_from(ChangeLog))
        t = s.scalar(select(JudicialTransfer).where(JudicialTransfer.case_id == case_id))
        row = (t.feedback_status, t.outcome, t.reference_no, t.feedback_at) if t else None
        return case.state, case.version, case.transferred_to, events, log, row


def test_transfer_moves_the_case_and_writes_the_record_together(store, org, judicial):
    case_id = _registered_case(org)
    chief = org.actors[R.SHIFT_CHIEF]
    changes = judicial.transfer(
        chief, case_id, body="police", materials=DOCS + ["  "], note="涉嫌妨害公务"
    )
    record = _record(store, case_id)
    assert changes.case_id == case_id
    assert changes.ids("judicial_transfers") == {record.id}
    assert (record.body, record.sent_at, record.sent_by) == (
        "police",
        org.clock.now,
        chief.person_id,
    )
    assert record.feedback_status == "awaiting" and record.outcome is None
    with store.read() as s:
        case = s.get(Case, case_id)
        trail = s.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id.desc())
        ).first()
        logged = set(
            s.execute(
                select(ChangeLog.table_name, ChangeLog.row_id).where(
                    ChangeLog.workstation == "desk-7"
                )
            ).all()
        )
    assert (case.state, case.transferred_to) == ("transferred", "police")
    assert trail.action == "transfer_judicial"
    assert trail.data == {"body": "police", "materials": DOCS}
    assert ("judicial_transfers", record.id) in logged
    [row] = judicial.transfers()
    assert (row.case_no, row.body, row.sent_by, row.materials, row.status) == (
        case.case_no,
        "police",
        f"人员{list(Role).index(R.SHIFT_CHIEF)}",
        DOCS,
        S.AWAITING,
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"body": "army", "materials": DOCS, "note": "x"}, ServiceError, "unknown body 'army'"),
        ({"body": "court", "materials": [" "], "note": "x"}, ServiceError, "list the documents"),
        ({"body": "court", "materials": DOCS, "note": ""}, Exception, "needs a note"),
    ],
)
def test_a_refused_transfer_writes_nothing(store, org, judicial, kwargs, error, match):
    case_id = _registered_case(org)
    before = _snapshot(store, case_id)
    with pytest.raises(error, match=match):
        judicial.transfer(org.actors[R.SHIFT_CHIEF], case_id, **kwargs)
    assert _snapshot(store, case_id) == before
    assert before[-1] is None


def test_only_chief_or_supervisor_transfer_and_only_once(store, org, judicial):
    case_id = _registered_case(org)
    with pytest.raises(RoleNotAllowed):
        judicial.transfer(org.actors[R.DISPATCHER], case_id, body="court", materials=DOCS, note="x")
    assert _record(store, case_id) is None
    judicial.transfer(org.actors[R.SUPERVISOR], case_id, body="court", materials=DOCS, note="x")
    before = _snapshot(store, case_id)
    with pytest.raises(IllegalTransition):
        judicial.transfer(
            org.actors[R.SHIFT_CHIEF], case_id, body="police", materials=DOCS, note="again"
        )
    assert _snapshot(store, case_id) == before


def test_feedback_runs_awaiting_accepted_closed(store, org, judicial):
    case_id = _registered_case(org)
    judicial.transfer(
        org.actors[R.SHIFT_CHIEF], case_id, body="procuratorate", materials=DOCS, note="涉嫌犯罪"
    )
    org.clock.now += timedelta(days=3)
    judicial.record_feedback(
        org.actors[R.SUPERVISOR], case_id, status="accepted", reference_no=" 龙检刑受〔2026〕88号 "
    )
    org.clock.now += timedelta(days=30)
    changes = judicial.record_feedback(
        org.actors[R.ADMIN], case_id, status=S.CLOSED, outcome=Outcome.PROSECUTED, note="已提起公诉"
    )
    record = _record(store, case_id)
    assert changes.ids("judicial_transfers") == {record.id}
    assert (record.feedback_status, record.outcome, record.reference_no) == (
        "closed",
        "prosecuted",
        "龙检刑受〔2026〕88号",
    )
    assert (record.feedback_at, record.feedback_by) == (
        org.clock.now,
        org.actors[R.ADMIN].person_id,
    )
    assert record.outcome_note == "已提起公诉"
    assert [r.case_id for r in judicial.transfers(S.CLOSED)] == [case_id]
    assert judicial.transfers(S.AWAITING) == []


def test_rejected_feedback_closes_as_returned(store, org, judicial):
    case_id = _registered_case(org)
    judicial.transfer(org.actors[R.SHIFT_CHIEF], case_id, body="police", materials=DOCS, note="x")
    judicial.record_feedback(
        org.actors[R.SHIFT_CHIEF], case_id, status="rejected", note="不构成治安案件"
    )
    judicial.record_feedback(org.actors[R.SHIFT_CHIEF], case_id, status="closed")
    assert _record(store, case_id).outcome == "returned"


@pytest.mark.parametrize(
    ("role", "status", "outcome", "match"),
    [
        (R.SHIFT_CHIEF, "closed", "judged", "that is awaiting cannot become closed"),
        (R.SHIFT_CHIEF, "accepted", "judged", "only when the transfer is closed"),
        (R.SHIFT_CHIEF, "done", None, "unknown feedback status"),
        (R.DISPATCHER, "accepted", None, "may not record feedback"),
    ],
)
def test_refused_feedback_changes_nothing(store, org, judicial, role, status, outcome, match):
    case_id = _registered_case(org)
    judicial.transfer(org.actors[R.SHIFT_CHIEF], case_id, body="police", materials=DOCS, note="x")
    before = _snapshot(store, case_id)
    with pytest.raises(FeedbackError, match=match):
        judicial.record_feedback(
            org.actors[role], case_id, status=status, outcome=outcome, reference_no="A-1"
        )
    assert _snapshot(store, case_id) == before


def test_feedback_on_a_case_without_a_transfer_is_not_found(store, org, judicial):
    case_id = _registered_case(org)
    with pytest.raises(NotFound, match="has no judicial transfer"):
        judicial.record_feedback(org.actors[R.SHIFT_CHIEF], case_id, status="accepted")


def test_counts_by_outcome_in_a_range(store, org, judicial):
    chief = org.actors[R.SHIFT_CHIEF]
    start = org.clock.now
    # (body, feedback to give): sent one hour apart, from 09:00 on the Monday.
    plan = [
        ("police", [("accepted", None), ("closed", "penalised")]),
        ("police", [("accepted", None), ("closed", "penalised")]),
        ("police", [("rejected", None), ("closed", None)]),  # returned
        ("police", []),  # awaiting
        ("court", [("accepted", None), ("closed", "judged")]),
        ("court", [("accepted", None)]),  # accepted, not closed
        ("procuratorate", [("rejected", None)]),  # rejected, not closed
    ]
    for body, feedback in plan:
        case_id = _registered_case(org)
        judicial.transfer(chief, case_id, body=body, materials=DOCS, note="x")
        for status, outcome in feedback:
            judicial.record_feedback(chief, case_id, status=status, outcome=outcome)
        org.clock.now += timedelta(hours=1)
    # One more, sent after the range ends: not counted.
    late = _registered_case(org)
    judicial.transfer(chief, late, body="police", materials=DOCS, note="x")

    counts = judicial.counts_by_outcome(start, start + timedelta(hours=7))
    assert counts == {
        ("police", "penalised"): 2,
        ("police", "returned"): 1,
        ("police", "awaiting"): 1,
        ("court", "judged"): 1,
        ("court", "accepted"): 1,
        ("procuratorate", "rejected"): 1,
    }
    # Starting a minute late leaves out the first transfer; a wider end takes in the late one.
    later = judicial.counts_by_outcome(start + timedelta(minutes=1), start + timedelta(days=1))
    assert later[("police", "penalised")] == 1 and later[("police", "awaiting")] == 2
