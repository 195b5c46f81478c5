"""Import 100,000 rows from a generated CSV into a fresh SQLite and a fresh PostgreSQL
database, printing seconds and rows/s (goal: under 10 s each): cases (`tabular`) and a
registry's objects (`registry_io`, municipal components by default), each against the case
import of the same database engine, run in the same process, as the baseline.

    .venv/bin/python bench/import.py [--rows N] [--no-postgres] [--registry KIND]
                                     [--only cases|registry] [--grids]

`--grids` lays 8,000 unit grids over the generated points first, so every row is located.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from command_center.domain.calendar import CST
from command_center.domain.registries import KINDS
from command_center.interop import registry_io
from command_center.interop.importing import ImportReport
from command_center.interop.tabular import import_cases_csv
from command_center.services.seed.writer import bulk_write
from command_center.store import migrate
from command_center.store.engine import Store, make_engine
from command_center.store.models import Community, District, Street, UnitGrid

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
GOAL_S = 10.0
# The generated points: (west, south, east, north).
BOX = (120.40, 41.53, 120.50, 41.61)

Importer = Callable[[Store, Path], ImportReport]


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


def generate_registry(path: Path, rows: int, kind: str) -> None:
    """`rows` objects of `kind`, every required attribute given (Chinese column labels for
    the components, as a bureau's spreadsheet has them)."""
    rng = random.Random(11)
    spec = KINDS[kind]
    sample = {
        "components": {"部件类型": "井盖", "权属单位": "市政设施管理处", "建成日期": "2015-06-01"},
        "ad_signs": {"sign_type": "shop_sign", "owner": "某店", "width_m": "6", "height_m": "1.2"},
    }.get(kind) or {
        f.key: {"int": "10", "float": "10", "date": "2026-01-02", "time": "08:00"}.get(
            f.type, f.choices[0][0] if f.choices else "x"
        )
        for f in spec.fields
        if f.required
    }
    if kind == "markets":
        sample["closes"] = "18:00"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["名称", "状态", "地址", "经度", "纬度", *sample])
        for i in range(rows):
            w.writerow(
                [
                    f"{spec.label}{i}",
                    spec.statuses[i % len(spec.statuses)].label,
                    f"幸福路{i % 500}号",
                    f"{BOX[0] + rng.random() * (BOX[2] - BOX[0]):.6f}",
                    f"{BOX[1] + rng.random() * (BOX[3] - BOX[1]):.6f}",
                    *sample.values(),
                ]
            )


def add_grids(store: Store, step: float = 0.001) -> int:
    """A district, a street, a community and a 100 × 80 block of unit grids over BOX."""
    cells = []
    nx = round((BOX[2] - BOX[0]) / step)
    ny = round((BOX[3] - BOX[1]) / step)
    for j in range(ny):
        for i in range(nx):
            x, y = BOX[0] + i * step, BOX[1] + j * step
            ring = [[x, y], [x + step, y], [x + step, y + step], [x, y + step], [x, y]]
            cells.append(
                {
                    "geometry": json.dumps({"type": "Polygon", "coordinates": [ring]}),
                    "min_lon": x,
                    "min_lat": y,
                    "max_lon": x + step,
                    "max_lat": y + step,
                }
            )
    # 8,000 cells need more than one community's 999 numbers: one community per 999.
    for k, c in enumerate(cells):
        c["community_code"] = f"211302001{k // 999 + 1:03d}"
        c["code"] = f"{c['community_code']}{k % 999 + 1:03d}"
        c.update(district_code="211302", street_code="211302001", area_m2=9300.0)
    box = [[BOX[0], BOX[1]], [BOX[2], BOX[1]], [BOX[2], BOX[3]], [BOX[0], BOX[3]], [BOX[0], BOX[1]]]
    with store.transaction() as s:
        s.add(
            District(
                code="211302",
                name="双塔区",
                geometry=json.dumps({"type": "Polygon", "coordinates": [box]}),
            )
        )
        s.flush()
        s.add(Street(code="211302001", district_code="211302", name="南塔街道"))
        s.flush()
        for code in sorted({c["community_code"] for c in cells}):
            s.add(Community(code=code, street_code="211302001", name=f"社区{code[-3:]}"))
        s.flush()
        bulk_write(s, UnitGrid, cells)
    return len(cells)


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    """A fresh, migrated database's URL; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        return
    import psycopg

    name = f"cc_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_BASE + name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(label: str, url: str, src: Path, importer: Importer, grids: bool) -> float:
    engine = make_engine(url, create=True)
    migrate.upgrade(engine)
    store = Store(engine)
    try:
        if grids:
            add_grids(store)
        t0 = time.perf_counter()
        report = importer(store, src)
        seconds = time.perf_counter() - t0
    finally:
        store.dispose()
    verdict = "ok" if seconds < GOAL_S else "SLOW"
    print(
        f"{label:<24} {report.imported:>7} rows  {seconds:6.2f} s  "
        f"{report.imported / seconds:9,.0f} rows/s  [{verdict}, goal < {GOAL_S:g} s]"
    )
    return seconds


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--no-postgres", action="store_true")
    p.add_argument("--registry", choices=list(KINDS), default="components")
    p.add_argument("--only", choices=("cases", "registry"), default=None)
    p.add_argument("--grids", action="store_true", help="locate every row on 8,000 unit grids")
    args = p.parse_args()
    kind = args.registry

    def cases(store: Store, src: Path) -> ImportReport:
        return import_cases_csv(store, src, workstation="bench")

    def registry(store: Store, src: Path) -> ImportReport:
        return registry_io.import_csv(store, src, kind, workstation="bench")

    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        sources = {}
        t0 = time.perf_counter()
        if args.only != "registry":
            generate(tmp / "cases.csv", args.rows)
            sources["cases"] = (tmp / "cases.csv", cases)
        if args.only != "cases":
            generate_registry(tmp / f"{kind}.csv", args.rows, kind)
            sources[kind] = (tmp / f"{kind}.csv", registry)
        print(
            f"generated {args.rows} rows of {', '.join(sources)} in "
            f"{time.perf_counter() - t0:.2f} s" + ("; 8,000 unit grids" if args.grids else "")
        )
        dialects = ["sqlite"] if args.no_postgres else ["sqlite", "postgresql"]
        seconds: dict[tuple[str, str], float] = {}
        for dialect in dialects:
            for what, (src, importer) in sources.items():
                with database(dialect, tmp) as url:
                    seconds[dialect, what] = run(
                        f"{dialect} {what}", url, src, importer, args.grids
                    )
        for what in sources:  # the script's baseline: SQLite, same rows, same process
            if ("postgresql", what) in seconds:
                ratio = seconds["postgresql", what] / seconds["sqlite", what]
                print(f"{what}: postgresql / sqlite: {ratio:.2f}x")
        if len(sources) == 2:  # a registry against the cases, same engine, same process
            for dialect in dialects:
                ratio = seconds[dialect, kind] / seconds[dialect, "cases"]
                print(f"{dialect}: {kind} / cases: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
