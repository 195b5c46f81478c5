"""Supervisors' orders (督办单 / 指令): issue, receive, acknowledge, complete, cancel, list.

One transaction per use case, each logged in the change log like the case use cases. The
rules (who may, from which status) are `domain.orders`; this module applies them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.domain.calendar import CST
from command_center.domain.orders import (
    OPEN_STATUSES,
    OrderAction,
    OrderError,
    OrderStatus,
    check_issuer,
    check_order_action,
    is_overdue,
)
from command_center.domain.workflow import WorkflowError
from command_center.services import changelog
from command_center.services.cases import Actor, check_actor
from command_center.services.changelog import default_workstation
from command_center.services.changes import Changes, NotFound, ServiceError
from command_center.store.engine import Store
from command_center.store.models import Case, Order, OrderCase, Squad, Unit

__all__ = ["OrderRow", "OrderService", "order_targets"]


@dataclass(frozen=True)
class OrderRow:
    """An order as the desk lists it."""

    id: int
    code: str
    title: str
    body: str
    status: str
    issued_at: datetime
    due_at: datetime | None
    received_at: datetime | None
    acknowledged_at: datetime | None
    done_at: datetime | None
    squad_id: int | None
    unit_id: int | None
    case_ids: tuple[int, ...]
    reply: str | None
    overdue: bool


class OrderService:
    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(CST),
        workstation: str | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.workstation = (workstation or default_workstation())[:64]

    def issue(
        self,
        actor: Actor,
        *,
        title: str,
        body: str = "",
        due_at: datetime | None,
        squad_id: int | None = None,
        unit_id: int | None = None,
        case_ids: Iterable[int] = (),
    ) -> Changes:
        """A new order to a squad or a unit (exactly one), due at `due_at`, about some cases."""
        title = title.strip()
        if not title:
            raise ServiceError("an order needs a title")
        if (squad_id is None) == (unit_id is None):
            raise ServiceError("an order goes to one squad or to one unit")
        now = self.clock()
        if due_at is not None and due_at <= now:
            raise ServiceError("the due time of an order must be in the future")
        cases = sorted(set(case_ids))
        try:
            check_issuer(actor.role)
        except OrderError as exc:
            raise ServiceError(str(exc)) from None
        with self.store.transaction() as s:
            self._check_actor(s, actor)
            if squad_id is not None and s.get(Squad, squad_id) is None:
                raise NotFound(f"no squad with id {squad_id}")
            if unit_id is not None and s.get(Unit, unit_id) is None:
                raise NotFound(f"no unit with id {unit_id}")
            if cases:
                found = set(s.scalars(select(Case.id).where(Case.id.in_(cases))))
                missing = [c for c in cases if c not in found]
                if missing:
                    raise NotFound(f"no case with id {', '.join(map(str, missing))}")
            order = Order(
                code=_next_code(s, now), title=title[:200], body=body, issued_by=actor.person_id,
                issued_at=now, unit_id=unit_id, squad_id=squad_id,
                case_id=cases[0] if cases else None, due_at=due_at,
                status=OrderStatus.ISSUED.value,
            )
            s.add(order)
            s.flush()
            s.add_all(OrderCase(order_id=order.id, case_id=c) for c in cases)
            changes = Changes.of(orders=order.id)
            changelog.record(s, changes, self.workstation, now)
            return changes

    def receive(self, actor: Actor, order_id: int) -> Changes:
        """The addressee has seen the order (only the first receipt is kept)."""
        return self._act(actor, order_id, OrderAction.RECEIVE, "")

    def acknowledge(self, actor: Actor, order_id: int, note: str = "") -> Changes:
        return self._act(actor, order_id, OrderAction.ACKNOWLEDGE, note)

    def complete(self, actor: Actor, order_id: int, note: str = "") -> Changes:
        return self._act(actor, order_id, OrderAction.COMPLETE, note)

    def cancel(self, actor: Actor, order_id: int, note: str) -> Changes:
        if not note.strip():
            raise ServiceError("cancelling an order needs a note giving the reason")
        return self._act(actor, order_id, OrderAction.CANCEL, note)

    def open_orders(self, now: datetime | None = None) -> list[OrderRow]:
        """Every open order, the overdue ones first, then by due time."""
        now = now or self.clock()
        with self.store.read() as s:
            orders = s.scalars(
                select(Order).where(Order.status.in_([st.value for st in OPEN_STATUSES]))
            ).all()
            links = _links(s, [o.id for o in orders])
            rows = [_row(o, links.get(o.id, ()), now) for o in orders]
        far = datetime.max.replace(tzinfo=CST)
        return sorted(rows, key=lambda r: (not r.overdue, r.due_at or far, r.id))

    def get(self, order_id: int, now: datetime | None = None) -> OrderRow:
        with self.store.read() as s:
            order = s.get(Order, order_id)
            if order is None:
                raise NotFound(f"no order with id {order_id}")
            return _row(order, _links(s, [order_id]).get(order_id, ()), now or self.clock())

    # -- plumbing

    def _act(self, actor: Actor, order_id: int, action: OrderAction, note: str) -> Changes:
        now = self.clock()
        with self.store.transaction() as s:
            self._check_actor(s, actor)
            order = s.get(Order, order_id)
            if order is None:
                raise NotFound(f"no order with id {order_id}")
            try:
                step = check_order_action(action, OrderStatus(order.status), actor.role)
            except OrderError as exc:
                raise ServiceError(f"order {order.code}: {exc}") from None
            if action is OrderAction.RECEIVE:
                if order.received_at is not None and not note.strip():
                    return Changes()  # seen before: nothing changes, nothing is announced
                if order.received_at is None:
                    order.received_at = now
            else:
                if order.received_at is None:
                    order.received_at = now  # acting on it is seeing it
                order.status = step.to_status.value
                if action is OrderAction.ACKNOWLEDGE:
                    order.acknowledged_at = now
                elif action is OrderAction.COMPLETE:
                    order.done_at = now
            if note.strip():
                order.reply = note.strip()
            s.flush()
            changes = Changes.of(orders=order.id)
            changelog.record(s, changes, self.workstation, now)
            return changes

    @staticmethod
    def _check_actor(s: Session, actor: Actor) -> None:
        try:
            check_actor(s, actor)
        except WorkflowError as exc:
            raise ServiceError(str(exc)) from None


def order_targets(store: Store) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(squads, units) an order can go to, as (id, name), in code order."""
    with store.read() as s:
        squads = s.execute(select(Squad.id, Squad.name).order_by(Squad.code)).all()
        units = s.execute(select(Unit.id, Unit.name).order_by(Unit.code)).all()
    return [(int(i), str(n)) for i, n in squads], [(int(i), str(n)) for i, n in units]


