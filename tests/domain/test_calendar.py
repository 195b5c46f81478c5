"""The working-hours clock: deadline arithmetic across weekends, holidays and suspensions.

Expected datetimes are worked out by hand against the shipped calendar (working periods
08:30–12:00 and 13:30–17:30, 7.5 working hours a day) and the State Council notices.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from command_center.domain.calendar import CST, TimeLimit, TimeUnit, WorkCalendar

WH = TimeUnit.WORKING_HOURS
WD = TimeUnit.WORKING_DAYS
NH = TimeUnit.NATURAL_HOURS
ND = TimeUnit.NATURAL_DAYS


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A CST moment."""
    return datetime(year, month, day, hour, minute, tzinfo=CST)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.default()


# ---- the shipped calendar ----


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 10), True),  # ordinary Tuesday
        (date(2026, 3, 14), False),  # ordinary Saturday
        (date(2026, 1, 2), False),  # 元旦, Friday
        (date(2026, 1, 4), True),  # Sunday make-up for 元旦
        (date(2026, 2, 13), True),  # Friday before 春节
        (date(2026, 2, 14), True),  # Saturday make-up for 春节
        (date(2026, 2, 16), False),  # 春节, Monday
        (date(2026, 2, 23), False),  # 春节 last day, Monday
        (date(2026, 2, 24), True),  # back to work
        (date(2026, 2, 28), True),  # Saturday make-up for 春节
        (date(2026, 3, 1), False),  # the Sunday after it
        (date(2026, 4, 6), False),  # 清明, Monday
        (date(2026, 5, 9), True),  # Saturday make-up for 劳动节
        (date(2026, 10, 8), True),  # Thursday after 国庆
        (date(2026, 10, 10), True),  # Saturday make-up for 国庆
        (date(2025, 1, 26), True),  # Sunday make-up for 春节 2025
        (date(2025, 10, 8), False),  # 国庆中秋 2025 eighth day, Wednesday
        (date(2025, 10, 11), True),  # Saturday make-up
        (date(2024, 2, 9), True),  # 除夕 2024 was not a public holiday
        (date(2024, 2, 18), True),  # Sunday make-up for 春节 2024
        (date(2024, 9, 16), False),  # 中秋 2024, Monday
    ],
)
def test_is_working_day(cal: WorkCalendar, day: date, working: bool) -> None:
    assert cal.is_working_day(day) is working


def test_makeup_days_are_the_notices(cal: WorkCalendar) -> None:
    by_year = {y: {d for d in cal.makeup_workdays if d.year == y} for y in (2025, 2026)}
    assert by_year[2025] == {
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    }
    assert by_year[2026] == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }


@pytest.mark.parametrize(
    ("year", "working_days"),
    [
        # 261 weekdays, 18 of them holidays, 5 weekend make-up days
        (2025, 248),
        # 261 weekdays, 19 of them holidays, 6 weekend make-up days
        (2026, 248),
    ],
)
def test_working_time_in_a_year(cal: WorkCalendar, year: int, working_days: int) -> None:
    seconds = cal.working_seconds_between(at(year, 1, 1), at(year + 1, 1, 1))
    assert seconds == working_days * 7.5 * 3600
    counted = sum(
        cal.is_working_day(date(year, 1, 1) + timedelta(days=n))
        for n in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)
    )
    assert counted == working_days


def test_default_hours_per_day(cal: WorkCalendar) -> None:
    assert cal.hours_per_day == 7.5
    assert cal.periods == ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))


