"""rollup scopes: the registry's stamp; the open overdue tasks by partial indexes

`registry_version` holds one random stamp that triggers on agency, agency_alias,
agency_member and agency_succession change on every write (storage/registry_version.py), so a
process keeps the registry it read. Two partial indexes find the open overdue tasks at any
as-of date (open tasks by deadline; done tasks by completion day) for the directives a rollup
lists (reports/directive_rank.py).

Revision ID: 0011
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa

from storage import registry_version
from storage.models import DONE_TASK, OPEN_TASK

INDEXES = (
    ("ix_task__open_deadline", ["deadline", "directive_id"], OPEN_TASK),
    ("ix_task__done_completed_on", ["completed_on", "deadline", "directive_id"], DONE_TASK),
)

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    conn = op.get_bind()
    registry_version.create_triggers(conn)
    stamp = "lower(hex(randomblob(16)))" if conn.dialect.name == "sqlite" else "md5(random()::text)"
    conn.exec_driver_sql(f"INSERT INTO registry_version (id, stamp) VALUES (1, {stamp})")
    for name, columns, where in INDEXES:
        op.create_index(name, "task", columns, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))  # fmt: skip


def downgrade() -> None:
    for name, _, _ in INDEXES:
        op.drop_index(name, table_name="task")
    registry_version.drop_triggers(op.get_bind())
    op.drop_table("registry_version")
