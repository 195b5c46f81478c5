"""The camera registry on both databases: groups, coverage of a case, tours, and evidence
attached to a case with its camera and time (and shown by the case detail)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from command_center.domain.catalogue import Catalogue
from command_center.domain.geo import local_metres_per_degree
from command_center.domain.workflow import Role as R
from command_center.services.cameras import CameraService, Evidence
from command_center.services.case_detail import load_case_detail
from command_center.services.changes import NotFound, ServiceError
from command_center.store.models import Camera, ChangeLog
from tests.services.conftest import Org, org  # noqa: F401

LON, LAT = 120.4515, 41.5705
M_LON, M_LAT = local_metres_per_degree(LAT)


@pytest.fixture
def cams(store, org: Org):  # noqa: F811
    """Three cameras around the case spot: one facing it 80 m north, one 60 m east
    looking away, one dome 120 m west under maintenance."""
    rows = [
        Camera(code="C-N", name="北侧", url="rtsp://127.0.0.1/n", lon=LON, lat=LAT + 80 / M_LAT,
               heading_deg=180.0, fov_deg=60.0, group_name="重点部位"),
        Camera(code="C-E", name="东侧", url="rtsp://127.0.0.1/e", lon=LON + 60 / M_LON, lat=LAT,
               heading_deg=90.0, fov_deg=60.0, group_name="重点部位", sub_url="rtsp://x/sub"),
        Camera(code="C-W", name="西侧", url="rtsp://127.0.0.1/w", lon=LON - 120 / M_LON, lat=LAT,
               status="maintenance", group_name="双塔区"),
    ]
    with store.transaction() as s:
        s.add_all(rows)
        s.flush()
        ids = {c.code: c.id for c in rows}
    return CameraService(store, clock=org.clock, workstation="desk-9"), ids


def _case(org: Org) -> int:  # noqa: F811
    return org.service.report(org.actors[R.INSPECTOR], category_code="200102", lon=LON,
                              lat=LAT).case_id


def test_registry_groups_and_sub_streams(cams):
    service, ids = cams
    by_code = {c.code: c for c in service.cameras()}
    assert by_code["C-E"].tile_url == "rtsp://x/sub" and by_code["C-N"].tile_url.endswith("/n")
    assert not by_code["C-W"].usable and by_code["C-N"].usable
    assert service.groups() == {"双塔区": [ids["C-W"]], "重点部位": [ids["C-E"], ids["C-N"]]}
    with pytest.raises(ServiceError, match="unknown camera status"):
        service.set_status(ids["C-W"], "broken")
    assert service.set_status(ids["C-W"], "in_service").ids("cameras") == {ids["C-W"]}


def test_only_cameras_whose_cone_covers_the_case_are_listed(cams, org):  # noqa: F811
    service, ids = cams
    case_id = _case(org)
    # North camera faces it; east looks away; west is a dome but under maintenance.
    assert [c.camera_id for c in service.covering_case(case_id)] == [ids["C-N"]]
    service.set_status(ids["C-W"], "in_service")
    assert [c.camera_id for c in service.covering_case(case_id)] == [ids["C-N"], ids["C-W"]]
    with pytest.raises(NotFound):
        service.covering_case(999_999)


def test_tours_are_validated_and_replaced_by_name(cams):
    service, ids = cams
    service.save_tour("早高峰", "2x2", 15, [ids["C-N"], ids["C-E"]])
    service.save_tour("早高峰", "3x3", 30, [ids["C-W"]])
    (tour,) = service.tours()
    assert (tour.name, tour.layout, tour.interval_s, tour.camera_ids) == (
        "早高峰", "3x3", 30, (ids["C-W"],))
    for bad, message in [
        (("", "2x2", 10, [ids["C-N"]]), "needs a name"),
        (("x", "5x5", 10, [ids["C-N"]]), "unknown wall layout"),
        (("x", "2x2", 1, [ids["C-N"]]), "at least 3 seconds"),
        (("x", "2x2", 10, []), "at least one camera"),
        (("x", "2x2", 10, [424242]), "no camera"),
    ]:
        with pytest.raises(ServiceError, match=message):
            service.save_tour(*bad)


def test_a_snapshot_lands_on_the_case_with_camera_and_time(store, cams, org):  # noqa: F811
    service, ids = cams
    case_id = _case(org)
    taken = org.clock() - timedelta(seconds=5)
    jpeg = b"\xff\xd8\xff\xe0" + b"x" * 2000 + b"\xff\xd9"
    actor = org.actors[R.DISPATCHER]
    changes = service.attach(actor, Evidence(case_id, ids["C-N"], "photo", jpeg, taken))
    (att_id,) = changes.ids("attachments")
    assert changes.cases == {case_id}
    assert service.attachment_content(att_id) == jpeg
    detail = load_case_detail(store, Catalogue.default(), case_id, org.clock())
    (info,) = detail.attachments
    assert (info.kind, info.camera_id, info.camera_name, info.taken_at) == (
        "photo", ids["C-N"], "北侧", taken)
    assert info.path.startswith("C-N_") and info.path.endswith(".jpg")
    with store.read() as s:
        logged = s.query(ChangeLog.table_name).filter(ChangeLog.workstation == "desk-9").all()
    assert ("attachments",) in logged
    with pytest.raises(ServiceError, match="empty"):
        service.attach(actor, Evidence(case_id, ids["C-N"], "photo", b"", taken))
    with pytest.raises(NotFound):
        service.attach(actor, Evidence(case_id, 424242, "photo", jpeg, taken))
    assert len(load_case_detail(store, Catalogue.default(), case_id, org.clock()).attachments) == 1
