"""The audit trail: filters, paging, the system actor, and the CSV export."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest

from command_center.domain.workflow import Role as R
from command_center.services.audit import AuditQuery, audit_page, export_audit_csv
from command_center.services.cases import CaseService
from command_center.services.changes import ServiceError


def _loop(org, service):
    case_id = service.report(
        org.actors[R.INSPECTOR], category_code="200102", lon=120.4515, lat=41.5705,
        description="路边暴露垃圾",
    ).case_id
    org.clock.now += timedelta(minutes=3)
    service.register(org.actors[R.SHIFT_CHIEF], case_id)
    org.clock.now += timedelta(minutes=3)
    service.dispatch(org.actors[R.DISPATCHER], case_id, squad_id=org.squad_ids[0])
    return case_id


def test_every_step_is_stamped_and_filtered(org):
    desk = CaseService(org.service.store, org.service.catalogue, org.service.calendar,
                       clock=org.clock, workstation="desk-7")
    start = org.clock()
    _loop(org, desk)
    rows = audit_page(org.service.store, AuditQuery())
    assert [r.action for r in rows] == ["dispatch", "register", "report"]  # newest first
    assert {r.workstation for r in rows} == {"desk-7"}
    assert rows[0].actor == "人员3" and rows[0].role == "dispatcher"  # the org's people
    assert rows[-1].at == start
    only = audit_page(org.service.store, AuditQuery(role="shift_chief", newest_first=False))
    assert [r.action for r in only] == ["register"]
    window = AuditQuery(since=start + timedelta(minutes=1), until=start + timedelta(minutes=4))
    assert [r.action for r in audit_page(org.service.store, window)] == ["register"]
    assert audit_page(org.service.store, AuditQuery(workstation="desk-8")) == []
    assert len(audit_page(org.service.store, AuditQuery(case_no=rows[0].case_no[:8]))) == 3
    assert audit_page(org.service.store, AuditQuery(case_no="x%")) == []  # % is literal
    page = audit_page(org.service.store, AuditQuery(), offset=1, limit=1)
    assert [r.action for r in page] == ["register"]


def test_csv_export_is_complete_and_opens_in_excel(org, tmp_path):
    _loop(org, org.service)
    _loop(org, org.service)
    out = tmp_path / "audit.csv"
    assert export_audit_csv(org.service.store, AuditQuery(newest_first=False), out) == 6
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM for Excel
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["at", "case_no", "action"] and len(rows) == 7
    assert rows[1][2] == "report" and rows[1][5] == "人员0"
    assert not (tmp_path / "audit.csv.partial").exists()


def test_bad_queries_are_refused(org, tmp_path):
    with pytest.raises(ServiceError, match="ends before it starts"):
        audit_page(org.service.store, AuditQuery(since=org.clock(), until=org.clock() - timedelta(1)))
    with pytest.raises(ServiceError, match="folder does not exist"):
        export_audit_csv(org.service.store, AuditQuery(), tmp_path / "nope" / "a.csv")
    with pytest.raises(ServiceError, match="offset"):
        audit_page(org.service.store, AuditQuery(), limit=0)
