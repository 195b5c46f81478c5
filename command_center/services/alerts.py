"""What the desk must not miss: dispatches nobody accepted in time, deadlines due soon or past,
dispatches a squad declined (退回, waiting to be sent again) and extension requests waiting
for a decision.

The rules are `domain.dispatch.escalations` and `deadline_alerts`; this module reads the
cases they need in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from command_center.domain.dispatch import deadline_alerts, escalations
from command_center.domain.workflow import HANDLING_STATES, PAUSED_STATES, Action, CaseState
from command_center.store.engine import Store
from command_center.store.models import Case, CaseEvent

__all__ = ["ACCEPTANCE_TIMEOUT", "DeskAlerts", "desk_alerts"]

ACCEPTANCE_TIMEOUT = timedelta(minutes=15)  # a dispatch not accepted by then escalates
_HANDLING = sorted(s.value for s in HANDLING_STATES)
_PAUSED = frozenset(s.value for s in PAUSED_STATES)


@dataclass(frozen=True)
class DeskAlerts:
    """Case ids (with their numbers) in each kind of alert, the most pressing first."""

    not_accepted: tuple[tuple[int, str, timedelta], ...] = ()  # id, case no, overdue by
    due_soon: tuple[tuple[int, str], ...] = ()
    overdue: tuple[tuple[int, str], ...] = ()
    declined: tuple[tuple[int, str], ...] = ()  # back from a squad, not yet sent again
    extension_requests: tuple[tuple[int, str], ...] = ()  # waiting for grant or deny
    numbers: dict[int, str] = field(default_factory=dict)


def desk_alerts(
    store: Store, now: datetime, *, acceptance_timeout: timedelta = ACCEPTANCE_TIMEOUT
) -> DeskAlerts:
    with store.read() as s:
        dispatched = s.execute(
            select(Case.id, Case.case_no, Case.dispatched_at).where(
                Case.state == CaseState.DISPATCHED.value, Case.dispatched_at.is_not(None)
            )
        ).all()
        running = s.execute(
            select(Case.id, Case.case_no, Case.deadline_at, Case.state).where(
                Case.state.in_(_HANDLING), Case.deadline_at.is_not(None)
            )
        ).all()
        declined = s.execute(
            select(Case.id, Case.case_no)
            .where(
                Case.state == CaseState.REGISTERED.value,
                Case.id.in_(select(CaseEvent.case_id).where(
                    CaseEvent.action == Action.DECLINE.value)),
            )
            .order_by(Case.updated_at)
        ).all()
        asking = s.execute(
            select(Case.id, Case.case_no)
            .where(Case.state == CaseState.EXTENSION_REQUESTED.value)
            .order_by(Case.updated_at)
        ).all()
    numbers = {r.id: r.case_no for r in dispatched} | {r.id: r.case_no for r in running}
    numbers |= {r.id: r.case_no for r in declined} | {r.id: r.case_no for r in asking}
    late = escalations(((r.id, r.dispatched_at, None) for r in dispatched), now,
                       acceptance_timeout)
    alerts = deadline_alerts(((r.id, r.deadline_at, r.state in _PAUSED) for r in running), now)
    return DeskAlerts(
        not_accepted=tuple((e.case_id, numbers[e.case_id], e.overdue_by) for e in late),
        due_soon=tuple((i, numbers[i]) for i in alerts["due_soon"]),
        overdue=tuple((i, numbers[i]) for i in alerts["overdue"]),
        declined=tuple((r.id, r.case_no) for r in declined),
        extension_requests=tuple((r.id, r.case_no) for r in asking),
        numbers=numbers,
    )