# ---- add: working hours ----


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # within a morning
        (at(2026, 3, 10, 9), 2, at(2026, 3, 10, 11)),
        # runs out exactly at noon: due 12:00, not 13:30
        (at(2026, 3, 10, 10), 2, at(2026, 3, 10, 12)),
        # crossing lunch: 1 h before noon, 1 h after 13:30
        (at(2026, 3, 10, 11), 2, at(2026, 3, 10, 14, 30)),
        # reported during lunch: the clock starts at 13:30
        (at(2026, 3, 10, 12, 30), 1, at(2026, 3, 10, 14, 30)),
        # reported before opening
        (at(2026, 3, 10, 7), 1, at(2026, 3, 10, 9, 30)),
        # crossing a weekend: Fri 1.5 h, Mon 2.5 h
        (at(2026, 3, 13, 16), 4, at(2026, 3, 16, 11)),
        # Friday evening: Mon 08:30–12:00 is 3.5 h, then 0.5 h after lunch
        (at(2026, 3, 13, 18), 4, at(2026, 3, 16, 14)),
        # Saturday: nothing until Monday 08:30
        (at(2026, 3, 14, 10), 1, at(2026, 3, 16, 9, 30)),
        # 春节 2026: Fri 1 h, then the make-up Saturday Feb 14 counts
        (at(2026, 2, 13, 16, 30), 4, at(2026, 2, 14, 11, 30)),
        # from the make-up Saturday over the whole holiday (Feb 15–23) to Tue Feb 24
        (at(2026, 2, 14, 16), 4, at(2026, 2, 24, 11)),
        # Feb 28 (Saturday) is a make-up working day
        (at(2026, 2, 27, 17), 1, at(2026, 2, 28, 9)),
        # … and Sunday Mar 1 is not
        (at(2026, 2, 28, 17), 1, at(2026, 3, 2, 9)),
        # reported on a holiday (劳动节, Saturday May 2)
        (at(2026, 5, 2, 10), 2, at(2026, 5, 6, 10, 30)),
        # zero hours: due at once
        (at(2026, 3, 14, 10), 0, at(2026, 3, 14, 10)),
    ],
)
def test_add_working_hours(cal: WorkCalendar, start: datetime, hours: float, due: datetime) -> None:
    assert cal.add(start, TimeLimit(hours, WH)) == due


def test_add_returns_cst_for_any_zone(cal: WorkCalendar) -> None:
    start = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # 09:00 CST
    due = cal.add(start, TimeLimit(2, WH))
    assert due.isoformat() == "2026-03-10T11:00:00+08:00"
    assert due.tzinfo == CST


# ---- add: working days ----


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # one working day is 7.5 working hours: same time the next working day
        (at(2026, 3, 10, 10), 1, at(2026, 3, 11, 10)),
        # from the start of a day, due at its close (not the next morning)
        (at(2026, 3, 10, 8, 30), 1, at(2026, 3, 10, 17, 30)),
        # half a day is 3.75 working hours: 3.5 h before noon, 0.25 h after
        (at(2026, 3, 10, 8, 30), 0.5, at(2026, 3, 10, 13, 45)),
        # over 春节 2026: Thu 6 h, Fri 7.5 h, make-up Sat 7.5 h, then Tue Feb 24 1.5 h
        (at(2026, 2, 12, 10), 3, at(2026, 2, 24, 10)),
        # 国庆中秋 2025: Tue Sep 30 1.5 h, Oct 1–8 off, Thu Oct 9 6 h
        (at(2025, 9, 30, 16), 1, at(2025, 10, 9, 16)),
        # reported on a holiday (劳动节): the first working day is Wed May 6
        (at(2026, 5, 2, 10), 1, at(2026, 5, 6, 17, 30)),
        # 20 working days from Tue Mar 10 cross 清明 (Apr 4–6) to Wed Apr 8
        (at(2026, 3, 10, 10), 20, at(2026, 4, 8, 10)),
    ],
)
def test_add_working_days(cal: WorkCalendar, start: datetime, days: float, due: datetime) -> None:
    assert cal.add(start, TimeLimit(days, WD)) == due


# ---- add: natural time for urgent classes ----


@pytest.mark.parametrize(
    ("start", "limit", "due"),
    [
        # urgent: Friday evening counts
        (at(2026, 3, 13, 18), TimeLimit(2, NH), at(2026, 3, 13, 20)),
        # across midnight at a weekend
        (at(2026, 3, 14, 23), TimeLimit(2, NH), at(2026, 3, 15, 1)),
        (at(2026, 3, 10, 11), TimeLimit(1.5, NH), at(2026, 3, 10, 12, 30)),
        # natural days ignore 春节
        (at(2026, 2, 14, 10), TimeLimit(3, ND), at(2026, 2, 17, 10)),
    ],
)
def test_add_natural_time(
    cal: WorkCalendar, start: datetime, limit: TimeLimit, due: datetime
) -> None:
    assert cal.add(start, limit) == due


# ---- deadline with pauses (挂账, 延期申请) ----

# Thursday 09:00 with 2 working days (15 h): Thu 7 h, Fri 7.5 h, Mon 0.5 h → Mon 09:00.
THU = at(2026, 3, 12, 9)
TWO_DAYS = TimeLimit(2, WD)


def test_deadline_without_pauses_is_add(cal: WorkCalendar) -> None:
    assert cal.deadline(THU, TWO_DAYS) == at(2026, 3, 16, 9)
    assert cal.deadline(THU, TWO_DAYS, []) == cal.add(THU, TWO_DAYS)


