"""The closed loop: every allowed and every forbidden (state, action, role) combination."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from command_center.domain.workflow import (
    NOTE_REQUIRED,
    OPEN_STATES,
    PAUSED_STATES,
    RULES,
    TERMINAL_STATES,
    Action,
    CaseState,
    IllegalTransition,
    NoteRequired,
    Role,
    RoleNotAllowed,
    WorkflowError,
    allowed_actions,
    plan_transition,
)

AT = datetime(2026, 11, 27, 9, 0, tzinfo=timezone(timedelta(hours=8)))
S, A, R = CaseState, Action, Role

# The table the city's rules give, written out independently of RULES: (from, action) → to.
EXPECTED: dict[tuple[CaseState | None, Action], CaseState | str] = {
    (None, A.REPORT): S.REPORTED,
    (S.REPORTED, A.REGISTER): S.REGISTERED,
    (S.REPORTED, A.REJECT): S.NOT_REGISTERED,
    (S.REGISTERED, A.DISPATCH): S.DISPATCHED,
    (S.DISPATCHED, A.ACCEPT): S.IN_PROGRESS,
    (S.REWORK, A.ACCEPT): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.FEEDBACK): S.HANDLED,
    (S.REWORK, A.FEEDBACK): S.HANDLED,
    (S.DISPATCHED, A.DECLINE): S.REGISTERED,
    (S.HANDLED, A.VERIFY): S.VERIFIED,
    (S.HANDLED, A.RETURN_FOR_REWORK): S.REWORK,
    (S.VERIFIED, A.CLOSE): S.CLOSED,
    (S.DISPATCHED, A.REQUEST_EXTENSION): S.EXTENSION_REQUESTED,
    (S.IN_PROGRESS, A.REQUEST_EXTENSION): S.EXTENSION_REQUESTED,
    (S.REWORK, A.REQUEST_EXTENSION): S.EXTENSION_REQUESTED,
    (S.EXTENSION_REQUESTED, A.GRANT_EXTENSION): "previous",
    (S.EXTENSION_REQUESTED, A.DENY_EXTENSION): "previous",
    (S.REGISTERED, A.SUSPEND): S.SUSPENDED,
    (S.DISPATCHED, A.SUSPEND): S.SUSPENDED,
    (S.IN_PROGRESS, A.SUSPEND): S.SUSPENDED,
    (S.REWORK, A.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, A.RESUME): "previous",
    (S.DISPATCHED, A.TRANSFER_UNIT): S.DISPATCHED,
    (S.IN_PROGRESS, A.TRANSFER_UNIT): S.DISPATCHED,
    (S.REGISTERED, A.TRANSFER_JUDICIAL): S.TRANSFERRED,
    (S.DISPATCHED, A.TRANSFER_JUDICIAL): S.TRANSFERRED,
    (S.IN_PROGRESS, A.TRANSFER_JUDICIAL): S.TRANSFERRED,
    (S.REWORK, A.TRANSFER_JUDICIAL): S.TRANSFERRED,
    (S.SUSPENDED, A.TRANSFER_JUDICIAL): S.TRANSFERRED,
}
ROLES: dict[Action, set[Role]] = {
    A.REPORT: {R.INSPECTOR, R.INTAKE, R.SHIFT_CHIEF},
    A.REGISTER: {R.SHIFT_CHIEF},
    A.REJECT: {R.SHIFT_CHIEF, R.INTAKE},
    A.DISPATCH: {R.DISPATCHER, R.SHIFT_CHIEF},
    A.ACCEPT: {R.SQUAD},
    A.DECLINE: {R.SQUAD},
    A.FEEDBACK: {R.SQUAD},
    A.VERIFY: {R.INSPECTOR},
    A.RETURN_FOR_REWORK: {R.INSPECTOR, R.SHIFT_CHIEF},
    A.CLOSE: {R.SHIFT_CHIEF},
    A.REQUEST_EXTENSION: {R.SQUAD},
    A.GRANT_EXTENSION: {R.DISPATCHER, R.SHIFT_CHIEF},
    A.DENY_EXTENSION: {R.DISPATCHER, R.SHIFT_CHIEF},
    A.SUSPEND: {R.SHIFT_CHIEF, R.SUPERVISOR},
    A.RESUME: {R.SHIFT_CHIEF, R.SUPERVISOR},
    A.TRANSFER_UNIT: {R.DISPATCHER, R.SHIFT_CHIEF},
    A.TRANSFER_JUDICIAL: {R.SHIFT_CHIEF, R.SUPERVISOR},
}
STATES: list[CaseState | None] = [None, *CaseState]
PREVIOUS = S.IN_PROGRESS  # the state a paused case returns to in these tests


def _plan(state, action, role):
    return plan_transition(
        state, action, role, at=AT, actor_id=7, note="reason given", resume_state=PREVIOUS
    )


@pytest.mark.parametrize(
    ("state", "action", "role"),
    [
        (state, action, role)
        for (state, action) in EXPECTED
        for role in [*sorted(ROLES[action]), R.ADMIN]
    ],
)
def test_allowed_transition_goes_where_the_rules_say(state, action, role):
    step = _plan(state, action, role)
    expected = EXPECTED[(state, action)]
    assert step.to_state == (PREVIOUS if expected == "previous" else expected)
    assert (step.from_state, step.action, step.role, step.actor_id, step.at) == (
        state, action, role, 7, AT
    )
    assert step.note == "reason given"


FORBIDDEN_STATES = [
    (state, action)
    for state, action in itertools.product(STATES, Action)
    if (state, action) not in EXPECTED
]


@pytest.mark.parametrize(("state", "action"), FORBIDDEN_STATES)
def test_action_from_a_wrong_state_is_refused(state, action):
    with pytest.raises(IllegalTransition) as err:
        _plan(state, action, R.ADMIN)
    assert action.value in str(err.value)
    assert (state.value if state else "a new case") in str(err.value)


@pytest.mark.parametrize(
    ("state", "action", "role"),
    [
        (state, action, role)
        for (state, action) in EXPECTED
        for role in Role
        if role not in ROLES[action] | {R.ADMIN}
    ],
)
def test_wrong_role_is_refused(state, action, role):
    with pytest.raises(RoleNotAllowed) as err:
        _plan(state, action, role)
    assert role.value in str(err.value) and "allowed roles" in str(err.value)


def test_rules_table_matches_the_written_table():
    got = {
        (src, action) for action, rule in RULES.items() for src in rule.sources
    }
    assert got == set(EXPECTED)
    for action, roles in ROLES.items():
        assert RULES[action].roles == frozenset(roles | {R.ADMIN})


@pytest.mark.parametrize("action", sorted(NOTE_REQUIRED))
def test_actions_that_need_a_reason_refuse_an_empty_note(action):
    state = next(s for (s, a) in EXPECTED if a == action)
    with pytest.raises(NoteRequired):
        plan_transition(state, action, R.ADMIN, at=AT, note="   ", resume_state=PREVIOUS)


@pytest.mark.parametrize("bad", [None, S.CLOSED, S.SUSPENDED])
def test_leaving_a_pause_needs_a_sound_previous_state(bad):
    with pytest.raises(WorkflowError):
        plan_transition(S.SUSPENDED, A.RESUME, R.SHIFT_CHIEF, at=AT, resume_state=bad)


def test_full_closed_loop_with_rework_and_extension():
    path = [
        (A.REPORT, R.INSPECTOR), (A.REGISTER, R.SHIFT_CHIEF), (A.DISPATCH, R.DISPATCHER),
        (A.ACCEPT, R.SQUAD), (A.REQUEST_EXTENSION, R.SQUAD), (A.GRANT_EXTENSION, R.DISPATCHER),
        (A.FEEDBACK, R.SQUAD), (A.RETURN_FOR_REWORK, R.INSPECTOR), (A.FEEDBACK, R.SQUAD),
        (A.VERIFY, R.INSPECTOR), (A.CLOSE, R.SHIFT_CHIEF),
    ]
    state, before_pause = None, None
    for action, role in path:
        step = plan_transition(state, action, role, at=AT, note="x", resume_state=before_pause)
        if step.to_state in PAUSED_STATES:
            before_pause = state
        state = step.to_state
    assert state is S.CLOSED


def test_state_sets_are_consistent():
    assert TERMINAL_STATES == {S.NOT_REGISTERED, S.CLOSED, S.TRANSFERRED}
    assert OPEN_STATES.isdisjoint(TERMINAL_STATES)
    for state in TERMINAL_STATES:
        assert allowed_actions(state, R.ADMIN) == []
    assert allowed_actions(S.HANDLED, R.INSPECTOR) == [A.VERIFY, A.RETURN_FOR_REWORK]
