"""server-side sessions and login throttling

`sessions`: one row per logged-in browser (the SHA-256 of the cookie's token), so logout, an
admin or disabling a user ends it. `login_attempts`: failed logins per account, per address and
per pair, shared by every worker process and machine. Login names are lower-cased and stripped.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 17:10:00.000000
"""

from alembic import op
import sqlalchemy as sa

import storage.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('address', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_sessions__user_id__app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sessions'))
    )
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sessions__user_id'), ['user_id'], unique=False)

    op.create_table('login_attempts',
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_login_attempts'))
    )
    # Login names are now stored and looked up normalised (stripped, case folded): bring older
    # ones to that spelling unless another account already has it (then it stays as it was).
    op.execute(
        "UPDATE app_user SET username = lower(trim(username))"
        " WHERE username <> lower(trim(username))"
        " AND lower(trim(username)) NOT IN (SELECT username FROM app_user)"
    )


def downgrade() -> None:
    op.drop_table('login_attempts')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sessions__user_id'))
    op.drop_table('sessions')
