"""The dispatcher's case queue: tabs as named filters over all cases, counted and paged.

A queue over the whole history (a million cases and more) is never loaded whole: the UI asks
`count` for the number of rows and `page` for the rows it shows, and `tab_counts` for the
numbers on the tabs (one query). Every question takes `now`, so one opening of the queue
answers all its questions against the same instant (the overdue tab moves with time).

Rows are `QueueRow`s: `CaseRow`s with the unit grid and the source added.

Paging is by offset over an index-only inner query (a "deferred join"): the database walks
only the index on the tab's states and the sort column to find the page's ids, then reads
the page's rows by primary key. The order always ends with the id, so pages never overlap
and never skip a row. NULLs (no deadline, no squad yet) sort where each database's index
keeps them: last in ascending order on PostgreSQL, first on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import OPEN_STATES, CaseState
from command_center.services.snapshot import CaseRow
from command_center.store.engine import Store
from command_center.store.models import Case, Squad

__all__ = [
    "RUNNING_CLOCK",
    "SORT_KEYS",
    "TAB_STATES",
    "QueueQuery",
    "QueueRow",
    "QueueTab",
    "SortKey",
    "StoreQueueSource",
    "count",
    "page",
    "tab_counts",
    "tab_of",
]

S = CaseState
# The states in which the handling clock runs (handling, not paused): the overdue tab's.
RUNNING_CLOCK: frozenset[CaseState] = frozenset({S.DISPATCHED, S.IN_PROGRESS, S.REWORK})
# Inspectors (监督员) verify on the spot before they report; every other source's report
# is first taken in (受理) at the intake desk.
INSPECTOR_SOURCE = "inspector"


@dataclass(frozen=True)
class QueueRow(CaseRow):
    """A `CaseRow` with what only the queue shows: the unit grid and the source."""

    grid_code: str = ""
    source: str = ""


class QueueTab(StrEnum):
    """The queue's tabs, in the order the tab bar shows them."""

    INTAKE = "intake"  # 待受理: reported from outside the inspectors, not yet taken in
    REGISTRATION = "registration"  # 待立案: reported by an inspector, awaiting registration
    DISPATCH = "dispatch"  # 待派遣: registered, not yet dispatched
    HANDLING = "handling"  # 处置中: dispatched, accepted or sent back; the clock runs
    VERIFICATION = "verification"  # 待核查: handled, awaiting the check (and the close)
    CLOSED = "closed"  # 已结案
    OVERDUE = "overdue"  # 超期: the clock runs and the deadline has passed
    SUSPENDED = "suspended"  # 挂账: suspended or an extension pending (the clock stopped)
    ALL = "all"  # 全部: every case, whatever its state


# Tab → the workflow states it shows. INTAKE and REGISTRATION both show REPORTED cases (the
# workflow has one state before registration) and split them by source, see `_tab_where`.
# NOT_REGISTERED and TRANSFERRED (terminal, never closed here) appear only under ALL.
TAB_STATES: dict[QueueTab, frozenset[CaseState]] = {
    QueueTab.INTAKE: frozenset({S.REPORTED}),
    QueueTab.REGISTRATION: frozenset({S.REPORTED}),
    QueueTab.DISPATCH: frozenset({S.REGISTERED}),
    QueueTab.HANDLING: RUNNING_CLOCK,
    QueueTab.VERIFICATION: frozenset({S.HANDLED, S.VERIFIED}),
    QueueTab.CLOSED: frozenset({S.CLOSED}),
    QueueTab.OVERDUE: RUNNING_CLOCK,
    QueueTab.SUSPENDED: frozenset({S.SUSPENDED, S.EXTENSION_REQUESTED}),
    QueueTab.ALL: frozenset(CaseState),
}


class SortKey(StrEnum):
    """What the queue can be sorted by (each backed by an index on `cases`)."""

    CASE_NO = "case_no"
    CATEGORY = "category"
    STATE = "state"
    DISTRICT = "district"
    GRID = "grid"
    SOURCE = "source"
    SQUAD = "squad"
    REPORTED = "reported"
    DEADLINE = "deadline"


