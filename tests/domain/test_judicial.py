"""The rules of a transfer's feedback: which answers may follow which, and with what outcome."""

from __future__ import annotations

import pytest

from command_center.domain.judicial import (
    FeedbackError,
    FeedbackStatus,
    FeedbackStep,
    Outcome,
    plan_feedback,
)
from command_center.domain.workflow import Role, WorkflowError

S, OUT = FeedbackStatus, Outcome
CHIEF = Role.SHIFT_CHIEF


@pytest.mark.parametrize("status", [S.ACCEPTED, S.REJECTED])
def test_an_awaiting_transfer_is_accepted_or_rejected(status):
    assert plan_feedback(S.AWAITING, status, None, CHIEF) == FeedbackStep(status, None)


@pytest.mark.parametrize("outcome", list(OUT))
def test_an_accepted_transfer_closes_with_any_outcome(outcome):
    assert plan_feedback("accepted", "closed", outcome.value, CHIEF) == FeedbackStep(
        S.CLOSED, outcome
    )


def test_closing_an_accepted_transfer_needs_an_outcome():
    with pytest.raises(FeedbackError, match="needs an outcome"):
        plan_feedback(S.ACCEPTED, S.CLOSED, None, CHIEF)


def test_a_rejected_transfer_closes_as_returned():
    assert plan_feedback(S.REJECTED, S.CLOSED, None, CHIEF) == FeedbackStep(S.CLOSED, OUT.RETURNED)
    assert plan_feedback(S.REJECTED, S.CLOSED, OUT.RETURNED, CHIEF).outcome is OUT.RETURNED
    with pytest.raises(FeedbackError, match="closes as returned, not prosecuted"):
        plan_feedback(S.REJECTED, S.CLOSED, OUT.PROSECUTED, CHIEF)


@pytest.mark.parametrize(
    ("current", "status"),
    [
        (S.AWAITING, S.CLOSED),
        (S.AWAITING, S.AWAITING),
        (S.ACCEPTED, S.REJECTED),
        (S.REJECTED, S.ACCEPTED),
        (S.CLOSED, S.ACCEPTED),
        (S.CLOSED, S.CLOSED),
    ],
)
def test_other_transitions_are_refused_naming_what_is_allowed(current, status):
    with pytest.raises(FeedbackError, match=f"that is {current.value} cannot become"):
        plan_feedback(current, status, OUT.JUDGED if status is S.CLOSED else None, CHIEF)


def test_a_closed_transfer_is_final():
    with pytest.raises(FeedbackError, match=r"nothing \(it is final\)"):
        plan_feedback(S.CLOSED, S.ACCEPTED, None, CHIEF)


def test_an_outcome_only_comes_with_closing():
    with pytest.raises(FeedbackError, match="only when the transfer is closed"):
        plan_feedback(S.AWAITING, S.ACCEPTED, OUT.JUDGED, CHIEF)


def test_unknown_status_or_outcome_is_named():
    with pytest.raises(FeedbackError, match="unknown feedback status 'done'"):
        plan_feedback(S.AWAITING, "done", None, CHIEF)
    with pytest.raises(FeedbackError, match="unknown outcome 'jailed'"):
        plan_feedback(S.ACCEPTED, S.CLOSED, "jailed", CHIEF)


@pytest.mark.parametrize("role", [Role.SHIFT_CHIEF, Role.SUPERVISOR, Role.ADMIN])
def test_chief_supervisor_and_admin_record_feedback(role):
    assert plan_feedback(S.AWAITING, S.ACCEPTED, None, role).status is S.ACCEPTED


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.DISPATCHER, Role.INTAKE])
def test_other_roles_may_not_record_feedback(role):
    with pytest.raises(WorkflowError, match=f"role {role.value} may not record feedback"):
        plan_feedback(S.AWAITING, S.ACCEPTED, None, role)
