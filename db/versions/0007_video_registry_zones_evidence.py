"""video: the camera registry (sub-stream, group, status), wall tours, motion zones and the
cases they suggest, and camera evidence on attachments (which camera, when taken)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "camera_tours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("layout", sa.String(length=10), nullable=False),
        sa.Column("interval_s", sa.Integer(), nullable=False),
        sa.Column("camera_ids", sa.JSON(), nullable=False),
        sa.CheckConstraint("interval_s >= 3", name=op.f("ck_camera_tours_interval_min")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_camera_tours")),
        sa.UniqueConstraint("name", name=op.f("uq_camera_tours_name")),
    )
    op.create_table(
        "motion_zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("camera_id", sa.Integer(), nullable=False),
        sa.Column("zone_key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("category_code", sa.String(length=8), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["cameras.id"], name=op.f("fk_motion_zones_camera_id_cameras")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_motion_zones")),
        sa.UniqueConstraint("camera_id", "zone_key", name=op.f("uq_motion_zones_camera_id")),
    )
    with op.batch_alter_table("motion_zones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_motion_zones_camera_id"), ["camera_id"], unique=False)

    op.create_table(
        "motion_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("camera_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=True),
        sa.Column("category_code", sa.String(length=8), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("grid_code", sa.String(length=15), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("peak", sa.Float(), nullable=False),
        sa.Column("snapshot", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status = 'pending' OR status = 'accepted' OR status = 'dismissed'",
            name=op.f("ck_motion_suggestions_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["cameras.id"], name=op.f("fk_motion_suggestions_camera_id_cameras")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_motion_suggestions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["people.id"], name=op.f("fk_motion_suggestions_decided_by_people")
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["motion_zones.id"],
            name=op.f("fk_motion_suggestions_zone_id_motion_zones"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_motion_suggestions")),
    )
    with op.batch_alter_table("motion_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_motion_suggestions_camera_id"), ["camera_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_motion_suggestions_status"), ["status"], unique=False)

    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("camera_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("taken_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_attachments_camera_id_cameras"), "cameras", ["camera_id"], ["id"]
        )

    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sub_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("group_name", sa.String(length=60), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="in_service")
        )
        batch_op.create_index(batch_op.f("ix_cameras_group_name"), ["group_name"], unique=False)
        batch_op.create_check_constraint(
            op.f("ck_cameras_status_valid"),
            "status = 'in_service' OR status = 'maintenance' OR status = 'retired'",
        )


def downgrade() -> None:
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cameras_status_valid"), type_="check")
        batch_op.drop_index(batch_op.f("ix_cameras_group_name"))
        batch_op.drop_column("status")
        batch_op.drop_column("group_name")
        batch_op.drop_column("sub_url")

    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_attachments_camera_id_cameras"), type_="foreignkey")
        batch_op.drop_column("taken_at")
        batch_op.drop_column("camera_id")

    with op.batch_alter_table("motion_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_motion_suggestions_status"))
        batch_op.drop_index(batch_op.f("ix_motion_suggestions_camera_id"))

    op.drop_table("motion_suggestions")
    with op.batch_alter_table("motion_zones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_motion_zones_camera_id"))

    op.drop_table("motion_zones")
    op.drop_table("camera_tours")