def test_suspension_spanning_a_weekend(cal: WorkCalendar) -> None:
    # Suspended Fri 15:30, resumed Mon 10:30: 12.5 h used before, 2.5 h left from Mon 10:30.
    pauses = [(at(2026, 3, 13, 15, 30), at(2026, 3, 16, 10, 30))]
    assert cal.deadline(THU, TWO_DAYS, pauses) == at(2026, 3, 16, 14, 30)


def test_pause_outside_working_time_changes_nothing(cal: WorkCalendar) -> None:
    weekend = [(at(2026, 3, 14, 9), at(2026, 3, 15, 18))]
    evening = [(at(2026, 3, 12, 18), at(2026, 3, 13, 8, 30))]
    assert cal.deadline(THU, TWO_DAYS, weekend) == at(2026, 3, 16, 9)
    assert cal.deadline(THU, TWO_DAYS, evening) == at(2026, 3, 16, 9)


def test_pause_shifts_natural_limit_by_its_length(cal: WorkCalendar) -> None:
    start = at(2026, 3, 13, 18)
    limit = TimeLimit(48, NH)
    assert cal.deadline(start, limit) == at(2026, 3, 15, 18)
    saturday = [(at(2026, 3, 14), at(2026, 3, 15))]
    assert cal.deadline(start, limit, saturday) == at(2026, 3, 16, 18)


def test_open_pause_has_no_deadline(cal: WorkCalendar) -> None:
    assert cal.deadline(THU, TWO_DAYS, [(at(2026, 3, 13, 15, 30), None)]) is None
    assert cal.deadline(THU, TimeLimit(2, NH), [(at(2026, 3, 12, 10), None)]) is None


def test_open_pause_after_the_deadline_keeps_it(cal: WorkCalendar) -> None:
    # Due Thu 10:00; suspended only on Friday: already overdue, the deadline stays.
    pauses = [(at(2026, 3, 13, 9), None)]
    assert cal.deadline(THU, TimeLimit(1, WH), pauses) == at(2026, 3, 12, 10)


def test_overlapping_unsorted_pauses(cal: WorkCalendar) -> None:
    # Together they pause Fri 09:00–14:00: Thu 7 h, Fri 0.5 h + 3.5 h, Mon 3.5 h + 0.5 h.
    pauses = [
        (at(2026, 3, 13, 10), at(2026, 3, 13, 14)),
        (at(2026, 3, 13, 9), at(2026, 3, 13, 11)),
        (at(2026, 3, 13, 9, 30), at(2026, 3, 13, 10)),
        (at(2026, 3, 13, 10), at(2026, 3, 13, 14)),
    ]
    assert cal.deadline(THU, TWO_DAYS, pauses) == at(2026, 3, 16, 14)
    assert cal.deadline(THU, TWO_DAYS, pauses[::-1]) == at(2026, 3, 16, 14)


def test_pause_nested_inside_another(cal: WorkCalendar) -> None:
    # The inner pause ends first; together they still pause Fri 09:00–14:00.
    pauses = [
        (at(2026, 3, 13, 9), at(2026, 3, 13, 14)),
        (at(2026, 3, 13, 10), at(2026, 3, 13, 11)),
    ]
    assert cal.deadline(THU, TWO_DAYS, pauses) == at(2026, 3, 16, 14)


def test_pauses_after_an_open_pause(cal: WorkCalendar) -> None:
    pauses = [(at(2026, 3, 13, 15, 30), None), (at(2026, 3, 16, 9), at(2026, 3, 16, 10))]
    assert cal.deadline(THU, TWO_DAYS, pauses) is None
    assert cal.elapsed(THU, at(2026, 3, 17, 10), WH, pauses) == 12.5


def test_deadline_reached_as_a_pause_begins(cal: WorkCalendar) -> None:
    # Due Thu 10:00, suspended at exactly 10:00: the limit was used up, the deadline stands.
    limit = TimeLimit(1, WH)
    assert cal.deadline(THU, limit, [(at(2026, 3, 12, 10), at(2026, 3, 12, 11))]) == at(
        2026, 3, 12, 10
    )
    assert cal.deadline(THU, limit, [(at(2026, 3, 12, 10), None)]) == at(2026, 3, 12, 10)
    # One minute earlier, the last minute waits for the pause to end.
    early = [(at(2026, 3, 12, 9, 59), at(2026, 3, 12, 11))]
    assert cal.deadline(THU, limit, early) == at(2026, 3, 12, 11, 1)


