"""Motion zones on camera images: where to watch, when, and when motion becomes a suggestion.

A `MotionZone` is a polygon drawn on a camera image in normalised coordinates (0..1 of the
image's width and height, so it survives a change of stream resolution), with the category a
suggested case is filed under (e.g. 无照经营游商 at a street corner), the fraction of its pixels
that must be moving, how long motion must persist, a weekly schedule and a cooldown.

`MotionPersistence` is the per-zone state machine: fed `(at, moving_fraction)` samples, it
returns a `ZoneTrigger` once motion has stayed above the zone's threshold for `persist_s`
inside an active window. Pixels and OpenCV live in `command_center.video.motion`; this module
is pure Python and deterministic, so it is tested with hand-made timelines.

Schedules read wall time in China Standard Time: an aware datetime is converted to CST, a
naive one is taken as CST wall time already.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from command_center.domain.calendar import CST

Point = tuple[float, float]
Polygon = tuple[Point, ...]

MIN_ZONE_AREA = 1e-4
"""The smallest zone, as a fraction of the image (0.01 %: ~6 pixels at 320×180)."""

DEFAULT_CATEGORY_CODE = "200501"
"""无照经营游商 (street vending without a licence), the usual reason to watch a street corner."""

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""ISO weekdays 1..7, for messages."""


# -- polygons ---------------------------------------------------------------------
def polygon_area(polygon: Sequence[Point]) -> float:
    """The unsigned area of a simple polygon (shoelace formula)."""
    n = len(polygon)
    twice = 0.0
    for i in range(n):
        x0, y0 = polygon[i]
        x1, y1 = polygon[(i + 1) % n]
        twice += x0 * y1 - x1 * y0
    return abs(twice) / 2.0


def validate_polygon(points: Iterable[Any]) -> Polygon:
    """Return `points` as a tuple of (x, y) floats, or raise ValueError saying what is wrong.

    A zone polygon has at least 3 vertices, each finite and inside the unit square, and an
    area of at least `MIN_ZONE_AREA` (three points on a line are not a zone).
    """
    try:
        raw = list(points)
    except TypeError:
        raise ValueError(f"polygon must be a list of (x, y) points, got {points!r}") from None
    out: list[Point] = []
    for i, p in enumerate(raw):
        if isinstance(p, str | bytes) or not isinstance(p, Sequence) or len(p) != 2:
            raise ValueError(f"polygon vertex {i} must be an (x, y) pair, got {p!r}")
        x, y = p
        for axis, v in (("x", x), ("y", y)):
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ValueError(f"polygon vertex {i}: {axis} must be a number, got {v!r}")
            if not math.isfinite(v):
                raise ValueError(f"polygon vertex {i}: {axis} is not finite ({v!r})")
            if not 0.0 <= v <= 1.0:
                raise ValueError(
                    f"polygon vertex {i}: {axis}={v!r} is outside the image "
                    "(normalised coordinates run from 0 to 1)"
                )
        out.append((float(x), float(y)))
    if len(out) < 3:
        raise ValueError(f"polygon needs at least 3 vertices, got {len(out)}")
    area = polygon_area(out)
    if area < MIN_ZONE_AREA:
        raise ValueError(
            f"polygon is degenerate: its area is {area:.2g} of the image, "
            f"less than the minimum {MIN_ZONE_AREA:g}"
        )
    return tuple(out)


# -- schedules --------------------------------------------------------------------
def _wall_time(at: datetime) -> datetime:
    """`at` as naive CST wall time."""
    return at.astimezone(CST).replace(tzinfo=None) if at.tzinfo is not None else at