SORT_KEYS: dict[SortKey, Any] = {
    SortKey.CASE_NO: Case.case_no,
    SortKey.CATEGORY: Case.category_code,
    SortKey.STATE: Case.state,
    SortKey.DISTRICT: Case.district_code,
    SortKey.GRID: Case.grid_code,
    SortKey.SOURCE: Case.source,
    SortKey.SQUAD: Case.squad_id,
    SortKey.REPORTED: Case.reported_at,
    SortKey.DEADLINE: Case.deadline_at,
}

# The order a tab opens in: oldest report first while a case waits for the desk, nearest
# deadline first while the clock runs, newest first in the history.
DEFAULT_SORT: dict[QueueTab, tuple[SortKey, bool]] = {
    QueueTab.INTAKE: (SortKey.REPORTED, False),
    QueueTab.REGISTRATION: (SortKey.REPORTED, False),
    QueueTab.DISPATCH: (SortKey.REPORTED, False),
    QueueTab.HANDLING: (SortKey.DEADLINE, False),
    QueueTab.VERIFICATION: (SortKey.REPORTED, False),
    QueueTab.CLOSED: (SortKey.REPORTED, True),
    QueueTab.OVERDUE: (SortKey.DEADLINE, False),
    QueueTab.SUSPENDED: (SortKey.REPORTED, False),
    QueueTab.ALL: (SortKey.REPORTED, True),
}


@dataclass(frozen=True)
class QueueQuery:
    """One view of the queue: a tab, filters, and an order. Empty filters filter nothing.

    `category` is a prefix of the category code (a major class or one subclass); `grid` a
    prefix of the 15-digit unit-grid code (a street, a community or one grid); `text` a
    prefix of the case number; the deadline window is inclusive at both ends.
    """

    tab: QueueTab = QueueTab.HANDLING
    category: str = ""
    district: str = ""
    grid: str = ""
    source: str = ""
    squad_id: int | None = None
    deadline_from: datetime | None = None
    deadline_to: datetime | None = None
    text: str = ""
    sort: SortKey | None = None  # None: the tab's default order
    descending: bool = False

    def order(self) -> tuple[SortKey, bool]:
        """The sort key and direction in force (the tab's default when none is chosen)."""
        if self.sort is None:
            return DEFAULT_SORT[self.tab]
        return self.sort, self.descending

    def with_tab(self, tab: QueueTab) -> QueueQuery:
        """The same filters on another tab, in that tab's default order."""
        return replace(self, tab=tab, sort=None, descending=False)


def tab_of(state: str, source: str, deadline_at: datetime | None, now: datetime) -> set[QueueTab]:
    """The tabs a case with these values shows under at `now` (the rule in plain Python)."""
    tabs = {QueueTab.ALL}
    st = CaseState(state)
    for tab, states in TAB_STATES.items():
        if tab in (QueueTab.ALL, QueueTab.INTAKE, QueueTab.REGISTRATION, QueueTab.OVERDUE):
            continue
        if st in states:
            tabs.add(tab)
    if st is S.REPORTED:
        tabs.add(QueueTab.REGISTRATION if source == INSPECTOR_SOURCE else QueueTab.INTAKE)
    if st in RUNNING_CLOCK and deadline_at is not None and deadline_at < now:
        tabs.add(QueueTab.OVERDUE)
    return tabs


# -- SQL ------------------------------------------------------------------------------------
def _in_states(states: frozenset[CaseState]) -> ColumnElement[bool]:
    values = sorted(s.value for s in states)
    return Case.state == values[0] if len(values) == 1 else Case.state.in_(values)


def _tab_where(tab: QueueTab, now: datetime) -> ColumnElement[bool] | None:
    if tab is QueueTab.ALL:
        return None
    where = _in_states(TAB_STATES[tab])
    if tab is QueueTab.INTAKE:
        return and_(where, Case.source != INSPECTOR_SOURCE)
    if tab is QueueTab.REGISTRATION:
        return and_(where, Case.source == INSPECTOR_SOURCE)
    if tab is QueueTab.OVERDUE:
        return and_(where, Case.deadline_at < now)
    return where


