"""The closed loop driven through the desk's widgets, by operators in their own roles, the
trail it leaves, a dispatcher who cannot close, and two workstations racing for one case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from command_center.domain.workflow import Role as R
from command_center.services.auth import Operator
from command_center.services.cases import Actor
from command_center.ui.desk import Desk
from command_center.ui.dispatch_dialog import DispatchDialog
from command_center.ui.main_window import MainWindow
from command_center.ui.report_dialog import ReportRequest
from command_center.ui.taskman import TaskManager
from tests.services.conftest import org  # noqa: F401 — the organisation fixture


def desk_for(qtbot, org, workstation="desk-A"):  # noqa: F811
    window = MainWindow("test", clock=org.clock)
    qtbot.addWidget(window)
    tasks = TaskManager(window)
    desk = Desk(window, org.service.store, org.service.catalogue, org.service.calendar, tasks,
                clock=org.clock, workstation=workstation)
    return window, desk, tasks


def sign_in(window, org, role):  # noqa: F811
    window.set_operator(Operator(org.actors[role].person_id, role.value, frozenset({role}), "t"))


def open_and_wait(qtbot, desk, case_id):
    desk.detail = None
    desk.open_case(case_id)
    qtbot.waitUntil(lambda: desk.detail is not None and desk.detail.id == case_id, timeout=5000)
    return desk.detail


def click(qtbot, desk, action, case_id, *, before=None):
    """Click the action's button and wait until the case shows its new version."""
    version = desk.detail.version
    buttons = desk.panel.action_buttons()
    assert action in buttons, f"{action} not offered; offered: {list(buttons)}"
    buttons[action].click()
    qtbot.waitUntil(lambda: desk.detail is not None and desk.detail.version > version,
                    timeout=5000)


@pytest.fixture
def no_dialogs(monkeypatch):
    monkeypatch.setattr(DispatchDialog, "exec", lambda self: True)  # the top recommendation
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("已核实", True))


def test_the_closed_loop_through_the_widgets(qtbot, org, no_dialogs):  # noqa: F811
    window, desk, tasks = desk_for(qtbot, org)
    try:
        sign_in(window, org, R.INTAKE)
        desk.file_report(
            Actor(org.actors[R.INTAKE].person_id, R.INTAKE),
            ReportRequest("hotline", "200102", 120.4515, 41.5705, "map", None, "南塔街",
                          "路边暴露垃圾"),
        )
        qtbot.waitUntil(lambda: desk.detail is not None, timeout=5000)
        case_id = desk.detail.id
        steps = [
            (R.SHIFT_CHIEF, "register"),
            (R.DISPATCHER, "dispatch"),
            (R.SQUAD, "accept"),
            (R.SQUAD, "feedback"),
            (R.INSPECTOR, "verify"),
            (R.SHIFT_CHIEF, "close"),
        ]
        for role, action in steps:
            sign_in(window, org, role)
            org.clock.now += timedelta(minutes=10)
            open_and_wait(qtbot, desk, case_id)
            if role is R.DISPATCHER and action == "dispatch":
                # the squads need positions to be recommended
                for squad in org.squad_ids:
                    desk.squads.report_position(squad, 120.452, 41.571, 0.0, org.clock())
            click(qtbot, desk, action, case_id)
        detail = desk.detail
        assert detail.state == "closed" and detail.squad_name is not None
        trail = [(t.action, t.actor_role, t.workstation) for t in detail.timeline]
        assert trail == [
            ("report", "intake", "desk-A"), ("register", "shift_chief", "desk-A"),
            ("dispatch", "dispatcher", "desk-A"), ("accept", "squad", "desk-A"),
            ("feedback", "squad", "desk-A"), ("verify", "inspector", "desk-A"),
            ("close", "shift_chief", "desk-A"),
        ]
        assert len(desk.panel.timeline_rows()) == 7
    finally:
        tasks.shutdown()


def test_a_dispatcher_is_not_offered_close_and_is_refused(qtbot, org):  # noqa: F811
    window, desk, tasks = desk_for(qtbot, org)
    try:
        case_id = org.service.report(org.actors[R.INSPECTOR], category_code="200102",
                                     lon=120.4515, lat=41.5705).case_id
        sign_in(window, org, R.DISPATCHER)
        open_and_wait(qtbot, desk, case_id)
        assert "close" not in desk.panel.action_buttons()
        assert "register" not in desk.panel.action_buttons()
        desk.act("close", case_id)
        assert "may not" in window.statusBar().currentMessage()
        assert open_and_wait(qtbot, desk, case_id).state == "reported"
    finally:
        tasks.shutdown()


