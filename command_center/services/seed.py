"""The demo city: Chaoyang's two urban districts, the bureau that runs them, a year of cases.

Seeded on first run and by `db seed`, so that every panel has something real-looking to show.
What is real: the district boundaries (AMap, converted GCJ-02 → WGS-84 vertex by vertex), the
districts' codes and names, the street (街道) names used, and the enforcement structure the
city's 14th five-year plan describes (综合大队, 专业大队, teams sent to the streets of both
districts). What is demo: the partition of the urban core among streets and communities,
community names, the handling departments' names, people, cameras' spots and every case.

Everything is written in one transaction, so a failed seed leaves nothing behind: on SQLite
with SQLAlchemy Core bulk inserts (ORM objects per row are 3–6× slower), on PostgreSQL with
COPY on the transaction's own connection (3× Core per row), the bulk tables' foreign keys
dropped meanwhile and added back, checked once, before the commit. See `bench/bench_seed.py`
and docs/performance.md.
"""

from __future__ import annotations

import gc
import json
import logging
import math
import operator
import os
import pickle
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import JSON, bindparam, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from command_center.domain.calendar import CST, TimeLimit, TimeUnit, WorkCalendar
from command_center.domain.catalogue import Catalogue, Category
from command_center.domain.deadlines import TrailStep, handling_deadline
from command_center.domain.geo import gcj02_to_wgs84_array, local_metres_per_degree
from command_center.domain.workflow import (
    PAUSED_STATES,
    Action,
    CaseState,
    Role,
    Transition,
    plan_transition,
)
from command_center.services.changes import ServiceError
from command_center.store.engine import Store
from command_center.store.models import (
    Camera,
    Case,
    CaseEvent,
    Community,
    District,
    Order,
    Person,
    PersonRole,
    ResponsibilityGrid,
    Squad,
    Street,
    Unit,
    UnitGrid,
    UtcDateTime,
)

log = logging.getLogger("db")

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
VIDEO_CLIPS = (
    RESOURCES / "video" / "street_bikes_640x272.mp4",
    RESOURCES / "video" / "highway_cctv_320x240.avi",
)

DISTRICT_NAMES = {"211302": "双塔区", "211303": "龙城区"}
# Real street (街道) names of the two districts; which part of the core each covers is demo.
STREET_NAMES = {
    "211302": ("北塔街道", "南塔街道", "站南街道", "前进街道", "凌河街道", "龙山街道",
               "光明街道", "红旗街道"),
    "211303": ("半拉山街道", "新华街道", "马山街道", "向阳街道", "海龙街道"),
}  # fmt: skip

# The urban core that gets unit grids (WGS-84). The data README's 120.42–120.48E,
# 41.55–41.60N leaves 龙城区 only 13 % of the box (the district border runs diagonally through
# it), too little for five streets; the box is widened 0.02° west and 0.01° on the other sides,
# which gives 龙城区 30 % and stays at about 5,800 cells.
CORE_BBOX = (120.40, 41.54, 120.49, 41.61)
CELL_M = 100.0  # unit-grid side
SLIVER_M2 = 500.0  # clipped pieces smaller than this are merged into a neighbour
CITY_CENTRE = (120.447, 41.575)  # where case density peaks (demo)

CHUNK = 8000  # rows per Core executemany
CASE_CHUNK = 5000  # cases planned, then written, at a time
PARALLEL_MIN_CASES = 10_000  # below this, a planning process costs more than it saves


class SeedError(ServiceError):
    """The demo city cannot be seeded here; nothing was written."""


@dataclass(frozen=True)
class SeedReport:
    """What a seed wrote: rows per table, case states, and the seconds it took (per stage)."""

    counts: dict[str, int]  # rows written per table
    states: dict[str, int]
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())


Progress = Callable[[str, float], None]


# ================================================================ entry point


def seed_demo_city(
    store: Store,
    *,
    catalogue: Catalogue,
    calendar: WorkCalendar,
    now: datetime,
    cases: int = 55_000,
    rng_seed: int = 20261127,
    progress: Progress | None = None,
) -> SeedReport:
    """Seed the demo city with a year of cases up to `now`, in one transaction.

    Raises `SeedError` (and writes nothing) if the database already holds districts or cases.
    The result is a pure function of the arguments: the same seed gives the same city. From
    PARALLEL_MIN_CASES cases on, the cases are planned in a Python subprocess while this
    process writes; the cyclic garbage collector is paused until the seed returns.
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
        return _seed(store, catalogue, calendar, now, cases, rng_seed, report, id_base, started)
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
        lap("grids and organisation")
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
            lap("write grids and organisation")
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
                write(s, Case, case_rows)
                write(s, CaseEvent, event_rows)
                all_cases.extend(case_rows)
                rows["cases"] += len(case_rows)
                rows["case_events"] += len(event_rows)
                report(f"cases {rows['cases']}/{cases}", 0.05 + 0.9 * rows["cases"] / cases)
            lap("cases and events")
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
                _bump_sequences(s, [model for model, _ in static] + [Case, Order])
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
            Case,
            CaseEvent,
            Order,
        )
    }
    log.info("seeded the demo city: %d rows in %.1f s", sum(counts.values()), seconds)
    return SeedReport(counts=counts, states=states, seconds=seconds, stage_seconds=stages)


@dataclass
class _World:
    """Everything the seed plans before the first case: places, organisation, cameras."""

    geo: _Geography
    org: _Organisation
    cameras: _Cameras
    sim: _History


def _build_world(
    catalogue: Catalogue,
    calendar: WorkCalendar,
    now: datetime,
    cases: int,
    rng_seed: int,
    id_base: dict[str, int],
) -> _World:
    """A pure function of its arguments (the same in the writing and the planning process)."""
    rng = np.random.default_rng(rng_seed)
    rnd = random.Random(rng_seed)
    geo = _build_geography(_load_districts(), rng)
    org = _build_organisation(geo, rng, rnd, id_base)
    cameras = _build_cameras(geo, rng, rnd, id_base["cameras"])
    sim = _History(geo, org, cameras, catalogue, calendar, now, cases, rng, rnd, id_base["cases"])
    return _World(geo, org, cameras, sim)


def _planner_main() -> None:
    """Entry of the planning subprocess: arguments in on stdin, then out on stdout
    ("chunk", rows) messages and a final ("done", None) — or ("error", message)."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the stream
    gc.disable()
    try:
        args = pickle.load(sys.stdin.buffer)
        world = _build_world(*args)
        for chunk in world.sim.chunks(CASE_CHUNK, first=1000):
            pickle.dump(("chunk", chunk), out, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(("done", None), out)
    except BaseException as exc:  # reported to the writer, which raises SeedError
        pickle.dump(("error", f"{type(exc).__name__}: {exc}"), out)
    out.flush()


class _Planner:
    """A Python subprocess that plans the cases, read a chunk at a time.

    A plain subprocess rather than multiprocessing: `spawn` re-runs the caller's __main__
    module in the child, which a library must never do to a script without a main guard.
    """

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process

    @classmethod
    def start(
        cls,
        catalogue: Catalogue,
        calendar: WorkCalendar,
        now: datetime,
        cases: int,
        rng_seed: int,
        id_base: dict[str, int],
    ) -> _Planner | None:
        """A started planner, or None (plan in process) if no Python subprocess can be had."""
        if getattr(sys, "frozen", False) or not sys.executable:
            return None
        args = pickle.dumps(
            (catalogue, calendar, now, cases, rng_seed, id_base), protocol=pickle.HIGHEST_PROTOCOL
        )
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        code = "from command_center.services.seed import _planner_main; _planner_main()"
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
            )
        except OSError as exc:
            log.info("planning the demo cases in process (no subprocess: %s)", exc)
            return None
        stdin = process.stdin
        assert stdin is not None

        def feed() -> None:  # the child reads only once it has imported: don't wait for it
            try:
                stdin.write(args)
                stdin.close()
            except (OSError, ValueError):
                pass  # the child died (or was stopped); reading its output says so

        threading.Thread(target=feed, name="seed-planner-feed", daemon=True).start()
        return cls(process)

    def chunks(self) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        stdout = self._process.stdout
        assert stdout is not None
        while True:
            try:
                kind, payload = pickle.load(stdout)
            except (EOFError, pickle.UnpicklingError):
                code = self._process.wait()
                raise _PlannerGone(
                    f"the process planning the demo cases stopped unexpectedly (exit code {code})"
                ) from None
            if kind == "done":
                return
            if kind == "error":
                raise SeedError(f"planning the demo cases failed: {payload}")
            yield payload

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:  # a broken pipe to a dead child
                    pass


class _PlannerGone(SeedError):
    """The planning subprocess ended without a word (it could not start or was killed)."""


class _CaseSource:
    """The planned chunks: from the subprocess, or planned here if it is absent or dies
    before its first chunk (a broken interpreter, a killed process)."""

    def __init__(self, planner: _Planner | None, sim: _History) -> None:
        self._planner = planner
        self._sim = sim
        self.remote = planner is not None

    def chunks(self) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        if self._planner is not None:
            remote = self._planner.chunks()
            try:
                first = next(remote, None)
            except _PlannerGone as exc:
                log.warning("%s; planning the demo cases in process instead", exc)
                self.remote = False
            else:
                if first is not None:
                    yield first
                yield from remote
                return
        yield from self._sim.chunks(CASE_CHUNK)


Writer = Callable[[Session, Any, list[dict[str, Any]]], None]