def test_two_separate_pauses(cal: WorkCalendar) -> None:
    # Thu 10:00–11:00 and Fri 13:00–15:00 (1 h + 1.5 h working time): Mon 09:00 + 2.5 h.
    pauses = [
        (at(2026, 3, 13, 13), at(2026, 3, 13, 15)),
        (at(2026, 3, 12, 10), at(2026, 3, 12, 11)),
    ]
    assert cal.deadline(THU, TWO_DAYS, pauses) == at(2026, 3, 16, 11, 30)


def test_pause_begun_before_start_counts_from_start(cal: WorkCalendar) -> None:
    pauses = [(at(2026, 3, 11, 9), at(2026, 3, 12, 10))]  # the clock starts at Thu 10:00
    assert cal.deadline(THU, TWO_DAYS, pauses) == at(2026, 3, 16, 10)
    finished = [(at(2026, 3, 11, 9), at(2026, 3, 11, 10))]
    assert cal.deadline(THU, TWO_DAYS, finished) == at(2026, 3, 16, 9)


def test_pause_ending_before_it_starts_is_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        cal.deadline(THU, TWO_DAYS, [(at(2026, 3, 13, 12), at(2026, 3, 13, 11))])


# ---- elapsed, remaining, is_overdue ----


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (WH, 16.0),  # Thu 7 h, Fri 7.5 h, Mon 1.5 h
        (WD, 16 / 7.5),
        (NH, 97.0),  # four days and an hour
        (ND, 97 / 24),
    ],
)
def test_elapsed(cal: WorkCalendar, unit: TimeUnit, expected: float) -> None:
    assert cal.elapsed(THU, at(2026, 3, 16, 10), unit) == pytest.approx(expected, abs=1e-12)


def test_elapsed_excludes_pauses(cal: WorkCalendar) -> None:
    pauses = [(at(2026, 3, 13, 15, 30), at(2026, 3, 16, 10, 30))]
    end = at(2026, 3, 16, 12)
    assert cal.elapsed(THU, end, WH, pauses) == 14.0  # 7 + 5.5 + 1.5
    assert cal.elapsed(THU, end, NH, pauses) == 32.0  # 99 h less 67 h paused
    still_paused = [(at(2026, 3, 13, 15, 30), None)]
    assert cal.elapsed(THU, at(2026, 3, 23, 10), WH, still_paused) == 12.5
    assert cal.elapsed(THU, at(2026, 3, 12, 8), WH) == 0.0  # end before start


def test_remaining_and_overdue_around_the_deadline(cal: WorkCalendar) -> None:
    limit = TimeLimit(15, WH)  # due Mon 09:00
    friday_noon = at(2026, 3, 13, 12)
    assert cal.remaining(THU, limit, friday_noon) == 4.5
    assert cal.remaining(THU, TWO_DAYS, friday_noon) == pytest.approx(0.6, abs=1e-12)
    assert not cal.is_overdue(THU, limit, friday_noon)
    due = at(2026, 3, 16, 9)
    assert cal.remaining(THU, limit, due) == 0.0
    assert not cal.is_overdue(THU, limit, due)
    assert cal.is_overdue(THU, limit, due + timedelta(microseconds=1))
    assert cal.remaining(THU, limit, at(2026, 3, 16, 10)) == -1.0
    assert cal.remaining(THU, TWO_DAYS, at(2026, 3, 16, 10)) == pytest.approx(-1 / 7.5)
    assert cal.is_overdue(THU, limit, at(2026, 3, 16, 10))


def test_overdue_outside_working_time(cal: WorkCalendar) -> None:
    # Due Fri 17:30; on Saturday the case is overdue though no working time has passed.
    start, limit, saturday = at(2026, 3, 13, 13, 30), TimeLimit(4, WH), at(2026, 3, 14, 10)
    assert cal.is_overdue(start, limit, saturday)
    assert cal.remaining(start, limit, saturday) == 0.0


def test_remaining_while_paused_is_frozen(cal: WorkCalendar) -> None:
    limit = TimeLimit(15, WH)
    pauses = [(at(2026, 3, 13, 15, 30), None)]  # 12.5 h used when suspended
    for now in (at(2026, 3, 16, 10), at(2026, 6, 1, 10)):
        assert cal.remaining(THU, limit, now, pauses) == 2.5
        assert not cal.is_overdue(THU, limit, now, pauses)


