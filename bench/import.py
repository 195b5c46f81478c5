"""Import 100,000 cases from a generated CSV into a fresh SQLite and a fresh PostgreSQL
database, printing seconds and rows/s (goal: under 10 s each).

    .venv/bin/python bench/import.py [--rows N] [--no-postgres]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from command_center.domain.calendar import CST
from command_center.interop.tabular import import_cases_csv
from command_center.store import migrate
from command_center.store.engine import Store, make_engine

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/"
GOAL_S = 10.0


def generate(path: Path, rows: int) -> None:
    rng = random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=CST)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["category_code", "lon", "lat", "reported_at", "address", "description"])
        for i in range(rows):
            at = start + timedelta(seconds=rng.randrange(365 * 86400))
            w.writerow(
                [
                    "0101",
                    f"{120.40 + rng.random() * 0.1:.6f}",
                    f"{41.53 + rng.random() * 0.08:.6f}",
                    at.strftime("%Y-%m-%d %H:%M:%S"),
                    f"幸福路{i % 500}号",
                    "井盖破损",
                ]
            )


def run(label: str, url: str, src: Path) -> float:
    engine = make_engine(url, create=True)
    migrate.upgrade(engine)
    store = Store(engine)
    try:
        t0 = time.perf_counter()
        report = import_cases_csv(store, src, workstation="bench")
        seconds = time.perf_counter() - t0
    finally:
        store.dispose()
    verdict = "ok" if seconds < GOAL_S else "SLOW"
    print(
        f"{label:<10} {report.imported:>7} rows  {seconds:6.2f} s  "
        f"{report.imported / seconds:9,.0f} rows/s  [{verdict}, goal < {GOAL_S:g} s]"
    )
    return seconds


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--no-postgres", action="store_true")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "cases.csv"
        t0 = time.perf_counter()
        generate(src, args.rows)
        print(f"generated {args.rows} rows in {time.perf_counter() - t0:.2f} s")
        baseline = run("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", src)
        if not args.no_postgres:
            import psycopg

            name = f"cc_bench_{uuid.uuid4().hex[:10]}"
            admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
            with psycopg.connect(admin, autocommit=True) as con:
                con.execute(f'CREATE DATABASE "{name}"')
            try:
                pg = run("postgresql", PG_BASE + name, src)
                print(f"postgresql / sqlite: {pg / baseline:.2f}x")
            finally:
                with psycopg.connect(admin, autocommit=True) as con:
                    con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