def _insert(s: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Core bulk insert in chunks; every row has the same keys, so each chunk is one batch."""
    for start in range(0, len(rows), CHUNK):
        s.execute(insert(model.__table__), rows[start : start + CHUNK])


def _copy(s: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: the rows through `COPY … FROM STDIN` on the session's own connection, so
    they are part of its transaction and go if it rolls back.

    Values are converted as a Core insert converts them (see `_copy_converters`); a column the
    rows leave out gets its scalar default, as Core would give it, or the server's (a serial
    id). Every row has the keys of the first.
    """
    if not rows:
        return
    import psycopg  # only here: psycopg is the PostgreSQL extra
    from psycopg.pq import TransactionStatus

    table = model.__table__
    con = s.connection()
    keys = list(rows[0])
    defaults: dict[str, Any] = {}
    for col in table.c:
        if col.name in keys or col.default is None:
            continue  # given, or left to the server (a serial, a server default, NULL)
        if not col.default.is_scalar:
            raise ValueError(f"{table.name}.{col.name}: COPY cannot compute its default")
        defaults[col.name] = col.default.arg
    convert = _copy_converters(table, keys, con.dialect)
    tail = [
        f(v) if f else v
        for v, f in zip(
            defaults.values(), _copy_converters(table, list(defaults), con.dialect), strict=True
        )
    ]
    one = operator.itemgetter(*keys)
    get: Callable[[dict[str, Any]], tuple[Any, ...]] = (
        one if len(keys) > 1 else (lambda r: (one(r),))
    )
    todo = [(i, f) for i, f in enumerate(convert) if f is not None]
    raw = con.connection.driver_connection
    assert raw is not None
    # The session's transaction is open on this very connection (it has read through it):
    # COPY must land inside it, never in autocommit or in a transaction of its own.
    status = raw.info.transaction_status
    if status != TransactionStatus.INTRANS:
        raise SeedError(f"COPY outside the seed's transaction (connection {status.name})")
    names = ", ".join(f'"{k}"' for k in [*keys, *defaults])
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    try:
        with raw.cursor() as cur, cur.copy(statement) as copy:
            write = copy.write_row
            for r in rows:
                values = list(get(r))
                for i, f in todo:
                    values[i] = f(values[i])
                write(values + tail if tail else values)
    except psycopg.IntegrityError as exc:  # as SQLAlchemy would have wrapped it
        raise IntegrityError(statement, None, exc) from None


def _copy_converters(
    table: Any, keys: list[str], dialect: Any
) -> list[Callable[[Any], Any] | None]:
    """Per column, what turns a Python value into what COPY is to write (None: as it is).

    `UtcDateTime` through its own `process_bind_param` (aware → naive UTC, None stays None,
    naive refused); JSON through the dialect's serializer, None included (Core writes Python
    None as JSON `null`, not SQL NULL); any other type with a bind processor through that.
    """
    serializer = getattr(dialect, "_json_serializer", None) or json.dumps
    out: list[Callable[[Any], Any] | None] = []
    for k in keys:
        typ = table.c[k].type
        if isinstance(typ, UtcDateTime):
            out.append(partial(typ.process_bind_param, dialect=dialect))
        elif isinstance(typ, JSON):
            out.append(_json_null_fast if serializer is json.dumps else serializer)
        else:
            out.append(typ.dialect_impl(dialect).bind_processor(dialect))
    return out


def _json_null_fast(value: Any) -> str:
    return "null" if value is None else json.dumps(value)  # most events carry no data


def _drop_foreign_keys(s: Session, models: Iterable[Any]) -> list[tuple[str, str]]:
    """PostgreSQL: drop the foreign keys of these tables, to be added back by
    `_restore_foreign_keys` in the same transaction (which drops nothing if it rolls back).

    A foreign key is checked by a trigger call per row (more than half of COPY's time for the
    year's events and cases); adding it back checks every row in one query. Other sessions
    wait to read these tables until the seed commits. Returns (drop, add) statements, the
    definitions as the server has them (`pg_get_constraintdef`).
    """
    tables = [m.__tablename__ for m in models]
    keys = [
        (drop, add)
        for drop, add in s.execute(
            text(
                "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),"
                " format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname,"
                " pg_get_constraintdef(oid))"
                " FROM pg_constraint"
                " WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[]))"
                " ORDER BY conrelid::regclass::text, conname"
            ),
            {"tables": tables},
        )
    ]
    for drop, _ in keys:
        s.execute(text(drop))
    return keys


def _restore_foreign_keys(s: Session, keys: list[tuple[str, str]]) -> None:
    """Add back what `_drop_foreign_keys` dropped; a row that breaks a key raises here."""
    for _, add in keys:
        s.execute(text(add))


def _update_squads(s: Session, squad_rows: list[dict[str, Any]]) -> None:
    """Squads were written before the cases (which refer to them); now their status and
    position follow today's open cases."""
    table = Squad.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("squad"))
        .values(
            status=bindparam("new_status"),
            lon=bindparam("new_lon"),
            lat=bindparam("new_lat"),
            position_at=bindparam("new_position_at"),
        )
    )
    s.execute(
        stmt,
        [
            {
                "squad": r["id"],
                "new_status": r["status"],
                "new_lon": r["lon"],
                "new_lat": r["lat"],
                "new_position_at": r["position_at"],
            }
            for r in squad_rows
        ],
    )


@contextmanager
def _big_cache(s: Session, dialect: str) -> Iterator[None]:
    """SQLite: a 256 MB page cache while the seed writes (the default 2 MB spills every few
    hundred rows to the WAL), back to what it was afterwards."""
    if dialect != "sqlite":
        yield
        return
    before = s.execute(text("PRAGMA cache_size")).scalar()
    s.execute(text("PRAGMA cache_size=-262144"))
    try:
        yield
    finally:
        try:
            s.execute(text(f"PRAGMA cache_size={int(before or -2000)}"))
        except Exception as exc:  # never hide the error that is on its way out
            log.debug("could not restore the SQLite cache size: %s", exc)


def _refuse_non_empty(s: Session) -> None:
    """The demo city goes only into a database without districts and cases."""
    for model, what in ((District, "districts"), (Case, "cases")):
        n = s.scalar(select(func.count()).select_from(model))
        if n:
            raise SeedError(
                f"the database already holds {n} {what}: the demo city is seeded only into an "
                "empty database (use a new database file, or drop this one first)"
            )


def _id_bases(s: Session) -> dict[str, int]:
    """The highest id in use per table, so seeded ids never collide with rows already there."""
    models = {
        "units": Unit,
        "squads": Squad,
        "people": Person,
        "responsibility_grids": ResponsibilityGrid,
        "cameras": Camera,
        "cases": Case,
        "orders": Order,
    }
    return {
        name: int(s.scalar(select(func.coalesce(func.max(m.id), 0))) or 0)
        for name, m in models.items()
    }


def _bump_sequences(s: Session, models: Iterable[Any]) -> None:
    """PostgreSQL: move each serial past the explicit ids the seed wrote."""
    for model in models:
        table = model.__table__
        if "id" not in table.c or model is CaseEvent:
            continue
        s.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT MAX(id) FROM {table.name}))"
            )
        )


# ================================================================ geography


def _load_districts() -> dict[str, Any]:
    """The two district boundaries as shapely geometries in WGS-84 (from GCJ-02 files)."""
    out = {}
    for code in DISTRICT_NAMES:
        raw = json.loads((RESOURCES / "chaoyang" / f"{code}.geojson").read_text("utf-8"))
        geom = shape(raw.get("geometry", raw) if raw.get("type") == "Feature" else raw)
        out[code] = shapely.transform(geom, _gcj_to_wgs)
    return out


def _gcj_to_wgs(coords: np.ndarray) -> np.ndarray:
    lon, lat = gcj02_to_wgs84_array(coords[:, 0], coords[:, 1])
    return np.column_stack((lon, lat))


def _geojson(geom: Any) -> str:
    return json.dumps(shapely.geometry.mapping(geom), separators=(",", ":"))


@dataclass
class _Cell:
    geom: Any
    district: str
    row: int
    col: int
    x: float = 0.0  # centroid lon
    y: float = 0.0  # centroid lat
    area_m2: float = 0.0
    street: int = -1  # index into _Geography.streets
    community: int = -1
    rgrid: int = -1
    code: str = ""


@dataclass
class _Place:
    code: str
    name: str
    district: str
    cells: list[int]
    parent: int = -1  # index of the street (of a community) or community (of a duty grid)


@dataclass
class _Geography:
    districts: dict[str, Any]
    cells: list[_Cell]
    streets: list[_Place]
    communities: list[_Place]
    rgrids: list[_Place]  # responsibility grids (code, name, district, cells)
    weights_general: np.ndarray  # where cases happen
    weights_street: np.ndarray  # where street-order cases happen (markets, main streets)
    hotspots: list[int]  # cells of markets and squares
    main_cells: list[int]  # cells on the main streets
    district_rows: list[dict[str, Any]] = field(default_factory=list)
    street_rows: list[dict[str, Any]] = field(default_factory=list)
    community_rows: list[dict[str, Any]] = field(default_factory=list)
    rgrid_rows: list[dict[str, Any]] = field(default_factory=list)
    cell_rows: list[dict[str, Any]] = field(default_factory=list)