@dataclass(frozen=True)
class WeeklyWindow:
    """A window that opens on given weekdays at `start` and closes at `end`.

    `days` are ISO weekdays (1 = Monday … 7 = Sunday) on which the window *opens*. When
    `end` <= `start` the window runs overnight into the next day (Fri 22:00–06:00 covers
    Saturday until 06:00); `start == end` means a full 24 hours from `start`.
    """

    days: frozenset[int]
    start: time
    end: time

    def __post_init__(self) -> None:
        days = frozenset(self.days)
        if not days:
            raise ValueError("a schedule window needs at least one day of the week")
        bad = sorted(d for d in days if isinstance(d, bool) or d not in range(1, 8))
        if bad:
            raise ValueError(f"days of the week run 1 (Mon) to 7 (Sun), got {bad}")
        for name, t in (("start", self.start), ("end", self.end)):
            if not isinstance(t, time):
                raise ValueError(f"window {name} must be a time of day, got {t!r}")
            if t.tzinfo is not None:
                raise ValueError(f"window {name} must be a wall time without a time zone")
        object.__setattr__(self, "days", days)

    @property
    def overnight(self) -> bool:
        """True when the window runs past midnight into the next day."""
        return self.end <= self.start

    def active(self, at: datetime) -> bool:
        """True when `at` falls inside this window (start inclusive, end exclusive)."""
        wall = _wall_time(at)
        t = wall.time()
        day = wall.isoweekday()
        if not self.overnight:
            return day in self.days and self.start <= t < self.end
        if day in self.days and t >= self.start:
            return True
        previous = (wall - timedelta(days=1)).isoweekday()
        return previous in self.days and t < self.end

    def describe(self) -> str:
        """E.g. 'Mon,Tue 22:00-06:00' (for logs and tooltips)."""
        days = ",".join(DAY_NAMES[d - 1] for d in sorted(self.days))
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class ZoneSchedule:
    """When a zone is watched: the union of weekly windows; no windows means always."""

    windows: tuple[WeeklyWindow, ...] = ()

    def __post_init__(self) -> None:
        windows = tuple(self.windows)
        for w in windows:
            if not isinstance(w, WeeklyWindow):
                raise ValueError(f"a schedule holds WeeklyWindow values, got {w!r}")
        object.__setattr__(self, "windows", windows)

    @property
    def always(self) -> bool:
        return not self.windows

    def active(self, at: datetime) -> bool:
        """True when the zone is watched at `at`."""
        return self.always or any(w.active(at) for w in self.windows)


ALWAYS = ZoneSchedule()


