"""task search (tìm kiếm nhiệm vụ): a search key per task, kept by triggers, indexed

`task.search_key` (content and directive, lowercase, no diacritics) is set by triggers on task
and directive (storage/search.py); PostgreSQL indexes it with pg_trgm (GIN), SQLite copies it
into an FTS5 table with the trigram tokenizer. No batch mode on task: a SQLite rebuild would
drop the rollup-tally triggers of 0009.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from storage import search

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("ALTER TABLE task ADD COLUMN search_key TEXT")
    search.create(conn)


def downgrade() -> None:
    conn = op.get_bind()
    search.drop(conn)
    conn.exec_driver_sql("ALTER TABLE task DROP COLUMN search_key")
