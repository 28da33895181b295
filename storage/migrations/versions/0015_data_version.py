"""data version: one random stamp, new in every transaction that writes what a report reads

`data_version` (storage/data_stamp.py) is kept by triggers on the task, directive, agency,
extension and calendar tables (PostgreSQL: deferred constraint triggers, once per
transaction at commit), so a web process keeps the leader's dashboard it built until the
stamp moves (web/dashboard_cache.py).

Revision ID: 0015
Revises: 0014
"""

from alembic import op
import sqlalchemy as sa

from storage import data_stamp

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    conn = op.get_bind()
    data_stamp.create_triggers(conn)
    data_stamp.renew(conn)


def downgrade() -> None:
    data_stamp.drop_triggers(op.get_bind())
    op.drop_table("data_version")
