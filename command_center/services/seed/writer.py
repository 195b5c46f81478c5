"""Writing the seed's rows: Core bulk inserts (SQLite), COPY (PostgreSQL), foreign keys,
sequences, the SQLite cache, and the checks that the database is fit to take the city."""

from __future__ import annotations

import json
import logging
import operator
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from sqlalchemy import JSON, bindparam, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from command_center.services.seed.report import SeedError
from command_center.store.models import (
    Camera,
    Case,
    CaseEvent,
    District,
    Order,
    Person,
    ResponsibilityGrid,
    Squad,
    Unit,
    UtcDateTime,
)

log = logging.getLogger("db")

CHUNK = 8000  # rows per Core executemany

Writer = Callable[[Session, Any, list[dict[str, Any]]], None]


def _insert(s: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Core bulk insert in chunks; every row has the same keys, so each chunk is one batch."""
    for start in range(0, len(rows), CHUNK):
        s.execute(insert(model.__table__), rows[start : start + CHUNK])


def _copy(s: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: the rows through `COPY … FROM STDIN` on the session's own connection, so
    they are part of its transaction and go if it rolls back.

    Values are converted as a Core insert converts them (see `_copy_converters`); a column the
    rows leave out gets its scalar default, as Core would give it, or the server's (a serial
    id). Every row has the keys of the first.
    """
    if not rows:
        return
    import psycopg  # only here: psycopg is the PostgreSQL extra
    from psycopg.pq import TransactionStatus

    table = model.__table__
    con = s.connection()
    keys = list(rows[0])
    defaults: dict[str, Any] = {}
    for col in table.c:
        if col.name in keys or col.default is None:
            continue  # given, or left to the server (a serial, a server default, NULL)
        if not col.default.is_scalar:
            raise ValueError(f"{table.name}.{col.name}: COPY cannot compute its default")
        defaults[col.name] = col.default.arg
    convert = _copy_converters(table, keys, con.dialect)
    tail = [
        f(v) if f else v
        for v, f in zip(
            defaults.values(), _copy_converters(table, list(defaults), con.dialect), strict=True
        )
    ]
    one = operator.itemgetter(*keys)
    get: Callable[[dict[str, Any]], tuple[Any, ...]] = (
        one if len(keys) > 1 else (lambda r: (one(r),))
    )
    todo = [(i, f) for i, f in enumerate(convert) if f is not None]
    raw = con.connection.driver_connection
    assert raw is not None
    # The session's transaction is open on this very connection (it has read through it):
    # COPY must land inside it, never in autocommit or in a transaction of its own.
    status = raw.info.transaction_status
    if status != TransactionStatus.INTRANS:
        raise SeedError(f"COPY outside the seed's transaction (connection {status.name})")
    names = ", ".join(f'"{k}"' for k in [*keys, *defaults])
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    try:
        with raw.cursor() as cur, cur.copy(statement) as copy:
            write = copy.write_row
            for r in rows:
                values = list(get(r))
                for i, f in todo:
                    values[i] = f(values[i])
                write(values + tail if tail else values)
    except psycopg.IntegrityError as exc:  # as SQLAlchemy would have wrapped it
        raise IntegrityError(statement, None, exc) from None


def bulk_write(s: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Many rows of one table in the session's transaction: COPY on PostgreSQL (×3 Core
    there), Core executemany elsewhere. For imports and the seed."""
    (_copy if s.get_bind().dialect.name == "postgresql" else _insert)(s, model, rows)


def _copy_converters(
    table: Any, keys: list[str], dialect: Any
) -> list[Callable[[Any], Any] | None]:
    """Per column, what turns a Python value into what COPY is to write (None: as it is).

    `UtcDateTime` through its own `process_bind_param` (aware → naive UTC, None stays None,
    naive refused); JSON through the dialect's serializer, None included (Core writes Python
    None as JSON `null`, not SQL NULL); any other type with a bind processor through that.
    """
    serializer = getattr(dialect, "_json_serializer", None) or json.dumps
    out: list[Callable[[Any], Any] | None] = []
    for k in keys:
        typ = table.c[k].type
        if isinstance(typ, UtcDateTime):
            out.append(partial(typ.process_bind_param, dialect=dialect))
        elif isinstance(typ, JSON):
            out.append(_json_null_fast if serializer is json.dumps else serializer)
        else:
            out.append(typ.dialect_impl(dialect).bind_processor(dialect))
    return out


def _json_null_fast(value: Any) -> str:
    return "null" if value is None else json.dumps(value)  # most events carry no data


def _drop_foreign_keys(s: Session, models: Iterable[Any]) -> list[tuple[str, str]]:
    """PostgreSQL: drop the foreign keys of these tables, to be added back by
    `_restore_foreign_keys` in the same transaction (which drops nothing if it rolls back).

    A foreign key is checked by a trigger call per row (more than half of COPY's time for the
    year's events and cases); adding it back checks every row in one query. Other sessions
    wait to read these tables until the seed commits. Returns (drop, add) statements, the
    definitions as the server has them (`pg_get_constraintdef`).
    """
    tables = [m.__tablename__ for m in models]
    keys = [
        (drop, add)
        for drop, add in s.execute(
            text(
                "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),"
                " format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname,"
                " pg_get_constraintdef(oid))"
                " FROM pg_constraint"
                " WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[]))"
                " ORDER BY conrelid::regclass::text, conname"
            ),
            {"tables": tables},
        )
    ]
    for drop, _ in keys:
        s.execute(text(drop))
    return keys


def _restore_foreign_keys(s: Session, keys: list[tuple[str, str]]) -> None:
    """Add back what `_drop_foreign_keys` dropped; a row that breaks a key raises here."""
    for _, add in keys:
        s.execute(text(add))


def _update_squads(s: Session, squad_rows: list[dict[str, Any]]) -> None:
    """Squads were written before the cases (which refer to them); now their status and
    position follow today's open cases."""
    table = Squad.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("squad"))
        .values(
            status=bindparam("new_status"),
            lon=bindparam("new_lon"),
            lat=bindparam("new_lat"),
            position_at=bindparam("new_position_at"),
        )
    )
    s.execute(
        stmt,
        [
            {
                "squad": r["id"],
                "new_status": r["status"],
                "new_lon": r["lon"],
                "new_lat": r["lat"],
                "new_position_at": r["position_at"],
            }
            for r in squad_rows
        ],
    )


