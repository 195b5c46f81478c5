"""The working-hours clock: case deadlines against China's working calendar.

Time limits are set per case subclass in working hours, working days or, for urgent classes,
natural hours/days. `WorkCalendar` knows the working periods of a day, public holidays and
make-up working days (调休上班), and computes deadlines, the time consumed and the time left,
with the clock stopped while a case is suspended (挂账) or an extension is pending (延期申请).

Everything is in China Standard Time (`CST`, UTC+8, no DST). Public functions take
timezone-aware datetimes and return aware datetimes in CST. Internally times are naive CST
wall times and durations are whole microseconds, so the arithmetic is exact.
"""

from __future__ import annotations

import math
import re
import tomllib
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from pathlib import Path
from typing import Any

CST = timezone(timedelta(hours=8))
"""China Standard Time: UTC+8 all year."""

DEFAULT_PERIODS: tuple[tuple[time, time], ...] = (
    (time(8, 30), time(12, 0)),
    (time(13, 30), time(17, 30)),
)
"""The bureau's working periods: 08:30–12:00 and 13:30–17:30, 7.5 working hours a day."""

_US_PER_SECOND = 1_000_000
_US_PER_HOUR = 3600 * _US_PER_SECOND
_US_PER_DAY = 24 * _US_PER_HOUR
_ONE_US = timedelta(microseconds=1)

Pause = tuple[datetime, datetime | None]
"""A stretch during which the clock stops: (start, end), end None while still paused."""


class TimeUnit(StrEnum):
    """The measure a time limit is given in."""

    WORKING_HOURS = "working_hours"  # 工作时: only working periods on working days count
    WORKING_DAYS = "working_days"  # 工作日: hours_per_day working hours each
    NATURAL_HOURS = "natural_hours"  # 小时: wall-clock hours (urgent classes)
    NATURAL_DAYS = "natural_days"  # 自然日: wall-clock days of 24 hours

    @property
    def is_working_time(self) -> bool:
        """True when the unit counts only working time."""
        return self in (TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS)


_LABEL_ZH = {
    TimeUnit.WORKING_HOURS: "工作时",
    TimeUnit.WORKING_DAYS: "工作日",
    TimeUnit.NATURAL_HOURS: "小时",
    TimeUnit.NATURAL_DAYS: "自然日",
}

# Spellings accepted by TimeLimit.parse. Bare "h"/"d" are refused on purpose: whether "4h"
# means working or natural hours is exactly the question a limit must not leave open.
_UNIT_WORDS = {
    **{unit.value: unit for unit in TimeUnit},
    "wh": TimeUnit.WORKING_HOURS,
    "wd": TimeUnit.WORKING_DAYS,
    "nh": TimeUnit.NATURAL_HOURS,
    "nd": TimeUnit.NATURAL_DAYS,
    "工作时": TimeUnit.WORKING_HOURS,
    "工作小时": TimeUnit.WORKING_HOURS,
    "工作日": TimeUnit.WORKING_DAYS,
    "小时": TimeUnit.NATURAL_HOURS,
    "自然小时": TimeUnit.NATURAL_HOURS,
    "自然日": TimeUnit.NATURAL_DAYS,
}
_LIMIT_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([^\d\s].*?)\s*$")


@dataclass(frozen=True)
class TimeLimit:
    """A handling time limit such as 4 working hours or 2 natural hours."""

    amount: float
    unit: TimeUnit

    def __post_init__(self) -> None:
        # Accept the plain string value (as stored in files and databases) for the unit.
        object.__setattr__(self, "unit", TimeUnit(self.unit))
        if isinstance(self.amount, bool) or not isinstance(self.amount, int | float):
            raise ValueError(f"time limit amount must be a number, got {self.amount!r}")
        if not math.isfinite(self.amount) or self.amount < 0:
            raise ValueError(f"time limit amount must be finite and >= 0, got {self.amount!r}")

    @property
    def label_zh(self) -> str:
        """The limit as the UI shows it, e.g. "4工作时", "20工作日", "2小时", "3自然日"."""
        return f"{self.amount:g}{_LABEL_ZH[self.unit]}"

    def __str__(self) -> str:
        return f"{self.amount:g} {self.unit.value}"

    @classmethod
    def parse(cls, text: str) -> TimeLimit:
        """Read "4 working_hours", "4wh", "20 wd", "2 natural_hours", "3自然日", "4工作时"…

        Units: working_hours/wh/工作时, working_days/wd/工作日, natural_hours/nh/小时,
        natural_days/nd/自然日. `str(limit)` and `limit.label_zh` parse back.
        """
        match = _LIMIT_RE.match(text)
        if match is None:
            raise ValueError(f"not a time limit: {text!r} (expected e.g. '4 working_hours')")
        word = re.sub(r"[\s-]+", "_", match.group(2).strip().lower())
        unit = _UNIT_WORDS.get(word)
        if unit is None:
            accepted = ", ".join(sorted(_UNIT_WORDS))
            raise ValueError(
                f"unknown time unit {match.group(2)!r} in {text!r}; use one of: {accepted}"
            )
        return cls(float(match.group(1)), unit)


