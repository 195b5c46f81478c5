"""Squad shifts: on duty inside the daily window, overnight shifts, and the next change."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from command_center.domain.shifts import CST, ROUND_THE_CLOCK, STANDARD_SHIFTS, Shift

DAY = STANDARD_SHIFTS["day"]
NIGHT = STANDARD_SHIFTS["night"]


def at(h: int, m: int = 0, day: int = 27) -> datetime:
    return datetime(2026, 11, day, h, m, tzinfo=CST)


@pytest.mark.parametrize(
    ("shift", "when", "expected"),
    [
        (DAY, at(7, 59), False),
        (DAY, at(8, 0), True),
        (DAY, at(17, 29), True),
        (DAY, at(17, 30), False),
        (NIGHT, at(21, 59), False),
        (NIGHT, at(22, 0), True),
        (NIGHT, at(0, 30), True),
        (NIGHT, at(5, 59), True),
        (NIGHT, at(6, 0), False),
        (NIGHT, at(12, 0), False),
        (ROUND_THE_CLOCK, at(3, 0), True),
    ],
)
def test_on_duty_inside_the_window(shift, when, expected):
    assert shift.on_duty(when) is expected


def test_times_in_another_zone_are_read_in_china_time():
    # 00:30 UTC is 08:30 in Chaoyang: the day shift is on.
    assert DAY.on_duty(datetime(2026, 11, 27, 0, 30, tzinfo=UTC))
    assert not NIGHT.on_duty(datetime(2026, 11, 27, 0, 30, tzinfo=UTC))


def test_next_change():
    assert DAY.next_change(at(9)) == at(17, 30)
    assert DAY.next_change(at(18)) == at(8, 0, day=28)
    assert DAY.next_change(at(6)) == at(8, 0)
    assert NIGHT.next_change(at(23)) == at(6, 0, day=28)
    assert NIGHT.next_change(at(2)) == at(6, 0)
    assert NIGHT.next_change(at(12)) == at(22, 0)
    assert ROUND_THE_CLOCK.next_change(at(12)) is None


def test_labels():
    assert DAY.label() == "08:00–17:30"
    assert NIGHT.overnight and not DAY.overnight
    assert ROUND_THE_CLOCK.label() == "" and ROUND_THE_CLOCK.round_the_clock


def test_bad_shifts_are_refused():
    with pytest.raises(ValueError, match="both a start and an end"):
        Shift(time(8, 0), None)
    with pytest.raises(ValueError, match="round the clock"):
        Shift(time(8, 0), time(8, 0))
