"""coordinator sort: one agency's list read in deadline order from two indexes

`task_coordinator.deadline_key` is the coordinated task's coalesce(deadline, '9999-12-31'),
kept by triggers (storage/coordinator_sort.py); an index on (agency_id, deadline_key, task_id)
and one on task (lead_agency_id, coalesce(deadline, '9999-12-31'), id) let "the tasks an agency
leads or coordinates, by deadline" read a page of rows from each, not sort all of them.

Revision ID: 0014
Revises: 0013
"""

from alembic import op
import sqlalchemy as sa

from storage import coordinator_sort

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    op.add_column(
        "task_coordinator",
        sa.Column(
            coordinator_sort.COLUMN,
            sa.Date(),
            server_default=sa.text(coordinator_sort.NO_DEADLINE),
            nullable=False,
        ),
    )
    coordinator_sort.refresh(conn)
    coordinator_sort.create_indexes(conn)
    coordinator_sort.create_triggers(conn)


def downgrade() -> None:
    conn = op.get_bind()
    coordinator_sort.drop_triggers(conn)
    coordinator_sort.drop_indexes(conn)
    op.drop_column("task_coordinator", coordinator_sort.COLUMN)