def test_two_workstations_dispatch_the_same_case_one_wins(qtbot, org, no_dialogs, monkeypatch):  # noqa: F811
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    case_id = org.service.report(org.actors[R.INSPECTOR], category_code="200102",
                                 lon=120.4515, lat=41.5705).case_id
    org.service.register(org.actors[R.SHIFT_CHIEF], case_id)
    a_window, a, a_tasks = desk_for(qtbot, org, "desk-A")
    b_window, b, b_tasks = desk_for(qtbot, org, "desk-B")
    try:
        for squad in org.squad_ids:
            a.squads.report_position(squad, 120.452, 41.571, 0.0, org.clock())
        for window in (a_window, b_window):
            sign_in(window, org, R.DISPATCHER)
        open_and_wait(qtbot, a, case_id)
        open_and_wait(qtbot, b, case_id)  # both see version v
        click(qtbot, a, "dispatch", case_id)  # A wins
        b.panel.action_buttons()["dispatch"].click()  # B acts on the version it saw
        qtbot.waitUntil(lambda: bool(warnings), timeout=5000)
        assert "another workstation" in warnings[0] and "nothing was saved" in warnings[0]
        qtbot.waitUntil(lambda: b.detail.state == "dispatched", timeout=5000)  # B reloaded
        dispatches = [t for t in b.detail.timeline if t.action == "dispatch"]
        assert [t.workstation for t in dispatches] == ["desk-A"]
    finally:
        a_tasks.shutdown()
        b_tasks.shutdown()


def test_the_keys_take_the_steps(qtbot, org, no_dialogs):  # noqa: F811
    window, desk, tasks = desk_for(qtbot, org)
    try:
        case_id = org.service.report(org.actors[R.INSPECTOR], category_code="200102",
                                     lon=120.4515, lat=41.5705).case_id
        sign_in(window, org, R.SHIFT_CHIEF)
        detail = open_and_wait(qtbot, desk, case_id)
        assert desk.panel.action_buttons()["register"].text().endswith("[F2]")
        desk.shortcuts["close"].activated.emit()  # not offered in this state: nothing happens
        desk.shortcuts["register"].activated.emit()
        qtbot.waitUntil(lambda: desk.detail.version > detail.version, timeout=5000)
        assert desk.detail.state == "registered"
    finally:
        tasks.shutdown()


def test_a_late_acceptance_beeps_once_and_stays_counted(qtbot, org, monkeypatch):  # noqa: F811
    from PySide6.QtWidgets import QApplication

    beeps = []
    monkeypatch.setattr(QApplication, "beep", lambda: beeps.append(1))
    window, desk, tasks = desk_for(qtbot, org)
    try:
        svc, a = org.service, org.actors
        case_id = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515,
                             lat=41.5705).case_id
        svc.register(a[R.SHIFT_CHIEF], case_id)
        svc.dispatch(a[R.DISPATCHER], case_id, squad_id=org.squad_ids[0])
        org.clock.now += timedelta(minutes=30)
        for _ in range(2):  # the second check finds the same case: no second beep
            desk.check_alerts()
            qtbot.waitUntil(lambda: "Not accepted 1" in desk.alerts_label.text(), timeout=5000)
        qtbot.waitUntil(lambda: len(beeps) >= 1, timeout=5000)
        tasks.run(lambda: None)  # queued after the second check: when it is done, so is that
        qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)
        assert beeps == [1]
        assert "not accepted in time" in window.statusBar().currentMessage()
    finally:
        tasks.shutdown()


def test_batch_dispatch_spreads_the_selected_cases_over_the_squads(qtbot, org, monkeypatch):  # noqa: F811
    from types import SimpleNamespace

    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    window, desk, tasks = desk_for(qtbot, org)
    try:
        svc, a = org.service, org.actors
        ids = []
        for _ in range(3):
            case_id = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515,
                                 lat=41.5705).case_id
            svc.register(a[R.SHIFT_CHIEF], case_id)
            ids.append(case_id)
        reported_only = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515,
                                   lat=41.5705).case_id
        for squad in org.squad_ids:
            desk.squads.report_position(squad, 120.452, 41.571, 0.0, org.clock())
        rows = [SimpleNamespace(id=i, case_no=f"C{i}", state=s, lon=120.4515, lat=41.5705,
                                category_code="200102")
                for i, s in [*((i, "registered") for i in ids), (reported_only, "reported")]]
        window.queue_panel = SimpleNamespace(selected_cases=lambda: rows)
        sign_in(window, org, R.DISPATCHER)
        plan = desk.batch_plan(rows, desk.squads.squad_candidates())
        assert [c.id for c, _ in plan] == ids  # the reported one is not dispatchable yet
        assert len({squad for _, squad in plan}) == 2  # the load spreads them
        desk.batch_dispatch()
        qtbot.waitUntil(lambda: "Dispatched 3 cases." in window.statusBar().currentMessage(),
                        timeout=5000)
        detail = open_and_wait(qtbot, desk, ids[0])
        assert detail.state == "dispatched"
    finally:
        tasks.shutdown()