def test_natural_limit_overdue(cal: WorkCalendar) -> None:
    start, limit = at(2026, 3, 13, 18), TimeLimit(2, NH)
    assert cal.remaining(start, limit, at(2026, 3, 13, 21)) == -1.0
    assert cal.is_overdue(start, limit, at(2026, 3, 13, 21))
    assert not cal.is_overdue(start, limit, at(2026, 3, 13, 19, 59))


# ---- refusals ----


def test_naive_datetimes_are_refused(cal: WorkCalendar) -> None:
    naive = datetime(2026, 3, 10, 9)
    aware = at(2026, 3, 10, 9)
    limit = TimeLimit(4, WH)
    calls = [
        lambda: cal.add(naive, limit),
        lambda: cal.deadline(naive, limit),
        lambda: cal.deadline(aware, limit, [(naive, None)]),
        lambda: cal.deadline(aware, limit, [(aware, naive)]),
        lambda: cal.working_seconds_between(aware, naive),
        lambda: cal.elapsed(naive, aware, WH),
        lambda: cal.remaining(aware, limit, naive),
        lambda: cal.is_overdue(aware, limit, naive),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="must be timezone-aware"):
            call()


def test_holiday_that_is_also_makeup_is_refused() -> None:
    with pytest.raises(ValueError, match="2026-02-14"):
        WorkCalendar([date(2026, 2, 14)], [date(2026, 2, 14)])


def test_custom_periods() -> None:
    cal = WorkCalendar([], [], periods=[(time(9), time(17))])
    assert cal.hours_per_day == 8.0
    assert cal.add(at(2026, 3, 10, 16), TimeLimit(1, WD)) == at(2026, 3, 11, 16)
    with pytest.raises(ValueError, match="overlaps"):
        WorkCalendar([], [], periods=[(time(9), time(12)), (time(11), time(17))])


# ---- loading the TOML ----

GOOD_HOLIDAY = '[[holiday]]\nname = "春节"\ndates = ["2026-02-15", "2026-02-23"]\n'


def test_load_reads_entries(tmp_path: Path) -> None:
    path = tmp_path / "cal.toml"
    path.write_text(
        'version = 1\n[working_hours]\nperiods = [["09:00", "12:00"], ["14:00", "18:00"]]\n'
        + GOOD_HOLIDAY
        + 'makeup = ["2026-02-14", 2026-02-28]\n',
        encoding="utf-8",
    )
    cal = WorkCalendar.load(path)
    assert cal.hours_per_day == 7.0
    assert cal.holidays == {date(2026, 2, 15) + timedelta(days=n) for n in range(9)}
    assert cal.makeup_workdays == {date(2026, 2, 14), date(2026, 2, 28)}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('version = 1\n[[holiday]\nname = "x"\n', "not valid TOML"),
        ("version = 2\n", "version must be 1"),
        (
            'version = 1\n[[holiday]]\nname = "春节"\ndates = ["2026-02-30"]\n',
            r"holiday #1 \(春节\)",
        ),
        ('version = 1\n[[holiday]]\nname = "春节"\ndates = ["2026-02-30"]\n', "'2026-02-30'"),
        (
            'version = 1\n[[holiday]]\nname = "清明节"\ndates = ["2026-04-06", "2026-04-04"]\n',
            "清明节.*run backwards",
        ),
        (
            'version = 1\n[[holiday]]\nname = "x"\ndates = ["2026-01-01", "2026-01-02", "2026-01-03"]\n',
            "'dates' must be",
        ),
        ("version = 1\n" + GOOD_HOLIDAY + 'makup = ["2026-02-14"]\n', "unknown keys.*makup"),
        (
            "version = 1\n" + GOOD_HOLIDAY + 'makeup = ["2026-02-24"]\n',
            "makeup 2026-02-24 is a Tuesday",
        ),
        ('version = 1\n[[holiday]]\ndates = ["2026-01-01"]\n', r"holiday #1: needs .*'name'"),
        (
            "version = 1\n"
            + GOOD_HOLIDAY
            + '[[holiday]]\nname = "调休"\ndates = ["2026-03-01"]\nmakeup = ["2026-02-22"]\n',
            "2026-02-22 is both a holiday",
        ),
        ("version = 1\n" + GOOD_HOLIDAY + GOOD_HOLIDAY, r"holiday #2 \(春节\).*already listed"),
        (
            'version = 1\n[working_hours]\nperiods = [["12:00", "08:30"]]\n',
            r"\[working_hours\].*ends before it starts",
        ),
        ('version = 1\n[working_hours]\nperiods = [["8h30", "12:00"]]\n', "'8h30' is not a time"),
    ],
)
def test_load_refuses_malformed_file(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "broken_calendar.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as caught:
        WorkCalendar.load(path)
    assert str(caught.value).startswith(str(path))


# ---- TimeLimit ----


@pytest.mark.parametrize(
    ("limit", "label"),
    [
        (TimeLimit(4, WH), "4工作时"),
        (TimeLimit(20, WD), "20工作日"),
        (TimeLimit(2, NH), "2小时"),
        (TimeLimit(3, ND), "3自然日"),
        (TimeLimit(1.5, WH), "1.5工作时"),
    ],
)
def test_label_zh_and_parse_round_trip(limit: TimeLimit, label: str) -> None:
    assert limit.label_zh == label
    assert TimeLimit.parse(label) == limit
    assert TimeLimit.parse(str(limit)) == limit


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("4 working_hours", TimeLimit(4, WH)),
        ("4 working hours", TimeLimit(4, WH)),
        ("4wh", TimeLimit(4, WH)),
        ("20 WD", TimeLimit(20, WD)),
        ("2 nh", TimeLimit(2, NH)),
        ("3 natural_days", TimeLimit(3, ND)),
        ("8工作小时", TimeLimit(8, WH)),
    ],
)
def test_parse(text: str, limit: TimeLimit) -> None:
    assert TimeLimit.parse(text) == limit


