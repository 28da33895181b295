"""agency successions and task lead history

`agency_succession`: who took over an agency that ended (merger, split, rename, dissolution).
`task_leads`: the lead agency of a task over time, written when open tasks are handed over.

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-02 17:20:00.000000
"""

from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agency_succession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_agency_id', sa.Integer(), nullable=False),
    sa.Column('to_agency_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('work', sa.String(length=500), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['from_agency_id'], ['agency.id'], name=op.f('fk_agency_succession__from_agency_id__agency'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_agency_id'], ['agency.id'], name=op.f('fk_agency_succession__to_agency_id__agency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_succession')),
    sa.UniqueConstraint('from_agency_id', 'to_agency_id', name=op.f('uq_agency_succession__from_agency_id_to_agency_id'))
    )
    op.create_index(op.f('ix_agency_succession__from_agency_id'), 'agency_succession', ['from_agency_id'], unique=False)
    op.create_table('task_leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_task_leads__agency_id__agency')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_task_leads__task_id__task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_leads'))
    )
    op.create_index(op.f('ix_task_leads__agency_id'), 'task_leads', ['agency_id'], unique=False)
    op.create_index(op.f('ix_task_leads__task_id'), 'task_leads', ['task_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_task_leads__task_id'), table_name='task_leads')
    op.drop_index(op.f('ix_task_leads__agency_id'), table_name='task_leads')
    op.drop_table('task_leads')
    op.drop_index(op.f('ix_agency_succession__from_agency_id'), table_name='agency_succession')
    op.drop_table('agency_succession')