def test_dropping_cases_on_a_squad_dispatches_or_reassigns_them(qtbot, org, monkeypatch):  # noqa: F811
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("离得更近", True))
    window, desk, tasks = desk_for(qtbot, org)
    try:
        svc, a = org.service, org.actors
        fresh = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515,
                           lat=41.5705).case_id
        svc.register(a[R.SHIFT_CHIEF], fresh)
        moving = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515,
                            lat=41.5705).case_id
        svc.register(a[R.SHIFT_CHIEF], moving)
        first, second = org.squad_ids
        svc.dispatch(a[R.DISPATCHER], moving, squad_id=first)
        too_early = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515,
                               lat=41.5705).case_id
        window.set_operator(Operator(org.actors[R.DISPATCHER].person_id, "d",
                                     frozenset({R.DISPATCHER, R.SHIFT_CHIEF}), "t"))
        window.squad_board.casesDropped.emit([fresh, moving, too_early], second)
        qtbot.waitUntil(lambda: "Dispatched 1, reassigned 1." in window.statusBar().currentMessage(),
                        timeout=5000)
        assert "Not in a state to send" in window.statusBar().currentMessage()
        for case_id in (fresh, moving):
            detail = open_and_wait(qtbot, desk, case_id)
            assert detail.squad_id == second, detail.timeline[-1]
        assert open_and_wait(qtbot, desk, moving).timeline[-1].note == "离得更近"
    finally:
        tasks.shutdown()


def test_the_queue_drags_case_ids_the_board_understands(qtbot):
    from PySide6.QtCore import QMimeData

    from command_center.ui.case_queue_lazy import CASE_IDS_MIME as QUEUE_MIME
    from command_center.ui.squad_board import CASE_IDS_MIME, case_ids_from

    assert QUEUE_MIME == CASE_IDS_MIME
    data = QMimeData()
    data.setData(CASE_IDS_MIME, b"3,11,x,7")
    assert case_ids_from(data) == [3, 11, 7]


def test_a_duplicate_report_is_filed_and_not_registered_with_the_case_it_repeats(qtbot, org):  # noqa: F811
    window, desk, tasks = desk_for(qtbot, org)
    try:
        svc, a = org.service, org.actors
        first = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515,
                           lat=41.5705).case_id
        first_no = open_and_wait(qtbot, desk, first).case_no
        sign_in(window, org, R.INTAKE)
        request = ReportRequest("hotline", "200102", 120.4516, 41.5705, "map", None, "南塔街",
                                "又有人打电话说垃圾", merge_into=first, merge_case_no=first_no)
        desk.file_duplicate(Actor(a[R.INTAKE].person_id, R.INTAKE), request)
        qtbot.waitUntil(lambda: "duplicate of" in window.statusBar().currentMessage(),
                        timeout=5000)
        from command_center.services.audit import AuditQuery, audit_page

        steps = audit_page(svc.store, AuditQuery(newest_first=False))
        last_two = [(r.action, r.to_state, r.note) for r in steps[-2:]]
        assert last_two == [
            ("report", "reported", ""),
            ("reject", "not_registered", f"Duplicate of {first_no}"),
        ]
        assert steps[-1].case_id != first  # the open case itself is untouched
        assert open_and_wait(qtbot, desk, first).state == "reported"
    finally:
        tasks.shutdown()


def test_a_new_operator_at_the_desk_gets_their_own_steps_at_once(qtbot, org):  # noqa: F811
    window, desk, tasks = desk_for(qtbot, org)
    try:
        case_id = org.service.report(org.actors[R.INSPECTOR], category_code="200102",
                                     lon=120.4515, lat=41.5705).case_id
        sign_in(window, org, R.DISPATCHER)
        open_and_wait(qtbot, desk, case_id)
        assert "register" not in desk.panel.action_buttons()
        with qtbot.waitSignal(window.operatorChanged, timeout=1000):
            sign_in(window, org, R.SHIFT_CHIEF)  # shift handover (File → Switch user)
        assert "register" in desk.panel.action_buttons()
        assert "shift_chief" in window.operator_label.text()
        assert window.qactions["file.switch_user"].isVisible()
    finally:
        tasks.shutdown()


