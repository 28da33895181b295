"""directive.text_key: the normalised-text fingerprint that refuses double registration

A notice with the same number and issue date, or the same normalised text, as a registered
directive is refused unless the secretariat confirms it is another document. The fingerprint
(directives.fingerprint.text_key) is stored and indexed; existing rows are filled in here.

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-02 17:20:00.000000
"""

from alembic import op
import sqlalchemy as sa

from directives.fingerprint import text_key

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('directive', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_directive__text_key'), ['text_key'], unique=False)
    conn = op.get_bind()
    directive = sa.table('directive', sa.column('id', sa.Integer), sa.column('source_text', sa.Text),
                         sa.column('text_key', sa.String))
    rows = conn.execute(sa.select(directive.c.id, directive.c.source_text)).all()
    for row in rows:
        if row.source_text:
            conn.execute(directive.update().where(directive.c.id == row.id)
                         .values(text_key=text_key(row.source_text)))


def downgrade() -> None:
    with op.batch_alter_table('directive', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directive__text_key'))
        batch_op.drop_column('text_key')
