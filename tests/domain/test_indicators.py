"""Indicators on small hand-counted populations, the unit score and illegal-construction points."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from command_center.domain.calendar import CST
from command_center.domain.indicators import (
    CaseFacts,
    Demolition,
    compute_indicators,
    illegal_construction_points,
    unit_score,
)
from command_center.domain.workflow import CaseState

T0 = datetime(2024, 5, 6, 9, 0, tzinfo=CST)
AS_OF = T0 + timedelta(days=4)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def case(
    state: CaseState,
    *,
    dispatched: float | None = None,
    handled: float | None = None,
    handle_deadline: float | None = None,
    closed: float | None = None,
    close_deadline: float | None = None,
    reworked: bool = False,
    extended: bool = False,
    suspended: bool = False,
) -> CaseFacts:
    """A case registered at T0; times are hours after T0."""
    return CaseFacts(
        state=state,
        registered_at=None if state is CaseState.REPORTED else T0,
        dispatched_at=None if dispatched is None else h(dispatched),
        handled_at=None if handled is None else h(handled),
        handle_deadline=None if handle_deadline is None else h(handle_deadline),
        closed_at=None if closed is None else h(closed),
        close_deadline=None if close_deadline is None else h(close_deadline),
        reworked=reworked,
        extended=extended,
        suspended=suspended,
    )


S = CaseState
POPULATION = [
    case(S.REPORTED),  # not registered yet: counts nowhere
    case(S.NOT_REGISTERED),  # 不予立案: counts nowhere
    case(S.TRANSFERRED, dispatched=1, reworked=True, extended=True),  # 移送: excluded
    case(S.REGISTERED),  # due to close, not yet dispatched
    # closed on time, handled on time: 10 h to close
    case(S.CLOSED, dispatched=1, handled=3, handle_deadline=5, closed=10, close_deadline=24),
    # closed late, handled late, reworked, extended: 50 h to close
    case(
        S.CLOSED,
        dispatched=1,
        handled=30,
        handle_deadline=20,
        closed=50,
        close_deadline=48,
        reworked=True,
        extended=True,
    ),
    # closed without deadlines: cannot be late; 20 h to close
    case(S.CLOSED, dispatched=1, handled=8, closed=20),
    case(S.IN_PROGRESS, dispatched=1, handle_deadline=2),  # overdue, awaiting handling
    case(S.DISPATCHED, dispatched=90, handle_deadline=97),  # deadline after AS_OF (96 h)
    case(S.SUSPENDED, dispatched=1, suspended=True),  # paused: no deadline, not overdue
    case(S.HANDLED, dispatched=1, handled=4, handle_deadline=4),  # exactly on the deadline
]


def test_hand_counted_population() -> None:
    ind = compute_indicators(POPULATION, AS_OF)
    assert (ind.due_to_close, ind.closed, ind.closed_on_time) == (8, 3, 2)
    assert (ind.reworked, ind.suspended, ind.transferred) == (1, 1, 1)
    assert (ind.due_to_handle, ind.handled, ind.handled_on_time) == (7, 4, 3)
    assert (ind.overdue_pending, ind.extended) == (1, 1)
    assert ind.close_rate == 3 / 8
    assert ind.on_time_close_rate == 2 / 8
    assert ind.rework_rate == 1 / 8
    assert ind.handle_rate == 4 / 7
    assert ind.on_time_handle_rate == 3 / 7
    assert ind.overdue_pending_rate == 1 / 7
    assert ind.extension_rate == 1 / 7
    assert ind.mean_close_hours == pytest.approx(80 / 3)
    assert ind.median_close_hours == 20


def test_overdue_depends_on_as_of() -> None:
    pending = [case(S.DISPATCHED, dispatched=0, handle_deadline=4)]
    assert compute_indicators(pending, h(4)).overdue_pending == 0  # at the deadline: not yet
    assert compute_indicators(pending, h(4.01)).overdue_pending == 1


def test_accepts_a_generator() -> None:
    ind = compute_indicators((f for f in POPULATION), AS_OF)
    assert ind.due_to_close == 8


def test_zero_denominators_give_none() -> None:
    empty = compute_indicators([], AS_OF)
    assert empty.due_to_close == 0 and empty.due_to_handle == 0
    for rate in (
        empty.close_rate,
        empty.on_time_close_rate,
        empty.rework_rate,
        empty.handle_rate,
        empty.on_time_handle_rate,
        empty.overdue_pending_rate,
        empty.extension_rate,
        empty.mean_close_hours,
        empty.median_close_hours,
    ):
        assert rate is None
    # registered but none dispatched: close rates defined, handle rates not
    only_registered = compute_indicators([case(S.REGISTERED), case(S.REPORTED)], AS_OF)
    assert only_registered.close_rate == 0.0
    assert only_registered.rework_rate == 0.0
    assert only_registered.handle_rate is None
    assert only_registered.extension_rate is None
    assert only_registered.mean_close_hours is None


def test_closed_case_without_close_time_is_refused() -> None:
    with pytest.raises(ValueError, match="closed case needs"):
        compute_indicators([case(S.CLOSED, dispatched=1, handled=2)], AS_OF)


def unit_population() -> list[CaseFacts]:
    """20 dispatched cases: 18 handled (16 on time), 2 reworked, 1 overdue, 4 extended."""
    facts = []
    for i in range(20):
        handled = 3.0 if i < 16 else 9.0 if i < 18 else None
        deadline = 5.0 if i != 19 else 200.0  # case 19 is pending but not yet due
        facts.append(
            case(
                S.HANDLED if handled is not None else S.IN_PROGRESS,
                dispatched=1,
                handled=handled,
                handle_deadline=deadline,
                reworked=i < 2,
                extended=i < 4,
            )
        )
    return facts


def test_unit_score_known_example() -> None:
    ind = compute_indicators(unit_population(), AS_OF)
    assert ind.handle_rate == 0.9
    assert ind.on_time_handle_rate == 0.8
    assert ind.rework_rate == 0.1
    assert ind.overdue_pending_rate == 0.05
    assert ind.extension_rate == 0.2
    # 0.9×30 + 0.8×20 + 0.9×20 + 0.95×20 + 0.8×10 = 27 + 16 + 18 + 19 + 8
    assert unit_score(ind) == pytest.approx(88.0)


def test_unit_score_of_a_perfect_unit_is_100() -> None:
    perfect = [case(S.HANDLED, dispatched=1, handled=2, handle_deadline=5) for _ in range(3)]
    assert unit_score(compute_indicators(perfect, AS_OF)) == pytest.approx(100.0)


def test_unit_score_needs_cases_due_to_handle() -> None:
    with pytest.raises(ValueError, match="undefined"):
        unit_score(compute_indicators([case(S.REGISTERED)], AS_OF))


@pytest.mark.parametrize(
    ("demolitions", "points"),
    [
        ([], 0),
        ([Demolition(area_m2=120, existing_stock=False)], 5),
        ([Demolition(area_m2=120, existing_stock=True)], 7),
        ([Demolition(area_m2=300, existing_stock=False)], 7),
        ([Demolition(area_m2=300, existing_stock=True)], 9),
        ([Demolition(299.9, True), Demolition(450, False), Demolition(10, False)], 7 + 7 + 5),
    ],
)
def test_illegal_construction_points(demolitions: list[Demolition], points: int) -> None:
    assert illegal_construction_points(demolitions) == points


def test_fifty_thousand_cases_counted_exactly() -> None:
    facts = [
        case(S.CLOSED, dispatched=1, handled=2 + i % 7, handle_deadline=5, closed=10 + i % 50)
        for i in range(50_000)
    ]
    ind = compute_indicators(facts, AS_OF)
    assert ind.closed == 50_000
    assert ind.handled_on_time == sum(1 for i in range(50_000) if 2 + i % 7 <= 5)
