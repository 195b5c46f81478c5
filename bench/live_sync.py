"""Live sync between two workstations on the real PostgreSQL: how long until the other sees it.

One process (a subprocess, the "writer" workstation) reports 200 cases through `CaseService`,
one every 20 ms, and prints each case id with the wall-clock time right after its commit.
This process (the "reader" workstation) follows the change log with `ChangeFeed` and notes
when each case arrives. Delay = arrival − commit, both read from the same machine's clock.

Run twice in the same process: LISTEN/NOTIFY (the shipped mode), and the baseline, the same
feed polling the log every 250 ms (what SQLite deployments do). Prints one JSON object per
figure and a last line `{"ratio_poll_vs_listen_p50": …}`.

Run: .venv/bin/python bench/live_sync.py [--changes 200] [--url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import text

from command_center.domain.workflow import Role
from command_center.live.changefeed import ChangeFeed
from command_center.store.engine import Store, make_engine
from command_center.store.migrate import upgrade
from command_center.store.models import (
    Community,
    District,
    Person,
    PersonRole,
    Street,
    Unit,
    UnitGrid,
)

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
GOAL_P95_MS = 100.0

WRITER = """
import sys, time
from command_center.domain.calendar import WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import Role
from command_center.services.cases import Actor, CaseService
from command_center.store.engine import Store, make_engine
store = Store(make_engine(__URL__))
svc = CaseService(store, Catalogue.default(), WorkCalendar.default(), workstation="writer")
actor = Actor(__PERSON__, Role.INTAKE)
print("ready", flush=True)
sys.stdin.readline()
for _ in range(__N__):
    c = svc.report(actor, category_code="200102", lon=120.4505, lat=41.5705, description="bench")
    print(sorted(c.tables["cases"])[0], time.time(), flush=True)
    time.sleep(0.02)
store.dispose()
"""


def square(lon: float, lat: float, d: float = 0.001) -> str:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def setup(url: str) -> int:
    engine = make_engine(url)
    upgrade(engine)
    store = Store(engine)
    with store.transaction() as s:
        s.add(District(code="211302", name="双塔区", geometry=square(120.40, 41.50, 0.2)))
        s.flush()
        s.add(Street(code="211302001", district_code="211302", name="南塔街道"))
        s.flush()
        s.add(Community(code="211302001001", street_code="211302001", name="测试社区"))
        s.flush()
        s.add(UnitGrid(code="211302001001001", district_code="211302", street_code="211302001",
                       community_code="211302001001", geometry=square(120.45, 41.57),
                       min_lon=120.45, min_lat=41.57, max_lon=120.451, max_lat=41.571,
                       area_m2=9300.0))
        unit = Unit(code="T01", name="南塔中队", kind="team", unit_type="enforcement")
        s.add(unit)
        s.flush()
        p = Person(code="P1", name="受理员", unit_id=unit.id)
        s.add(p)
        s.flush()
        s.add(PersonRole(person_id=p.id, role=Role.INTAKE.value))
        person = p.id
    store.dispose()
    return person


def run(url: str, person: int, n: int, listen: bool) -> list[float]:
    store = Store(make_engine(url))
    arrived: dict[int, float] = {}
    cond = threading.Condition()

    def on_changes(rows) -> None:
        now = time.time()
        with cond:
            for r in rows:
                if r.table == "cases":
                    arrived.setdefault(r.row_id, now)
            cond.notify_all()

    feed = ChangeFeed(store, on_changes, listen=listen, poll_s=0.25)
    feed.start()
    code = (
        WRITER.replace("__URL__", repr(url))
        .replace("__PERSON__", str(person))
        .replace("__N__", str(n))
    )
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdin is not None
    assert writer.stdout.readline().strip() == "ready"
    writer.stdin.write("go\n")
    writer.stdin.flush()
    committed: dict[int, float] = {}
    for line in writer.stdout:
        case_id, at = line.split()
        committed[int(case_id)] = float(at)
    writer.wait(60)
    with cond:
        cond.wait_for(lambda: set(committed) <= set(arrived), timeout=30)
    feed.stop()
    store.dispose()
    missing = set(committed) - set(arrived)
    if missing:
        raise SystemExit(f"{len(missing)} changes never arrived")
    return [(arrived[i] - committed[i]) * 1000.0 for i in committed]


def stats(name: str, ms: list[float], goal: float | None = None) -> dict:
    ms = sorted(ms)
    out = {
        "figure": name,
        "changes": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[int(round(0.95 * (len(ms) - 1)))], 2),
        "max_ms": round(ms[-1], 2),
    }
    if goal is not None:
        out["goal_p95_ms"] = goal
        out["goal_met"] = out["p95_ms"] < goal
    print(json.dumps(out), flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200)
    args = parser.parse_args()
    name = f"cc_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        person = setup(url)
        print(json.dumps({"setup": "live_sync", "database": "postgresql", "changes": args.changes,
                          "writer_interval_ms": 20}), flush=True)
        listen = stats("listen_notify_delay", run(url, person, args.changes, True), GOAL_P95_MS)
        poll = stats("baseline_poll_250ms_delay", run(url, person, args.changes, False))
        print(json.dumps({"ratio_poll_vs_listen_p50": round(poll["p50_ms"] / listen["p50_ms"], 1),
                          "ratio_poll_vs_listen_p95": round(poll["p95_ms"] / listen["p95_ms"], 1)}))
    finally:
        engine = make_engine(ADMIN.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
            con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


if __name__ == "__main__":
    main()
