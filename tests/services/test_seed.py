"""The demo city: real boundaries, a clean unit grid, a complete organisation, and a year of
cases whose trails replay through the workflow. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import box, shape
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from command_center.domain.calendar import CST, TimeLimit, TimeUnit, WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.domain.deadlines import TrailStep, handling_deadline
from command_center.domain.geo import (
    gcj02_to_wgs84_array,
    haversine_m,
    local_metres_per_degree,
    wgs84_to_gcj02_array,
)
from command_center.domain.grid import GridCode, GridIndex
from command_center.domain.motion import zone_from_dict
from command_center.domain.workflow import (
    HANDLING_STATES,
    OPEN_STATES,
    PAUSED_STATES,
    Action,
    CaseState,
    Role,
    plan_transition,
)
from command_center.services.cases import Actor, CaseService
from command_center.services.seed import SeedError, SeedReport, seed_demo_city
from command_center.services.seed import run as seed_module
from command_center.store.engine import Store, make_engine
from command_center.store.models import (
    Camera,
    CameraTour,
    Case,
    CaseEvent,
    Community,
    District,
    MotionZone,
    Order,
    Person,
    PersonRole,
    RegistryEvent,
    RegistryObject,
    ResponsibilityGrid,
    Squad,
    Street,
    Unit,
    UnitGrid,
)

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=CST)  # a Friday morning
SMALL = 3000
RESOURCES = Path(__file__).resolve().parents[2] / "resources"
TABLES = (
    District,
    Street,
    Community,
    Unit,
    Squad,
    Person,
    PersonRole,
    ResponsibilityGrid,
    UnitGrid,
    Camera,
    CameraTour,
    MotionZone,
    RegistryObject,
    RegistryEvent,
    Case,
    CaseEvent,
    Order,
)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.default()


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return WorkCalendar.default()


def seed(
    store: Store, catalogue: Catalogue, calendar: WorkCalendar, cases: int = SMALL, **kwargs: Any
) -> SeedReport:
    return seed_demo_city(
        store, catalogue=catalogue, calendar=calendar, now=NOW, cases=cases, **kwargs
    )


@dataclass
class City:
    """The seeded database read back into plain rows."""

    rows: dict[str, list[dict[str, Any]]]

    def __getitem__(self, table: str) -> list[dict[str, Any]]:
        return self.rows[table]


def read_city(store: Store) -> City:
    with store.read() as s:
        rows = {}
        for model in TABLES:
            table = model.__table__
            order = [table.c[k] for k in table.primary_key.columns.keys()]
            rows[table.name] = [dict(r._mapping) for r in s.execute(select(table).order_by(*order))]
    return City(rows)


def counts(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in TABLES}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def city(request, migrated_copy, tmp_path_factory, catalogue, calendar) -> City:
    """The city seeded once per dialect for the tests that only read it (do not change it)."""
    with migrated_copy(request.param, tmp_path_factory.mktemp("seed")) as url:
        store = Store(make_engine(url))
        try:
            report = seed(store, catalogue, calendar)
            city = read_city(store)
        finally:
            store.dispose()
    assert report.counts == {name: len(rows) for name, rows in city.rows.items()}
    return city


def converted_boundaries() -> dict[str, Any]:
    """The districts as this test converts them itself, independently of the seed."""
    out = {}
    for code in ("211302", "211303"):
        raw = shape(json.loads((RESOURCES / "chaoyang" / f"{code}.geojson").read_text("utf-8")))
        out[code] = shapely.transform(
            raw, lambda xy: np.column_stack(gcj02_to_wgs84_array(xy[:, 0], xy[:, 1]))
        )
    return out


# ---------------------------------------------------------------- geography


def test_districts_are_the_real_boundaries_converted_to_wgs84(city: City) -> None:
    assert {d["code"]: d["name"] for d in city["districts"]} == {
        "211302": "双塔区",
        "211303": "龙城区",
    }
    mine = converted_boundaries()
    for d in city["districts"]:
        assert d["source_crs"] == "gcj02"
        stored = shape(json.loads(d["geometry"]))
        xy = shapely.get_coordinates(stored)
        assert np.allclose(xy, shapely.get_coordinates(mine[d["code"]]), atol=1e-9, rtol=0)
        # Converted the right way round: back to GCJ-02 gives the file's vertices, and the
        # offset is Chaoyang's ~500 m (440–470 m east, 225–240 m north at the centre; a
        # little more or less at the districts' far corners).
        raw = shapely.get_coordinates(
            shape(json.loads((RESOURCES / "chaoyang" / f"{d['code']}.geojson").read_text("utf-8")))
        )
        gx, gy = wgs84_to_gcj02_array(xy[:, 0], xy[:, 1])
        assert np.abs(gx - raw[:, 0]).max() < 1e-7 and np.abs(gy - raw[:, 1]).max() < 1e-7
        mx, my = local_metres_per_degree(41.57)
        east, north = (raw[:, 0] - xy[:, 0]) * mx, (raw[:, 1] - xy[:, 1]) * my
        assert 380 < east.min() and east.max() < 520, (east.min(), east.max())
        assert 180 < north.min() and north.max() < 290, (north.min(), north.max())


def test_unit_grids_cover_the_core_inside_the_districts_without_overlap(city: City) -> None:
    districts = converted_boundaries()
    grids = city["unit_grids"]
    assert 3000 <= len(grids) <= 9000  # "several thousand" ~100 m cells
    geoms = np.array([shape(json.loads(g["geometry"])) for g in grids], dtype=object)
    assert {g.geom_type for g in geoms} == {"Polygon"}
    assert all(g.is_valid for g in geoms)
    for code, boundary in districts.items():
        mine = np.array([g["district_code"] == code for g in grids])
        assert mine.sum() > 500, code
        inside = shapely.within(geoms[mine], boundary.buffer(1e-7))  # ~1 cm tolerance
        assert inside.all(), [
            g["code"] for g, ok in zip(np.array(grids)[mine], inside, strict=True) if not ok
        ][:5]
    union = shapely.union_all(geoms)
    total = float(shapely.area(geoms).sum())
    assert abs(total - union.area) / union.area < 0.001  # no overlaps
    # No gaps: the cells fill the part of their lattice's extent that lies in the districts
    # (slivers were merged into a neighbour; dropping them would leave ~1e-4 uncovered).
    extent = box(*union.bounds).intersection(shapely.union_all(list(districts.values())))
    assert union.area / extent.area > 1 - 1e-6
    # ~100 m squares, border pieces no smaller than a sliver, areas and boxes as stored.
    areas = np.array([g["area_m2"] for g in grids])
    assert 9800 < np.median(areas) < 10200
    assert areas.min() >= 500 and areas.max() < 10_000 * 1.5
    for g, geom in zip(grids, geoms, strict=True):
        assert (g["min_lon"], g["min_lat"], g["max_lon"], g["max_lat"]) == pytest.approx(
            geom.bounds, abs=1e-9
        )
    mx, my = local_metres_per_degree(41.575)
    assert np.allclose(areas, shapely.area(geoms) * mx * my, rtol=0.005)


def test_grid_codes_follow_the_standard_and_the_street_tables(city: City) -> None:
    grids = city["unit_grids"]
    streets = {s["code"]: s for s in city["streets"]}
    communities = {c["code"]: c for c in city["communities"]}
    codes = [g["code"] for g in grids]
    assert len(set(codes)) == len(codes)
    for g in grids:
        code = GridCode.parse(g["code"])  # 15 digits, valid parts
        assert code.admin in ("211302", "211303")
        assert g["district_code"] == code.district_code
        assert g["street_code"] == code.street_code and code.street_code in streets
        assert g["community_code"] == code.community_code
        assert communities[code.community_code]["street_code"] == code.street_code
        assert streets[code.street_code]["district_code"] == code.admin
    # Real street names, a few per district; every community holds cells.
    names = {s["district_code"]: set() for s in streets.values()}
    for s in streets.values():
        names[s["district_code"]].add(s["name"])
    assert {"南塔街道", "北塔街道", "凌河街道"} <= names["211302"]
    assert {"新华街道", "马山街道"} <= names["211303"]
    assert {g["community_code"] for g in grids} == set(communities)
    # Numbered west→east, north→south in each community: among the untouched squares (four
    # corners; border cells are clipped or took in a sliver), sequence order is row order
    # (top edge, north first), then west to east.
    by_community = defaultdict(list)
    for g in grids:
        if len(json.loads(g["geometry"])["coordinates"][0]) == 5 and g["area_m2"] > 9900:
            by_community[g["community_code"]].append(g)
    assert sum(len(v) for v in by_community.values()) > 0.8 * len(grids)
    for cells in by_community.values():
        by_seq = sorted(cells, key=lambda g: g["code"])
        by_place = sorted(cells, key=lambda g: (-round(g["max_lat"], 6), g["min_lon"]))
        assert [g["code"] for g in by_seq] == [g["code"] for g in by_place]


def test_responsibility_grids_have_a_squad_and_their_own_grid_worker(city: City) -> None:
    grids = city["unit_grids"]
    duty = {r["id"]: r for r in city["responsibility_grids"]}
    sizes = Counter(g["responsibility_grid_id"] for g in grids)
    assert set(sizes) == set(duty)
    assert all(20 <= n <= 40 for n in sizes.values()), sorted(sizes.values())[:5]
    roles = defaultdict(set)
    for r in city["person_roles"]:
        roles[r["person_id"]].add(r["role"])
    inspectors = [r["inspector_id"] for r in duty.values()]
    assert len(set(inspectors)) == len(inspectors)  # one grid worker per grid
    assert all("inspector" in roles[i] for i in inspectors)
    squads = {q["id"] for q in city["squads"]}
    assert all(r["squad_id"] in squads for r in duty.values())
    for g in grids:  # a duty grid stays inside one district
        assert duty[g["responsibility_grid_id"]]["district_code"] == g["district_code"]


def test_cameras_stand_on_the_grid_and_show_the_demo_clips(city: City) -> None:
    cams = city["cameras"]
    assert len(cams) >= 40
    index = GridIndex.from_geometries(
        (g["code"], json.loads(g["geometry"])) for g in city["unit_grids"]
    )
    districts = converted_boundaries()
    clips = {str(p) for p in (RESOURCES / "video").iterdir()}
    assert len(clips) == 2
    for cam in cams:
        assert index.lookup(cam["lon"], cam["lat"]) == cam["grid_code"]
        assert cam["grid_code"][:6] == cam["district_code"]
        assert districts[cam["district_code"]].contains(shapely.Point(cam["lon"], cam["lat"]))
        assert Path(cam["url"]).is_absolute() and cam["url"] in clips
        assert 0 <= cam["heading_deg"] < 360
    assert {c["url"] for c in cams[::2]} != {c["url"] for c in cams[1::2]}  # alternate
    assert len({c["code"] for c in cams}) == len(cams)
    # The wall's demo tours, and motion zones on the cameras that play the motorway clip.
    tours = {t["name"]: t for t in city["camera_tours"]}
    assert tours["全市轮巡"]["camera_ids"] == [c["id"] for c in cams]
    key_sites = {c["id"] for c in cams if c["group_name"] == "重点部位"}
    assert key_sites and set(tours["重点部位轮巡"]["camera_ids"]) == key_sites
    motorway = {c["id"] for c in cams if c["url"].endswith("highway_cctv_320x240.avi")}
    zones = city["motion_zones"]
    assert len(zones) == 3 and {z["camera_id"] for z in zones} <= motorway
    assert all(zone_from_dict(z["spec"]).category_code == "200505" for z in zones)
    # Not piled up: no two cameras within 100 m.
    for i, a in enumerate(cams):
        for b in cams[i + 1 :]:
            assert haversine_m(a["lon"], a["lat"], b["lon"], b["lat"]) > 100


# ---------------------------------------------------------------- organisation


def test_the_enforcement_structure_and_every_role_is_staffed(city: City) -> None:
    units = city["units"]
    names = {u["name"] for u in units}
    assert {"朝阳市城市管理综合行政执法局", "智慧城管指挥中心", "综合执法大队"} <= names
    brigades = [u for u in units if u["kind"] == "brigade"]
    assert len(brigades) == 2  # 综合大队 and 专业大队
    teams = [u for u in units if u["kind"] == "team"]
    assert sorted(t["code"][2:] for t in teams) == sorted(s["code"] for s in city["streets"])
    from command_center.domain.catalogue import UNIT_TYPES

    handling_types = {u["unit_type"] for u in units if u["kind"] in ("team", "department")}
    assert handling_types == set(UNIT_TYPES)
    squads_of = Counter(q["unit_id"] for q in city["squads"])
    for t in teams:
        assert 2 <= squads_of[t["id"]] <= 3, t["name"]
    for u in units:
        if u["kind"] == "department":
            assert squads_of[u["id"]] >= 1, u["name"]

    roles = Counter(r["role"] for r in city["person_roles"])
    assert roles["inspector"] == len(city["responsibility_grids"])
    assert (
        roles["intake"],
        roles["shift_chief"],
        roles["dispatcher"],
        roles["supervisor"],
        roles["admin"],
    ) == (6, 4, 6, 3, 1)
    people = {p["id"]: p for p in city["people"]}
    members = Counter(p["squad_id"] for p in people.values() if p["squad_id"])
    for q in city["squads"]:
        assert members[q["id"]] == q["members"] >= 2, q["name"]
    squad_role = {r["person_id"] for r in city["person_roles"] if r["role"] == "squad"}
    assert squad_role == {p["id"] for p in people.values() if p["squad_id"]}
    # Chinese names: 2–3 Han characters, unique.
    names = [p["name"] for p in people.values()]
    assert len(set(names)) == len(names)
    assert all(2 <= len(n) <= 3 and all("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)


# ---------------------------------------------------------------- cases and trails


def test_every_trail_replays_through_the_workflow(city: City, calendar: WorkCalendar) -> None:
    events = defaultdict(list)
    for e in city["case_events"]:
        events[e["case_id"]].append(e)
    holds = {(r["person_id"], r["role"]) for r in city["person_roles"]}
    squads = {q["id"]: q for q in city["squads"]}
    per_day: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    assert len(events) == len(city["cases"])
    for case in city["cases"]:
        trail = events[case["id"]]
        state: CaseState | None = None
        resume: CaseState | None = None
        for e in trail:
            step = plan_transition(
                state,
                Action(e["action"]),
                Role(e["actor_role"]),
                at=e["at"],
                actor_id=e["actor_id"],
                note=e["note"],
                resume_state=resume,
            )
            assert step.to_state.value == e["to_state"], (case["case_no"], e)
            assert (e["from_state"] or None) == (state.value if state else None)
            assert (e["actor_id"], e["actor_role"]) in holds, (case["case_no"], e)
            if step.to_state in PAUSED_STATES and state not in PAUSED_STATES:
                resume = state
            elif state in PAUSED_STATES:
                resume = None
            state = step.to_state
        assert state is not None and state.value == case["state"], case["case_no"]
        assert case["resume_state"] == (resume.value if state in PAUSED_STATES and resume else None)
        # Times: in order, the case's stamps taken from its trail, nothing after now.
        ats = [e["at"] for e in trail]
        assert ats == sorted(ats) and ats[-1] <= NOW
        assert trail[0]["at"] == case["reported_at"] and ats[-1] == case["updated_at"]
        assert case["version"] == len(trail)
        last = {e["action"]: e["at"] for e in trail}
        assert case["registered_at"] == last.get("register")
        assert case["verified_at"] == last.get("verify")
        assert case["closed_at"] == last.get("close")
        dispatches = [e for e in trail if e["action"] == "dispatch"]
        assert case["dispatched_at"] == (dispatches[0]["at"] if dispatches else None)
        handled = None  # the last feedback, unless a check sent it back afterwards
        for e in trail:
            if e["action"] in ("feedback", "return_for_rework"):
                handled = e["at"] if e["action"] == "feedback" else None
        assert case["handled_at"] == handled
        stamps = [
            case[k]
            for k in (
                "reported_at",
                "registered_at",
                "dispatched_at",
                "handled_at",
                "verified_at",
                "closed_at",
            )
            if case[k]
        ]
        assert stamps == sorted(stamps)
        # Counters, assignment and judicial transfers agree with the trail.
        actions = Counter(e["action"] for e in trail)
        assert case["rework_count"] == actions["return_for_rework"]
        assert case["extension_count"] == actions["grant_extension"]
        assert case["suspend_count"] == actions["suspend"]
        grants = [e["data"]["amount"] for e in trail if e["action"] == "grant_extension"]
        assert case["extension_amount"] == pytest.approx(sum(grants))
        assigned = [e["data"] for e in trail if e["action"] in ("dispatch", "transfer_unit")]
        if assigned:
            assert (case["unit_id"], case["squad_id"]) == (
                assigned[-1]["unit_id"],
                assigned[-1]["squad_id"],
            )
            assert squads[case["squad_id"]]["unit_id"] == case["unit_id"]
        if case["state"] == "transferred":
            assert case["transferred_to"] in ("police", "procuratorate", "court")
        # The deadline is the calendar's, pauses and extensions included.
        expected = None
        if case["dispatched_at"] and state not in PAUSED_STATES | {CaseState.TRANSFERRED}:
            expected = handling_deadline(
                calendar,
                case["dispatched_at"],
                TimeLimit(case["time_limit"], TimeUnit(case["time_unit"])),
                case["extension_amount"],
                [
                    TrailStep(
                        e["at"],
                        CaseState(e["from_state"]) if e["from_state"] else None,
                        CaseState(e["to_state"]),
                    )
                    for e in trail
                ],
            )
        assert case["deadline_at"] == expected, case["case_no"]
        per_day[case["reported_at"].astimezone(CST).strftime("%Y%m%d")].append(
            (case["reported_at"], int(case["case_no"][8:]))
        )
        assert case["case_no"][:8] == case["reported_at"].astimezone(CST).strftime("%Y%m%d")
    for day in per_day.values():  # running numbers per day, in order of reporting
        day.sort()
        assert [n for _, n in day] == list(range(1, len(day) + 1))


def test_cases_lie_on_their_unit_grid(city: City, catalogue: Catalogue) -> None:
    index = GridIndex.from_geometries(
        (g["code"], json.loads(g["geometry"])) for g in city["unit_grids"]
    )
    cases = city["cases"]
    lons = np.array([c["lon"] for c in cases])
    lats = np.array([c["lat"] for c in cases])
    assert list(index.lookup_many(lons, lats)) == [c["grid_code"] for c in cases]
    assert all(c["district_code"] == c["grid_code"][:6] for c in cases)
    districts = converted_boundaries()
    for code, boundary in districts.items():
        mine = np.array([c["district_code"] == code for c in cases])
        assert shapely.contains_xy(boundary, lons[mine], lats[mine]).all()
    for c in cases:
        category = catalogue[c["category_code"]]
        assert c["kind"] == category.kind.value and c["urgent"] == category.urgent
        assert (c["time_limit"], c["time_unit"]) == (
            category.time_limit.amount,
            category.time_limit.unit.value,
        )


def test_the_year_looks_like_a_real_one(city: City) -> None:
    cases = city["cases"]
    n = len(cases)
    assert n == SMALL
    first = min(c["reported_at"] for c in cases)
    assert NOW - timedelta(days=366) <= first < NOW - timedelta(days=360)
    share = lambda pred: sum(1 for c in cases if pred(c)) / n  # noqa: E731
    assert 0.03 <= share(lambda c: c["state"] == "not_registered") <= 0.05
    assert 0.18 <= share(lambda c: c["kind"] == "component") <= 0.32
    sources = Counter(c["source"] for c in cases)
    assert sources.most_common(1)[0][0] == "inspector"
    assert sources["hotline"] > sources["public"] > 0 and sources["camera"] > 0
    top = Counter(c["category_code"] for c in cases).most_common(5)
    assert "200102" in [code for code, _ in top]  # 暴露垃圾 is among the commonest
    # Seasons: summer busier than winter; 春节 week quieter than the weeks around it.
    months = Counter(c["reported_at"].astimezone(CST).month for c in cases)
    assert months[7] > 1.4 * months[1]
    weekdays = Counter(c["reported_at"].astimezone(CST).weekday() for c in cases)
    assert min(weekdays[d] for d in range(5)) > max(weekdays[5], weekdays[6])
    hours = Counter(c["reported_at"].astimezone(CST).hour for c in cases)
    assert hours[10] > 5 * hours[3]

    closed = [c for c in cases if c["state"] == "closed"]
    hours_to_close = [(c["closed_at"] - c["registered_at"]).total_seconds() / 3600 for c in closed]
    assert 12 <= statistics.median(hours_to_close) <= 48
    assert any(h > 14 * 24 for h in hours_to_close)
    registered = [c for c in cases if c["registered_at"] is not None]
    handled = [c for c in cases if c["handled_at"] and c["deadline_at"]]
    overdue = sum(c["handled_at"] > c["deadline_at"] for c in handled) / len(handled)
    assert 0.05 <= overdue <= 0.10
    rate = lambda key: sum(c[key] > 0 for c in registered) / len(registered)  # noqa: E731
    assert 0.02 <= rate("rework_count") <= 0.045  # ~3 %
    assert 0.01 <= rate("extension_count") <= 0.035  # ~2 %
    assert 0.005 <= rate("suspend_count") <= 0.02  # ~1 %
    transferred = sum(c["state"] == "transferred" for c in cases)
    assert 0 < transferred < 0.005 * n


def test_today_has_open_cases_some_overdue_and_squads_follow_them(city: City) -> None:
    cases = city["cases"]
    open_cases = [c for c in cases if CaseState(c["state"]) in OPEN_STATES]
    assert open_cases
    overdue_now = [
        c
        for c in open_cases
        if CaseState(c["state"]) in HANDLING_STATES
        and c["deadline_at"] is not None
        and c["deadline_at"] < NOW
    ]
    assert overdue_now
    assert any(c["state"] == "suspended" for c in open_cases)
    working = {c["squad_id"] for c in open_cases if c["state"] in ("in_progress", "rework")}
    for q in city["squads"]:
        assert (q["status"] == "busy") == (q["id"] in working), q["name"]
        assert q["position_at"] is not None and q["position_at"] <= NOW
        assert q["lon"] is not None and q["lat"] is not None


def test_orders_chase_overdue_cases(city: City) -> None:
    orders = city["orders"]
    assert orders
    cases = {c["id"]: c for c in city["cases"]}
    supervisors = {r["person_id"] for r in city["person_roles"] if r["role"] == "supervisor"}
    for o in orders:
        case = cases[o["case_id"]]
        assert o["issued_by"] in supervisors
        assert case["deadline_at"] < o["issued_at"] <= NOW
        assert (o["unit_id"], o["squad_id"]) == (case["unit_id"], case["squad_id"])
        if o["status"] == "done":
            assert case["state"] == "closed" and o["done_at"] == case["handled_at"]
            assert o["issued_at"] < o["acknowledged_at"] < o["done_at"]
        else:
            assert CaseState(case["state"]) in HANDLING_STATES and o["done_at"] is None


# ---------------------------------------------------------------- the seed itself


def test_seeding_a_non_empty_database_raises_and_changes_nothing(
    store, catalogue, calendar
) -> None:
    calls: list[tuple[str, float]] = []
    report = seed(store, catalogue, calendar, cases=200, progress=lambda s, f: calls.append((s, f)))
    assert report.counts["cases"] == 200 and report.seconds > 0
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions) and calls[-1] == ("done", 1.0)
    assert any(stage.startswith("cases ") for stage, _ in calls)
    before = counts(store)
    with pytest.raises(SeedError, match="already holds"):
        seed(store, catalogue, calendar, cases=200)
    assert counts(store) == before


def test_a_database_with_only_a_district_is_refused_too(store, catalogue, calendar) -> None:
    with store.transaction() as s:
        s.add(District(code="211302", name="双塔区", geometry="{}", source_crs="gcj02"))
    with pytest.raises(SeedError, match="1 districts"):
        seed(store, catalogue, calendar, cases=100)
    after = counts(store)
    assert after["districts"] == 1 and sum(after.values()) == 1


def _constraints(store: Store) -> list[tuple[str, ...]]:
    """The schema's constraints as the server has them (PostgreSQL; SQLite: none to compare)."""
    if store.dialect != "postgresql":
        return []
    with store.read() as s:
        return [
            tuple(r)
            for r in s.execute(
                text(
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                    "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
                )
            )
        ]


