"""The city plan's measurable targets (朝阳市"十四五"城市管理发展规划) with their actual figures.

The targets and their numbers are the plan's (sections 十三–二十四, see
/work/shared/reference/chaoyang-urban-management-plan-2021-2025.txt). Where the city keeps
the registry a target is about (`services.registries`), the figure is read from it
(source "registry"): shop-front rates city-wide, the drains' intact rate, new illegal
buildings found this year (against the same span of last year) and the stock still
standing (against a quarter ago, from a baseline at 1 January), open smart farmers' markets,
and each key project's progress; the previous figure is the same one a quarter earlier,
replayed from the registry's history. Where that registry holds nothing, new illegal
buildings are counted from the cases (registered cases of the catalogue's 新增建筑 event
200101, cited under 城乡规划法 §64), and the other figures are entered by hand, as the wet
sweep rate always is: kept with who entered them, when and why in a JSON file
(`PlanFiguresStore`); the latest is the actual, the one before it the previous.

Status (`status`):
- unknown: no actual figure yet;
- met: "≥" actual ≥ target; "=" actual = target; "→0" actual = 0;
- on_track: not met, but closer to the target than the previous figure;
- behind: not met, and no closer than before (or nothing to compare with).

Progress (`progress`, 0..1): actual / target for a positive target; for a zero target,
1 − actual / baseline (the figure it started from: the first on record, or last year's
count), 1 at zero, 0 without a baseline.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

from sqlalchemy import func, select

from command_center.domain.calendar import CST
from command_center.services.changes import ServiceError
from command_center.services.registries import RegistryService
from command_center.store.engine import Store
from command_center.store.models import Case

Comparator = Literal["≥", "=", "→0"]
Source = Literal["cases", "manual", "registry"]
Status = Literal["met", "on_track", "behind", "unknown"]
FIGURES_FILE = "plan_figures.json"
"""The figures file's name in the user config folder (the app passes the full path)."""
NEW_ILLEGAL_BUILDING_CATEGORIES: tuple[str, ...] = ("200101",)
"""Catalogue codes whose registered cases are new illegal buildings (新增建筑)."""


@dataclass(frozen=True)
class PlanTarget:
    """One measurable target and where it stands. `unit` is "percent" or "count"."""

    key: str
    name: str  # the plan's wording
    unit: str
    target: float
    comparator: Comparator
    actual: float | None = None
    previous: float | None = None
    source: Source = "manual"
    baseline: float | None = None  # where a zero target started from
    note: str = ""
    updated_by: str | None = None
    updated_at: datetime | None = None
    registry: str | None = None  # the registry (domain.registries kind) it is read from

    @property
    def trend(self) -> float | None:
        if self.actual is None or self.previous is None:
            return None
        return self.actual - self.previous


TARGETS: tuple[PlanTarget, ...] = (
    PlanTarget(
        "shopfront_awareness", "门前承包责任制知晓率", "percent", 100.0, "=", registry="shopfronts"
    ),
    PlanTarget(
        "shopfront_signed", "临街单位责任书签订率", "percent", 100.0, "=", registry="shopfronts"
    ),
    PlanTarget(
        "shopfront_fulfilled", "门前承包责任落实率", "percent", 100.0, "=", registry="shopfronts"
    ),
    PlanTarget("wet_sweep", "道路湿扫率", "percent", 85.0, "≥"),
    PlanTarget("drainage_intact", "排水设施完好率", "percent", 100.0, "=", registry="components"),
    PlanTarget(
        "new_illegal_buildings",
        "新增违建（本年）",
        "count",
        0.0,
        "=",
        source="cases",
        registry="illegal_buildings",
    ),
    PlanTarget(
        "illegal_building_stock", "存量违建", "count", 0.0, "→0", registry="illegal_buildings"
    ),
    PlanTarget("smart_markets", "智慧农贸市场", "count", 14.0, "≥", registry="markets"),
    PlanTarget(
        "project_landfill",
        "狼山简易垃圾场存量垃圾处理项目",
        "percent",
        100.0,
        "≥",
        registry="projects",
    ),
    PlanTarget("project_smart_cg", "智慧城管建设", "percent", 100.0, "≥", registry="projects"),
    PlanTarget(
        "project_drainage", "南北外城区排水完善工程", "percent", 100.0, "≥", registry="projects"
    ),
    PlanTarget(
        "project_construction_waste",
        "建筑垃圾资源再利用项目",
        "percent",
        100.0,
        "≥",
        registry="projects",
    ),
)
"""The plan's targets in display order (actuals empty)."""

MANUAL_KEYS = frozenset(t.key for t in TARGETS if t.source == "manual")
"""Targets entered by hand when their registry holds nothing (wet_sweep always)."""
PROJECT_REFS = {
    "project_landfill": "十三",
    "project_smart_cg": "十六",
    "project_drainage": "十七",
    "project_construction_waste": "十八",
}
"""The key projects' targets by the plan's section (the project's 规划条目)."""
PREVIOUS_DAYS = 91
"""A figure read from a registry is compared with the same figure a quarter earlier."""