def _local(value: datetime, what: str) -> datetime:
    """`value` as a naive CST wall time; refuses naive input, whose zone would be a guess."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{what} must be timezone-aware, got naive {value.isoformat()}; "
            "attach a zone, e.g. tzinfo=CST"
        )
    return value.astimezone(CST).replace(tzinfo=None)


def _aware(local: datetime) -> datetime:
    return local.replace(tzinfo=CST)


def _us(delta: timedelta) -> int:
    return delta // _ONE_US


def _us_of_day(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US_PER_SECOND + t.microsecond


def _weekdays_before(ordinal: int) -> int:
    """Mondays–Fridays before `ordinal` (proleptic ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal - 1, 7)
    return 5 * weeks + min(rest, 5)


class WorkCalendar:
    """Working days and hours with holidays and make-up working days; computes deadlines.

    A day is a working day Monday–Friday unless it is a public holiday; Saturday and Sunday
    only when they are make-up working days. Working time runs inside `periods` (CST).
    """

    def __init__(
        self,
        holidays: Iterable[date],
        makeup_workdays: Iterable[date],
        periods: Sequence[tuple[time, time]] = DEFAULT_PERIODS,
    ) -> None:
        self._holidays = frozenset(_plain_date(d, "holiday") for d in holidays)
        self._makeup = frozenset(_plain_date(d, "make-up working day") for d in makeup_workdays)
        both = sorted(self._holidays & self._makeup)
        if both:
            raise ValueError(
                "dates both holiday and make-up working day: "
                + ", ".join(d.isoformat() for d in both)
            )
        self._periods = _check_periods(periods)
        self._spans = tuple((_us_of_day(s), _us_of_day(e)) for s, e in self._periods)
        self._day_us = sum(e - s for s, e in self._spans)
        self._holiday_ordinals = frozenset(d.toordinal() for d in self._holidays)
        self._makeup_ordinals = frozenset(d.toordinal() for d in self._makeup)
        # Only the days that change the Monday–Friday rule matter for counting.
        self._weekday_holidays = sorted(d.toordinal() for d in self._holidays if d.weekday() < 5)
        self._weekend_makeups = sorted(d.toordinal() for d in self._makeup if d.weekday() >= 5)

    # ---- construction from the shipped data ----

    @classmethod
    def load(cls, path: str | Path) -> WorkCalendar:
        """Read a calendar TOML file (schema: resources/calendar/cn_public_holidays.toml).

        Raises ValueError naming the file and the offending entry when the file is malformed.
        """
        path = Path(path)
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML: {exc}") from exc
        try:
            return _calendar_from_toml(data)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from exc

    @classmethod
    def default(cls) -> WorkCalendar:
        """The calendar shipped in resources/calendar/cn_public_holidays.toml."""
        resources = Path(__file__).resolve().parents[2] / "resources"
        return cls.load(resources / "calendar" / "cn_public_holidays.toml")

    # ---- what the calendar holds ----

    @property
    def hours_per_day(self) -> float:
        """Working hours in one working day (7.5 with the default periods)."""
        return self._day_us / _US_PER_HOUR

    @property
    def periods(self) -> tuple[tuple[time, time], ...]:
        """The working periods of a working day, in order."""
        return self._periods

    @property
    def holidays(self) -> frozenset[date]:
        """Public holidays (days off, including any weekend days listed with them)."""
        return self._holidays

    @property
    def makeup_workdays(self) -> frozenset[date]:
        """Make-up working days (调休上班)."""
        return self._makeup

    def is_working_day(self, d: date) -> bool:
        """Mon–Fri unless a holiday; Sat/Sun only if a make-up working day."""
        return self._is_working_ordinal(_plain_date(d, "day").toordinal())

    # ---- the clock ----

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Working time inside [a, b] in seconds; 0 when b is not after a."""
        start, end = _local(a, "a"), _local(b, "b")
        return max(0, self._working_us_before(end) - self._working_us_before(start)) / 1e6

    def add(self, start: datetime, limit: TimeLimit) -> datetime:
        """The deadline for `limit` from `start` with the clock never paused.

        Working hours advance through working periods only, so the deadline is the earliest
        instant at which that much working time has passed (ending at 12:00 rather than 13:30
        when the limit runs out at lunch). N working days are N × hours_per_day working hours:
        1 working day from Tuesday 10:00 is due Wednesday 10:00, and 0.5 working day is
        half a day's hours. Natural hours and days are wall-clock time.
        """
        local = _local(start, "start")
        return _aware(self._advance(local, self._limit_us(limit), limit.unit))

    def deadline(
        self, start: datetime, limit: TimeLimit, pauses: Sequence[Pause] = ()
    ) -> datetime | None:
        """The deadline with the clock stopped during each pause (挂账, 延期申请).

        Pauses may overlap and come in any order. A pause outside working time changes
        nothing for working-time limits; natural-time limits move by the pause's wall-clock
        length. While a pause is still open (end None) there is no deadline: None, unless the
        deadline had already passed before that pause began, in which case it is returned.
        """
        cursor = _local(start, "start")
        left = self._limit_us(limit)
        unit = limit.unit
        for pause_start, pause_end in _merged_pauses(pauses, cursor):
            due = self._advance(cursor, left, unit)
            if due <= pause_start:
                return _aware(due)
            left -= self._consumed_us(cursor, pause_start, unit)
            if pause_end is None:
                return None
            cursor = pause_end
        return _aware(self._advance(cursor, left, unit))

    def elapsed(
        self, start: datetime, end: datetime, unit: TimeUnit, pauses: Sequence[Pause] = ()
    ) -> float:
        """Clock time consumed from `start` to `end`, excluding pauses, in `unit`'s measure.

        An open pause counts as lasting until `end`.
        """
        a, b = _local(start, "start"), _local(end, "end")
        unit = TimeUnit(unit)
        if b <= a:
            return 0.0
        used = self._consumed_us(a, b, unit)
        for pause_start, pause_end in _merged_pauses(pauses, a):
            if pause_start >= b:
                break
            stop = b if pause_end is None else min(pause_end, b)
            used -= self._consumed_us(pause_start, stop, unit)
        return used / self._unit_us(unit)

    def remaining(
        self, start: datetime, limit: TimeLimit, now: datetime, pauses: Sequence[Pause] = ()
    ) -> float:
        """Time left on the clock at `now`, in the limit's unit; negative once overdue.

        While paused this is what was left when the pause began. For working-time limits it
        stays at 0 while overdue outside working time (no working time has been lost yet);
        `is_overdue` is the test for overdue.
        """
        return limit.amount - self.elapsed(start, now, limit.unit, pauses)

    def is_overdue(
        self, start: datetime, limit: TimeLimit, now: datetime, pauses: Sequence[Pause] = ()
    ) -> bool:
        """True once `now` is past the deadline (never while paused before it)."""
        current = _local(now, "now")
        due = self.deadline(start, limit, pauses)
        return due is not None and current > due.replace(tzinfo=None)

    # ---- internals: naive CST wall times, microseconds ----

    def _is_working_ordinal(self, ordinal: int) -> bool:
        if ordinal in self._makeup_ordinals:
            return True
        if ordinal in self._holiday_ordinals:
            return False
        return (ordinal - 1) % 7 < 5

    def _working_days_before(self, ordinal: int) -> int:
        return (
            _weekdays_before(ordinal)
            - bisect_left(self._weekday_holidays, ordinal)
            + bisect_left(self._weekend_makeups, ordinal)
        )

    def _working_us_before(self, moment: datetime) -> int:
        """Working microseconds from 0001-01-01 to `moment`: differences give working time."""
        ordinal = moment.toordinal()
        total = self._working_days_before(ordinal) * self._day_us
        if self._is_working_ordinal(ordinal):
            clock = _us_of_day(moment.time())
            for begin, end in self._spans:
                if clock <= begin:
                    break
                total += min(clock, end) - begin
        return total

    def _add_working(self, start: datetime, amount: int) -> datetime:
        """The earliest moment with `amount` working microseconds since `start`."""
        if amount <= 0:
            return start
        ordinal = start.toordinal()
        clock = _us_of_day(start.time())
        while True:
            if self._is_working_ordinal(ordinal):
                if clock == 0 and amount > self._day_us:
                    amount -= self._day_us
                else:
                    for begin, end in self._spans:
                        if clock >= end:
                            continue
                        begin = max(begin, clock)
                        if amount <= end - begin:
                            moment = datetime.combine(date.fromordinal(ordinal), time())
                            return moment + timedelta(microseconds=begin + amount)
                        amount -= end - begin
            ordinal += 1
            clock = 0

    def _advance(self, start: datetime, amount: int, unit: TimeUnit) -> datetime:
        if unit.is_working_time:
            return self._add_working(start, amount)
        return start + timedelta(microseconds=amount)

    def _consumed_us(self, a: datetime, b: datetime, unit: TimeUnit) -> int:
        if b <= a:
            return 0
        if unit.is_working_time:
            return self._working_us_before(b) - self._working_us_before(a)
        return _us(b - a)

    def _unit_us(self, unit: TimeUnit) -> int:
        return {
            TimeUnit.WORKING_HOURS: _US_PER_HOUR,
            TimeUnit.WORKING_DAYS: self._day_us,
            TimeUnit.NATURAL_HOURS: _US_PER_HOUR,
            TimeUnit.NATURAL_DAYS: _US_PER_DAY,
        }[unit]

    def _limit_us(self, limit: TimeLimit) -> int:
        return round(limit.amount * self._unit_us(limit.unit))


def _plain_date(value: object, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what} must be a date, got {value!r}")
    return value


def _check_periods(periods: Sequence[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
    """Working periods in order; each non-empty, naive (CST wall time), none overlapping."""
    checked = tuple(sorted((tuple(p) for p in periods), key=lambda p: p[0]))
    if not checked:
        raise ValueError("a working day needs at least one working period")
    previous_end: time | None = None
    for begin, end in checked:
        if not (isinstance(begin, time) and isinstance(end, time)):
            raise TypeError(f"working period must be two times, got {(begin, end)!r}")
        if begin.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("working periods are CST wall times and carry no tzinfo")
        if begin >= end:
            raise ValueError(f"working period {begin:%H:%M}–{end:%H:%M} ends before it starts")
        if previous_end is not None and begin < previous_end:
            raise ValueError(f"working period starting {begin:%H:%M} overlaps the one before")
        previous_end = end
    return checked  # type: ignore[return-value]


def _merged_pauses(
    pauses: Sequence[Pause], not_before: datetime
) -> list[tuple[datetime, datetime | None]]:
    """Pauses as sorted, disjoint local intervals clipped to start at `not_before` or later."""
    intervals: list[tuple[datetime, datetime | None]] = []
    for index, (begin, end) in enumerate(pauses):
        local_begin = _local(begin, f"pause {index} start")
        local_end = None if end is None else _local(end, f"pause {index} end")
        if local_end is not None and local_end < local_begin:
            raise ValueError(
                f"pause {index} ends before it starts: {begin.isoformat()} to "
                f"{_aware(local_end).isoformat()}"
            )
        if local_end is not None and local_end <= not_before:
            continue
        intervals.append((max(local_begin, not_before), local_end))
    intervals.sort(key=lambda interval: interval[0])
    merged: list[tuple[datetime, datetime | None]] = []
    for begin, end in intervals:
        if merged:
            last_begin, last_end = merged[-1]
            if last_end is None:
                break  # an open pause swallows everything after it
            if begin <= last_end:
                merged[-1] = (last_begin, None if end is None else max(last_end, end))
                continue
        merged.append((begin, end))
    return merged


# ---- the TOML schema ----

_TOP_KEYS = {"version", "working_hours", "holiday"}
_HOLIDAY_KEYS = {"name", "dates", "makeup"}
_LONGEST_HOLIDAY = 31  # days; a longer range is a typo, not a holiday


def _calendar_from_toml(data: dict[str, Any]) -> WorkCalendar:
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ValueError(f"unknown top-level keys {sorted(unknown)}; expected {sorted(_TOP_KEYS)}")
    if data.get("version") != 1:
        raise ValueError(f"version must be 1, got {data.get('version')!r}")
    periods = _periods_from_toml(data.get("working_hours", {}))
    entries = data.get("holiday", [])
    if not isinstance(entries, list):
        raise ValueError("'holiday' must be an array of tables ([[holiday]])")
    holidays: dict[date, str] = {}
    makeups: dict[date, str] = {}
    for index, entry in enumerate(entries):
        where = f"holiday #{index + 1}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: must be a table ([[holiday]])")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}: needs a non-empty 'name'")
        where = f"{where} ({name})"
        unknown = set(entry) - _HOLIDAY_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        for day in _holiday_range(entry.get("dates"), where):
            if day in holidays:
                raise ValueError(f"{where}: {day} is already listed under {holidays[day]}")
            holidays[day] = name
        makeup = entry.get("makeup", [])
        if not isinstance(makeup, list):
            raise ValueError(f"{where}: 'makeup' must be a list of dates")
        for raw in makeup:
            day = _toml_date(raw, f"{where}: makeup")
            if day.weekday() < 5:
                raise ValueError(
                    f"{where}: makeup {day} is a {day:%A}; a make-up working day is a weekend day"
                )
            if day in makeups:
                raise ValueError(f"{where}: makeup {day} is already listed under {makeups[day]}")
            makeups[day] = name
    clash = sorted(set(holidays) & set(makeups))
    if clash:
        day = clash[0]
        raise ValueError(
            f"{day} is both a holiday ({holidays[day]}) and a make-up working day ({makeups[day]})"
        )
    return WorkCalendar(holidays, makeups, periods)


def _holiday_range(raw: object, where: str) -> list[date]:
    if not isinstance(raw, list) or len(raw) not in (1, 2):
        raise ValueError(f"{where}: 'dates' must be [\"YYYY-MM-DD\"] or [first, last], got {raw!r}")
    first = _toml_date(raw[0], f"{where}: dates")
    last = _toml_date(raw[-1], f"{where}: dates")
    if last < first:
        raise ValueError(f"{where}: dates run backwards ({first} to {last})")
    days = (last - first).days + 1
    if days > _LONGEST_HOLIDAY:
        raise ValueError(f"{where}: {first} to {last} is {days} days; is a date mistyped?")
    return [first + timedelta(days=offset) for offset in range(days)]


def _toml_date(raw: object, where: str) -> date:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValueError(f"{where}: {raw!r} is not a date (YYYY-MM-DD)")


def _periods_from_toml(table: object) -> tuple[tuple[time, time], ...]:
    if not isinstance(table, dict):
        raise ValueError("[working_hours] must be a table")
    unknown = set(table) - {"periods"}
    if unknown:
        raise ValueError(f"[working_hours]: unknown keys {sorted(unknown)}")
    raw = table.get("periods")
    if raw is None:
        return DEFAULT_PERIODS
    if not isinstance(raw, list):
        raise ValueError("[working_hours] periods must be a list of [start, end] pairs")
    periods = []
    for pair in raw:
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f'[working_hours] period {pair!r} must be ["HH:MM", "HH:MM"]')
        periods.append((_toml_time(pair[0]), _toml_time(pair[1])))
    try:
        return _check_periods(periods)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"[working_hours]: {exc}") from exc


def _toml_time(raw: object) -> time:
    if isinstance(raw, time) and raw.tzinfo is None:
        return raw
    if isinstance(raw, str):
        try:
            return time.fromisoformat(raw)
        except ValueError:
            pass
    raise ValueError(f"[working_hours]: {raw!r} is not a time (HH:MM)")
