"""The demo simulator: the city lives with nobody at the desk.

`Simulator.step(now)` advances the city to `now` as a small discrete-event simulation. New
reports arrive as Poisson arrivals with the seeder's time-of-day profile (inspectors patrol by
day, the hotline rings into the evening); each report then goes round the closed loop, played
by the people who hold the roles: the shift chief registers it (or rejects a few), a
dispatcher sends it to the best squad `dispatch.recommend` finds, the squad lead accepts it
after 1–5 minutes, the squad drives there at ~20 km/h, works a category-appropriate time and
feeds back, the grid's inspector checks on site (a few are sent back for rework) and the
shift chief closes it. A few cases take too long and become overdue. Orders addressed to
squads are acknowledged now and then.

Every write goes through `CaseService`, `OrderService` and `SquadService`, stamped at the
moment the simulated person acts (the services' clock is the simulation's), under the
workstation "simulator", so the change log and every trail look like a person's work.

The simulation is deterministic for a seed: arrivals are drawn per hour slot and every
per-case choice from a generator keyed by the seed and the case number, so the trails do not
depend on how often `step` is called. It drives only the cases it reported itself (found by
their report event's workstation), so a restart picks its open cases up again from the
database and it never takes a case out of a person's hands.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import random
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import numpy as np
from sqlalchemy import func, select

from command_center.domain.calendar import CST, TimeLimit, TimeUnit, WorkCalendar
from command_center.domain.catalogue import Catalogue, Category
from command_center.domain.dispatch import SquadStatus, recommend
from command_center.domain.geo import haversine_m, local_metres_per_degree
from command_center.domain.orders import OrderStatus
from command_center.domain.workflow import CaseState, Role, WorkflowError
from command_center.services.cases import Actor, CaseService
from command_center.services.changes import Changes, ConflictError, ServiceError
from command_center.services.locate import GridLocator
from command_center.services.orders import OrderService
from command_center.services.seed.geography import CITY_CENTRE
from command_center.services.seed.trail import (
    COMPONENT_FAULTS,
    FEEDBACK_NOTES,
    P_REJECT,
    REJECT_NOTES,
    REPORT_NOTES,
    REWORK_NOTES,
)
from command_center.services.seed.year import (
    COMPONENT_WEIGHTS,
    EVENT_WEIGHTS,
    HOURS_INSPECTOR,
    HOURS_OTHER,
    INSPECTOR_SHARE,
    RARE,
    SEASONAL,
    SOURCES_OTHER,
)
from command_center.services.squads import PositionFix, SquadService
from command_center.store.engine import Store
from command_center.store.models import (
    Case,
    CaseEvent,
    Community,
    District,
    Person,
    PersonRole,
    ResponsibilityGrid,
    Squad,
    Street,
    Unit,
    UnitGrid,
)

__all__ = [
    "Arrival",
    "Simulator",
    "SimulatorThread",
    "Steppable",
    "Timing",
    "arrivals",
    "hourly_rates",
]

log = logging.getLogger("simulator")

# Day-type factors of the seeder: inspectors patrol less on rest days, the public calls anyway.
REST_DAY_INSPECTOR, REST_DAY_OTHER = 0.45, 0.85


@dataclass(frozen=True)
class Timing:
    """How long the simulated people take. Minutes unless named otherwise."""

    register_median: float = 4.0  # shift chief reads the report and registers it
    dispatch_median: float = 3.0  # dispatcher picks the squad (urgent: half)
    accept_range: tuple[float, float] = (1.0, 5.0)  # squad lead accepts
    p_decline: float = 0.04  # … or sends it back (not its area, no capacity) with a reason
    speed_kmh: float = 20.0  # door-to-door urban driving
    handle_share: tuple[float, float] = (0.10, 0.35)  # on-site work: share of the time limit
    handle_bounds: tuple[float, float] = (10.0, 180.0)  # … but at least / at most this
    p_late: float = 0.06  # the squad finishes after the deadline (deadline within a day)
    late_by: tuple[float, float] = (15.0, 120.0)  # … by this much
    p_rework: float = 0.08  # the inspector's check fails once (seeder: 3 %, more for a demo)
    verify_median: float = 25.0  # inspector checks on site, 07:00–20:00 only
    close_range: tuple[float, float] = (3.0, 20.0)  # shift chief closes
    order_ack_range: tuple[float, float] = (3.0, 45.0)  # squad acknowledges an order
    p_order_ack: float = 0.85  # the rest stay unanswered (and turn overdue)
    heartbeat: timedelta = timedelta(minutes=10)  # an idle squad's position report
    orders_every: timedelta = timedelta(minutes=5)  # how often squads look at their orders
    retry: timedelta = timedelta(minutes=10)  # no squad to send, or the case was busy
    max_catch_up: timedelta = timedelta(hours=1)  # a longer gap is skipped, not replayed


# ---------------------------------------------------------------- arrivals (pure)


def hourly_rates(rate_per_day: float, working_day: bool = True) -> list[tuple[float, float]]:
    """Expected reports per hour of day (CST) as (by inspectors, by the others).

    On a working day the 24 hours sum to `rate_per_day`; rest days have the seeder's
    factors (inspectors 0.45, hotline and public 0.85).
    """
    hi = np.array(HOURS_INSPECTOR, dtype=float)
    ho = np.array(HOURS_OTHER, dtype=float)
    hi, ho = hi / hi.sum(), ho / ho.sum()
    fi = 1.0 if working_day else REST_DAY_INSPECTOR
    fo = 1.0 if working_day else REST_DAY_OTHER
    return [
        (rate_per_day * INSPECTOR_SHARE * fi * a, rate_per_day * (1 - INSPECTOR_SHARE) * fo * b)
        for a, b in zip(hi.tolist(), ho.tolist(), strict=True)
    ]


@dataclass(frozen=True)
class Arrival:
    """A report about to be filed: when, through which channel, and its draw key."""

    at: datetime
    source: str  # inspector | hotline | public | camera | leader
    key: str  # seeds the report's own choices (category, place, people)


def arrivals(
    rate_per_day: float,
    calendar: WorkCalendar,
    start: datetime,
    end: datetime,
    seed: int,
) -> list[Arrival]:
    """The reports arriving in (`start`, `end`], in time order.

    Each hour slot draws its own Poisson count and times from a generator seeded by
    (`seed`, slot), so any split of a period into steps gives the same arrivals.
    """
    if end <= start or rate_per_day <= 0:
        return []
    names = [s for s, _ in SOURCES_OTHER]
    shares = np.array([p for _, p in SOURCES_OTHER])
    shares /= shares.sum()
    out: list[Arrival] = []
    slot = math.floor(start.timestamp() / 3600)
    rates: dict[tuple[date, bool], list[tuple[float, float]]] = {}
    while slot * 3600 < end.timestamp():
        slot_start = datetime.fromtimestamp(slot * 3600, CST)
        day = slot_start.date()
        working = calendar.is_working_day(day)
        by_hour = rates.setdefault((day, working), hourly_rates(rate_per_day, working))
        insp, other = by_hour[slot_start.hour]
        rng = np.random.default_rng([seed & 0xFFFFFFFF, slot])
        n = int(rng.poisson(insp + other))
        offsets = np.sort(rng.integers(0, 3600, size=n))
        is_insp = rng.random(n) < insp / (insp + other) if n else np.array([], bool)
        channel = rng.choice(len(names), size=n, p=shares)
        for k in range(n):
            at = slot_start + timedelta(seconds=int(offsets[k]))
            if start < at <= end:
                source = "inspector" if is_insp[k] else names[int(channel[k])]
                out.append(Arrival(at, source, f"{seed}/{slot}/{k}"))
        slot += 1
    return out


# ---------------------------------------------------------------- the simulation


@dataclass
class _SimCase:
    id: int
    case_no: str
    category: Category
    lon: float
    lat: float
    inspector: Actor
    source: str
    squad_id: int | None = None
    declined: set[int] = field(default_factory=set)  # squads that sent it back


@dataclass
class _Job:
    case_id: int
    rework: bool
    origin: tuple[float, float]
    depart: datetime
    arrive: datetime
    heading: float
    on_site: bool = False  # the arrival was played: the squad no longer moves


@dataclass
class _SquadState:
    id: int
    unit_id: int
    status: str
    lon: float | None
    lat: float | None
    heading: float | None
    fix_at: datetime | None
    members: list[int]
    home: tuple[float, float] | None = None
    queue: deque[tuple[int, bool]] = field(default_factory=deque)
    job: _Job | None = None


@dataclass(frozen=True)
class _Grid:
    code: str
    bbox: tuple[float, float, float, float]
    address: str
    inspector: int | None


DECLINE_NOTES = (
    "不属本中队辖区，请改派",
    "本组正在处置突发事件，无力量前往",
    "该问题属市政部门职责",
)

# What each case event expects to find; anything else means someone else acted.
_EXPECTS = {
    "register": {CaseState.REPORTED},
    "dispatch": {CaseState.REGISTERED},
    "accept": {CaseState.DISPATCHED, CaseState.REWORK},
    "verify": {CaseState.HANDLED},
    "close": {CaseState.VERIFIED},
}


class Simulator:
    """Plays the bureau's people on one store. Not thread-safe: one caller steps it."""

    def __init__(
        self,
        store: Store,
        catalogue: Catalogue,
        calendar: WorkCalendar,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(CST),
        rng_seed: int = 0,
        rate_per_day: float = 150.0,
        workstation: str = "simulator",
        timing: Timing | None = None,
    ) -> None:
        if rate_per_day < 0:
            raise ValueError(f"rate_per_day must be >= 0, got {rate_per_day}")
        self.store = store
        self.catalogue = catalogue
        self.calendar = calendar
        self.clock = clock
        self.seed = rng_seed
        self.rate_per_day = rate_per_day
        self.workstation = workstation[:64]
        self.timing = timing or Timing()
        self._at: datetime = clock()  # the moment the simulated person acts
        locator = GridLocator(store)
        self._locator = locator
        self.cases = CaseService(
            store, catalogue, calendar, clock=self._now, locator=locator, workstation=workstation
        )
        self.orders = OrderService(store, clock=self._now, workstation=workstation)
        self.squads = SquadService(store, clock=self._now, workstation=workstation)
        self._last: datetime | None = None
        self._loaded = False
        self._heap: list[tuple[datetime, int, str, Any]] = []
        self._seq = itertools.count()
        self._sim_cases: dict[int, _SimCase] = {}
        self._squad: dict[int, _SquadState] = {}
        self._people: dict[Role, list[int]] = {}
        self._grids: list[_Grid] = []
        self._grid_weights: np.ndarray = np.zeros(0)
        self._grid_by_code: dict[str, _Grid] = {}
        self._categories: list[Category] = []
        self._orders_checked: datetime | None = None
        self._changes = Changes()

    # -- public ---------------------------------------------------------------------------
    @property
    def last_step(self) -> datetime | None:
        """The time the city was last advanced to (None before the first step)."""
        return self._last

    def step(self, now: datetime | None = None) -> Changes:
        """Advance the city to `now` (default: the clock). The first step loads the city and
        has every squad on duty report its position; a `now` at or before the last step does
        nothing. Returns what was written."""
        now = now or self.clock()
        if self._last is not None and now <= self._last:
            return Changes()
        self._changes = Changes()
        self._at = now
        if not self._loaded:
            self._load(now)
            # The city wakes up at once: every squad on duty reports where it is, so the desk
            # does not show them offline until their first heartbeat.
            self._tick_positions(now)
            self._last = now
            return self._changes
        last = self._last
        assert last is not None
        floor = max(last, now - self.timing.max_catch_up)
        for arrival in arrivals(self.rate_per_day, self.calendar, floor, now, self.seed):
            self._push(arrival.at, "report", arrival)
        while self._heap and self._heap[0][0] <= now:
            at, seq, kind, key = heapq.heappop(self._heap)
            self._at = max(at, floor)
            try:
                self._dispatch_event(kind, key)
            except Exception:
                heapq.heappush(self._heap, (at, seq, kind, key))  # retried next step
                raise
        self._at = now
        self._tick_positions(now)
        if self._orders_checked is None or now - self._orders_checked >= self.timing.orders_every:
            self._orders_checked = now
            self._answer_orders(now)
        self._last = now
        return self._changes

    # -- loading --------------------------------------------------------------------------
    def _load(self, now: datetime) -> None:
        """Read the organisation and the grids, place squads without a fix, pick up the open
        cases this simulator reported before a restart."""
        with self.store.read() as s:
            people: dict[Role, list[int]] = {r: [] for r in Role}
            members: dict[int, list[int]] = {}
            for pid, role, squad_id in s.execute(
                select(Person.id, PersonRole.role, Person.squad_id)
                .join(PersonRole, PersonRole.person_id == Person.id)
                .where(Person.active.is_(True))
                .order_by(Person.id)
            ):
                people[Role(role)].append(pid)
                if role == Role.SQUAD.value and squad_id is not None:
                    members.setdefault(squad_id, []).append(pid)
            self._people = people
            homes: dict[int, tuple[float, float]] = {}
            for squad_id, x0, y0, x1, y1 in s.execute(
                select(
                    ResponsibilityGrid.squad_id,
                    func.min(UnitGrid.min_lon),
                    func.min(UnitGrid.min_lat),
                    func.max(UnitGrid.max_lon),
                    func.max(UnitGrid.max_lat),
                )
                .join(UnitGrid, UnitGrid.responsibility_grid_id == ResponsibilityGrid.id)
                .where(ResponsibilityGrid.squad_id.is_not(None))
                .group_by(ResponsibilityGrid.squad_id)
            ):
                homes[squad_id] = ((x0 + x1) / 2, (y0 + y1) / 2)
            unit_types: set[str] = set()
            for q, unit_type in s.execute(
                select(Squad, Unit.unit_type)
                .join(Unit, Unit.id == Squad.unit_id)
                .order_by(Squad.id)
            ):
                unit_types.add(unit_type)
                self._squad[q.id] = _SquadState(
                    q.id,
                    q.unit_id,
                    q.status,
                    q.lon,
                    q.lat,
                    q.heading_deg,
                    q.position_at,
                    members.get(q.id, []),
                    homes.get(q.id),
                )
            grids = s.execute(
                select(
                    UnitGrid.code,
                    UnitGrid.min_lon,
                    UnitGrid.min_lat,
                    UnitGrid.max_lon,
                    UnitGrid.max_lat,
                    District.name,
                    Street.name,
                    Community.name,
                    ResponsibilityGrid.inspector_id,
                )
                .join(District, District.code == UnitGrid.district_code)
                .join(Street, Street.code == UnitGrid.street_code)
                .join(Community, Community.code == UnitGrid.community_code)
                .outerjoin(
                    ResponsibilityGrid, ResponsibilityGrid.id == UnitGrid.responsibility_grid_id
                )
                .order_by(UnitGrid.code)
            ).all()
            inspectors = set(people[Role.INSPECTOR])
            for code, x0, y0, x1, y1, dname, sname, cname, insp in grids:
                self._grids.append(
                    _Grid(
                        code,
                        (x0, y0, x1, y1),
                        f"{dname}{sname}{cname}（网格{code[-3:]}号）",
                        insp if insp in inspectors else None,
                    )
                )
            own = (
                s.execute(
                    select(Case)
                    .join(CaseEvent, CaseEvent.case_id == Case.id)
                    .where(
                        CaseEvent.action == "report",
                        CaseEvent.workstation == self.workstation,
                        Case.state.not_in(["closed", "not_registered", "transferred"]),
                    )
                    .order_by(Case.id)
                )
                .scalars()
                .all()
            )
            own_rows = [
                (
                    c.id,
                    c.case_no,
                    c.category_code,
                    c.lon,
                    c.lat,
                    c.grid_code,
                    c.source,
                    c.state,
                    c.squad_id,
                    c.updated_at,
                )
                for c in own
            ]
        self._grid_by_code = {g.code: g for g in self._grids}
        if self._grids:
            mx, my = local_metres_per_degree(CITY_CENTRE[1])
            d = np.array(
                [
                    math.hypot(
                        ((g.bbox[0] + g.bbox[2]) / 2 - CITY_CENTRE[0]) * mx,
                        ((g.bbox[1] + g.bbox[3]) / 2 - CITY_CENTRE[1]) * my,
                    )
                    for g in self._grids
                ]
            )
            w = 0.12 + np.exp(-((d / 2300.0) ** 2))  # the seeder's density towards the centre
            self._grid_weights = w / w.sum()
        served = [c for c in self.catalogue if c.responsible_unit_type in unit_types]
        self._categories = served or list(self.catalogue)
        self._loaded = True
        self._place_squads(now)
        for (
            case_id,
            case_no,
            code,
            lon,
            lat,
            grid_code,
            source,
            state,
            squad_id,
            updated,
        ) in own_rows:
            category = self.catalogue.get(code)
            if category is None:
                continue
            grid = self._grid_by_code.get(grid_code or "")
            self._sim_cases[case_id] = _SimCase(
                case_id,
                case_no,
                category,
                lon,
                lat,
                self._inspector(grid, random.Random(f"{self.seed}/{case_no}/inspector")),
                source,
                squad_id,
            )
            self._resync(case_id, CaseState(state), squad_id, max(now, updated))
        log.info(
            "simulator started at %s: %d squads, %d grids, %d open cases picked up",
            now,
            len(self._squad),
            len(self._grids),
            len(self._sim_cases),
        )

    def _place_squads(self, now: datetime) -> None:
        """A squad without a fix appears at its home (its duty grids, or a grid of the city)."""
        fixes = []
        for q in self._squad.values():
            if q.home is None and q.lon is not None and q.lat is not None:
                q.home = (q.lon, q.lat)
            if q.lon is not None and q.lat is not None:
                continue
            if q.home is None:
                if not self._grids:
                    continue
                g = self._grids[
                    random.Random(f"{self.seed}/home/{q.id}").randrange(len(self._grids))
                ]
                q.home = ((g.bbox[0] + g.bbox[2]) / 2, (g.bbox[1] + g.bbox[3]) / 2)
            q.lon, q.lat, q.heading, q.fix_at = q.home[0], q.home[1], 0.0, now
            fixes.append(PositionFix(q.id, q.lon, q.lat, 0.0, now))
        self._write_fixes(fixes)

    # -- the event loop -------------------------------------------------------------------
    def _now(self) -> datetime:
        return self._at

    def _push(self, at: datetime, kind: str, key: Any) -> None:
        heapq.heappush(self._heap, (at.replace(microsecond=0), next(self._seq), kind, key))

    def _dispatch_event(self, kind: str, key: Any) -> None:
        if kind == "report":
            self._report(key)
        elif kind == "arrive":
            self._arrive(key)
        elif kind == "done":
            self._done(key)
        elif kind == "poll":
            self._resync_from_db(key)
        else:
            self._case_event(kind, key)

    def _case_event(self, kind: str, case_id: int) -> None:
        case = self._sim_cases.get(case_id)
        row = self._case_row(case_id)
        if case is None or row is None:
            self._sim_cases.pop(case_id, None)
            return
        state, version, squad_id, deadline, rework_count = row
        if state not in _EXPECTS[kind]:
            self._resync(case_id, state, squad_id, self._at)  # someone else acted on it
            return
        handler = getattr(self, f"_{kind}")
        try:
            handler(case, version, squad_id, deadline, rework_count)
        except ConflictError as exc:
            log.info("%s %s: %s; trying again later", kind, case.case_no, exc)
            self._push(self._at + timedelta(minutes=1), kind, case_id)
        except (ServiceError, WorkflowError) as exc:
            log.warning("simulated %s of case %s refused: %s", kind, case.case_no, exc)
            self._push(self._at + self.timing.retry, "poll", case_id)

    def _resync_from_db(self, case_id: int) -> None:
        row = self._case_row(case_id)
        if row is None:
            self._sim_cases.pop(case_id, None)
            return
        self._resync(case_id, row[0], row[2], self._at)

    def _resync(self, case_id: int, state: CaseState, squad_id: int | None, at: datetime) -> None:
        """Schedule what comes next for a case in `state` (after a restart, or after a
        person at a desk took a step the simulation did not expect)."""
        case = self._sim_cases.get(case_id)
        if case is None:
            return
        nxt = {
            CaseState.REPORTED: "register",
            CaseState.REGISTERED: "dispatch",
            CaseState.DISPATCHED: "accept",
            CaseState.REWORK: "accept",
            CaseState.HANDLED: "verify",
            CaseState.VERIFIED: "close",
        }.get(state)
        if nxt is not None:
            self._push(at + timedelta(minutes=1), nxt, case_id)
        elif state is CaseState.IN_PROGRESS and squad_id in self._squad:
            case.squad_id = squad_id
            q = self._squad[squad_id]
            if all(c != case_id for c, _ in q.queue) and (
                q.job is None or q.job.case_id != case_id
            ):
                q.queue.append((case_id, False))
                if q.job is None:
                    self._start_job(q)
        elif state in (CaseState.SUSPENDED, CaseState.EXTENSION_REQUESTED):
            self._push(at + timedelta(minutes=30), "poll", case_id)  # a person decides
        else:
            self._sim_cases.pop(case_id, None)  # closed, rejected, transferred: done

    # -- the closed loop ------------------------------------------------------------------
    def _rng(self, case: _SimCase | str, what: str) -> random.Random:
        key = case if isinstance(case, str) else case.case_no
        return random.Random(f"{self.seed}/{key}/{what}")

    def _report(self, arrival: Arrival) -> None:
        rnd = random.Random(arrival.key)
        if not self._grids:
            return
        category = self._pick_category(rnd, arrival.at)
        grid = self._grids[int(self._choice(rnd, self._grid_weights))]
        lon, lat = self._point_in(grid, rnd)
        source = arrival.source
        if source == "inspector":
            actor = self._inspector(grid, rnd)
        else:
            actor = self._actor(Role.INTAKE, rnd)
        notes = REPORT_NOTES[source]
        if category.kind.value == "component":
            description = f"{category.name}{rnd.choice(COMPONENT_FAULTS)}"
        else:
            description = category.name
        changes = self._apply(
            self.cases.report,
            actor,
            category_code=category.code,
            lon=lon,
            lat=lat,
            description=description,
            address=grid.address,
            source=source,
            note=rnd.choice(notes) if notes else "",
        )
        case_id = changes.case_id
        with self.store.read() as s:
            case_no = s.scalar(select(Case.case_no).where(Case.id == case_id))
        assert case_no is not None
        inspector = actor if source == "inspector" else self._inspector(grid, rnd)
        case = _SimCase(case_id, case_no, category, lon, lat, inspector, source)
        self._sim_cases[case_id] = case
        minutes = self._lognormal(self._rng(case, "register"), self.timing.register_median, 1, 30)
        self._push(self._at + timedelta(minutes=minutes), "register", case_id)

    def _register(self, case: _SimCase, version: int, *_: Any) -> None:
        rnd = self._rng(case, "register")
        chief = self._chief(self._at)
        if rnd.random() < P_REJECT.get(case.source, 0.0):
            self._apply(
                self.cases.reject,
                chief,
                case.id,
                note=rnd.choice(REJECT_NOTES),
                expected_version=version,
            )
            self._sim_cases.pop(case.id, None)
            return
        self._apply(self.cases.register, chief, case.id, expected_version=version)
        median = self.timing.dispatch_median / (2 if case.category.urgent else 1)
        minutes = self._lognormal(self._rng(case, "dispatch"), median, 0.5, 20)
        self._push(self._at + timedelta(minutes=minutes), "dispatch", case.id)

    def _dispatch(self, case: _SimCase, version: int, *_: Any) -> None:
        candidates = self.squads.squad_candidates(self._at)
        unit_type = case.category.responsible_unit_type
        best = recommend(
            case.lon, case.lat, candidates, limit=1, now=self._at, responsible_unit_type=unit_type,
            declined=case.declined,
        )
        if not best:  # every fix is old (e.g. after a pause): go by the last known places
            best = recommend(
                case.lon, case.lat, candidates, limit=1, responsible_unit_type=unit_type,
                declined=case.declined,
            )
        if not best:
            log.info("no squad can take case %s now; trying again later", case.case_no)
            self._push(self._at + self.timing.retry, "dispatch", case.id)
            return
        rec = best[0]
        dispatcher = self._actor(Role.DISPATCHER, self._rng(case, "dispatcher"))
        note = f"推荐派遣：距离{rec.distance_m:.0f}米，预计{max(1.0, rec.eta_min):.0f}分钟到达"
        self._apply(
            self.cases.dispatch,
            dispatcher,
            case.id,
            squad_id=rec.squad_id,
            expected_version=version,
            note=note,
        )
        case.squad_id = rec.squad_id
        low, high = self.timing.accept_range
        minutes = self._rng(case, "accept").uniform(low, high)
        self._push(self._at + timedelta(minutes=minutes), "accept", case.id)

    def _accept(
        self,
        case: _SimCase,
        version: int,
        squad_id: int | None,
        deadline: datetime | None,
        rework_count: int,
    ) -> None:
        if squad_id is None or squad_id not in self._squad:
            return  # sent to a unit without a squad: a person takes it from here
        case.squad_id = squad_id
        q = self._squad[squad_id]
        rnd = self._rng(case, f"decline/{len(case.declined)}")
        if rework_count == 0 and not case.declined and rnd.random() < self.timing.p_decline:
            self._apply(self.cases.decline, self._member(q, case), case.id,
                        expected_version=version, note=rnd.choice(DECLINE_NOTES))
            case.declined.add(squad_id)
            case.squad_id = None
            minutes = self._lognormal(rnd, self.timing.dispatch_median, 0.5, 20)
            self._push(self._at + timedelta(minutes=minutes), "dispatch", case.id)
            return
        self._apply(self.cases.accept, self._member(q, case), case.id, expected_version=version)
        self._set_status(q, SquadStatus.BUSY)
        q.queue.append((case.id, rework_count > 0))
        if q.job is None:
            self._start_job(q)

    def _verify(
        self,
        case: _SimCase,
        version: int,
        squad_id: int | None,
        deadline: datetime | None,
        rework_count: int,
    ) -> None:
        rnd = self._rng(case, "verify")
        if rework_count == 0 and rnd.random() < self.timing.p_rework:
            self._apply(
                self.cases.return_for_rework,
                case.inspector,
                case.id,
                note=rnd.choice(REWORK_NOTES),
                expected_version=version,
            )
            low, high = self.timing.accept_range
            self._push(self._at + timedelta(minutes=rnd.uniform(low, high)), "accept", case.id)
            return
        self._apply(
            self.cases.verify,
            case.inspector,
            case.id,
            expected_version=version,
            note="现场核查已整改",
        )
        low, high = self.timing.close_range
        minutes = self._rng(case, f"close{rework_count}").uniform(low, high)
        self._push(self._at + timedelta(minutes=minutes), "close", case.id)

    def _close(self, case: _SimCase, version: int, *_: Any) -> None:
        self._apply(self.cases.close, self._chief(self._at), case.id, expected_version=version)
        self._sim_cases.pop(case.id, None)

    # -- squads on the street -------------------------------------------------------------
    def _start_job(self, q: _SquadState) -> None:
        """The squad sets off for the next case in its queue."""
        while q.queue:
            case_id, rework = q.queue.popleft()
            case = self._sim_cases.get(case_id)
            row = self._case_row(case_id)
            if case is None or row is None or row[0] is not CaseState.IN_PROGRESS:
                continue  # handled or taken over meanwhile
            origin = (
                (q.lon, q.lat) if q.lon is not None and q.lat is not None else (case.lon, case.lat)
            )
            metres = haversine_m(origin[0], origin[1], case.lon, case.lat)
            seconds = metres / (self.timing.speed_kmh / 3.6)
            heading = _bearing(origin, (case.lon, case.lat), q.heading or 0.0)
            q.job = _Job(
                case_id, rework, origin, self._at, self._at + timedelta(seconds=seconds), heading
            )
            q.heading = heading
            self._fix(q, origin[0], origin[1], self._at)
            self._push(q.job.arrive, "arrive", q.id)
            return
        q.job = None
        self._finish(q)

    def _arrive(self, squad_id: int) -> None:
        q = self._squad[squad_id]
        job = q.job
        if job is None:
            return
        case = self._sim_cases.get(job.case_id)
        row = self._case_row(job.case_id)
        if case is None or row is None or row[0] is not CaseState.IN_PROGRESS:
            self._start_job(q)
            return
        job.on_site = True
        self._fix(q, case.lon, case.lat, self._at)
        rnd = self._rng(case, f"handle{int(job.rework)}")
        minutes = _handle_minutes(case.category, rnd, self.timing)
        if job.rework:
            minutes *= 0.5
        done = self._at + timedelta(minutes=minutes)
        deadline = row[3]
        t = self.timing
        if (
            not job.rework
            and deadline is not None
            and rnd.random() < t.p_late
            and deadline - self._at <= timedelta(hours=10)
        ):
            done = max(done, deadline + timedelta(minutes=rnd.uniform(*t.late_by)))
        self._push(done, "done", squad_id)

    def _done(self, squad_id: int) -> None:
        q = self._squad[squad_id]
        job = q.job
        if job is None:
            return
        q.job = None
        case = self._sim_cases.get(job.case_id)
        row = self._case_row(job.case_id)
        if case is not None and row is not None and row[0] is CaseState.IN_PROGRESS:
            rnd = self._rng(case, f"feedback{int(job.rework)}")
            note = "返工完毕" if job.rework else rnd.choice(FEEDBACK_NOTES)
            try:
                self._apply(
                    self.cases.feedback,
                    self._member(q, case),
                    case.id,
                    note=note,
                    expected_version=row[1],
                )
            except (ServiceError, WorkflowError) as exc:
                log.warning("simulated feedback of case %s refused: %s", case.case_no, exc)
                self._push(self._at + self.timing.retry, "poll", case.id)
            else:
                at = self._daytime(
                    self._at
                    + timedelta(minutes=self._lognormal(rnd, self.timing.verify_median, 5, 180)),
                    rnd,
                )
                self._push(at, "verify", case.id)
        self._start_job(q)

    def _finish(self, q: _SquadState) -> None:
        """Nothing left in the queue: available again, unless a person gave it other work."""
        with self.store.read() as s:
            working = s.scalar(
                select(func.count())
                .select_from(Case)
                .where(Case.squad_id == q.id, Case.state == CaseState.IN_PROGRESS.value)
            )
        self._set_status(q, SquadStatus.BUSY if working else SquadStatus.AVAILABLE)

    def _tick_positions(self, now: datetime) -> None:
        """Moving squads report where they are now; idle ones send a heartbeat (with a
        little patrol drift) so the dispatcher never sees a stale fix."""
        fixes = []
        every = self.timing.heartbeat
        for q in self._squad.values():
            job = q.job
            # An arrival played at the same instant as this tick must not be overwritten
            # by a point on the way (a fix of the same time that "says something else").
            if job is not None and not job.on_site and job.depart < now < job.arrive:
                case = self._sim_cases.get(job.case_id)
                if case is None:
                    continue
                f = (now - job.depart) / (job.arrive - job.depart)
                lon = job.origin[0] + (case.lon - job.origin[0]) * f
                lat = job.origin[1] + (case.lat - job.origin[1]) * f
                fixes.append(self._move(q, lon, lat, job.heading, now))
            elif q.status != SquadStatus.OFF_DUTY and q.lon is not None and q.lat is not None:
                if q.fix_at is not None and _slot(q.fix_at, every) >= _slot(now, every):
                    continue
                lon, lat, heading = q.lon, q.lat, q.heading
                if job is None and q.status == SquadStatus.AVAILABLE and q.home is not None:
                    lon, lat, heading = _patrol(q, now, self.seed)
                fixes.append(self._move(q, lon, lat, heading, now))
        self._write_fixes(fixes)

    def _move(
        self, q: _SquadState, lon: float, lat: float, heading: float | None, at: datetime
    ) -> PositionFix:
        q.lon, q.lat, q.heading, q.fix_at = lon, lat, heading, at
        return PositionFix(q.id, lon, lat, heading, at)

    def _fix(self, q: _SquadState, lon: float, lat: float, at: datetime) -> None:
        self._write_fixes([self._move(q, lon, lat, q.heading, at)])

    def _write_fixes(self, fixes: Sequence[PositionFix]) -> None:
        if fixes:
            self._changes |= self.squads.report_positions(fixes)

    def _set_status(self, q: _SquadState, status: SquadStatus) -> None:
        if q.status != status.value:
            self._changes |= self.squads.set_status(q.id, status)
            q.status = status.value

    # -- orders ---------------------------------------------------------------------------
    def _answer_orders(self, now: datetime) -> None:
        """Squad leads acknowledge orders addressed to their squad, most within the hour."""
        t = self.timing
        for order in self.orders.open_orders(now):
            if order.squad_id is None or order.status != OrderStatus.ISSUED.value:
                continue
            rnd = random.Random(f"{self.seed}/order/{order.code}")
            if rnd.random() >= t.p_order_ack:
                continue
            if now < order.issued_at + timedelta(minutes=rnd.uniform(*t.order_ack_range)):
                continue
            q = self._squad.get(order.squad_id)
            members = q.members if q is not None else []
            pool = members or self._people.get(Role.SQUAD, [])
            actor = Actor(rnd.choice(pool), Role.SQUAD) if pool else Actor(None, Role.SQUAD)
            try:
                self._changes |= self.orders.acknowledge(actor, order.id, "收到，立即组织处置")
            except ServiceError as exc:
                log.warning("simulated acknowledgement of order %s refused: %s", order.code, exc)

    # -- people ---------------------------------------------------------------------------
    def _actor(self, role: Role, rnd: random.Random) -> Actor:
        """Someone holding `role`; the system itself (admin) when nobody does."""
        pool = self._people.get(role, [])
        return Actor(rnd.choice(pool), role) if pool else Actor(None, Role.ADMIN)

    def _inspector(self, grid: _Grid | None, rnd: random.Random) -> Actor:
        if grid is not None and grid.inspector is not None:
            return Actor(grid.inspector, Role.INSPECTOR)
        return self._actor(Role.INSPECTOR, rnd)

    def _chief(self, at: datetime) -> Actor:
        """The shift chief on duty: 24-hour shifts from 08:00, in turn (as the seeder)."""
        chiefs = self._people.get(Role.SHIFT_CHIEF, [])
        if not chiefs:
            return Actor(None, Role.ADMIN)
        return Actor(chiefs[(at - timedelta(hours=8)).toordinal() % len(chiefs)], Role.SHIFT_CHIEF)

    def _member(self, q: _SquadState, case: _SimCase) -> Actor:
        """The squad's lead answers for it: a member holding the squad role, else any."""
        pool = q.members or self._people.get(Role.SQUAD, [])
        if not pool:
            return Actor(None, Role.ADMIN)
        return Actor(pool[0] if q.members else self._rng(case, "lead").choice(pool), Role.SQUAD)

    # -- helpers --------------------------------------------------------------------------
    def _apply(self, use_case: Callable[..., Changes], *args: Any, **kwargs: Any) -> Changes:
        changes = use_case(*args, **kwargs)
        self._changes |= changes
        return changes

    def _case_row(
        self, case_id: int
    ) -> tuple[CaseState, int, int | None, datetime | None, int] | None:
        with self.store.read() as s:
            row = s.execute(
                select(
                    Case.state, Case.version, Case.squad_id, Case.deadline_at, Case.rework_count
                ).where(Case.id == case_id)
            ).first()
        if row is None:
            return None
        return CaseState(row[0]), row[1], row[2], row[3], row[4]

    def _pick_category(self, rnd: random.Random, at: datetime) -> Category:
        month = at.astimezone(CST).month - 1
        weights = []
        for c in self._categories:
            if c.kind.value == "event":
                base = EVENT_WEIGHTS.get(c.code, 0.01 if c.code in RARE else 0.12) * 0.77 / 100
            else:
                base = COMPONENT_WEIGHTS.get(c.code, 0.12) * 0.23 / 30
            weights.append(base * SEASONAL.get(c.code, (1.0,) * 12)[month])
        w = np.array(weights)
        return self._categories[int(self._choice(rnd, w / w.sum()))]

    @staticmethod
    def _choice(rnd: random.Random, p: np.ndarray) -> int:
        """An index drawn with probabilities `p` from a plain Random (stable across numpy)."""
        x = rnd.random()
        k = int(np.searchsorted(np.cumsum(p), x, side="right"))
        return min(k, len(p) - 1)

    def _point_in(self, grid: _Grid, rnd: random.Random) -> tuple[float, float]:
        x0, y0, x1, y1 = grid.bbox
        for _ in range(30):
            x, y = x0 + rnd.random() * (x1 - x0), y0 + rnd.random() * (y1 - y0)
            if self._locator.locate(x, y) == grid.code:
                return x, y
        return (x0 + x1) / 2, (y0 + y1) / 2

    @staticmethod
    def _lognormal(rnd: random.Random, median: float, low: float, high: float) -> float:
        return min(high, max(low, median * math.exp(0.6 * rnd.gauss(0.0, 1.0))))

    @staticmethod
    def _daytime(t: datetime, rnd: random.Random) -> datetime:
        """Inspectors check on site 07:00–20:00: a night time moves to the morning."""
        local = t.astimezone(CST)
        if 7 <= local.hour < 20:
            return t
        base = local.replace(hour=7, minute=0, second=0, microsecond=0)
        if local.hour >= 20:
            base += timedelta(days=1)
        return base + timedelta(minutes=rnd.uniform(0, 50))


