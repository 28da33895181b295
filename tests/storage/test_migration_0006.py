"""Migration 0006: agency successions and task lead history, up from 0002 and back down."""

from __future__ import annotations

import sqlalchemy as sa

from storage.agencies import load_agencies, read_agency_file, registry_from_db, shipped_agency_file
from storage.db import Database
from storage.migrate import check, current_revision, downgrade, upgrade


def _tables(db: Database) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_0006_up_and_down(blank_db: Database) -> None:
    db = blank_db
    upgrade(db, "0002")
    assert not {"agency_succession", "task_leads"} & _tables(db)
    upgrade(db, "0006")
    assert current_revision(db) == "0006"
    upgrade(db)  # the models are the head's (0007 follows)
    check(db)  # the models match the migrations
    with db.write() as s:
        load_agencies(s, read_agency_file(shipped_agency_file()))
    with db.read() as s:
        assert len(registry_from_db(s).successions) == 19
    db.engine.dispose()
    downgrade(db, "0002")
    assert not {"agency_succession", "task_leads"} & _tables(db)
    assert "agency" in _tables(db)
