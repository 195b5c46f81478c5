"""Migration 0006 rewrites the trail's action CHECK: on SQLite by rebuilding `case_events`.

The rebuild must keep every event, keep the trail append-only (the triggers go with the old
table and are made again), and accept the new 'decline' step while still refusing nonsense.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import DBAPIError, IntegrityError

from command_center.store import migrate
from command_center.store.engine import make_engine


def _filler(column: sa.Column) -> object:
    t = column.type
    if isinstance(t, sa.String):
        return "1" * min(t.length or 8, 8)
    if isinstance(t, sa.Boolean):
        return False
    if isinstance(t, sa.Integer):
        return 1
    if isinstance(t, sa.Float):
        return 41.5
    if isinstance(t, sa.DateTime):
        return datetime(2026, 11, 27, 8, 0)
    return "x"


def _insert_case_with_trail(con: sa.Connection) -> int:
    """A case row with placeholder values in its required columns, and a two-step trail."""
    meta = sa.MetaData()
    cases = sa.Table("cases", meta, autoload_with=con)
    row = {c.name: _filler(c) for c in cases.columns
           if not c.nullable and not c.primary_key}
    row.update(case_no="CY1", kind="event", state="dispatched", source="hotline")
    case_id = con.execute(cases.insert().values(**row).returning(cases.c.id)).scalar_one()
    events = sa.Table("case_events", meta, autoload_with=con)
    for i, (action, before, after) in enumerate(
        [("report", None, "reported"), ("dispatch", "registered", "dispatched")]
    ):
        con.execute(events.insert().values(
            case_id=case_id, action=action, from_state=before, to_state=after,
            actor_role="dispatcher", at=datetime(2026, 11, 27, 8, i), note=f"step {i}",
        ))
    return case_id


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    return request.getfixturevalue("empty_pg_url")


def test_upgrade_keeps_the_trail_append_only_and_accepts_decline(empty_url):
    engine = make_engine(empty_url, create=True)
    try:
        cfg = migrate.alembic_config(engine)
        with engine.begin() as con:
            cfg.attributes["connection"] = con
            command.upgrade(cfg, "0005")
        with engine.begin() as con:
            case_id = _insert_case_with_trail(con)
            with pytest.raises(IntegrityError):  # 0005 does not know the step yet
                with con.begin_nested():
                    con.execute(sa.text(
                        "INSERT INTO case_events (case_id, action, to_state, actor_role, at, note)"
                        " VALUES (:c, 'decline', 'registered', 'squad', '2026-11-27', '')"
                    ), {"c": case_id})
        assert migrate.upgrade(engine) == migrate.head_revision()
        with engine.begin() as con:
            notes = con.execute(sa.text(
                "SELECT note FROM case_events WHERE case_id = :c ORDER BY id"), {"c": case_id}
            ).scalars().all()
            assert notes == ["step 0", "step 1"]
            con.execute(sa.text(
                "INSERT INTO case_events (case_id, action, from_state, to_state, actor_role, at,"
                " note) VALUES (:c, 'decline', 'dispatched', 'registered', 'squad', :at, 'no')"
            ), {"c": case_id, "at": datetime(2026, 11, 27, 9)})
            with pytest.raises(IntegrityError):
                with con.begin_nested():
                    con.execute(sa.text(
                        "INSERT INTO case_events (case_id, action, to_state, actor_role, at, note)"
                        " VALUES (:c, 'shrug', 'registered', 'squad', :at, '')"
                    ), {"c": case_id, "at": datetime(2026, 11, 27, 9)})
        for statement in ("UPDATE case_events SET note = 'changed'", "DELETE FROM case_events"):
            with pytest.raises(DBAPIError, match="append-only"):
                with engine.begin() as con:
                    con.execute(sa.text(statement))
        with engine.connect() as con:
            assert con.execute(sa.text("SELECT count(*) FROM case_events")).scalar() == 3
    finally:
        engine.dispose()
