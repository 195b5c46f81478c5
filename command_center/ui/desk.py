"""The dispatcher's desk: opening a case, acting on it, reporting one, dispatching it.

`Desk` connects the window's panels to the services: a case chosen in the queue or on the map
is loaded (on the database worker) into the case detail dock; an action button becomes the
matching `CaseService` call made as the signed-in operator, in a role that may take it, with
the version the dispatcher saw (a change made meanwhile on another workstation is a conflict,
reported, and the case reloaded); "report a case here" opens the report dialog; dispatch asks
the domain for the squads to recommend. Slots translate; the rules stay in the domain and the
services refuse what they forbid.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from command_center.domain.calendar import WorkCalendar
from command_center.domain.catalogue import Catalogue
from command_center.domain.dispatch import BatchCase, plan_batch, recommend
from command_center.domain.workflow import RULES, Action, CaseState, Role
from command_center.map.projection import unproject
from command_center.services.alerts import DeskAlerts, desk_alerts
from command_center.services.case_detail import (
    CaseDetail,
    DuplicateFinder,
    declined_squads_of,
    load_case_detail,
)
from command_center.services.cases import Actor, CaseService
from command_center.services.changes import ConflictError
from command_center.services.judicial import JudicialService
from command_center.services.queries import case_states
from command_center.services.squads import SquadService
from command_center.store.engine import Store
from command_center.ui.case_detail import CaseDetailPanel, time_unit_name
from command_center.ui.dispatch_dialog import DispatchDialog
from command_center.ui.judicial_dialog import TransferDialog
from command_center.ui.main_window import MainWindow
from command_center.ui.report_dialog import ReportDialog, ReportRequest
from command_center.ui.taskman import TaskManager
from command_center.ui.theme import PALETTE

__all__ = ["Desk", "allowed_now"]


def allowed_now(state: str) -> frozenset[Action]:
    """The steps the workflow allows from `state`, whoever takes them."""
    try:
        current = CaseState(state)
    except ValueError:
        return frozenset()
    return frozenset(a for a, rule in RULES.items() if current in rule.sources)


def _unit_type(catalogue: Catalogue, code: str) -> str | None:
    category = catalogue.get(code)
    return category.responsible_unit_type if category else None

# Every step has a key, so the desk works without the mouse (the queue: arrows, Enter).
ACTION_KEYS: dict[Action, str] = {
    Action.REGISTER: "F2",
    Action.DISPATCH: "F3",
    Action.ACCEPT: "F4",
    Action.DECLINE: "Shift+F4",
    Action.FEEDBACK: "F5",
    Action.VERIFY: "F6",
    Action.CLOSE: "F7",
    Action.RETURN_FOR_REWORK: "Shift+F6",
    Action.REJECT: "Shift+F2",
    Action.SUSPEND: "F8",
    Action.RESUME: "Shift+F8",
    Action.REQUEST_EXTENSION: "F9",
    Action.GRANT_EXTENSION: "F10",
    Action.DENY_EXTENSION: "Shift+F10",
    Action.TRANSFER_UNIT: "Ctrl+Shift+T",
    Action.TRANSFER_JUDICIAL: "Ctrl+Shift+J",
}
REPORT_KEY = "Ctrl+N"
BATCH_DISPATCH_KEY = "Ctrl+Shift+D"
ALERT_INTERVAL_MS = 30_000


class Desk(QObject):
    def __init__(
        self,
        window: MainWindow,
        store: Store,
        catalogue: Catalogue,
        calendar: WorkCalendar,
        tasks: TaskManager,
        *,
        clock: Callable[[], datetime],
        workstation: str | None = None,
    ) -> None:
        super().__init__(window)
        self.window, self.store, self.catalogue, self.tasks, self.clock = (
            window, store, catalogue, tasks, clock)
        self.cases = CaseService(store, catalogue, calendar, clock=clock, workstation=workstation)
        self.squads = SquadService(store, clock=clock, workstation=workstation)
        self.judicial = JudicialService(store, self.cases, clock=clock, workstation=workstation)
        self.panel = CaseDetailPanel()
        self.dock = window.install_case_detail(self.panel)
        self.detail: CaseDetail | None = None
        window.caseActivated.connect(self.open_case)
        window.map_canvas.featureClicked.connect(
            lambda kind, key: self.open_case(int(key)) if kind == "cases" else None
        )
        window.reportRequested.connect(self.report_at)
        window.squad_board.casesDropped.connect(self.drop_on_squad)
        window.snapshotApplied.connect(self._reload_open_case)
        window.operatorChanged.connect(self._operator_changed)
        self.panel.actionRequested.connect(self.act)
        self.shortcuts: dict[str, QShortcut] = {}
        for action, key in ACTION_KEYS.items():
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.activated.connect(lambda a=action: self.press(a))
            self.shortcuts[action.value] = shortcut
        self.alerts_label = window.add_status_label("deskAlerts")
        self._alerted: set[tuple[str, int]] = set()
        self.alert_timer = QTimer(self)
        self.alert_timer.setInterval(ALERT_INTERVAL_MS)
        self.alert_timer.timeout.connect(self.check_alerts)
        self.alert_timer.start()
        batch = QShortcut(QKeySequence(BATCH_DISPATCH_KEY), window)
        batch.activated.connect(self.batch_dispatch)
        self.shortcuts["batch_dispatch"] = batch
        report = QShortcut(QKeySequence(REPORT_KEY), window)
        report.activated.connect(self.report_at_view_centre)
        self.shortcuts["report"] = report

    # -- alerts

    def check_alerts(self) -> None:
        store, now = self.store, self.clock()
        self.tasks.run(lambda: desk_alerts(store, now), self.show_alerts, self._failed)

    def show_alerts(self, alerts: DeskAlerts) -> None:
        """A standing count in the status bar; a new escalation or overdue case also beeps
        and says which (each case once)."""
        self.alerts = alerts
        text = self.tr("Not accepted {a} · due within 1 h {b} · overdue {c}").format(
            a=len(alerts.not_accepted), b=len(alerts.due_soon), c=len(alerts.overdue)
        )
        if alerts.declined:
            text += " · " + self.tr("declined {n}").format(n=len(alerts.declined))
        if alerts.extension_requests:
            text += " · " + self.tr("extensions asked {n}").format(
                n=len(alerts.extension_requests))
        self.alerts_label.setText(text)
        self.alerts_label.setStyleSheet(
            f"color: {PALETTE.danger}; font-weight: bold;"
            if alerts.not_accepted or alerts.overdue or alerts.declined else ""
        )
        standing = (
            [("accept", i, no) for i, no, _ in alerts.not_accepted]
            + [("overdue", i, no) for i, no in alerts.overdue]
            + [("declined", i, no) for i, no in alerts.declined]
            + [("extension", i, no) for i, no in alerts.extension_requests]
        )
        fresh = [(k, i, no) for k, i, no in standing if (k, i) not in self._alerted]
        self._alerted = (self._alerted & {(k, i) for k, i, _ in standing}) | {
            (k, i) for k, i, _ in fresh}
        if fresh:
            QApplication.beep()
            kind, _, no = fresh[0]
            text = {
                "accept": self.tr("Dispatch of {no} not accepted in time"),
                "overdue": self.tr("Case {no} is now overdue"),
                "declined": self.tr("The squad declined case {no}: dispatch it again"),
                "extension": self.tr("Extension asked for case {no}: grant or deny it"),
            }[kind].format(no=no)
            more = len(fresh) - 1
            if more:
                text += " " + self.tr("(and {n} more)").format(n=more)
            self._say(text)

    def press(self, action: Action) -> None:
        """A step's key: the same as its button on the open case, if the button is offered."""
        button = self.panel.action_buttons().get(action.value)
        if button is not None and button.isEnabled():
            button.click()

    def report_at_view_centre(self) -> None:
        west, south, east, north = self.window.map_canvas.view_lonlat()
        self.report_at((west + east) / 2, (south + north) / 2)

    # -- who acts

    def roles(self) -> frozenset[Role]:
        op = self.window.operator
        return frozenset(op.roles) if op is not None else frozenset()

    def actor_for(self, action: Action) -> Actor | None:
        op = self.window.operator
        if op is None:
            return None
        for role in sorted(op.roles & RULES[action].roles):
            return Actor(op.person_id, role)
        return None

    # -- showing a case

    def open_case(self, case_id: int) -> None:
        store, catalogue, now = self.store, self.catalogue, self.clock()
        self.tasks.run(lambda: load_case_detail(store, catalogue, case_id, now), self._show,
                       self._failed)

    def _show(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.panel.show_detail(detail, self.roles(), self.clock())
        for value, button in self.panel.action_buttons().items():
            key = ACTION_KEYS.get(Action(value))
            if key:
                button.setText(f"{button.text()}  [{key}]")
        self.dock.show()
        self.dock.raise_()

    def _operator_changed(self) -> None:
        """Another operator: the open case offers that operator's steps."""
        if self.detail is not None:
            self._show(self.detail)

    def _reload_open_case(self) -> None:
        if self.detail is not None and self.dock.isVisible():
            self.open_case(self.detail.id)

    # -- acting on it

    def act(self, action_value: str, case_id: int, note: str = "") -> None:
        action = Action(action_value)
        actor = self.actor_for(action)
        if actor is None:
            self._say(self.tr("Your roles may not do this."))
            return
        extra: dict[str, Any] = {}
        if action in (Action.DISPATCH, Action.TRANSFER_UNIT):
            squad = self.choose_squad(case_id)
            if squad is None:
                return
            extra["squad_id"] = squad
        elif action is Action.REQUEST_EXTENSION:
            amount, ok = QInputDialog.getDouble(
                self.window, self.tr("Request extension"),
                self.tr("How much more time (in the category's time unit)?"), 1.0, 0.5, 30.0, 1,
            )
            if not ok:
                return
            extra["amount"] = amount
        elif action is Action.GRANT_EXTENSION:
            amount = self.ask_extension_amount(case_id)
            if amount is None:
                return
            extra["amount"] = amount
        elif action is Action.TRANSFER_JUDICIAL:
            self.transfer_judicial(actor, case_id, note)
            return
        method = getattr(self.cases, action.value)
        params = inspect.signature(method).parameters
        kw: dict[str, Any] = dict(extra)
        if "note" in params:
            kw["note"] = note
        if "expected_version" in params and self.detail is not None and self.detail.id == case_id:
            kw["expected_version"] = self.detail.version
        self.tasks.run(lambda: method(actor, case_id, **kw), lambda _c: self._acted(case_id),
                       lambda exc: self._act_failed(case_id, exc))

    # -- judicial hand-over (司法衔接)

    def transfer_judicial(self, actor: Actor, case_id: int, note: str = "") -> TransferDialog:
        """移送司法: the transfer dialog (body, documents sent, reason) for the open case,
        window-modal; the case reloads once it is transferred, or after a refusal that may
        mean it changed meanwhile."""
        detail = self.detail if self.detail is not None and self.detail.id == case_id else None
        label = (
            " · ".join(p for p in (detail.case_no, detail.category_name, detail.address) if p)
            if detail is not None else str(case_id)
        )
        dialog = TransferDialog(
            self.judicial, actor, case_id, label, self.tasks.run, self.window,
            expected_version=detail.version if detail is not None else None, note=note,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _changes: self._acted(case_id))
        dialog.rejected.connect(
            lambda: self.open_case(case_id) if dialog.last_error is not None else None
        )
        dialog.open()
        return dialog

    def ask_extension_amount(self, case_id: int) -> float | None:
        """Show what the squad asked (how much, who, when, why) and let the approver grant
        it or a different amount; None when cancelled."""
        detail = self.detail
        ask = detail.pending_extension if detail is not None and detail.id == case_id else None
        if ask is None:
            return None
        unit = time_unit_name(ask.unit)
        label = self.tr(
            "{who} asked on {at} for {amount:g} {unit} more for case {no}:\n“{reason}”\n\n"
            "Grant how much?"
        ).format(who=ask.asked_by or "—", at=f"{ask.asked_at:%Y-%m-%d %H:%M}",
                 amount=ask.amount, unit=unit, no=detail.case_no, reason=ask.reason)
        amount, ok = QInputDialog.getDouble(
            self.window, self.tr("Grant extension"), label, ask.amount or 1.0, 0.5, 30.0, 1
        )
        return amount if ok else None

    def _acted(self, case_id: int) -> None:
        self.window.refreshRequested.emit()
        self.open_case(case_id)

    def _act_failed(self, case_id: int, exc: BaseException) -> None:
        if isinstance(exc, ConflictError):
            QMessageBox.warning(self.window, self.tr("Changed elsewhere"), str(exc))
            self.open_case(case_id)
        else:
            self._failed(exc)

    def choose_squad(self, case_id: int) -> int | None:
        """Ask the dispatcher which squad, offering the domain's ranking. Reads the squads
        on the worker and waits for them (a fraction of a second) before showing the list."""
        detail = self.detail
        if detail is None or detail.id != case_id:
            return None
        candidates = self.tasks_result(self.squads.squad_candidates)
        if candidates is None:
            return None
        category = self.catalogue.get(detail.category_code)
        recs = recommend(
            detail.lon, detail.lat, candidates, limit=8, now=self.clock(),
            responsible_unit_type=category.responsible_unit_type if category else None,
            declined=detail.declined_squads,
        )
        if not recs:  # nobody of the responsible kind: offer everyone rather than nothing
            recs = recommend(detail.lon, detail.lat, candidates, limit=8, now=self.clock(),
                             declined=detail.declined_squads)
        names = {s.id: s.name for s in self.window.map_panel.layers["squads"].squads.values()}  # type: ignore[attr-defined]
        dialog = DispatchDialog(detail.case_no, recs, names, self.window)
        return dialog.chosen_squad() if dialog.exec() else None

    def tasks_result(self, fn: Callable[[], Any]) -> Any:
        """Run `fn` on the worker and wait for it in a local event loop (the GUI stays
        responsive); None if it failed (the failure is shown)."""
        from PySide6.QtCore import QEventLoop

        loop = QEventLoop()
        box: dict[str, Any] = {}

        def done(value: Any) -> None:
            box["value"] = value
            loop.quit()

        def failed(exc: BaseException) -> None:
            self._failed(exc)
            loop.quit()

        self.tasks.run(fn, done, failed)
        loop.exec()
        return box.get("value")

    # -- several at once

    def batch_plan(
        self, cases: list[Any], candidates: list[Any],
        declined: dict[int, frozenset[int]] | None = None,
    ) -> list[tuple[Any, int]]:
        """(case, squad id) for the registered cases among `cases` (`domain.dispatch.
        plan_batch`: each to its best squad, the batch spreading over the squads, never
        back to a squad that declined it)."""
        ready = [c for c in cases if Action.DISPATCH in allowed_now(c.state)]
        declined = declined or {}
        plan = plan_batch(
            [BatchCase(c.id, c.lon, c.lat, _unit_type(self.catalogue, c.category_code),
                       declined.get(c.id, frozenset()))
             for c in ready],
            candidates, now=self.clock(),
        )
        by_id = {c.id: c for c in ready}
        return [(by_id[case_id], squad) for case_id, squad in plan]

    def batch_dispatch(self) -> None:
        """Dispatch every registered case selected in the queue to its recommended squad,
        after one confirmation listing them (Ctrl+Shift+D)."""
        actor = self.actor_for(Action.DISPATCH)
        queue = getattr(self.window, "queue_panel", None)
        if actor is None or queue is None:
            self._say(self.tr("Your roles may not do this."))
            return
        selected = queue.selected_cases()
        squads, store = self.squads, self.store
        found = self.tasks_result(lambda: (
            squads.squad_candidates(), declined_squads_of(store, [c.id for c in selected])))
        if found is None:
            return
        plan = self.batch_plan(selected, *found)
        if not plan:
            self._say(self.tr("Select registered cases in the queue to dispatch them together."))
            return
        names = {s.id: s.name for s in self.window.map_panel.layers["squads"].squads.values()}  # type: ignore[attr-defined]
        lines = "\n".join(f"{c.case_no} → {names.get(q, q)}" for c, q in plan)
        answer = QMessageBox.question(
            self.window, self.tr("Dispatch {n} cases").format(n=len(plan)), lines
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        cases = self.cases

        def run() -> list[str]:
            failed = []
            for case, squad in plan:
                try:
                    cases.dispatch(actor, case.id, squad_id=squad)
                except Exception as exc:  # noqa: BLE001 — one refused case does not stop the rest
                    failed.append(f"{case.case_no}: {exc}")
            return failed

        def done(failed: list[str]) -> None:
            self.window.refreshRequested.emit()
            self._say(
                self.tr("Dispatched {n} cases.").format(n=len(plan) - len(failed))
                + (" " + self.tr("Not dispatched: {list}").format(list="; ".join(failed))
                   if failed else "")
            )

        self.tasks.run(run, done, self._failed)

    # -- dragging cases onto a squad

    def drop_on_squad(self, case_ids: list[int], squad_id: int) -> None:
        """Cases dropped on a squad's row: registered ones are dispatched to it, ones already
        with a squad are reassigned to it (转派, with a reason asked once)."""
        store = self.store
        states = self.tasks_result(lambda: case_states(store, list(case_ids)))
        if states is None:
            return
        dispatch = [i for i, (st, _) in states.items() if Action.DISPATCH in allowed_now(st)]
        move = [i for i, (st, _) in states.items() if Action.TRANSFER_UNIT in allowed_now(st)]
        skipped = [no for i, (st, no) in states.items() if i not in dispatch and i not in move]
        d_actor, m_actor = self.actor_for(Action.DISPATCH), self.actor_for(Action.TRANSFER_UNIT)
        if (dispatch and d_actor is None) or (move and m_actor is None):
            self._say(self.tr("Your roles may not do this."))
            return
        note = ""
        if move:
            note, ok = QInputDialog.getText(
                self.window, self.tr("Reassign"),
                self.tr("Why do {n} cases go to another squad?").format(n=len(move)),
            )
            if not ok or not note.strip():
                return
        cases = self.cases

        def run() -> list[str]:
            failed = []
            for case_id in dispatch:
                try:
                    cases.dispatch(d_actor, case_id, squad_id=squad_id)
                except Exception as exc:  # noqa: BLE001 — report it, carry on
                    failed.append(f"{states[case_id][1]}: {exc}")
            for case_id in move:
                try:
                    cases.transfer_unit(m_actor, case_id, note=note, squad_id=squad_id)
                except Exception as exc:  # noqa: BLE001
                    failed.append(f"{states[case_id][1]}: {exc}")
            return failed

        def done(failed: list[str]) -> None:
            self.window.refreshRequested.emit()
            text = self.tr("Dispatched {a}, reassigned {b}.").format(
                a=len(dispatch), b=len(move))
            if skipped:
                text += " " + self.tr("Not in a state to send: {list}").format(
                    list=", ".join(skipped))
            if failed:
                text += " " + self.tr("Not done: {error}").format(error="; ".join(failed))
            self._say(text)

        self.tasks.run(run, done, self._failed)

    # -- reporting

    def report_at(self, lon: float, lat: float) -> None:
        actor = self.actor_for(Action.REPORT)  # the workflow says who may report
        if actor is None:
            self._say(self.tr("Your roles may not do this."))
            return
        snapshot = self.window._snapshot  # noqa: SLF001 — the window's latest picture
        finder = DuplicateFinder(snapshot.open_cases if snapshot is not None else ())
        dialog = ReportDialog(
            self.catalogue, find_duplicates=finder, grid_centre=self._grid_centre,
            parent=self.window,
        )
        dialog.set_location(lon, lat)
        if not dialog.exec():
            return
        request = dialog.result_report()
        if request is None:
            return
        if request.is_merge:
            self.file_duplicate(actor, request)
            return
        self.file_report(actor, request)

    def file_duplicate(self, actor: Actor, r: ReportRequest) -> None:
        """A report of a case already open: filed, so that who reported what and where stays
        in the trail, and at once not registered (不予立案) as a duplicate of the open case —
        the usual way of a digital urban-management centre. Needs a role that may reject
        (intake or shift chief); otherwise it is filed as a report for the chief to judge."""
        cases = self.cases
        rejecter = self.actor_for(Action.REJECT)
        note = self.tr("Duplicate of {no}").format(no=r.merge_case_no)

        def run() -> int:
            case_id = cases.report(actor, category_code=r.category_code, lon=r.lon, lat=r.lat,
                                   description=r.description, address=r.address,
                                   source=r.source).case_id
            if rejecter is not None:
                cases.reject(rejecter, case_id, note=note)
            return case_id

        def done(case_id: int) -> None:
            self.window.refreshRequested.emit()
            self._say(
                self.tr("Recorded as a duplicate of {no}.").format(no=r.merge_case_no)
                if rejecter is not None
                else self.tr("Filed; the shift chief decides whether it duplicates {no}.").format(
                    no=r.merge_case_no)
            )
            if r.merge_into is not None:
                self.open_case(r.merge_into)

        self.tasks.run(run, done, self._failed)

    def file_report(self, actor: Actor, r: ReportRequest) -> None:
        cases = self.cases
        self.tasks.run(
            lambda: cases.report(actor, category_code=r.category_code, lon=r.lon, lat=r.lat,
                                 description=r.description, address=r.address, source=r.source),
            lambda changes: (self.window.refreshRequested.emit(), self.open_case(changes.case_id)),
            self._failed,
        )

    def _grid_centre(self, code: str) -> tuple[float, float] | None:
        xy = self.window.map_canvas.feature_xy("unit_grids", code)
        if xy is None:
            return None
        lon, lat = unproject([xy[0]], [xy[1]])
        return float(lon[0]), float(lat[0])

    # -- messages

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10_000)

    def _failed(self, exc: BaseException) -> None:
        self._say(self.tr("Not done: {error}").format(error=exc))
