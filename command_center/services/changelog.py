"""The change log: what each transaction wrote, for the other workstations to follow.

Every use case that writes calls `record` inside its own transaction, so the log row commits
(or rolls back) with the change. On PostgreSQL `record` also sends `NOTIFY cc_changes`
(delivered at commit, never for a rolled-back change) with the writing workstation as its
payload; `live.changefeed` listens to it, and on SQLite polls the log instead. Readers ask for
the rows after the last id they saw (`read_since`), so a notification that arrives late, twice
or never loses nothing.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from command_center.services.changes import Changes
from command_center.store.models import ChangeLog

__all__ = ["CHANNEL", "LoggedChange", "default_workstation", "latest_id", "read_since", "record"]

CHANNEL = "cc_changes"
MAX_WORKSTATION = 64
BULK_ROWS = 1000  # more log rows than this (an import) go by the bulk writer


def default_workstation() -> str:
    """This machine's name: what the trail and the log say an action came from."""
    return socket.gethostname()[:MAX_WORKSTATION] or "workstation"


@dataclass(frozen=True)
class LoggedChange:
    id: int
    at: datetime
    table: str
    row_id: int
    workstation: str


def record(s: Session, changes: Changes, workstation: str, at: datetime) -> None:
    """Log every row `changes` names, in this transaction; notify listeners on commit."""
    rows = [
        {"at": at, "table_name": table, "row_id": row_id, "workstation": workstation}
        for table, ids in sorted(changes.tables.items())
        for row_id in sorted(ids)
    ]
    if not rows:
        return
    if len(rows) > BULK_ROWS:  # an import: COPY on PostgreSQL
        from command_center.services.seed.writer import bulk_write

        bulk_write(s, ChangeLog, rows)
    else:
        s.execute(insert(ChangeLog.__table__), rows)  # Core executemany (the ORM path is ×5)
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_notify(:channel, :payload)"),
                  {"channel": CHANNEL, "payload": workstation})


def latest_id(s: Session) -> int:
    """The newest log id (0 for an empty log): where a new reader starts."""
    return int(s.scalar(select(func.coalesce(func.max(ChangeLog.id), 0))) or 0)


def read_since(s: Session, last_id: int, limit: int = 10_000) -> list[LoggedChange]:
    """Log rows after `last_id`, oldest first (at most `limit`)."""
    result = s.execute(
        select(ChangeLog.id, ChangeLog.at, ChangeLog.table_name, ChangeLog.row_id,
               ChangeLog.workstation)
        .where(ChangeLog.id > last_id)
        .order_by(ChangeLog.id)
        .limit(limit)
    )
    return [LoggedChange(*row) for row in result]
