"""The rules of supervisors' orders."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from command_center.domain.orders import (
    OrderAction,
    OrderError,
    OrderStatus,
    check_issuer,
    check_order_action,
    is_overdue,
)
from command_center.domain.workflow import Role

A, S = OrderAction, OrderStatus


@pytest.mark.parametrize(
    ("action", "status", "role", "after"),
    [
        (A.RECEIVE, S.ISSUED, Role.SQUAD, S.ISSUED),
        (A.RECEIVE, S.ACKNOWLEDGED, Role.SQUAD, S.ACKNOWLEDGED),
        (A.ACKNOWLEDGE, S.ISSUED, Role.SQUAD, S.ACKNOWLEDGED),
        (A.COMPLETE, S.ISSUED, Role.SQUAD, S.DONE),
        (A.COMPLETE, S.ACKNOWLEDGED, Role.ADMIN, S.DONE),
        (A.CANCEL, S.ACKNOWLEDGED, Role.SUPERVISOR, S.CANCELLED),
        (A.CANCEL, S.ISSUED, Role.SHIFT_CHIEF, S.CANCELLED),
    ],
)
def test_allowed_steps(action, status, role, after):
    assert check_order_action(action, status, role).to_status is after


@pytest.mark.parametrize(
    ("action", "status", "role", "message"),
    [
        (A.ACKNOWLEDGE, S.ISSUED, Role.DISPATCHER, "role dispatcher may not acknowledge"),
        (A.CANCEL, S.ISSUED, Role.SQUAD, "role squad may not cancel"),
        (A.COMPLETE, S.DONE, Role.SQUAD, "done cannot be completed"),
        (A.ACKNOWLEDGE, S.ACKNOWLEDGED, Role.SQUAD, "acknowledged cannot be acknowledged"),
        (A.RECEIVE, S.CANCELLED, Role.SQUAD, "cancelled cannot be received"),
    ],
)
def test_refused_steps_say_why(action, status, role, message):
    with pytest.raises(OrderError, match=message):
        check_order_action(action, status, role)


def test_only_supervisors_chiefs_and_admins_issue():
    for role in (Role.SUPERVISOR, Role.SHIFT_CHIEF, Role.ADMIN):
        check_issuer(role)
    for role in (Role.DISPATCHER, Role.SQUAD, Role.INTAKE, Role.INSPECTOR):
        with pytest.raises(OrderError, match="may not issue"):
            check_issuer(role)


def test_overdue_is_open_and_past_due():
    now = datetime(2026, 11, 27, 10, 0)
    past, future = now - timedelta(minutes=1), now + timedelta(minutes=1)
    assert is_overdue(S.ISSUED, past, now) and is_overdue(S.ACKNOWLEDGED, past, now)
    assert not is_overdue(S.ISSUED, future, now)
    assert not is_overdue(S.DONE, past, now) and not is_overdue(S.CANCELLED, past, now)
    assert not is_overdue(S.ISSUED, None, now)