def _escape_like(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix(column: Any, prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix`, as a range (which any index on the column serves,
    whatever the collation) ANDed with LIKE (which states the rule exactly)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(
        column >= prefix, column < upper, column.like(_escape_like(prefix) + "%", escape="\\")
    )


def _where(query: QueueQuery, now: datetime) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    tab = _tab_where(query.tab, now)
    if tab is not None:
        conds.append(tab)
    if query.category:
        conds.append(_prefix(Case.category_code, query.category))
    if query.district:
        conds.append(Case.district_code == query.district)
    if query.grid:
        conds.append(_prefix(Case.grid_code, query.grid))
    if query.source:
        conds.append(Case.source == query.source)
    if query.squad_id is not None:
        conds.append(Case.squad_id == query.squad_id)
    if query.deadline_from is not None:
        conds.append(Case.deadline_at >= query.deadline_from)
    if query.deadline_to is not None:
        conds.append(Case.deadline_at <= query.deadline_to)
    text = query.text.strip().upper()
    if text:
        conds.append(_prefix(Case.case_no, text))
    return conds


def _order_by(query: QueueQuery, dialect: str) -> list[Any]:
    key, desc = query.order()
    col = SORT_KEYS[key]
    if dialect == "sqlite" and query.tab in _SMALL_TABS:
        # A tab of open cases is small: SQLite is to find its rows on the state index and
        # sort them, not walk the whole sort column's index (its statistics cannot tell a
        # rare state from a common one). A unary + keeps an index from serving the order.
        col = literal_column(f"+{Case.__tablename__}.{col.key}")
    # NULLs go where the database's indexes keep them (PostgreSQL: last ascending; SQLite:
    # first ascending), so that every order is read off an index rather than sorted.
    return [col.desc() if desc else col.asc(), Case.id.desc() if desc else Case.id.asc()]


def count(store: Store, query: QueueQuery, now: datetime) -> int:
    """How many cases `query` shows at `now`."""
    with store.read() as s:
        return _count(s, query, now)


def _count(s: Session, query: QueueQuery, now: datetime) -> int:
    return int(s.scalar(select(func.count()).select_from(Case).where(*_where(query, now))) or 0)


def page(
    store: Store,
    query: QueueQuery,
    now: datetime,
    offset: int,
    limit: int,
    *,
    catalogue: Catalogue | None = None,
) -> list[CaseRow]:
    """Rows `offset` … `offset + limit - 1` of `query` at `now`, in the query's order.

    Category names come from `catalogue` (the code itself without one).
    """
    if offset < 0 or limit < 0:
        raise ValueError(f"offset and limit must not be negative ({offset}, {limit})")
    if limit == 0:
        return []
    with store.read() as s:
        return _page(s, query, now, offset, limit, catalogue, store.dialect)


def _page(
    s: Session,
    query: QueueQuery,
    now: datetime,
    offset: int,
    limit: int,
    catalogue: Catalogue | None,
    dialect: str,
) -> list[CaseRow]:
    order = _order_by(query, dialect)
    ids = (
        select(Case.id)
        .where(*_where(query, now))
        .order_by(*order)
        .offset(offset)
        .limit(limit)
        .subquery("page_ids")
    )
    stmt = (
        select(
            Case.id,
            Case.case_no,
            Case.category_code,
            Case.state,
            Case.district_code,
            Case.address,
            Case.lon,
            Case.lat,
            Case.reported_at,
            Case.deadline_at,
            Case.urgent,
            Case.grid_code,
            Case.source,
            Squad.name,
        )
        .join(ids, ids.c.id == Case.id)
        .outerjoin(Squad, Squad.id == Case.squad_id)
        .order_by(*order)
    )
    running = {st.value for st in RUNNING_CLOCK}
    names: dict[str, str] = {}
    rows = []
    for r in s.execute(stmt):
        name = names.get(r.category_code)
        if name is None:
            category = catalogue.get(r.category_code) if catalogue is not None else None
            name = names[r.category_code] = category.name if category else r.category_code
        rows.append(
            QueueRow(
                id=r.id,
                case_no=r.case_no,
                category_code=r.category_code,
                category_name=name,
                state=r.state,
                district_code=r.district_code or "",
                address=r.address,
                lon=r.lon,
                lat=r.lat,
                reported_at=r.reported_at,
                deadline_at=r.deadline_at,
                overdue=(r.state in running and r.deadline_at is not None and r.deadline_at < now),
                squad_name=r.name,
                urgent=bool(r.urgent),
                grid_code=r.grid_code or "",
                source=r.source,
            )
        )
    return rows


def tab_counts(store: Store, now: datetime) -> dict[QueueTab, int]:
    """The number of cases under every tab at `now`, in one query (one pass over an index)."""
    with store.read() as s:
        return _tab_counts(s, now)


def _tab_counts(s: Session, now: datetime) -> dict[QueueTab, int]:
    """One statement: the open states grouped by state, source and lateness (a short range
    of the state index), the closed cases counted on that index, and all cases."""
    open_states = sorted(st.value for st in OPEN_STATES)
    by_inspector = case((Case.source == INSPECTOR_SOURCE, 1), else_=0)
    late = case((Case.deadline_at < now, 1), else_=0)
    grouped = (
        select(
            Case.state,
            by_inspector.label("inspector"),
            func.count().label("n"),
            func.sum(late).label("late"),
        )
        .where(Case.state.in_(open_states))
        .group_by(Case.state, by_inspector)
    )
    closed = select(literal(S.CLOSED.value), literal(0), func.count(), literal(0)).where(
        Case.state == S.CLOSED.value
    )
    everything = select(literal(_ALL), literal(0), func.count(), literal(0)).select_from(Case)
    counts = dict.fromkeys(QueueTab, 0)
    running = {st.value for st in RUNNING_CLOCK}
    for state, inspector, n, n_late in s.execute(union_all(grouped, closed, everything)):
        if state == _ALL:
            counts[QueueTab.ALL] = int(n)
            continue
        st = CaseState(state)
        if st is S.REPORTED:
            counts[QueueTab.REGISTRATION if inspector else QueueTab.INTAKE] += n
        for tab in _STATE_TABS:
            if st in TAB_STATES[tab]:
                counts[tab] += n
        if state in running:
            counts[QueueTab.OVERDUE] += int(n_late or 0)
    return counts


_ALL = "*all*"
# Tabs of open cases only (a few thousand in a live city, however long its history).
_SMALL_TABS = frozenset(
    t for t, states in TAB_STATES.items() if states <= OPEN_STATES and t is not QueueTab.ALL
)
_STATE_TABS = (
    QueueTab.DISPATCH,
    QueueTab.HANDLING,
    QueueTab.VERIFICATION,
    QueueTab.CLOSED,
    QueueTab.SUSPENDED,
)


class StoreQueueSource:
    """The queue's questions on one store, as the UI's model asks them (`count`, `page`,
    `tab_counts`); call it on the database worker, never on the GUI thread."""

    def __init__(self, store: Store, catalogue: Catalogue | None = None) -> None:
        self.store = store
        self.catalogue = catalogue

    def count(self, query: QueueQuery, now: datetime) -> int:
        return count(self.store, query, now)

    def page(self, query: QueueQuery, now: datetime, offset: int, limit: int) -> list[CaseRow]:
        return page(self.store, query, now, offset, limit, catalogue=self.catalogue)

    def tab_counts(self, now: datetime) -> dict[QueueTab, int]:
        return tab_counts(self.store, now)

    def open(
        self, query: QueueQuery, now: datetime, limit: int
    ) -> tuple[int, list[CaseRow], dict[QueueTab, int]]:
        """What opening the queue needs, in one read transaction: the count, the first page
        and the tab counts."""
        with self.store.read() as s:
            n = _count(s, query, now)
            first = _page(s, query, now, 0, limit, self.catalogue, self.store.dialect)
            return n, first, _tab_counts(s, now)
