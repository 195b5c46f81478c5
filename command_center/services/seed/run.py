"""The seed's run: one transaction that writes the planned city, its year and its today."""

from __future__ import annotations

import gc
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from command_center.domain.calendar import CST, WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.services.seed.cameras import _video_rows
from command_center.services.seed.orders import _build_orders, _set_squad_status
from command_center.services.seed.planner import _CaseSource, _Planner
from command_center.services.seed.registries import _build_registries
from command_center.services.seed.report import SeedError, SeedReport
from command_center.services.seed.world import _build_world
from command_center.services.seed.writer import (
    Writer,
    _big_cache,
    _bump_sequences,
    _copy,
    _drop_foreign_keys,
    _id_bases,
    _insert,
    _refuse_non_empty,
    _restore_foreign_keys,
    _update_squads,
)
from command_center.store.engine import Store
from command_center.store.models import (
    Camera,
    CameraTour,
    Case,
    CaseEvent,
    Community,
    District,
    MotionZone,
    Order,
    Person,
    PersonRole,
    RegistryEvent,
    RegistryObject,
    ResponsibilityGrid,
    Squad,
    Street,
    Unit,
    UnitGrid,
)

log = logging.getLogger("db")

PARALLEL_MIN_CASES = 10_000  # below this, a planning process costs more than it saves

Progress = Callable[[str, float], None]


