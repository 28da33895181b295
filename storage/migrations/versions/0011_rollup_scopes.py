"""rollup scopes: the registry's stamp, so reports keep the registry they read per process

`registry_version` holds one random stamp that triggers on agency, agency_alias,
agency_member and agency_succession change on every write (storage/registry_version.py).

Revision ID: 0011
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa

from storage import registry_version

revision = "0011"
down_revision = "0009"  # the lead rechains to "0010" at merge
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


def downgrade() -> None:
    registry_version.drop_triggers(op.get_bind())
    op.drop_table("registry_version")
