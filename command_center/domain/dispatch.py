"""Dispatch rules: which squad to send, when to chase an unaccepted task, duplicates, alerts.

Four pure rules the dispatcher's panels ask about (no Qt, no database):

* `recommend` ranks the squads that can take a case by an estimated cost in minutes:
  travel time plus a penalty per open case, a penalty for a busy squad and, optionally, one
  for a squad of the wrong unit type. `exclusion` says why a squad is not in the list.
* `acceptance_state` / `escalation_due` / `escalations`: a dispatched task the handling unit
  has not accepted within a timeout is overdue and is escalated (again every timeout).
* `possible_duplicates` / `OpenCaseIndex`: open cases of the same category within ~50 m of a
  new report (FixMyStreet-style merging), nearest first, vectorised with numpy.
* `deadline_alerts`: which cases are due soon or overdue, through `deadline_state`.

Results carry data, never sentences: a recommendation's `reasons` is a tuple of reason codes
with their numbers, e.g. ``(("distance", 850.0), ("load", 2), ("busy",))``, which the UI
translates. Every ordering is deterministic, with the id as the last tie-break.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from operator import itemgetter
from typing import TypedDict

import numpy as np
from numpy.typing import NDArray

from command_center.domain.calendar import TimeLimit, WorkCalendar
from command_center.domain.deadline_state import (
    DUE_SOON_WITHIN,
    DeadlineState,
    deadline_state,
)
from command_center.domain.geo import GeoError, haversine_m_array, local_metres_per_degree

__all__ = [
    "DEFAULT_WEIGHTS",
    "BatchCase",
    "plan_batch",
    "DUPLICATE_RADIUS_M",
    "AcceptanceState",
    "DeadlineAlerts",
    "DispatchWeights",
    "Escalation",
    "Exclusion",
    "OpenCaseIndex",
    "Reason",
    "Recommendation",
    "SquadCandidate",
    "SquadStatus",
    "UnitMismatch",
    "acceptance_due_at",
    "acceptance_state",
    "deadline_alerts",
    "escalation_due",
    "escalations",
    "exclusion",
    "possible_duplicates",
    "recommend",
]

FloatArray = NDArray[np.float64]

DUPLICATE_RADIUS_M = 50.0
"""Reports of one category closer than this are offered as possible duplicates."""


# ---------------------------------------------------------------- recommendation


class SquadStatus(StrEnum):
    """A squad's duty status, as the status board shows it."""

    AVAILABLE = "available"
    BUSY = "busy"
    OFF_DUTY = "off_duty"


class UnitMismatch(StrEnum):
    """What to do with a squad whose unit type is not the category's responsible type."""

    EXCLUDE = "exclude"  # never recommend it (a wrong dispatch counts against the dispatcher)
    PENALISE = "penalise"  # recommend it, `unit_mismatch_penalty_min` later in the ranking
    IGNORE = "ignore"  # unit type plays no part


class Reason(StrEnum):
    """Codes of a recommendation's reasons; each comes with its number(s), if any."""

    DISTANCE = "distance"  # ("distance", metres)
    LOAD = "load"  # ("load", open cases), only when > 0
    BUSY = "busy"  # ("busy",)
    UNIT_MISMATCH = "unit_mismatch"  # ("unit_mismatch", squad unit type), when penalised


class Exclusion(StrEnum):
    """Why a squad is not recommended at all."""

    OFF_DUTY = "off_duty"
    OFF_SHIFT = "off_shift"
    UNKNOWN_STATUS = "unknown_status"
    NO_POSITION = "no_position"  # no fix, or a fix that is not a valid coordinate
    STALE_POSITION = "stale_position"  # older than `max_position_age` at `now`
    UNIT_MISMATCH = "unit_mismatch"  # wrong unit type under UnitMismatch.EXCLUDE
    DECLINED = "declined"  # the squad already declined this case (退回)


ReasonItem = tuple[str] | tuple[str, float] | tuple[str, str]

