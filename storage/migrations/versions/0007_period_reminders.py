"""reminders per period (nhắc việc theo kỳ)

Every open period of a recurring task that has begun is a reminder subject: a period carries
its own next reminder date, and a reminder names its period (`period_seq`, 0 for a task that
is not recurring), so the same slot in two periods is two reminders, each sent once.

Revision ID: 0007
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task_periods", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_reminder_on", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_task_periods__next_reminder_on"), ["next_reminder_on"], unique=False
        )
    op.execute("UPDATE task_periods SET next_reminder_on = starts")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("period_seq", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.drop_constraint("uq_reminder__task_id_recipient_kind_slot", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_reminder__task_id_period_seq_recipient_kind_slot"),
            ["task_id", "period_seq", "recipient", "kind", "slot"],
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_reminder__task_id_period_seq_recipient_kind_slot"), type_="unique"
        )
        batch_op.create_unique_constraint(
            "uq_reminder__task_id_recipient_kind_slot", ["task_id", "recipient", "kind", "slot"]
        )
        batch_op.drop_column("period_seq")
    with op.batch_alter_table("task_periods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_periods__next_reminder_on"))
        batch_op.drop_column("next_reminder_on")
