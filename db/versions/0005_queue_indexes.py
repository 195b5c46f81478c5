"""cases: indexes for the case queue's tabs, filters and orders

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 05:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_cases_state_reported", ["state", "reported_at"]),
    ("ix_cases_state_district", ["state", "district_code", "reported_at"]),
    ("ix_cases_state_category", ["state", "category_code"]),
)


def upgrade() -> None:
    for name, columns in INDEXES:
        op.create_index(name, "cases", columns, unique=False)


def downgrade() -> None:
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name="cases")