# Plain-string copies of the codes for the hot loop (enum attribute look-ups are slow).
_AVAILABLE, _BUSY = SquadStatus.AVAILABLE.value, SquadStatus.BUSY.value
_DISTANCE, _LOAD = Reason.DISTANCE.value, Reason.LOAD.value
_BUSY_REASON, _UNIT_MISMATCH = Reason.BUSY.value, Reason.UNIT_MISMATCH.value


@dataclass(frozen=True)
class SquadCandidate:
    """What the dispatch rule needs to know about one squad (see `services.snapshot.SquadRow`).

    `lon`/`lat` are WGS-84 degrees, None when the squad has no fix. `position_at` is when the
    fix was taken; it only matters when `recommend` is given `now`.
    """

    id: int
    lon: float | None
    lat: float | None
    status: str
    open_cases: int = 0
    unit_type: str | None = None
    on_shift: bool = True
    position_at: datetime | None = None

    def __post_init__(self) -> None:
        if isinstance(self.open_cases, bool) or not isinstance(self.open_cases, int):
            raise ValueError(f"squad {self.id}: open_cases must be an int, got {self.open_cases!r}")
        if self.open_cases < 0:
            raise ValueError(f"squad {self.id}: open_cases must be >= 0, got {self.open_cases}")


@dataclass(frozen=True)
class DispatchWeights:
    """The knobs of the recommendation score; every penalty is in minutes.

    score = distance / speed + open_cases × minutes_per_open_case
            + (busy_penalty_min if busy) + (unit_mismatch_penalty_min if penalised mismatch)
    """

    speed_kmh: float = 20.0  # typical urban speed of a car squad, door to door
    minutes_per_open_case: float = 10.0
    busy_penalty_min: float = 15.0
    unit_mismatch: UnitMismatch = UnitMismatch.EXCLUDE
    unit_mismatch_penalty_min: float = 30.0
    max_position_age: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit_mismatch", UnitMismatch(self.unit_mismatch))
        if not (math.isfinite(self.speed_kmh) and self.speed_kmh > 0):
            raise ValueError(f"speed_kmh must be a positive number, got {self.speed_kmh!r}")
        for name in ("minutes_per_open_case", "busy_penalty_min", "unit_mismatch_penalty_min"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")
        if self.max_position_age < timedelta(0):
            raise ValueError(f"max_position_age must not be negative, got {self.max_position_age}")

    @property
    def metres_per_minute(self) -> float:
        return self.speed_kmh * 1000.0 / 60.0


DEFAULT_WEIGHTS = DispatchWeights()


@dataclass(frozen=True)
class Recommendation:
    """One ranked squad: its cost in minutes and why."""

    squad_id: int
    score: float  # minutes; lower is better
    distance_m: float  # great-circle distance to the case
    eta_min: float  # distance / speed
    load: int  # open cases the squad already holds
    reasons: tuple[ReasonItem, ...]


def exclusion(
    squad: SquadCandidate,
    *,
    responsible_unit_type: str | None = None,
    now: datetime | None = None,
    weights: DispatchWeights = DEFAULT_WEIGHTS,
    declined: Collection[int] = (),
) -> Exclusion | None:
    """Why `squad` cannot be recommended, or None when it can.

    Checked in this order: off duty, off shift, an unknown status, no usable position, a
    position older than `weights.max_position_age` at `now` (only when both `now` and the
    fix time are known), the wrong unit type under `UnitMismatch.EXCLUDE` (only when both
    the category's and the squad's unit types are known), and a squad in `declined` (it
    has already declined this case).
    """
    if squad.status == SquadStatus.OFF_DUTY:
        return Exclusion.OFF_DUTY
    if not squad.on_shift:
        return Exclusion.OFF_SHIFT
    if squad.status not in (SquadStatus.AVAILABLE, SquadStatus.BUSY):
        return Exclusion.UNKNOWN_STATUS
    if not _usable_position(squad.lon, squad.lat):
        return Exclusion.NO_POSITION
    if (
        now is not None
        and squad.position_at is not None
        and now - squad.position_at > weights.max_position_age
    ):
        return Exclusion.STALE_POSITION
    if weights.unit_mismatch is UnitMismatch.EXCLUDE and _mismatched(squad, responsible_unit_type):
        return Exclusion.UNIT_MISMATCH
    if squad.id in declined:
        return Exclusion.DECLINED
    return None


def recommend(
    case_lon: float,
    case_lat: float,
    squads: Iterable[SquadCandidate],
    *,
    limit: int | None = 5,
    now: datetime | None = None,
    responsible_unit_type: str | None = None,
    weights: DispatchWeights = DEFAULT_WEIGHTS,
    declined: Collection[int] = (),
) -> list[Recommendation]:
    """The best `limit` squads for a case at (`case_lon`, `case_lat`), best first.

    Only squads that `exclusion` lets through are ranked (never off duty, never without a
    position, never a squad in `declined`, which has already declined this case). Ordered
    by (score, distance, squad id); `limit=None` returns them all.
    Raises `GeoError` for an unusable case position, ValueError for a negative limit.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0 or None, got {limit}")
    x, y = _check_point(case_lon, case_lat, "case position")
    # One pass with the cheap tests of `exclusion` inlined (it is the hot loop); coordinates
    # are then checked for all squads at once.
    per_case = weights.minutes_per_open_case
    busy_min = weights.busy_penalty_min
    penalise = weights.unit_mismatch is UnitMismatch.PENALISE and responsible_unit_type is not None
    exclude = weights.unit_mismatch is UnitMismatch.EXCLUDE and responsible_unit_type is not None
    stale_before = None if now is None else now - weights.max_position_age
    kept: list[SquadCandidate] = []
    lons: list[float] = []
    lats: list[float] = []
    penalties: list[float] = []
    mismatched: list[bool] = []
    for s in squads:
        status = s.status
        if status == _AVAILABLE:
            penalty = s.open_cases * per_case
        elif status == _BUSY:
            penalty = s.open_cases * per_case + busy_min
        else:
            continue
        if not s.on_shift or s.lon is None or s.lat is None or s.id in declined:
            continue
        if stale_before is not None and s.position_at is not None and s.position_at < stale_before:
            continue
        wrong = s.unit_type is not None and s.unit_type != responsible_unit_type
        if wrong and exclude:
            continue
        wrong = wrong and penalise
        if wrong:
            penalty += weights.unit_mismatch_penalty_min
        kept.append(s)
        lons.append(s.lon)
        lats.append(s.lat)
        penalties.append(penalty)
        mismatched.append(wrong)
    if not kept or limit == 0:
        return []
    lon_a = np.array(lons, dtype=np.float64)
    lat_a = np.array(lats, dtype=np.float64)
    usable = np.flatnonzero(np.isfinite(lon_a) & np.isfinite(lat_a) & (np.abs(lat_a) <= 90.0))
    if usable.size == 0:
        return []
    distance = haversine_m_array(x, y, lon_a[usable], lat_a[usable])
    eta = distance / weights.metres_per_minute
    score = eta + np.array(penalties, dtype=np.float64)[usable]
    ids = [kept[i].id for i in usable.tolist()]
    order = np.lexsort((np.array(ids), distance, score))
    if limit is not None:
        order = order[:limit]
    out = []
    for k in order.tolist():
        i = int(usable[k])
        s = kept[i]
        d = float(distance[k])
        reasons: list[ReasonItem] = [(_DISTANCE, d)]
        if s.open_cases:
            reasons.append((_LOAD, s.open_cases))
        if s.status == _BUSY:
            reasons.append((_BUSY_REASON,))
        if mismatched[i]:
            reasons.append((_UNIT_MISMATCH, str(s.unit_type)))
        out.append(
            Recommendation(
                squad_id=s.id,
                score=float(score[k]),
                distance_m=d,
                eta_min=float(eta[k]),
                load=s.open_cases,
                reasons=tuple(reasons),
            )
        )
    return out


def _mismatched(squad: SquadCandidate, responsible_unit_type: str | None) -> bool:
    return (
        responsible_unit_type is not None
        and squad.unit_type is not None
        and squad.unit_type != responsible_unit_type
    )


def _usable_position(lon: float | None, lat: float | None) -> bool:
    if lon is None or lat is None:
        return False
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        return False
    return math.isfinite(x) and math.isfinite(y) and -90.0 <= y <= 90.0


def _check_point(lon: float, lat: float, what: str) -> tuple[float, float]:
    if not _usable_position(lon, lat):
        raise GeoError(f"{what} must be finite WGS-84 degrees, got lon={lon!r}, lat={lat!r}")
    return float(lon), float(lat)


# ---------------------------------------------------------------- acceptance escalation


class AcceptanceState(StrEnum):
    """Where a dispatched task stands against the acceptance timeout."""

    WAITING = "waiting"  # dispatched, not accepted, still within the timeout
    ACCEPTED = "accepted"
    OVERDUE = "overdue"  # not accepted and the timeout has run out: escalate


Timeout = timedelta | TimeLimit
"""A wall-clock timedelta, or a `TimeLimit` measured on a `WorkCalendar`."""


@dataclass(frozen=True)
class Escalation:
    """A dispatched case whose acceptance is overdue and due to be escalated now."""

    case_id: int
    due_at: datetime  # when acceptance was due
    overdue_by: timedelta  # now - due_at


def acceptance_due_at(
    dispatched_at: datetime, timeout: Timeout, calendar: WorkCalendar | None = None
) -> datetime:
    """When acceptance of a task dispatched at `dispatched_at` falls due.

    A timedelta is wall-clock time. A `TimeLimit` needs a `calendar` (and timezone-aware
    datetimes), so "30 working minutes" does not run out overnight.
    """
    if isinstance(timeout, timedelta):
        if timeout <= timedelta(0):
            raise ValueError(f"acceptance timeout must be positive, got {timeout}")
        return dispatched_at + timeout
    if calendar is None:
        raise ValueError(f"a working-time timeout ({timeout}) needs a WorkCalendar")
    if timeout.amount <= 0:
        raise ValueError(f"acceptance timeout must be positive, got {timeout}")
    return calendar.add(dispatched_at, timeout)


def acceptance_state(
    dispatched_at: datetime,
    accepted_at: datetime | None,
    now: datetime,
    timeout: Timeout,
    *,
    calendar: WorkCalendar | None = None,
) -> AcceptanceState:
    """WAITING, ACCEPTED or OVERDUE at `now`.

    An acceptance stamped after `now` has not happened yet. As with `deadline_state`, time
    is up at the due instant itself: OVERDUE from `dispatched_at + timeout` on.
    """
    if accepted_at is not None and accepted_at <= now:
        return AcceptanceState.ACCEPTED
    if now >= acceptance_due_at(dispatched_at, timeout, calendar):
        return AcceptanceState.OVERDUE
    return AcceptanceState.WAITING


def escalation_due(
    dispatched_at: datetime,
    accepted_at: datetime | None,
    now: datetime,
    timeout: Timeout,
    *,
    last_escalated_at: datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> bool:
    """True when an overdue acceptance should be escalated at `now`.

    The first escalation is due as soon as the acceptance is OVERDUE; after that, again each
    time another `timeout` has passed since `last_escalated_at` without acceptance.
    """
    state = acceptance_state(dispatched_at, accepted_at, now, timeout, calendar=calendar)
    if state is not AcceptanceState.OVERDUE:
        return False
    if last_escalated_at is None:
        return True
    return now >= acceptance_due_at(last_escalated_at, timeout, calendar)


def escalations(
    cases: Iterable[
        tuple[int, datetime, datetime | None]
        | tuple[int, datetime, datetime | None, datetime | None]
    ],
    now: datetime,
    timeout: Timeout,
    *,
    calendar: WorkCalendar | None = None,
) -> list[Escalation]:
    """The dispatched cases to escalate at `now`, longest overdue first (then by id).

    Each case is ``(id, dispatched_at, accepted_at)`` or
    ``(id, dispatched_at, accepted_at, last_escalated_at)``, None where it has not happened.
    """
    out = []
    for case in cases:
        case_id, dispatched_at, accepted_at = case[0], case[1], case[2]
        last = case[3] if len(case) > 3 else None
        if escalation_due(
            dispatched_at, accepted_at, now, timeout, last_escalated_at=last, calendar=calendar
        ):
            due = acceptance_due_at(dispatched_at, timeout, calendar)
            out.append(Escalation(case_id, due, now - due))
    out.sort(key=lambda e: (-e.overdue_by, e.case_id))
    return out


# ---------------------------------------------------------------- duplicates


def possible_duplicates(
    lon: float,
    lat: float,
    category_code: str,
    open_cases: Iterable[tuple[int, float, float, str]],
    radius_m: float = DUPLICATE_RADIUS_M,
) -> list[tuple[int, float]]:
    """Open cases of `category_code` within `radius_m` of (lon, lat): (id, metres), nearest first.

    The radius is inclusive; ties are ordered by id. Open cases without a usable position
    are skipped. For many look-ups against the same open cases, build an `OpenCaseIndex`.
    """
    x, y = _check_point(lon, lat, "report position")
    radius = _check_radius(radius_m)
    same = [c for c in open_cases if c[3] == category_code]
    if not same:
        return []
    return _within(x, y, *_columns(same), radius)


class OpenCaseIndex:
    """Open cases grouped by category and sorted by longitude, for repeated duplicate checks.

    Build it once from ``(id, lon, lat, category_code)`` rows; `near` then answers a look-up
    in a binary search plus a scan of the cases in a narrow longitude band.
    """

    def __init__(self, open_cases: Iterable[tuple[int, float, float, str]]) -> None:
        self._by_category: dict[str, tuple[NDArray[np.int64], FloatArray, FloatArray]] = {}
        self._size = 0
        rows = list(open_cases)
        if not rows:
            return
        ids, lons, lats = _columns(rows)
        usable = np.isfinite(lons) & np.isfinite(lats) & (np.abs(lats) <= 90.0)
        codes, group = np.unique(
            np.fromiter(map(itemgetter(3), rows), object, len(rows)), return_inverse=True
        )
        keep = np.flatnonzero(usable)
        # Rows by category, then longitude, then id; each category is one slice.
        order = keep[np.lexsort((ids[keep], lons[keep], group[keep]))]
        group_sorted = group[order]
        bounds = np.searchsorted(group_sorted, np.arange(len(codes) + 1))
        for k, code in enumerate(codes.tolist()):
            lo, hi = int(bounds[k]), int(bounds[k + 1])
            if hi > lo:
                take = order[lo:hi]
                self._by_category[code] = (ids[take], lons[take], lats[take])
        self._size = int(keep.size)

    def __len__(self) -> int:
        return self._size

    def near(
        self, lon: float, lat: float, category_code: str, radius_m: float = DUPLICATE_RADIUS_M
    ) -> list[tuple[int, float]]:
        """Same answer as `possible_duplicates` over the indexed cases."""
        x, y = _check_point(lon, lat, "report position")
        radius = _check_radius(radius_m)
        group = self._by_category.get(category_code)
        if group is None:
            return []
        ids, lons, lats = group
        m_lon, m_lat = local_metres_per_degree(y)
        # The box is sized on the ellipsoid and the test is on the sphere (~0.5 % apart): pad.
        pad = 1.05 * radius + 1.0
        if m_lon * 1e3 > pad:  # not within a few hundred metres of a pole
            dlon = pad / m_lon
            lo = int(np.searchsorted(lons, x - dlon, side="left"))
            hi = int(np.searchsorted(lons, x + dlon, side="right"))
            ids, lons, lats = ids[lo:hi], lons[lo:hi], lats[lo:hi]
        band = np.abs(lats - y) <= pad / m_lat
        return _within(x, y, ids[band], lons[band], lats[band], radius)


def _within(
    x: float,
    y: float,
    ids: NDArray[np.int64],
    lons: FloatArray,
    lats: FloatArray,
    radius: float,
) -> list[tuple[int, float]]:
    usable = np.isfinite(lons) & np.isfinite(lats) & (np.abs(lats) <= 90.0)
    if not usable.all():
        ids, lons, lats = ids[usable], lons[usable], lats[usable]
    if ids.size == 0:
        return []
    distance = haversine_m_array(x, y, lons, lats)
    hit = distance <= radius
    hit_ids, hit_d = ids[hit], distance[hit]
    order = np.lexsort((hit_ids, hit_d))
    return list(zip(hit_ids[order].tolist(), hit_d[order].tolist(), strict=True))


def _check_radius(radius_m: float) -> float:
    radius = float(radius_m)
    if not (math.isfinite(radius) and radius >= 0):
        raise ValueError(f"radius_m must be a number >= 0, got {radius_m!r}")
    return radius


def _columns(
    rows: Sequence[tuple[int, float, float, str]],
) -> tuple[NDArray[np.int64], FloatArray, FloatArray]:
    """The id, longitude and latitude columns of the rows; a missing coordinate is NaN."""
    n = len(rows)
    return (
        np.fromiter(map(itemgetter(0), rows), np.int64, n),
        np.fromiter(map(itemgetter(1), rows), np.float64, n),  # None → NaN
        np.fromiter(map(itemgetter(2), rows), np.float64, n),
    )


# ---------------------------------------------------------------- deadline alerts


class DeadlineAlerts(TypedDict):
    """Case ids to flag, most urgent first (earliest deadline, then id)."""

    due_soon: list[int]
    overdue: list[int]


def deadline_alerts(
    cases: Iterable[tuple[int, datetime | None, bool]],
    now: datetime,
    due_soon: timedelta = DUE_SOON_WITHIN,
) -> DeadlineAlerts:
    """Split ``(id, deadline_at, paused)`` rows into due-soon and overdue ids at `now`.

    The states are `deadline_state`'s: paused clocks and cases without a deadline raise no
    alert; a deadline at `now` is overdue; one up to and including `now + due_soon` is due
    soon. Each list is ordered by deadline, then id.
    """
    soon: list[tuple[datetime, int]] = []
    overdue: list[tuple[datetime, int]] = []
    for case_id, deadline_at, paused in cases:
        state = deadline_state(deadline_at, now, paused=paused, soon=due_soon)
        if deadline_at is None:
            continue
        if state is DeadlineState.OVERDUE:
            overdue.append((deadline_at, case_id))
        elif state is DeadlineState.DUE_SOON:
            soon.append((deadline_at, case_id))
    return {
        "due_soon": [case_id for _, case_id in sorted(soon)],
        "overdue": [case_id for _, case_id in sorted(overdue)],
    }


# ---------------------------------------------------------------- several cases at once


@dataclass(frozen=True)
class BatchCase:
    """A case to place in a batch: id, position and the unit type that must handle it."""

    id: int
    lon: float
    lat: float
    responsible_unit_type: str | None = None
    declined: frozenset[int] = frozenset()  # squads that declined it: never again


def plan_batch(
    cases: Iterable[BatchCase],
    squads: Iterable[SquadCandidate],
    *,
    now: datetime | None = None,
    weights: DispatchWeights = DEFAULT_WEIGHTS,
) -> list[tuple[int, int]]:
    """(case id, squad id) for each case in turn: its best squad, counting the cases already
    given to each squad in this batch as load, so that a batch spreads over the squads. A
    case no squad of the responsible kind can take goes to the best squad of any kind; one
    no squad at all can take is left out."""
    pool = list(squads)
    given: dict[int, int] = {}
    plan: list[tuple[int, int]] = []
    for case in cases:
        loaded = [replace(s, open_cases=s.open_cases + given.get(s.id, 0)) for s in pool]
        ranked = recommend(
            case.lon, case.lat, loaded, limit=1, now=now, weights=weights,
            responsible_unit_type=case.responsible_unit_type, declined=case.declined,
        ) or recommend(
            case.lon, case.lat, loaded, limit=1, now=now, weights=weights,
            declined=case.declined,
        )
        if ranked:
            squad = ranked[0].squad_id
            given[squad] = given.get(squad, 0) + 1
            plan.append((case.id, squad))
    return plan
