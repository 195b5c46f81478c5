"""The demo simulator on both databases: a working day of the closed loop, played minute by
minute through the services, with squads driving to their cases."""

from __future__ import annotations

import shutil
import threading
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select

from command_center.domain.calendar import CST, WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.domain.geo import haversine_m
from command_center.domain.workflow import PAUSED_STATES, Action, CaseState, Role, plan_transition
from command_center.live.simulator import Simulator, SimulatorThread, Timing, arrivals, hourly_rates
from command_center.services.changes import Changes
from command_center.services.orders import OrderService
from command_center.store.engine import Store, make_engine
from command_center.store.models import (
    Case,
    CaseEvent,
    ChangeLog,
    Order,
    Person,
    PersonRole,
    Squad,
    UnitGrid,
)
from tests.conftest import PG_URL_BASE, _pg_admin
from tests.services.conftest import FakeClock, Org, _square, org  # noqa: F401

DAY = datetime(2026, 11, 23, tzinfo=CST)  # a Monday
SEED = 7
# More rework and lateness than the default, so a single day shows both.
TIMING = Timing(p_rework=0.3, p_late=0.3)
RATE = 30.0


@pytest.fixture
def city(store: Store, org: Org) -> Org:  # noqa: F811
    return _extend(store, org)


def _extend(store: Store, org: Org) -> Org:  # noqa: F811
    """The small organisation, plus grids 2 km away (so squads drive), three more squads
    and a lead who belongs to each squad."""
    with store.transaction() as s:
        for i in range(3):
            lon = 120.47 + i * 0.001
            s.add(
                UnitGrid(
                    code=f"211302001001{i + 4:03d}", district_code="211302",
                    street_code="211302001", community_code="211302001001",
                    geometry=_square(lon, 41.58), min_lon=lon, min_lat=41.58,
                    max_lon=lon + 0.001, max_lat=41.581, area_m2=9300.0,
                )
            )  # fmt: skip
        more = [Squad(code=f"SQ{i}", name=f"南塔一组{i}", unit_id=org.unit_id) for i in (3, 4, 5)]
        s.add_all(more)
        s.flush()
        org.squad_ids.extend(q.id for q in more)
        for n, sq in enumerate(org.squad_ids):
            p = Person(code=f"L{n}", name=f"组长{n}", unit_id=org.unit_id, squad_id=sq)
            s.add(p)
            s.flush()
            s.add(PersonRole(person_id=p.id, role=Role.SQUAD.value))
    return org


def _run(
    store: Store, start: datetime, end: datetime, *, seed: int = SEED, watch=None
) -> Simulator:
    clock = FakeClock(start)
    sim = Simulator(
        store, Catalogue.default(), WorkCalendar.default(), clock=clock, rng_seed=seed,
        rate_per_day=RATE, timing=TIMING,
    )  # fmt: skip
    t = start
    while t <= end:
        clock.now = t
        sim.step(t)
        if watch is not None:
            watch(t)
        t += timedelta(minutes=1)
    return sim


def _trails(store: Store) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with store.read() as s:
        for case_no, e in s.execute(
            select(Case.case_no, CaseEvent).join(CaseEvent).order_by(CaseEvent.id)
        ):
            out[case_no].append(
                {
                    "action": e.action, "from": e.from_state, "to": e.to_state,
                    "actor": e.actor_id, "role": e.actor_role, "at": e.at, "note": e.note,
                    "squad": (e.data or {}).get("squad_id"), "workstation": e.workstation,
                }
            )  # fmt: skip
    return dict(out)


def _cases(store: Store) -> list[Case]:
    with store.read() as s:
        return list(s.scalars(select(Case).order_by(Case.id)))


def _replays(trail: list[dict[str, Any]], holds: set[tuple[int | None, str]]) -> CaseState:
    """The trail replays through the workflow, each step by someone holding its role."""
    state: CaseState | None = None
    resume: CaseState | None = None
    for e in trail:
        step = plan_transition(
            state, Action(e["action"]), Role(e["role"]), at=e["at"], actor_id=e["actor"],
            note=e["note"], resume_state=resume,
        )  # fmt: skip
        assert (e["from"] or None) == (state.value if state else None)
        assert step.to_state.value == e["to"]
        assert (e["actor"], e["role"]) in holds, e
        if step.to_state in PAUSED_STATES and state not in PAUSED_STATES:
            resume = state
        state = step.to_state
    assert state is not None
    return state


