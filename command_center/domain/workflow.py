"""The national closed loop (GB/T 30428.8) as a state machine.

report → register → dispatch → accept → feedback → verify → close, plus not registered,
a dispatch declined by the squad, rework, extension, suspension and transfer. Each action names the roles allowed to take it;
`plan_transition` decides and returns a `Transition` record, or raises a `WorkflowError`
that says in plain words why not. It changes nothing: the store applies the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class CaseState(StrEnum):
    """Where a case stands in the closed loop."""

    REPORTED = "reported"  # 上报
    REGISTERED = "registered"  # 立案
    NOT_REGISTERED = "not_registered"  # 不予立案 (terminal)
    DISPATCHED = "dispatched"  # 派遣
    IN_PROGRESS = "in_progress"  # 处置中 (accepted by the handling unit)
    HANDLED = "handled"  # 处置反馈 (handled, awaiting on-site check)
    REWORK = "rework"  # 返工 (check failed, sent back)
    EXTENSION_REQUESTED = "extension_requested"  # 延期申请 (clock paused)
    SUSPENDED = "suspended"  # 挂账 (clock paused)
    VERIFIED = "verified"  # 核查通过 (awaiting close)
    CLOSED = "closed"  # 结案 (terminal)
    TRANSFERRED = "transferred"  # 移送 police/procuratorate/court (terminal)


class Role(StrEnum):
    """Who takes part in the loop (GB/T 30428 and the city's rules)."""

    INSPECTOR = "inspector"  # 监督员 / 网格员
    INTAKE = "intake"  # 受理员
    SHIFT_CHIEF = "shift_chief"  # 值班长
    DISPATCHER = "dispatcher"  # 派遣员
    SQUAD = "squad"  # 处置单位 / 执法中队
    SUPERVISOR = "supervisor"  # 督查
    ADMIN = "admin"


class Action(StrEnum):
    """What a person can do to a case."""

    REPORT = "report"  # 上报
    REGISTER = "register"  # 立案
    REJECT = "reject"  # 不予立案
    DISPATCH = "dispatch"  # 派遣
    ACCEPT = "accept"  # 接收 / 开始处置
    DECLINE = "decline"  # 退回: the squad refuses the dispatch (not its area or duty, no capacity)
    FEEDBACK = "feedback"  # 处置反馈
    VERIFY = "verify"  # 核查通过
    RETURN_FOR_REWORK = "return_for_rework"  # 核查不通过, 返工
    CLOSE = "close"  # 结案
    REQUEST_EXTENSION = "request_extension"  # 申请延期
    GRANT_EXTENSION = "grant_extension"  # 批准延期
    DENY_EXTENSION = "deny_extension"  # 驳回延期
    SUSPEND = "suspend"  # 挂账
    RESUME = "resume"  # 解除挂账
    TRANSFER_UNIT = "transfer_unit"  # 转派 to another handling unit
    TRANSFER_JUDICIAL = "transfer_judicial"  # 移送 police / procuratorate / court


TERMINAL_STATES: frozenset[CaseState] = frozenset(
    {CaseState.NOT_REGISTERED, CaseState.CLOSED, CaseState.TRANSFERRED}
)
# States in which the handling clock does not run.
PAUSED_STATES: frozenset[CaseState] = frozenset(
    {CaseState.SUSPENDED, CaseState.EXTENSION_REQUESTED}
)
# States in which the handling unit still owes work (due to handle, not yet handled).
HANDLING_STATES: frozenset[CaseState] = frozenset(
    {
        CaseState.DISPATCHED,
        CaseState.IN_PROGRESS,
        CaseState.REWORK,
        CaseState.EXTENSION_REQUESTED,
    }
)
OPEN_STATES: frozenset[CaseState] = frozenset(CaseState) - TERMINAL_STATES

# Sentinel target: go back to the state the case was in before it was paused.
RESUME_PREVIOUS = "<previous>"


@dataclass(frozen=True)
class Rule:
    """One action: the states it starts from, where it leads, who may take it."""

    action: Action
    sources: frozenset[CaseState | None]
    target: CaseState | str
    roles: frozenset[Role]


def _rule(action: Action, sources, target, roles) -> Rule:
    return Rule(action, frozenset(sources), target, frozenset(roles) | {Role.ADMIN})


S = CaseState
R = Role
RULES: dict[Action, Rule] = {
    r.action: r
    for r in (
        _rule(Action.REPORT, [None], S.REPORTED, [R.INSPECTOR, R.INTAKE, R.SHIFT_CHIEF]),
        _rule(Action.REGISTER, [S.REPORTED], S.REGISTERED, [R.SHIFT_CHIEF]),
        _rule(Action.REJECT, [S.REPORTED], S.NOT_REGISTERED, [R.SHIFT_CHIEF, R.INTAKE]),
        _rule(Action.DISPATCH, [S.REGISTERED], S.DISPATCHED, [R.DISPATCHER, R.SHIFT_CHIEF]),
        _rule(Action.ACCEPT, [S.DISPATCHED, S.REWORK], S.IN_PROGRESS, [R.SQUAD]),
        # Back to the dispatcher's 待派遣 list, before any work started; the reason is kept.
        _rule(Action.DECLINE, [S.DISPATCHED], S.REGISTERED, [R.SQUAD]),
        _rule(Action.FEEDBACK, [S.IN_PROGRESS, S.REWORK], S.HANDLED, [R.SQUAD]),
        _rule(Action.VERIFY, [S.HANDLED], S.VERIFIED, [R.INSPECTOR]),
        _rule(Action.RETURN_FOR_REWORK, [S.HANDLED], S.REWORK, [R.INSPECTOR, R.SHIFT_CHIEF]),
        _rule(Action.CLOSE, [S.VERIFIED], S.CLOSED, [R.SHIFT_CHIEF]),
        _rule(
            Action.REQUEST_EXTENSION,
            [S.DISPATCHED, S.IN_PROGRESS, S.REWORK],
            S.EXTENSION_REQUESTED,
            [R.SQUAD],
        ),
        _rule(
            Action.GRANT_EXTENSION,
            [S.EXTENSION_REQUESTED],
            RESUME_PREVIOUS,
            [R.DISPATCHER, R.SHIFT_CHIEF],
        ),
        _rule(
            Action.DENY_EXTENSION,
            [S.EXTENSION_REQUESTED],
            RESUME_PREVIOUS,
            [R.DISPATCHER, R.SHIFT_CHIEF],
        ),
        _rule(
            Action.SUSPEND,
            [S.REGISTERED, S.DISPATCHED, S.IN_PROGRESS, S.REWORK],
            S.SUSPENDED,
            [R.SHIFT_CHIEF, R.SUPERVISOR],
        ),
        _rule(Action.RESUME, [S.SUSPENDED], RESUME_PREVIOUS, [R.SHIFT_CHIEF, R.SUPERVISOR]),
        _rule(
            Action.TRANSFER_UNIT,
            [S.DISPATCHED, S.IN_PROGRESS],
            S.DISPATCHED,
            [R.DISPATCHER, R.SHIFT_CHIEF],
        ),
        _rule(
            Action.TRANSFER_JUDICIAL,
            [S.REGISTERED, S.DISPATCHED, S.IN_PROGRESS, S.REWORK, S.SUSPENDED],
            S.TRANSFERRED,
            [R.SHIFT_CHIEF, R.SUPERVISOR],
        ),
    )
}

# Actions that need a note (a reason) because someone will later ask "why".
NOTE_REQUIRED: frozenset[Action] = frozenset(
    {
        Action.REJECT,
        Action.DECLINE,
        Action.RETURN_FOR_REWORK,
        Action.REQUEST_EXTENSION,
        Action.DENY_EXTENSION,
        Action.SUSPEND,
        Action.TRANSFER_UNIT,
        Action.TRANSFER_JUDICIAL,
    }
)


class WorkflowError(Exception):
    """A requested action is not allowed; the message says why in plain words."""


class IllegalTransition(WorkflowError):
    def __init__(self, action: Action, state: CaseState | None) -> None:
        self.action, self.state = action, state
        where = "a new case" if state is None else f"a case that is {state.value}"
        allowed = ", ".join(sorted(s.value for s in RULES[action].sources if s is not None))
        super().__init__(
            f"cannot {action.value} {where}"
            + (f"; {action.value} is allowed only from: {allowed}" if allowed else "")
        )


class RoleNotAllowed(WorkflowError):
    def __init__(self, action: Action, role: Role) -> None:
        self.action, self.role = action, role
        roles = ", ".join(sorted(r.value for r in RULES[action].roles))
        super().__init__(f"role {role.value} may not {action.value}; allowed roles: {roles}")


class NoteRequired(WorkflowError):
    def __init__(self, action: Action) -> None:
        self.action = action
        super().__init__(f"{action.value} needs a note giving the reason")


@dataclass(frozen=True)
class Transition:
    """What one action did: the audit record of the case's trail."""

    action: Action
    from_state: CaseState | None
    to_state: CaseState
    role: Role
    actor_id: int | None
    at: datetime
    note: str = ""
    data: dict = field(default_factory=dict)


def plan_transition(
    state: CaseState | None,
    action: Action,
    role: Role,
    *,
    at: datetime,
    actor_id: int | None = None,
    note: str = "",
    resume_state: CaseState | None = None,
    data: dict | None = None,
) -> Transition:
    """Decide whether `role` may take `action` on a case in `state`, and where it leads.

    `resume_state` is the state the case was in before it was paused (needed to leave
    SUSPENDED or EXTENSION_REQUESTED). Raises a `WorkflowError` and decides nothing else.
    """
    rule = RULES[action]
    if state not in rule.sources:
        raise IllegalTransition(action, state)
    if role not in rule.roles:
        raise RoleNotAllowed(action, role)
    if action in NOTE_REQUIRED and not note.strip():
        raise NoteRequired(action)
    if rule.target == RESUME_PREVIOUS:
        if resume_state is None or resume_state in TERMINAL_STATES | PAUSED_STATES:
            raise WorkflowError(
                f"cannot {action.value}: the state before the pause is unknown ({resume_state})"
            )
        target = resume_state
    else:
        target = CaseState(rule.target)
    return Transition(
        action=action,
        from_state=state,
        to_state=target,
        role=role,
        actor_id=actor_id,
        at=at,
        note=note.strip(),
        data=dict(data or {}),
    )


def allowed_actions(state: CaseState | None, role: Role) -> list[Action]:
    """The actions `role` may take on a case in `state` (for enabling buttons)."""
    return [a for a, r in RULES.items() if state in r.sources and role in r.roles]
