"""Dispatch rules at city scale: `recommend` over 200 squads, duplicates over 100,000 cases.

Each is timed per call (median and p95 over many calls at random case positions) against a
naive pure-Python loop run in the same process on the same data, and the answers are checked
to agree:
  * recommend: 200 squads (60 % available, 30 % busy, 10 % off duty, 5 % without a fix)
    over a Chaoyang-sized area; the baseline filters, scores and sorts squad by squad with a
    `math` haversine.
  * possible_duplicates over 100,000 open cases, once spread over 40 categories and once all
    in one category (the worst case): the one-shot function (rows in, answer out, including
    the conversion of the rows to arrays), and `OpenCaseIndex.near` once the index is built
    (its build time is reported); the baseline loops over every row with a `math` haversine.

Prints one JSON object. Run: .venv/bin/python bench/bench_dispatch.py [--squads N]
[--cases N] [--calls N] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from command_center.domain.dispatch import (
    DEFAULT_WEIGHTS,
    OpenCaseIndex,
    SquadCandidate,
    possible_duplicates,
    recommend,
)
from command_center.domain.geo import EARTH_MEAN_RADIUS_M

WEST, EAST, SOUTH, NORTH = 120.33, 120.63, 41.48, 41.66  # ~25 km x 20 km around the core
RADIUS_M = 50.0
LIMIT = 5


def haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """The baseline's distance: the same formula as geo.haversine_m, without its checks."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2.0) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_MEAN_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def naive_recommend(
    lon: float, lat: float, squads: Sequence[SquadCandidate], limit: int
) -> list[tuple[int, float]]:
    """Baseline: one squad at a time, default weights, full sort."""
    w = DEFAULT_WEIGHTS
    speed = w.metres_per_minute
    ranked = []
    for s in squads:
        if s.status not in ("available", "busy") or not s.on_shift:
            continue
        if s.lon is None or s.lat is None:
            continue
        d = haversine(lon, lat, s.lon, s.lat)
        score = d / speed + s.open_cases * w.minutes_per_open_case
        if s.status == "busy":
            score += w.busy_penalty_min
        ranked.append((score, d, s.id))
    ranked.sort()
    return [(i, score) for score, _, i in ranked[:limit]]


def naive_duplicates(
    lon: float, lat: float, category: str, cases: Sequence[tuple[int, float, float, str]]
) -> list[tuple[int, float]]:
    """Baseline: every open case, one at a time."""
    hits = []
    for case_id, x, y, c in cases:
        if c == category:
            d = haversine(lon, lat, x, y)
            if d <= RADIUS_M:
                hits.append((d, case_id))
    hits.sort()
    return [(i, d) for d, i in hits]


def per_call_ms(fn: Callable[[Any], Any], args: Sequence[Any]) -> tuple[dict[str, float], list]:
    """Median and p95 wall time of `fn(a)` over `args`, in ms, and the answers."""
    times, answers = [], []
    for a in args:
        t = time.perf_counter()
        answers.append(fn(a))
        times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
    return {"median_ms": round(statistics.median(times), 4), "p95_ms": round(p95, 4)}, answers


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next(
                line.split(":", 1)[1].strip() for line in f if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )


def make_squads(rng: np.random.Generator, n: int) -> list[SquadCandidate]:
    status = rng.choice(["available", "busy", "off_duty"], size=n, p=[0.6, 0.3, 0.1])
    lons = rng.uniform(WEST, EAST, n)
    lats = rng.uniform(SOUTH, NORTH, n)
    no_fix = rng.random(n) < 0.05
    loads = rng.integers(0, 5, n)
    return [
        SquadCandidate(
            id=i + 1,
            lon=None if no_fix[i] else float(lons[i]),
            lat=None if no_fix[i] else float(lats[i]),
            status=str(status[i]),
            open_cases=int(loads[i]),
        )
        for i in range(n)
    ]


