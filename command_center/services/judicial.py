"""Judicial hand-over (司法衔接): transfer a case with a record of what was sent, track the
receiving body's feedback, and count transfers by outcome.

The transfer and its record are written in ONE transaction: the case's own `transfer_judicial`
step (workflow, roles, optimistic locking, trail) runs through `CaseService._act`, and the
record is added in the same unit of work, so a case is never `transferred` without a record.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session, aliased

from command_center.domain.judicial import FeedbackStatus, Outcome, plan_feedback
from command_center.domain.workflow import Action
from command_center.services import changelog
from command_center.services.cases import JUDICIAL_BODIES, Actor, CaseService, check_actor
from command_center.services.changelog import default_workstation
from command_center.services.changes import Changes, NotFound, ServiceError
from command_center.store.engine import Store
from command_center.store.models import Case, JudicialTransfer, Person

log = logging.getLogger("dispatch")

TABLE = JudicialTransfer.__tablename__
MAX_REFERENCE_NO = 64


@dataclass(frozen=True)
class TransferRow:
    """One transfer as the list shows it."""

    case_id: int
    case_no: str
    body: str
    sent_at: datetime
    sent_by: str | None  # the sender's name
    materials: list[str]
    reference_no: str | None
    status: FeedbackStatus
    feedback_at: datetime | None
    outcome: Outcome | None
    outcome_note: str


class JudicialService:
    """Transfers to police, procuratorate and court, and their feedback, on one store."""

    def __init__(
        self,
        store: Store,
        cases: CaseService,
        *,
        clock: Callable[[], datetime] | None = None,
        workstation: str | None = None,
    ) -> None:
        self.store = store
        self.cases = cases
        self.clock = clock or cases.clock
        self.workstation = (workstation or default_workstation())[:64]

    def transfer(
        self,
        actor: Actor,
        case_id: int,
        *,
        body: str,
        materials: list[str],
        note: str,
        expected_version: int | None = None,
    ) -> Changes:
        """移送: hand the case to `body` with the documents listed in `materials`."""
        if body not in JUDICIAL_BODIES:
            raise ServiceError(f"unknown body {body!r}; one of: {', '.join(JUDICIAL_BODIES)}")
        documents = [m.strip() for m in materials if m and m.strip()]
        if not documents:
            raise ServiceError("list the documents sent with the case (at least one)")
        record = JudicialTransfer(
            body=body,
            sent_by=actor.person_id,
            materials=json.dumps(documents, ensure_ascii=False),
            feedback_status=FeedbackStatus.AWAITING.value,
            outcome_note="",
        )

        def apply(s: Session, case: Case, at: datetime, data: dict) -> None:
            # What CaseService.transfer_judicial does, plus the record, in the same transaction.
            case.transferred_to = body
            case.deadline_at = None
            data["body"] = body
            data["materials"] = documents
            if s.scalar(select(JudicialTransfer.id).where(JudicialTransfer.case_id == case.id)):
                raise ServiceError(f"case {case.case_no} already has a transfer record")
            record.case_id = case.id
            record.sent_at = at
            s.add(record)
            # The record's id exists only after `_act` flushes; log it just before the commit.
            event.listen(
                s,
                "before_commit",
                lambda sess: changelog.record(
                    sess, Changes.of(**{TABLE: record.id}), self.workstation, at
                ),
                once=True,
            )

        changes = self.cases._act(
            actor, case_id, Action.TRANSFER_JUDICIAL, expected_version, note, apply
        )
        log.info("case %s transferred to %s with %d documents", case_id, body, len(documents))
        return changes | Changes.of(**{TABLE: record.id})

    def record_feedback(
        self,
        actor: Actor,
        case_id: int,
        *,
        status: FeedbackStatus | str,
        reference_no: str | None = None,
        outcome: Outcome | str | None = None,
        note: str = "",
    ) -> Changes:
        """反馈: what the receiving body answered (accepted, rejected, closed with an outcome)."""
        now = self.clock()
        if reference_no is not None:
            reference_no = reference_no.strip() or None
            if reference_no and len(reference_no) > MAX_REFERENCE_NO:
                raise ServiceError(f"a file number has at most {MAX_REFERENCE_NO} characters")
        with self.store.transaction() as s:
            check_actor(s, actor)
            record = s.scalar(
                select(JudicialTransfer)
                .where(JudicialTransfer.case_id == case_id)
                .with_for_update()  # two desks answering at once: the second sees the first
            )
            if record is None:
                raise NotFound(f"case {case_id} has no judicial transfer")
            step = plan_feedback(record.feedback_status, status, outcome, actor.role)
            record.feedback_status = step.status.value
            record.outcome = step.outcome.value if step.outcome else None
            record.feedback_at = now
            record.feedback_by = actor.person_id
            if reference_no:
                record.reference_no = reference_no
            if note:
                record.outcome_note = note
            s.flush()
            changes = Changes.of(**{TABLE: record.id})
            changelog.record(s, changes, self.workstation, now)
            log.info("transfer of case %s: %s (%s)", case_id, step.status, step.outcome)
            return changes

    def transfers(self, status: FeedbackStatus | str | None = None) -> list[TransferRow]:
        """All transfers, newest first; only those in `status` when given."""
        sender = aliased(Person)
        query = (
            select(JudicialTransfer, Case.case_no, sender.name)
            .join(Case, Case.id == JudicialTransfer.case_id)
            .outerjoin(sender, sender.id == JudicialTransfer.sent_by)
            .order_by(JudicialTransfer.sent_at.desc(), JudicialTransfer.id.desc())
        )
        if status is not None:
            query = query.where(JudicialTransfer.feedback_status == FeedbackStatus(status).value)
        with self.store.read() as s:
            return [
                TransferRow(
                    case_id=t.case_id,
                    case_no=case_no,
                    body=t.body,
                    sent_at=t.sent_at,
                    sent_by=name,
                    materials=json.loads(t.materials),
                    reference_no=t.reference_no,
                    status=FeedbackStatus(t.feedback_status),
                    feedback_at=t.feedback_at,
                    outcome=Outcome(t.outcome) if t.outcome else None,
                    outcome_note=t.outcome_note,
                )
                for t, case_no, name in s.execute(query)
            ]

    def counts_by_outcome(
        self, rng_start: datetime, rng_end: datetime
    ) -> dict[tuple[str, str], int]:
        """Transfers sent in [rng_start, rng_end) by (body, outcome), or (body, status) for
        those not closed yet."""
        with self.store.read() as s:
            rows = s.execute(
                select(
                    JudicialTransfer.body,
                    JudicialTransfer.outcome,
                    JudicialTransfer.feedback_status,
                ).where(JudicialTransfer.sent_at >= rng_start, JudicialTransfer.sent_at < rng_end)
            ).all()
        return dict(Counter((body, outcome or status) for body, outcome, status in rows))
