"""The case queue's tabs, filters, orders, pages and counts, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.domain.workflow import CaseState
from command_center.services import case_queue as cq
from command_center.services.case_queue import QueueQuery, QueueRow, QueueTab, SortKey
from command_center.store.models import Case, District, Squad, Unit

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=CST)
S = CaseState
T = QueueTab

# Where a case in each state belongs (besides ALL), by the workflow (see workflow.py).
STATE_TABS: dict[CaseState, set[QueueTab]] = {
    S.REGISTERED: {T.DISPATCH},
    S.NOT_REGISTERED: set(),
    S.DISPATCHED: {T.HANDLING},
    S.IN_PROGRESS: {T.HANDLING},
    S.HANDLED: {T.VERIFICATION},
    S.REWORK: {T.HANDLING},
    S.EXTENSION_REQUESTED: {T.SUSPENDED},
    S.SUSPENDED: {T.SUSPENDED},
    S.VERIFIED: {T.VERIFICATION},
    S.CLOSED: {T.CLOSED},
    S.TRANSFERRED: set(),
}
SOURCES = ("inspector", "hotline", "public", "camera", "leader")
DEADLINE_OFFSETS_H = (-30, -2, 0, 0.5, 3, 50, None)


def _codes() -> list[str]:
    cats = list(Catalogue.default())
    return [cats[0].code, cats[1].code, cats[-1].code]


def _case_rows() -> list[dict[str, Any]]:
    codes = _codes()
    rows = []
    states = list(CaseState)
    for i in range(1, 85):
        state = states[i % len(states)]
        offset = DEADLINE_OFFSETS_H[i % len(DEADLINE_OFFSETS_H)]
        no_deadline = state in (S.REPORTED, S.REGISTERED, S.NOT_REGISTERED)
        deadline = None if no_deadline or offset is None else NOW + timedelta(hours=offset)
        district = ("211302", "211303")[i % 2]
        rows.append(
            {
                "id": i,
                # not in id order, so ordering by case number differs from ordering by id
                "case_no": f"CY20261127{(i * 37) % 101:04d}",
                "kind": "event",
                "category_code": codes[i % 3],
                "source": SOURCES[i % len(SOURCES)],
                "lon": 120.45,
                "lat": 41.57,
                "district_code": district if i % 11 else None,
                "grid_code": f"{district}00{1 + i % 2}001{i % 4:03d}" if i % 13 else None,
                "state": state.value,
                "urgent": i % 9 == 0,
                "squad_id": (1 + i % 3) if deadline and i % 5 else None,
                # two cases share each report time, so the order needs its id tie-break
                "reported_at": NOW - timedelta(hours=i // 2),
                "deadline_at": deadline,
                "updated_at": NOW,
            }
        )
    return rows


@pytest.fixture
def queue_store(store):
    with store.transaction() as s:
        for code in ("211302", "211303"):
            s.add(District(code=code, name=code, geometry="{}"))
        s.add(Unit(id=1, code="T01", name="中队", kind="team", unit_type="enforcement"))
        s.flush()
        s.add_all([Squad(id=i, code=f"SQ{i}", name=f"组{i}", unit_id=1) for i in (1, 2, 3)])
        s.flush()
        s.execute(insert(Case.__table__), _case_rows())
    return store


def _all(store, query: QueueQuery) -> list[QueueRow]:
    n = cq.count(store, query, NOW)
    rows = cq.page(store, query, NOW, 0, n + 10)
    assert len(rows) == n
    return rows  # type: ignore[return-value]


def _expected_tabs(row: dict[str, Any]) -> set[QueueTab]:
    state = CaseState(row["state"])
    if state is S.REPORTED:
        tabs = {T.REGISTRATION if row["source"] == "inspector" else T.INTAKE}
    else:
        tabs = set(STATE_TABS[state])
    running = state in (S.DISPATCHED, S.IN_PROGRESS, S.REWORK)
    if running and row["deadline_at"] is not None and row["deadline_at"] < NOW:
        tabs.add(T.OVERDUE)
    return tabs | {T.ALL}


def test_every_state_lands_in_its_tabs(queue_store) -> None:
    raw = _case_rows()
    for tab in QueueTab:
        got = {r.id for r in _all(queue_store, QueueQuery(tab=tab))}
        want = {r["id"] for r in raw if tab in _expected_tabs(r)}
        assert got == want, tab
    # every state is represented, and the tab rule in Python agrees with the SQL
    assert {r["state"] for r in raw} == {s.value for s in CaseState}
    for r in raw:
        assert cq.tab_of(r["state"], r["source"], r["deadline_at"], NOW) == _expected_tabs(r)


def test_overdue_is_a_running_clock_past_its_deadline(queue_store) -> None:
    rows = _all(queue_store, QueueQuery(tab=T.OVERDUE))
    assert rows, "the fixture has overdue cases"
    for r in rows:
        assert r.state in {"dispatched", "in_progress", "rework"}
        assert r.deadline_at is not None and r.deadline_at < NOW and r.overdue
    # a deadline exactly now is not yet past; paused and handled cases are never overdue
    raw = _case_rows()
    at_now = [r["id"] for r in raw if r["deadline_at"] == NOW]
    paused_late = [
        r["id"]
        for r in raw
        if r["state"] in ("suspended", "extension_requested", "handled")
        and r["deadline_at"] is not None
        and r["deadline_at"] < NOW
    ]
    assert at_now and paused_late
    assert not {r.id for r in rows} & set(at_now + paused_late)
    # later, more is overdue
    later = cq.count(queue_store, QueueQuery(tab=T.OVERDUE), NOW + timedelta(hours=4))
    assert later > len(rows)


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        (QueueQuery(tab=T.ALL, district="211302"), lambda r: r["district_code"] == "211302"),
        (
            QueueQuery(tab=T.ALL, grid="211303002"),
            lambda r: (r["grid_code"] or "").startswith("211303002"),
        ),
        (QueueQuery(tab=T.ALL, source="hotline"), lambda r: r["source"] == "hotline"),
        (QueueQuery(tab=T.HANDLING, squad_id=2), lambda r: r["squad_id"] == 2),
        (
            QueueQuery(tab=T.ALL, text="cy2026112700"),
            lambda r: r["case_no"].startswith("CY2026112700"),
        ),
        (QueueQuery(tab=T.ALL, text="CY2026112_"), lambda r: r["case_no"].startswith("CY2026112_")),
        (
            QueueQuery(tab=T.ALL, deadline_from=NOW, deadline_to=NOW + timedelta(hours=3)),
            lambda r: (
                r["deadline_at"] is not None and NOW <= r["deadline_at"] <= NOW + timedelta(hours=3)
            ),
        ),
    ],
    ids=["district", "grid", "source", "squad", "case-no", "like-escaped", "deadline"],
)
def test_filters(queue_store, query: QueueQuery, keep) -> None:
    raw = _case_rows()
    want = {r["id"] for r in raw if keep(r) and (query.tab in _expected_tabs(r))}
    got = {r.id for r in _all(queue_store, query)}
    assert got == want
    if query.text != "CY2026112_":
        assert got, "a filter test that matches nothing proves little"


def test_category_prefix_filter(queue_store) -> None:
    raw = _case_rows()
    for prefix in {code[:2] for code in _codes()} | set(_codes()):
        want = {r["id"] for r in raw if r["category_code"].startswith(prefix)}
        got = {r.id for r in _all(queue_store, QueueQuery(tab=T.ALL, category=prefix))}
        assert got == want and got, prefix


def _sort_value(row: dict[str, Any], key: SortKey) -> Any:
    column = {
        SortKey.CASE_NO: "case_no",
        SortKey.CATEGORY: "category_code",
        SortKey.STATE: "state",
        SortKey.DISTRICT: "district_code",
        SortKey.GRID: "grid_code",
        SortKey.SOURCE: "source",
        SortKey.SQUAD: "squad_id",
        SortKey.REPORTED: "reported_at",
        SortKey.DEADLINE: "deadline_at",
    }[key]
    return row[column]


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("key", list(SortKey))
def test_sorting(queue_store, key: SortKey, descending: bool) -> None:
    nulls_last = queue_store.dialect == "postgresql"  # each database's index order

    def order(r: dict[str, Any]) -> tuple:
        v = _sort_value(r, key)
        null_rank = (1 if nulls_last else 0) if v is None else (0 if nulls_last else 1)
        return (null_rank, v if v is not None else 0, r["id"])

    raw = _case_rows()
    want = [r["id"] for r in sorted(raw, key=order, reverse=descending)]
    for tab in (T.ALL, T.HANDLING):
        query = QueueQuery(tab=tab, sort=key, descending=descending)
        got = [r.id for r in _all(queue_store, query)]
        members = {r["id"] for r in raw if tab in _expected_tabs(r)}
        assert got == [i for i in want if i in members], tab


@pytest.mark.parametrize("tab", [T.ALL, T.HANDLING, T.CLOSED])
def test_pages_concatenated_equal_the_whole_list(queue_store, tab: QueueTab) -> None:
    query = QueueQuery(tab=tab)
    whole = _all(queue_store, query)
    n = cq.count(queue_store, query, NOW)
    pages = []
    for offset in range(0, n + 7, 7):
        pages.extend(cq.page(queue_store, query, NOW, offset, 7))
    assert [r.id for r in pages] == [r.id for r in whole]
    assert cq.page(queue_store, query, NOW, n, 7) == []


def test_tab_counts_in_one_query_match_the_counts(queue_store) -> None:
    counts = cq.tab_counts(queue_store, NOW)
    assert set(counts) == set(QueueTab)
    for tab in QueueTab:
        assert counts[tab] == cq.count(queue_store, QueueQuery(tab=tab), NOW), tab
    assert counts[T.ALL] == len(_case_rows())


def test_rows_carry_names_and_the_queue_columns(queue_store) -> None:
    catalogue = Catalogue.default()
    rows = cq.page(
        queue_store,
        QueueQuery(tab=T.HANDLING, sort=SortKey.SQUAD),
        NOW,
        0,
        100,
        catalogue=catalogue,
    )
    with_squad = [r for r in rows if r.squad_name]
    assert with_squad and all(r.squad_name.startswith("组") for r in with_squad)
    assert all(r.category_name == catalogue[r.category_code].name for r in rows)
    assert all(isinstance(r, QueueRow) and r.source in SOURCES for r in rows)
    assert any(r.grid_code for r in rows)
    assert all(r.deadline_at is None or r.deadline_at.tzinfo is not None for r in rows)


def test_store_source_opens_in_one_transaction(queue_store) -> None:
    source = cq.StoreQueueSource(queue_store)
    n, first, counts = source.open(QueueQuery(tab=T.ALL), NOW, 10)
    assert n == 84 == counts[T.ALL]
    assert [r.id for r in first] == [r.id for r in source.page(QueueQuery(tab=T.ALL), NOW, 0, 10)]