def _links(s: Session, order_ids: list[int]) -> dict[int, tuple[int, ...]]:
    if not order_ids:
        return {}
    out: dict[int, list[int]] = {}
    for order_id, case_id in s.execute(
        select(OrderCase.order_id, OrderCase.case_id)
        .where(OrderCase.order_id.in_(order_ids))
        .order_by(OrderCase.case_id)
    ):
        out.setdefault(order_id, []).append(case_id)
    return {k: tuple(v) for k, v in out.items()}


def _row(o: Order, case_ids: tuple[int, ...], now: datetime) -> OrderRow:
    if not case_ids and o.case_id is not None:
        case_ids = (o.case_id,)  # orders seeded before order_cases name their case here
    return OrderRow(
        o.id, o.code, o.title, o.body, o.status, o.issued_at, o.due_at, o.received_at,
        o.acknowledged_at, o.done_at, o.squad_id, o.unit_id, case_ids, o.reply,
        is_overdue(OrderStatus(o.status), o.due_at, now),
    )


def _next_code(s: Session, at: datetime) -> str:
    """DB + yyyymmdd + a running number over all orders, as the demo city numbers them
    (DB20261127014); two workstations issuing at once meet the unique code and one retries."""
    codes = s.scalars(select(Order.code)).all()
    numbers = [int(c[-3:]) for c in codes if c[-3:].isdigit()]
    return f"DB{at.astimezone(CST):%Y%m%d}{max(numbers, default=0) + 1:03d}"
