"""task search (tìm kiếm nhiệm vụ): a search key per task, kept by triggers, indexed

`task.search_key` (content and directive, lowercase, no diacritics) is set by triggers on task
and directive (storage/search.py); PostgreSQL indexes it with pg_trgm (GIN), SQLite copies it
into an FTS5 table with the trigram tokenizer. Two indexes serve the list's keyset sorts. No batch mode on task: a SQLite rebuild would
drop the rollup-tally triggers of 0009.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from storage import search
from storage.task_list import SORT_INDEXES

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("ALTER TABLE task ADD COLUMN search_key TEXT")
    search.create(conn)
    for name, columns in SORT_INDEXES.items():  # keyset pages read in index order
        conn.exec_driver_sql(f"CREATE INDEX {name} ON task ({columns})")


def downgrade() -> None:
    conn = op.get_bind()
    for name in SORT_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    search.drop(conn)
    conn.exec_driver_sql("ALTER TABLE task DROP COLUMN search_key")
