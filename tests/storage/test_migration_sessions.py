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


def test_older_login_names_take_the_normalised_spelling(blank_db: Database) -> None:
    upgrade(blank_db, "0002")
    users = sa.table("app_user", sa.column("username"), sa.column("full_name"),
                     sa.column("password_hash"), sa.column("role"), sa.column("active"),
                     sa.column("created_at"))  # fmt: skip
    with blank_db.engine.begin() as conn:
        for name in (" VanPhong", "admin", "Admin"):
            conn.execute(users.insert().values(username=name, full_name="", password_hash="x",
                                               role="admin", active=True,
                                               created_at=sa.func.current_timestamp()))  # fmt: skip
    upgrade(blank_db)
    with blank_db.engine.connect() as conn:
        names = sorted(conn.execute(sa.select(users.c.username)).scalars())
    assert names == ["Admin", "admin", "vanphong"]  # "Admin" kept: "admin" is taken
