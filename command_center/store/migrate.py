"""Schema migrations (Alembic scripts in the repository's `db/` folder) run from the program."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from command_center.store.engine import SchemaError, table_names

DB_DIR = Path(__file__).resolve().parents[2] / "db"


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(DB_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as con:
        return MigrationContext.configure(con).get_current_revision()


def schema_status(engine: Engine) -> str:
    """'empty', 'current', 'old' (upgrade will bring it up), or raise SchemaError."""
    tables = table_names(engine)
    if not tables:
        return "empty"
    rev = current_revision(engine)
    if rev is None:
        raise SchemaError(
            "the database holds tables but no schema version: it was not made by this program"
        )
    script = ScriptDirectory.from_config(alembic_config())
    if rev == script.get_current_head():
        return "current"
    if _known(script, rev):
        return "old"
    raise SchemaError(
        f"the database's schema ({rev}) is newer than this program knows "
        f"(newest known {script.get_current_head()}): upgrade the program"
    )


def _known(script: ScriptDirectory, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:
        return False


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision; returns the revision now in force."""
    schema_status(engine)  # refuses a newer or foreign schema before touching anything
    cfg = alembic_config(engine)
    with engine.begin() as con:
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "head")
    return head_revision()


def require_current(engine: Engine) -> None:
    """Raise SchemaError unless the schema is at the newest revision."""
    status = schema_status(engine)
    if status == "empty":
        raise SchemaError("the database is empty: run `db upgrade` or `db seed`")
    if status == "old":
        raise SchemaError("the database's schema is older than this program: run `db upgrade`")
