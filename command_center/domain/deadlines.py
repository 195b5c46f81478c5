"""A case's handling deadline, derived from its trail.

The handling clock starts at dispatch and stops while the case is suspended (挂账) or an
extension is pending (延期申请); a granted extension lengthens the limit. Deriving the pauses
from the audit trail (rather than keeping a second record of them) keeps one source of truth.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from command_center.domain.calendar import TimeLimit, WorkCalendar
from command_center.domain.workflow import PAUSED_STATES, CaseState


@dataclass(frozen=True)
class TrailStep:
    """The part of a case event the clock needs."""

    at: datetime
    from_state: CaseState | None
    to_state: CaseState


def pauses_from_trail(
    trail: Iterable[TrailStep],
) -> list[tuple[datetime, datetime | None]]:
    """The periods the case spent in a paused state; the last may still be open (end None)."""
    pauses: list[tuple[datetime, datetime | None]] = []
    started: datetime | None = None
    for step in sorted(trail, key=lambda s: s.at):
        entering = step.to_state in PAUSED_STATES and step.from_state not in PAUSED_STATES
        leaving = step.from_state in PAUSED_STATES and step.to_state not in PAUSED_STATES
        if entering:
            started = step.at
        elif leaving and started is not None:
            pauses.append((started, step.at))
            started = None
    if started is not None:
        pauses.append((started, None))
    return pauses


def handling_deadline(
    calendar: WorkCalendar,
    dispatched_at: datetime,
    limit: TimeLimit,
    extension: float,
    trail: Iterable[TrailStep],
) -> datetime | None:
    """When the handling unit must have fed back; None while the clock is paused."""
    total = TimeLimit(limit.amount + extension, limit.unit)
    pauses = [p for p in pauses_from_trail(trail) if p[1] is None or p[1] > dispatched_at]
    return calendar.deadline(dispatched_at, total, pauses)
