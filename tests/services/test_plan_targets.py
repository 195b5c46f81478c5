"""The plan's targets: numbers from the plan, actuals from the case history and the figures
file, status and progress rules."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import pytest

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import Role as R
from command_center.services.plan_targets import (
    MANUAL_KEYS,
    NEW_ILLEGAL_BUILDING_CATEGORIES,
    TARGETS,
    PlanFiguresError,
    PlanFiguresStore,
    PlanTarget,
    plan_targets,
    progress,
    status,
)

AS_OF = datetime(2026, 11, 27, 9, 0, tzinfo=CST)
BY_KEY = {t.key: t for t in TARGETS}


def test_the_plans_numbers() -> None:
    assert {k: (t.target, t.comparator) for k, t in BY_KEY.items() if k.startswith("shop")} == {
        "shopfront_awareness": (100.0, "="),
        "shopfront_signed": (100.0, "="),
        "shopfront_fulfilled": (100.0, "="),
    }
    assert (BY_KEY["wet_sweep"].target, BY_KEY["wet_sweep"].comparator) == (85.0, "≥")
    assert BY_KEY["drainage_intact"].target == 100.0
    assert (BY_KEY["new_illegal_buildings"].target, BY_KEY["new_illegal_buildings"].source) == (
        0.0,
        "cases",
    )
    assert BY_KEY["illegal_building_stock"].comparator == "→0"
    assert (BY_KEY["smart_markets"].target, BY_KEY["smart_markets"].unit) == (14.0, "count")


def test_the_new_building_category_is_in_the_catalogue() -> None:
    (code,) = NEW_ILLEGAL_BUILDING_CATEGORIES
    category = Catalogue.default().get(code)
    assert category is not None and category.name == "新增建筑"


@pytest.mark.parametrize(
    ("key", "actual", "previous", "expected"),
    [
        ("wet_sweep", None, None, "unknown"),
        ("wet_sweep", 85.0, None, "met"),  # ≥ 85 at the boundary
        ("wet_sweep", 84.9, 80.0, "on_track"),  # not there, but closer than before
        ("wet_sweep", 80.0, 84.9, "behind"),  # further away
        ("wet_sweep", 80.0, None, "behind"),  # nothing to compare with
        ("drainage_intact", 100.0, 99.0, "met"),
        ("drainage_intact", 99.0, 99.0, "behind"),  # no closer
        ("illegal_building_stock", 0.0, 3.0, "met"),
        ("illegal_building_stock", 2.0, 3.0, "on_track"),
        ("illegal_building_stock", 3.0, 2.0, "behind"),
        ("new_illegal_buildings", 0.0, 4.0, "met"),
        ("smart_markets", 14.0, 12.0, "met"),
        ("smart_markets", 9.0, 6.0, "on_track"),
    ],
)
def test_status(key, actual, previous, expected) -> None:
    assert status(replace(BY_KEY[key], actual=actual, previous=previous)) == expected


def test_progress() -> None:
    t = BY_KEY
    assert progress(t["wet_sweep"]) is None
    assert progress(replace(t["wet_sweep"], actual=68.0)) == pytest.approx(0.8)  # 68 / 85
    assert progress(replace(t["wet_sweep"], actual=95.0)) == 1.0  # capped
    assert progress(replace(t["smart_markets"], actual=7.0)) == pytest.approx(0.5)  # 7 / 14
    stock = replace(t["illegal_building_stock"], actual=30.0, baseline=120.0)
    assert progress(stock) == pytest.approx(0.75)  # 1 − 30 / 120
    assert progress(replace(stock, actual=0.0)) == 1.0
    assert progress(replace(stock, baseline=None)) == 0.0


def test_figures_are_kept_with_who_when_and_why(tmp_path) -> None:
    figures = PlanFiguresStore(tmp_path / "cfg" / "plan_figures.json")
    assert figures.load() == {}
    figures.record(
        "wet_sweep", 80.0, note="9月抽查", by="张科长", at=datetime(2026, 10, 1, 9, tzinfo=CST)
    )
    figures.record("wet_sweep", 86.5, note=" 10月抽查 ", by="张科长", at=AS_OF)
    again = PlanFiguresStore(figures.path).load()["wet_sweep"]
    assert [(f.value, f.note, f.by, f.at) for f in again] == [
        (80.0, "9月抽查", "张科长", datetime(2026, 10, 1, 9, tzinfo=CST)),
        (86.5, "10月抽查", "张科长", AS_OF),
    ]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("new_illegal_buildings", 1.0, "not a target entered by hand"),
        ("nonsense", 1.0, "not a target entered by hand"),
        ("wet_sweep", 101.0, "cannot exceed 100"),
        ("smart_markets", -1.0, "0 or more"),
        ("smart_markets", float("inf"), "0 or more"),
    ],
)
def test_bad_figures_are_refused(tmp_path, key, value, message) -> None:
    with pytest.raises(PlanFiguresError, match=message):
        PlanFiguresStore(tmp_path / "f.json").record(key, value, note="", by="x", at=AS_OF)


def test_a_damaged_figures_file_names_itself(tmp_path) -> None:
    path = tmp_path / "plan_figures.json"
    path.write_text('{"figures": {"wet_sweep": [{"value": "many"}]}}', encoding="utf-8")
    with pytest.raises(PlanFiguresError, match="damaged") as err:
        PlanFiguresStore(path).load()
    assert str(path) in str(err.value)


def test_plan_targets_from_cases_and_figures(store, org, tmp_path) -> None:
    svc, a, clock = org.service, org.actors, org.clock

    def new_building(when: datetime, *, register: bool = True) -> None:
        clock.now = when
        cid = svc.report(a[R.INSPECTOR], category_code="200101", lon=120.4515, lat=41.5705).case_id
        if register:
            svc.register(a[R.SHIFT_CHIEF], cid)

    # This year up to AS_OF: two registered, one still awaiting a decision (not counted), and
    # one of another category (not counted).
    new_building(datetime(2026, 1, 1, 0, 30, tzinfo=CST))  # 31 Dec 16:30 UTC: still 2026 CST
    new_building(datetime(2026, 11, 2, 9, tzinfo=CST))
    new_building(datetime(2026, 11, 3, 9, tzinfo=CST), register=False)
    clock.now = datetime(2026, 11, 4, 9, tzinfo=CST)
    svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515, lat=41.5705)
    # Last year: three before 27 Nov 09:00, one after (not in the same span).
    for month in (3, 6, 11):
        new_building(datetime(2025, month, 2, 9, tzinfo=CST))
    new_building(datetime(2025, 12, 1, 9, tzinfo=CST))

    figures = PlanFiguresStore(tmp_path / "plan_figures.json")
    figures.record("illegal_building_stock", 120, note="台账", by="李", at=AS_OF)
    figures.record("illegal_building_stock", 90, note="拆除30处", by="李", at=AS_OF)
    figures.record("illegal_building_stock", 75, note="拆除15处", by="王", at=AS_OF)

    targets = {t.key: t for t in plan_targets(store, figures, as_of=AS_OF)}
    assert [t.key for t in plan_targets(store, figures, as_of=AS_OF)] == [t.key for t in TARGETS]
    new = targets["new_illegal_buildings"]
    assert (new.actual, new.previous, new.trend) == (2.0, 3.0, -1.0)
    assert status(new) == "on_track" and progress(new) == pytest.approx(1 - 2 / 3)
    stock = targets["illegal_building_stock"]
    assert (stock.actual, stock.previous, stock.baseline) == (75.0, 90.0, 120.0)
    assert (stock.updated_by, stock.note) == ("王", "拆除15处")
    assert status(stock) == "on_track" and progress(stock) == pytest.approx(1 - 75 / 120)
    assert targets["wet_sweep"].actual is None and status(targets["wet_sweep"]) == "unknown"
    assert MANUAL_KEYS == {t.key for t in TARGETS} - {"new_illegal_buildings"}


def test_plan_target_trend() -> None:
    t = PlanTarget("k", "n", "percent", 85.0, "≥", actual=80.0, previous=75.5)
    assert t.trend == pytest.approx(4.5)
    assert replace(t, previous=None).trend is None
    assert json.dumps(t.key)  # plain data


def test_the_demo_gets_its_figures_once(tmp_path):
    from datetime import datetime

    from command_center.domain.calendar import CST
    from command_center.services.plan_targets import (
        DEMO_FIGURES,
        MANUAL_KEYS,
        PlanFiguresStore,
        seed_demo_figures,
    )

    store = PlanFiguresStore(tmp_path / "plan_figures.json")
    now = datetime(2026, 11, 27, 9, 0, tzinfo=CST)
    # Only what no registry holds is entered by hand in the demo (it seeds every registry).
    assert set(DEMO_FIGURES) == {t.key for t in TARGETS if t.registry is None} <= MANUAL_KEYS
    assert seed_demo_figures(store, now) == 2 * len(DEMO_FIGURES) == 2
    assert seed_demo_figures(store, now) == 0  # never over figures already there
    figures = store.load()
    assert [f.value for f in figures["wet_sweep"]] == [79.0, 83.5]


def test_plan_targets_read_from_the_registries(store, org, tmp_path) -> None:
    """With the registries filled, their targets are read from them (figures entered by hand
    for those targets are then ignored); a quarter earlier is replayed from the history."""
    from datetime import timedelta

    from command_center.services.registries import RegistryService

    a, clock = org.actors, org.clock
    chief = a[R.SHIFT_CHIEF]
    reg = RegistryService(store, clock=clock)
    clock.now = AS_OF - timedelta(days=200)
    sq = {
        "type": "Polygon",
        "coordinates": [
            [[120.4502, 41.5702], [120.4506, 41.5702], [120.4506, 41.5705], [120.4502, 41.5702]]
        ],
    }
    stock = [
        reg.create(
            chief,
            "illegal_buildings",
            name=f"存量{i}",
            geometry=sq,
            attrs={"area_m2": 30, "found_on": "2019-05-01", "origin": "stock"},
        )[0]
        for i in range(4)
    ]
    reg.step(chief, stock[0], "self_demolish", {"demolished_on": "2026-03-01"})
    shops = [
        reg.create(chief, "shopfronts", name=f"商户{i}", lon=120.4501, lat=41.5702)[0]
        for i in range(4)
    ]
    reg.step(chief, shops[0], "sign", {"signed_on": "2026-05-01"})
    drains = [
        reg.create(
            chief,
            "components",
            name=f"篦子{i}",
            lon=120.4503,
            lat=41.5703,
            attrs={"component_type": "drain"},
        )[0]
        for i in range(5)
    ]
    reg.create(
        chief,
        "components",
        name="路灯",
        lon=120.4503,
        lat=41.5703,
        attrs={"component_type": "street_light"},
    )
    reg.step(chief, drains[0], "report_damage", {"damage": "篦子缺失一块"})
    p, _ = reg.create(
        chief,
        "projects",
        name="南北外城区排水完善工程",
        lon=120.46,
        lat=41.58,
        attrs={"owner_unit": "市住建局", "due_on": "2026-12-31", "plan_ref": "十七"},
    )
    reg.step(chief, p, "start", {"start_on": "2026-05-01"})
    reg.step(chief, p, "report_progress", {"progress_pct": 40, "milestone": "中山大街段开工"})
    # This quarter: one more stock building gone, one more shop signed, progress reported.
    clock.now = AS_OF - timedelta(days=10)
    reg.step(chief, stock[1], "self_demolish", {"demolished_on": "2026-11-01"})
    reg.step(chief, shops[1], "sign", {"signed_on": "2026-11-01"})
    reg.step(chief, p, "report_progress", {"progress_pct": 55, "milestone": "管道铺设过半"})
    reg.create(
        chief,
        "illegal_buildings",
        name="新增彩钢房",
        geometry=sq,
        attrs={"area_m2": 20, "found_on": "2026-11-10", "origin": "new"},
    )
    figures = PlanFiguresStore(tmp_path / "plan_figures.json")
    figures.record("shopfront_signed", 99, note="手工", by="李", at=AS_OF)  # ignored
    t = {t.key: t for t in plan_targets(store, figures, as_of=AS_OF)}
    signed = t["shopfront_signed"]
    assert (signed.source, signed.actual, signed.previous) == ("registry", 50.0, 25.0)
    assert status(signed) == "on_track"
    assert t["shopfront_fulfilled"].actual == 0.0
    assert (t["drainage_intact"].actual, t["drainage_intact"].previous) == (80.0, 80.0)
    stock_t = t["illegal_building_stock"]
    assert (stock_t.actual, stock_t.previous, stock_t.baseline) == (2.0, 3.0, 4.0)
    assert progress(stock_t) == pytest.approx(0.5)
    new = t["new_illegal_buildings"]
    assert (new.source, new.actual, new.previous) == ("registry", 1.0, 0.0)
    assert (t["project_drainage"].actual, t["project_drainage"].previous) == (55.0, 40.0)
    assert t["project_landfill"].actual is None and t["project_landfill"].source == "registry"
    # No markets in the registry: that target still takes the figures entered by hand.
    assert t["smart_markets"].source == "manual" and t["smart_markets"].actual is None
    assert t["wet_sweep"].source == "manual"
