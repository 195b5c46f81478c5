"""CSV and GeoJSON import and export of cases and cameras, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from command_center.domain.calendar import CST
from command_center.interop.importing import ImportFailed
from command_center.interop.tabular import (
    export_csv,
    export_geojson,
    import_cameras_csv,
    import_cases_csv,
    import_geojson,
)
from command_center.store.engine import Store, make_engine
from command_center.store.models import Camera, Case, CaseEvent, ChangeLog

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=CST)

CASES_CSV = """\
类别,经度,纬度,上报时间,地址,描述
0101,120.451,41.571,2026-03-04 09:30,幸福路12号,井盖破损
0102,120.452,41.572,2026-03-04T10:00:00+08:00,建设路3号,
0103,120.453,41.573,2026/03/05 08:15,,
"""
MAPPING = {
    "类别": "category_code",
    "经度": "lon",
    "纬度": "lat",
    "上报时间": "reported_at",
    "地址": "address",
    "描述": "description",
}


def counts(store: Store) -> tuple[int, int, int, int]:
    with store.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m))
            for m in (Case, CaseEvent, Camera, ChangeLog)
        )  # type: ignore[return-value]


def test_cases_from_csv_are_reported_with_numbers_and_a_trail(store, tmp_path):
    src = tmp_path / "cases.csv"
    src.write_text(CASES_CSV, encoding="utf-8-sig")
    report = import_cases_csv(store, src, MAPPING, now=NOW)
    assert (report.read, report.imported, report.rejected) == (3, 3, [])
    with store.read() as s:
        cases = s.execute(select(Case).order_by(Case.id)).scalars().all()
        events = s.execute(select(CaseEvent).order_by(CaseEvent.id)).scalars().all()
    assert [c.case_no for c in cases] == ["2026030400001", "2026030400002", "2026030500001"]
    assert {c.state for c in cases} == {"reported"}
    assert cases[0].address == "幸福路12号" and cases[0].description == "井盖破损"
    assert cases[1].reported_at == datetime(2026, 3, 4, 10, 0, tzinfo=CST)
    assert [(e.case_id, e.action, e.to_state) for e in events] == [
        (c.id, "report", "reported") for c in cases
    ]
    assert counts(store)[3] == 6  # three cases and three events in the change log


def test_a_malformed_file_changes_nothing(store, tmp_path):
    src = tmp_path / "cases.csv"
    src.write_text(CASES_CSV, encoding="utf-8")
    import_cases_csv(store, src, MAPPING, now=NOW)
    before = counts(store)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        CASES_CSV
        + "999,120.45,41.57,2026-03-05 09:00,,\n"
        + "0101,,,2026-03-05 09:00,,\n"
        + "0101,120.45,41.57,31/02/2026,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as err:
        import_cases_csv(store, bad, MAPPING, now=NOW)
    assert [(e.row, e.field, e.reason) for e in err.value.errors] == [
        (5, "类别", "unknown category '999'"),
        (6, "经度", "missing coordinates"),
        (7, "上报时间", "unrecognised date '31/02/2026'"),
    ]
    assert counts(store) == before


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(store, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(CASES_CSV + "999,120.45,41.57,,,\n0101,2.35,48.85,,,\n", encoding="utf-8")
    report_path = tmp_path / "refused.csv"
    report = import_cases_csv(
        store, bad, MAPPING, skip_invalid=True, report_path=report_path, now=NOW
    )
    assert (report.read, report.imported, len(report.rejected)) == (5, 3, 2)
    assert counts(store)[:2] == (3, 3)
    with report_path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["row", "field", "reason"]
    assert rows[1] == ["5", "类别", "unknown category '999'"]
    assert rows[2][:2] == ["6", "经度"] and "outside China" in rows[2][2]


def test_case_numbers_from_the_file_are_kept_and_never_taken_twice(store, tmp_path):
    src = tmp_path / "cases.csv"
    src.write_text(
        "case_no,category_code,lon,lat,reported_at\n"
        "2026030400007,0101,120.45,41.57,2026-03-04 09:00\n"
        ",0101,120.45,41.57,2026-03-04 10:00\n",
        encoding="utf-8",
    )
    import_cases_csv(store, src, now=NOW)
    with store.read() as s:
        assert s.scalars(select(Case.case_no).order_by(Case.id)).all() == [
            "2026030400007",
            "2026030400008",
        ]
    with pytest.raises(ImportFailed) as err:
        import_cases_csv(store, src, now=NOW)
    assert err.value.errors[0].reason == "case number '2026030400007' already exists"


def test_geojson_round_trip_gives_the_same_features(store, db_url, tmp_path):
    src = tmp_path / "cases.csv"
    src.write_text(CASES_CSV, encoding="utf-8")
    import_cases_csv(store, src, MAPPING, now=NOW)
    first = tmp_path / "first.geojson"
    assert export_geojson(store, first, "cases") == 3

    empty = Store(make_engine(_sibling(db_url, tmp_path)))
    try:
        report = import_geojson(empty, first, "cases", now=NOW)
        assert report.imported == 3
        second = tmp_path / "second.geojson"
        export_geojson(empty, second, "cases")
    finally:
        empty.dispose()
    one = json.loads(first.read_text(encoding="utf-8"))["features"]
    two = json.loads(second.read_text(encoding="utf-8"))["features"]
    assert one == two
    assert one[0]["geometry"] == {"type": "Point", "coordinates": [120.451, 41.571]}
    assert one[0]["properties"]["reported_at"] == "2026-03-04T09:30:00+08:00"


def _sibling(db_url: str, tmp_path) -> str:
    """Another empty migrated database of the same dialect (dropped with the test)."""
    import shutil
    import uuid

    if db_url.startswith("sqlite"):
        path = tmp_path / "second.db"
        shutil.copyfile(db_url.removeprefix("sqlite:///"), path)
        second = Store(make_engine(f"sqlite:///{path}"))
        with second.transaction() as s:  # the copy holds the first database's rows
            for model in (ChangeLog, CaseEvent, Case, Camera):
                s.execute(model.__table__.delete())
        second.dispose()
        return f"sqlite:///{path}"
    from tests.conftest import PG_URL_BASE, _pg_admin

    name = f"cc_test_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as con:
        con.execute(f'CREATE DATABASE "{name}"')
    from command_center.store import migrate

    engine = make_engine(PG_URL_BASE + name)
    migrate.upgrade(engine)
    engine.dispose()
    _DROP.append(name)
    return PG_URL_BASE + name


_DROP: list[str] = []


@pytest.fixture(autouse=True)
def _drop_second_databases():
    yield
    if _DROP:
        from tests.conftest import _pg_admin

        with _pg_admin() as con:
            while _DROP:
                con.execute(f'DROP DATABASE IF EXISTS "{_DROP.pop()}" WITH (FORCE)')


CAMERAS_CSV = """\
code,name,url,lon,lat,heading_deg,fov_deg,group_name,sub_url,status
CAM-001,幸福路口,rtsp://10.0.0.1/main,120.451,41.571,90,60,中心城区路口,rtsp://10.0.0.1/sub,in_service
CAM-002,建设路口,file:///clips/b.mp4,120.452,41.572,,,,,maintenance
"""


def test_cameras_csv_round_trip(store, tmp_path):
    src = tmp_path / "cameras.csv"
    src.write_text(CAMERAS_CSV, encoding="utf-8")
    assert import_cameras_csv(store, src).imported == 2
    out = tmp_path / "out.csv"
    assert export_csv(store, out, "cameras") == 2
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["code"] == "CAM-001" and rows[0]["heading_deg"] == "90.0"
    assert rows[1]["status"] == "maintenance" and rows[1]["sub_url"] == ""
    with pytest.raises(ImportFailed) as err:  # the same codes again
        import_cameras_csv(store, src)
    assert [e.reason for e in err.value.errors] == [
        "camera code 'CAM-001' already exists",
        "camera code 'CAM-002' already exists",
    ]


def test_bad_cameras_say_why(store, tmp_path):
    src = tmp_path / "cameras.csv"
    src.write_text(
        "code,name,url,lon,lat,heading_deg,status\n"
        "C1,a,rtsp://x,120.45,41.57,400,in_service\n"
        "C1,b,rtsp://y,120.45,41.57,,broken\n"
        ",c,,120.45,41.57,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as err:
        import_cameras_csv(store, src)
    assert [(e.row, e.field, e.reason) for e in err.value.errors] == [
        (2, "heading_deg", "heading 400 is out of range (0..360)"),
        (3, "code", "camera code 'C1' is also on row 2"),
        (3, "status", "unknown status 'broken'; one of: in_service, maintenance, retired"),
        (4, "code", "missing code"),
        (4, "url", "missing url"),
    ]
    assert counts(store) == (0, 0, 0, 0)


def test_a_mapping_to_an_unknown_field_refuses_the_file(store, tmp_path):
    src = tmp_path / "cases.csv"
    src.write_text(CASES_CSV, encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        import_cases_csv(store, src, {**MAPPING, "描述": "remarks"}, now=NOW)
    assert err.value.errors[0].row == 1
    assert err.value.errors[0].reason.startswith("unknown field 'remarks'")
