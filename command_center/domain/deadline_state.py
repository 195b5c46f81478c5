"""Where a case stands against its handling deadline, as the map colours it.

Pure Python: the map's case drawer and any list can ask the same question the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

__all__ = ["DUE_SOON_WITHIN", "DeadlineState", "deadline_state"]

DUE_SOON_WITHIN = timedelta(hours=1)


class DeadlineState(StrEnum):
    """A case's standing against its deadline."""

    ON_TIME = "on_time"
    DUE_SOON = "due_soon"  # the deadline falls within `soon` from now
    OVERDUE = "overdue"
    PAUSED = "paused"  # the clock is stopped (suspended, extension pending)
    NONE = "none"  # no deadline (not dispatched yet)


def deadline_state(
    deadline_at: datetime | None,
    now: datetime,
    *,
    paused: bool,
    soon: timedelta = DUE_SOON_WITHIN,
) -> DeadlineState:
    """The state of a deadline at `now`.

    A paused clock wins over everything; no deadline is NONE. A deadline at or before `now`
    is OVERDUE (time is up at the deadline itself); one up to and including `now + soon` is
    DUE_SOON; anything later is ON_TIME.
    """
    if soon < timedelta(0):
        raise ValueError(f"'soon' must not be negative, got {soon}")
    if paused:
        return DeadlineState.PAUSED
    if deadline_at is None:
        return DeadlineState.NONE
    if deadline_at <= now:
        return DeadlineState.OVERDUE
    if deadline_at <= now + soon:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME
