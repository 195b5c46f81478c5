"""Opening a database: URL checks, SQLite (WAL) and PostgreSQL engines, sessions, schema checks.

Every failure a user can cause (a wrong scheme, an unreachable server, a corrupt file, a schema
from a newer release) raises `StoreError` with one clear line, before anything is written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("db")

SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(Exception):
    """A database problem explained in one line for the user."""


class SchemaError(StoreError):
    """The database's schema is missing, foreign, or newer than this program."""


def normalise_url(raw: str) -> URL:
    """Parse and check a database URL; only SQLite and PostgreSQL (psycopg 3) are supported."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise StoreError(
            f"not a database URL: {raw!r} (use sqlite:///PATH or postgresql+psycopg://HOST/DB)"
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.drivername not in ("sqlite", "sqlite+pysqlite"):
            raise StoreError(f"unsupported SQLite driver {url.drivername!r}: use sqlite:///PATH")
        return url
    if backend == "postgresql":
        if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
            return url.set(drivername="postgresql+psycopg")
        raise StoreError(f"unsupported PostgreSQL driver {url.drivername!r}: use postgresql+psycopg://")
    raise StoreError(
        f"unknown database scheme {url.drivername!r}: use sqlite:///PATH or postgresql+psycopg://HOST/DB"
    )


def describe_url(url: URL) -> str:
    """A short, password-free label for the status bar and messages."""
    if url.get_backend_name() == "sqlite":
        return f"SQLite · {url.database or ':memory:'}"
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    user = f"{url.username}@" if url.username else ""
    return f"PostgreSQL · {user}{host}{port}/{url.database or ''}"


def _check_sqlite_file(path: Path, *, must_exist: bool) -> None:
    """Refuse a file that is not a SQLite database, without changing it."""
    if not path.exists():
        if must_exist:
            raise StoreError(f"no database at {path}: run `db upgrade` or `db seed` first")
        return
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a SQLite database file")
    size = path.stat().st_size
    if size == 0:
        return  # an empty file is a new database
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != SQLITE_MAGIC:
        raise StoreError(f"{path} is not a SQLite database (corrupt or another kind of file)")
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("PRAGMA quick_check").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is a damaged SQLite database: {exc}") from None
    if not row or row[0] != "ok":
        raise StoreError(f"{path} is a damaged SQLite database: {row[0] if row else 'no answer'}")


def _sqlite_pragmas(dbapi_con, _record) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is off).
    dbapi_con.isolation_level = None
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_begin(conn) -> None:
    """Writers take the write lock at BEGIN (IMMEDIATE), so a second writer waits for the
    first to commit and then sees its changes, instead of failing half-way."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.pop("write", False) else "BEGIN")


def make_engine(raw_url: str, *, create: bool = False, connect_timeout: int = 5) -> Engine:
    """An engine for `raw_url`, checked to answer. `create` allows a new SQLite file."""
    url = normalise_url(raw_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            path = Path(url.database).expanduser()
            _check_sqlite_file(path, must_exist=not create)
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
            url = url.set(database=str(path))
        engine = create_engine(url, future=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(
        url,
        future=True,
        pool_pre_ping=True,
        connect_args={"connect_timeout": connect_timeout, "application_name": "command-center"},
    )
    try:
        with engine.connect() as con:
            con.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"cannot reach PostgreSQL at {describe_url(url)}: {reason}") from None
    return engine


class Store:
    """The database in use: an engine, a session factory and a label for the user."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False, future=True)
        self.label = describe_url(engine.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work that writes: commits on success, rolls back on any error."""
        with self.engine.connect() as con:
            con.info["write"] = True
            try:
                with self.sessions(bind=con) as session, session.begin():
                    yield session
            finally:
                con.info.pop("write", None)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (never takes the write lock)."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def table_names(engine: Engine) -> set[str]:
    try:
        return set(inspect(engine).get_table_names())
    except DBAPIError as exc:
        raise StoreError(f"cannot read the database: {exc.orig}") from None