def _build_geography(districts: dict[str, Any], rng: np.random.Generator) -> _Geography:
    """Unit grids over the core, clipped per district; streets, communities, duty grids.

    The partition is demo: each district's cells are cut by recursive bisection into its
    streets, each street into 3–6 communities and each community into responsibility grids
    of about 30 cells, so every part is compact and about the same size.
    """
    cells = _clip_cells(districts)
    streets: list[_Place] = []
    communities: list[_Place] = []
    rgrids: list[_Place] = []
    west, south, _, _ = CORE_BBOX
    mx, my = local_metres_per_degree((CORE_BBOX[1] + CORE_BBOX[3]) / 2)
    xy = np.array([((c.x - west) * mx, (c.y - south) * my) for c in cells])
    for dcode, names in STREET_NAMES.items():
        idx = np.array([i for i, c in enumerate(cells) if c.district == dcode])
        parts = _order_parts(_bisect(idx, xy, len(names)), xy)
        for s_no, (part, sname) in enumerate(zip(parts, names, strict=True), start=1):
            s_index = len(streets)
            street = _Place(f"{dcode}{s_no:03d}", sname, dcode, part.tolist())
            streets.append(street)
            n_comm = int(min(6, max(3, round(len(part) / 90))))
            short = sname.removesuffix("街道")
            for c_no, cpart in enumerate(_order_parts(_bisect(part, xy, n_comm), xy), start=1):
                c_index = len(communities)
                community = _Place(
                    f"{street.code}{c_no:03d}",
                    f"{short}第{_CN[c_no]}社区",
                    dcode,
                    cpart.tolist(),
                    parent=s_index,
                )
                communities.append(community)
                # Sequence numbers: rows north→south, west→east within a row.
                if len(cpart) > 999:
                    raise ValueError(f"community {community.code} has over 999 unit grids")
                ordered = sorted(
                    cpart.tolist(), key=lambda i: (cells[i].row, cells[i].col, cells[i].x)
                )
                for seq, i in enumerate(ordered, start=1):
                    cell = cells[i]
                    cell.street, cell.community = s_index, c_index
                    cell.code = f"{community.code}{seq:03d}"
                n_duty = max(1, round(len(cpart) / 30))
                for r_no, rpart in enumerate(_order_parts(_bisect(cpart, xy, n_duty), xy), start=1):
                    for i in rpart.tolist():
                        cells[i].rgrid = len(rgrids)
                    rgrids.append(
                        _Place(
                            f"R{community.code}{r_no:02d}",
                            f"{community.name}第{r_no}责任网格",
                            dcode,
                            rpart.tolist(),
                            parent=c_index,
                        )
                    )

    hotspots, main_cells, w_general, w_street = _case_density(cells, xy, rng)
    geo = _Geography(
        districts, cells, streets, communities, rgrids, w_general, w_street, hotspots, main_cells
    )
    geo.district_rows = [
        {"code": code, "name": DISTRICT_NAMES[code], "geometry": _geojson(g), "source_crs": "gcj02"}
        for code, g in districts.items()
    ]
    geo.street_rows = [
        {"code": s.code, "district_code": s.district, "name": s.name} for s in streets
    ]
    geo.community_rows = [
        {"code": c.code, "street_code": streets[c.parent].code, "name": c.name} for c in communities
    ]
    return geo


_CN = "〇一二三四五六七八九十"


