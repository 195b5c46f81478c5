"""Judicial hand-over (司法衔接) in the UI, on both real databases: the desk's "transfer to
judicial body" step opens the transfer dialog, which writes the case and its record together;
a refused transfer is shown in the dialog and writes nothing; feedback recorded from the
panel shows in its list and its counts; the status filter; the View menu entry."""

from __future__ import annotations

import csv
from contextlib import contextmanager
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from command_center.domain.judicial import FeedbackStatus, Outcome
from command_center.domain.workflow import Role as R
from command_center.services.auth import Operator
from command_center.services.judicial import JudicialService
from command_center.store.models import Case
from command_center.ui.desk import Desk
from command_center.ui.judicial_dialog import FeedbackDialog, TransferDialog
from command_center.ui.judicial_panel import JudicialPanel, TransferModel
from command_center.ui.main_window import MainWindow
from command_center.ui.run import _install_judicial
from command_center.ui.taskman import TaskManager
from tests.services.conftest import org  # noqa: F401 — the organisation fixture
from tests.ui.test_audit_view import run_now

DOCS = ["案件移送书", "调查笔录", "现场照片"]


def registered_case(org, description="占道经营拒不整改"):  # noqa: F811
    case_id = org.service.report(
        org.actors[R.INSPECTOR],
        category_code="200102",
        lon=120.4515,
        lat=41.5705,
        description=description,
        address="南塔街",
    ).case_id
    org.service.register(org.actors[R.SHIFT_CHIEF], case_id)
    return case_id


def case_state(store, case_id):
    with store.read() as s:
        case = s.get(Case, case_id)
        return case.state, case.version, case.transferred_to


def sign_in(window, org, role):  # noqa: F811
    window.set_operator(Operator(org.actors[role].person_id, role.value, frozenset({role}), "t"))


@contextmanager
def desk_window(qtbot, org):  # noqa: F811
    window = MainWindow("test", clock=org.clock)
    qtbot.addWidget(window)
    tasks = TaskManager(window)
    desk = Desk(
        window,
        org.service.store,
        org.service.catalogue,
        org.service.calendar,
        tasks,
        clock=org.clock,
        workstation="desk-J",
    )
    _install_judicial(window, desk, tasks, org.clock)
    try:
        yield window, desk
    finally:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, JudicialPanel):
                w.close()
        tasks.shutdown()


def make_panel(qtbot, org, role=R.SUPERVISOR):  # noqa: F811
    service = JudicialService(org.service.store, org.service, clock=org.clock)
    panel = JudicialPanel(service, run_now, clock=org.clock)
    qtbot.addWidget(panel)
    panel.set_operator(frozenset({role}), org.actors[role].person_id)
    panel.reload()
    return panel, service


def column(panel, col):
    m = panel.model
    return [m.index(row, col).data() for row in range(m.rowCount())]


def test_the_desk_step_opens_the_dialog_and_transfers_with_the_record(
    qtbot,
    store,
    org,  # noqa: F811
    monkeypatch,
):
    def no_prompt(*_a, **_k):
        raise AssertionError("the reason is asked in the transfer dialog, not before it")

    monkeypatch.setattr(QInputDialog, "getText", no_prompt)
    case_id = registered_case(org)
    with desk_window(qtbot, org) as (window, desk):
        sign_in(window, org, R.SHIFT_CHIEF)
        desk.open_case(case_id)
        qtbot.waitUntil(lambda: desk.detail is not None, timeout=5000)
        version = desk.detail.version
        button = desk.panel.action_buttons()["transfer_judicial"]
        assert button.text().endswith("[Ctrl+Shift+J]")
        button.click()
        dialog = window.findChild(TransferDialog)
        assert dialog is not None and dialog.isVisible()
        assert dialog.document_list() == ["案件移送书"]  # the usual first document
        dialog.body.setCurrentIndex(dialog.body.findData("court"))
        dialog.add_document("调查笔录")
        dialog.preset.setEditText("现场照片")
        dialog.add_button.click()
        dialog.add_document("调查笔录")  # listed once only
        dialog.note.setPlainText("涉嫌拒不执行判决")
        with qtbot.waitSignal(dialog.saved, timeout=5000):
            dialog.ok_button.click()
        qtbot.waitUntil(
            lambda: desk.detail is not None and desk.detail.version > version, timeout=5000
        )
        assert desk.detail.state == "transferred"
        assert "transfer_judicial" not in desk.panel.action_buttons()
    assert case_state(store, case_id)[0::2] == ("transferred", "court")
    [row] = desk.judicial.transfers()
    assert (row.case_id, row.body, row.materials, row.status) == (
        case_id,
        "court",
        DOCS[:2] + ["现场照片"],
        FeedbackStatus.AWAITING,
    )
    assert row.sent_by == f"人员{list(R).index(R.SHIFT_CHIEF)}"


