"""The KPI read model (`services.kpi`) over a history of 1,000,000 cases, on both databases.

1. Builds the case queue benchmark's database (`bench/case_queue.py`: its organisation, its
   `case_chunks` and its `build`, three years of a city's history) with the times of each
   step filled in as the closed loop would have stamped them: registered minutes after the
   report, dispatched minutes later, handled before or (about a quarter) after the deadline,
   closed hours after that.
2. Times each KPI question over the last 365 days up to the case queue's `NOW` (today's
   tiles and overdue-by-grid at `NOW`): median and p95 of `--repeat` runs after one warm-up.
   Goal < 200 ms each.
3. Baseline, in the same process and database: the year's cases loaded as rows into Python
   and the same figures computed there (what a report generator without a read model does);
   the ratio baseline / sum of the KPI questions' medians.

Each figure is printed as a JSON line; the last line is the ratio per database.

Run: .venv/bin/python bench/kpi.py [--cases N] [--repeat N] [--sqlite-only | --pg-only]
     [--keep-sqlite PATH]  (build the SQLite file there, or reuse it if it exists)
     [--keep-pg NAME]  (the same for a PostgreSQL database; otherwise one of its own,
                        created and dropped here, on CC_TEST_PG's server)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy
from sqlalchemy import func, or_, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

import case_queue as queue_bench  # noqa: E402  (bench/ is not a package)

from command_center.domain.calendar import CST  # noqa: E402
from command_center.domain.catalogue import Catalogue  # noqa: E402
from command_center.domain.shifts import shift_of  # noqa: E402
from command_center.domain.workflow import CaseState  # noqa: E402
from command_center.services import kpi  # noqa: E402
from command_center.services.queries import RUNNING_CLOCK_STATES  # noqa: E402
from command_center.store import migrate  # noqa: E402
from command_center.store.engine import Store, describe_url, make_engine  # noqa: E402
from command_center.store.models import Case, Squad, Unit  # noqa: E402

emit, summary, timed = queue_bench.emit, queue_bench.summary, queue_bench.timed
NOW = queue_bench.NOW
PG_ADMIN_DSN = queue_bench.PG_ADMIN_DSN
PG_URL_BASE = queue_bench.PG_URL_BASE
GOAL_MS = 200
S = CaseState
REGISTERED = frozenset(S) - {S.REPORTED, S.NOT_REGISTERED}
HANDLED = frozenset({S.HANDLED, S.VERIFIED, S.CLOSED})


# -- the database -----------------------------------------------------------------------
def with_step_times(
    chunks: Iterator[list[dict[str, Any]]], now: datetime, seed: int = 2027
) -> Iterator[list[dict[str, Any]]]:
    """The case queue's chunks with registered/dispatched/handled/closed times filled in."""
    rng = np.random.default_rng(seed)
    for rows in chunks:
        k = len(rows)
        reg_min = rng.uniform(5, 90, k)
        disp_min = rng.uniform(2, 40, k)
        share = rng.uniform(0.3, 1.25, k)  # of the time to the deadline; > 1 is late
        close_h = rng.uniform(0.5, 24, k)
        for j, row in enumerate(rows):
            row.update(registered_at=None, dispatched_at=None, handled_at=None, closed_at=None)
            state = S(row["state"])
            if state not in REGISTERED:
                continue
            registered = row["reported_at"] + timedelta(minutes=float(reg_min[j]))
            row["registered_at"] = min(registered, now)
            deadline = row["deadline_at"]
            if deadline is None:
                continue
            dispatched = min(registered + timedelta(minutes=float(disp_min[j])), now)
            row["dispatched_at"] = dispatched
            if state not in HANDLED:
                continue
            handled = min(dispatched + (deadline - dispatched) * float(share[j]), now)
            row["handled_at"] = handled
            if state is S.CLOSED:
                row["closed_at"] = min(handled + timedelta(hours=float(close_h[j])), now)
        yield rows