def test_a_failing_plan_writes_nothing(store, calendar) -> None:
    with pytest.raises(SeedError, match="catalogue is empty"):
        seed(store, Catalogue([]), calendar, cases=100)
    assert sum(counts(store).values()) == 0


def test_a_failure_after_the_bulk_rows_rolls_everything_back(
    store, catalogue, calendar, monkeypatch
):
    """The cases and events are in (by COPY on PostgreSQL, with the foreign keys dropped
    meanwhile) when the seed fails: nothing stays, and the schema is as it was."""
    before = _constraints(store)

    def fail(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        raise RuntimeError("the orders could not be planned")

    monkeypatch.setattr(seed_module, "_build_orders", fail)
    with pytest.raises(RuntimeError, match="orders could not be planned"):
        seed(store, catalogue, calendar, cases=300)
    assert sum(counts(store).values()) == 0
    assert _constraints(store) == before


def test_a_conflict_with_rows_already_there_raises_seed_error_and_writes_nothing(
    store, catalogue, calendar
) -> None:
    """A camera code the seed uses is taken: COPY (PostgreSQL) or Core (SQLite) fails on it,
    after the grids and the organisation went in; all of it goes."""
    with store.transaction() as s:
        s.add(Camera(code="CAM-211302-001", name="已有摄像头", url="rtsp://x", lon=120.4, lat=41.5))
    with pytest.raises(SeedError, match="conflicts with rows already in the database"):
        seed(store, catalogue, calendar, cases=100)
    after = counts(store)
    assert after["cameras"] == 1 and sum(after.values()) == 1


def test_services_get_fresh_ids_after_the_seed(store, catalogue, calendar) -> None:
    """The seed writes explicit ids (COPY on PostgreSQL): every serial is moved past them,
    so a case reported afterwards gets the next id, and its event a new one too."""
    seed(store, catalogue, calendar, cases=300)
    with store.read() as s:
        top_case = s.scalar(select(func.max(Case.id)))
        top_event = s.scalar(select(func.max(CaseEvent.id)))
        inspector = s.scalar(
            select(PersonRole.person_id).where(PersonRole.role == "inspector").limit(1)
        )
        lon, lat = s.execute(select(Case.lon, Case.lat).order_by(Case.id).limit(1)).one()
        if store.dialect == "postgresql":  # every table the seed gave ids
            for model in (Unit, Squad, Person, ResponsibilityGrid, Camera, Case, Order):
                name = model.__tablename__
                last, top = s.execute(
                    text(
                        f"SELECT (SELECT last_value FROM {name}_id_seq), (SELECT max(id) FROM {name})"
                    )
                ).one()
                assert last == top, name
    service = CaseService(store, catalogue, calendar, clock=lambda: NOW + timedelta(minutes=5))
    first = service.report(
        Actor(inspector, Role.INSPECTOR), category_code="200102", lon=lon, lat=lat
    )
    second = service.report(
        Actor(inspector, Role.INSPECTOR), category_code="200102", lon=lon, lat=lat
    )
    assert (first.case_id, second.case_id) == (top_case + 1, top_case + 2)
    assert min(first.ids("case_events")) > top_event
    with store.read() as s:
        new = s.get(Case, first.case_id)
        assert new.grid_code is not None and new.reported_at == NOW + timedelta(minutes=5)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_copy_writes_what_core_would(store, catalogue, calendar, monkeypatch) -> None:
    """PostgreSQL: the city through COPY and through Core inserts, byte for byte (rows as
    the server prints them: naive UTC times, JSON `null` for no data), sequences included."""
    cities = []
    for writer in ("copy", "core"):
        with monkeypatch.context() as patch:
            if writer == "core":
                patch.setattr(seed_module, "_copy", seed_module._insert)
            seed(store, catalogue, calendar, cases=600)
        with store.engine.begin() as con:
            city = {
                t.name: con.execute(text(f"SELECT t::text FROM {t.name} t ORDER BY 1"))
                .scalars()
                .all()
                for t in (m.__table__ for m in TABLES)
            }
            city["sequences"] = con.execute(
                text("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
            ).all()
            names = ", ".join(m.__tablename__ for m in TABLES)
            con.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        cities.append(city)
    copied, inserted = cities
    # Python None in the JSON column `data` is JSON null, as Core writes it (not SQL NULL);
    # `workstation`, after it, is SQL NULL in the seed's history.
    assert any(r.endswith(",null,)") for r in copied["case_events"])
    assert not any(r.endswith(",,)") for r in copied["case_events"])
    assert copied == inserted


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_copy_refuses_to_run_outside_a_transaction(store) -> None:
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
        with Session(bind=con) as s:
            s.execute(select(1))
            with pytest.raises(SeedError, match="outside the seed's transaction"):
                seed_module._copy(
                    s, District, [{"code": "211302", "name": "双塔区", "geometry": "{}"}]
                )
    assert counts(store)["districts"] == 0


def test_planning_in_a_subprocess_gives_the_same_city(
    sqlite_template, tmp_path, catalogue, calendar, monkeypatch
) -> None:
    """Big seeds plan their cases in a subprocess; the result must not depend on it, and a
    subprocess that dies at once (here: not Python at all) leaves the planning to this one."""
    cities = []
    variants = (("inline", 10**9, None), ("subprocess", 1, None), ("broken", 1, "/bin/false"))
    for name, threshold, executable in variants:
        path = tmp_path / f"{name}.db"
        shutil.copyfile(sqlite_template, path)
        store = Store(make_engine(f"sqlite:///{path}"))
        with monkeypatch.context() as patch:
            patch.setattr(seed_module, "PARALLEL_MIN_CASES", threshold)
            if executable:
                patch.setattr(sys, "executable", executable)
            report = seed(store, catalogue, calendar, cases=1500)
        planner_stage = [k for k in report.stage_seconds if "planner" in k]
        assert bool(planner_stage) == (name == "subprocess"), (name, report.stage_seconds)
        cities.append(read_city(store))
        store.dispose()
    assert cities[0].rows == cities[1].rows == cities[2].rows


@pytest.mark.slow
def test_a_full_year_on_sqlite(sqlite_template, tmp_path, catalogue, calendar) -> None:
    path = tmp_path / "year.db"
    shutil.copyfile(sqlite_template, path)
    store = Store(make_engine(f"sqlite:///{path}"))
    try:
        report = seed(store, catalogue, calendar, cases=55_000)
        print(f"\nseeded a year on SQLite in {report.seconds:.1f} s: {report.counts}")
        print({k: round(v, 1) for k, v in report.stage_seconds.items()})
        print(report.states)
        assert report.counts["cases"] >= 50_000
        assert counts(store) == report.counts
        open_states = {s: n for s, n in report.states.items() if CaseState(s) in OPEN_STATES}
        assert set(open_states) == {s.value for s in OPEN_STATES}  # every open state today
        assert 200 <= sum(open_states.values()) <= 400
        with store.read() as s:
            overdue_now = s.scalar(
                select(func.count())
                .select_from(Case)
                .where(Case.state.in_([st.value for st in HANDLING_STATES]), Case.deadline_at < NOW)
            )
            hours = [
                (c - r).total_seconds() / 3600
                for r, c in s.execute(
                    select(Case.registered_at, Case.closed_at).where(Case.state == "closed")
                )
            ]
        assert overdue_now >= 5
        assert 12 <= statistics.median(hours) <= 48
        assert sum(h > 14 * 24 for h in hours) > 50
    finally:
        store.dispose()
