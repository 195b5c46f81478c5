"""The registries and the unit grids in and out as GeoJSON and CSV, on SQLite and PostgreSQL,
and on the command line."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from command_center.domain.calendar import CST
from command_center.domain.geo import local_metres_per_degree
from command_center.interop.importing import ImportFailed
from command_center.interop.registry_io import (
    TARGETS,
    export_csv,
    export_geojson,
    import_csv,
    import_geojson,
    resolve_columns,
    target_specs,
)
from command_center.store.engine import Store, make_engine
from command_center.store.models import (
    ChangeLog,
    Community,
    District,
    RegistryEvent,
    RegistryObject,
    Street,
    UnitGrid,
)

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 5, 12, 0, tzinfo=CST)
IN_GRID = [120.4505, 41.5705]  # in unit grid 211302001001001
OUTSIDE = [120.61, 41.62]  # in China, on no grid
FOOTPRINT = [[120.4502, 41.5702], [120.4506, 41.5702], [120.4506, 41.5705],
             [120.4502, 41.5705], [120.4502, 41.5702]]  # fmt: skip


def _square(lon: float, lat: float, d: float = 0.001) -> dict:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _add_geography(store: Store) -> Store:
    """One district, street and community, and three unit grids in a row."""
    with store.transaction() as s:
        s.add(
            District(code="211302", name="双塔区", geometry=json.dumps(_square(120.4, 41.5, 0.2)))
        )
        s.flush()
        s.add(Street(code="211302001", district_code="211302", name="南塔街道"))
        s.flush()
        s.add(Community(code="211302001001", street_code="211302001", name="测试社区"))
        s.flush()
        for i in range(3):
            lon = 120.45 + i * 0.001
            s.add(
                UnitGrid(
                    code=f"211302001001{i + 1:03d}", district_code="211302",
                    street_code="211302001", community_code="211302001001",
                    geometry=json.dumps(_square(lon, 41.57)), min_lon=lon, min_lat=41.57,
                    max_lon=lon + 0.001, max_lat=41.571, area_m2=9300.0,
                )
            )  # fmt: skip
    return store


@pytest.fixture
def geo(store) -> Store:
    return _add_geography(store)


@pytest.fixture
def other(db_url, tmp_path, request) -> Iterator[Store]:
    """A second database of the same dialect and geography (the history is append-only, so
    a round trip comes back into a fresh one)."""
    if db_url.startswith("sqlite"):
        path = tmp_path / "other.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url, name = f"sqlite:///{path}", None
    else:
        from tests.conftest import PG_URL_BASE, _pg_admin

        name = f"cc_test_{uuid.uuid4().hex[:12]}"
        with _pg_admin() as con:
            con.execute(
                f'CREATE DATABASE "{name}" TEMPLATE "{request.getfixturevalue("pg_template")}"'
            )
        url = PG_URL_BASE + name
    store = Store(make_engine(url))
    yield _add_geography(store)
    store.dispose()
    if name is not None:
        with _pg_admin() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def counts(store: Store) -> tuple[int, int, int]:
    with store.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m))
            for m in (RegistryObject, RegistryEvent, ChangeLog)
        )  # type: ignore[return-value]


def _feature(geometry: dict, **props) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _point(lonlat: list[float]) -> dict:
    return {"type": "Point", "coordinates": lonlat}


def _collection(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False)


# Two objects of every kind (one on a grid, one off), every attribute as an export writes it.
SAMPLES: dict[str, list[dict]] = {
    "illegal_buildings": [
        _feature({"type": "Polygon", "coordinates": [FOOTPRINT]}, code="WJ000001",
                 name="南塔街12号院内彩钢房", status="notice_served", address="南塔街12号",
                 area_m2=36.5, found_on="2026-03-02", origin="new", structure="steel",
                 party="张某", notice_no="朝城执拆〔2026〕12号", notice_on="2026-03-05",
                 demolish_by="2026-03-20"),
        _feature(_square(120.61, 41.62, 0.0002), code="WJ000002", name="存量违建",
                 status="found", address="", area_m2=250.0, found_on="2019-05-01",
                 origin="stock"),
    ],
    "ad_signs": [
        _feature(_point(IN_GRID), code="GG000001", name="老街坊饭店牌匾", status="non_compliant",
                 address="幸福路3号", sign_type="shop_sign", owner="老街坊饭店",
                 permit_no="朝广许〔2025〕7号", permit_until="2027-01-31", width_m=6.0,
                 height_m=1.2, position="wall", defect="字体脱落", rectify_by="2026-05-01"),
        _feature(_point(OUTSIDE), code="GG000002", name="擎天柱", status="compliant",
                 address="", sign_type="billboard"),
    ],
    "parking": [
        _feature(_point(IN_GRID), code="TC000001", name="中心广场停车场", status="open",
                 address="中心广场", parking_type="car_park", capacity=120, occupied=30,
                 occupied_at="2026-03-05T08:00:00+08:00", feed="https://p.example/1",
                 fee="首小时5元", operator="城投停车"),
        _feature(_point(OUTSIDE), code="TC000002", name="建设路路内泊位", status="planned",
                 address="", parking_type="on_street", capacity=40),
    ],
    "markets": [
        _feature(_point(IN_GRID), code="SC000001", name="南塔农贸市场", status="open",
                 address="南塔街", market_type="farmers", stalls=80, opens="06:00",
                 closes="18:30", operator="南塔街道", upgrade_due="2026-12-31"),
        _feature(_point(OUTSIDE), code="SC000002", name="便民早市", status="planned",
                 address="", market_type="convenience", stalls=20, opens="05:30",
                 closes="09:00"),
    ],
    "shopfronts": [
        _feature(_point(IN_GRID), code="MQ000001", name="老街坊饭店", status="signed",
                 address="幸福路3号", business="餐饮", contact="李某",
                 informed_on="2026-01-05", signed_on="2026-01-10",
                 last_inspected_on="2026-03-01", last_result="pass"),
        _feature(_point(OUTSIDE), code="MQ000002", name="便利店", status="uninformed",
                 address=""),
    ],
    "components": [
        _feature(_point(IN_GRID), code="BJ000001", name="幸福路井盖1", status="damaged",
                 address="幸福路", component_type="manhole", owner_unit="市政设施管理处",
                 installed_on="2015-06-01", damage="井盖破损"),
        _feature(_point(OUTSIDE), code="BJ000002", name="路灯A12", status="intact",
                 address="", component_type="street_light"),
    ],
    "projects": [
        _feature(_point(IN_GRID), code="XM000001", name="智慧城管平台", status="in_progress",
                 address="城管局", plan_ref="十三", owner_unit="朝阳市城市管理局",
                 start_on="2026-01-02", due_on="2026-12-31", budget_wan=1200.0,
                 progress_pct=35.0, milestone="平台上线试运行"),
        _feature(_point(OUTSIDE), code="XM000002", name="公厕改造", status="planned",
                 address="", owner_unit="环卫处", due_on="2027-06-30"),
    ],
}  # fmt: skip
LOCATION = ("district_code", "street_code", "grid_code")


def test_every_registry_and_the_grids_are_targets():
    names = [spec[0] for spec in target_specs()]
    assert names == list(TARGETS) and names[-1] == "grids"
    for name, label, fields, required in target_specs():
        assert label and set(required) <= set(fields), name
    assert "area_m2" in dict((s[0], s[3]) for s in target_specs())["illegal_buildings"]


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_geojson_round_trip_gives_the_same_features(geo, other, tmp_path, kind):
    src = tmp_path / f"{kind}.geojson"
    src.write_text(_collection(*SAMPLES[kind]), encoding="utf-8")
    report = import_geojson(geo, src, kind, now=NOW, workstation="desk-1")
    assert (report.read, report.imported, report.rejected) == (2, 2, [])
    assert counts(geo) == (2, 2, 2)  # two objects, their history rows; logged: objects
    with geo.read() as s:
        events = s.execute(select(RegistryEvent.action, RegistryEvent.note)).all()
    assert events == [("import", f"imported from {src.name}")] * 2

    first = tmp_path / "first.geojson"
    assert export_geojson(geo, first, kind) == 2
    out = json.loads(first.read_text(encoding="utf-8"))["features"]
    for want, got in zip(SAMPLES[kind], out, strict=True):
        assert got["geometry"] == want["geometry"]
        props = {k: v for k, v in got["properties"].items() if v is not None}
        assert {k: v for k, v in props.items() if k not in LOCATION} == want["properties"]
    assert [f["properties"]["grid_code"] for f in out] == ["211302001001001", None]
    assert out[0]["properties"]["street_code"] == "211302001"
    assert out[0]["properties"]["district_code"] == "211302"

    # The export comes back in as the same objects.
    assert import_geojson(other, first, kind, now=NOW).imported == 2
    second = tmp_path / "second.geojson"
    export_geojson(other, second, kind)
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_csv_round_trip(geo, other, tmp_path, kind):
    src = tmp_path / f"{kind}.geojson"
    src.write_text(_collection(*SAMPLES[kind]), encoding="utf-8")
    import_geojson(geo, src, kind, now=NOW)
    first = tmp_path / "first.csv"
    assert export_csv(geo, first, kind) == 2
    assert first.read_bytes().startswith(b"\xef\xbb\xbf")
    with first.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    spec_fields = [s[2] for s in target_specs() if s[0] == kind][0]
    header = list(rows[0])
    assert header[:9] == ["code", "name", "status", "address", "lon", "lat", *LOCATION]
    assert header[9:] == [f for f in spec_fields if f not in header[:9]]  # the kind's order
    assert rows[0]["code"] == SAMPLES[kind][0]["properties"]["code"]
    assert rows[0]["grid_code"] == "211302001001001" and rows[1]["grid_code"] == ""

    assert import_csv(other, first, kind, now=NOW).imported == 2
    second = tmp_path / "second.csv"
    export_csv(other, second, kind)
    if kind != "illegal_buildings":
        assert second.read_bytes() == first.read_bytes()
        return
    # CSV has no footprint: it comes back as a square of the same area round the centre.
    again = list(csv.DictReader(second.open(encoding="utf-8-sig", newline="")))
    for a, b in zip(rows, again, strict=True):
        assert float(b["lon"]) == pytest.approx(float(a["lon"]), abs=1e-9)
        assert float(b["lat"]) == pytest.approx(float(a["lat"]), abs=1e-9)
        assert {k: v for k, v in b.items() if k not in ("lon", "lat")} == {
            k: v for k, v in a.items() if k not in ("lon", "lat")
        }


def test_chinese_column_labels_and_status_labels(geo, tmp_path):
    src = tmp_path / "部件.csv"
    src.write_text(
        "名称,部件类型,权属单位,状态,经度,纬度,损坏情况\n"
        "幸福路井盖1,井盖,市政设施管理处,破损,120.4505,41.5705,井盖破损\n"
        "幸福路路灯2,路灯,,,120.4515,41.5705,\n",
        encoding="gb18030",
    )
    assert import_csv(geo, src, "components", now=NOW).imported == 2
    with geo.read() as s:
        objects = s.scalars(select(RegistryObject).order_by(RegistryObject.code)).all()
    assert [(o.code, o.status, o.grid_code) for o in objects] == [
        ("BJ000001", "damaged", "211302001001001"),
        ("BJ000002", "intact", "211302001001002"),
    ]
    assert objects[0].attrs == {
        "component_type": "manhole",
        "owner_unit": "市政设施管理处",
        "damage": "井盖破损",
    }
    assert objects[1].attrs == {"component_type": "street_light"}


def test_an_illegal_building_from_csv_is_a_square_of_its_area(geo, tmp_path):
    src = tmp_path / "违建.csv"
    src.write_text(
        "名称,面积,发现日期,类型,lon,lat\n南塔街违建,400,2026/3/2,新增,120.4505,41.5705\n",
        encoding="utf-8",
    )
    import_csv(geo, src, "illegal_buildings", now=NOW)
    with geo.read() as s:
        o = s.scalars(select(RegistryObject)).one()
    ring = json.loads(o.geometry)["coordinates"][0]
    mx, my = local_metres_per_degree(41.5705)
    assert (ring[1][0] - ring[0][0]) * mx == pytest.approx(20.0)
    assert (ring[2][1] - ring[1][1]) * my == pytest.approx(20.0)
    assert (o.lon, o.lat) == (pytest.approx(120.4505), pytest.approx(41.5705))
    assert o.attrs == {"area_m2": 400.0, "found_on": "2026-03-02", "origin": "new"}
    assert o.code == "WJ000001" and o.grid_code == "211302001001001"


GOOD_COMPONENTS = """\
code,name,component_type,status,lon,lat
,井盖1,manhole,intact,120.4505,41.5705
,井盖2,manhole,damaged,120.4515,41.5705
"""


def test_a_malformed_file_changes_nothing_and_says_why(geo, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD_COMPONENTS, encoding="utf-8")
    import_csv(geo, good, "components", now=NOW)
    before = counts(geo)
    assert before == (2, 2, 2)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        GOOD_COMPONENTS
        + "X1,,manhole,intact,120.45,41.57\n"  # row 4
        + "X2,井盖4,manhole,broken,120.45,41.57\n"
        + "X3,井盖5,路灯杆,intact,120.45,41.57\n"
        + "X4,井盖6,manhole,intact,,\n"
        + "X5,井盖7,manhole,intact,2.35,48.85\n"
        + "X6,井盖8,manhole,intact,120.45,41.57\n"
        + "X6,井盖9,manhole,intact,120.45,41.57\n"  # row 10
        + "BJ000001,井盖10,manhole,intact,120.45,41.57\n"
        + "bad code!,井盖11,,intact,120.45,41.57\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as err:
        import_csv(geo, bad, "components", now=NOW)
    assert [(e.row, e.field, e.reason) for e in err.value.errors] == [
        (4, "name", "missing name"),
        (
            5,
            "status",
            "unknown status 'broken'; one of: intact (完好), damaged (破损), "
            "missing (丢失), repairing (维修中)",
        ),
        (
            6,
            "component_type",
            "部件类型: '路灯杆' is not one of manhole, street_light, drain, toilet",
        ),
        (7, "lon", "missing coordinates"),
        (8, "lon", "(2.35, 48.85) is outside China (73–136°E, 3–54°N)"),
        (10, "code", "code 'X6' is also on row 9"),
        (11, "code", "code 'BJ000001' already exists"),
        (12, "code", "code 'bad code!': letters, digits, - and _ only, at most 32"),
        (12, "component_type", "missing 部件类型"),
    ]
    assert str(err.value) == f"{bad}: 8 of 11 rows are invalid; nothing was imported"
    assert counts(geo) == before


@pytest.mark.parametrize(
    ("kind", "csv_text", "want"),
    [
        (
            "markets",
            "name,market_type,stalls,opens,closes,lon,lat\n"
            "早市,convenience,20,08:00,07:00,120.45,41.57\n",
            (2, "closes", "闭市时间 07:00 is not after 开市时间 08:00"),
        ),
        (
            "parking",
            "name,parking_type,capacity,occupied,lon,lat\n停车场,car_park,100,130,120.45,41.57\n",
            (2, "occupied", "在用泊位 130 exceeds 泊位数 100"),
        ),
        (
            "illegal_buildings",
            "name,area_m2,found_on,origin,demolished_on,lon,lat\n"
            "违建,30,2026-03-02,new,2026-02-01,120.45,41.57\n",
            (2, "demolished_on", "拆除日期 2026-02-01 is before 发现日期 2026-03-02"),
        ),
        (
            "parking",
            "name,parking_type,capacity,lon,lat\n停车场,car_park,many,120.45,41.57\n",
            (2, "capacity", "泊位数: 'many' is not a valid int"),
        ),
    ],
)
def test_rules_between_fields_are_precise_reasons(geo, tmp_path, kind, csv_text, want):
    src = tmp_path / "bad.csv"
    src.write_text(csv_text, encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        import_csv(geo, src, kind, now=NOW)
    assert [(e.row, e.field, e.reason) for e in err.value.errors] == [want]
    assert counts(geo) == (0, 0, 0)


def test_geojson_geometry_must_fit_the_kind(geo, tmp_path):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[120.45, 41.57], [120.451, 41.571], [120.451, 41.57], [120.45, 41.571],
                         [120.45, 41.57]]],
    }  # fmt: skip
    attrs = {"name": "违建", "area_m2": 30, "found_on": "2026-03-02", "origin": "new"}
    src = tmp_path / "bad.geojson"
    src.write_text(
        _collection(
            _feature(bowtie, **attrs),
            _feature(None, **attrs),
            _feature({"type": "LineString", "coordinates": [IN_GRID, OUTSIDE]}, **attrs),
            _feature(_point(IN_GRID), **attrs),  # a point and its area: a square
        ),
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as err:
        import_geojson(geo, src, "illegal_buildings", now=NOW)
    assert [(e.row, e.field) for e in err.value.errors] == [
        (1, "geometry"),
        (2, "geometry"),
        (3, "geometry"),
    ]
    reasons = [e.reason for e in err.value.errors]
    assert reasons[0].startswith("the footprint is not a valid polygon (Self-intersection")
    assert reasons[1:] == [
        "missing coordinates",
        "geometry is a LineString, not a Polygon or a Point",
    ]
    signs = tmp_path / "signs.geojson"
    signs.write_text(
        _collection(_feature(bowtie, name="牌匾", sign_type="shop_sign")), encoding="utf-8"
    )
    with pytest.raises(ImportFailed) as err:
        import_geojson(geo, signs, "ad_signs", now=NOW)
    assert err.value.errors[0].reason == "geometry is a Polygon, not a Point"


def test_skip_invalid_imports_the_good_rows_and_reports_the_bad(geo, tmp_path):
    src = tmp_path / "mixed.csv"
    src.write_text(
        GOOD_COMPONENTS + ",井盖3,manhole,gone,120.45,41.57\n,,drain,,120.45,41.57\n",
        encoding="utf-8",
    )
    report_path = tmp_path / "refused.csv"
    report = import_csv(geo, src, "components", skip_invalid=True, report_path=report_path, now=NOW)
    assert (report.read, report.imported, len(report.rejected)) == (4, 2, 2)
    assert counts(geo) == (2, 2, 2)
    with report_path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["row", "field", "reason"]
    assert rows[1][:2] == ["4", "status"] and rows[1][2].startswith("unknown status 'gone'")
    assert rows[2] == ["5", "name", "missing name"]


def test_codes_are_numbered_after_the_database_and_the_file(geo, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text(GOOD_COMPONENTS, encoding="utf-8")
    import_csv(geo, first, "components", now=NOW)  # BJ000001, BJ000002
    second = tmp_path / "second.csv"
    second.write_text(
        "code,name,component_type,lon,lat\n"
        ",a,drain,120.45,41.57\n"
        "BJ000007,b,drain,120.45,41.57\n"
        ",c,drain,120.45,41.57\n",
        encoding="utf-8",
    )
    import_csv(geo, second, "components", now=NOW)
    with geo.read() as s:
        codes = s.execute(select(RegistryObject.name, RegistryObject.code)).all()
    assert sorted(codes, key=lambda r: r[1]) == [
        ("井盖1", "BJ000001"),
        ("井盖2", "BJ000002"),
        ("b", "BJ000007"),
        ("a", "BJ000008"),
        ("c", "BJ000009"),
    ]
    with pytest.raises(ImportFailed) as err:  # the same file again: its code is taken
        import_csv(geo, second, "components", now=NOW)
    assert [(e.row, e.reason) for e in err.value.errors] == [(3, "code 'BJ000007' already exists")]


def test_mapping_renames_columns_and_refuses_unknown_fields(geo, tmp_path):
    src = tmp_path / "m.csv"
    src.write_text("设施,种类,x,y\n井盖1,manhole,120.45,41.57\n", encoding="utf-8")
    mapping = {"设施": "name", "种类": "component_type", "x": "lon", "y": "lat"}
    assert import_csv(geo, src, "components", mapping, now=NOW).imported == 1
    with pytest.raises(ImportFailed) as err:
        import_csv(geo, src, "components", {**mapping, "种类": "colour"}, now=NOW)
    assert err.value.errors[0].row == 1
    assert err.value.errors[0].reason.startswith("unknown field 'colour'")
    by_field, errors = resolve_columns("parking", ["名称", "泊位数"], None, geometry=True)
    assert by_field["capacity"] == "泊位数" and by_field["lon"] == "geometry"
    assert [e.field for e in errors] == ["parking_type"]


# -- unit grids ------------------------------------------------------------------------------
def _grid(code: str, lon: float, **props) -> dict:
    return _feature(_square(lon, 41.57), code=code, **props)


def test_grids_round_trip_and_objects_find_them(geo, tmp_path):
    src = tmp_path / "grids.geojson"
    src.write_text(
        _collection(_grid("211302001001004", 120.453), _grid("211302001001005", 120.454)),
        encoding="utf-8",
    )
    assert import_geojson(geo, src, "grids", now=NOW).imported == 2
    out = tmp_path / "grids_out.geojson"
    assert export_geojson(geo, out, "grids") == 5
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    new = {f["properties"]["code"]: f for f in features[3:]}
    assert new["211302001001004"]["geometry"] == _square(120.453, 41.57)
    props = new["211302001001005"]["properties"]
    assert props["district_code"] == "211302" and props["street_code"] == "211302001"
    assert props["community_code"] == "211302001001"
    mx, my = local_metres_per_degree(41.5705)
    assert props["area_m2"] == pytest.approx(0.001 * mx * 0.001 * my, abs=0.1)

    table = tmp_path / "grids.csv"
    assert export_csv(geo, table, "grids") == 5
    with table.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "code", "district_code", "street_code", "community_code", "area_m2", "lon", "lat",
    ]  # fmt: skip
    assert (rows[4]["code"], rows[4]["lon"], rows[4]["lat"]) == (
        "211302001001005",
        "120.4545",
        "41.5705",
    )

    with pytest.raises(ImportFailed) as err:  # never overwritten
        import_geojson(geo, out, "grids", now=NOW)
    assert err.value.errors[3].reason == (
        "unit grid '211302001001004' already exists (it is not overwritten)"
    )
    sign = tmp_path / "sign.csv"
    sign.write_text("name,sign_type,lon,lat\n牌匾,shop_sign,120.4535,41.5705\n", "utf-8")
    import_csv(geo, sign, "ad_signs", now=NOW)
    with geo.read() as s:
        assert s.scalar(select(RegistryObject.grid_code)) == "211302001001004"


def test_every_locator_of_the_process_sees_imported_grids(geo, tmp_path):
    """A service's locator loaded before a grid import (the desk's, the registries') finds
    the new grids without being handed to the import."""
    from command_center.services.locate import GridLocator

    early = GridLocator(geo)
    assert early.locate(120.4535, 41.5705) is None  # loaded now, before the import
    src = tmp_path / "grids.geojson"
    src.write_text(_collection(_grid("211302001001004", 120.453)), encoding="utf-8")
    import_geojson(geo, src, "grids", now=NOW)
    assert early.locate(120.4535, 41.5705) == "211302001001004"


def test_overlapping_grids_are_refused_and_touching_ones_kept(geo, tmp_path):
    """Unit grids partition the city (a point falls in one grid): a new grid may touch
    others, but not cover part of one in the store or of an earlier row of the file."""
    src = tmp_path / "grids.geojson"
    src.write_text(
        _collection(
            _grid("211302001001004", 120.453),  # touches 003 (a shared edge): kept
            _grid("211302001001005", 120.4515),  # half over 002 and 003 in the store
            _grid("211302001001006", 120.4538),  # 80 % over 004, an earlier row
            # A sliver (≈0.9 m²) over 004, and over 006, which is refused: kept.
            _grid("211302001001007", 120.4539999),
        ),
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as err:
        import_geojson(geo, src, "grids", now=NOW)
    reasons = {e.row: e.reason for e in err.value.errors}
    assert set(reasons) == {2, 3}
    assert reasons[2].startswith("overlaps unit grid '211302001001002' by ")
    assert reasons[3].startswith("overlaps unit grid '211302001001004' (row 1) by ")
    report = import_geojson(geo, src, "grids", now=NOW, skip_invalid=True)
    assert report.imported == 2
    with geo.read() as s:
        codes = set(s.scalars(select(UnitGrid.code)))
    assert {"211302001001004", "211302001001007"} <= codes
    assert not {"211302001001005", "211302001001006"} & codes


def test_a_grid_with_an_unknown_street_or_a_bad_polygon_is_refused(geo, tmp_path):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[120.5, 41.6], [120.501, 41.601], [120.501, 41.6], [120.5, 41.601],
                         [120.5, 41.6]]],
    }  # fmt: skip
    src = tmp_path / "grids.geojson"
    src.write_text(
        _collection(
            _grid("211302001001006", 120.46),
            _grid("211302009001001", 120.47),
            _grid("2113020010010", 120.48),
            _feature(bowtie, code="211302001001007"),
            _grid("211302001001008", 120.49, street_code="211302002"),
        ),
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as err:
        import_geojson(geo, src, "grids", now=NOW)
    got = [(e.row, e.field, e.reason) for e in err.value.errors]
    assert got[:2] == [
        (2, "code", "street 211302009 of unit grid 211302009001001 does not exist"),
        (2, "code", "community 211302009001 of unit grid 211302009001001 does not exist"),
    ]
    assert got[2][:2] == (3, "code") and "15 digits" in got[2][2]
    assert got[3][:2] == (4, "geometry") and "Self-intersection" in got[3][2]
    assert got[4] == (5, "street_code", "street_code 211302002 is not the code's 211302001")
    with geo.read() as s:
        after = tuple(s.scalar(select(func.count()).select_from(m)) for m in (UnitGrid, ChangeLog))
    assert after == (3, 0)
    with pytest.raises(ImportFailed) as err:
        import_csv(geo, tmp_path / "grids.csv", "grids")
    assert err.value.errors[0].reason == "unit grids are imported from GeoJSON (their polygons)"


# -- the command line ------------------------------------------------------------------------
def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )


def test_cli_imports_and_exports_a_registry_and_refuses_a_bad_file(sqlite_template, tmp_path):
    path = tmp_path / "cc.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    bad = tmp_path / "signs.csv"
    rows = ["名称,类型,经度,纬度", "牌匾,牌匾标识,120.45,41.57"]
    rows += [f"牌匾{i},霓虹灯,120.45,41.57" for i in range(11)]
    rows += ["牌匾,shop_sign,,"]
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run("--db", url, "import", "csv", str(bad), "--into", "ad_signs")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {bad}: 12 of 13 rows are invalid; nothing was imported"
    assert lines[1] == (
        "  row 3, 类型: 类型: '霓虹灯' is not one of outdoor_ad, shop_sign, billboard"
    )
    assert lines[-1] == "  … and 2 more"
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM registry_objects").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM change_log").fetchone()[0] == 0

    good = tmp_path / "good.csv"
    good.write_text("\n".join(rows[:2]) + "\n", encoding="utf-8")
    result = run("--db", url, "import", "csv", str(good), "--into", "ad_signs")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "imported 1 of 1 rows into ad_signs"
    out = tmp_path / "signs.geojson"
    result = run("--db", url, "export", "geojson", str(out), "--from", "ad_signs")
    assert result.returncode == 0, result.stderr
    feature = json.loads(out.read_text(encoding="utf-8"))["features"][0]
    assert feature["properties"]["code"] == "GG000001"
    assert feature["properties"]["sign_type"] == "shop_sign"
    result = run("--db", url, "import", "csv", str(good), "--into", "grids")
    assert result.returncode == 2 and "GeoJSON" in result.stderr