def test_no_documents_shows_the_error_and_writes_nothing(qtbot, store, org):  # noqa: F811
    case_id = registered_case(org)
    before = case_state(store, case_id)
    service = JudicialService(store, org.service, clock=org.clock)
    dialog = TransferDialog(
        service, org.actors[R.SHIFT_CHIEF], case_id, "CY-1", run_now, note="暴力抗法"
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.documents.selectAll()
    dialog.remove_button.click()
    assert dialog.document_list() == []
    with qtbot.waitSignal(dialog.refused) as refused:
        dialog.ok_button.click()
    assert "at least one document" in refused.args[0]
    assert dialog.error.isVisible() and dialog.isVisible() and not dialog.result()
    assert dialog.note.toPlainText() == "暴力抗法"  # nothing typed is lost
    assert case_state(store, case_id) == before and service.transfers() == []


def test_a_refusal_by_the_service_is_shown_and_keeps_the_form(qtbot, store, org):  # noqa: F811
    case_id = registered_case(org)
    before = case_state(store, case_id)
    service = JudicialService(store, org.service, clock=org.clock)
    # a dispatcher may not transfer: the workflow refuses, the dialog says so and stays open
    dialog = TransferDialog(service, org.actors[R.DISPATCHER], case_id, "CY-1", run_now)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_document("证据清单")
    dialog.note.setPlainText("涉嫌犯罪")
    with qtbot.waitSignal(dialog.refused) as refused:
        dialog.ok_button.click()
    assert refused.args[0].startswith("Not saved: ") and "may not" in refused.args[0]
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    assert dialog.document_list() == ["案件移送书", "证据清单"]
    assert dialog.note.toPlainText() == "涉嫌犯罪"
    assert case_state(store, case_id) == before and service.transfers() == []


def test_feedback_closed_with_an_outcome_shows_in_the_list_and_the_counts(qtbot, store, org):  # noqa: F811
    chief = org.actors[R.SHIFT_CHIEF]
    panel, service = make_panel(qtbot, org)
    first, second = registered_case(org), registered_case(org, "违法建设拒不拆除")
    service.transfer(chief, first, body="procuratorate", materials=DOCS, note="涉嫌犯罪")
    org.clock.now += timedelta(hours=1)
    service.transfer(chief, second, body="police", materials=DOCS[:1], note="暴力抗法")
    with qtbot.waitSignal(panel.loaded):
        panel.reload()
    assert column(panel, TransferModel.BODY) == ["Police", "Procuratorate"]  # newest first
    assert panel.summary()["awaiting"] == 2 and panel.summary()["total"] == 2

    assert panel.select_case(first) and panel.feedback_button.isEnabled()
    dialog = panel.record_feedback()
    assert [dialog.status.itemData(i) for i in range(dialog.status.count())] == [
        "accepted",
        "rejected",
    ]
    assert not dialog.outcome.isEnabled()
    dialog.set_status("accepted")
    dialog.reference.setText("龙检刑受〔2026〕88号")
    with qtbot.waitSignal(panel.loaded):
        dialog.ok_button.click()

    org.clock.now += timedelta(days=30)
    assert panel.select_case(first)
    dialog = panel.record_feedback()
    assert dialog.reference.text() == "龙检刑受〔2026〕88号"
    dialog.set_status("closed")
    assert dialog.outcome.isEnabled()
    dialog.set_outcome(Outcome.PROSECUTED)
    dialog.note.setPlainText("已提起公诉")
    with qtbot.waitSignal(panel.loaded):
        dialog.ok_button.click()

    row = panel.model.rows.index(next(r for r in panel.model.rows if r.case_id == first))
    shown = [panel.model.index(row, c).data() for c in range(panel.model.columnCount())]
    assert shown[TransferModel.STATUS] == "Closed"
    assert shown[TransferModel.OUTCOME] == "Prosecuted"
    assert shown[TransferModel.REFERENCE] == "龙检刑受〔2026〕88号"
    assert shown[TransferModel.FEEDBACK_AT] == "2026-12-23 10:00"
    assert shown[TransferModel.DOCUMENTS] == "、".join(DOCS)
    tip = panel.model.index(row, TransferModel.OUTCOME).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "已提起公诉"
    summary = panel.summary()
    assert (summary["prosecuted"], summary["awaiting"], summary["total"]) == (1, 1, 2)
    assert panel.counts == {("procuratorate", "prosecuted"): 1, ("police", "awaiting"): 1}
    assert panel.by_body.text() == "By body: Police 1 · Procuratorate 1 · Court 0"
    assert not panel.feedback_button.isEnabled()  # closed is final


def test_the_status_filter_and_export(qtbot, store, org, tmp_path):  # noqa: F811
    chief, boss = org.actors[R.SHIFT_CHIEF], org.actors[R.SUPERVISOR]
    panel, service = make_panel(qtbot, org, role=R.DISPATCHER)
    ids = [registered_case(org) for _ in range(3)]
    for body, case_id in zip(("police", "court", "police"), ids, strict=True):
        service.transfer(chief, case_id, body=body, materials=DOCS, note="移送")
    service.record_feedback(boss, ids[0], status="rejected", note="不属于管辖范围")
    service.record_feedback(boss, ids[0], status="closed")
    service.record_feedback(boss, ids[1], status="accepted", reference_no="龙法执〔2026〕5号")
    with qtbot.waitSignal(panel.loaded):
        panel.reload()
    assert panel.model.rowCount() == 3
    assert not panel.feedback_button.isEnabled()  # a dispatcher does not record feedback
    for status, expected in (
        ("closed", [ids[0]]),
        ("accepted", [ids[1]]),
        ("awaiting", [ids[2]]),
        ("rejected", []),
        (None, sorted(ids)),
    ):
        with qtbot.waitSignal(panel.loaded):
            panel.set_status_filter(status)
        assert sorted(r.case_id for r in panel.model.rows) == expected, status
    assert column(panel, TransferModel.OUTCOME).count("Returned") == 1
    assert panel.summary()["returned"] == 1  # the counts do not follow the filter
    with qtbot.waitSignal(panel.loaded):
        panel.set_status_filter("accepted")
    out = panel_export(panel, tmp_path / "transfers.csv")
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0][0] == "Case no." and len(rows) == 2
    assert rows[1][TransferModel.REFERENCE] == "龙法执〔2026〕5号"
    assert rows[1][TransferModel.SENT_AT] == "2026-11-23 09:00"