def _handle_minutes(category: Category, rnd: random.Random, timing: Timing) -> float:
    """On-site work: a share of the category's limit, within bounds (urgent: an hour at most)."""
    limit: TimeLimit = category.time_limit
    per_unit = {
        TimeUnit.WORKING_HOURS: 60.0,
        TimeUnit.NATURAL_HOURS: 60.0,
        TimeUnit.WORKING_DAYS: 7.5 * 60.0,
        TimeUnit.NATURAL_DAYS: 24 * 60.0,
    }[limit.unit]
    low, high = timing.handle_bounds
    if category.urgent:
        high = min(high, 60.0)
    return min(high, max(low, limit.amount * per_unit * rnd.uniform(*timing.handle_share)))


def _bearing(a: tuple[float, float], b: tuple[float, float], default: float) -> float:
    """Initial course from a to b, degrees clockwise from north (`default` if a == b)."""
    p1, p2 = math.radians(a[1]), math.radians(b[1])
    dl = math.radians(b[0] - a[0])
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    if abs(x) < 1e-15 and abs(y) < 1e-15:
        return default
    return math.degrees(math.atan2(x, y)) % 360.0


def _slot(at: datetime, every: timedelta) -> int:
    return math.floor(at.timestamp() / every.total_seconds())


def _patrol(q: _SquadState, now: datetime, seed: int) -> tuple[float, float, float | None]:
    """An idle squad's patrol: a step of up to 150 m, drawn back towards its home."""
    assert q.home is not None and q.lon is not None and q.lat is not None
    rnd = random.Random(f"{seed}/patrol/{q.id}/{int(now.timestamp())}")
    mx, my = local_metres_per_degree(q.lat)
    angle = rnd.uniform(0, 2 * math.pi)
    step = rnd.uniform(0, 150.0)
    dx = step * math.sin(angle) + 0.3 * (q.home[0] - q.lon) * mx
    dy = step * math.cos(angle) + 0.3 * (q.home[1] - q.lat) * my
    lon, lat = q.lon + dx / mx, q.lat + dy / my
    return lon, lat, _bearing((q.lon, q.lat), (lon, lat), q.heading or 0.0)


