"""The audit trail: every step of every case — who, in which role, when, from which
workstation, what, with which note — filtered, paged and exported to CSV.

The trail itself is `case_events` (append-only by trigger); this module only reads it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from command_center.domain.calendar import CST
from command_center.services.changes import ServiceError
from command_center.store.engine import Store
from command_center.store.models import Case, CaseEvent, Person

__all__ = ["AUDIT_COLUMNS", "AuditQuery", "AuditRow", "audit_page", "export_audit_csv"]

AUDIT_COLUMNS = (
    "at", "case_no", "action", "from_state", "to_state", "actor", "role", "workstation", "note",
)


@dataclass(frozen=True)
class AuditQuery:
    """Filters; None means any. `case_no` matches a prefix, the rest exactly."""

    since: datetime | None = None
    until: datetime | None = None
    actor_id: int | None = None
    role: str | None = None
    action: str | None = None
    workstation: str | None = None
    case_no: str | None = None
    newest_first: bool = True


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    case_id: int
    case_no: str
    action: str
    from_state: str | None
    to_state: str
    actor_id: int | None
    actor: str  # the person's name; "系统" for the system itself
    role: str
    workstation: str | None
    note: str


SYSTEM_NAME = "系统"  # the actor of steps taken by the system (the simulator, escalations)


def _select(q: AuditQuery) -> Select:
    if q.since is not None and q.until is not None and q.until < q.since:
        raise ServiceError("the audit period ends before it starts")
    stmt = (
        select(
            CaseEvent.id, CaseEvent.at, CaseEvent.case_id, Case.case_no, CaseEvent.action,
            CaseEvent.from_state, CaseEvent.to_state, CaseEvent.actor_id, Person.name,
            CaseEvent.actor_role, CaseEvent.workstation, CaseEvent.note,
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .outerjoin(Person, Person.id == CaseEvent.actor_id)
    )
    if q.since is not None:
        stmt = stmt.where(CaseEvent.at >= q.since)
    if q.until is not None:
        stmt = stmt.where(CaseEvent.at < q.until)
    if q.actor_id is not None:
        stmt = stmt.where(CaseEvent.actor_id == q.actor_id)
    if q.role:
        stmt = stmt.where(CaseEvent.actor_role == q.role)
    if q.action:
        stmt = stmt.where(CaseEvent.action == q.action)
    if q.workstation:
        stmt = stmt.where(CaseEvent.workstation == q.workstation)
    if q.case_no:
        escaped = q.case_no.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Case.case_no.like(escaped + "%", escape="\\"))
    order = (CaseEvent.at.desc(), CaseEvent.id.desc()) if q.newest_first else (
        CaseEvent.at, CaseEvent.id)
    return stmt.order_by(*order)


def _rows(s: Session, stmt: Select) -> Iterator[AuditRow]:
    for r in s.execute(stmt):
        yield AuditRow(
            r.id, r.at, r.case_id, r.case_no, r.action, r.from_state, r.to_state, r.actor_id,
            r.name if r.name is not None else SYSTEM_NAME, r.actor_role, r.workstation,
            r.note or "",
        )


def audit_page(store: Store, query: AuditQuery, *, offset: int = 0, limit: int = 500) -> list[AuditRow]:
    """One page of the filtered trail."""
    if offset < 0 or limit <= 0:
        raise ServiceError("an audit page needs offset ≥ 0 and limit > 0")
    with store.read() as s:
        return list(_rows(s, _select(query).offset(offset).limit(limit)))


def export_audit_csv(store: Store, query: AuditQuery, path: Path) -> int:
    """Write the whole filtered trail to `path` as UTF-8 CSV (with a BOM, so that Excel on a
    Chinese Windows opens it right); returns the number of rows. All-or-nothing: the file
    appears only when complete."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ServiceError(f"cannot write {path}: the folder does not exist")
    partial = path.with_name(path.name + ".partial")
    count = 0
    try:
        with store.read() as s, partial.open("w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow(AUDIT_COLUMNS)
            stmt = _select(query).execution_options(yield_per=2000)
            for r in _rows(s, stmt):
                out.writerow([
                    r.at.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S"), r.case_no, r.action,
                    r.from_state or "", r.to_state, r.actor, r.role, r.workstation or "", r.note,
                ])
                count += 1
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count