# ---------------------------------------------------------------- the rhythm (no database)


def test_reports_follow_the_daily_rhythm() -> None:
    calendar = WorkCalendar.default()
    start = datetime(2026, 3, 2, tzinfo=CST)
    got = arrivals(150.0, calendar, start, start + timedelta(days=28), seed=1)
    by_hour = Counter(a.at.hour for a in got)
    assert by_hour[10] > 8 * max(1, by_hour[3])
    assert (
        by_hour[9] + by_hour[10] + by_hour[15]
        > by_hour[0] + by_hour[1] + by_hour[2] + by_hour[3] + by_hour[4]
    )
    expected = sum(
        sum(a + b for a, b in hourly_rates(150.0, calendar.is_working_day((start + timedelta(days=d)).date())))
        for d in range(28)
    )  # fmt: skip
    assert abs(len(got) - expected) < 0.1 * expected
    assert Counter(a.source for a in got)["inspector"] > 0.4 * len(got)
    assert [a.at for a in got] == sorted(a.at for a in got)
    # Any split of the period into steps gives the same arrivals.
    mid = start + timedelta(days=3, minutes=17, seconds=5)
    whole = arrivals(150.0, calendar, start, start + timedelta(days=7), seed=1)
    split = arrivals(150.0, calendar, start, mid, 1) + arrivals(
        150.0, calendar, mid, start + timedelta(days=7), 1
    )
    assert whole == split
    assert whole != arrivals(150.0, calendar, start, start + timedelta(days=7), seed=2)


def test_a_rest_day_is_quieter_for_inspectors() -> None:
    work, rest = hourly_rates(100.0, True), hourly_rates(100.0, False)
    assert sum(a + b for a, b in work) == pytest.approx(100.0)
    assert sum(a for a, _ in rest) == pytest.approx(0.45 * sum(a for a, _ in work))


# ---------------------------------------------------------------- a day in the city


