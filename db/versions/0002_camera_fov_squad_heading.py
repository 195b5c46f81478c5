"""map: a camera's field of view; a squad's heading

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 03:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fov_deg", sa.Float(), nullable=True))
    with op.batch_alter_table("squads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heading_deg", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("squads", schema=None) as batch_op:
        batch_op.drop_column("heading_deg")
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.drop_column("fov_deg")
