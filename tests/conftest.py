"""Shared fixtures: fresh settings and temp dirs, and a real database per test on both dialects.

Every store/service test runs on SQLite (a real file) and on the real PostgreSQL server at
127.0.0.1:5432. Each test gets its own database, copied from a template migrated once per run
(`CREATE DATABASE … TEMPLATE …` on PostgreSQL, a file copy on SQLite). A PostgreSQL test is
skipped, with the reason printed, only when no server answers.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

PG_ADMIN_DSN = os.environ.get("CC_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=test")
PG_URL_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory, monkeypatch) -> None:
    """The real user config and data folders are never read or written by a test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CC_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("CC_DATA_DIR", str(home / "data"))
    for var in ("CC_DB_URL", "CC_LANG"):
        monkeypatch.delenv(var, raising=False)


def _pg_admin():
    import psycopg

    return psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=3)


def _pg_reason() -> str | None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (extra 'postgres')"
    try:
        _pg_admin().close()
    except Exception as exc:  # any failure to answer means: no server here
        return f"no PostgreSQL server answers at 127.0.0.1:5432 ({exc})"
    return None


@pytest.fixture(scope="session")
def pg_available() -> str | None:
    return _pg_reason()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    from command_center.store import migrate
    from command_center.store.engine import make_engine

    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}", create=True)
    migrate.upgrade(engine)
    with engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template(pg_available) -> Iterator[str]:
    if pg_available:
        pytest.skip(pg_available)
    from command_center.store import migrate
    from command_center.store.engine import make_engine

    name = f"cc_tmpl_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as con:
        con.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(PG_URL_BASE + name)
    migrate.upgrade(engine)
    engine.dispose()
    yield name
    with _pg_admin() as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_pg_url(pg_available) -> Iterator[str]:
    """A new, empty PostgreSQL database for this test only."""
    if pg_available:
        pytest.skip(pg_available)
    name = f"cc_test_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as con:
        con.execute(f'CREATE DATABASE "{name}"')
    yield PG_URL_BASE + name
    with _pg_admin() as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    """A migrated, empty database of each dialect, this test's own."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "cc.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"cc_test_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as con:
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield PG_URL_BASE + name
    with _pg_admin() as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def store(db_url):
    """A `Store` on this test's own migrated database."""
    from command_center.store.engine import Store, make_engine

    s = Store(make_engine(db_url))
    yield s
    s.dispose()


def pytest_report_header(config) -> str:
    reason = _pg_reason()
    return "postgresql: " + ("available at 127.0.0.1:5432" if reason is None else f"SKIPPED: {reason}")