def make_cases(
    rng: np.random.Generator, n: int, categories: int
) -> list[tuple[int, float, float, str]]:
    codes = [f"{k // 10 + 1:02d}{k % 10 + 1:02d}" for k in range(categories)]
    cat = rng.integers(0, categories, n)
    lons = rng.uniform(WEST, EAST, n).tolist()
    lats = rng.uniform(SOUTH, NORTH, n).tolist()
    return [(i + 1, lons[i], lats[i], codes[cat[i]]) for i in range(n)]


def recommend_scenario(rng: np.random.Generator, n: int, calls: int) -> dict[str, Any]:
    squads = make_squads(rng, n)
    points = list(
        zip(
            rng.uniform(WEST, EAST, calls).tolist(),
            rng.uniform(SOUTH, NORTH, calls).tolist(),
            strict=True,
        )
    )
    fast, recs = per_call_ms(lambda p: recommend(p[0], p[1], squads, limit=LIMIT), points)
    naive, expected = per_call_ms(lambda p: naive_recommend(p[0], p[1], squads, LIMIT), points)
    for got, want in zip(recs, expected, strict=True):
        assert [r.squad_id for r in got] == [i for i, _ in want], "recommend disagrees"
        assert np.allclose([r.score for r in got], [s for _, s in want], rtol=1e-12)
    return {
        "squads": n,
        "limit": LIMIT,
        "calls": calls,
        "recommend": fast,
        "naive_loop": naive,
        "ratio_vs_naive": round(naive["median_ms"] / fast["median_ms"], 2),
    }


def duplicates_scenario(
    rng: np.random.Generator, cases: list[tuple[int, float, float, str]], calls: int
) -> dict[str, Any]:
    # Query at existing cases (a re-report), so most look-ups have hits.
    picks = rng.integers(0, len(cases), calls).tolist()
    queries = []
    for k in picks:
        _, x, y, c = cases[k]
        queries.append((x + rng.normal(0, 0.0002), y + rng.normal(0, 0.0002), c))

    t = time.perf_counter()
    index = OpenCaseIndex(cases)
    build_ms = (time.perf_counter() - t) * 1e3

    one_shot, got = per_call_ms(lambda q: possible_duplicates(*q, cases, RADIUS_M), queries)
    indexed, via_index = per_call_ms(lambda q: index.near(*q, RADIUS_M), queries)
    naive, expected = per_call_ms(lambda q: naive_duplicates(*q, cases), queries)

    for a, b, e in zip(got, via_index, expected, strict=True):
        assert a == b, "OpenCaseIndex disagrees with possible_duplicates"
        assert [i for i, _ in a] == [i for i, _ in e], "disagrees with the naive loop"
        assert np.allclose([d for _, d in a], [d for _, d in e], rtol=0, atol=1e-6)
    return {
        "open_cases": len(cases),
        "categories": len({c for *_, c in cases}),
        "calls": calls,
        "mean_hits": round(sum(len(e) for e in expected) / calls, 2),
        "possible_duplicates": one_shot,
        "index_build_ms": round(build_ms, 1),
        "index_near": indexed,
        "naive_loop": naive,
        "ratio_one_shot_vs_naive": round(naive["median_ms"] / one_shot["median_ms"], 1),
        "ratio_index_vs_naive": round(naive["median_ms"] / indexed["median_ms"], 1),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squads", type=int, default=200)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=200, help="timed calls per method")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)

    dup_calls = max(10, args.calls // 4)  # the naive loop over 100k rows is slow
    out = {
        "setup": "dispatch",
        "machine": machine(),
        "recommend": recommend_scenario(rng, args.squads, args.calls),
        "recommend_10x_squads": recommend_scenario(rng, 10 * args.squads, args.calls),
        "duplicates_40_categories": duplicates_scenario(
            rng, make_cases(rng, args.cases, 40), dup_calls
        ),
        "duplicates_one_category": duplicates_scenario(
            rng, make_cases(rng, args.cases, 1), dup_calls
        ),
    }
    print(json.dumps(out, indent=2), flush=True)
    return out


if __name__ == "__main__":
    main()