def test_parse_refuses_ambiguous_or_bad_text() -> None:
    with pytest.raises(ValueError, match="unknown time unit 'h'"):
        TimeLimit.parse("4h")
    with pytest.raises(ValueError, match="not a time limit"):
        TimeLimit.parse("soon")


def test_time_limit_checks_its_values() -> None:
    assert TimeLimit(4, "working_hours").unit is WH  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        TimeLimit(-1, WH)
    with pytest.raises(ValueError):
        TimeLimit(float("nan"), WH)
    with pytest.raises(ValueError):
        TimeLimit(4, "fortnights")  # type: ignore[arg-type]


# ---- properties over random cases ----


def _random_start(rng: random.Random) -> datetime:
    day = date(2024, 1, 1) + timedelta(days=rng.randrange(3 * 365))
    return datetime.combine(day, time(), tzinfo=CST) + timedelta(minutes=rng.randrange(24 * 60))


def _random_limit(rng: random.Random) -> TimeLimit:
    unit = rng.choice(list(TimeUnit))
    if unit in (WH, NH):
        return TimeLimit(rng.randrange(0, 800) / 4, unit)  # up to 200 h in quarter hours
    return TimeLimit(rng.randrange(0, 60) / 2, unit)  # up to 30 days in half days


def _limit_seconds(cal: WorkCalendar, limit: TimeLimit) -> float:
    per_unit = {WH: 3600, WD: cal.hours_per_day * 3600, NH: 3600, ND: 86400}[limit.unit]
    return limit.amount * per_unit


def test_add_consumes_exactly_the_limit(cal: WorkCalendar) -> None:
    rng = random.Random(20260215)
    for _ in range(2000):
        start, limit = _random_start(rng), _random_limit(rng)
        due = cal.add(start, limit)
        seconds = _limit_seconds(cal, limit)
        assert due >= start
        if limit.unit.is_working_time:
            assert cal.working_seconds_between(start, due) == seconds, (start, limit, due)
            if seconds:  # and it is the earliest such moment
                just_before = due - timedelta(microseconds=1)
                assert cal.working_seconds_between(start, just_before) < seconds
        else:
            assert (due - start).total_seconds() == seconds


def test_deadline_consumes_exactly_the_limit_outside_pauses(cal: WorkCalendar) -> None:
    rng = random.Random(30428)
    for _ in range(1000):
        start, limit = _random_start(rng), _random_limit(rng)
        pauses = []
        for _ in range(rng.randrange(4)):
            begin = start + timedelta(minutes=rng.randrange(-3 * 24 * 60, 20 * 24 * 60))
            pauses.append((begin, begin + timedelta(minutes=rng.randrange(5 * 24 * 60))))
        due = cal.deadline(start, limit, pauses)
        assert due is not None
        assert cal.elapsed(start, due, limit.unit, pauses) == pytest.approx(
            limit.amount, abs=1e-9
        ), (start, limit, pauses, due)
        assert not cal.is_overdue(start, limit, due, pauses)
        assert cal.is_overdue(start, limit, due + timedelta(microseconds=1), pauses)