@contextmanager
def _big_cache(s: Session, dialect: str) -> Iterator[None]:
    """SQLite: a 256 MB page cache while the seed writes (the default 2 MB spills every few
    hundred rows to the WAL), back to what it was afterwards."""
    if dialect != "sqlite":
        yield
        return
    before = s.execute(text("PRAGMA cache_size")).scalar()
    s.execute(text("PRAGMA cache_size=-262144"))
    try:
        yield
    finally:
        try:
            s.execute(text(f"PRAGMA cache_size={int(before or -2000)}"))
        except Exception as exc:  # never hide the error that is on its way out
            log.debug("could not restore the SQLite cache size: %s", exc)


def _refuse_non_empty(s: Session) -> None:
    """The demo city goes only into a database without districts and cases."""
    for model, what in ((District, "districts"), (Case, "cases")):
        n = s.scalar(select(func.count()).select_from(model))
        if n:
            raise SeedError(
                f"the database already holds {n} {what}: the demo city is seeded only into an "
                "empty database (use a new database file, or drop this one first)"
            )


def _id_bases(s: Session) -> dict[str, int]:
    """The highest id in use per table, so seeded ids never collide with rows already there."""
    models = {
        "units": Unit,
        "squads": Squad,
        "people": Person,
        "responsibility_grids": ResponsibilityGrid,
        "cameras": Camera,
        "cases": Case,
        "orders": Order,
    }
    return {
        name: int(s.scalar(select(func.coalesce(func.max(m.id), 0))) or 0)
        for name, m in models.items()
    }


def _bump_sequences(s: Session, models: Iterable[Any]) -> None:
    """PostgreSQL: move each serial past the explicit ids the seed wrote."""
    for model in models:
        table = model.__table__
        if "id" not in table.c or model is CaseEvent:
            continue
        s.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT MAX(id) FROM {table.name}))"
            )
        )
