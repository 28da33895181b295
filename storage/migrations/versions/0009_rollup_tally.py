"""rollup tally (sổ tổng hợp): event counts by agency, leader and day, kept by triggers

The leader's rollups read `rollup_tally` instead of scanning every task; triggers on task,
task_periods, task_leads and directive keep it in the transaction of every write
(storage/tally.py). 0013 creates the triggers and fills it from the existing tasks.

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa

from storage import tally

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_tally",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("agency_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("leader", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("grain", "day", "agency_id", "leader", "kind"),
    )
    op.create_table(
        "rollup_task_event",
        sa.Column("task_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("agency_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("leader", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("task_id", "agency_id", "leader", "day", "kind"),
    )
    # the triggers and the rebuild are storage/tally.py's of the head, for the head's tables:
    # 0013 (which gives rollup_task_event its last shape) creates and runs them


def downgrade() -> None:
    tally.drop_triggers(op.get_bind())
    op.drop_table("rollup_task_event")
    op.drop_table("rollup_tally")
