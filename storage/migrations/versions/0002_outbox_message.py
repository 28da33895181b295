"""outbox messages in their own table

The rendered MIME bytes move from `outbox.message` to `outbox_message` (one row per outbox row,
deleted with it). Delivery updates outbox rows on every claim and mark; on SQLite each UPDATE
rewrote the whole record with its ~7 KB (or, with a DOCX attached, far larger) message.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 04:10:00.000000
"""

from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_message',
    sa.Column('outbox_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_outbox_message__outbox_id__outbox'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('outbox_id', name=op.f('pk_outbox_message'))
    )
    op.execute(
        'INSERT INTO outbox_message (outbox_id, message)'
        ' SELECT id, message FROM outbox WHERE message IS NOT NULL'
    )
    # SQLite rebuilds the table here (batch mode); env.py turns foreign keys off around it, or
    # dropping the old table would cascade to outbox_message and trip reminder.outbox_id.
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('message')


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message', sa.LargeBinary(), nullable=True))
    op.execute(
        'UPDATE outbox SET message ='
        ' (SELECT m.message FROM outbox_message m WHERE m.outbox_id = outbox.id)'
    )
    op.drop_table('outbox_message')
