from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from command_center.domain.deadline_state import DeadlineState, deadline_state

NOW = datetime(2025, 6, 3, 14, 0, 0)
SEC = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (NOW - timedelta(hours=3), DeadlineState.OVERDUE),
        (NOW - SEC, DeadlineState.OVERDUE),
        (NOW, DeadlineState.OVERDUE),  # time is up at the deadline itself
        (NOW + SEC, DeadlineState.DUE_SOON),
        (NOW + timedelta(hours=1), DeadlineState.DUE_SOON),  # within 1 h, inclusive
        (NOW + timedelta(hours=1) + SEC, DeadlineState.ON_TIME),
        (NOW + timedelta(days=2), DeadlineState.ON_TIME),
        (None, DeadlineState.NONE),
    ],
)
def test_state_by_deadline(deadline, expected):
    assert deadline_state(deadline, NOW, paused=False) is expected


@pytest.mark.parametrize("deadline", [None, NOW - timedelta(hours=5), NOW + timedelta(hours=5)])
def test_a_paused_clock_wins(deadline):
    assert deadline_state(deadline, NOW, paused=True) is DeadlineState.PAUSED


def test_soon_is_configurable():
    deadline = NOW + timedelta(minutes=90)
    assert deadline_state(deadline, NOW, paused=False) is DeadlineState.ON_TIME
    assert deadline_state(deadline, NOW, paused=False, soon=timedelta(hours=2)) is (
        DeadlineState.DUE_SOON
    )
    assert deadline_state(NOW + SEC, NOW, paused=False, soon=timedelta(0)) is (
        DeadlineState.ON_TIME
    )


def test_negative_soon_is_refused():
    with pytest.raises(ValueError, match="soon"):
        deadline_state(NOW, NOW, paused=False, soon=-SEC)


def test_values_are_stable_strings():
    assert [s.value for s in DeadlineState] == ["on_time", "due_soon", "overdue", "paused", "none"]
