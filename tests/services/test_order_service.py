"""Supervisors' orders through the service, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from command_center.domain.workflow import Role as R
from command_center.services.changelog import read_since
from command_center.services.changes import NotFound, ServiceError
from command_center.services.orders import OrderService


def _case(org) -> int:
    return org.service.report(
        org.actors[R.INSPECTOR], category_code="200102", lon=120.4515, lat=41.5705
    ).case_id


def test_an_order_is_received_acknowledged_and_completed(org):
    svc = OrderService(org.service.store, clock=org.clock, workstation="hall")
    cases = [_case(org), _case(org)]
    due = org.clock() + timedelta(hours=2)
    order_id = svc.issue(
        org.actors[R.SUPERVISOR], title="清理南塔街暴露垃圾", body="今日 12:00 前", due_at=due,
        squad_id=org.squad_ids[0], case_ids=cases,
    ).tables["orders"]
    (order_id,) = order_id
    row = svc.get(order_id)
    assert row.status == "issued" and row.case_ids == tuple(sorted(cases))
    assert row.code == "DB20261123001" and row.received_at is None

    org.clock.now += timedelta(minutes=5)
    svc.receive(org.actors[R.SQUAD], order_id)
    svc.receive(org.actors[R.SQUAD], order_id)  # a second receipt keeps the first time
    assert svc.get(order_id).received_at == org.clock.now

    org.clock.now += timedelta(minutes=5)
    svc.acknowledge(org.actors[R.SQUAD], order_id, note="马上出动")
    org.clock.now += timedelta(minutes=30)
    svc.complete(org.actors[R.SQUAD], order_id, note="已清理")
    row = svc.get(order_id)
    assert row.status == "done" and row.reply == "已清理"
    assert row.acknowledged_at < row.done_at == org.clock.now
    assert svc.open_orders() == []
    with org.service.store.read() as s:
        logged = [r for r in read_since(s, 0) if r.table == "orders"]
    assert len(logged) == 4 and {r.workstation for r in logged} == {"hall"}


def test_open_orders_list_the_overdue_first(org):
    svc = OrderService(org.service.store, clock=org.clock)
    sup = org.actors[R.SUPERVISOR]
    soon = svc.issue(sup, title="A", due_at=org.clock() + timedelta(minutes=30),
                     unit_id=org.unit_id).tables["orders"]
    later = svc.issue(sup, title="B", due_at=org.clock() + timedelta(hours=3),
                      squad_id=org.squad_ids[1]).tables["orders"]
    org.clock.now += timedelta(hours=1)
    rows = svc.open_orders()
    assert [r.id for r in rows] == [*soon, *later]
    assert [r.overdue for r in rows] == [True, False]


def test_refusals_change_nothing(org):
    svc = OrderService(org.service.store, clock=org.clock)
    due = org.clock() + timedelta(hours=1)
    with pytest.raises(ServiceError, match="role dispatcher may not issue"):
        svc.issue(org.actors[R.DISPATCHER], title="x", due_at=due, squad_id=org.squad_ids[0])
    with pytest.raises(ServiceError, match="one squad or to one unit"):
        svc.issue(org.actors[R.SUPERVISOR], title="x", due_at=due)
    with pytest.raises(ServiceError, match="in the future"):
        svc.issue(org.actors[R.SUPERVISOR], title="x", due_at=org.clock(), unit_id=org.unit_id)
    with pytest.raises(NotFound, match="no case with id 999"):
        svc.issue(org.actors[R.SUPERVISOR], title="x", due_at=due, unit_id=org.unit_id,
                  case_ids=[999])
    (order_id,) = svc.issue(org.actors[R.SUPERVISOR], title="x", due_at=due,
                            unit_id=org.unit_id).tables["orders"]
    with pytest.raises(ServiceError, match="role squad may not cancel"):
        svc.cancel(org.actors[R.SQUAD], order_id, note="不需要")
    with pytest.raises(ServiceError, match="needs a note"):
        svc.cancel(org.actors[R.SUPERVISOR], order_id, note=" ")
    svc.cancel(org.actors[R.SUPERVISOR], order_id, note="重复下达")
    with pytest.raises(ServiceError, match="cancelled cannot be completed"):
        svc.complete(org.actors[R.SQUAD], order_id)
    assert svc.get(order_id).status == "cancelled"
