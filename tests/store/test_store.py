"""The store on both real databases: migrations, schema checks, time storage, constraints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from command_center.domain.calendar import CST
from command_center.store import migrate
from command_center.store.engine import (
    SchemaError,
    Store,
    StoreError,
    describe_url,
    make_engine,
    normalise_url,
)
from command_center.store.models import Case, District, Squad, Unit


def test_migrated_database_is_current(store):
    assert migrate.schema_status(store.engine) == "current"
    assert migrate.current_revision(store.engine) == migrate.head_revision()


def test_empty_database_upgrades_and_downgrades(empty_pg_url, tmp_path):
    for url in (f"sqlite:///{tmp_path / 'new.db'}", empty_pg_url):
        engine = make_engine(url, create=True)
        assert migrate.schema_status(engine) == "empty"
        migrate.upgrade(engine)
        assert migrate.schema_status(engine) == "current"
        from alembic import command

        cfg = migrate.alembic_config(engine)
        with engine.begin() as con:
            cfg.attributes["connection"] = con
            command.downgrade(cfg, "base")
        assert migrate.current_revision(engine) is None
        engine.dispose()


def test_newer_schema_is_refused(store):
    with store.transaction() as s:
        s.execute(text("UPDATE alembic_version SET version_num = 'zzz_future'"))
    with pytest.raises(SchemaError, match="newer than this program"):
        migrate.upgrade(store.engine)
    assert migrate.current_revision(store.engine) == "zzz_future"


def test_times_round_trip_as_aware_cst(store):
    moment = datetime(2026, 2, 14, 23, 30, tzinfo=UTC)  # 07:30 CST next day
    with store.transaction() as s:
        s.add(Unit(code="U", name="单位", kind="team", unit_type="enforcement"))
        s.flush()
        s.add(Squad(code="S", name="一组", unit_id=1, position_at=moment))
    with store.read() as s:
        got = s.scalar(select(Squad.position_at))
    assert got == moment and got.utcoffset() == timedelta(hours=8)
    assert (got.day, got.hour) == (15, 7)


def test_naive_datetimes_are_refused(store):
    with pytest.raises(Exception, match="naive datetime"):
        with store.transaction() as s:
            s.add(Unit(code="U", name="单位", kind="team", unit_type="enforcement"))
            s.flush()
            s.add(Squad(code="S", name="一组", unit_id=1, position_at=datetime(2026, 1, 1)))


def test_check_constraints_hold(store):
    with pytest.raises(IntegrityError):
        with store.transaction() as s:
            s.add(District(code="211302", name="双塔区", geometry="{}"))
            s.add(Case(case_no="1", kind="event", category_code="200102", source="inspector",
                       lon=1, lat=1, state="lost_in_space", reported_at=datetime.now(CST),
                       updated_at=datetime.now(CST)))
    with store.read() as s:
        assert s.scalar(select(District.code)) is None  # the whole transaction rolled back


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("mysql://root@localhost/x", "unknown database scheme 'mysql'"),
        ("oracle+cx://a/b", "unknown database scheme"),
        ("sqlite+aiosqlite:///x.db", "unsupported SQLite driver"),
        ("postgresql+asyncpg://h/db", "unsupported PostgreSQL driver"),
        ("::not a url::", "not a database URL"),
    ],
)
def test_bad_urls_are_explained(raw, message):
    with pytest.raises(StoreError, match=message):
        normalise_url(raw)


def test_plain_postgresql_url_means_psycopg():
    url = normalise_url("postgresql://postgres:secret@127.0.0.1:5432/test")
    assert url.drivername == "postgresql+psycopg"
    assert describe_url(url) == "PostgreSQL · postgres@127.0.0.1:5432/test"  # no password


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = Store(make_engine(f"sqlite:///{tmp_path / 'w.db'}", create=True))
    with store.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.dispose()