@contextlib.contextmanager
def _step_times_in_build() -> Iterator[None]:
    """Let the case queue's `build` write the chunks with their step times (it looks
    `case_chunks` up in its module when it runs)."""
    plain = queue_bench.case_chunks
    queue_bench.case_chunks = lambda n, now, catalogue: with_step_times(
        plain(n, now, catalogue), now
    )
    try:
        yield
    finally:
        queue_bench.case_chunks = plain


def build(store: Store, n: int, catalogue: Catalogue) -> float:
    with _step_times_in_build():
        return queue_bench.build(store, n, catalogue)


# -- the questions ----------------------------------------------------------------------
def questions(store: Store, rng: kpi.KpiRange, catalogue: Catalogue) -> dict[str, Callable]:
    busiest_day = (NOW - timedelta(days=30)).date()
    return {
        "today_tiles": lambda: kpi.today_tiles(store, NOW),
        "daily_counts": lambda: kpi.daily_counts(store, rng),
        "closure_times": lambda: kpi.closure_times(store, rng),
        "on_time_by_squad": lambda: kpi.on_time_by_squad(store, rng),
        "on_time_by_unit": lambda: kpi.on_time_by_unit(store, rng),
        "overdue_by_grid": lambda: kpi.overdue_by_grid(store, NOW),
        "category_mix": lambda: kpi.category_mix(store, rng, catalogue=catalogue),
        "cases_for_squad_closed": lambda: kpi.cases_for(
            store, rng, squad_id=7, closed_only=True, now=NOW, catalogue=catalogue
        ),
        "cases_for_day": lambda: kpi.cases_for(
            store, rng, day=busiest_day, now=NOW, catalogue=catalogue
        ),
        "cases_for_category": lambda: kpi.cases_for(
            store,
            rng,
            category_code=kpi.category_mix(store, rng, catalogue=catalogue)[0][0],
            now=NOW,
            catalogue=catalogue,
        ),
    }


def _brief(result: Any) -> dict[str, Any]:
    """A few numbers that show the answer is the real one."""
    if isinstance(result, kpi.TodayTiles):
        return {"tiles": {k: v for k, v in vars(result).items()}}
    if isinstance(result, kpi.ClosureTimes):
        return {"n": len(result.hours), "median_h": result.median, "p90_h": result.p90}
    if isinstance(result, dict):
        return {"grids": len(result), "cases": sum(result.values())}
    if isinstance(result, list) and result and isinstance(result[0], kpi.DailyCount):
        return {
            "days": len(result),
            "reported": sum(d.reported for d in result),
            "closed": sum(d.closed for d in result),
        }
    if isinstance(result, list) and result and isinstance(result[0], kpi.OnTimeRow):
        worst = result[0]
        return {"rows": len(result), "worst": [worst.name, worst.closed, worst.rate]}
    if isinstance(result, list) and result and isinstance(result[0], tuple):
        return {"categories": len(result), "top": list(result[0])}
    return {"rows": len(result) if isinstance(result, list) else None}