def _clip_cells(districts: dict[str, Any]) -> list[_Cell]:
    """~100 m squares over CORE_BBOX, each clipped to the district it falls in.

    A square crossing the district border becomes one cell per district; pieces under
    SLIVER_M2 are merged into the neighbouring cell of the same district they share the
    longest edge with, so the cells cover the core without gaps or overlaps.
    """
    west, south, east, north = CORE_BBOX
    mx, my = local_metres_per_degree((south + north) / 2)
    dlon, dlat = CELL_M / mx, CELL_M / my
    ncols, nrows = round((east - west) / dlon), round((north - south) / dlat)
    xs = np.round(west + np.arange(ncols + 1) * dlon, 7)
    ys = np.round(north - np.arange(nrows + 1) * dlat, 7)
    rows, cols = np.meshgrid(np.arange(nrows), np.arange(ncols), indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    squares = shapely.box(xs[cols], ys[rows + 1], xs[cols + 1], ys[rows])

    # The two boundaries overlap by a few m² along their common border: give it to 双塔区.
    shuangta = districts["211302"]
    owners = {"211302": shuangta, "211303": shapely.difference(districts["211303"], shuangta)}
    pieces: list[_Cell] = []
    for dcode, dgeom in owners.items():
        shapely.prepare(dgeom)
        hit = shapely.intersects(dgeom, squares)
        inside = hit & shapely.contains_properly(dgeom, squares)
        for k in np.flatnonzero(inside):
            pieces.append(_Cell(squares[k], dcode, int(rows[k]), int(cols[k])))
        edge = np.flatnonzero(hit & ~inside)
        for k, clipped in zip(edge, shapely.intersection(squares[edge], dgeom), strict=True):
            for part in shapely.get_parts(clipped):
                if shapely.get_type_id(part) == 3 and not part.is_empty:  # Polygon
                    pieces.append(_Cell(part, dcode, int(rows[k]), int(cols[k])))

    def area_m2(g: Any) -> float:
        c = g.centroid
        gx, gy = local_metres_per_degree(c.y)
        return float(g.area * gx * gy)

    for p in pieces:
        p.area_m2 = area_m2(p.geom)
    big = [p for p in pieces if p.area_m2 >= SLIVER_M2]
    at: dict[tuple[str, int, int], list[_Cell]] = defaultdict(list)
    for p in big:
        at[(p.district, p.row, p.col)].append(p)
    for sliver in (p for p in pieces if p.area_m2 < SLIVER_M2):
        best, shared = None, 0.0
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for nb in at.get((sliver.district, sliver.row + dr, sliver.col + dc), ()):
                    length = shapely.length(shapely.intersection(sliver.geom, nb.geom))
                    if length > shared:
                        best, shared = nb, float(length)
        if best is None or shared < 1e-7:
            continue  # an isolated crumb of the border: not worth a cell
        merged = shapely.union(best.geom, sliver.geom)
        if shapely.get_type_id(merged) != 3:
            merged = shapely.union(best.geom, sliver.geom, grid_size=1e-9)
        if shapely.get_type_id(merged) == 3:
            best.geom = merged
            best.area_m2 = area_m2(merged)
    for p in big:
        c = p.geom.centroid
        p.x, p.y = float(c.x), float(c.y)
    return big


def _bisect(idx: np.ndarray, xy: np.ndarray, parts: int) -> list[np.ndarray]:
    """Cut cells into `parts` groups of equal count, always across their longer extent."""
    if parts <= 1 or len(idx) <= 1:
        return [idx]
    left = parts // 2
    pts = xy[idx]
    axis = 0 if np.ptp(pts[:, 0]) >= np.ptp(pts[:, 1]) else 1
    order = idx[np.argsort(pts[:, axis], kind="stable")]
    cut = round(len(idx) * left / parts)
    return _bisect(order[:cut], xy, left) + _bisect(order[cut:], xy, parts - left)


def _order_parts(parts: list[np.ndarray], xy: np.ndarray) -> list[np.ndarray]:
    """Parts in numbering order: north→south in 1.5 km bands, west→east within a band."""

    def key(p: np.ndarray) -> tuple[float, float]:
        cx, cy = xy[p].mean(axis=0)
        return (-(cy // 1500), cx)

    return sorted(parts, key=key)


def _case_density(
    cells: list[_Cell], xy: np.ndarray, rng: np.random.Generator
) -> tuple[list[int], list[int], np.ndarray, np.ndarray]:
    """Where cases happen: denser towards the centre, at markets and along main streets."""
    west, south, _, _ = CORE_BBOX
    mx, my = local_metres_per_degree(CITY_CENTRE[1])
    centre = np.array(((CITY_CENTRE[0] - west) * mx, (CITY_CENTRE[1] - south) * my))
    dist = np.hypot(*(xy - centre).T)
    base = 0.12 + np.exp(-((dist / 2300.0) ** 2))
    # Main streets (demo): two north–south and two east–west lattice lines near the centre.
    rows = np.array([c.row for c in cells])
    cols = np.array([c.col for c in cells])
    crow = int(np.median(rows[dist < 800])) if (dist < 800).any() else int(np.median(rows))
    ccol = int(np.median(cols[dist < 800])) if (dist < 800).any() else int(np.median(cols))
    main_rows = {crow - 9, crow + 6}
    main_cols = {ccol - 7, ccol + 8}
    on_main = np.isin(rows, list(main_rows)) | np.isin(cols, list(main_cols))
    on_main &= dist < 4000
    # Markets and squares (demo): 18 spots drawn towards the centre.
    p = base**2 / (base**2).sum()
    hotspots = [int(i) for i in rng.choice(len(cells), size=18, replace=False, p=p)]
    bump = np.zeros(len(cells))
    for h in hotspots:
        bump += np.exp(-((np.hypot(*(xy - xy[h]).T) / 180.0) ** 2))
    general = base * (1.0 + 1.2 * on_main) + 1.5 * bump
    street = base * (1.0 + 3.0 * on_main) + 6.0 * bump
    return (
        hotspots,
        np.flatnonzero(on_main).tolist(),
        general / general.sum(),
        street / street.sum(),
    )


def _fill_geometry_rows(geo: _Geography, org: _Organisation) -> None:
    """Rows for unit grids and responsibility grids (after people and squads have ids)."""
    cells = geo.cells
    bounds = shapely.bounds(np.array([c.geom for c in cells], dtype=object))
    for k, rg in enumerate(geo.rgrids):
        union = shapely.union_all([cells[i].geom for i in rg.cells], grid_size=None)
        geo.rgrid_rows.append(
            {
                "id": org.rgrid_ids[k],
                "code": rg.code,
                "name": rg.name,
                "district_code": rg.district,
                "squad_id": org.rgrid_squad[k],
                "inspector_id": org.rgrid_inspector[k],
                "geometry": _geojson(union),
            }
        )
    for c, (x0, y0, x1, y1) in zip(cells, bounds.tolist(), strict=True):
        geo.cell_rows.append(
            {
                "code": c.code,
                "district_code": c.district,
                "street_code": geo.streets[c.street].code,
                "community_code": geo.communities[c.community].code,
                "responsibility_grid_id": org.rgrid_ids[c.rgrid],
                "geometry": _geojson(c.geom),
                "min_lon": x0,
                "min_lat": y0,
                "max_lon": x1,
                "max_lat": y1,
                "area_m2": round(c.area_m2, 1),
            }
        )


# ================================================================ organisation

# Handling departments per unit type (names plausible for Chaoyang, demo). Each crew may be
# tied to a district; a case goes to a crew of its own district when there is one.
DEPARTMENTS: list[tuple[str, str, bool, list[tuple[str, str | None]]]] = [
    # (unit_type, name, under the bureau?, crews)
    ("sanitation", "朝阳市环境卫生管理处", True,
     [("双塔区环卫作业一队", "211302"), ("双塔区环卫作业二队", "211302"),
      ("龙城区环卫作业队", "211303"), ("垃圾清运车队", None)]),
    ("municipal", "朝阳市市政设施管理处", True,
     [("道路维修队", None), ("排水管护队", None), ("路灯维护队", None), ("桥梁设施养护队", None)]),
    ("greening", "朝阳市园林绿化管理处", True,
     [("绿化养护一队", "211302"), ("绿化养护二队", "211303"), ("病虫害防治队", None)]),
    ("utilities", "朝阳市自来水公司", False, [("供水管网抢修队", None), ("供水设施维护班", None)]),
    ("utilities", "朝阳市热力公司", False, [("供热管网维修班", None)]),
    ("utilities", "朝阳市燃气公司", False, [("燃气抢险队", None), ("燃气设施巡检班", None)]),
    ("power_telecom", "国网朝阳供电公司", False, [("城区配电抢修班", None), ("线路运维班", None)]),
    ("power_telecom", "通信管线联合维护中心", False, [("通信线路维护组", None), ("管线整治组", None)]),
    ("traffic", "朝阳市公安局交通警察支队", False,
     [("双塔大队秩序组", "211302"), ("龙城大队秩序组", "211303"), ("交通设施维护组", None)]),
    ("housing", "朝阳市住房和城乡建设局", False, [("建筑工地监管组", None), ("房屋安全与人防组", None)]),
    ("market", "朝阳市市场监督管理局", False, [("双塔分局执法组", "211302"), ("龙城分局执法组", "211303")]),
]  # fmt: skip

# 专业大队 squads and the categories they take (most cases still go to the street teams).
SPECIALIST_SQUADS: list[tuple[str, set[str]]] = [
    ("违法建设治理组", {"200101", "0121", "0137"}),
    ("户外广告治理组", {"0306", "0307", "200202", "200203"}),
    ("渣土运输监管组", {"200122", "200123", "200129", "200303", "200312", "200313", "200398"}),
]

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷"
    "侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常关"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红鹏辉建国志海波宁晨欣宇浩然"
    "子涵博文俊飞鑫斌丹婷雪琳佳慧颖凤东亮成峰林春旭晶蕾萍燕光龙新德立永云庆晓玲倩阳帅"
    "凯瑞振岩松柏宏伦铁彬莉爽楠冬梅"
)

ROLE_COUNTS = {
    Role.INTAKE: 6,
    Role.SHIFT_CHIEF: 4,
    Role.DISPATCHER: 6,
    Role.SUPERVISOR: 3,
    Role.ADMIN: 1,
}
ROLE_PREFIX = {
    Role.INSPECTOR: "JD",
    Role.INTAKE: "SL",
    Role.SHIFT_CHIEF: "ZB",
    Role.DISPATCHER: "PQ",
    Role.SUPERVISOR: "DC",
    Role.ADMIN: "GL",
    Role.SQUAD: "CZ",
}


@dataclass
class _SquadInfo:
    id: int
    unit_id: int
    unit_type: str
    district: str | None
    street: int  # street index for street-team squads, else -1
    members: list[int]
    home: tuple[float, float]


@dataclass
class _Organisation:
    unit_rows: list[dict[str, Any]]
    squad_rows: list[dict[str, Any]]
    person_rows: list[dict[str, Any]]
    role_rows: list[dict[str, Any]]
    squads: dict[int, _SquadInfo]
    people: dict[Role, list[int]]
    unit_names: dict[int, str]
    units_by_type: dict[str, list[int]]  # handling departments
    squads_by_unit: dict[int, list[int]]
    street_squads: list[list[int]]  # per street index
    specialist: list[tuple[int, set[str]]]  # (squad id, categories)
    rgrid_ids: list[int]
    rgrid_squad: list[int]
    rgrid_inspector: list[int]


def _build_organisation(
    geo: _Geography, rng: np.random.Generator, rnd: random.Random, id_base: dict[str, int]
) -> _Organisation:
    """The bureau, its command centre, brigades, street teams, departments, squads, people.

    Follows the plan: 综合执法大队 and 专业大队 under the bureau, one team (中队) sent to each
    street of both districts. Departments' names are plausible for Chaoyang, not verified.
    """
    units: list[dict[str, Any]] = []
    squads_rows: list[dict[str, Any]] = []
    people_rows: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    squads: dict[int, _SquadInfo] = {}
    people: dict[Role, list[int]] = defaultdict(list)
    names = _NameMaker(rnd)
    next_unit = [id_base["units"]]
    next_squad = [id_base["squads"]]
    next_person = [id_base["people"]]
    role_seq: Counter[Role] = Counter()

    def unit(
        code: str,
        name: str,
        kind: str,
        unit_type: str,
        parent: int | None,
        district: str | None = None,
    ) -> int:
        next_unit[0] += 1
        units.append(
            {
                "id": next_unit[0],
                "code": code,
                "name": name,
                "kind": kind,
                "unit_type": unit_type,
                "parent_id": parent,
                "district_code": district,
                "phone": None,
            }
        )
        return next_unit[0]

    def person(role: Role, unit_id: int | None, squad_id: int | None = None) -> int:
        next_person[0] += 1
        role_seq[role] += 1
        people_rows.append(
            {
                "id": next_person[0],
                "code": f"{ROLE_PREFIX[role]}{role_seq[role]:04d}",
                "name": names.next(),
                "unit_id": unit_id,
                "squad_id": squad_id,
                "phone": None,
                "active": True,
            }
        )
        roles.append({"person_id": next_person[0], "role": role.value})
        people[role].append(next_person[0])
        return next_person[0]

    def squad(
        code: str,
        name: str,
        unit_id: int,
        unit_type: str,
        district: str | None,
        street: int,
        home_cells: Sequence[int],
    ) -> int:
        next_squad[0] += 1
        sid = next_squad[0]
        n = rnd.choice((3, 3, 4, 4, 5)) if unit_type == "enforcement" else rnd.choice((2, 3, 3, 4))
        members = [person(Role.SQUAD, unit_id, sid) for _ in range(n)]
        cell = geo.cells[home_cells[int(rng.integers(len(home_cells)))]]
        squads_rows.append(
            {
                "id": sid,
                "code": code,
                "name": name,
                "unit_id": unit_id,
                "status": "available",
                "members": n,
                "lon": cell.x,
                "lat": cell.y,
                "position_at": None,
            }
        )
        squads[sid] = _SquadInfo(
            sid, unit_id, unit_type, district, street, members, (cell.x, cell.y)
        )
        return sid

    all_cells = list(range(len(geo.cells)))
    cells_of_district = {
        d: [i for i, c in enumerate(geo.cells) if c.district == d] for d in DISTRICT_NAMES
    }
    bureau = unit("CGJ", "朝阳市城市管理综合行政执法局", "bureau", "enforcement", None)
    centre = unit("CGJ-ZHZX", "智慧城管指挥中心", "bureau", "enforcement", bureau)
    general = unit("CGJ-ZHDD", "综合执法大队", "brigade", "enforcement", bureau)
    specialist_unit = unit("CGJ-ZYDD", "专业执法大队", "brigade", "enforcement", bureau)
    unit_names = {
        bureau: "朝阳市城市管理综合行政执法局",
        centre: "智慧城管指挥中心",
        general: "综合执法大队",
        specialist_unit: "专业执法大队",
    }
    squads_by_unit: dict[int, list[int]] = defaultdict(list)

    specialist = []
    for k, (sname, codes) in enumerate(SPECIALIST_SQUADS, start=1):
        sid = squad(
            f"ZY{k:02d}",
            f"专业执法大队{sname}",
            specialist_unit,
            "enforcement",
            None,
            -1,
            all_cells,
        )
        squads_by_unit[specialist_unit].append(sid)
        specialist.append((sid, codes))

    street_squads: list[list[int]] = []
    street_team: list[int] = []
    for s_index, st in enumerate(geo.streets):
        dname = DISTRICT_NAMES[st.district]
        short = st.name.removesuffix("街道")
        team = unit(
            f"ZD{st.code}", f"{dname}{short}执法中队", "team", "enforcement", general, st.district
        )
        unit_names[team] = f"{short}执法中队"
        street_team.append(team)
        ids = []
        for k in range(1, rnd.choice((2, 3, 3)) + 1):
            sid = squad(
                f"ZF{st.code}{k}",
                f"{short}中队第{_CN[k]}执法组",
                team,
                "enforcement",
                st.district,
                s_index,
                st.cells,
            )
            ids.append(sid)
            squads_by_unit[team].append(sid)
        street_squads.append(ids)

    units_by_type: dict[str, list[int]] = defaultdict(list)
    for k, (utype, dname, under_bureau, crews) in enumerate(DEPARTMENTS, start=1):
        dep = unit(f"DEP{k:02d}", dname, "department", utype, bureau if under_bureau else None)
        unit_names[dep] = dname
        units_by_type[utype].append(dep)
        for j, (crew, district) in enumerate(crews, start=1):
            home = cells_of_district[district] if district else all_cells
            sid = squad(f"DEP{k:02d}-{j}", crew, dep, utype, district, -1, home)
            squads_by_unit[dep].append(sid)

    # The command centre's desks and the bureau's supervisors.
    for role, n in ROLE_COUNTS.items():
        for _ in range(n):
            person(role, bureau if role is Role.SUPERVISOR else centre)
    # One grid worker (监督员) per responsibility grid, employed by the street's team; the
    # grid's squad is one of that team's squads, taken in turn.
    rgrid_ids, rgrid_squad, rgrid_inspector = [], [], []
    turn: Counter[int] = Counter()
    for k, rg in enumerate(geo.rgrids):
        s_index = geo.communities[rg.parent].parent
        rgrid_ids.append(id_base["responsibility_grids"] + k + 1)
        options = street_squads[s_index]
        rgrid_squad.append(options[turn[s_index] % len(options)])
        turn[s_index] += 1
        rgrid_inspector.append(person(Role.INSPECTOR, street_team[s_index]))

    org = _Organisation(
        units,
        squads_rows,
        people_rows,
        roles,
        squads,
        dict(people),
        unit_names,
        dict(units_by_type),
        dict(squads_by_unit),
        street_squads,
        specialist,
        rgrid_ids,
        rgrid_squad,
        rgrid_inspector,
    )
    _fill_geometry_rows(geo, org)
    return org


class _NameMaker:
    """Chinese names from common surnames and given-name characters; unique, deterministic."""

    def __init__(self, rnd: random.Random) -> None:
        self._rnd = rnd
        self._seen: set[str] = set()
        # Common surnames are much more common (roughly Zipf).
        self._weights = [1.0 / (i + 4) for i in range(len(SURNAMES))]

    def next(self) -> str:
        while True:
            surname = self._rnd.choices(SURNAMES, self._weights)[0]
            given = "".join(self._rnd.choice(GIVEN) for _ in range(self._rnd.choice((1, 2, 2))))
            name = surname + given
            if name not in self._seen:
                self._seen.add(name)
                return name


# ================================================================ cameras


@dataclass
class _Cameras:
    rows: list[dict[str, Any]]
    cells: list[int]


def _build_cameras(
    geo: _Geography, rng: np.random.Generator, rnd: random.Random, id_base: int, count: int = 48
) -> _Cameras:
    """Cameras at the markets and squares, then along the main streets, then where cases
    are frequent; at least four cells (~400 m) apart. The two demo clips alternate."""
    main = list(geo.main_cells)
    rnd.shuffle(main)
    busy = rng.choice(len(geo.cells), size=20 * count, p=geo.weights_general).tolist()
    chosen: list[int] = []
    for i in [*geo.hotspots, *main, *busy]:
        if len(chosen) >= count:
            break
        c = geo.cells[i]
        if all(
            max(abs(c.row - geo.cells[k].row), abs(c.col - geo.cells[k].col)) >= 4 for k in chosen
        ):
            chosen.append(i)
    # Number cameras per street in north→south, west→east order.
    chosen.sort(key=lambda i: (geo.cells[i].street, geo.cells[i].row, geo.cells[i].col))
    per_street: Counter[int] = Counter()
    rows = []
    for k, i in enumerate(chosen):
        c = geo.cells[i]
        per_street[c.street] += 1
        lon, lat = _point_in(c.geom, rng)
        street = geo.streets[c.street]
        rows.append(
            {
                "id": id_base + k + 1,
                "code": f"CAM-{c.district}-{k + 1:03d}",
                "name": f"{DISTRICT_NAMES[c.district]}-{street.name}-{per_street[c.street]:02d}号点",
                "url": str(VIDEO_CLIPS[k % len(VIDEO_CLIPS)]),
                "lon": lon,
                "lat": lat,
                "heading_deg": float(rnd.randrange(0, 360, 15)),
                "district_code": c.district,
                "grid_code": c.code,
                "enabled": True,
            }
        )
    return _Cameras(rows, chosen)


def _point_in(geom: Any, rng: np.random.Generator) -> tuple[float, float]:
    x0, y0, x1, y1 = geom.bounds
    for _ in range(1000):
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if shapely.contains_xy(geom, x, y):
            return float(x), float(y)
    p = geom.representative_point()
    return float(p.x), float(p.y)


# ================================================================ a year of cases

# Relative frequency of categories (events 77 %, components 23 %); unlisted codes get a
# small share. Seasonal categories follow a month profile (Jan..Dec).
EVENT_WEIGHTS = {
    "200102": 14, "200507": 10, "200504": 9, "200201": 9, "200501": 8, "200104": 6,
    "200505": 6, "200506": 3, "200103": 3, "200204": 2, "200503": 2, "200510": 2.5,
    "200598": 1.5, "200304": 1.5, "200123": 1.5, "200108": 1.0, "200202": 1.0, "200203": 1.0,
    "200101": 1.0, "200141": 0.8, "200111": 0.8, "200112": 1.2, "200302": 0.8, "200301": 0.5,
    "200508": 0.7, "200306": 1.0, "200404": 0.5, "200599": 1.0, "200107": 0.5, "200127": 0.5,
    "200137": 0.6, "200138": 0.5, "200139": 0.6, "200142": 0.6, "200192": 0.4, "200124": 0.4,
    "200311": 0.4, "200313": 0.4, "200509": 0.4, "200502": 0.3,
}  # fmt: skip
COMPONENT_WEIGHTS = {
    "0305": 5, "0118": 4, "0102": 1.5, "0103": 1.5, "0104": 1.5, "0101": 0.8, "0114": 0.4,
    "0211": 1.5, "0209": 1.0, "0402": 2.0, "0405": 1.5, "0307": 1.5, "0301": 1.0, "0117": 0.5,
    "0212": 0.5, "0407": 0.5, "0403": 0.7, "0203": 0.5, "0501": 0.5, "0213": 0.4, "0210": 0.4,
    "0408": 0.4, "0126": 0.4, "0119": 0.3, "0120": 0.3,
}  # fmt: skip
RARE = {"200407", "200411", "200412", "200413", "200116", "200133", "200134", "200135"}
_SUMMER = (0.1, 0.1, 0.2, 0.5, 1.2, 1.8, 2.2, 2.2, 1.4, 0.6, 0.2, 0.1)
_RAIN = (0.0, 0.0, 0.1, 0.3, 0.6, 1.5, 3.0, 3.0, 1.2, 0.3, 0.05, 0.0)
_SNOW = (3.0, 2.5, 1.5, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 1.5, 3.0)
_BUILD = (0.2, 0.2, 0.6, 1.2, 1.4, 1.4, 1.4, 1.4, 1.4, 1.2, 0.6, 0.2)
_LEAVES = (0.3, 0.3, 0.8, 1.0, 0.5, 0.3, 0.3, 0.3, 0.8, 2.5, 2.5, 0.5)
SEASONAL = {
    "200510": _SUMMER,
    "200409": _SUMMER,
    "200113": _SUMMER,
    "200141": _SUMMER,
    "200111": _RAIN,
    "200404": _RAIN,
    "200192": _RAIN,
    "200112": _SNOW,
    "200302": _BUILD,
    "200301": _BUILD,
    "200120": _BUILD,
    "200307": _BUILD,
    "200313": _BUILD,
    "200311": _BUILD,
    "200127": _LEAVES,
    "0402": _SUMMER,
}

SOURCES_OTHER = (("hotline", 0.47), ("public", 0.24), ("camera", 0.24), ("leader", 0.05))
INSPECTOR_SHARE = 0.58
# Reports per hour of day (CST): inspectors patrol by day; the public calls into the evening.
HOURS_INSPECTOR = (0, 0, 0, 0, 0, 0, 0.2, 1.0, 3.0, 4.0, 4.0, 3.5, 1.5, 2.0, 3.5, 3.8, 3.5, 2.0,
                   0.8, 0.4, 0.2, 0.1, 0, 0)  # fmt: skip
HOURS_OTHER = (0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.6, 1.5, 2.5, 3.0, 3.0, 2.8, 2.2, 2.4, 2.7, 2.8,
               2.6, 2.4, 2.2, 2.2, 2.0, 1.6, 1.0, 0.6)  # fmt: skip
LUNAR_NEW_YEAR = {
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}

# Shares of the trail's branches (per case).
P_REJECT = {"inspector": 0.015, "hotline": 0.07, "public": 0.11, "camera": 0.04, "leader": 0.0}
P_WRONG_UNIT = 0.015
P_EXTENSION = 0.026
P_GRANT = 0.8
P_SUSPEND = 0.011
P_JUDICIAL = 0.002  # enforcement cases only
P_OVERDUE = 0.045
P_REWORK = 0.031
# Cases of the last two days are more often extended or sent back, so that today's board
# shows every open state (a handful each); over the year this changes the shares by ~3 %.
RECENT_DAYS, RECENT_BOOST = 2, 6.0

REPORT_NOTES = {
    "inspector": "",
    "hotline": ("12345市民服务热线转办", "12319城建服务热线"),
    "public": ("微信公众号市民上报",),
    "camera": ("智慧城管视频巡查发现",),
    "leader": ("领导交办",),
}
REJECT_NOTES = (
    "重复上报，已与在办案卷合并",
    "经核实不属于城市管理受理范围，已告知反映人",
    "现场核实问题不存在",
    "上报信息不全，无法定位",
)
REWORK_NOTES = ("现场核查未整改到位", "整改不彻底，仍有残留", "处置照片与现场不符，需重新处置")
EXTENSION_NOTES = (
    "需协调产权单位，申请延期",
    "维修材料采购中，申请延期",
    "涉及多部门联合处置，申请延期",
    "天气原因无法施工，申请延期",
)
DENY_NOTES = ("延期理由不充分，按原时限处置", "可先行临时处置，不予延期")
SUSPEND_NOTES = (
    "涉及产权纠纷，暂无法处置",
    "需列入年度维修计划",
    "冬季不具备施工条件",
    "待专项资金安排",
)
JUDICIAL = (
    ("police", "当事人阻碍执法，移送公安机关"),
    ("court", "当事人拒不履行处罚决定，申请人民法院强制执行"),
    ("procuratorate", "涉嫌违法犯罪线索，移送检察机关"),
)
FEEDBACK_NOTES = ("已处置完毕", "已清理完毕，恢复原状", "已责令当事人整改到位", "已维修完毕")
EXTENSION_AMOUNTS = {
    TimeUnit.WORKING_HOURS: (4, 8, 8),
    TimeUnit.WORKING_DAYS: (2, 3, 5),
    TimeUnit.NATURAL_HOURS: (2, 4, 24),
    TimeUnit.NATURAL_DAYS: (1, 2, 3),
}
COMPONENT_FAULTS = ("破损", "缺失", "松动", "倾斜", "污损")


def _department_choice(cat: Category, n: int) -> int:
    """Which of a unit type's departments takes a category (order as in DEPARTMENTS)."""
    name = cat.name
    if cat.responsible_unit_type == "utilities" and n >= 3:
        if "燃气" in name or "输油" in name:
            return 2  # 燃气公司
        if "热" in name:
            return 1  # 热力公司
        return 0  # 自来水公司
    if cat.responsible_unit_type == "power_telecom" and n >= 2:
        power = ("电力", "变压器", "高压线", "立杆")
        return 0 if any(w in name for w in power) else 1  # 供电公司 / 通信
    return 0


class _Trail:
    """A case's trail as it is built: every step planned by the workflow itself."""

    __slots__ = ("steps", "state", "resume", "last")

    def __init__(self) -> None:
        self.steps: list[Transition] = []
        self.state: CaseState | None = None
        self.resume: CaseState | None = None
        self.last: datetime | None = None

    def step(
        self,
        action: Action,
        role: Role,
        actor: int,
        at: datetime,
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> datetime:
        if self.last is not None and at < self.last + _MIN_GAP:
            at = self.last + _MIN_GAP
        t = plan_transition(
            self.state,
            action,
            role,
            at=at,
            actor_id=actor,
            note=note,
            resume_state=self.resume,
            data=data,
        )
        if t.to_state in PAUSED_STATES and t.from_state not in PAUSED_STATES:
            self.resume = t.from_state
        elif t.from_state in PAUSED_STATES:
            self.resume = None
        self.state = t.to_state
        self.steps.append(t)
        self.last = at
        return at


_MIN_GAP = timedelta(seconds=40)
# Plain-str values of the workflow's enums: the rows hold str, not enum members (psycopg
# would write an Enum's name), and a dict lookup is cheaper than `.value` per row.
_V: dict[Any, str] = {m: str(m.value) for e in (Action, CaseState, Role) for m in e}


def _trail_steps(steps: Sequence[Transition]) -> list[TrailStep]:
    return [TrailStep(s.at, s.from_state, s.to_state) for s in steps]


class _History:
    """A year of cases up to `now`: each case's whole life is planned, then cut at `now`.

    Cutting at `now` is what leaves today's open cases in every open state, some overdue.
    """

    def __init__(
        self,
        geo: _Geography,
        org: _Organisation,
        cameras: _Cameras,
        catalogue: Catalogue,
        calendar: WorkCalendar,
        now: datetime,
        n: int,
        rng: np.random.Generator,
        rnd: random.Random,
        id_base: int,
    ) -> None:
        self.geo, self.org, self.cameras = geo, org, cameras
        self.calendar, self.now, self.n = calendar, now, n
        self.rng, self.rnd, self.id_base = rng, rnd, id_base
        self.categories = [c for c in catalogue]
        if not self.categories:
            raise SeedError("the catalogue is empty: no categories to file cases under")
        self.case_rows: list[dict[str, Any]] = []
        self.event_rows: list[dict[str, Any]] = []
        # Squads handle cases at different speeds (some are late more often).
        self.squad_lateness = {sid: float(rng.uniform(0.45, 1.7)) for sid in org.squads}
        self.chiefs = org.people[Role.SHIFT_CHIEF]

    # ---- sampling the year ----

    def _times_and_sources(self) -> tuple[list[datetime], list[str]]:
        """Report times: seasons, weekdays, holidays, 春节 and the hours of the day."""
        now = self.now
        start = now - timedelta(days=365)
        day0 = start.replace(hour=0, minute=0, second=0, microsecond=0)
        ndays = (now.date() - day0.date()).days + 1
        days = [day0.date() + timedelta(days=k) for k in range(ndays)]
        holidays = self.calendar.holidays
        w_insp = np.empty(ndays)
        w_other = np.empty(ndays)
        for k, d in enumerate(days):
            season = 1.0 + 0.3 * math.cos(2 * math.pi * (d.timetuple().tm_yday - 196) / 365.25)
            working = self.calendar.is_working_day(d)
            lny = LUNAR_NEW_YEAR.get(d.year + (1 if d.month >= 11 else 0))
            spring = 1.0
            if lny is not None and -2 <= (d - lny).days <= 7:
                spring = 0.4
            w_insp[k] = season * spring * (1.0 if working else 0.45)
            w_other[k] = (
                season * spring * (1.0 if working else 0.85) * (0.85 if d in holidays else 1.0)
            )
        hi = np.array(HOURS_INSPECTOR) / sum(HOURS_INSPECTOR)
        ho = np.array(HOURS_OTHER) / sum(HOURS_OTHER)
        slots_insp = INSPECTOR_SHARE * np.outer(w_insp, hi).ravel()
        slots_other = (1 - INSPECTOR_SHARE) * np.outer(w_other, ho).ravel()
        slot_start = (
            np.array([datetime.combine(d, datetime.min.time(), CST).timestamp() for d in days])[
                :, None
            ]
            + np.arange(24)[None, :] * 3600.0
        )
        slot_start = slot_start.ravel()
        t0, t1 = start.timestamp(), now.timestamp()
        # Fraction of each hour inside [start, now).
        frac = np.clip(
            (np.minimum(slot_start + 3600, t1) - np.maximum(slot_start, t0)) / 3600, 0, 1
        )
        total = (slots_insp + slots_other) * frac
        slot = self.rng.choice(len(total), size=self.n, p=total / total.sum())
        lo = np.maximum(slot_start[slot], t0)
        hi_t = np.minimum(slot_start[slot] + 3600, t1)
        stamps = lo + self.rng.random(self.n) * (hi_t - lo)
        is_insp = self.rng.random(self.n) < slots_insp[slot] / (slots_insp + slots_other)[slot]
        names = [s for s, _ in SOURCES_OTHER]
        other = self.rng.choice(len(names), size=self.n, p=[p for _, p in SOURCES_OTHER])
        order = np.argsort(stamps, kind="stable")
        times = [
            datetime.fromtimestamp(float(t), CST).replace(microsecond=0) for t in stamps[order]
        ]
        sources = ["inspector" if is_insp[i] else names[other[i]] for i in order]
        return times, sources

    def _categories_for(self, times: Sequence[datetime]) -> np.ndarray:
        """Category index per case, from the month's mix."""
        w = np.empty((12, len(self.categories)))
        ev_total = sum(EVENT_WEIGHTS.values())
        co_total = sum(COMPONENT_WEIGHTS.values())
        for k, c in enumerate(self.categories):
            if c.kind.value == "event":
                base = EVENT_WEIGHTS.get(c.code, 0.01 if c.code in RARE else 0.12)
                base *= 0.77 / ev_total
            else:
                base = COMPONENT_WEIGHTS.get(c.code, 0.12) * 0.23 / co_total
            profile = SEASONAL.get(c.code, (1.0,) * 12)
            w[:, k] = base * np.array(profile)
        w /= w.sum(axis=1, keepdims=True)
        months = np.array([t.month - 1 for t in times])
        out = np.empty(len(times), dtype=np.intp)
        for m in range(12):
            sel = np.flatnonzero(months == m)
            if len(sel):
                out[sel] = self.rng.choice(len(self.categories), size=len(sel), p=w[m])
        return out

    def _locations(
        self, cat_idx: np.ndarray, sources: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cell and point of each case: street-order cases crowd markets and main streets;
        camera cases are seen by a camera."""
        geo, rng = self.geo, self.rng
        street_like = np.array(
            [
                self.categories[k].major_code in ("02", "05")
                and self.categories[k].kind.value == "event"
                for k in cat_idx
            ]
        )
        cell = rng.choice(len(geo.cells), size=self.n, p=geo.weights_general)
        n_street = int(street_like.sum())
        cell[street_like] = rng.choice(len(geo.cells), size=n_street, p=geo.weights_street)
        cam = np.array([s == "camera" for s in sources])
        cam_cells = np.array(self.cameras.cells)
        cell[cam] = cam_cells[rng.integers(len(cam_cells), size=int(cam.sum()))]
        geoms = np.array([c.geom for c in geo.cells], dtype=object)
        bounds = shapely.bounds(geoms)
        shapely.prepare(geoms)
        lon = np.empty(self.n)
        lat = np.empty(self.n)
        todo = np.arange(self.n)
        for _ in range(200):
            if not len(todo):
                break
            b = bounds[cell[todo]]
            x = b[:, 0] + rng.random(len(todo)) * (b[:, 2] - b[:, 0])
            y = b[:, 1] + rng.random(len(todo)) * (b[:, 3] - b[:, 1])
            ok = shapely.contains_xy(geoms[cell[todo]], x, y)
            lon[todo[ok]], lat[todo[ok]] = x[ok], y[ok]
            todo = todo[~ok]
        for i in todo:  # pathological shapes: the cell's own representative point
            p = geo.cells[cell[i]].geom.representative_point()
            lon[i], lat[i] = p.x, p.y
        return cell, lon, lat  # not rounded: a rounded point may step out of its cell

    # ---- the run ----

    def chunks(
        self, size: int, first: int | None = None
    ) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        """Plan the year, `size` cases at a time (`first` for the first chunk, so a writer
        waiting for it starts sooner): (case rows, their event rows) per chunk."""
        times, sources = self._times_and_sources()
        cat_idx = self._categories_for(times)
        cells, lons, lats = self._locations(cat_idx, sources)
        day_seq: Counter[str] = Counter()
        bounds = [0, *range(first or size, self.n, size), self.n]
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            if lo >= hi:
                continue
            case_start = len(self.case_rows)
            self.event_rows = []
            for i in range(lo, hi):
                day = times[i].strftime("%Y%m%d")
                day_seq[day] += 1
                self._case(
                    i,
                    f"{day}{day_seq[day]:05d}",
                    times[i],
                    sources[i],
                    self.categories[cat_idx[i]],
                    int(cells[i]),
                    float(lons[i]),
                    float(lats[i]),
                )
            yield self.case_rows[case_start:], self.event_rows

    # ---- one case ----

    def _route(self, cat: Category, cell: _Cell) -> int:
        """The squad a case belongs to (street team, 专业大队 or a department's crew)."""
        rnd = self.rnd
        if cat.responsible_unit_type == "enforcement":
            for sid, codes in self.org.specialist:
                if cat.code in codes and rnd.random() < 0.6:
                    return sid
            return self.org.rgrid_squad[cell.rgrid]
        units = self.org.units_by_type.get(cat.responsible_unit_type)
        if not units:
            return self.org.rgrid_squad[cell.rgrid]
        unit = units[_department_choice(cat, len(units))]
        crews = self.org.squads_by_unit[unit]
        local = [s for s in crews if self.org.squads[s].district == cell.district]
        anywhere = [s for s in crews if self.org.squads[s].district is None]
        pool = local + anywhere if local or anywhere else crews
        return rnd.choice(pool)

    def _chief(self, at: datetime) -> int:
        """The shift chief on duty: four chiefs in 24-hour shifts from 08:00."""
        return self.chiefs[(at - timedelta(hours=8)).toordinal() % len(self.chiefs)]

    def _minutes(self, median: float, sigma: float = 0.8, cap: float = 60 * 24 * 60) -> timedelta:
        return timedelta(minutes=min(cap, median * math.exp(sigma * self.rnd.gauss(0.0, 1.0))))

    def _daytime(self, t: datetime) -> datetime:
        """Field work (patrols, repairs) happens 07:00–20:00: move a night time to morning."""
        if 7 <= t.hour < 20:
            return t
        base = t.replace(hour=7, minute=0, second=0, microsecond=0)
        if t.hour >= 20:
            base += timedelta(days=1)
        return base + timedelta(minutes=self.rnd.uniform(0, 50))

    def _case(
        self,
        i: int,
        case_no: str,
        t: datetime,
        source: str,
        cat: Category,
        cell_index: int,
        lon: float,
        lat: float,
    ) -> None:
        rnd, org = self.rnd, self.org
        cell = self.geo.cells[cell_index]
        inspector = org.rgrid_inspector[cell.rgrid]
        tr = _Trail()
        notes = REPORT_NOTES[source]
        note = rnd.choice(notes) if notes else ""
        if source == "inspector":
            tr.step(Action.REPORT, Role.INSPECTOR, inspector, t)
        else:
            tr.step(Action.REPORT, Role.INTAKE, rnd.choice(org.people[Role.INTAKE]), t, note)
        limit = cat.time_limit
        urgent = cat.urgent
        recent = RECENT_BOOST if self.now - t < timedelta(days=RECENT_DAYS) else 1.0
        dispatched_at: datetime | None = None
        extension = 0.0
        deadline: datetime | None = None
        squad_id: int | None = None

        if rnd.random() < P_REJECT[source]:
            at = t + self._minutes(25)
            tr.step(Action.REJECT, Role.SHIFT_CHIEF, self._chief(at), at, rnd.choice(REJECT_NOTES))
        else:
            at = tr.step(Action.REGISTER, Role.SHIFT_CHIEF, self._chief(t), t + self._minutes(20))
            squad_id = self._route(cat, cell)
            squad = org.squads[squad_id]
            dispatcher = rnd.choice(org.people[Role.DISPATCHER])
            at += self._minutes(4 if urgent else 18)
            if rnd.random() < P_WRONG_UNIT:
                wrong = rnd.choice([s for s in org.squads.values() if s.unit_id != squad.unit_id])
                at = tr.step(
                    Action.DISPATCH,
                    Role.DISPATCHER,
                    dispatcher,
                    at,
                    data={"unit_id": wrong.unit_id, "squad_id": wrong.id},
                )
                dispatched_at = at
                at += self._minutes(50)
                at = tr.step(
                    Action.TRANSFER_UNIT,
                    Role.DISPATCHER,
                    dispatcher,
                    at,
                    f"非本单位职责，转派至{org.unit_names[squad.unit_id]}",
                    {
                        "from_unit_id": wrong.unit_id,
                        "from_squad_id": wrong.id,
                        "unit_id": squad.unit_id,
                        "squad_id": squad_id,
                    },
                )
            else:
                at = tr.step(
                    Action.DISPATCH,
                    Role.DISPATCHER,
                    dispatcher,
                    at,
                    data={"unit_id": squad.unit_id, "squad_id": squad_id},
                )
                dispatched_at = at
            member = rnd.choice(squad.members)
            at += self._minutes(6 if urgent else 40)
            if not urgent:
                at = self._daytime(at)
            at = tr.step(Action.ACCEPT, Role.SQUAD, member, at)
            deadline = self._deadline(dispatched_at, limit, extension, tr.steps)
            assert deadline is not None
            accepted_steps = len(tr.steps)
            ended = False

            if rnd.random() < P_EXTENSION * recent:
                span = max((deadline - at).total_seconds(), 600.0)
                at = tr.step(
                    Action.REQUEST_EXTENSION,
                    Role.SQUAD,
                    member,
                    at + timedelta(seconds=span * rnd.uniform(0.3, 0.9)),
                    rnd.choice(EXTENSION_NOTES),
                    {
                        "amount": float(rnd.choice(EXTENSION_AMOUNTS[limit.unit])),
                        "unit": limit.unit.value,
                    },
                )
                amount = tr.steps[-1].data["amount"]
                at = self._daytime(at + self._minutes(240, 1.0))  # the approver's desk
                decider = rnd.choice(org.people[Role.DISPATCHER])
                if rnd.random() < P_GRANT:
                    at = tr.step(
                        Action.GRANT_EXTENSION,
                        Role.DISPATCHER,
                        decider,
                        at,
                        data={"amount": amount, "unit": limit.unit.value},
                    )
                    extension += amount
                else:
                    at = tr.step(
                        Action.DENY_EXTENSION, Role.DISPATCHER, decider, at, rnd.choice(DENY_NOTES)
                    )

            if rnd.random() < P_SUSPEND:
                at += self._minutes(90)
                who = (
                    (Role.SUPERVISOR, rnd.choice(org.people[Role.SUPERVISOR]))
                    if rnd.random() < 0.3
                    else (Role.SHIFT_CHIEF, self._chief(at))
                )
                at = tr.step(Action.SUSPEND, who[0], who[1], at, rnd.choice(SUSPEND_NOTES))
                at += timedelta(days=min(200.0, 12.0 * math.exp(0.9 * rnd.gauss(0, 1))))
                at = self._daytime(at)
                if cat.responsible_unit_type == "enforcement" and rnd.random() < 0.08:
                    body, why = rnd.choice(JUDICIAL)
                    tr.step(
                        Action.TRANSFER_JUDICIAL,
                        Role.SHIFT_CHIEF,
                        self._chief(at),
                        at,
                        why,
                        {"body": body},
                    )
                    ended = True
                else:
                    at = tr.step(
                        Action.RESUME, Role.SHIFT_CHIEF, self._chief(at), at, "条件具备，解除挂账"
                    )

            if (
                not ended
                and cat.responsible_unit_type == "enforcement"
                and rnd.random() < P_JUDICIAL
            ):
                at += self._minutes(300, 1.0)
                body, why = rnd.choice(JUDICIAL[:2])
                who = (
                    (Role.SUPERVISOR, rnd.choice(org.people[Role.SUPERVISOR]))
                    if rnd.random() < 0.3
                    else (Role.SHIFT_CHIEF, self._chief(at))
                )
                tr.step(Action.TRANSFER_JUDICIAL, who[0], who[1], at, why, {"body": body})
                ended = True

            if not ended:
                if len(tr.steps) > accepted_steps:  # paused or extended: the clock moved
                    deadline = self._deadline(dispatched_at, limit, extension, tr.steps)
                    assert deadline is not None
                at = self._handle(at, deadline, urgent, squad_id)
                at = tr.step(Action.FEEDBACK, Role.SQUAD, member, at, rnd.choice(FEEDBACK_NOTES))
                at = self._daytime(at + self._minutes(360, 1.0))  # next patrol
                if rnd.random() < P_REWORK * recent:
                    at = tr.step(
                        Action.RETURN_FOR_REWORK,
                        Role.INSPECTOR,
                        inspector,
                        at,
                        rnd.choice(REWORK_NOTES),
                    )
                    if rnd.random() < 0.5:
                        at = tr.step(
                            Action.ACCEPT,
                            Role.SQUAD,
                            member,
                            self._daytime(at + self._minutes(120)),
                        )
                    at = self._daytime(at + self._minutes(600, 1.0))
                    at = tr.step(Action.FEEDBACK, Role.SQUAD, member, at, "返工完毕")
                    at = self._daytime(at + self._minutes(360, 1.0))  # next patrol
                at = tr.step(Action.VERIFY, Role.INSPECTOR, inspector, at, "现场核查已整改")
                at += self._minutes(60, 0.9)
                tr.step(Action.CLOSE, Role.SHIFT_CHIEF, self._chief(at), at)

        self._record(i, case_no, tr, t, source, cat, cell, lon, lat, deadline)

    def _deadline(
        self,
        dispatched_at: datetime,
        limit: TimeLimit,
        extension: float,
        steps: Sequence[Transition],
    ) -> datetime | None:
        """The handling deadline from the trail, as the case service computes it. Without a
        pause in the trail that is plain `calendar.add` (what `handling_deadline` reduces to),
        taken directly because it is a third of the planning time."""
        if not any(s.to_state in PAUSED_STATES for s in steps):
            return self.calendar.add(dispatched_at, TimeLimit(limit.amount + extension, limit.unit))
        return handling_deadline(
            self.calendar, dispatched_at, limit, extension, _trail_steps(steps)
        )

    def _handle(self, start: datetime, deadline: datetime, urgent: bool, squad_id: int) -> datetime:
        """When the squad feeds back: mostly within the limit, a share late (a long tail)."""
        rnd = self.rnd
        if rnd.random() < P_OVERDUE * self.squad_lateness[squad_id]:
            late = max(deadline, start) + self._minutes(16 * 60, 1.3, cap=60 * 24 * 90)
            return late if urgent else self._daytime(late)
        span = (deadline - start).total_seconds()
        if span <= 120:
            return start + timedelta(seconds=60)
        h = start + timedelta(seconds=span * rnd.betavariate(2.2, 1.6) * 0.97)
        if not urgent:
            moved = self._daytime(h)
            if moved <= deadline:
                h = moved
        return h

    def _record(
        self,
        i: int,
        case_no: str,
        tr: _Trail,
        reported_at: datetime,
        source: str,
        cat: Category,
        cell: _Cell,
        lon: float,
        lat: float,
        deadline: datetime | None,
    ) -> None:
        """The case row and its event rows as the trail stands at `now`."""
        now = self.now
        steps = tr.steps
        cut = len(steps)
        while steps[cut - 1].at > now:
            cut -= 1
        kept = steps[:cut]
        truncated = cut < len(steps)
        case_id = self.id_base + i + 1
        state = kept[-1].to_state
        registered = dispatched = handled = verified = closed = None
        unit_id = squad_id = None
        resume_state = transferred_to = None
        rework = ext_count = suspends = 0
        ext_amount = 0.0
        for s in kept:
            a = s.action
            if a is Action.REGISTER:
                registered = s.at
            elif a is Action.DISPATCH:
                dispatched = s.at
                unit_id, squad_id = s.data["unit_id"], s.data["squad_id"]
            elif a is Action.TRANSFER_UNIT:
                unit_id, squad_id = s.data["unit_id"], s.data["squad_id"]
            elif a is Action.FEEDBACK:
                handled = s.at
            elif a is Action.RETURN_FOR_REWORK:
                rework += 1
                handled = None
            elif a is Action.VERIFY:
                verified = s.at
            elif a is Action.CLOSE:
                closed = s.at
            elif a is Action.GRANT_EXTENSION:
                ext_count += 1
                ext_amount += s.data["amount"]
            elif a is Action.SUSPEND:
                suspends += 1
            elif a is Action.TRANSFER_JUDICIAL:
                transferred_to = s.data["body"]
            if s.to_state in PAUSED_STATES and s.from_state not in PAUSED_STATES:
                resume_state = _V[s.from_state] if s.from_state else None
        if state not in PAUSED_STATES:
            resume_state = None
        due: datetime | None = None
        if (
            dispatched is not None
            and state not in PAUSED_STATES
            and state is not CaseState.TRANSFERRED
        ):
            due = (
                deadline
                if not truncated
                else self._deadline(dispatched, cat.time_limit, ext_amount, kept)
            )
        district = DISTRICT_NAMES[cell.district]
        street = self.geo.streets[cell.street]
        community = self.geo.communities[cell.community]
        if cat.kind.value == "component":
            fault = (
                "不亮"
                if "灯" in cat.name and self.rnd.random() < 0.6
                else self.rnd.choice(COMPONENT_FAULTS)
            )
            description = f"{cat.name}{fault}"
        else:
            description = cat.name
        self.case_rows.append(
            {
                "id": case_id,
                "case_no": case_no,
                "kind": cat.kind.value,
                "category_code": cat.code,
                "source": source,
                "description": description,
                "address": f"{district}{street.name}{community.name}（网格{cell.code[-3:]}号）",
                "lon": lon,
                "lat": lat,
                "district_code": cell.district,
                "grid_code": cell.code,
                "state": _V[state],
                "resume_state": resume_state,
                "urgent": cat.urgent,
                "reporter_id": kept[0].actor_id,
                "unit_id": unit_id,
                "squad_id": squad_id,
                "time_limit": cat.time_limit.amount,
                "time_unit": cat.time_limit.unit.value,
                "reported_at": reported_at,
                "registered_at": registered,
                "dispatched_at": dispatched,
                "handled_at": handled,
                "verified_at": verified,
                "closed_at": closed,
                "deadline_at": due,
                "extension_amount": ext_amount,
                "rework_count": rework,
                "extension_count": ext_count,
                "suspend_count": suspends,
                "transferred_to": transferred_to,
                "updated_at": kept[-1].at,
                "version": len(kept),
            }
        )
        for s in kept:
            self.event_rows.append(
                {
                    "case_id": case_id,
                    "action": _V[s.action],
                    "from_state": _V[s.from_state] if s.from_state else None,
                    "to_state": _V[s.to_state],
                    "actor_id": s.actor_id,
                    "actor_role": _V[s.role],
                    "at": s.at,
                    "note": s.note,
                    "data": s.data or None,
                }
            )


# ================================================================ orders and squads


def _build_orders(
    case_rows: list[dict[str, Any]],
    org: _Organisation,
    rnd: random.Random,
    now: datetime,
    id_base: int,
) -> list[dict[str, Any]]:
    """督办: supervisors' orders to the handling units about overdue cases.

    Some about cases overdue now (issued or acknowledged), more about cases that were late
    and have since been handled (done).
    """
    supervisors = org.people[Role.SUPERVISOR]
    open_overdue = [
        r
        for r in case_rows
        if r["state"] in ("dispatched", "in_progress", "rework")
        and r["deadline_at"] is not None
        and r["deadline_at"] < now
        and (now - r["deadline_at"]) > timedelta(hours=1)
    ]
    done = [
        r
        for r in case_rows
        if r["state"] == "closed"
        and r["handled_at"] is not None
        and r["deadline_at"] is not None
        and r["handled_at"] - r["deadline_at"] > timedelta(hours=3)
    ]
    picks = rnd.sample(open_overdue, min(6, len(open_overdue)))
    picks += rnd.sample(done[-400:], min(14, len(done[-400:])))
    orders: list[dict[str, Any]] = []
    for row in sorted(picks, key=lambda r: r["deadline_at"]):
        due_at = row["deadline_at"]
        until = row["handled_at"] if row["state"] == "closed" else now
        issued = _office_hours(due_at + (until - due_at) * rnd.uniform(0.2, 0.5), rnd)
        if not due_at < issued < until:
            continue  # no office hours between the deadline and the fix
        if row["state"] == "closed":
            ack_at = issued + (until - issued) * rnd.uniform(0.1, 0.4)
            status, done_at = "done", until
        else:
            status = rnd.choice(("issued", "acknowledged"))
            ack_at = issued + (until - issued) * 0.3 if status == "acknowledged" else None
            done_at = None
        orders.append(
            {
                "id": id_base + len(orders) + 1,
                "code": f"DB{issued:%Y%m%d}{len(orders) + 1:03d}",
                "title": f"关于案卷{row['case_no']}超期未处置的督办",
                "body": f"案卷{row['case_no']}（{row['description']}，{row['address']}）已超过处置时限，"
                "请立即组织处置并反馈结果。",
                "issued_by": rnd.choice(supervisors),
                "issued_at": issued,
                "unit_id": row["unit_id"],
                "squad_id": row["squad_id"],
                "case_id": row["id"],
                "due_at": issued + timedelta(days=1),
                "status": status,
                "acknowledged_at": ack_at,
                "done_at": done_at,
            }
        )
    return orders


def _office_hours(t: datetime, rnd: random.Random) -> datetime:
    """The first moment from `t` on when a supervisor is at the desk (08:30–17:30)."""
    if t.hour < 8 or (t.hour == 8 and t.minute < 30):
        t = t.replace(hour=8, minute=30, second=0) + timedelta(minutes=rnd.uniform(0, 60))
    elif t.hour >= 17 and not (t.hour == 17 and t.minute < 30):
        t = (t + timedelta(days=1)).replace(hour=8, minute=30, second=0) + timedelta(
            minutes=rnd.uniform(0, 60)
        )
    return t.replace(microsecond=0)


def _set_squad_status(
    org: _Organisation, case_rows: list[dict[str, Any]], rnd: random.Random, now: datetime
) -> None:
    """Squads working on an open case are busy and stand near it; others are available,
    or off duty (most of them at night)."""
    working: dict[int, dict[str, Any]] = {}
    for r in case_rows:
        if r["state"] in ("in_progress", "rework") and r["squad_id"] is not None:
            working[r["squad_id"]] = r
    night = not (7 <= now.hour < 20)
    for row in org.squad_rows:
        case = working.get(row["id"])
        if case is not None:
            row["status"] = "busy"
            row["lon"] = round(case["lon"] + rnd.uniform(-0.0004, 0.0004), 7)
            row["lat"] = round(case["lat"] + rnd.uniform(-0.0003, 0.0003), 7)
        else:
            off = rnd.random() < (0.7 if night else 0.12)
            row["status"] = "off_duty" if off else "available"
            home = org.squads[row["id"]].home
            row["lon"] = round(home[0] + rnd.uniform(-0.0008, 0.0008), 7)
            row["lat"] = round(home[1] + rnd.uniform(-0.0006, 0.0006), 7)
        row["position_at"] = (now - timedelta(seconds=rnd.randint(5, 900))).replace(microsecond=0)