def seed_demo_city(
    store: Store,
    *,
    catalogue: Catalogue,
    calendar: WorkCalendar,
    now: datetime,
    cases: int = 55_000,
    rng_seed: int = 20261127,
    progress: Progress | None = None,
    clips: Sequence[str] = (),
) -> SeedReport:
    """Seed the demo city with a year of cases up to `now`, in one transaction.

    Raises `SeedError` (and writes nothing) if the database already holds districts or cases.
    The result is a pure function of the arguments: the same seed gives the same city. From
    PARALLEL_MIN_CASES cases on, the cases are planned in a Python subprocess while this
    process writes; the cyclic garbage collector is paused until the seed returns. `clips`:
    the video files the demo cameras play, in turn (default: the two shipped clips).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise SeedError(f"`now` must be timezone-aware, got {now.isoformat()}")
    if cases < 1:
        raise SeedError(f"cases must be at least 1, got {cases}")
    now = now.astimezone(CST)
    report = progress or (lambda stage, fraction: None)
    started = time.perf_counter()
    with store.read() as s:
        _refuse_non_empty(s)
        id_base = _id_bases(s)
    # Hundreds of thousands of long-lived rows: the cyclic collector would rescan them over
    # and over (a third of the run) while they can hold no cycles; it is back on at the end.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _seed(store, catalogue, calendar, now, cases, rng_seed, report, id_base, started,
                     clips)
    finally:
        if gc_was_enabled:
            gc.enable()


def _seed(
    store: Store,
    catalogue: Catalogue,
    calendar: WorkCalendar,
    now: datetime,
    cases: int,
    rng_seed: int,
    report: Progress,
    id_base: dict[str, int],
    started: float,
    clips: Sequence[str] = (),
) -> SeedReport:
    stages: dict[str, float] = {}
    mark = [started]

    def lap(stage: str) -> None:
        t = time.perf_counter()
        stages[stage] = stages.get(stage, 0.0) + t - mark[0]
        mark[0] = t

    # Planning the cases is pure Python and needs no database: for a big seed it runs in a
    # subprocess on another core while this process writes (a thread would not do: the GIL
    # hand-over per SQLite row made the seed slower). The subprocess rebuilds the same world
    # from the same seed, so either way the result is identical.
    planner = (
        _Planner.start(catalogue, calendar, now, cases, rng_seed, id_base)
        if cases >= PARALLEL_MIN_CASES
        else None
    )
    try:
        report("grids and organisation", 0.0)
        world = _build_world(catalogue, calendar, now, cases, rng_seed, id_base)
        geo, org, cameras = world.geo, world.org, world.cameras
        for k, row in enumerate(cameras.rows if clips else ()):
            row["url"] = str(clips[k % len(clips)])
        lap("grids and organisation")
        # The registries (台账) and their histories: only this process needs them.
        registries = _build_registries(geo, org, now, rng_seed)
        lap("registries")
        static: list[tuple[Any, list[dict[str, Any]]]] = [
            (District, geo.district_rows),
            (Street, geo.street_rows),
            (Community, geo.community_rows),
            (Unit, org.unit_rows),
            (Squad, org.squad_rows),
            (Person, org.person_rows),
            (PersonRole, org.role_rows),
            (ResponsibilityGrid, geo.rgrid_rows),
            (UnitGrid, geo.cell_rows),
            (Camera, cameras.rows),
        ]
        rows: Counter[str] = Counter()
        all_cases: list[dict[str, Any]] = []
        waiting = 0.0
        # PostgreSQL takes the bulk rows through COPY (3× Core per row there, see the bench);
        # SQLite through Core executemany, about as fast as its inserts go.
        write: Writer = _copy if store.dialect == "postgresql" else _insert
        with store.transaction() as s, _big_cache(s, store.dialect):
            _refuse_non_empty(s)
            if _id_bases(s) != id_base:
                raise SeedError(
                    "the database changed while the demo city was being built; run the seed again"
                )
            # PostgreSQL checks the foreign keys of the bulk tables once, at the end.
            keys = _drop_foreign_keys(s, (UnitGrid, Case, CaseEvent)) if write is _copy else []
            for model, table_rows in static:
                write(s, model, table_rows)
                rows[model.__tablename__] += len(table_rows)
            # The wall's tours and a few cameras' motion zones: few rows with JSON, by Core.
            tours, zones = _video_rows(cameras.rows)
            for model, table_rows in ((CameraTour, tours), (MotionZone, zones)):
                if table_rows:
                    s.execute(insert(model), table_rows)
                rows[model.__tablename__] += len(table_rows)
            lap("write grids and organisation")
            top = s.scalar(select(func.coalesce(func.max(RegistryObject.id), 0))) or 0
            objects = registries.object_rows(int(top))
            write(s, RegistryObject, objects)
            rows[RegistryObject.__tablename__] = len(objects)
            lap("write registries")
            report(f"cases 0/{cases}", 0.05)
            # A chunk at a time: a year of events never sits in memory at once.
            source = _CaseSource(planner, world.sim)
            chunks = source.chunks()
            while True:
                t = time.perf_counter()
                chunk = next(chunks, None)
                waiting += time.perf_counter() - t
                if chunk is None:
                    break
                case_rows, event_rows = chunk
                registries.link(case_rows)  # sets cases.object_id
                write(s, Case, case_rows)
                write(s, CaseEvent, event_rows)
                all_cases.extend(case_rows)
                rows["cases"] += len(case_rows)
                rows["case_events"] += len(event_rows)
                report(f"cases {rows['cases']}/{cases}", 0.05 + 0.9 * rows["cases"] / cases)
            lap("cases and events")
            history = registries.event_rows()
            write(s, RegistryEvent, history)
            rows[RegistryEvent.__tablename__] = len(history)
            lap("registry histories")
            label = "waiting for the planner" if source.remote else "planning (in process)"
            stages[f"cases and events: {label}"] = waiting
            stages["cases and events: writing"] = stages["cases and events"] - waiting
            if keys:
                _restore_foreign_keys(s, keys)
                lap("foreign keys checked")
            after = random.Random(rng_seed + 1)  # draws after the year, on this side only
            orders = _build_orders(all_cases, org, after, now, id_base["orders"])
            write(s, Order, orders)
            rows["orders"] = len(orders)
            report("squads", 0.97)
            _set_squad_status(org, all_cases, after, now)
            _update_squads(s, org.squad_rows)
            if store.dialect == "postgresql":
                _bump_sequences(s, [model for model, _ in static] + [RegistryObject, Case, Order])
            lap("orders and squads")
    except IntegrityError as exc:
        raise SeedError(
            f"the demo city conflicts with rows already in the database: {exc.orig}"
        ) from None
    finally:
        if planner is not None:
            planner.close()
    lap("commit")
    report("done", 1.0)
    seconds = time.perf_counter() - started
    states = dict(sorted(Counter(r["state"] for r in all_cases).items()))
    counts = {
        model.__tablename__: rows[model.__tablename__]
        for model in (
            District,
            Street,
            Community,
            Unit,
            Squad,
            Person,
            PersonRole,
            ResponsibilityGrid,
            UnitGrid,
            Camera,
            CameraTour,
            MotionZone,
            RegistryObject,
            RegistryEvent,
            Case,
            CaseEvent,
            Order,
        )
    }
    log.info("seeded the demo city: %d rows in %.1f s", sum(counts.values()), seconds)
    return SeedReport(counts=counts, states=states, seconds=seconds, stage_seconds=stages)