# -- zones --------------------------------------------------------------------------
def _number(
    name: str, value: Any, *, low: float, high: float = math.inf, open_low: bool = False
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < low or (open_low and value == low) or value > high:
        lo = f"> {low:g}" if open_low else f">= {low:g}"
        hi = "" if high == math.inf else f" and <= {high:g}"
        raise ValueError(f"{name} must be {lo}{hi}, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class MotionZone:
    """A watched polygon on one camera's image and the rule that turns motion into a case.

    `threshold` is the fraction of the zone's pixels that must be moving (0.02 = 2 %);
    motion must stay above it for `persist_s` seconds, dips of up to `gap_s` seconds are
    tolerated; after a suggestion no other is raised for `cooldown_s`. `location` is the
    (lon, lat) WGS-84 point the zone looks at, when it differs from the camera's own.
    """

    id: str
    name: str
    polygon: Polygon
    category_code: str = DEFAULT_CATEGORY_CODE
    threshold: float = 0.02
    persist_s: float = 10.0
    schedule: ZoneSchedule = field(default_factory=ZoneSchedule)
    cooldown_s: float = 600.0
    gap_s: float = 1.0
    location: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        for name in ("id", "name", "category_code"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"zone {name} must be a non-empty string, got {value!r}")
        label = f"zone {self.id!r}"
        try:
            polygon = validate_polygon(self.polygon)
        except ValueError as exc:
            raise ValueError(f"{label}: {exc}") from None
        object.__setattr__(self, "polygon", polygon)
        try:
            checked = {
                "threshold": _number("threshold", self.threshold, low=0.0, high=1.0, open_low=True),
                "persist_s": _number("persist_s", self.persist_s, low=0.0),
                "cooldown_s": _number("cooldown_s", self.cooldown_s, low=0.0),
                "gap_s": _number("gap_s", self.gap_s, low=0.0),
            }
            if not isinstance(self.schedule, ZoneSchedule):
                raise ValueError(f"schedule must be a ZoneSchedule, got {self.schedule!r}")
            if self.location is not None:
                if len(self.location) != 2:
                    raise ValueError(f"location must be (lon, lat), got {self.location!r}")
                lon = _number("location longitude", self.location[0], low=-180.0, high=180.0)
                lat = _number("location latitude", self.location[1], low=-90.0, high=90.0)
                object.__setattr__(self, "location", (lon, lat))
        except ValueError as exc:
            raise ValueError(f"{label}: {exc}") from None
        for name, value in checked.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class ZoneTrigger:
    """Motion persisted in a zone: the seed of a suggested case for the intake operator."""

    zone_id: str
    started_at: datetime
    at: datetime
    peak_fraction: float
    mean_fraction: float

    @property
    def duration_s(self) -> float:
        return (self.at - self.started_at).total_seconds()


# -- persistence --------------------------------------------------------------------
class MotionPersistence:
    """Per-zone state machine: motion samples in, a `ZoneTrigger` out once it has persisted.

    A run starts at the first sample at or above the threshold. A gap (from the first quiet
    sample, or from the last moving one when samples stop coming) of up to `gap_s` does not
    end the run; a longer one does. The run fires when its moving samples span `persist_s`. A sample outside the schedule ends the run. After a
    trigger the run starts over, and nothing fires before `cooldown_s` has passed. Samples
    must come in time order.
    """

    def __init__(self, zone: MotionZone) -> None:
        self.zone = zone
        self._last_at: datetime | None = None
        self._last_trigger_at: datetime | None = None
        self._clear()

    def _clear(self) -> None:
        self._started_at: datetime | None = None
        self._last_moving_at: datetime | None = None
        self._quiet_since: datetime | None = None
        self._peak = 0.0
        self._sum = 0.0
        self._count = 0

    @property
    def running_since(self) -> datetime | None:
        """When the current run of motion started, or None when there is none."""
        return self._started_at

    @property
    def last_trigger_at(self) -> datetime | None:
        return self._last_trigger_at

    def reset(self) -> None:
        """Forget the current run (the cooldown is kept)."""
        self._clear()

    def feed(self, at: datetime, moving_fraction: float) -> ZoneTrigger | None:
        """Take one sample; return a trigger when motion has just persisted long enough."""
        if not math.isfinite(moving_fraction) or not 0.0 <= moving_fraction <= 1.0:
            raise ValueError(f"moving fraction must be within 0..1, got {moving_fraction!r}")
        if self._last_at is not None and at < self._last_at:
            raise ValueError(f"samples must come in time order: {at} is before {self._last_at}")
        self._last_at = at
        zone = self.zone
        if not zone.schedule.active(at):
            self._clear()
            return None
        moving = moving_fraction >= zone.threshold
        gap_from = self._quiet_since or self._last_moving_at
        if gap_from is not None and (at - gap_from).total_seconds() > zone.gap_s:
            self._clear()  # the gap was too long: the old run is over
        if self._started_at is None:
            if not moving:
                return None
            self._started_at = at
        self._peak = max(self._peak, moving_fraction)
        self._sum += moving_fraction
        self._count += 1
        if not moving:
            if self._quiet_since is None:
                self._quiet_since = at
            return None
        self._last_moving_at = at
        self._quiet_since = None
        assert self._started_at is not None
        if (at - self._started_at).total_seconds() < zone.persist_s:
            return None
        if (
            self._last_trigger_at is not None
            and (at - self._last_trigger_at).total_seconds() < zone.cooldown_s
        ):
            return None
        trigger = ZoneTrigger(
            zone_id=zone.id,
            started_at=self._started_at,
            at=at,
            peak_fraction=self._peak,
            mean_fraction=self._sum / self._count,
        )
        self._last_trigger_at = at
        self._clear()
        return trigger


# -- serialisation ------------------------------------------------------------------
_ZONE_KEYS = {
    "id",
    "name",
    "polygon",
    "category_code",
    "threshold",
    "persist_s",
    "schedule",
    "cooldown_s",
    "gap_s",
    "location",
}
_WINDOW_KEYS = {"days", "start", "end"}


def _time_text(t: time) -> str:
    return t.strftime("%H:%M:%S") if t.second else t.strftime("%H:%M")


def _parse_time(text: Any, where: str) -> time:
    if not isinstance(text, str):
        raise ValueError(f"{where} must be a 'HH:MM' string, got {text!r}")
    try:
        t = time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{where} must be 'HH:MM' or 'HH:MM:SS', got {text!r}") from None
    if t.tzinfo is not None or t.microsecond:
        raise ValueError(f"{where} must be 'HH:MM' or 'HH:MM:SS', got {text!r}")
    return t


def window_to_dict(window: WeeklyWindow) -> dict[str, Any]:
    return {
        "days": sorted(window.days),
        "start": _time_text(window.start),
        "end": _time_text(window.end),
    }


def window_from_dict(data: Any, where: str = "window") -> WeeklyWindow:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where} must be an object, got {data!r}")
    _check_keys(data, _WINDOW_KEYS, _WINDOW_KEYS, where)
    days = data["days"]
    if isinstance(days, str) or not isinstance(days, Sequence):
        raise ValueError(f"{where}.days must be a list of weekdays 1..7, got {days!r}")
    for d in days:
        if isinstance(d, bool) or not isinstance(d, int):
            raise ValueError(f"{where}.days must be a list of weekdays 1..7, got {days!r}")
    try:
        return WeeklyWindow(
            frozenset(days),
            _parse_time(data["start"], f"{where}.start"),
            _parse_time(data["end"], f"{where}.end"),
        )
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _check_keys(data: Mapping[str, Any], required: set[str], known: set[str], where: str) -> None:
    missing = sorted(required - data.keys())
    if missing:
        raise ValueError(f"{where}: missing {', '.join(repr(k) for k in missing)}")
    unknown = sorted(str(k) for k in data.keys() - known)
    if unknown:
        raise ValueError(f"{where}: unknown {', '.join(repr(k) for k in unknown)}")


def zone_to_dict(zone: MotionZone) -> dict[str, Any]:
    """A JSON-friendly dict of `zone` (lists, numbers and 'HH:MM' strings only)."""
    return {
        "id": zone.id,
        "name": zone.name,
        "polygon": [[x, y] for x, y in zone.polygon],
        "category_code": zone.category_code,
        "threshold": zone.threshold,
        "persist_s": zone.persist_s,
        "gap_s": zone.gap_s,
        "cooldown_s": zone.cooldown_s,
        "schedule": [window_to_dict(w) for w in zone.schedule.windows],
        "location": None if zone.location is None else list(zone.location),
    }


def zone_from_dict(data: Any) -> MotionZone:
    """The zone `zone_to_dict` wrote; ValueError naming the zone and field on bad input.

    `id`, `name`, `polygon` and `category_code` are required; the rest default like
    `MotionZone`'s fields. Unknown keys are refused (they are usually typos).
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"a zone must be an object, got {type(data).__name__}")
    where = f"zone {data.get('id')!r}" if "id" in data else "zone"
    _check_keys(data, {"id", "name", "polygon", "category_code"}, _ZONE_KEYS, where)
    schedule_data = data.get("schedule", [])
    if schedule_data is None:
        schedule_data = []
    if isinstance(schedule_data, str | Mapping) or not isinstance(schedule_data, Sequence):
        raise ValueError(f"{where}: schedule must be a list of windows, got {schedule_data!r}")
    windows = tuple(
        window_from_dict(w, f"{where}: schedule[{i}]") for i, w in enumerate(schedule_data)
    )
    polygon = data["polygon"]
    if isinstance(polygon, str | Mapping) or not isinstance(polygon, Sequence):
        raise ValueError(f"{where}: polygon must be a list of [x, y] points, got {polygon!r}")
    location = data.get("location")
    if location is not None:
        if isinstance(location, str) or not isinstance(location, Sequence) or len(location) != 2:
            raise ValueError(f"{where}: location must be [lon, lat] or null, got {location!r}")
        location = (location[0], location[1])
    defaults = MotionZone.__dataclass_fields__
    kwargs = {
        k: data.get(k, defaults[k].default)
        for k in ("threshold", "persist_s", "cooldown_s", "gap_s")
    }
    return MotionZone(
        id=data["id"],
        name=data["name"],
        polygon=tuple(tuple(p) if isinstance(p, Sequence) else p for p in polygon),  # type: ignore[misc]
        category_code=data["category_code"],
        schedule=ZoneSchedule(windows),
        location=location,
        **kwargs,
    )


def zones_to_list(zones: Iterable[MotionZone]) -> list[dict[str, Any]]:
    """One camera's zones, JSON-friendly; ids must be unique."""
    out = [zone_to_dict(z) for z in zones]
    _check_unique(out)
    return out


def zones_from_list(data: Any) -> list[MotionZone]:
    """One camera's zones from `zones_to_list` output; ids must be unique."""
    if isinstance(data, str | Mapping) or not isinstance(data, Sequence):
        raise ValueError(f"a camera's zones must be a list, got {type(data).__name__}")
    zones = [zone_from_dict(d) for d in data]
    _check_unique([{"id": z.id} for z in zones])
    return zones


def _check_unique(items: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for item in items:
        if item["id"] in seen:
            raise ValueError(f"zone id {item['id']!r} is used twice on one camera")
        seen.add(item["id"])
