"""end of a recurring task's rule (ngày kết thúc của nhiệm vụ định kỳ)

A recurring task has a rule, a start and an optional end: `task.recurrence_until`. No period is
planned whose nominal deadline is after it.

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recurrence_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("recurrence_until")
