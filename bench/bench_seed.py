"""Seeding the demo city: a year of cases into a fresh database; Core, ORM and COPY per row.

1. Seeds a fresh database (a new SQLite file by default, or the empty database `--db` names,
   migrated first) with `--cases` cases (default a year, 55,000) and prints the seconds per
   stage and the rows per second. `--in-process` plans the cases in this process instead of
   the planning subprocess (to see what the subprocess buys).
2. Baseline, in the same process and database: the first `--baseline N` seeded cases and
   their events are inserted again under new ids, each way in a transaction that is rolled
   back: SQLAlchemy Core bulk inserts (the seed's SQLite path), ORM objects with
   `session.add_all`, and on PostgreSQL the seed's COPY writer, once with the foreign keys in
   place and once as the seed runs it (keys dropped, COPY, keys added back, which checks every
   row of the tables, not just the new ones). Same rows, same database: the ratios are per row.

Run: .venv/bin/python bench/bench_seed.py [--cases N] [--baseline N] [--db URL] [--in-process]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import func, insert, select

from command_center.domain.calendar import CST, WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.services.seed import run as seed_module
from command_center.services.seed import seed_demo_city
from command_center.services.seed.writer import _copy, _drop_foreign_keys, _restore_foreign_keys
from command_center.store import migrate
from command_center.store.engine import Store, describe_url, make_engine
from command_center.store.models import Case, CaseEvent


def first_cases(store: Store, n: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The first `n` cases and their events, re-keyed to new ids and case numbers."""
    with store.read() as s:
        top = s.scalar(select(func.max(Case.id))) or 0
        cases = [
            dict(r._mapping) for r in s.execute(select(Case.__table__).order_by(Case.id).limit(n))
        ]
        last = cases[-1]["id"]
        events = [
            dict(r._mapping)
            for r in s.execute(
                select(CaseEvent.__table__).where(CaseEvent.case_id <= last).order_by(CaseEvent.id)
            )
        ]
    for c in cases:
        c["id"] += top
        c["case_no"] = "B" + c["case_no"]
    for e in events:
        del e["id"]
        e["case_id"] += top
    return cases, events


def time_core(store: Store, cases: list[dict[str, Any]], events: list[dict[str, Any]]) -> float:
    with store.engine.connect() as con:
        tx = con.begin()
        t = time.perf_counter()
        for model, rows in ((Case, cases), (CaseEvent, events)):
            for i in range(0, len(rows), 8000):
                con.execute(insert(model.__table__), rows[i : i + 8000])
        seconds = time.perf_counter() - t
        tx.rollback()
    return seconds


def time_copy(
    store: Store,
    cases: list[dict[str, Any]],
    events: list[dict[str, Any]],
    *,
    keys_at_the_end: bool = False,
) -> float:
    """PostgreSQL: the same rows through the seed's COPY writer (with the foreign keys
    dropped and added back around it, if `keys_at_the_end`)."""
    with store.sessions() as s:
        s.begin()
        s.execute(select(1))  # the transaction is open, as in the seed
        t = time.perf_counter()
        keys = _drop_foreign_keys(s, (Case, CaseEvent)) if keys_at_the_end else []
        _copy(s, Case, cases)
        _copy(s, CaseEvent, events)
        _restore_foreign_keys(s, keys)
        seconds = time.perf_counter() - t
        s.rollback()
    return seconds


def time_orm(store: Store, cases: list[dict[str, Any]], events: list[dict[str, Any]]) -> float:
    with store.sessions() as s:
        s.begin()
        t = time.perf_counter()
        s.add_all([Case(**c) for c in cases])
        s.flush()
        s.add_all([CaseEvent(**e) for e in events])
        s.flush()
        seconds = time.perf_counter() - t
        s.rollback()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=55_000)
    parser.add_argument(
        "--baseline",
        type=int,
        default=5_000,
        help="cases (with their events) in the Core-vs-ORM baseline",
    )
    parser.add_argument("--db", help="an empty database URL (default: a new SQLite file)")
    parser.add_argument(
        "--in-process", action="store_true", help="plan the cases in this process (no subprocess)"
    )
    args, _ = parser.parse_known_args()  # run_all.py passes every bench the same arguments

    if args.in_process:
        seed_module.PARALLEL_MIN_CASES = 10**9
    tmp = None
    if args.db:
        url = args.db
    else:
        tmp = tempfile.TemporaryDirectory(prefix="bench_seed_")
        url = f"sqlite:///{Path(tmp.name) / 'seed.db'}"
    store = Store(make_engine(url, create=True))
    try:
        migrate.upgrade(store.engine)
        print(
            f"database: {describe_url(store.engine.url)}; {platform.python_implementation()} "
            f"{platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; planning "
            + ("in a subprocess" if args.cases >= seed_module.PARALLEL_MIN_CASES else "in process")
        )
        now = datetime.now(CST).replace(microsecond=0)
        report = seed_demo_city(
            store,
            catalogue=Catalogue.default(),
            calendar=WorkCalendar.default(),
            now=now,
            cases=args.cases,
        )
        total = report.total_rows
        print(
            f"seeded {report.counts['cases']:,} cases, {report.counts['case_events']:,} "
            f"events, {total:,} rows in all: {report.seconds:.1f} s "
            f"({total / report.seconds:,.0f} rows/s)"
        )
        for stage, seconds in report.stage_seconds.items():
            print(f"  {stage:<45} {seconds:6.2f} s")
        trail = report.counts["cases"] + report.counts["case_events"]
        print(f"  cases + events: {trail / report.stage_seconds['cases and events']:,.0f} rows/s")
        print("  states now:", ", ".join(f"{k} {v}" for k, v in report.states.items()))

        n = min(args.baseline, report.counts["cases"])
        cases, events = first_cases(store, n)
        rows = len(cases) + len(events)
        core = time_core(store, cases, events)
        orm = time_orm(store, cases, events)
        print(
            f"baseline, the first {n:,} cases + {len(events):,} events ({rows:,} rows), "
            "inserted again and rolled back:"
        )
        print(
            f"  Core bulk insert     {core:6.2f} s  {rows / core:9,.0f} rows/s  "
            f"{core / rows * 1e6:6.1f} µs/row"
        )
        print(
            f"  ORM session.add_all  {orm:6.2f} s  {rows / orm:9,.0f} rows/s  "
            f"{orm / rows * 1e6:6.1f} µs/row"
        )
        print(f"  ratio ORM / Core per row: {orm / core:.1f}x")
        if store.dialect == "postgresql":
            copy = time_copy(store, cases, events)
            late = time_copy(store, cases, events, keys_at_the_end=True)
            for label, seconds in (("COPY, keys in place", copy), ("COPY, keys at the end", late)):
                print(
                    f"  {label:<21}{seconds:6.2f} s  {rows / seconds:9,.0f} rows/s  "
                    f"{seconds / rows * 1e6:6.1f} µs/row"
                )
            print(
                f"  ratio Core / COPY per row: {core / copy:.1f}x (keys in place), "
                f"{core / late:.1f}x (keys at the end)"
            )
    finally:
        store.dispose()
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
