"""Open311 GeoReport v2: the catalogue as services, cases as requests, and a real-world
shaped requests.json checked request by request with precise reasons."""

from __future__ import annotations

import json
from datetime import datetime

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.interop.open311 import parse_requests, request_document, services_document

CATALOGUE = Catalogue.default()


def test_services_are_the_catalogue():
    services = services_document(CATALOGUE)
    assert len(services) == len(list(CATALOGUE))
    garbage = next(s for s in services if s["service_code"] == "200102")
    assert garbage["service_name"] == CATALOGUE.get("200102").name
    assert garbage["type"] == "realtime" and garbage["metadata"] is False
    json.dumps(services, ensure_ascii=False)  # serialisable as it is


def test_a_case_becomes_a_request_with_the_china_offset():
    doc = request_document(
        case_id=1, case_no="2026112700001", category_code="200102", category_name="暴露垃圾",
        state="closed", description="路边垃圾", address="南塔街", lon=120.4515, lat=41.5705,
        reported_at=datetime(2026, 11, 27, 1, 30, tzinfo=CST), updated_at=None,
        deadline_at=datetime(2026, 11, 27, 9, 30, tzinfo=CST), agency="双塔区环卫处",
    )
    assert doc["status"] == "closed" and doc["service_request_id"] == "2026112700001"
    assert doc["requested_datetime"] == "2026-11-27T01:30:00+08:00"
    assert (doc["lat"], doc["long"]) == (41.5705, 120.4515)


def test_real_world_requests_are_mapped_or_refused_with_a_reason():
    data = {
        "service_requests": [
            {   # ours, with vendor extensions and unknown fields: fine
                "service_request_id": "A1", "service_code": "200102", "lat": "41.57",
                "long": "120.45", "requested_datetime": "2026-11-27T08:00:00Z",
                "extended_attributes": {"x": 1}, "channel": "wechat",
            },
            {   # the other system's code, mapped; a local time without an offset
                "service_request_id": "A2", "service_code": "MANHOLE", "lat": 41.56,
                "long": 120.44, "requested_datetime": "2026/11/27 09:15",
            },
            {"service_request_id": "B1", "service_code": "999999", "lat": 41.5,
             "long": 120.4, "requested_datetime": "2026-11-27T08:00:00+08:00"},
            {"service_request_id": "B2", "service_code": "200102", "address": "南塔街",
             "requested_datetime": "2026-11-27T08:00:00+08:00"},
            {"service_request_id": "B3", "service_code": "200102", "lat": 120.45,
             "long": 41.57, "requested_datetime": "2026-11-27T08:00:00+08:00"},
            {"service_request_id": "B4", "service_code": "200102", "lat": 41.5, "long": 120.4,
             "requested_datetime": "31/02/2026"},
            {"service_request_id": "B5", "service_code": "200102", "lat": 41.5, "long": 120.4,
             "requested_datetime": "2026-11-27T10:00:00+08:00",
             "updated_datetime": "2026-11-27T09:00:00+08:00"},
            "not an object",
        ]
    }
    good, bad = parse_requests(data, CATALOGUE, service_map={"MANHOLE": "0101"})
    assert [g.request_id for g in good] == ["A1", "A2"]
    assert good[0].reported_at == datetime(2026, 11, 27, 16, 0, tzinfo=CST)  # 08:00Z
    assert good[1].category_code == "0101" and good[1].reported_at.hour == 9
    reasons = {(e.request_id, e.field): e.reason for e in bad}
    assert "unknown service code '999999'" in reasons[("B1", "service_code")]
    assert reasons[("B2", "lat/long")].startswith("missing coordinates")
    assert "outside China" in reasons[("B3", "lat/long")]
    assert reasons[("B4", "requested_datetime")] == "unrecognised time '31/02/2026'"
    assert "before the request" in reasons[("B5", "updated_datetime")]
    assert any(e.field == "request" and e.reason == "not an object" for e in bad)
    assert str(bad[0]).startswith("request 3 (B1): service_code:")


def test_not_a_list_is_one_clear_error():
    good, bad = parse_requests({"hello": 1}, CATALOGUE)
    assert good == [] and [e.reason for e in bad] == ["not a GeoReport v2 list of requests"]


# -- into and out of a real database (both dialects) ----------------------------------------

def _requests_file(tmp_path, *, bad: bool):
    requests = [
        {"service_request_id": "W1", "service_code": "200102", "lat": 41.571, "long": 120.451,
         "requested_datetime": "2026-03-04T09:30:00+08:00", "description": "路边垃圾",
         "address": "幸福路12号", "media_url": "", "vendor": {"x": 1}},
        {"service_request_id": "W2", "service_code": "0101", "lat": 41.572, "long": 120.452,
         "requested_datetime": "2026-03-04 10:00"},
    ]
    if bad:
        requests.append({"service_request_id": "W3", "service_code": "200102",
                         "address": "没有坐标", "requested_datetime": "2026-03-04T11:00:00Z"})
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(requests, ensure_ascii=False), encoding="utf-8")
    return path


def _case_count(store) -> int:
    from sqlalchemy import func, select

    from command_center.store.models import Case

    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Case))


def test_a_bad_request_refuses_the_file_unless_told_to_skip_it(store, tmp_path):
    import pytest

    from command_center.interop.importing import ImportFailed
    from command_center.interop.open311 import import_open311

    path = _requests_file(tmp_path, bad=True)
    with pytest.raises(ImportFailed) as failed:
        import_open311(store, path)
    assert [(e.row, e.field) for e in failed.value.errors] == [(3, "lat/long")]
    assert _case_count(store) == 0  # nothing written
    report = tmp_path / "refused.csv"
    result = import_open311(store, path, skip_invalid=True, report_path=report)
    assert (result.read, result.imported, len(result.rejected)) == (3, 2, 1)
    assert _case_count(store) == 2
    assert "missing coordinates" in report.read_text(encoding="utf-8-sig")


def test_open311_out_and_back_in(store, tmp_path):
    from command_center.interop.open311 import export_open311, import_open311

    import_open311(store, _requests_file(tmp_path, bad=False))
    out = tmp_path / "open311"
    assert export_open311(store, out) == 2
    services = json.loads((out / "services.json").read_text(encoding="utf-8"))
    requests = json.loads((out / "requests.json").read_text(encoding="utf-8"))
    assert {s["service_code"] for s in services} >= {"200102", "0101"}
    assert [r["service_code"] for r in requests] == ["200102", "0101"]
    assert requests[0]["requested_datetime"] == "2026-03-04T09:30:00+08:00"
    assert requests[0]["status"] == "open" and requests[0]["address"] == "幸福路12号"
    # what we write, we read back: the exported requests import cleanly
    good, bad = parse_requests(requests, CATALOGUE)
    assert bad == [] and [(g.lon, g.lat) for g in good] == [(120.451, 41.571), (120.452, 41.572)]
