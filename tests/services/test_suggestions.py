"""Motion zones saved per camera, and suggested cases: raised, accepted into a reported case
with the snapshot as evidence, dismissed, and never accepted twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from command_center.domain.motion import MotionZone, ZoneTrigger
from command_center.domain.workflow import Role as R
from command_center.services.cameras import CameraService
from command_center.services.changes import ConflictError, NotFound, ServiceError
from command_center.services.suggestions import SuggestionService
from command_center.store.models import Camera, Case
from tests.services.conftest import Org, org  # noqa: F401

LON, LAT = 120.4515, 41.5705
CORNER = ((0.5, 0.5), (0.9, 0.5), (0.9, 0.9), (0.5, 0.9))


@pytest.fixture
def zoned(store, org: Org):  # noqa: F811
    with store.transaction() as s:
        cam = Camera(code="C-1", name="南塔街口", url="rtsp://127.0.0.1/x", lon=LON, lat=LAT)
        s.add(cam)
        s.flush()
        camera_id = cam.id
    service = SuggestionService(store, org.service, clock=org.clock, workstation="intake-1")
    return service, camera_id


def _trigger(org: Org, zone_id: str = "corner") -> ZoneTrigger:  # noqa: F811
    now = org.clock()
    return ZoneTrigger(zone_id, now - timedelta(seconds=65), now, 0.21, 0.12)


def test_zones_are_saved_replaced_and_validated(zoned, org):  # noqa: F811
    service, cam = zoned
    a = MotionZone("corner", "东南角", CORNER, category_code="200102", persist_s=60)
    b = MotionZone("door", "门口", ((0.1, 0.1), (0.3, 0.1), (0.3, 0.3)), category_code="200102")
    service.save_zones(org.actors[R.SHIFT_CHIEF], cam, [a, b])
    assert service.zones(cam) == [a, b]
    service.save_zones(org.actors[R.SHIFT_CHIEF], cam, [a])
    assert service.zones(cam) == [a] and service.zones_by_camera() == {cam: [a]}
    with pytest.raises(ServiceError, match="unknown category"):
        service.save_zones(org.actors[R.SHIFT_CHIEF], cam, [MotionZone("x", "x", CORNER, category_code="999999")])
    with pytest.raises(ServiceError, match="same id"):
        service.save_zones(org.actors[R.SHIFT_CHIEF], cam, [a, a])
    with pytest.raises(NotFound):
        service.save_zones(org.actors[R.SHIFT_CHIEF], 424242, [a])
    with pytest.raises(ServiceError, match="only the shift chief"):
        service.save_zones(org.actors[R.DISPATCHER], cam, [])
    assert service.zones(cam) == [a]  # refused saves changed nothing


def test_a_suggestion_accepted_becomes_a_camera_case_with_its_snapshot(store, zoned, org):  # noqa: F811
    service, cam = zoned
    service.save_zones(org.actors[R.SHIFT_CHIEF], cam, [MotionZone("corner", "东南角", CORNER, category_code="200102",
                                        location=(LON + 0.0003, LAT))])
    jpeg = b"\xff\xd8\xff\xe0" + b"p" * 500 + b"\xff\xd9"
    service.raise_suggestion(cam, _trigger(org), jpeg)
    (pending,) = service.suggestions()
    assert (pending.category_code, pending.zone_name, pending.camera_name) == (
        "200102", "东南角", "南塔街口")
    assert pending.lon == pytest.approx(LON + 0.0003) and pending.has_snapshot
    changes = service.accept(org.actors[R.INTAKE], pending.id)
    case_id = changes.case_id
    with store.read() as s:
        case = s.get(Case, case_id)
        assert (case.source, case.state, case.category_code) == ("camera", "reported", "200102")
        assert "南塔街口" in case.description
    assert service.suggestions() == []
    (done,) = service.suggestions(status="accepted")
    assert done.case_id == case_id
    (att,) = changes.ids("attachments")
    assert CameraService(store).attachment_content(att) == jpeg
    with pytest.raises(ConflictError, match="already accepted"):
        service.accept(org.actors[R.INTAKE], pending.id)


def test_dismissed_and_role_checked(zoned, org):  # noqa: F811
    service, cam = zoned
    service.save_zones(org.actors[R.SHIFT_CHIEF], cam, [MotionZone("corner", "东南角", CORNER, category_code="200102")])
    service.raise_suggestion(cam, _trigger(org))
    (s1,) = service.suggestions()
    with pytest.raises(ServiceError, match="only the intake operator"):
        service.accept(org.actors[R.DISPATCHER], s1.id)
    service.dismiss(org.actors[R.INTAKE], s1.id)
    assert service.suggestions() == [] and service.suggestions(status="dismissed")[0].id == s1.id
    with pytest.raises(ConflictError):
        service.accept(org.actors[R.INTAKE], s1.id)
    with pytest.raises(NotFound, match="no zone"):
        service.raise_suggestion(cam, _trigger(org, "nowhere"))
