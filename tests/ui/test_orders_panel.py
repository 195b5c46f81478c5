"""The orders panel over a real store: buttons follow roles and status; actions go through the
service; overdue orders are listed first and marked."""

from __future__ import annotations

from datetime import timedelta

from command_center.domain.workflow import Role as R
from command_center.services.orders import OrderService
from command_center.ui.orders_panel import OrdersPanel
from tests.services.conftest import org  # noqa: F401 — the organisation fixture
from tests.ui.test_audit_view import run_now


def panel_for(qtbot, org, role):  # noqa: F811
    service = OrderService(org.service.store, clock=org.clock)
    panel = OrdersPanel(service, run_now, roles=frozenset({role}),
                        person_id=org.actors[role].person_id)
    qtbot.addWidget(panel)
    panel.set_targets([(org.squad_ids[0], "南塔一组1")], [(org.unit_id, "南塔中队")])
    return panel


def test_a_supervisor_issues_and_a_squad_lead_acknowledges_and_completes(qtbot, org):  # noqa: F811
    boss = panel_for(qtbot, org, R.SUPERVISOR)
    assert boss.buttons["issue"].isEnabled()
    boss.issue({"title": "清理暴露垃圾", "body": "", "squad_id": org.squad_ids[0],
                "unit_id": None, "due_at": org.clock() + timedelta(hours=1), "case_ids": []})
    assert boss.model.rowCount() == 1
    assert boss.model.index(0, 2).data() == "南塔一组1"
    boss.table.selectRow(0)
    assert boss.buttons["cancel"].isEnabled() and not boss.buttons["acknowledge"].isEnabled()

    lead = panel_for(qtbot, org, R.SQUAD)
    lead.reload()
    assert not lead.buttons["issue"].isEnabled()
    lead.table.selectRow(0)
    assert lead.buttons["receive"].isEnabled() and not lead.buttons["cancel"].isEnabled()
    lead.buttons["receive"].click()
    assert "received" in lead.model.index(0, 4).data()
    lead.table.selectRow(0)
    lead.buttons["acknowledge"].click()
    lead.table.selectRow(0)
    assert not lead.buttons["acknowledge"].isEnabled()
    lead.buttons["complete"].click()
    assert lead.model.rowCount() == 0  # done: no longer open


def test_overdue_first_and_refusals_are_shown(qtbot, org):  # noqa: F811
    boss = panel_for(qtbot, org, R.SUPERVISOR)
    due = org.clock() + timedelta(minutes=20)
    for title, when in (("later", due + timedelta(hours=2)), ("soon", due)):
        boss.issue({"title": title, "body": "", "squad_id": None, "unit_id": org.unit_id,
                    "due_at": when, "case_ids": []})
    org.clock.now += timedelta(hours=1)
    boss.reload()
    assert [boss.model.index(i, 1).data() for i in range(2)] == ["soon", "later"]
    assert "overdue" in boss.model.index(0, 3).data()
    assert "1 overdue" in boss.message.text()
    boss.issue({"title": "past", "body": "", "squad_id": None, "unit_id": org.unit_id,
                "due_at": org.clock() - timedelta(minutes=1), "case_ids": []})
    assert "in the future" in boss.message.text()  # the service said no; nothing written
    boss.reload()
    assert boss.model.rowCount() == 2
