"""The migrations build exactly the schema the models describe (on both databases)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from command_center.store.engine import make_engine
from command_center.store.models import Base


def test_migrated_schema_matches_the_models(db_url):
    engine = make_engine(db_url)  # db_url is migrated to head by its fixture
    try:
        with engine.connect() as con:
            context = MigrationContext.configure(
                con, opts={"compare_type": False, "compare_server_default": False}
            )
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    # Ignore alembic's own bookkeeping table.
    diff = [d for d in diff if "alembic_version" not in repr(d)]
    assert diff == [], diff