def test_a_squad_declines_through_the_desk_and_the_dispatcher_is_told(
    qtbot, org, no_dialogs, monkeypatch  # noqa: F811
):
    svc, a = org.service, org.actors
    first, second = org.squad_ids
    window, desk, tasks = desk_for(qtbot, org)
    try:
        cid = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515,
                         lat=41.5705).case_id
        svc.register(a[R.SHIFT_CHIEF], cid)
        svc.dispatch(a[R.DISPATCHER], cid, squad_id=first)
        sign_in(window, org, R.SQUAD)
        open_and_wait(qtbot, desk, cid)
        assert {"accept", "decline"} <= set(desk.panel.action_buttons())
        assert desk.shortcuts["decline"].key().toString() == "Shift+F4"
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("不属本中队辖区", True))
        click(qtbot, desk, "decline", cid)
        assert desk.detail.state == "registered" and desk.detail.declined_squads == {first}
        assert desk.detail.timeline[-1].note == "不属本中队辖区"
        # The dispatcher's desk says so, and the squad that declined is not offered again.
        sign_in(window, org, R.DISPATCHER)
        desk.check_alerts()
        qtbot.waitUntil(lambda: "declined 1" in desk.alerts_label.text(), timeout=5000)
        assert "declined case" in window.statusBar().currentMessage()
        for sq in (first, second):
            desk.squads.report_position(sq, 120.4516, 41.5706, 0.0, org.clock())
        offered = {}

        def fake_dialog(self):
            offered["squads"] = [self.list.item(i).data(Qt.ItemDataRole.UserRole)
                                 for i in range(self.list.count())]
            return True

        monkeypatch.setattr(DispatchDialog, "exec", fake_dialog)
        open_and_wait(qtbot, desk, cid)
        click(qtbot, desk, "dispatch", cid)
        assert offered["squads"] == [second]
        assert desk.detail.squad_id == second
    finally:
        tasks.shutdown()


def test_granting_an_extension_shows_what_was_asked(qtbot, org, monkeypatch):  # noqa: F811
    svc, a = org.service, org.actors
    window, desk, tasks = desk_for(qtbot, org)
    try:
        cid = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515,
                         lat=41.5705).case_id
        svc.register(a[R.SHIFT_CHIEF], cid)
        svc.dispatch(a[R.DISPATCHER], cid, squad_id=org.squad_ids[0])
        svc.request_extension(a[R.SQUAD], cid, amount=3, note="需市政部门配合")
        sign_in(window, org, R.DISPATCHER)
        detail = open_and_wait(qtbot, desk, cid)
        extension_row = [lbl.text() for lbl in desk.panel.findChildren(type(desk.alerts_label))
                         if "需市政部门配合" in lbl.text()]
        assert extension_row, "the panel does not show the request"
        asked = {}

        def answer(parent, title, label, value, *rest):
            asked.update(label=label, value=value)
            return 2.0, True

        monkeypatch.setattr(QInputDialog, "getDouble", answer)
        click(qtbot, desk, "grant_extension", cid)
        assert "需市政部门配合" in asked["label"] and asked["value"] == 3
        assert detail.pending_extension.amount == 3
        assert desk.detail.state == "dispatched"
        assert desk.detail.extension_amount == 2.0 and desk.detail.pending_extension is None
    finally:
        tasks.shutdown()


def test_signing_out_leaves_the_window_read_only(qtbot, org):  # noqa: F811
    svc, a = org.service, org.actors
    window, desk, tasks = desk_for(qtbot, org)
    try:
        cid = svc.report(a[R.INSPECTOR], category_code="200102", lon=120.4515,
                         lat=41.5705).case_id
        sign_in(window, org, R.SHIFT_CHIEF)
        open_and_wait(qtbot, desk, cid)
        assert "register" in desk.panel.action_buttons()
        assert window.actions_registry.is_available("cases.audit")
        with qtbot.waitSignal(window.operatorChanged):
            window.sign_out()
        assert window.operator is None and "read only" in window.operator_label.text()
        assert desk.panel.action_buttons() == {}
        assert not window.actions_registry.is_available("cases.audit")
    finally:
        tasks.shutdown()
