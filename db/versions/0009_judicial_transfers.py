"""judicial_transfers: the record of a case handed to police, procuratorate or court

One row per transferred case (司法衔接): who sent it when, what was sent (a JSON list of
documents), the receiving body's file number and its feedback (awaiting → accepted |
rejected → closed with an outcome). The CHECKs are written out here, frozen, so that later
edits of the domain's enums do not change what this migration builds.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "judicial_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=20), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("materials", sa.Text(), nullable=False),
        sa.Column("reference_no", sa.String(length=64), nullable=True),
        sa.Column("feedback_status", sa.String(length=12), nullable=False),
        sa.Column("feedback_at", sa.DateTime(), nullable=True),
        sa.Column("feedback_by", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "body = 'police' OR body = 'procuratorate' OR body = 'court'",
            name=op.f("ck_judicial_transfers_body_valid"),
        ),
        sa.CheckConstraint(
            "feedback_status = 'awaiting' OR feedback_status = 'accepted' "
            "OR feedback_status = 'rejected' OR feedback_status = 'closed'",
            name=op.f("ck_judicial_transfers_feedback_status_valid"),
        ),
        sa.CheckConstraint(
            "(feedback_status = 'closed' AND (outcome = 'penalised' OR outcome = 'prosecuted' "
            "OR outcome = 'judged' OR outcome = 'returned' OR outcome = 'no_action')) "
            "OR (feedback_status <> 'closed' AND outcome IS NULL)",
            name=op.f("ck_judicial_transfers_outcome_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_judicial_transfers_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by"], ["people.id"], name=op.f("fk_judicial_transfers_sent_by_people")
        ),
        sa.ForeignKeyConstraint(
            ["feedback_by"], ["people.id"], name=op.f("fk_judicial_transfers_feedback_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judicial_transfers")),
        sa.UniqueConstraint("case_id", name=op.f("uq_judicial_transfers_case_id")),
    )
    op.create_index(
        op.f("ix_judicial_transfers_sent_at"), "judicial_transfers", ["sent_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_judicial_transfers_sent_at"), table_name="judicial_transfers")
    op.drop_table("judicial_transfers")
