"""The registries on both real databases: each kind's life cycle, edits, history, links
between cases and objects, and the figures the plan's targets read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from command_center.domain.registries import KINDS, RegistryError
from command_center.domain.workflow import Role
from command_center.services.changes import ConflictError, NotFound, ServiceError
from command_center.services.registries import RegistryService
from command_center.store.models import ChangeLog, RegistryEvent, RegistryObject

R = Role
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [
            [120.4502, 41.5702],
            [120.4506, 41.5702],
            [120.4506, 41.5705],
            [120.4502, 41.5705],
            [120.4502, 41.5702],
        ]
    ],
}


@pytest.fixture
def reg(store, org) -> RegistryService:
    return RegistryService(store, clock=org.clock, workstation="desk-3")


def _building(reg, org, origin="new", found="2026-03-02", **extra):
    oid, _ = reg.create(
        org.actors[R.INSPECTOR],
        "illegal_buildings",
        name="南塔街12号院内彩钢房",
        geometry=SQUARE,
        attrs={"area_m2": "36.5", "found_on": found, "origin": origin, **extra},
    )
    return oid


def test_an_illegal_building_goes_from_found_to_demolished(store, org, reg):
    oid = _building(reg, org)
    o = reg.get(oid)
    assert o.code == "WJ000001" and o.status == "found"
    assert o.grid_code == "211302001001001" and o.street_code == "211302001"
    assert o.attrs == {"area_m2": 36.5, "found_on": "2026-03-02", "origin": "new"}
    assert o.min_lon == pytest.approx(120.4502) if hasattr(o, "min_lon") else True
    squad = org.actors[R.SQUAD]
    with pytest.raises(RegistryError, match="给|give"):
        reg.step(squad, oid, "serve_notice", {"notice_no": "朝城执拆〔2026〕12号"})
    reg.step(
        squad,
        oid,
        "serve_notice",
        {
            "notice_no": "朝城执拆〔2026〕12号",
            "notice_on": "2026-03-05",
            "demolish_by": "2026/3/20",
        },
    )
    assert reg.get(oid).status == "notice_served"
    assert reg.get(oid).attrs["demolish_by"] == "2026-03-20"
    with pytest.raises(RegistryError, match="before"):
        reg.step(squad, oid, "self_demolish", {"demolished_on": "2026-02-01"})
    reg.step(squad, oid, "refer_court", {"court_ref": "(2026)辽1302行审12号"})
    reg.step(squad, oid, "force_demolish", {"demolished_on": "2026-04-11"})
    o = reg.get(oid)
    assert o.status == "forcibly_demolished"
    with pytest.raises(RegistryError, match="cannot"):
        reg.step(
            squad,
            oid,
            "serve_notice",
            {"notice_no": "x", "notice_on": "2026-04-12", "demolish_by": "2026-04-20"},
        )
    actions = [h.action for h in reg.history(oid)]
    assert actions == ["create", "serve_notice", "refer_court", "force_demolish"]
    assert reg.history(oid)[1].actor == "人员4" or reg.history(oid)[1].actor


def test_every_kind_has_a_reachable_life_cycle():
    for k in KINDS.values():
        reachable = {k.initial, *k.entry}
        frontier = list(reachable)
        while frontier:
            s = frontier.pop()
            for step in k.steps_from(s):
                t = step.target or s
                if t not in reachable:
                    reachable.add(t)
                    frontier.append(t)
        assert reachable == set(k.status_keys), k.key
        for step in k.steps:
            for key in step.requires + step.optional:
                k.field(key)


def test_signs_markets_parking_components_projects_steps(store, org, reg):
    chief = org.actors[R.SHIFT_CHIEF]
    sign, _ = reg.create(
        chief,
        "ad_signs",
        name="老街坊饭店牌匾",
        lon=120.4505,
        lat=41.5703,
        attrs={"sign_type": "牌匾标识", "width_m": 6, "height_m": 1.2},
    )
    assert reg.get(sign).attrs["sign_type"] == "shop_sign"
    reg.step(chief, sign, "flag", {"defect": "字体脱落", "rectify_by": "2026-05-01"})
    assert [o.id for o in reg.overdue("ad_signs", date(2026, 5, 2))] == [sign]
    assert reg.overdue("ad_signs", date(2026, 5, 1)) == []
    reg.step(chief, sign, "rectify", {"rectified_on": "2026-04-28"})
    assert reg.get(sign).status == "compliant"
    with pytest.raises(RegistryError, match="reason"):
        reg.step(chief, sign, "remove", {})

    with pytest.raises(RegistryError, match="not after"):
        reg.create(
            chief,
            "markets",
            name="夜市",
            lon=120.45,
            lat=41.57,
            attrs={"market_type": "convenience", "stalls": 40, "opens": "22:00", "closes": "06:00"},
        )
    m, _ = reg.create(
        chief,
        "markets",
        name="春华农贸市场",
        lon=120.4508,
        lat=41.5704,
        attrs={"market_type": "farmers", "stalls": 120, "opens": "05:30", "closes": "18:00"},
    )
    reg.step(chief, m, "start_works", {"market_type": "smart_farmers"})
    assert reg.count_where("markets", status="open", market_type="smart_farmers") == 0
    reg.step(chief, m, "open", {})
    assert reg.count_where("markets", status="open", market_type="smart_farmers") == 1

    p, _ = reg.create(
        chief,
        "parking",
        name="慕容街停车场",
        lon=120.4503,
        lat=41.5701,
        attrs={"parking_type": "car_park", "capacity": 80},
    )
    with pytest.raises(RegistryError, match="exceeds"):
        reg.step(chief, p, "report_occupancy", {"occupied": 81})
    reg.step(
        chief, p, "report_occupancy", {"occupied": 64, "occupied_at": "2026-11-27T09:00:00+08:00"}
    )
    assert reg.get(p).attrs["occupied"] == 64

    c, _ = reg.create(
        chief,
        "components",
        name="雨水篦子 001",
        lon=120.4509,
        lat=41.5706,
        attrs={"component_type": "drain"},
    )
    reg.step(chief, c, "report_damage", {"damage": "篦子断裂"})
    assert reg.intact_rates() == {"drain": (0, 1)}
    reg.step(chief, c, "repaired", {"repaired_on": "2026-11-20"})
    assert reg.intact_rates() == {"drain": (1, 1)}

    j, _ = reg.create(
        chief,
        "projects",
        name="狼山简易垃圾场存量垃圾处理项目",
        lon=120.47,
        lat=41.58,
        attrs={
            "owner_unit": "市城市管理综合行政执法局",
            "due_on": "2025-12-31",
            "plan_ref": "十三",
        },
    )
    reg.step(chief, j, "start", {"start_on": "2022-04-01"})
    reg.step(
        chief, j, "report_progress", {"progress_pct": 62.5, "milestone": "渗滤液处理站主体完工"}
    )
    assert reg.project_progress() == {"十三": 62.5}
    reg.step(chief, j, "complete", {"completed_on": "2025-11-30"})
    assert reg.project_progress() == {"十三": 100.0}


def test_shopfront_rates_per_street(store, org, reg):
    chief = org.actors[R.SHIFT_CHIEF]
    ids = [
        reg.create(chief, "shopfronts", name=f"商户{i}", lon=120.4501 + i * 1e-4, lat=41.5702)[0]
        for i in range(4)
    ]
    reg.step(chief, ids[0], "inform", {"informed_on": "2026-03-01"})
    reg.step(chief, ids[1], "sign", {"signed_on": "2026-03-02"})
    reg.step(chief, ids[2], "sign", {"signed_on": "2026-03-02"})
    reg.step(chief, ids[1], "inspect", {"last_inspected_on": "2026-06-01", "last_result": "pass"})
    reg.step(chief, ids[2], "inspect", {"last_inspected_on": "2026-06-01", "last_result": "未落实"})
    street, city = reg.shopfront_rates()
    assert street.street_code == "211302001" and street.street_name == "南塔街道"
    assert (street.total, street.informed, street.signed, street.fulfilled) == (4, 3, 2, 1)
    assert city.total == 4 and city.rate(city.fulfilled) == 25.0


def test_edit_checks_versions_and_keeps_a_diff(store, org, reg):
    oid = _building(reg, org)
    chief = org.actors[R.SHIFT_CHIEF]
    v = reg.get(oid).version
    reg.update(chief, oid, attrs={"area_m2": 40, "party": "张某"}, expected_version=v)
    with pytest.raises(ConflictError):
        reg.update(chief, oid, attrs={"area_m2": 41}, expected_version=v)
    with pytest.raises(RegistryError, match="missing"):
        reg.update(chief, oid, attrs={"area_m2": ""})
    with pytest.raises(RegistryError, match="unknown attribute"):
        reg.update(chief, oid, attrs={"colour": "red"})
    last = reg.history(oid)[-1]
    assert last.action == "update" and last.data["attrs"]["area_m2"] == [36.5, 40.0]
    assert reg.update(chief, oid, attrs={"area_m2": 40}) == reg.update(chief, oid)


def test_roles_and_bad_values_are_refused_and_write_nothing(store, org, reg):
    with store.read() as s:
        before = s.scalar(select(func.count()).select_from(ChangeLog))
    with pytest.raises(ServiceError, match="may not"):
        reg.create(
            org.actors[R.INTAKE],
            "components",
            name="井盖",
            lon=120.45,
            lat=41.57,
            attrs={"component_type": "manhole"},
        )
    with pytest.raises(RegistryError, match="not a place in China"):
        reg.create(
            org.actors[R.ADMIN],
            "components",
            name="井盖",
            lon=0,
            lat=0,
            attrs={"component_type": "manhole"},
        )
    with pytest.raises(RegistryError, match="not one of"):
        reg.create(
            org.actors[R.ADMIN],
            "components",
            name="井盖",
            lon=120.45,
            lat=41.57,
            attrs={"component_type": "bench"},
        )
    with pytest.raises(RegistryError, match="no area"):
        reg.create(
            org.actors[R.ADMIN],
            "illegal_buildings",
            name="x",
            geometry={"type": "Polygon", "coordinates": [[[120.45, 41.57]] * 4]},
            attrs={"area_m2": 3, "found_on": "2026-01-01", "origin": "new"},
        )
    with pytest.raises(NotFound):
        reg.step(org.actors[R.ADMIN], 999, "inform", {})
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(ChangeLog)) == before
        assert s.scalar(select(func.count()).select_from(RegistryObject)) == 0


def test_a_case_points_at_an_object_and_the_object_lists_it(store, org, reg):
    oid = _building(reg, org)
    case_id = org.service.report(
        org.actors[R.INSPECTOR],
        category_code="200101",
        lon=120.4504,
        lat=41.5703,
        description="新建彩钢房",
        address="南塔街",
    ).case_id
    near = reg.near(120.4504, 41.5703, kinds=reg.kinds_for_category("200101"))
    assert [o.id for o, _ in near] == [oid]
    changes = reg.link_case(org.actors[R.INTAKE], case_id, oid, note="同一处")
    assert changes.ids("cases") == {case_id}
    assert [c.id for c in reg.cases_of(oid)] == [case_id]
    assert reg.object_of_case(case_id).id == oid
    assert reg.case_counts([oid]) == {oid: 1}
    other = _building(reg, org, origin="stock")
    reg.link_case(org.actors[R.INTAKE], case_id, other)
    assert reg.cases_of(oid) == [] and [h.action for h in reg.history(oid)][-1] == "unlink_case"
    reg.link_case(org.actors[R.INTAKE], case_id, None)
    assert reg.object_of_case(case_id) is None


def test_illegal_building_counts_and_append_only_history(store, org, reg):
    this_year = org.clock().year
    _building(reg, org, found=f"{this_year}-02-01")
    old = _building(reg, org, origin="stock", found=f"{this_year - 3}-05-01")
    _building(reg, org, origin="stock", found=f"{this_year - 2}-05-01")
    reg.step(org.actors[R.SQUAD], old, "self_demolish", {"demolished_on": f"{this_year}-03-01"})
    counts = reg.illegal_building_counts(this_year)
    assert counts == {"new_this_year": 1, "stock_open": 1, "open": 2, "demolished_this_year": 1}
    with pytest.raises(DBAPIError, match="append-only"):
        with store.transaction() as s:
            s.execute(text("UPDATE registry_events SET note = 'x'"))
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(RegistryEvent)) == 4


def test_figures_as_they_stood_are_replayed_from_the_history(store, org, reg):
    chief = org.actors[R.SHIFT_CHIEF]
    start = org.clock()
    a, _ = reg.create(chief, "shopfronts", name="商户甲", lon=120.4501, lat=41.5702)
    org.clock.now = start + timedelta(days=10)
    reg.step(chief, a, "sign", {"signed_on": "2026-03-02"})
    reg.step(chief, a, "inspect", {"last_inspected_on": "2026-03-05", "last_result": "pass"})
    org.clock.now = start + timedelta(days=20)
    reg.create(chief, "shopfronts", name="商户乙", lon=120.4502, lat=41.5702)
    reg.step(chief, a, "inspect", {"last_inspected_on": "2026-03-25", "last_result": "fail"})
    day = timedelta(days=1)
    assert reg.states("shopfronts", start - day) == []
    ((_, status, attrs),) = reg.states("shopfronts", start + day)
    assert status == "uninformed" and "last_result" not in attrs
    ((_, status, attrs),) = reg.states("shopfronts", start + 15 * day)
    assert status == "signed" and attrs["last_result"] == "pass"
    city = reg.shopfront_rates(as_of=start + 15 * day)[-1]
    assert (city.total, city.signed, city.fulfilled) == (1, 1, 1)
    city = reg.shopfront_rates()[-1]
    assert (city.total, city.signed, city.fulfilled) == (2, 1, 0)


def test_parking_readings_update_occupancy_without_history(store, org, reg):
    from datetime import datetime

    from command_center.domain.calendar import CST

    chief = org.actors[R.SHIFT_CHIEF]
    p, _ = reg.create(chief, "parking", name="慕容街停车场", code="TC000100", lon=120.4503,
                      lat=41.5701, attrs={"parking_type": "car_park", "capacity": 80})
    version = reg.get(p).version
    t0 = datetime(2026, 11, 27, 9, 0, tzinfo=CST)
    changes = reg.record_occupancy([
        ("TC000100", 50, t0), ("TC000100", 52, t0 + timedelta(seconds=30)),
        ("TC999999", 3, t0), ("TC000100", 90, t0 - timedelta(seconds=5)),
    ])
    assert changes.ids("registry_objects") == {p}
    o = reg.get(p)
    assert (o.attrs["occupied"], o.attrs["occupied_at"]) == (52, "2026-11-27T09:00:30+08:00")
    assert o.version == version and len(reg.history(p)) == 1
    assert not reg.record_occupancy([("TC000100", 40, t0)])  # older than the stored one
    assert not reg.record_occupancy([("TC000100", 81, t0 + timedelta(minutes=1))])  # > capacity
    assert reg.get(p).attrs["occupied"] == 52


def test_a_small_footprints_centre_is_its_centre(store, org, reg):
    """17 m × 5 m near 120.45°E: the centre must be inside it (raw-degree shoelace sums put
    it hundreds of metres off)."""
    x, y, dx, dy = 120.45031, 41.57031, 17 / 83_400, 5 / 111_320
    ring = [[x, y], [x + dx, y], [x + dx, y + dy], [x, y + dy], [x, y]]
    oid, _ = reg.create(org.actors[R.ADMIN], "illegal_buildings", name="小棚",
                        geometry={"type": "Polygon", "coordinates": [ring]},
                        attrs={"area_m2": 85, "found_on": "2026-05-01", "origin": "new"})
    o = reg.get(oid)
    assert o.lon == pytest.approx(x + dx / 2, abs=1e-9)
    assert o.lat == pytest.approx(y + dy / 2, abs=1e-9)
    assert o.grid_code == "211302001001001"


def test_a_project_is_late_for_its_next_milestone(store, org, reg):
    chief = org.actors[R.SHIFT_CHIEF]
    p, _ = reg.create(chief, "projects", name="南北外城区排水完善工程", lon=120.46, lat=41.58,
                      attrs={"owner_unit": "市住建局", "due_on": "2026-12-31", "plan_ref": "十七"})
    reg.step(chief, p, "start", {"start_on": "2026-04-01", "next_milestone": "中山大街段完工",
                                 "next_milestone_due": "2026-08-31"})
    assert reg.overdue("projects", date(2026, 8, 31)) == []
    assert [o.id for o in reg.overdue("projects", date(2026, 9, 1))] == [p]
    reg.step(chief, p, "report_progress", {"progress_pct": 40, "milestone": "中山大街段完工",
                                           "next_milestone": "什家河段完工",
                                           "next_milestone_due": "2026-11-30"})
    assert reg.overdue("projects", date(2026, 9, 1)) == []
    with pytest.raises(RegistryError, match="does not set"):
        reg.step(chief, p, "suspend", {"next_milestone": "x"}, note="冬季停工")