# -- the baseline: the year's rows in Python --------------------------------------------
def baseline(store: Store, rng: kpi.KpiRange, catalogue: Catalogue) -> dict[str, Any]:
    """The same figures from the year's case rows loaded into Python."""
    with store.read() as s:
        rows = s.execute(
            select(
                Case.id,
                Case.state,
                Case.category_code,
                Case.grid_code,
                Case.squad_id,
                Case.unit_id,
                Case.reported_at,
                Case.registered_at,
                Case.dispatched_at,
                Case.handled_at,
                Case.closed_at,
                Case.deadline_at,
            ).where(
                or_(
                    Case.reported_at >= rng.start,
                    Case.closed_at >= rng.start,
                    Case.state.in_(RUNNING_CLOCK_STATES),
                )
            )
        ).all()
        squads = s.execute(
            select(Squad.id, Squad.name, Squad.status, Squad.shift_start, Squad.shift_end)
        ).all()
        units = dict(s.execute(select(Unit.id, Unit.name)).all())
    today = kpi.KpiRange.day_of(NOW)
    running = set(RUNNING_CLOCK_STATES)

    def inside(t: datetime | None, r: kpi.KpiRange) -> bool:
        return t is not None and r.start <= t < r.end

    closed_today = [r for r in rows if inside(r.closed_at, today)]
    tiles = {
        "reported": sum(inside(r.reported_at, today) for r in rows),
        "registered": sum(inside(r.registered_at, today) for r in rows),
        "dispatched": sum(inside(r.dispatched_at, today) for r in rows),
        "closed": len(closed_today),
        "on_time": sum(r.deadline_at is None or r.closed_at <= r.deadline_at for r in closed_today),
        "overdue": sum(
            r.state in running and r.deadline_at is not None and r.deadline_at < NOW for r in rows
        ),
        "on_duty": sum(
            st != "off_duty" and shift_of(a, b).on_duty(NOW) for _, _, st, a, b in squads
        ),
    }
    reported = Counter(r.reported_at.date() for r in rows if inside(r.reported_at, rng))
    closed = Counter(r.closed_at.date() for r in rows if inside(r.closed_at, rng))
    daily = [(d, reported[d], closed[d]) for d in rng.day_list()]
    hours = sorted(
        (r.closed_at - r.reported_at).total_seconds() / 3600
        for r in rows
        if inside(r.closed_at, rng)
    )
    per_squad: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    per_unit: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        if not inside(r.closed_at, rng):
            continue
        ok = r.deadline_at is None or (r.handled_at is not None and r.handled_at <= r.deadline_at)
        for key, table in ((r.squad_id, per_squad), (r.unit_id, per_unit)):
            if key is not None:
                table[key][0] += 1
                table[key][1] += ok
    grids = Counter(
        r.grid_code
        for r in rows
        if r.state in running and r.deadline_at is not None and r.deadline_at < NOW
    )
    mix = Counter(r.category_code for r in rows if inside(r.reported_at, rng))
    names = {c.code: c.name for c in catalogue}
    return {
        "rows": len(rows),
        "tiles": tiles,
        "daily": daily,
        "median_h": statistics.median(hours) if hours else None,
        "p90_h": kpi.percentile(hours, 0.9),
        "squads": sorted(per_squad.items(), key=lambda kv: kv[1][1] / kv[1][0]),
        "units": {units.get(k): v for k, v in per_unit.items()},
        "grids": dict(grids),
        "mix": sorted(
            ((c, names.get(c, c), n) for c, n in mix.items()), key=lambda t: (-t[2], t[0])
        ),
    }


def check_against_baseline(base: dict[str, Any], answers: dict[str, Any]) -> list[str]:
    """Where the read model and the baseline disagree (expected: nowhere)."""
    problems = []
    tiles = answers["today_tiles"]
    b = base["tiles"]
    if (
        tiles.reported,
        tiles.registered,
        tiles.dispatched,
        tiles.closed,
        tiles.overdue_now,
        tiles.squads_on_duty,
    ) != (b["reported"], b["registered"], b["dispatched"], b["closed"], b["overdue"], b["on_duty"]):
        problems.append(f"tiles {tiles} != {b}")
    daily = [(d.day, d.reported, d.closed) for d in answers["daily_counts"]]
    if daily != base["daily"]:
        problems.append("daily counts differ")
    ct = answers["closure_times"]
    if ct.median is not None and abs(ct.median - base["median_h"]) > 1e-4:
        problems.append(f"median {ct.median} != {base['median_h']}")
    if answers["overdue_by_grid"] != base["grids"]:
        problems.append("overdue by grid differs")
    if [(c, n) for c, _, n in answers["category_mix"]] != [(c, n) for c, _, n in base["mix"]]:
        problems.append("category mix differs (or ties ordered differently)")
    squads = {r.key: [r.closed, r.on_time] for r in answers["on_time_by_squad"]}
    if squads != dict(base["squads"]):
        problems.append("on time by squad differs")
    return problems


