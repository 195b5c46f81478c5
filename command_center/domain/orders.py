"""Supervisors' orders (督办单 / 指令): who may do what to an order, and when it is late.

An order is issued by a supervisor, shift chief or admin to a squad or a unit, with a due
time and the cases it is about. The addressee *receives* it (a timestamp: it has been seen),
*acknowledges* it (accepts the task, status ``acknowledged``) and *completes* it (``done``);
the issuer may *cancel* an open order. An open order past its due time is overdue.

Plain Python: the services apply these rules, the UI only offers what they allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from command_center.domain.workflow import Role

__all__ = [
    "ISSUERS",
    "OPEN_STATUSES",
    "OrderAction",
    "OrderError",
    "OrderStatus",
    "check_issuer",
    "check_order_action",
    "is_overdue",
]


class OrderStatus(StrEnum):
    ISSUED = "issued"
    ACKNOWLEDGED = "acknowledged"
    DONE = "done"
    CANCELLED = "cancelled"


class OrderAction(StrEnum):
    RECEIVE = "receive"
    ACKNOWLEDGE = "acknowledge"
    COMPLETE = "complete"
    CANCEL = "cancel"


class OrderError(ValueError):
    """An order action that the rules refuse; nothing is changed."""


ISSUERS = frozenset({Role.SUPERVISOR, Role.SHIFT_CHIEF, Role.ADMIN})
ADDRESSEES = frozenset({Role.SQUAD, Role.ADMIN})  # a squad lead answers for the squad/unit
OPEN_STATUSES = frozenset({OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED})

# action → (roles that may take it, statuses it may be taken from, status after it or None)
_RULES: dict[OrderAction, tuple[frozenset[Role], frozenset[OrderStatus], OrderStatus | None]] = {
    OrderAction.RECEIVE: (ADDRESSEES, OPEN_STATUSES, None),
    OrderAction.ACKNOWLEDGE: (ADDRESSEES, frozenset({OrderStatus.ISSUED}), OrderStatus.ACKNOWLEDGED),
    OrderAction.COMPLETE: (ADDRESSEES, OPEN_STATUSES, OrderStatus.DONE),
    OrderAction.CANCEL: (ISSUERS, OPEN_STATUSES, OrderStatus.CANCELLED),
}


@dataclass(frozen=True)
class OrderStep:
    action: OrderAction
    from_status: OrderStatus
    to_status: OrderStatus  # the same as from_status for a receipt


def check_order_action(action: OrderAction, status: OrderStatus, role: Role) -> OrderStep:
    """The step `role` may take on an order in `status`, or OrderError saying why not."""
    roles, sources, target = _RULES[action]
    if role not in roles:
        allowed = ", ".join(sorted(r.value for r in roles))
        raise OrderError(f"role {role.value} may not {action.value} an order; allowed: {allowed}")
    if status not in sources:
        raise OrderError(f"an order that is {status.value} cannot be {_past(action)}")
    return OrderStep(action, status, target or status)


def check_issuer(role: Role) -> None:
    if role not in ISSUERS:
        allowed = ", ".join(sorted(r.value for r in ISSUERS))
        raise OrderError(f"role {role.value} may not issue orders; allowed: {allowed}")


def is_overdue(status: OrderStatus, due_at: datetime | None, now: datetime) -> bool:
    """An open order whose due time has passed."""
    return status in OPEN_STATUSES and due_at is not None and due_at < now


def _past(action: OrderAction) -> str:
    return {
        OrderAction.RECEIVE: "received",
        OrderAction.ACKNOWLEDGE: "acknowledged",
        OrderAction.COMPLETE: "completed",
        OrderAction.CANCEL: "cancelled",
    }[action]
