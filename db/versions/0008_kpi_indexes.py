"""cases: indexes for the KPI read model (services.kpi)

Measured on 1,000,000 cases (bench/kpi.py, a year's range): today's tiles counted the
registrations and dispatches of the day by scanning the table; the closed-case questions
(closure times, on time per squad and unit) read every closed case's row; the category mix
read every reported case's row. Each now reads one index range.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 07:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_cases_registered_at", ["registered_at"]),
    ("ix_cases_dispatched_at", ["dispatched_at"]),
    (
        "ix_cases_closed_kpi",
        ["closed_at", "squad_id", "unit_id", "deadline_at", "handled_at", "reported_at"],
    ),
    ("ix_cases_reported_category", ["reported_at", "category_code"]),
)


def upgrade() -> None:
    for name, columns in INDEXES:
        op.create_index(name, "cases", columns, unique=False)


def downgrade() -> None:
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name="cases")