def test_a_working_day_goes_round_the_closed_loop(store: Store, city: Org) -> None:
    orders = OrderService(store, clock=city.clock, workstation="desk")
    city.clock.now = DAY.replace(hour=9)
    supervisor = city.actors[Role.SUPERVISOR]
    for sq in city.squad_ids * 2:
        orders.issue(supervisor, title="加强巡查", due_at=DAY.replace(hour=17), squad_id=sq)

    tracks: dict[int, list[tuple[datetime, float, float, float | None, str]]] = defaultdict(list)

    def watch(t: datetime) -> None:
        with store.read() as s:
            for q in s.scalars(select(Squad)):
                tracks[q.id].append((t, q.lon, q.lat, q.heading_deg, q.status))

    _run(store, DAY, DAY + timedelta(hours=24), watch=watch)
    cases = _cases(store)
    trails = _trails(store)

    # Reports at plausible hours: the morning is busy, the small hours are quiet.
    hours = Counter(c.reported_at.astimezone(CST).hour for c in cases)
    assert len(cases) > 15
    assert hours[9] + hours[10] + hours[11] > 3 * (hours[1] + hours[2] + hours[3] + hours[4])
    assert {c.category_code for c in cases} > {cases[0].category_code}  # a mix of categories
    assert all(c.grid_code is not None for c in cases)  # inside the unit grids

    # Every trail replays through the state machine, by people who hold the roles.
    with store.read() as s:
        holds = {(p, r) for p, r in s.execute(select(PersonRole.person_id, PersonRole.role))}
    holds.add((None, Role.ADMIN.value))
    for c in cases:
        trail = trails[c.case_no]
        assert _replays(trail, holds).value == c.state
        assert {e["workstation"] for e in trail} == {"simulator"}
        ats = [e["at"] for e in trail]
        assert ats == sorted(ats)
        actions = [e["action"] for e in trail]
        for k, a in enumerate(actions):
            if a == "accept" and actions[k - 1] == "dispatch":  # the lead accepts in 1–5 min
                assert timedelta(minutes=1) <= ats[k] - ats[k - 1] <= timedelta(minutes=5)

    # The day's morning cases are all closed; some went back for rework, some were late.
    morning = [c for c in cases if c.reported_at < DAY.replace(hour=14)]
    assert morning
    assert all(c.state in ("closed", "not_registered") for c in morning), [
        (c.case_no, c.state) for c in morning if c.state not in ("closed", "not_registered")
    ]
    closed = [c for c in cases if c.state == "closed"]
    assert len(closed) > 0.6 * len(cases)
    assert any(c.rework_count for c in closed)
    assert any(c.handled_at > c.deadline_at for c in closed if c.rework_count == 0)
    assert len({c.squad_id for c in closed}) > 1  # the dispatcher spreads the work

    # Squads drive towards their case, arrive, and are available again afterwards.
    moving_seen = 0
    for c in closed:
        trail = trails[c.case_no]
        accepted = next(e["at"] for e in trail if e["action"] == "accept")
        fed_back = next(e["at"] for e in trail if e["action"] == "feedback")
        track = [p for p in tracks[c.squad_id] if accepted <= p[0] < fed_back]
        dists = [haversine_m(lon, lat, c.lon, c.lat) for _, lon, lat, _, _ in track]
        assert track and dists[-1] < 1.0, c.case_no  # on site before feeding back
        assert all(p[4] == "busy" for p in track)
        if dists[0] > 300 and all(b <= a + 1e-6 for a, b in zip(dists, dists[1:], strict=False)):
            moving_seen += 1
            assert any(300 > d > 1 or dists[0] > d > 1 for d in dists[1:])  # seen on the way
            assert all(p[3] is not None for p in track)
    assert moving_seen >= 3
    for sq, track in tracks.items():
        statuses = [p[4] for p in track]
        assert "busy" in statuses, sq
        last_busy = max(i for i, st in enumerate(statuses) if st == "busy")
        assert "available" in statuses[last_busy:] or statuses[-1] == "busy"
    with store.read() as s:
        working = {
            q for (q,) in s.execute(select(Case.squad_id).where(Case.state == "in_progress"))
        }
        for q in s.scalars(select(Squad)):
            assert (q.status == "busy") == (q.id in working), q.code
            assert DAY + timedelta(hours=23, minutes=45) <= q.position_at  # never stale

        # Orders to squads: most acknowledged within the hour.
        acked = s.scalars(select(Order).where(Order.status == "acknowledged")).all()
        assert 1 <= len(acked) <= 2 * len(city.squad_ids)
        for o in acked:
            assert o.acknowledged_at - o.issued_at <= timedelta(minutes=50)
        assert all(o.received_at == o.acknowledged_at for o in acked)

        # Every write of the simulator is in the change log under its workstation.
        logged = Counter(
            (t, w) for t, w in s.execute(select(ChangeLog.table_name, ChangeLog.workstation))
        )
    assert logged[("cases", "simulator")] == sum(len(t) for t in trails.values())
    assert logged[("case_events", "simulator")] == sum(len(t) for t in trails.values())
    assert logged[("squads", "simulator")] > 100
    assert logged[("orders", "simulator")] == len(acked)
    assert {w for _, w in logged} == {"simulator", "desk"}


