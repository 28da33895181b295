"""deadline tally: the rollup tally's events per half month of the task's deadline

`rollup_deadline_tally` keeps, by the same triggers as `rollup_tally` (storage/tally.py), the
events per half month (1st–14th, 15th–end) of the task's deadline and leader, so the rollup by
period reads a few hundred rows whatever the number of tasks; `rollup_task_event` gains the
half month (`dhalf`) each event was counted under, so a trigger can take it back. Both are
derived: the upgrade rebuilds them from the tasks. An index on directive.issued_on finds the
latest issue date (whether a rollup at a date must join the directives) without a scan.

Revision ID: 0013
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa

from storage import tally

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

LO = sa.text("'1900-01-01'")


def _event_table(with_half: bool) -> None:
    op.create_table(
        "rollup_task_event",
        sa.Column("task_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("agency_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("leader", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        *([sa.Column("dhalf", sa.Date(), nullable=False)] if with_half else []),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "task_id", "agency_id", "leader", "day", "kind", *(["dhalf"] if with_half else [])
        ),
    )


def upgrade() -> None:
    conn = op.get_bind()
    tally.drop_triggers(conn)
    op.drop_table("rollup_task_event")
    _event_table(with_half=True)
    op.create_table(
        "rollup_deadline_tally",
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dhalf", sa.Date(), nullable=False),
        sa.Column("leader", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("grain", "day", "dhalf", "leader", "kind"),
    )
    op.create_index("ix_directive__issued_on", "directive", ["issued_on"])
    tally.create_triggers(conn)
    tally.rebuild(conn)


def downgrade() -> None:
    """Back to 0011's tables; the triggers of this version stay (0011's code is not here)."""
    conn = op.get_bind()
    tally.drop_triggers(conn)
    op.drop_index("ix_directive__issued_on", table_name="directive")
    op.drop_table("rollup_deadline_tally")
    op.drop_table("rollup_task_event")
    _event_table(with_half=False)