def status(target: PlanTarget) -> Status:
    """met / on_track / behind / unknown (see the module docstring)."""
    actual = target.actual
    if actual is None:
        return "unknown"
    goal = 0.0 if target.comparator == "→0" else target.target
    if target.comparator == "≥":
        met = actual >= goal
    else:
        met = math.isclose(actual, goal, abs_tol=1e-9)
    if met:
        return "met"
    if target.previous is not None and abs(actual - goal) < abs(target.previous - goal):
        return "on_track"
    return "behind"


def progress(target: PlanTarget) -> float | None:
    """How far along, 0..1 (see the module docstring); None without an actual figure."""
    actual = target.actual
    if actual is None:
        return None
    goal = 0.0 if target.comparator == "→0" else target.target
    if goal > 0:
        return max(0.0, min(1.0, actual / goal))
    if actual <= 0:
        return 1.0
    if target.baseline is None or target.baseline <= 0:
        return 0.0
    return max(0.0, min(1.0, 1 - actual / target.baseline))


# -- the figures entered by hand ------------------------------------------------------------
@dataclass(frozen=True)
class PlanFigure:
    """One figure entered for a target: the value, why, by whom, when."""

    value: float
    note: str
    by: str
    at: datetime


class PlanFiguresError(ServiceError):
    """The figures file cannot be used, or a figure is not acceptable; the message says why."""