# ---------------------------------------------------------------- the thread


class Steppable(Protocol):
    """What a `SimulatorThread` drives: the `Simulator`, or a companion on the same clock
    (e.g. `live.parking_feed.OccupancyDrift`)."""

    clock: Callable[[], datetime]

    def step(self, now: datetime | None = None) -> Changes: ...


class SimulatorThread(threading.Thread):
    """Runs `simulator.step(clock())` every `interval` seconds until `stop()`.

    An error in a step is handed to `on_error` (default: logged with its traceback) and the
    next step tries again: the simulator never takes the application down.
    """

    def __init__(
        self,
        simulator: Steppable,
        *,
        interval: float = 5.0,
        clock: Callable[[], datetime] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_changes: Callable[[Changes], None] | None = None,
        name: str = "demo-simulator",
    ) -> None:
        super().__init__(name=name, daemon=True)
        if interval <= 0:
            raise ValueError(f"interval must be positive, got {interval}")
        self.simulator = simulator
        self.interval = interval
        self.clock = clock or simulator.clock
        self.on_error = on_error
        self.on_changes = on_changes
        self._stop_event = threading.Event()
        self.steps = 0
        self.errors = 0

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                changes = self.simulator.step(self.clock())
                self.steps += 1
                if changes and self.on_changes is not None:
                    self.on_changes(changes)
            except Exception as exc:  # never let a bad step end the thread
                self.errors += 1
                if self.on_error is not None:
                    try:
                        self.on_error(exc)
                    except Exception:
                        log.exception("the simulator's error handler failed")
                else:
                    log.exception("simulator step failed; trying again in %.0f s", self.interval)
            self._stop_event.wait(self.interval)

    def stop(self, timeout: float | None = 10.0) -> None:
        """Ask the loop to end and wait for the step in progress to finish."""
        self._stop_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)
