"""The dispatcher's case queue over a history of 1,000,000 cases: open it, scroll it.

1. Builds a database of `--cases` cases (default 1,000,000: three years of a city's history,
   ~96 % closed, the rest spread over the open states, a fifth of the running cases past
   their deadline) with SQLAlchemy Core bulk inserts on SQLite and COPY on PostgreSQL (the
   seed's writers), then ANALYZE/VACUUM as a deployed database would have had.
2. Opening the queue, as `CaseQueuePanel` does on its worker: count + first page (200 rows)
   + the counts of every tab, in one read transaction; median and p95 over `--repeat` runs,
   for the dispatcher's default tab (处置中), the largest (已结案) and 全部. Goal < 500 ms.
3. Scrolling: one page of 200 rows at random offsets of the largest tab (a jump of the
   scroll bar), median and p95.
4. Baseline, in the same process and database: every row of the tab loaded into a Python
   list of `CaseRow`, which is what a non-lazy model does before it shows anything, and the
   ratio baseline / opening.

Each figure is printed as a JSON line; the last line is the ratio.

Run: .venv/bin/python bench/case_queue.py [--cases N] [--repeat N] [--sqlite-only]
     [--keep-sqlite PATH]  (reuse or keep the SQLite file)
PostgreSQL runs in a database of its own, created and dropped here (CC_TEST_PG's server).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy
from sqlalchemy import func, insert, select, text

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import CaseState
from command_center.services import case_queue as cq
from command_center.services.seed.writer import (
    _big_cache,
    _copy,
    _drop_foreign_keys,
    _insert,
    _restore_foreign_keys,
)
from command_center.store import migrate
from command_center.store.engine import Store, describe_url, make_engine
from command_center.store.models import Case, District, Squad, Unit

PG_ADMIN_DSN = os.environ.get("CC_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=test")
PG_URL_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=CST)
PAGE = 200
CHUNK = 50_000
DISTRICTS = ("211302", "211303")
SOURCES = (
    ("inspector", 0.6),
    ("hotline", 0.2),
    ("public", 0.1),
    ("camera", 0.08),
    ("leader", 0.02),
)
# Open cases: those reported in the last OPEN_DAYS days, in these shares.
OPEN_DAYS = 12
OPEN_STATES = (
    (CaseState.REPORTED, 0.06),
    (CaseState.REGISTERED, 0.05),
    (CaseState.DISPATCHED, 0.14),
    (CaseState.IN_PROGRESS, 0.25),
    (CaseState.REWORK, 0.03),
    (CaseState.HANDLED, 0.10),
    (CaseState.VERIFIED, 0.04),
    (CaseState.SUSPENDED, 0.03),
    (CaseState.EXTENSION_REQUESTED, 0.02),
    (CaseState.CLOSED, 0.28),
)
OLD_STATES = (
    (CaseState.CLOSED, 0.963),
    (CaseState.NOT_REGISTERED, 0.03),
    (CaseState.TRANSFERRED, 0.006),
    (CaseState.SUSPENDED, 0.001),
)
NO_DEADLINE = {CaseState.REPORTED, CaseState.REGISTERED, CaseState.NOT_REGISTERED}


def emit(**fields: Any) -> None:
    print(json.dumps(fields, ensure_ascii=False), flush=True)


# -- the database -----------------------------------------------------------------------
def _org_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    square = '{"type": "Polygon", "coordinates": [[[120.4, 41.5], [120.5, 41.5], [120.5, 41.6], [120.4, 41.5]]]}'
    districts = [
        {"code": c, "name": n, "geometry": square, "source_crs": "wgs84"}
        for c, n in zip(DISTRICTS, ("双塔区", "龙城区"), strict=True)
    ]
    units = [
        {
            "id": 1,
            "code": "T01",
            "name": "朝阳市城管执法中队",
            "kind": "team",
            "unit_type": "enforcement",
        }
    ]
    squads = [
        {"id": i, "code": f"SQ{i:02d}", "name": f"执法{i:02d}组", "unit_id": 1}
        for i in range(1, 61)
    ]
    return districts, units, squads


def case_chunks(
    n: int, now: datetime, catalogue: Catalogue, seed: int = 1127
) -> Iterator[list[dict[str, Any]]]:
    """`n` cases over three years up to `now`, in id (= report time) order, in chunks."""
    rng = np.random.default_rng(seed)
    span = 3 * 365 * 86400
    offsets = np.sort(rng.uniform(0, span, n))[::-1]  # seconds before now, oldest first
    categories = list(catalogue)
    src_names = [s for s, _ in SOURCES]
    src_p = [p for _, p in SOURCES]
    open_states = [s for s, _ in OPEN_STATES]
    open_p = np.array([p for _, p in OPEN_STATES])
    old_states = [s for s, _ in OLD_STATES]
    old_p = np.array([p for _, p in OLD_STATES])
    running = cq.RUNNING_CLOCK
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        k = stop - start
        back = offsets[start:stop]
        cat = rng.integers(0, len(categories), k)
        src = rng.choice(len(src_names), k, p=src_p)
        recent = back < OPEN_DAYS * 86400
        st_open = rng.choice(len(open_states), k, p=open_p / open_p.sum())
        st_old = rng.choice(len(old_states), k, p=old_p / old_p.sum())
        limit_h = rng.choice([2, 4, 8, 24, 48, 72, 120], k)
        lon = rng.uniform(120.38, 120.50, k)
        lat = rng.uniform(41.52, 41.62, k)
        dist = rng.integers(0, 2, k)
        grid = rng.integers(1, 400, k)
        squad = rng.integers(1, 61, k)
        urgent = rng.random(k) < 0.02
        late = rng.random(k) < 0.2  # a running case past its deadline
        rows = []
        for j in range(k):
            i = start + j + 1
            reported = now - timedelta(seconds=float(back[j]))
            state = open_states[st_open[j]] if recent[j] else old_states[st_old[j]]
            category = categories[cat[j]]
            deadline = None
            if state not in NO_DEADLINE:
                deadline = reported + timedelta(hours=int(limit_h[j]) + 1)
                if state in running:
                    # running cases: a fifth overdue, the rest due within the next days
                    ahead = -rng.uniform(0, 48) if late[j] else rng.uniform(0.05, 72)
                    deadline = now + timedelta(hours=float(ahead))
            district = DISTRICTS[dist[j]]
            rows.append(
                {
                    "id": i,
                    "case_no": f"CY{reported:%Y%m%d}{i:07d}",
                    "kind": category.kind.value,
                    "category_code": category.code,
                    "source": src_names[src[j]],
                    "description": "",
                    "address": f"朝阳大街 {i % 997} 号",
                    "lon": float(lon[j]),
                    "lat": float(lat[j]),
                    "district_code": district,
                    "grid_code": f"{district}001001{grid[j]:03d}",
                    "state": state.value,
                    "resume_state": CaseState.IN_PROGRESS.value
                    if state in (CaseState.SUSPENDED, CaseState.EXTENSION_REQUESTED)
                    else None,
                    "urgent": bool(urgent[j]),
                    "unit_id": 1 if deadline is not None else None,
                    "squad_id": int(squad[j]) if deadline is not None else None,
                    "reported_at": reported,
                    "deadline_at": deadline,
                    "updated_at": reported,
                    "version": 1,
                }
            )
        yield rows


def build(store: Store, n: int, catalogue: Catalogue) -> float:
    """Write the organisation and `n` cases in one transaction; return the seconds."""
    t = time.perf_counter()
    districts, units, squads = _org_rows()
    pg = store.dialect == "postgresql"
    with store.transaction() as s, _big_cache(s, store.dialect):
        s.execute(insert(District.__table__), districts)
        s.execute(insert(Unit.__table__), units)
        s.execute(insert(Squad.__table__), squads)
        keys = _drop_foreign_keys(s, (Case,)) if pg else []
        for rows in case_chunks(n, NOW, catalogue):
            (_copy if pg else _insert)(s, Case, rows)
        _restore_foreign_keys(s, keys)
        if pg:
            s.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), :n)"), {"n": n})
    with store.engine.connect() as con:
        if pg:
            con.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE cases"
            )
        else:
            con.exec_driver_sql("ANALYZE")
            con.commit()
    return time.perf_counter() - t


# -- measuring ------------------------------------------------------------------------
def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, result


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "runs": len(ordered),
    }


def measure(store: Store, catalogue: Catalogue, repeat: int, db: str) -> dict[str, float]:
    source = cq.StoreQueueSource(store, catalogue)
    opened: dict[str, float] = {}
    for tab in (cq.QueueTab.HANDLING, cq.QueueTab.CLOSED, cq.QueueTab.ALL):
        query = cq.QueueQuery(tab=tab)
        source.open(query, NOW, PAGE)  # warm the cache, as a second opening would be
        times, (n, first, counts) = timed(lambda q=query: source.open(q, NOW, PAGE), repeat)
        opened[tab.value] = statistics.median(times)
        emit(
            db=db,
            measure="open",
            tab=tab.value,
            rows=n,
            first_page=len(first),
            tab_counts={k.value: v for k, v in counts.items()},
            **summary(times),
            goal_ms=500,
        )
    # Each part of an opening on its own, for the largest tab.
    big = cq.QueueQuery(tab=cq.QueueTab.CLOSED)
    for name, fn in (
        ("count", lambda: cq.count(store, big, NOW)),
        ("tab_counts", lambda: cq.tab_counts(store, NOW)),
        ("first_page", lambda: cq.page(store, big, NOW, 0, PAGE, catalogue=catalogue)),
    ):
        times, _ = timed(fn, repeat)
        emit(db=db, measure=f"open_part_{name}", tab="closed", **summary(times))
    total = cq.count(store, big, NOW)
    rng = random.Random(7)
    for label, query in (
        ("closed, newest first", big),
        ("closed, by deadline", cq.QueueQuery(tab=cq.QueueTab.CLOSED, sort=cq.SortKey.DEADLINE)),
        ("all, by case no.", cq.QueueQuery(tab=cq.QueueTab.ALL, sort=cq.SortKey.CASE_NO)),
        (
            "closed, district 211302, by report time",
            cq.QueueQuery(tab=cq.QueueTab.CLOSED, district="211302"),
        ),
    ):
        offsets = iter([rng.randrange(0, total - PAGE) for _ in range(repeat)])
        times, rows = timed(
            lambda q=query, it=offsets: cq.page(store, q, NOW, next(it), PAGE, catalogue=catalogue),
            repeat,
        )
        emit(
            db=db,
            measure="scroll_page_random_offset",
            query=label,
            page=len(rows),
            **summary(times),
        )
    # Baseline: the whole tab in a list (once: it is slow and holds ~1 GB for a moment).
    t = time.perf_counter()
    everything = cq.page(store, big, NOW, 0, total, catalogue=catalogue)
    baseline = (time.perf_counter() - t) * 1000
    emit(
        db=db,
        measure="baseline_load_whole_tab",
        tab="closed",
        rows=len(everything),
        ms=round(baseline, 1),
    )
    del everything
    ratio = baseline / opened["closed"]
    emit(db=db, measure="ratio_baseline_over_open", tab="closed", ratio=round(ratio, 1))
    return {"ratio": ratio, "open_closed_ms": opened["closed"]}


def run(url: str, args: argparse.Namespace, catalogue: Catalogue, *, fresh: bool) -> dict:
    store = Store(make_engine(url, create=True))
    db = store.dialect
    try:
        if fresh:
            migrate.upgrade(store.engine)
            seconds = build(store, args.cases, catalogue)
            with store.read() as s:
                states = dict(
                    s.execute(select(Case.state, func.count()).group_by(Case.state)).all()
                )
            emit(
                db=db,
                measure="build",
                cases=args.cases,
                seconds=round(seconds, 1),
                rows_per_s=round(args.cases / seconds),
                states=states,
            )
        return measure(store, catalogue, args.repeat, db)
    finally:
        store.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--pg-only", action="store_true")
    parser.add_argument("--keep-sqlite", help="SQLite file to build (or reuse if it exists)")
    args, _ = parser.parse_known_args()
    catalogue = Catalogue.default()
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, SQLAlchemy "
        f"{sqlalchemy.__version__}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}; now = {NOW.isoformat()}",
        flush=True,
    )
    results: dict[str, dict] = {}
    if not args.pg_only:
        tmp = None
        if args.keep_sqlite:
            path = Path(args.keep_sqlite)
            fresh = not path.exists()
        else:
            tmp = tempfile.TemporaryDirectory(prefix="bench_case_queue_")
            path, fresh = Path(tmp.name) / "queue.db", True
        try:
            url = f"sqlite:///{path}"
            print(f"# {describe_url(make_engine(url, create=True).url)}", flush=True)
            results["sqlite"] = run(url, args, catalogue, fresh=fresh)
        finally:
            if tmp is not None:
                tmp.cleanup()
    if not args.sqlite_only:
        import psycopg

        name = f"cc_bench_queue_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        try:
            print(f"# PostgreSQL database {name} (dropped at the end)", flush=True)
            results["postgresql"] = run(PG_URL_BASE + name, args, catalogue, fresh=True)
        finally:
            with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(
        "ratio (whole tab loaded / lazy opening, 已结案): "
        + ", ".join(
            f"{db} x{r['ratio']:.1f} (open {r['open_closed_ms']:.0f} ms)"
            for db, r in results.items()
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
