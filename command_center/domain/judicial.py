"""Judicial hand-over (司法衔接): what the receiving body's feedback on a transfer may say.

A case transferred to the police, the procuratorate or a court gets one transfer record. Its
feedback runs: awaiting → accepted | rejected; accepted → closed with an outcome; rejected →
closed with the outcome 'returned' (the body sent the case back). Closed is final.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from command_center.domain.workflow import Role, WorkflowError


class FeedbackStatus(StrEnum):
    AWAITING = "awaiting"  # 待反馈: sent, no word yet
    ACCEPTED = "accepted"  # 已受理
    REJECTED = "rejected"  # 不予受理
    CLOSED = "closed"  # 已办结


class Outcome(StrEnum):
    PENALISED = "penalised"  # 行政处罚 (e.g. police detention, fine)
    PROSECUTED = "prosecuted"  # 提起公诉
    JUDGED = "judged"  # 已判决
    RETURNED = "returned"  # 退回
    NO_ACTION = "no_action"  # 不予处理


# Who may transfer is the workflow's rule for TRANSFER_JUDICIAL; who may record feedback:
FEEDBACK_ROLES: frozenset[Role] = frozenset({Role.SHIFT_CHIEF, Role.SUPERVISOR, Role.ADMIN})

NEXT: dict[FeedbackStatus, frozenset[FeedbackStatus]] = {
    FeedbackStatus.AWAITING: frozenset({FeedbackStatus.ACCEPTED, FeedbackStatus.REJECTED}),
    FeedbackStatus.ACCEPTED: frozenset({FeedbackStatus.CLOSED}),
    FeedbackStatus.REJECTED: frozenset({FeedbackStatus.CLOSED}),
    FeedbackStatus.CLOSED: frozenset(),
}


class FeedbackError(WorkflowError):
    """The feedback is not allowed here; the message says why."""


@dataclass(frozen=True)
class FeedbackStep:
    """What the transfer record becomes: its new status and (when closed) its outcome."""

    status: FeedbackStatus
    outcome: Outcome | None


def plan_feedback(
    current: FeedbackStatus | str,
    status: FeedbackStatus | str,
    outcome: Outcome | str | None,
    role: Role,
) -> FeedbackStep:
    """Check one piece of feedback against the rules; raise `FeedbackError` saying why not."""
    if role not in FEEDBACK_ROLES:
        allowed = ", ".join(sorted(r.value for r in FEEDBACK_ROLES))
        raise FeedbackError(f"role {role.value} may not record feedback; allowed roles: {allowed}")
    current = _status(current)
    status = _status(status)
    if outcome is not None:
        try:
            outcome = Outcome(outcome)
        except ValueError:
            known = ", ".join(o.value for o in Outcome)
            raise FeedbackError(f"unknown outcome {outcome!r}; one of: {known}") from None
    if status not in NEXT[current]:
        allowed = ", ".join(sorted(s.value for s in NEXT[current])) or "nothing (it is final)"
        raise FeedbackError(
            f"a transfer that is {current.value} cannot become {status.value}; "
            f"it can become: {allowed}"
        )
    if status is not FeedbackStatus.CLOSED:
        if outcome is not None:
            raise FeedbackError(
                f"an outcome is recorded only when the transfer is closed, not when {status.value}"
            )
        return FeedbackStep(status, None)
    if current is FeedbackStatus.REJECTED:
        if outcome not in (None, Outcome.RETURNED):
            raise FeedbackError(
                f"a rejected transfer closes as {Outcome.RETURNED.value}, not {outcome.value}"
            )
        return FeedbackStep(status, Outcome.RETURNED)
    if outcome is None:
        known = ", ".join(o.value for o in Outcome)
        raise FeedbackError(f"closing an accepted transfer needs an outcome; one of: {known}")
    return FeedbackStep(status, outcome)


def _status(value: FeedbackStatus | str) -> FeedbackStatus:
    try:
        return FeedbackStatus(value)
    except ValueError:
        known = ", ".join(s.value for s in FeedbackStatus)
        raise FeedbackError(f"unknown feedback status {value!r}; one of: {known}") from None