@pytest.fixture
def second_city(request, store: Store, tmp_path) -> Iterator[Store]:
    """Another database of the same dialect with the same organisation, for a second run."""
    if store.dialect == "sqlite":
        path = tmp_path / "second.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url, name = f"sqlite:///{path}", None
    else:
        name = f"cc_test_{uuid.uuid4().hex[:12]}"
        with _pg_admin() as con:
            con.execute(
                f'CREATE DATABASE "{name}" TEMPLATE "{request.getfixturevalue("pg_template")}"'
            )
        url = PG_URL_BASE + name
    second = Store(make_engine(url))
    _extend(second, org.__wrapped__(second))  # the same `org` fixture, on this database
    yield second
    second.dispose()
    if name is not None:
        with _pg_admin() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_same_seed_same_trails_and_a_restart_picks_up_open_cases(
    store: Store, city: Org, second_city: Store
) -> None:
    start, end = DAY.replace(hour=7), DAY.replace(hour=13)
    first_sim = _run(store, start, end)
    first = _trails(store)
    assert len(first) > 5
    _run(second_city, start, end)
    assert _trails(second_city) == first
    # A new simulator (the app restarted) finishes the open cases the old one left.
    open_before = [c.case_no for c in _cases(store) if c.state not in ("closed", "not_registered")]
    assert open_before
    restarted = Simulator(
        store, Catalogue.default(), WorkCalendar.default(), clock=first_sim.clock,
        rng_seed=SEED, rate_per_day=0.0, timing=TIMING,
    )  # fmt: skip
    t = end + timedelta(minutes=1)
    while t <= end + timedelta(hours=8):
        restarted.step(t)
        t += timedelta(minutes=2)
    states = {c.case_no: c.state for c in _cases(store)}
    assert all(states[n] in ("closed", "not_registered") for n in open_before), states
    assert len(states) == len(first)  # no new reports at a rate of 0


def test_stepping_back_or_twice_changes_nothing(store: Store, city: Org) -> None:
    sim = _run(store, DAY.replace(hour=9), DAY.replace(hour=10))
    with store.read() as s:
        before = s.scalar(select(ChangeLog.id).order_by(ChangeLog.id.desc()).limit(1))
    assert not sim.step(DAY.replace(hour=10))
    assert not sim.step(DAY.replace(hour=9, minute=30))
    with store.read() as s:
        assert s.scalar(select(ChangeLog.id).order_by(ChangeLog.id.desc()).limit(1)) == before
    assert sim.last_step == DAY.replace(hour=10)


# ---------------------------------------------------------------- the thread


class _FlakySimulator:
    """Fails on its first step, then counts; the thread must survive the failure."""

    def __init__(self) -> None:
        self.clock = lambda: DAY
        self.calls = 0
        self.enough = threading.Event()

    def step(self, now: datetime) -> Changes:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("database went away")
        if self.calls >= 3:
            self.enough.set()
        return Changes.of(cases=self.calls)


def test_the_thread_survives_a_failing_step_and_stops() -> None:
    sim = _FlakySimulator()
    errors: list[BaseException] = []
    seen: list[Changes] = []
    thread = SimulatorThread(sim, interval=0.01, on_error=errors.append, on_changes=seen.append)  # type: ignore[arg-type]
    thread.start()
    try:
        assert sim.enough.wait(10)
    finally:
        thread.stop()
    assert not thread.is_alive()
    assert thread.errors == 1 and isinstance(errors[0], RuntimeError)
    assert thread.steps >= 2 and seen
    with pytest.raises(ValueError):
        SimulatorThread(sim, interval=0)  # type: ignore[arg-type]


def test_people_without_a_role_are_never_used(store: Store, city: Org) -> None:
    """With nobody holding the intake role, hotline reports are filed by the system itself."""
    with store.transaction() as s:
        s.execute(delete(PersonRole).where(PersonRole.role == Role.INTAKE.value))
    _run(store, DAY.replace(hour=9), DAY.replace(hour=12))
    trails = _trails(store)
    reports = [t[0] for t in trails.values()]
    assert reports
    assert all(r["role"] != "intake" for r in reports)
    assert all(
        (r["role"], r["actor"]) == ("admin", None) or r["role"] == "inspector" for r in reports
    )


def test_the_first_step_wakes_every_squad_on_duty(store: Store, city: Org) -> None:
    from command_center.store.models import Squad

    start = DAY.replace(hour=9)
    sim = Simulator(store, Catalogue.default(), WorkCalendar.default(), clock=FakeClock(start),
                    rng_seed=SEED, rate_per_day=RATE, timing=TIMING)
    sim.step(start)
    with store.read() as s:
        fixes = s.execute(select(Squad.status, Squad.position_at)).all()
    on_duty = [at for status, at in fixes if status != "off_duty"]
    assert on_duty and all(at == start for at in on_duty)
