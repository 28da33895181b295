"""task periods (kỳ của nhiệm vụ định kỳ)

One row per period of a recurring task, with its own deadline, progress, completion and
confirmation.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-02 17:04:13.246939
"""

from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('task_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('starts', sa.Date(), nullable=False),
    sa.Column('original_deadline', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('reported_done_on', sa.Date(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('confirmed_by', sa.String(length=100), nullable=True),
    sa.Column('confirmed_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_progress_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_task_periods__task_id__task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_periods')),
    sa.UniqueConstraint('task_id', 'seq', name=op.f('uq_task_periods__task_id_seq'))
    )
    with op.batch_alter_table('task_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_periods__deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_periods__task_id'), ['task_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('task_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_periods__task_id'))
        batch_op.drop_index(batch_op.f('ix_task_periods__deadline'))

    op.drop_table('task_periods')
