"""Revision 0003 (sessions, login_attempts) up and down over an existing database."""

from __future__ import annotations

import sqlalchemy as sa

from storage.db import Database
from storage.migrate import check, downgrade, upgrade


def test_sessions_and_throttle_tables_come_and_go(blank_db: Database) -> None:
    upgrade(blank_db, "0002")
    assert not sa.inspect(blank_db.engine).has_table("sessions")
    upgrade(blank_db)
    check(blank_db)  # the models and the migrated schema agree
    tables = set(sa.inspect(blank_db.engine).get_table_names())
    assert {"sessions", "login_attempts"} <= tables
    downgrade(blank_db, "0002")
    tables = set(sa.inspect(blank_db.engine).get_table_names())
    assert not {"sessions", "login_attempts"} & tables
