"""Supervisors' orders (督办单): the open ones, overdue first, and what may be done with them.

The panel lists `OrderRow`s and turns clicks into `OrderService` calls run through
`submit(fn, on_done, on_error)` (the database worker); the rules — who may issue, receive,
acknowledge, complete or cancel — are `domain.orders`, and the service refuses anything else.
Buttons are enabled only for what the signed-in roles may do to the selected order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from command_center.domain.calendar import CST
from command_center.domain.orders import ISSUERS, OrderAction, OrderError, OrderStatus
from command_center.domain.orders import check_order_action as _check
from command_center.domain.workflow import Role
from command_center.services.cases import Actor
from command_center.services.orders import OrderRow, OrderService
from command_center.ui.theme import PALETTE

__all__ = ["IssueOrderDialog", "OrderModel", "OrdersPanel"]

Submit = Callable[[Callable[[], Any], Callable[[Any], object], Callable[[BaseException], object]], None]
_Index = QModelIndex | QPersistentModelIndex
TIME = "%m-%d %H:%M"


class OrderModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[OrderRow] = []
        self.targets: dict[tuple[str, int], str] = {}  # ("squad"|"unit", id) → name
        self._late = QBrush(QColor(PALETTE.danger))

    def set_rows(self, rows: Sequence[OrderRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def headers(self) -> list[str]:
        return [self.tr("Order"), self.tr("Title"), self.tr("To"), self.tr("Due"),
                self.tr("Status"), self.tr("Cases")]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and r.overdue:
            return self._late
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        target = ("squad", r.squad_id) if r.squad_id is not None else ("unit", r.unit_id or 0)
        due = r.due_at.astimezone(CST).strftime(TIME) if r.due_at else ""
        return (
            r.code,
            r.title,
            self.targets.get(target, f"{target[0]} {target[1]}"),
            due + (" " + self.tr("overdue") if r.overdue else ""),
            self.status_text(r),
            str(len(r.case_ids)),
        )[index.column()]

    def status_text(self, r: OrderRow) -> str:
        names = {
            "issued": self.tr("issued"),
            "acknowledged": self.tr("acknowledged"),
            "done": self.tr("done"),
            "cancelled": self.tr("cancelled"),
        }
        text = names.get(r.status, r.status)
        if r.status == "issued" and r.received_at is not None:
            text += " · " + self.tr("received")
        return text


class IssueOrderDialog(QDialog):
    """Title, text, due time, addressee (a squad or a unit) and the case numbers it is about."""

    def __init__(
        self,
        squads: Sequence[tuple[int, str]],
        units: Sequence[tuple[int, str]],
        parent: QWidget | None = None,
        *,
        now: datetime,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Issue an order"))
        self.title = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setFixedHeight(80)
        self.due = QDateTimeEdit(QDateTime(now + timedelta(hours=2)))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.to = QComboBox()
        for squad_id, name in squads:
            self.to.addItem(self.tr("Squad: {name}").format(name=name), ("squad", squad_id))
        for unit_id, name in units:
            self.to.addItem(self.tr("Unit: {name}").format(name=name), ("unit", unit_id))
        self.cases = QLineEdit()
        self.cases.setPlaceholderText(self.tr("case ids, separated by commas (optional)"))
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {PALETTE.danger};")
        form = QFormLayout(self)
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Text"), self.body)
        form.addRow(self.tr("Due"), self.due)
        form.addRow(self.tr("To"), self.to)
        form.addRow(self.tr("Cases"), self.cases)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        kind, target = self.to.currentData() or (None, None)
        raw = [part.strip() for part in self.cases.text().replace("，", ",").split(",")]
        return {
            "title": self.title.text().strip(),
            "body": self.body.toPlainText().strip(),
            "due_at": self.due.dateTime().toPython().replace(tzinfo=CST),
            "squad_id": target if kind == "squad" else None,
            "unit_id": target if kind == "unit" else None,
            "case_ids": [int(p) for p in raw if p.isdigit()],
            "bad_case_ids": [p for p in raw if p and not p.isdigit()],
        }

    def _check(self) -> None:
        v = self.values()
        if not v["title"]:
            self.error.setText(self.tr("An order needs a title."))
        elif v["squad_id"] is None and v["unit_id"] is None:
            self.error.setText(self.tr("Choose a squad or a unit."))
        elif v["bad_case_ids"]:
            self.error.setText(
                self.tr("Not a case id: {ids}").format(ids=", ".join(v["bad_case_ids"]))
            )
        else:
            self.accept()


class OrdersPanel(QWidget):
    """Open orders, overdue first; issue, receive, acknowledge, complete, cancel."""

    changed = Signal()  # an order was written (the window reloads the list)

    def __init__(
        self,
        service: OrderService,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        roles: frozenset[Role] = frozenset(),
        person_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ordersPanel")
        self.service, self.submit = service, submit
        self.roles, self.person_id = roles, person_id
        self.squads: list[tuple[int, str]] = []
        self.units: list[tuple[int, str]] = []
        self.model = OrderModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.message = QLabel()
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text in (
            ("issue", self.tr("Issue…")),
            (OrderAction.RECEIVE.value, self.tr("Received")),
            (OrderAction.ACKNOWLEDGE.value, self.tr("Acknowledge")),
            (OrderAction.COMPLETE.value, self.tr("Complete")),
            (OrderAction.CANCEL.value, self.tr("Cancel order")),
        ):
            button = QPushButton(text)
            button.setObjectName(f"order_{key}")
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.buttons["issue"].clicked.connect(lambda: self.issue())
        for action in OrderAction:
            self.buttons[action.value].clicked.connect(lambda _=False, a=action: self.act(a))
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self._enable()

    # -- data in

    def set_operator(self, roles: frozenset[Role], person_id: int | None) -> None:
        self.roles, self.person_id = roles, person_id
        self._enable()

    def set_targets(self, squads: Sequence[tuple[int, str]], units: Sequence[tuple[int, str]]) -> None:
        self.squads, self.units = list(squads), list(units)
        self.model.targets = {("squad", i): n for i, n in squads} | {("unit", i): n for i, n in units}

    def reload(self) -> None:
        service = self.service
        self.submit(service.open_orders, self._show, self._failed)

    def _show(self, rows: list[OrderRow]) -> None:
        selected = self.selected()
        self.model.set_rows(rows)
        if selected is not None:
            for i, r in enumerate(rows):
                if r.id == selected.id:
                    self.table.selectRow(i)
        late = sum(r.overdue for r in rows)
        self.message.setText(
            self.tr("{n} open orders, {late} overdue").format(n=len(rows), late=late)
        )
        self._enable()

    # -- selection and buttons

    def selected(self) -> OrderRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.rows[rows[0].row()] if rows else None

    def actor_for(self, action: OrderAction | None, order: OrderRow | None) -> Actor | None:
        """The operator's role that may take `action` (None: issue) on `order`, as an Actor."""
        if action is None:
            role = next((r for r in sorted(self.roles) if r in ISSUERS), None)
            return None if role is None else Actor(self.person_id, role)
        if order is None:
            return None
        for role in sorted(self.roles):
            try:
                _check(action, OrderStatus(order.status), role)
            except OrderError:
                continue
            return Actor(self.person_id, role)
        return None

    def _enable(self, *args: object) -> None:
        order = self.selected()
        self.buttons["issue"].setEnabled(self.actor_for(None, None) is not None)
        for action in OrderAction:
            self.buttons[action.value].setEnabled(self.actor_for(action, order) is not None)

    # -- actions

    def issue(self, values: dict[str, Any] | None = None) -> None:
        actor = self.actor_for(None, None)
        if actor is None:
            return
        if values is None:
            dialog = IssueOrderDialog(self.squads, self.units, self, now=self.service.clock())
            if not dialog.exec():
                return
            values = dialog.values()
        args = {k: v for k, v in values.items() if k != "bad_case_ids"}
        service = self.service
        self.submit(lambda: service.issue(actor, **args), self._done, self._failed)

    def act(self, action: OrderAction, note: str | None = None) -> None:
        order = self.selected()
        actor = self.actor_for(action, order)
        if order is None or actor is None:
            return
        if action is OrderAction.CANCEL and note is None:
            note, ok = QInputDialog.getText(
                self, self.tr("Cancel order"), self.tr("Why is the order cancelled?")
            )
            if not ok:
                return
        service, order_id, text = self.service, order.id, note or ""
        calls = {
            OrderAction.RECEIVE: lambda: service.receive(actor, order_id),
            OrderAction.ACKNOWLEDGE: lambda: service.acknowledge(actor, order_id, text),
            OrderAction.COMPLETE: lambda: service.complete(actor, order_id, text),
            OrderAction.CANCEL: lambda: service.cancel(actor, order_id, text),
        }
        self.submit(calls[action], self._done, self._failed)

    def _done(self, _changes: object) -> None:
        self.message.setText(self.tr("Saved."))
        self.changed.emit()
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(self.tr("Not done: {error}").format(error=exc))