def panel_export(panel, path):
    panel.export(path)
    assert "Saved" in panel.message.text()
    return path


def test_the_view_menu_opens_the_panel_for_chiefs_and_supervisors(qtbot, store, org):  # noqa: F811
    case_id = registered_case(org)
    JudicialService(store, org.service, clock=org.clock).transfer(
        org.actors[R.SHIFT_CHIEF], case_id, body="police", materials=DOCS, note="暴力抗法"
    )
    with desk_window(qtbot, org) as (window, desk):
        action = window.qactions["view.judicial"]
        assert action.shortcut().toString() == "Ctrl+Shift+Y"
        sign_in(window, org, R.DISPATCHER)
        assert not action.isVisible()
        sign_in(window, org, R.SUPERVISOR)
        assert action.isVisible() and action.isEnabled()
        action.trigger()
        panel = window.judicial_window
        assert isinstance(panel, JudicialPanel) and panel.isVisible()
        qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
        assert panel.select_case(case_id) and panel.feedback_button.isEnabled()
        action.trigger()
        assert window.judicial_window is panel  # raised again, not a second one
        with qtbot.waitSignal(window.caseActivated, timeout=1000) as got:
            panel.table.doubleClicked.emit(panel.model.index(0, 0))
        assert got.args == [case_id]
        qtbot.waitUntil(lambda: desk.detail is not None and desk.detail.id == case_id)
        sign_in(window, org, R.DISPATCHER)  # the open panel follows the operator
        assert not panel.feedback_button.isEnabled()


def test_a_closed_transfer_offers_no_feedback(qtbot, store, org):  # noqa: F811
    case_id = registered_case(org)
    service = JudicialService(store, org.service, clock=org.clock)
    boss = org.actors[R.SUPERVISOR]
    service.transfer(org.actors[R.SHIFT_CHIEF], case_id, body="court", materials=DOCS, note="x")
    service.record_feedback(boss, case_id, status="accepted")
    service.record_feedback(boss, case_id, status="closed", outcome="judged")
    [row] = service.transfers()
    dialog = FeedbackDialog(service, boss, row, run_now)
    qtbot.addWidget(dialog)
    assert dialog.status.count() == 0 and not dialog.ok_button.isEnabled()
    assert "closed" in dialog.error.text()


def test_transfer_model_passes_qtmodeltester(qtbot, store, org, qtmodeltester):  # noqa: F811
    panel, service = make_panel(qtbot, org)
    case_id = registered_case(org)
    service.transfer(org.actors[R.SHIFT_CHIEF], case_id, body="court", materials=DOCS, note="x")
    with qtbot.waitSignal(panel.loaded):
        panel.reload()
    qtmodeltester.check(panel.model)