# -- running ----------------------------------------------------------------------------
def measure(store: Store, catalogue: Catalogue, repeat: int, db: str) -> dict[str, float]:
    rng = kpi.KpiRange.days(NOW.date(), 365)
    medians: dict[str, float] = {}
    answers: dict[str, Any] = {}
    for name, fn in questions(store, rng, catalogue).items():
        fn()  # warm the cache, as the dashboard's second look would find it
        times, result = timed(fn, repeat)
        answers[name] = result
        medians[name] = statistics.median(times)
        emit(
            db=db,
            measure=name,
            **summary(times),
            goal_ms=GOAL_MS,
            within_goal=summary(times)["p95_ms"] < GOAL_MS,
            **_brief(result),
        )
    t = time.perf_counter()
    base = baseline(store, rng, catalogue)
    base_ms = (time.perf_counter() - t) * 1000
    problems = check_against_baseline(base, answers)
    emit(
        db=db,
        measure="baseline_year_in_python",
        rows=base["rows"],
        ms=round(base_ms, 1),
        agrees=not problems,
        problems=problems,
    )
    total = sum(medians.values())
    emit(
        db=db,
        measure="ratio_baseline_over_kpi",
        kpi_total_median_ms=round(total, 1),
        ratio=round(base_ms / total, 1),
    )
    return {"ratio": base_ms / total, "total_ms": total, "slowest": max(medians.values())}


def run(url: str, args: argparse.Namespace, catalogue: Catalogue, *, fresh: bool) -> dict:
    store = Store(make_engine(url, create=True))
    db = store.dialect
    try:
        if fresh:
            migrate.upgrade(store.engine)
            seconds = build(store, args.cases, catalogue)
            with store.read() as s:
                closed = s.scalar(select(func.count()).where(Case.closed_at.is_not(None)))
            emit(db=db, measure="build", cases=args.cases, closed=closed, seconds=round(seconds, 1))
        else:
            migrate.upgrade(store.engine)  # a kept database gets this release's indexes
        return measure(store, catalogue, args.repeat, db)
    finally:
        store.dispose()


def _pg_admin():
    import psycopg

    return psycopg.connect(PG_ADMIN_DSN, autocommit=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--pg-only", action="store_true")
    parser.add_argument("--keep-sqlite", help="SQLite file to build (or reuse if it exists)")
    parser.add_argument("--keep-pg", help="PostgreSQL database to build (or reuse if it exists)")
    args = parser.parse_args()
    catalogue = Catalogue.default()
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, SQLAlchemy "
        f"{sqlalchemy.__version__}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}; now = {NOW.isoformat()}, range = the 365 days to "
        f"{NOW.astimezone(CST).date()}",
        flush=True,
    )
    results: dict[str, dict] = {}
    if not args.pg_only:
        tmp = None
        if args.keep_sqlite:
            path = Path(args.keep_sqlite)
            fresh = not path.exists()
        else:
            tmp = tempfile.TemporaryDirectory(prefix="bench_kpi_")
            path, fresh = Path(tmp.name) / "kpi.db", True
        try:
            url = f"sqlite:///{path}"
            print(f"# {describe_url(make_engine(url, create=True).url)}", flush=True)
            results["sqlite"] = run(url, args, catalogue, fresh=fresh)
        finally:
            if tmp is not None:
                tmp.cleanup()
    if not args.sqlite_only:
        name = args.keep_pg or f"cc_bench_kpi_{uuid.uuid4().hex[:8]}"
        with _pg_admin() as con:
            exists = con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                con.execute(f'CREATE DATABASE "{name}"')
        try:
            kept = " (kept)" if args.keep_pg else " (dropped at the end)"
            print(f"# PostgreSQL database {name}{kept}", flush=True)
            results["postgresql"] = run(PG_URL_BASE + name, args, catalogue, fresh=not exists)
        finally:
            if not args.keep_pg:
                with _pg_admin() as con:
                    con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(
        "ratio (year loaded into Python / KPI read model): "
        + ", ".join(
            f"{db} x{r['ratio']:.1f} (all questions {r['total_ms']:.0f} ms, slowest "
            f"{r['slowest']:.0f} ms)"
            for db, r in results.items()
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