class PlanFiguresStore:
    """The manual figures of the plan's targets, each target's history oldest first."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def load(self) -> dict[str, list[PlanFigure]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise PlanFiguresError(f"cannot read the figures file {self.path}: {exc}") from exc
        try:
            raw = json.loads(text)
            figures = raw["figures"]
            return {
                str(key): [
                    PlanFigure(
                        float(e["value"]),
                        str(e.get("note", "")),
                        str(e["by"]),
                        _aware(datetime.fromisoformat(e["at"])),
                    )
                    for e in entries
                ]
                for key, entries in figures.items()
            }
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PlanFiguresError(
                f"the figures file {self.path} is damaged ({type(exc).__name__}: {exc}); "
                "fix or remove it"
            ) from exc

    def record(self, key: str, value: float, *, note: str, by: str, at: datetime) -> PlanFigure:
        """Add a figure for a manual target and save the file; returns what was saved."""
        spec = next((t for t in TARGETS if t.key == key), None)
        if spec is None or spec.source != "manual":
            raise PlanFiguresError(f"{key!r} is not a target entered by hand")
        if not math.isfinite(value) or value < 0:
            raise PlanFiguresError(f"a figure must be a number of 0 or more, not {value}")
        if spec.unit == "percent" and value > 100:
            raise PlanFiguresError(f"a rate cannot exceed 100 %: {value}")
        if not by.strip():
            raise PlanFiguresError("say who enters the figure")
        figure = PlanFigure(float(value), note.strip(), by.strip(), _aware(at))
        figures = self.load()
        figures.setdefault(key, []).append(figure)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": 1,
            "figures": {
                k: [
                    {"value": f.value, "note": f.note, "by": f.by, "at": f.at.isoformat()}
                    for f in entries
                ]
                for k, entries in figures.items()
            },
        }
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, indent=2)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return figure


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise PlanFiguresError(f"naive time {at!r}: give the time zone")
    return at.astimezone(CST)


# -- where every target stands --------------------------------------------------------------
def new_illegal_buildings(
    store: Store,
    start: datetime,
    end: datetime,
    categories: Sequence[str] = NEW_ILLEGAL_BUILDING_CATEGORIES,
) -> int:
    """Registered cases of the new-building categories reported in [start, end)."""
    with store.read() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(Case)
                .where(
                    Case.category_code.in_(categories),
                    Case.registered_at.is_not(None),
                    Case.reported_at >= start,
                    Case.reported_at < end,
                )
            )
            or 0
        )


def plan_targets(store: Store, figures: PlanFiguresStore, *, as_of: datetime) -> list[PlanTarget]:
    """Every target with its actual and previous figure as of `as_of`."""
    entered = figures.load()
    registries = RegistryService(store, clock=lambda: as_of)
    filled = {k: bool(registries.status_counts(k)) for k in {t.registry for t in TARGETS} if k}
    out = []
    for t in TARGETS:
        if t.registry and filled[t.registry]:
            out.append(_from_registry(registries, t, as_of))
            continue
        if t.source == "cases":
            out.append(_from_cases(store, t, as_of))
            continue
        history = entered.get(t.key, [])
        if not history:
            out.append(t)
            continue
        latest = history[-1]
        out.append(
            replace(
                t,
                actual=latest.value,
                previous=history[-2].value if len(history) > 1 else None,
                baseline=history[0].value,
                note=latest.note,
                updated_by=latest.by,
                updated_at=latest.at,
            )
        )
    return out


def _from_cases(store: Store, t: PlanTarget, as_of: datetime) -> PlanTarget:
    local = as_of.astimezone(CST)
    year_start = datetime(local.year, 1, 1, tzinfo=CST)
    last_start = datetime(local.year - 1, 1, 1, tzinfo=CST)
    # The same span of last year (29 February falls back to the 28th).
    try:
        last_same = local.replace(year=local.year - 1)
    except ValueError:
        last_same = local.replace(year=local.year - 1, day=28)
    this_year = new_illegal_buildings(store, year_start, as_of)
    last_year = new_illegal_buildings(store, last_start, last_same)
    return replace(
        t,
        actual=float(this_year),
        previous=float(last_year),
        baseline=float(last_year),
        updated_at=as_of,
    )


def _from_registry(reg: RegistryService, t: PlanTarget, as_of: datetime) -> PlanTarget:
    """The target read from its registry: now and a quarter ago (previous); the stock's
    baseline is what stood this year (`_stock_this_year`)."""
    local = as_of.astimezone(CST)
    earlier = as_of - timedelta(days=PREVIOUS_DAYS)
    year_start = datetime(local.year, 1, 1, tzinfo=CST)
    baseline = None
    if t.key == "new_illegal_buildings":
        actual = _new_buildings(reg, local.date().replace(month=1, day=1), local.date())
        try:
            last_same = local.date().replace(year=local.year - 1)
        except ValueError:
            last_same = local.date().replace(year=local.year - 1, day=28)
        previous = _new_buildings(reg, last_same.replace(month=1, day=1), last_same)
        baseline = previous
    elif t.key == "illegal_building_stock":
        actual = reg.illegal_building_counts(local.year, as_of)["stock_open"]
        previous = reg.illegal_building_counts(local.year, earlier)["stock_open"]
        baseline = _stock_this_year(reg, year_start.date())
    else:
        actual = _registry_figure(reg, t.key, as_of)
        previous = _registry_figure(reg, t.key, earlier)
    return replace(
        t,
        source="registry",
        actual=None if actual is None else float(actual),
        previous=None if previous is None else float(previous),
        baseline=None if baseline is None else float(baseline),
        updated_at=as_of,
    )


def _stock_this_year(reg: RegistryService, year_start: date) -> int:
    """The stock this year's clearance started from: every stock illegal building standing
    on 1 January or entered since (not demolished before the year)."""
    first = year_start.isoformat()
    return sum(
        1
        for _, _, a in reg.states("illegal_buildings")
        if a.get("origin") == "stock" and str(a.get("demolished_on") or "9999") >= first
    )


def _new_buildings(reg: RegistryService, first: date, last: date) -> int:
    """Illegal buildings of origin 新增 found between two days (both included)."""
    lo, hi = first.isoformat(), last.isoformat()
    return sum(
        1
        for _, _, a in reg.states("illegal_buildings")
        if a.get("origin") == "new" and lo <= str(a.get("found_on", "")) <= hi
    )


def _registry_figure(reg: RegistryService, key: str, at: datetime) -> float | None:
    if key.startswith("shopfront_"):
        city = reg.shopfront_rates(as_of=at)[-1]
        count = {
            "shopfront_awareness": city.informed,
            "shopfront_signed": city.signed,
            "shopfront_fulfilled": city.fulfilled,
        }[key]
        return city.rate(count)
    if key == "drainage_intact":
        intact, total = reg.intact_rates(as_of=at).get("drain", (0, 0))
        return None if total == 0 else 100.0 * intact / total
    if key == "smart_markets":
        return reg.count_where("markets", status="open", as_of=at, market_type="smart_farmers")
    if key in PROJECT_REFS:
        return reg.project_progress(as_of=at).get(PROJECT_REFS[key])
    raise KeyError(key)


# The demo city's figures (two per target, a quarter apart, so the panel shows a trend):
# plausible for a city halfway through the 2021–2025 plan, marked as demo data.
DEMO_FIGURES: dict[str, tuple[float, float]] = {
    "wet_sweep": (79.0, 83.5),
}
"""The demo's hand-entered figures: only what no registry holds (the demo seeds every
registry, which the other targets are read from)."""


def seed_demo_figures(figures: PlanFiguresStore, now: datetime) -> int:
    """Give a new demo deployment its figures (nothing when the file already holds some);
    returns how many were written."""
    if figures.load():
        return 0
    n = 0
    for key, (earlier, latest) in DEMO_FIGURES.items():
        for value, at, note in (
            (earlier, now - timedelta(days=91), "演示数据：上季度"),
            (latest, now - timedelta(days=3), "演示数据：本季度"),
        ):
            figures.record(key, value, note=note, by="演示数据", at=at)
            n += 1
    return n
