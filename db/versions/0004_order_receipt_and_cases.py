"""orders: when the addressee received an order, its notes, and the cases it is about

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 04:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reply", sa.Text(), nullable=True))
    op.create_table(
        "order_cases",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_order_cases_order_id_orders")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_order_cases_case_id_cases")),
        sa.PrimaryKeyConstraint("order_id", "case_id", name=op.f("pk_order_cases")),
    )


def downgrade() -> None:
    op.drop_table("order_cases")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("reply")
        batch_op.drop_column("received_at")
