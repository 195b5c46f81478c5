"""dispatch: a squad may decline (退回) a dispatch; squads work shifts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 06:10:00

The trail's action CHECK gains 'decline'. SQLite cannot alter a CHECK, so `case_events` is
rebuilt there (copy, drop, rename), and its append-only triggers, which go with the old
table, are created again. A squad's shift is a daily window (`shift_start`–`shift_end`,
overnight when the end is earlier; both empty: round the clock).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen here: a migration must not follow later edits of the domain's enum.
ACTIONS_0001 = (
    "report", "register", "reject", "dispatch", "accept", "feedback", "verify",
    "return_for_rework", "close", "request_extension", "grant_extension", "deny_extension",
    "suspend", "resume", "transfer_unit", "transfer_judicial",
)
ACTIONS_0006 = (
    "report", "register", "reject", "dispatch", "accept", "decline", "feedback", "verify",
    "return_for_rework", "close", "request_extension", "grant_extension", "deny_extension",
    "suspend", "resume", "transfer_unit", "transfer_judicial",
)
CHECK_NAME = "ck_case_events_action_valid"
APPEND_ONLY_MESSAGE = "case_events is append-only: the audit trail cannot be changed"


def upgrade() -> None:
    with op.batch_alter_table("squads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shift_start", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("shift_end", sa.Time(), nullable=True))
    _replace_action_check(ACTIONS_0006)


def downgrade() -> None:
    if op.get_bind().execute(
        sa.text("SELECT count(*) FROM case_events WHERE action = 'decline'")
    ).scalar():
        raise RuntimeError(
            "cannot downgrade below 0006: the trail holds declined dispatches, which the "
            "older schema cannot record"
        )
    _replace_action_check(ACTIONS_0001)
    with op.batch_alter_table("squads", schema=None) as batch_op:
        batch_op.drop_column("shift_end")
        batch_op.drop_column("shift_start")


def _check(actions: tuple[str, ...]) -> str:
    return " OR ".join(f"action = '{a}'" for a in actions)


def _replace_action_check(actions: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(CHECK_NAME), "case_events", type_="check")
        op.create_check_constraint(op.f(CHECK_NAME), "case_events", _check(actions))
        return
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS case_events_no_{verb}")
    with op.batch_alter_table("case_events", schema=None, recreate="always") as batch_op:
        batch_op.drop_constraint(op.f(CHECK_NAME), type_="check")
        batch_op.create_check_constraint(op.f(CHECK_NAME), _check(actions))
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER case_events_no_{verb.lower()} BEFORE {verb} ON case_events "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )
