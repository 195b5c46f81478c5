"""Performance indicators (绩效评价, GB/T 30428.4) computed from plain case facts.

The formulas are those of /work/shared/reference/domain.md ("Indicators"):
结案率 = closed / due-to-close; 按期结案率 = closed on time / due-to-close;
处置率, 按期处置率, 超期待处置率, 延期率 over due-to-handle; 返工率 = rework / due-to-close.
One district scores a unit as 处置率×30 + 按期处置率×20 + (1−返工率)×20 + (1−超期待处置率)×20
+ (1−延期率)×10, and illegal-construction work +5 per demolition, +2 if it is existing stock,
+2 if ≥ 300 m².

Counting rules (the caller chooses the population, e.g. cases registered in the period):

- 应结案数 (due to close): every registered case (立案), i.e. any state but REPORTED and
  NOT_REGISTERED, *except* TRANSFERRED. A case moved to the police, procuratorate or court
  (移送) leaves the bureau's loop and is finished by another authority, so it neither helps
  nor hurts the close rate; it is counted separately as `transferred`. Suspended cases (挂账)
  stay in the denominator (they are open and unresolved) and are also counted in `suspended`.
- 结案数 (closed): due-to-close cases in state CLOSED. 按期结案 (closed on time): closed at or
  before `close_deadline`; a case without a close deadline cannot be late and counts as on time.
- 返工数 (rework): due-to-close cases that were ever sent back (`reworked`).
- 应处置数 (due to handle): due-to-close cases that were dispatched (`dispatched_at` set).
- 处置数 (handled): due-to-handle cases with an accepted feedback (`handled_at` set).
  按期处置 (handled on time): `handled_at` at or before `handle_deadline`; no deadline → on time.
- 超期待处置数 (overdue, awaiting handling): due-to-handle cases not yet handled whose
  `handle_deadline` is before `as_of`. A paused case (deadline None) is not overdue.
- 延期数 (extended): due-to-handle cases that were granted an extension (`extended`).
- Closure time: hours from `registered_at` to `closed_at` over closed cases (mean, median).

Rates are floats in 0..1, or None when their denominator is 0.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from command_center.domain.workflow import CaseState

_NOT_REGISTERED = frozenset({CaseState.REPORTED, CaseState.NOT_REGISTERED})


@dataclass(frozen=True)
class CaseFacts:
    """What the indicators need to know about one case."""

    state: CaseState
    registered_at: datetime | None
    dispatched_at: datetime | None
    handled_at: datetime | None  # first accepted feedback
    handle_deadline: datetime | None  # None while paused or not dispatched
    closed_at: datetime | None
    close_deadline: datetime | None
    reworked: bool = False
    extended: bool = False
    suspended: bool = False


@dataclass(frozen=True)
class Indicators:
    """Counts and rates for one population of cases (see the module docstring)."""

    due_to_close: int
    closed: int
    closed_on_time: int
    reworked: int
    suspended: int
    transferred: int
    due_to_handle: int
    handled: int
    handled_on_time: int
    overdue_pending: int
    extended: int
    close_rate: float | None  # 结案率
    on_time_close_rate: float | None  # 按期结案率
    rework_rate: float | None  # 返工率
    handle_rate: float | None  # 处置率
    on_time_handle_rate: float | None  # 按期处置率
    overdue_pending_rate: float | None  # 超期待处置率
    extension_rate: float | None  # 延期率
    mean_close_hours: float | None
    median_close_hours: float | None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def compute_indicators(facts: Iterable[CaseFacts], as_of: datetime) -> Indicators:
    """The indicators of `facts` as they stand at `as_of`, in one pass."""
    due_to_close = closed = closed_on_time = reworked = suspended = transferred = 0
    due_to_handle = handled = handled_on_time = overdue = extended = 0
    close_hours: list[float] = []
    for f in facts:
        state = f.state
        if state in _NOT_REGISTERED:
            continue
        if state is CaseState.TRANSFERRED:
            transferred += 1
            continue
        due_to_close += 1
        if f.reworked:
            reworked += 1
        if f.suspended:
            suspended += 1
        if state is CaseState.CLOSED:
            if f.closed_at is None or f.registered_at is None:
                raise ValueError(f"a closed case needs registered_at and closed_at: {f!r}")
            closed += 1
            if f.close_deadline is None or f.closed_at <= f.close_deadline:
                closed_on_time += 1
            close_hours.append((f.closed_at - f.registered_at).total_seconds() / 3600)
        if f.dispatched_at is None:
            continue
        due_to_handle += 1
        if f.extended:
            extended += 1
        if f.handled_at is not None:
            handled += 1
            if f.handle_deadline is None or f.handled_at <= f.handle_deadline:
                handled_on_time += 1
        elif f.handle_deadline is not None and f.handle_deadline < as_of:
            overdue += 1

    return Indicators(
        due_to_close=due_to_close,
        closed=closed,
        closed_on_time=closed_on_time,
        reworked=reworked,
        suspended=suspended,
        transferred=transferred,
        due_to_handle=due_to_handle,
        handled=handled,
        handled_on_time=handled_on_time,
        overdue_pending=overdue,
        extended=extended,
        close_rate=_rate(closed, due_to_close),
        on_time_close_rate=_rate(closed_on_time, due_to_close),
        rework_rate=_rate(reworked, due_to_close),
        handle_rate=_rate(handled, due_to_handle),
        on_time_handle_rate=_rate(handled_on_time, due_to_handle),
        overdue_pending_rate=_rate(overdue, due_to_handle),
        extension_rate=_rate(extended, due_to_handle),
        mean_close_hours=statistics.fmean(close_hours) if close_hours else None,
        median_close_hours=statistics.median(close_hours) if close_hours else None,
    )


def unit_score(ind: Indicators) -> float:
    """The district's unit score out of 100.

    处置率×30 + 按期处置率×20 + (1−返工率)×20 + (1−超期待处置率)×20 + (1−延期率)×10.
    Raises ValueError for a unit with nothing due to handle: its score is undefined, and
    inventing one (0 or 100) would rank it unfairly.
    """
    if ind.due_to_handle == 0:
        raise ValueError("no cases due to handle: the unit score is undefined")
    # due_to_handle > 0 implies due_to_close > 0, so no rate below is None.
    assert ind.handle_rate is not None and ind.on_time_handle_rate is not None
    assert ind.rework_rate is not None and ind.overdue_pending_rate is not None
    assert ind.extension_rate is not None
    return (
        ind.handle_rate * 30
        + ind.on_time_handle_rate * 20
        + (1 - ind.rework_rate) * 20
        + (1 - ind.overdue_pending_rate) * 20
        + (1 - ind.extension_rate) * 10
    )


@dataclass(frozen=True)
class Demolition:
    """One demolished illegal construction (违法建设拆除)."""

    area_m2: float
    existing_stock: bool  # 存量违建: built before the current campaign, not newly added


LARGE_DEMOLITION_M2 = 300.0
"""From this area up a demolition earns the size bonus."""


def illegal_construction_points(demolitions: Iterable[Demolition]) -> int:
    """+5 per demolition, +2 more if it is existing stock, +2 more if ≥ 300 m²."""
    points = 0
    for d in demolitions:
        points += 5
        if d.existing_stock:
            points += 2
        if d.area_m2 >= LARGE_DEMOLITION_M2:
            points += 2
    return points
