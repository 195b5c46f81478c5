"""A squad's daily shift (班次): who is on duty now, and when the shift changes.

A shift is a window of the day, `start`–`end` in China Standard Time; an end earlier than
the start runs past midnight (a night shift 22:00–06:00). No window at all means round the
clock. Urban-management squads work staggered shifts (错时执法): an early shift for the
morning markets, the day shift, an evening shift for the night markets and a night watch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

__all__ = ["CST", "ROUND_THE_CLOCK", "STANDARD_SHIFTS", "Shift", "shift_of"]

CST = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Shift:
    """A daily duty window; `start is None and end is None` is round the clock."""

    start: time | None = None
    end: time | None = None

    def __post_init__(self) -> None:
        if (self.start is None) != (self.end is None):
            raise ValueError("a shift needs both a start and an end, or neither")
        if self.start is not None and self.start == self.end:
            raise ValueError(
                f"a shift cannot start and end at {self.start:%H:%M}: leave both empty for "
                "round the clock"
            )

    @property
    def round_the_clock(self) -> bool:
        return self.start is None

    @property
    def overnight(self) -> bool:
        return self.start is not None and self.end is not None and self.end < self.start

    def label(self) -> str:
        """'08:00–17:30', or '' for round the clock (the UI says 全天)."""
        if self.start is None or self.end is None:
            return ""
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def on_duty(self, at: datetime) -> bool:
        """Whether `at` (aware; naive is taken as China time) falls inside the shift."""
        if self.start is None or self.end is None:
            return True
        t = _local(at).time().replace(tzinfo=None)
        if self.end > self.start:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def next_change(self, at: datetime) -> datetime | None:
        """When the squad next goes on or off duty after `at` (China time), None for
        round the clock."""
        if self.start is None or self.end is None:
            return None
        local = _local(at)
        boundary = self.end if self.on_duty(at) else self.start
        candidate = datetime.combine(local.date(), boundary, tzinfo=CST)
        if candidate <= local:
            candidate += timedelta(days=1)
        return candidate


ROUND_THE_CLOCK = Shift()

# The bureau's standard shifts, by code (the seed and the settings refer to these).
STANDARD_SHIFTS: dict[str, Shift] = {
    "early": Shift(time(6, 0), time(14, 0)),  # 早班: morning markets, street cleaning checks
    "day": Shift(time(8, 0), time(17, 30)),  # 白班
    "evening": Shift(time(14, 0), time(22, 0)),  # 晚班: night markets, outdoor barbecues
    "night": Shift(time(22, 0), time(6, 0)),  # 夜班: night watch
}


def shift_of(start: time | None, end: time | None) -> Shift:
    """The shift stored as two columns (see `store.models.Squad`)."""
    return Shift(start, end)


def _local(at: datetime) -> datetime:
    return at.replace(tzinfo=CST) if at.tzinfo is None else at.astimezone(CST)
