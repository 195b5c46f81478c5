"""The case detail read model on both real databases: fields, names, trail, cameras, duplicates."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from command_center.domain.calendar import WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.domain.deadline_state import DeadlineState
from command_center.domain.workflow import Role
from command_center.services.case_detail import (
    DuplicateFinder,
    load_case_detail,
    open_cases_near,
)
from command_center.services.cases import CaseService
from command_center.services.changes import NotFound
from command_center.services.snapshot import CaseRow
from command_center.store.models import Attachment, Camera, CaseEvent

R = Role
LON, LAT = 120.4515, 41.5705
CATALOGUE = Catalogue.default()
# Person names in the org fixture: 人员{n}, n the position of the role in `Role`.
NAME = {role: f"人员{n}" for n, role in enumerate(Role)}


def _report(org, code: str = "200102", lon: float = LON, lat: float = LAT) -> int:
    return org.service.report(
        org.actors[R.INSPECTOR],
        category_code=code,
        lon=lon,
        lat=lat,
        description="路边暴露垃圾",
        address="南塔街 3 号",
        source="hotline",
    ).case_id


def _cameras(store) -> dict[str, int]:
    """Three cameras at about 100 m, 250 m and 400 m east of the case."""
    with store.transaction() as s:
        cams = [
            Camera(
                code=f"C{m}",
                name=f"南塔街{m}米",
                url="rtsp://127.0.0.1/x",
                lon=LON + m / 83_500.0,
                lat=LAT,
            )  # ~83.5 km per degree of lon at 41.57°
            for m in (250, 100, 400)
        ]
        s.add_all(cams)
        s.flush()
        return {c.code: c.id for c in cams}


def test_the_detail_has_the_fields_names_and_category_of_the_case(store, org):
    cid = _report(org)
    a, svc = org.actors, org.service
    svc.register(a[R.SHIFT_CHIEF], cid)
    org.clock.now += timedelta(minutes=5)
    svc.dispatch(a[R.DISPATCHER], cid, squad_id=org.squad_ids[1])

    detail = load_case_detail(store, CATALOGUE, cid, org.clock.now)

    assert detail.case_no == "2026112300001"
    assert (detail.category_code, detail.category_name) == ("200102", "暴露垃圾")
    assert (detail.major_code, detail.major_name, detail.kind) == ("01", "市容环境", "event")
    assert "《城市生活垃圾管理办法》" in detail.legal_basis
    assert "罚款" in detail.penalty
    assert detail.responsible_unit_type_name == "环境卫生"
    assert (detail.description, detail.address, detail.source) == (
        "路边暴露垃圾",
        "南塔街 3 号",
        "hotline",
    )
    assert (detail.district_code, detail.district_name) == ("211302", "双塔区")
    assert detail.grid_code == "211302001001002"
    assert (detail.squad_name, detail.unit_name) == ("南塔一组2", "南塔中队")
    assert detail.reporter_name == NAME[R.INSPECTOR]
    assert detail.state == "dispatched"
    assert detail.version == 3
    assert detail.dispatched_at == org.clock.now
    assert detail.deadline_at is not None and detail.deadline_at > org.clock.now
    assert detail.deadline_state is DeadlineState.ON_TIME


def test_the_timeline_is_in_order_with_who_role_workstation_and_note(store, org):
    cid = _report(org)
    a, clock = org.actors, org.clock
    other_desk = CaseService(
        store, CATALOGUE, WorkCalendar.default(), clock=clock, workstation="dispatch-desk-2"
    )
    clock.now += timedelta(minutes=3)
    org.service.register(a[R.SHIFT_CHIEF], cid, note="属实")
    clock.now += timedelta(minutes=4)
    other_desk.dispatch(a[R.DISPATCHER], cid, squad_id=org.squad_ids[0])
    clock.now += timedelta(minutes=30)
    org.service.accept(a[R.SQUAD], cid)
    clock.now += timedelta(minutes=20)
    org.service.suspend(a[R.SUPERVISOR], cid, note="待产权单位确认")

    detail = load_case_detail(store, CATALOGUE, cid, clock.now)

    steps = [
        (t.action, t.from_state, t.to_state, t.actor_name, t.actor_role) for t in detail.timeline
    ]
    assert steps == [
        ("report", None, "reported", NAME[R.INSPECTOR], "inspector"),
        ("register", "reported", "registered", NAME[R.SHIFT_CHIEF], "shift_chief"),
        ("dispatch", "registered", "dispatched", NAME[R.DISPATCHER], "dispatcher"),
        ("accept", "dispatched", "in_progress", NAME[R.SQUAD], "squad"),
        ("suspend", "in_progress", "suspended", NAME[R.SUPERVISOR], "supervisor"),
    ]
    times = [t.at for t in detail.timeline]
    assert times == sorted(times) and times[-1] == clock.now
    assert detail.timeline[1].note == "属实"
    assert detail.timeline[-1].note == "待产权单位确认"
    assert detail.timeline[2].workstation == "dispatch-desk-2"
    assert detail.timeline[1].workstation == org.service.workstation != "dispatch-desk-2"
    assert detail.deadline_state is DeadlineState.PAUSED
    assert (detail.resume_state, detail.suspend_count) == ("in_progress", 1)


def test_the_deadline_state_follows_the_clock(store, org):
    cid = _report(org)
    a = org.actors
    org.service.register(a[R.SHIFT_CHIEF], cid)
    org.service.dispatch(a[R.DISPATCHER], cid, squad_id=org.squad_ids[0])
    deadline = load_case_detail(store, CATALOGUE, cid, org.clock.now).deadline_at
    assert deadline is not None

    def state_at(now: datetime) -> DeadlineState:
        return load_case_detail(store, CATALOGUE, cid, now).deadline_state

    assert state_at(deadline - timedelta(minutes=30)) is DeadlineState.DUE_SOON
    assert state_at(deadline + timedelta(minutes=1)) is DeadlineState.OVERDUE
    detail = load_case_detail(store, CATALOGUE, cid, deadline + timedelta(minutes=1))
    assert detail.overdue
    # once handled, the unit's clock no longer runs: no alarm, and it was handled on time
    org.service.accept(a[R.SQUAD], cid)
    org.service.feedback(a[R.SQUAD], cid, note="已清理")
    detail = load_case_detail(store, CATALOGUE, cid, deadline + timedelta(hours=5))
    assert detail.deadline_state is DeadlineState.NONE
    assert detail.handled_on_time is True


def test_a_reported_case_has_no_deadline_yet(store, org):
    detail = load_case_detail(store, CATALOGUE, _report(org), org.clock.now)
    assert detail.deadline_at is None
    assert detail.deadline_state is DeadlineState.NONE
    assert detail.handled_on_time is None


def test_nearby_cameras_within_300_m_nearest_first(store, org):
    cams = _cameras(store)
    detail = load_case_detail(store, CATALOGUE, _report(org), org.clock.now)
    assert [c.code for c in detail.nearby_cameras] == ["C100", "C250"]
    d100, d250 = (c.distance_m for c in detail.nearby_cameras)
    assert 90 < d100 < 110 and 240 < d250 < 260
    assert detail.nearby_cameras[0].id == cams["C100"]


def test_attachments_in_order_with_kind_path_and_time(store, org):
    cid = _report(org)
    with store.transaction() as s:
        event = s.query(CaseEvent).filter_by(case_id=cid).one()
        s.add_all(
            [
                Attachment(
                    case_id=cid,
                    event_id=event.id,
                    kind="photo",
                    filename="/evidence/a.jpg",
                    mime="image/jpeg",
                    sha256="0" * 64,
                    size=10,
                    created_at=org.clock.now,
                ),
                Attachment(
                    case_id=cid,
                    kind="document",
                    filename="/evidence/note.pdf",
                    mime="application/pdf",
                    sha256="1" * 64,
                    size=20,
                    created_at=org.clock.now + timedelta(minutes=1),
                ),
            ]
        )
    detail = load_case_detail(store, CATALOGUE, cid, org.clock.now)
    photo, doc = detail.attachments
    assert (photo.kind, photo.path, photo.is_image) == ("photo", "/evidence/a.jpg", True)
    assert (photo.taken_at, photo.event_id) == (org.clock.now, event.id)
    assert (doc.is_image, doc.event_id) == (False, None)


def test_a_missing_case_is_not_found(store, org):
    with pytest.raises(NotFound, match="no case with id 999"):
        load_case_detail(store, CATALOGUE, 999, org.clock.now)


def test_open_cases_near_finds_open_same_category_cases_within_the_radius(store, org):
    near = _report(org)
    _report(org, lon=LON + 40 / 83_500.0)  # ~40 m east
    _report(org, lon=LON + 80 / 83_500.0)  # ~80 m: outside 50 m
    _report(org, code="200103")  # another category, same spot
    closed = _report(org)
    org.service.reject(org.actors[R.SHIFT_CHIEF], closed, note="重复上报")

    found = open_cases_near(store, LON, LAT, "200102")
    assert [f.case_id for f in found] == [near, near + 1]
    assert found[0].distance_m < 1 and 35 < found[1].distance_m < 45
    assert found[0].case_no == "2026112300001"
    assert [f.case_id for f in open_cases_near(store, LON, LAT, "200102", 100)] == [
        near,
        near + 1,
        near + 2,
    ]
    assert [f.case_id for f in open_cases_near(store, LON, LAT, "200102", exclude_id=near)] == [
        near + 1
    ]


def test_duplicate_finder_answers_from_rows_in_memory():
    now = datetime(2026, 11, 23, 9, 0)

    def row(i: int, lon: float, code: str = "200102") -> CaseRow:
        return CaseRow(
            i, f"N{i}", code, "暴露垃圾", "reported", "211302", "", lon, LAT, now, None, False, None
        )

    finder = DuplicateFinder(
        [row(1, LON + 30 / 83_500.0), row(2, LON + 60 / 83_500.0), row(3, LON, "200103")]
    )
    found = finder(LON, LAT, "200102")
    assert [(i, no) for i, no, _ in found] == [(1, "N1")]
    assert 25 < found[0][2] < 35


def test_the_detail_knows_who_declined_and_what_extension_is_asked(store, org):
    a, svc = org.actors, org.service
    first, second = org.squad_ids
    cid = _report(org)
    svc.register(a[R.SHIFT_CHIEF], cid)
    svc.dispatch(a[R.DISPATCHER], cid, squad_id=first)
    svc.decline(a[R.SQUAD], cid, note="非本辖区")
    detail = load_case_detail(store, CATALOGUE, cid, org.clock.now)
    assert detail.declined_squads == {first} and detail.pending_extension is None
    svc.dispatch(a[R.DISPATCHER], cid, squad_id=second)
    svc.request_extension(a[R.SQUAD], cid, amount=2.5, note="需协调市政部门")
    detail = load_case_detail(store, CATALOGUE, cid, org.clock.now)
    ask = detail.pending_extension
    assert ask is not None
    assert (ask.amount, ask.unit, ask.reason, ask.asked_by) == (
        2.5, detail.time_unit, "需协调市政部门", NAME[R.SQUAD])
    svc.grant_extension(a[R.DISPATCHER], cid)
    assert load_case_detail(store, CATALOGUE, cid, org.clock.now).pending_extension is None
