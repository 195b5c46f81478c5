"""registries: the city's registry objects, their append-only history, and cases about them

`registry_objects` holds every registry's objects (domain.registries.KINDS: illegal
buildings, signs, parking, markets, shop fronts, municipal components, key projects) with
their status and typed attributes (JSON); `registry_events` is their history, append-only
like the case trail; `cases.object_id` points a case at the object it is about.

On SQLite the column is added with a plain ALTER TABLE (a named REFERENCES clause is allowed
on an added column whose default is NULL), so the million-row `cases` table is not copied.
The CHECK on `kind` is written out here, frozen.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 08:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "registry_events is append-only: the history cannot be changed"


def upgrade() -> None:
    op.create_table(
        "registry_objects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=True),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=True),
        sa.Column("street_code", sa.String(length=9), nullable=True),
        sa.Column("grid_code", sa.String(length=15), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind = 'illegal_buildings' OR kind = 'ad_signs' OR kind = 'parking' "
            "OR kind = 'markets' OR kind = 'shopfronts' OR kind = 'components' "
            "OR kind = 'projects'",
            name=op.f("ck_registry_objects_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["districts.code"],
            name=op.f("fk_registry_objects_district_code_districts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_objects")),
        sa.UniqueConstraint("code", name=op.f("uq_registry_objects_code")),
    )
    op.create_index("ix_registry_objects_kind_status", "registry_objects", ["kind", "status"])
    op.create_index("ix_registry_objects_kind_street", "registry_objects", ["kind", "street_code"])
    op.create_index("ix_registry_objects_bbox", "registry_objects", ["min_lon", "min_lat"])

    op.create_table(
        "registry_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("workstation", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name=op.f("fk_registry_events_actor_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["registry_objects.id"],
            name=op.f("fk_registry_events_object_id_registry_objects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_events")),
    )
    op.create_index(
        op.f("ix_registry_events_object_id"), "registry_events", ["object_id"], unique=False
    )

    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE cases ADD COLUMN object_id INTEGER "
            "CONSTRAINT fk_cases_object_id_registry_objects REFERENCES registry_objects (id)"
        )
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER registry_events_no_{verb.lower()} BEFORE {verb} "
                f"ON registry_events BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
    else:
        op.add_column("cases", sa.Column("object_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_cases_object_id_registry_objects",
            "cases",
            "registry_objects",
            ["object_id"],
            ["id"],
        )
        op.execute(
            "CREATE FUNCTION registry_events_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER registry_events_append_only BEFORE UPDATE OR DELETE "
            "ON registry_events FOR EACH ROW EXECUTE FUNCTION registry_events_append_only()"
        )
    # Partial: most cases point at nothing (a full index slowed case imports by ~8 %).
    op.create_index(
        "ix_cases_object_id",
        "cases",
        ["object_id"],
        unique=False,
        sqlite_where=sa.text("object_id IS NOT NULL"),
        postgresql_where=sa.text("object_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_cases_object_id", table_name="cases")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS registry_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS registry_events_no_delete")
        with op.batch_alter_table("cases", schema=None) as batch_op:
            batch_op.drop_column("object_id")
    else:
        op.execute("DROP TRIGGER IF EXISTS registry_events_append_only ON registry_events")
        op.execute("DROP FUNCTION IF EXISTS registry_events_append_only()")
        op.drop_constraint("fk_cases_object_id_registry_objects", "cases", type_="foreignkey")
        op.drop_column("cases", "object_id")
    op.drop_index(op.f("ix_registry_events_object_id"), table_name="registry_events")
    op.drop_table("registry_events")
    op.drop_index("ix_registry_objects_bbox", table_name="registry_objects")
    op.drop_index("ix_registry_objects_kind_street", table_name="registry_objects")
    op.drop_index("ix_registry_objects_kind_status", table_name="registry_objects")
    op.drop_table("registry_objects")
